/**
 * Old-version (v1) training jobs: job list, versions of a job, version detail, the all-versions status listing,
 * log file names and aom-log lines. Schemas normalise the wire quirks of notes §6 (numbers as strings, metric lists as
 * JSON strings, 19-digit log cursors) and keep unknown fields.
 */
import { z } from 'zod';
import type { CallOptions, ModelArtsClient } from '../client.js';
import { validateId, validateJobId, validateVersionId } from '../ids.js';
import type { ListAnswer } from '../lenient.js';
import {
  arrayOf,
  fromJsonString,
  isRecord,
  optDuration,
  optId,
  optNumber,
  optString,
  optTime,
  reqId,
  reqNumber,
  rowsOf,
  toNumberOrNull,
  toStringOrNull,
} from '../lenient.js';
import { ModelMetricsSchema, SystemMetricsSchema } from './version-metrics.js';

export type { MetricValues, ModelMetrics, SystemMetrics } from './version-metrics.js';
export { normaliseModelMetrics, normaliseSystemMetrics } from './version-metrics.js';

// ---------------------------------------------------------------------------------------------------------------
// Versions

export const ParameterSchema = z.preprocess(
  (v) => (isRecord(v) ? { label: toStringOrNull(v.label) ?? '', value: toStringOrNull(v.value) ?? '' } : v),
  z.object({ label: z.string(), value: z.string() }),
);

const LooseObject = z.record(z.string(), z.unknown());

export const TrainingJobVersionSchema = z.looseObject({
  job_id: reqId(),
  job_name: optString(),
  job_desc: optString(),
  version_id: reqId(),
  version_name: optString(),
  pre_version_id: optId(),
  status: reqNumber(),
  create_time: optTime(),
  start_time: optTime(),
  duration: optDuration(),
  engine_type: optNumber(),
  engine_name: optString(),
  engine_id: optId(),
  engine_version: optString(),
  app_url: optString(),
  boot_file_url: optString(),
  data_url: optString(),
  train_url: optString(),
  log_url: optString(),
  data_source: arrayOf(LooseObject),
  dataset_id: optString(),
  dataset_version_id: optString(),
  dataset_name: optString(),
  dataset_version_name: optString(),
  spec_id: optId(),
  spec_code: optString(),
  core: optString(),
  cpu: optString(),
  gpu_num: optNumber(),
  gpu_type: optString(),
  worker_server_num: optNumber(),
  pool_id: optString(),
  pool_name: optString(),
  parameter: arrayOf(ParameterSchema),
  user_image_url: optString(),
  user_command: optString(),
  model_id: optId(),
  model_metric_list: ModelMetricsSchema,
  system_metric_list: SystemMetricsSchema,
  resource_id: optString(),
});
export type TrainingJobVersion = z.infer<typeof TrainingJobVersionSchema>;

/**
 * Versions of one job. Their items carry no `job_id`, `job_name` or `job_desc` (the API page's sample): those are taken
 * from the envelope, and the job id from the path when the envelope lacks it too. Rows are parsed one by one.
 */
export const trainingJobVersionListSchema = (pathJobId?: string) =>
  z
    .looseObject({
      job_id: optId(),
      job_name: optString(),
      job_desc: optString(),
      version_count: optNumber(),
      versions: z.unknown().optional(),
    })
    .transform((v, ctx) => {
      const jobId = v.job_id ?? (pathJobId === undefined ? null : Number(pathJobId));
      if (jobId === null) {
        ctx.issues.push({ code: 'custom', message: 'no job_id in the answer or the path', input: v, path: ['job_id'] });
        return z.NEVER;
      }
      const rows = rowsOf(TrainingJobVersionSchema, (row) =>
        isRecord(row) ? { job_id: jobId, job_name: v.job_name, job_desc: v.job_desc, ...withoutNulls(row) } : row,
      ).parse(v.versions);
      return { ...v, job_id: jobId, versions: rows.items, dropped: rows.dropped };
    });
export const TrainingJobVersionListSchema = trainingJobVersionListSchema();
export type TrainingJobVersionList = ListAnswer<z.infer<typeof TrainingJobVersionListSchema>>;

/** The row's own values win over the envelope's, unless the row sends null for them. */
function withoutNulls(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null && value !== undefined));
}

// ---------------------------------------------------------------------------------------------------------------
// All-versions status listing (MA-GPU)

