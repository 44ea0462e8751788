/**
 * New-version (v2) training job reads below the job: a task's log preview and OBS log link, the job's events, a task's
 * resource metrics (notes v2 §7, §8, §9, §12). Times in the parsed data are epoch ms (events arrive as ISO strings);
 * metric points ModelArts marks "no data" (-1) are null.
 */
import { z } from 'zod';
import type { CallOptions, ModelArtsClient } from '../client.js';
import { validateTrainingJobId, validateTrainingTaskId } from '../ids.js';
import type { ListAnswer } from '../lenient.js';
import { nestedList, optNumber, optString, optTime, rowsOf, toNumberOrNull, toStringOrNull } from '../lenient.js';
import type { SortOrder } from './training-jobs.js';

const TASK = '/v2/{project_id}/training-jobs/{training_job_id}/tasks/{task_id}';
const JOB = '/v2/{project_id}/training-jobs/{training_job_id}';

function ids(jobId: string, taskId: string): { training_job_id: string; task_id: string } {
  return { training_job_id: validateTrainingJobId(jobId), task_id: validateTrainingTaskId(taskId) };
}

// ---------------------------------------------------------------------------------------------------------------
// Log preview (§7)

export const TaskLogPreviewSchema = z
  .looseObject({
    content: z.unknown().optional(),
    // The field's name before 2022-03-01.
    context: z.unknown().optional(),
    current_size: optNumber(),
    full_size: optNumber(),
  })
  .transform(({ context, ...v }) => {
    const content = toStringOrNull(v.content) ?? toStringOrNull(context) ?? '';
    return {
      ...v,
      /** The whole log, or its newest part (at most 5 MB) when it is longer. */
      content,
      /** False while ModelArts has no log for the task yet (204 ModelArts.2776). */
      ready: true,
      /** The head was cut off: `full_size` bytes exist, `current_size` were sent. */
      truncated: v.full_size !== null && v.current_size !== null && v.full_size > v.current_size,
    };
  });
export type TaskLogPreview = z.infer<typeof TaskLogPreviewSchema>;

const NO_LOG_YET: TaskLogPreview = { content: '', current_size: 0, full_size: 0, ready: false, truncated: false };

