/**
 * A JobRun read back from JSON we wrote earlier (an outbox payload may wait days, and be written by an older build).
 * Strict on what names the run (a ref that `refFromParts` accepts, a status key), lenient on everything else: a
 * field that is missing or malformed becomes unknown instead of losing the alert. The status is rebuilt from its
 * key, so labels and emoji follow the current tables.
 */
import { z } from 'zod';
import { emptyResources, type JobRun, type RunStatus, refFromParts, statusFromKey, v2Status } from './job-run.js';

const nullableString = z.string().nullable().catch(null);
const nullableNumber = z.number().finite().nullable().catch(null);
const strings = z.array(z.string()).catch([]);

const MetricValues = z.object({
  accuracy: z.number().finite().optional().catch(undefined),
  precision: z.number().finite().optional().catch(undefined),
  recall: z.number().finite().optional().catch(undefined),
  f1_score: z.number().finite().optional().catch(undefined),
});

/** Metric values without the keys that were missing (zod leaves them as `undefined` entries). */
function defined<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as T;
}

export const ModelMetricsSnapshot = z
  .object({
    total: MetricValues.nullable().catch(null),
    classes: z
      .array(
        MetricValues.extend({
          class_name: nullableString,
          class_id: z.number().int().nullable().catch(null),
        }),
      )
      .catch([]),
  })
  .transform((m) => ({ total: m.total ? defined(m.total) : null, classes: m.classes.map(defined) }))
  .nullable()
  .catch(null);

const Location = z.object({ name: nullableString, location: z.string() });

const Resources = z
  .object({
    flavor: nullableString,
    flavorName: nullableString,
    nodes: nullableNumber,
    accelerators: z
      .object({ kind: z.enum(['GPU', 'NPU']), count: nullableNumber, type: nullableString })
      .nullable()
      .catch(null),
    cpuCores: nullableNumber,
    memoryBytes: nullableNumber,
    pool: nullableString,
  })
  .catch(() => emptyResources());

const Failure = z
  .object({
    reason: nullableString,
    source: z.enum(['log', 'task', 'record', 'event', 'status']).nullable().catch(null),
    exitCode: nullableNumber,
    task: nullableString,
    excerpt: z.array(z.string()).nullable().catch(null),
  })
  .nullable()
  .catch(null);

const RefSnapshot = z
  .object({ api: z.enum(['v1', 'v2']), jobId: z.string(), versionId: z.string().nullable().optional() })
  .transform((r, ctx) => {
    const ref = refFromParts(r.jobId, r.api === 'v1' ? (r.versionId ?? null) : null);
    if (ref === null || ref.api !== r.api) {
      ctx.addIssue({ code: 'custom', message: 'not a run ref' });
      return z.NEVER;
    }
    return ref;
  });

const StatusSnapshot = z
  .object({ key: z.string().min(1).max(64), detail: nullableString.optional() })
  .transform((s): RunStatus => {
    const status = statusFromKey(s.key);
    return status.api === 'v2' && s.detail ? v2Status(s.key, s.detail) : status;
  });

export const RunSnapshotSchema = z
  .object({
    ref: RefSnapshot,
    status: StatusSnapshot,
    name: nullableString,
    versionName: nullableString,
    description: nullableString,
    owner: nullableString,
    createdAt: nullableNumber,
    startedAt: nullableNumber,
    endedAt: nullableNumber,
    durationMs: nullableNumber,
    engine: nullableString,
    image: nullableString,
    resources: Resources,
    parameters: z.array(z.object({ name: z.string(), value: z.string() })).catch([]),
    inputs: z.array(Location).catch([]),
    outputs: z.array(Location).catch([]),
    logLocation: nullableString,
    code: z
      .object({ dir: nullableString, bootFile: nullableString, command: nullableString })
      .catch({ dir: null, bootFile: null, command: null }),
    modelMetrics: ModelMetricsSnapshot,
    usage: z
      .object({ series: z.record(z.string(), z.array(z.number())), intervalSeconds: nullableNumber })
      .nullable()
      .catch(null),
    tasks: strings,
    failure: Failure,
    tensorboardUrl: nullableString,
    consoleUrl: nullableString,
    extraIds: z.array(z.object({ label: z.string(), value: z.string() })).catch([]),
  })
  .transform((r): JobRun => r);

/** The run in a stored snapshot, or null when it does not name one. */
export function parseRunSnapshot(raw: unknown): JobRun | null {
  const result = RunSnapshotSchema.safeParse(raw);
  return result.success ? result.data : null;
}