export const JobVersionStatusSchema = z.looseObject({
  version_id: reqId(),
  version_name: optString(),
  job_id: optId(),
  job_name: optString(),
  status: reqNumber(),
  create_time: optTime(),
  start_time: optTime(),
  end_time: optTime(),
  duration: optDuration(),
  version_desc: optString(),
  pool_id: optString(),
  flavor_code: optString(),
  npu_num: optNumber(),
  gpu_num: optNumber(),
});
export type JobVersionStatus = z.infer<typeof JobVersionStatusSchema>;

export const JobVersionStatusListSchema = z
  .looseObject({
    total_count: optNumber(),
    offset: optNumber(),
    limit: optNumber(),
    versions: rowsOf(JobVersionStatusSchema),
  })
  .transform((v) => ({
    ...v,
    versions: v.versions.items,
    dropped: v.versions.dropped,
    total_count: v.total_count ?? v.versions.items.length,
    offset: v.offset ?? 0,
    limit: v.limit ?? v.versions.items.length,
  }));
export type JobVersionStatusList = ListAnswer<z.infer<typeof JobVersionStatusListSchema>>;

// ---------------------------------------------------------------------------------------------------------------
// Job list

export const TrainingJobSummarySchema = z.looseObject({
  job_id: reqId(),
  job_name: optString(),
  version_id: optId(),
  status: reqNumber(),
  create_time: optTime(),
  duration: optDuration(),
  job_desc: optString(),
  version_count: optNumber(),
});
export type TrainingJobSummary = z.infer<typeof TrainingJobSummarySchema>;

/** The v1 job-list envelope (training and visualization jobs): a missing total counts the rows. */
export const jobListSchema = <T extends z.ZodType>(item: T) =>
  z
    .looseObject({
      job_total_count: optNumber(),
      job_count_limit: optNumber(),
      jobs: rowsOf(item),
    })
    .transform((v) => ({
      ...v,
      jobs: v.jobs.items,
      dropped: v.jobs.dropped,
      job_total_count: v.job_total_count ?? v.jobs.items.length,
    }));

export const TrainingJobListSchema = jobListSchema(TrainingJobSummarySchema);
export type TrainingJobList = ListAnswer<z.infer<typeof TrainingJobListSchema>>;

// ---------------------------------------------------------------------------------------------------------------
// Logs

/** `log_file_list` is documented as a String but is an array; accept both (a JSON array string, or one name). */
export const LogFileNamesSchema = z
  .looseObject({
    log_file_list: z.unknown().optional(),
  })
  .transform((v): string[] => {
    const decoded = typeof v.log_file_list === 'string' ? fromJsonString(v.log_file_list) : v.log_file_list;
    if (Array.isArray(decoded)) {
      return decoded.map((n) => toStringOrNull(n)).filter((n): n is string => n !== null && n !== '');
    }
    if (typeof v.log_file_list === 'string' && v.log_file_list.trim() !== '') return [v.log_file_list.trim()];
    return [];
  });

/** Cursors stay exact strings: `start_line` arrives as a bare 19-digit number the JSON layer keeps as text. */
const cursor = () =>
  z.preprocess((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    if (typeof v === 'bigint') return v.toString();
    return '';
  }, z.string());

export const AomLogSchema = z.looseObject({
  content: z.preprocess((v) => toStringOrNull(v) ?? '', z.string()),
  lines: z.preprocess((v) => toNumberOrNull(v) ?? 0, z.number()),
  start_line: cursor(),
  end_line: cursor(),
});
export type AomLog = z.infer<typeof AomLogSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Queries

export type SortOrder = 'asc' | 'desc';

export interface ListTrainingJobsQuery {
  /** One status code (the API takes a single value). */
  status?: number | string;
  /** 1–1000, default 10. */
  per_page?: number;
  /** 1–65535, default 1. */
  page?: number;
  sortBy?: 'job_name' | 'job_desc' | 'status' | 'duration' | 'version_count' | 'create_time';
  order?: SortOrder;
  search_content?: string;
  workspace_id?: string;
}

export interface ListTrainingJobVersionsQuery {
  /** 1–1000, default 10. */
  per_page?: number;
  /** Default 0 = no paging (all versions); 1 and up page. */
  page?: number;
}

export interface ListJobVersionStatusesQuery {
  offset?: number;
  /** Default 20; 0 = all. */
  limit?: number;
  status?: number | string;
  sort_by?: 'create_time' | 'job_desc' | 'status' | 'duration' | 'job_name';
  order?: SortOrder;
  pool_id?: string;
  workspace_id?: string;
}

export interface GetAomLogQuery {
  log_file: string;
  /** 0–500, default 50. */
  lines?: number;
  /** Cursor from a previous answer (`start_line`/`end_line`), sent back exactly; empty = latest. */
  base_line?: string;
  /** `desc` = newer records, `asc` = older. */
  order?: SortOrder;
}

