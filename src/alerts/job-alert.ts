/**
 * An alert as the outbox carries it: everything needed to render the message later, whatever happened to the job
 * meanwhile. Written by the poller and the watch use case, read back (and validated) by delivery.
 */
import { z } from 'zod';
import type { ModelMetrics } from '../modelarts/index.js';

/** What the poller stores as the outbox payload for an alert: everything needed to render it later. */
export interface JobAlert {
  projectId: string;
  jobId: string;
  versionId: string;
  jobName: string | null;
  versionName: string | null;
  status: number;
  previousStatus: number | null;
  createTime: number | null;
  startTime: number | null;
  durationMs: number | null;
  engine: string | null;
  flavor: string | null;
  gpuNum: number | null;
  metrics: ModelMetrics | null;
  logTail: string[] | null;
  creatorUserId: string | null;
  watchId: number | null;
  event: 'status' | 'terminal';
}

const nullableNumber = z.number().finite().nullable().catch(null);
const nullableString = z.string().nullable().catch(null);
const MetricValuesSchema = z.object({
  accuracy: z.number().finite().optional().catch(undefined),
  precision: z.number().finite().optional().catch(undefined),
  recall: z.number().finite().optional().catch(undefined),
  f1_score: z.number().finite().optional().catch(undefined),
});

/** Validates an outbox payload read back from the store; lenient per field, strict on what identifies the alert. */
export const JobAlertSchema = z.object({
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
  metrics: z
    .object({
      total: MetricValuesSchema.nullable().catch(null),
      classes: z
        .array(
          MetricValuesSchema.extend({
            class_name: z.string().nullable().catch(null),
            class_id: z.number().int().nullable().catch(null),
          }),
        )
        .catch([]),
    })
    .nullable()
    .catch(null),
  logTail: z.array(z.string()).nullable().catch(null),
  creatorUserId: nullableString,
  watchId: z.number().int().nullable().catch(null),
  event: z.enum(['status', 'terminal']),
});

/** The alert in an outbox payload, or null when the payload is not one. */
export function parseJobAlert(payload: unknown): JobAlert | null {
  const r = JobAlertSchema.safeParse(payload);
  return r.success ? (r.data as JobAlert) : null;
}
