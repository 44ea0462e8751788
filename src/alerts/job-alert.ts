/**
 * An alert as the outbox carries it: a snapshot of the run, whatever happened to it meanwhile, plus what the watch
 * adds. Written by the poller and the watch use case, read back (and validated) by delivery.
 *
 * Rows queued by builds before the run model carry the older, v1-only payload (`LegacyJobAlertSchema`); they are
 * read into the same shape, so an upgrade delivers what was already queued.
 */
import { z } from 'zod';
import { emptyResources, emptyRun, engineLabel, type JobRun, refFromParts, v1Status } from '../modelarts/index.js';
import { ModelMetricsSnapshot, RunSnapshotSchema } from '../modelarts/run-snapshot.js';

export interface JobAlert {
  projectId: string;
  /** The run as it was when the alert was decided. */
  run: JobRun;
  /** Key of the status the run had before, when a change was seen from a stored state. */
  previousStatus: string | null;
  /** The last lines of the run's log (failures), kept apart from `run.failure`, which says why it failed. */
  logTail: string[] | null;
  creatorUserId: string | null;
  watchId: number | null;
  event: 'status' | 'terminal';
}

const nullableNumber = z.number().finite().nullable().catch(null);
const nullableString = z.string().nullable().catch(null);
const AlertFields = {
  logTail: z.array(z.string()).nullable().catch(null),
  creatorUserId: nullableString,
  watchId: z.number().int().nullable().catch(null),
  event: z.enum(['status', 'terminal']),
};

/** Validates an outbox payload read back from the store; lenient per field, strict on what identifies the alert. */
export const JobAlertSchema = z.object({
  projectId: z.string(),
  run: RunSnapshotSchema,
  previousStatus: z.string().min(1).max(64).nullable().catch(null),
  ...AlertFields,
});

/** The payload queued before the run model: one v1 job version, numeric status codes. */
export const LegacyJobAlertSchema = z
  .object({
    projectId: z.string(),
    jobId: z.string().min(1),
    versionId: z.string().min(1),
    jobName: nullableString,
    versionName: nullableString,
    status: z.number().int(),
    previousStatus: z.number().int().nullable().catch(null),
    createTime: nullableNumber,
    startTime: nullableNumber,
    durationMs: nullableNumber,
    engine: nullableString,
    flavor: nullableString,
    gpuNum: nullableNumber,
    metrics: ModelMetricsSnapshot,
    ...AlertFields,
  })
  .transform((old, ctx): JobAlert => {
    const ref = refFromParts(old.jobId, old.versionId);
    if (ref === null) {
      ctx.addIssue({ code: 'custom', message: 'not a job version' });
      return z.NEVER;
    }
    // The engine was "<engine_name> <engine_version>"; the name has no spaces, so it splits back into the two.
    const [engineName, ...engineVersion] = (old.engine ?? '').split(' ');
    const gpus = old.gpuNum !== null && old.gpuNum > 0 ? old.gpuNum : null;
    return {
      projectId: old.projectId,
      run: {
        ...emptyRun(ref, v1Status(old.status)),
        name: old.jobName,
        versionName: old.versionName,
        createdAt: old.createTime,
        startedAt: old.startTime,
        durationMs: old.durationMs,
        engine: engineLabel(engineName, engineVersion.join(' ')),
        resources: {
          ...emptyResources(),
          flavor: old.flavor,
          accelerators: gpus === null ? null : { kind: 'GPU', count: gpus, type: null },
        },
        modelMetrics: old.metrics,
      },
      previousStatus: old.previousStatus === null ? null : String(old.previousStatus),
      logTail: old.logTail,
      creatorUserId: old.creatorUserId,
      watchId: old.watchId,
      event: old.event,
    };
  });

/** The alert in an outbox payload (either shape), or null when the payload is not one. */
export function parseJobAlert(payload: unknown): JobAlert | null {
  const current = JobAlertSchema.safeParse(payload);
  if (current.success) return current.data;
  const legacy = LegacyJobAlertSchema.safeParse(payload);
  return legacy.success ? legacy.data : null;
}

/**
 * The run as an outbox payload keeps it: usage series are never shown in an alert and can be long, and the console
 * link is filled when the alert is delivered (from the configuration of that moment).
 */
export function runSnapshot(run: JobRun): JobRun {
  return { ...run, usage: null, consoleUrl: null };
}