// ---------------------------------------------------------------------------------------------------------------
// Calls

const P = '/v1/{project_id}/training-jobs';

export async function getTrainingJobVersion(
  client: ModelArtsClient,
  jobId: string | number,
  versionId: string | number,
  options?: CallOptions,
): Promise<TrainingJobVersion> {
  const job_id = validateJobId(jobId);
  const version_id = validateVersionId(versionId);
  return client.get(
    {
      template: `${P}/{job_id}/versions/{version_id}`,
      params: { job_id, version_id },
      schema: TrainingJobVersionSchema,
      availability: { api: 'v1' },
    },
    options,
  );
}

export async function listTrainingJobVersions(
  client: ModelArtsClient,
  jobId: string | number,
  query: ListTrainingJobVersionsQuery = {},
  options?: CallOptions,
): Promise<TrainingJobVersionList> {
  const job_id = validateJobId(jobId);
  return client.get(
    {
      template: `${P}/{job_id}/versions`,
      params: { job_id },
      query: { per_page: query.per_page, page: query.page },
      schema: trainingJobVersionListSchema(job_id),
      availability: { api: 'v1' },
      list: true,
    },
    options,
  );
}

export async function listJobVersionStatuses(
  client: ModelArtsClient,
  query: ListJobVersionStatusesQuery = {},
  options?: CallOptions,
): Promise<JobVersionStatusList> {
  return client.get(
    {
      template: `${P}/versions`,
      query: {
        offset: query.offset,
        limit: query.limit,
        status: query.status,
        sort_by: query.sort_by,
        order: query.order,
        pool_id: query.pool_id,
        workspace_id: query.workspace_id === undefined ? undefined : validateId('workspace_id', query.workspace_id),
      },
      schema: JobVersionStatusListSchema,
      // Left out of the OTC docs in 2022 and switched off on some accounts: however it says "not here", it is gone,
      // and a "training job not found" from a listing without ids can only mean that too.
      availability: { listing: true, unavailableCodes: ['ModelArts.2775'] },
      list: true,
    },
    options,
  );
}

/** The query of the v1 job lists (training and visualization jobs share their parameters). */
export function jobListQuery(query: {
  status?: number | string | undefined;
  per_page?: number | undefined;
  page?: number | undefined;
  sortBy?: string | undefined;
  order?: SortOrder | undefined;
  search_content?: string | undefined;
  workspace_id?: string | undefined;
}): Record<string, string | number | undefined> {
  return {
    status: query.status,
    per_page: query.per_page,
    page: query.page,
    sortBy: query.sortBy,
    order: query.order,
    search_content: query.search_content,
    workspace_id: query.workspace_id === undefined ? undefined : validateId('workspace_id', query.workspace_id),
  };
}

export async function listTrainingJobs(
  client: ModelArtsClient,
  query: ListTrainingJobsQuery = {},
  options?: CallOptions,
): Promise<TrainingJobList> {
  return client.get(
    {
      template: P,
      query: jobListQuery(query),
      schema: TrainingJobListSchema,
      availability: { api: 'v1', listing: true },
      list: true,
    },
    options,
  );
}

export async function getLogFileNames(
  client: ModelArtsClient,
  jobId: string | number,
  versionId: string | number,
  options?: CallOptions,
): Promise<string[]> {
  const job_id = validateJobId(jobId);
  const version_id = validateVersionId(versionId);
  return client.get(
    {
      template: `${P}/{job_id}/versions/{version_id}/log/file-names`,
      params: { job_id, version_id },
      schema: LogFileNamesSchema,
    },
    options,
  );
}

/** An empty log (ModelArts answers 204 "NotReadyToFetchLog", ModelArts.2776, while a job has not logged yet). */
const EMPTY_LOG: AomLog = { content: '', lines: 0, start_line: '', end_line: '' };

export async function getAomLog(
  client: ModelArtsClient,
  jobId: string | number,
  versionId: string | number,
  query: GetAomLogQuery,
  options?: CallOptions,
): Promise<AomLog> {
  const job_id = validateJobId(jobId);
  const version_id = validateVersionId(versionId);
  return client.get(
    {
      template: `${P}/{job_id}/versions/{version_id}/aom-log`,
      params: { job_id, version_id },
      query: { log_file: query.log_file, lines: query.lines, base_line: query.base_line, order: query.order },
      schema: AomLogSchema,
      onEmpty: () => ({ ...EMPTY_LOG }),
    },
    options,
  );
}