/** GET …/tasks/{task_id}/logs/preview: the newest part of a task's log (the whole log when under 5 MB). */
export async function getTaskLogPreview(
  client: ModelArtsClient,
  jobId: string,
  taskId: string,
  options?: CallOptions,
): Promise<TaskLogPreview> {
  return client.get(
    {
      template: `${TASK}/logs/preview`,
      params: ids(jobId, taskId),
      schema: TaskLogPreviewSchema,
      emptyCodes: ['ModelArts.2776'],
      onEmpty: () => ({ ...NO_LOG_YET }),
    },
    options,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// OBS log link (§8)

export const TaskLogUrlSchema = z.looseObject({
  /** A signed OBS link valid about 5 minutes: fetch a new one each time, never keep it. */
  obs_url: z.preprocess((v) => toStringOrNull(v) ?? '', z.string().min(1)),
  shards: z
    .preprocess(
      (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null),
      z.looseObject({ object_urls: nestedList(z.string()), count: optNumber(), total: optNumber() }).nullable(),
    )
    .optional(),
});
export type TaskLogUrl = z.infer<typeof TaskLogUrlSchema>;

export type LogUrlContentType = 'text/plain' | 'application/octet-stream';

/**
 * GET …/tasks/{task_id}/logs/url: `text/plain` links open in a browser, `application/octet-stream` ones download.
 * The type goes in the Content-Type header (documented) and the query (the docs' sample): both are sent.
 */
export async function getTaskLogUrl(
  client: ModelArtsClient,
  jobId: string,
  taskId: string,
  contentType: LogUrlContentType = 'text/plain',
  options?: CallOptions,
): Promise<TaskLogUrl> {
  if (contentType !== 'text/plain' && contentType !== 'application/octet-stream') {
    throw new RangeError('contentType must be text/plain or application/octet-stream');
  }
  return client.get(
    {
      template: `${TASK}/logs/url`,
      params: ids(jobId, taskId),
      query: { 'Content-Type': contentType },
      headers: { 'content-type': contentType },
      schema: TaskLogUrlSchema,
    },
    options,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Events (§9)

export const TrainingJobEventSchema = z.looseObject({
  /** ms (ISO 8601 with an offset on the wire). */
  time: optTime(),
  level: optString(),
  message: optString(),
  /** Job, Task or K8S (also seen as K8s). */
  source: optString(),
});
export type TrainingJobEvent = z.infer<typeof TrainingJobEventSchema>;

export const TrainingJobEventListSchema = z
  .looseObject({
    total: optNumber(),
    limit: optNumber(),
    offset: optNumber(),
    order: optString(),
    start_time: optTime(),
    end_time: optTime(),
    events: rowsOf(TrainingJobEventSchema),
  })
  .transform((v) => ({
    ...v,
    events: v.events.items,
    dropped: v.events.dropped,
    total: v.total ?? v.events.items.length,
  }));
export type TrainingJobEventList = ListAnswer<z.infer<typeof TrainingJobEventListSchema>>;

export type EventLevel = 'Info' | 'Warning' | 'Error';

export interface ListTrainingJobEventsQuery {
  /** OTC documents an entry offset, Huawei's SDK a page index from 0 (notes v2 §15): sent as given. */
  offset?: number;
  /** 1–100, default 50. */
  limit?: number;
  order?: SortOrder;
  level?: EventLevel;
  /** Text the message contains (at most 256 characters). */
  pattern?: string;
  /** Epoch ms; the API takes both ends or neither. */
  start_time?: number;
  end_time?: number;
}

export async function listTrainingJobEvents(
  client: ModelArtsClient,
  jobId: string,
  query: ListTrainingJobEventsQuery = {},
  options?: CallOptions,
): Promise<TrainingJobEventList> {
  const training_job_id = validateTrainingJobId(jobId);
  if ((query.start_time === undefined) !== (query.end_time === undefined)) {
    throw new RangeError('start_time and end_time go together');
  }
  if (query.pattern !== undefined && query.pattern.length > 256)
    throw new RangeError('pattern is at most 256 characters');
  if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 100)) {
    throw new RangeError('limit must be an integer from 1 to 100');
  }
  if (query.level !== undefined && !['Info', 'Warning', 'Error'].includes(query.level)) {
    throw new RangeError('level must be Info, Warning or Error');
  }
  return client.get(
    {
      template: `${JOB}/events`,
      params: { training_job_id },
      query: {
        offset: query.offset,
        limit: query.limit,
        order: query.order,
        level: query.level,
        pattern: query.pattern,
        // Epoch-ms strings, as in the docs' sample.
        start_time: query.start_time === undefined ? undefined : String(Math.trunc(query.start_time)),
        end_time: query.end_time === undefined ? undefined : String(Math.trunc(query.end_time)),
      },
      schema: TrainingJobEventListSchema,
      list: true,
    },
    options,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Metrics (§12)

/** One point per minute, oldest first (the time axis is undocumented); null where ModelArts says -1 (no data). */
const points = () =>
  z
    .unknown()
    .optional()
    .transform((v) =>
      (Array.isArray(v) ? v : []).map((point) => {
        const n = toNumberOrNull(point);
        return n === null || n < 0 ? null : n;
      }),
    );

export const TrainingJobMetricsSchema = z
  .looseObject({
    metrics: nestedList(z.looseObject({ metric: z.string().min(1), value: points() })),
  })
  .transform((v) => ({ ...v, ready: true }));
export type TrainingJobMetrics = z.infer<typeof TrainingJobMetricsSchema>;

/**
 * GET …/metrics/{task_id} (the task after `metrics`): cpuUsage, memUsage, gpuUtil, gpuMemUsage, npuUtil, npuMemUsage,
 * all six even when unused. 204 ModelArts.2777 (no metrics yet) gives no metrics and `ready: false`.
 */
export async function getTrainingJobMetrics(
  client: ModelArtsClient,
  jobId: string,
  taskId: string,
  options?: CallOptions,
): Promise<TrainingJobMetrics> {
  return client.get(
    {
      template: `${JOB}/metrics/{task_id}`,
      params: ids(jobId, taskId),
      schema: TrainingJobMetricsSchema,
      emptyCodes: ['ModelArts.2777'],
      onEmpty: () => ({ metrics: [], ready: false }),
    },
    options,
  );
}
