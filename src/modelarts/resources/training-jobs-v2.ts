/**
 * New-version (v2) training jobs: the job search and the job detail (notes v2 §3, §4). Task-level reads (log preview,
 * log URL, events, metrics) are in training-job-tasks-v2.ts.
 *
 * The schemas are lenient as the reference advises: every field optional and nullable, unknown keys kept, any
 * sub-object may be missing (it then parses as an object of nulls and empty lists, so readers need no `?.` chains),
 * entries of nested lists that fail are left out. Every time in the parsed data is epoch **milliseconds**, whatever the
 * wire unit: `running_records[].start_at/end_at` (seconds on the wire) are converted here.
 */
import { z } from 'zod';
import type { CallOptions, ModelArtsClient } from '../client.js';
import { validateTrainingJobId, validateWorkspaceId } from '../ids.js';
import type { ListAnswer } from '../lenient.js';
import {
  isRecord,
  nestedList,
  optDuration,
  optNumber,
  optSecondsAsMs,
  optString,
  optTime,
  rowsOf,
  stringMap,
  toNumberOrNull,
} from '../lenient.js';
import type { SortOrder } from './training-jobs.js';

/** The eight documented phases (notes v2 §5); others may appear and are kept as sent. */
export const TRAINING_JOB_PHASES = [
  'Creating',
  'Pending',
  'Running',
  'Terminating',
  'Completed',
  'Failed',
  'Abnormal',
  'Terminated',
] as const;
export type TrainingJobPhase = (typeof TRAINING_JOB_PHASES)[number];

// ---------------------------------------------------------------------------------------------------------------
// Building blocks

/** A sub-object that is always there: missing or not an object parses as `{}` (every field then null or empty). */
const part = <S extends z.ZodRawShape>(shape: S) => z.preprocess((v) => (isRecord(v) ? v : {}), z.looseObject(shape));

/** A sub-object whose absence means something (no engine, no TensorBoard): null when missing. */
const optPart = <S extends z.ZodRawShape>(shape: S) =>
  z.preprocess((v) => (isRecord(v) ? v : null), z.looseObject(shape).nullable());

const strings = () => nestedList(z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string()));

/** `[[epoch_ms, nodes], …]`, or a JSON string of it (TF reads it so); anything else is left out. */
const nodeCountMetrics = () =>
  nestedList(
    z.preprocess(
      (pair) => {
        if (!Array.isArray(pair) || pair.length < 2) return null;
        const at = toNumberOrNull(pair[0]);
        const nodes = toNumberOrNull(pair[1]);
        return at === null || nodes === null ? null : [at, nodes];
      },
      z.tuple([z.number(), z.number()]),
    ),
  );

const access = () => optPart({ url: optString(), token: optString() });

// ---------------------------------------------------------------------------------------------------------------
// The job (§4)

export const TaskStatusSchema = z.looseObject({ task: optString(), exit_code: optNumber(), message: optString() });

export const RecoverRecordSchema = z.looseObject({
  recover_start_at: optSecondsAsMs(),
  recover_end_at: optSecondsAsMs(),
  recover: optString(),
  fault_scenario: optString(),
  reason: optString(),
  related_task: optString(),
  recover_result: optString(),
});

/** One run or restart; times in ms (seconds on the wire), `end_at` null while it runs. */
export const RunningRecordSchema = z.looseObject({
  start_at: optSecondsAsMs(),
  end_at: optSecondsAsMs(),
  xpu_start_at: optSecondsAsMs(),
  start_type: optString(),
  end_reason: optString(),
  end_related_task: optString(),
  end_recover: optString(),
  end_recover_before_downgrade: optString(),
  recover_records: nestedList(RecoverRecordSchema),
});

const ChannelSchema = z.looseObject({
  name: optString(),
  local_dir: optString(),
  description: optString(),
  access_method: optString(),
  remote: part({
    obs: optPart({ obs_url: optString() }),
    dataset: optPart({ id: optString(), version_id: optString(), obs_url: optString(), name: optString() }),
  }),
});

const ParameterSchema = z.looseObject({ name: optString(), value: optString(), description: optString() });

const UnitSchema = () => optPart({ size: optNumber(), unit: optString() });

export const TrainingJobV2Schema = z.looseObject({
  kind: optString(),
  metadata: part({
    id: optString(),
    name: optString(),
    workspace_id: optString(),
    description: optString(),
    create_time: optTime(),
    user_name: optString(),
    annotations: stringMap(),
  }),
  status: part({
    phase: optString(),
    secondary_phase: optString(),
    /** ms of run time; 0 on the wire until it runs (kept as 0: a duration of zero is true). */
    duration: optDuration(),
    /** ms; null until started (0 on the wire). */
    start_time: optTime(),
    node_count_metrics: nodeCountMetrics(),
    tasks: strings(),
    task_statuses: nestedList(TaskStatusSchema),
    running_records: nestedList(RunningRecordSchema),
  }),
  algorithm: part({
    id: optString(),
    name: optString(),
    code_dir: optString(),
    boot_file: optString(),
    command: optString(),
    local_code_dir: optString(),
    working_dir: optString(),
    parameters: nestedList(ParameterSchema),
    inputs: nestedList(ChannelSchema),
    outputs: nestedList(ChannelSchema),
    engine: optPart({
      engine_id: optString(),
      engine_name: optString(),
      engine_version: optString(),
      image_url: optString(),
    }),
    environments: stringMap(),
  }),
  spec: part({
    resource: part({
      flavor_id: optString(),
      flavor_name: optString(),
      node_count: optNumber(),
      policy: optString(),
      pool_id: optString(),
      flavor_detail: optPart({
        flavor_type: optString(),
        billing: optPart({ code: optString(), unit_num: optNumber() }),
        flavor_info: optPart({
          max_num: optNumber(),
          cpu: optPart({ arch: optString(), core_num: optNumber() }),
          gpu: optPart({ unit_num: optNumber(), product_name: optString(), memory: optString() }),
          // unit_num is a string for NPUs on the wire; a number here like the GPU's.
          npu: optPart({ unit_num: optNumber(), product_name: optString(), memory: optString() }),
          memory: UnitSchema(),
          disk: UnitSchema(),
        }),
      }),
      main_container_allocated_resources: optPart({
        cpu_arch: optString(),
        cpu_core_num: optNumber(),
        mem_size: optNumber(),
        accelerator_num: optNumber(),
        accelerator_type: optString(),
      }),
    }),
    log_export_path: optPart({ obs_url: optString(), host_path: optString() }),
  }),
  endpoints: part({
    tensorboard: access(),
    jupyter_lab: access(),
    mindstudio_insight: access(),
    ssh: optPart({
      key_pair_names: strings(),
      task_urls: nestedList(z.looseObject({ task: optString(), url: optString() })),
    }),
  }),
});
export type TrainingJobV2 = z.infer<typeof TrainingJobV2Schema>;

/** A search row is only useful with its id: one without is dropped (and counted). */
export const TrainingJobV2RowSchema = TrainingJobV2Schema.refine((job) => (job.metadata.id ?? '') !== '', {
  message: 'metadata.id is missing',
  path: ['metadata', 'id'],
});

/** The detail: the id from the path fills a missing `metadata.id`. */
export const trainingJobV2Schema = (pathJobId: string) =>
  z.preprocess((v) => {
    if (!isRecord(v)) return v;
    const metadata = isRecord(v.metadata) ? v.metadata : {};
    return typeof metadata.id === 'string' && metadata.id !== ''
      ? v
      : { ...v, metadata: { ...metadata, id: pathJobId } };
  }, TrainingJobV2Schema);

// ---------------------------------------------------------------------------------------------------------------
// Search (§3)

export const TrainingJobSearchSchema = z
  .looseObject({
    /** All the caller's jobs, ignoring filters. */
    total: optNumber(),
    /** Jobs matching the filters: page on this. */
    count: optNumber(),
    limit: optNumber(),
    offset: optNumber(),
    sort_by: optString(),
    order: optString(),
    items: rowsOf(TrainingJobV2RowSchema),
  })
  .transform((v) => ({ ...v, items: v.items.items, dropped: v.items.dropped }));
export type TrainingJobSearch = ListAnswer<z.infer<typeof TrainingJobSearchSchema>>;

export type SearchOperator = 'in' | 'not' | 'like' | 'between';

/** A filter as the API takes it; filters are ANDed. */
export interface SearchFilter {
  key: string;
  operator: SearchOperator;
  value: readonly string[];
}

export interface SearchTrainingJobsQuery {
  /** A **page index** from 0 (notes v2 §3; the pager also copes with servers that count records). */
  offset?: number;
  /** 1–50. */
  limit?: number;
  /** The only documented value. */
  sort_by?: 'create_time';
  /** Default desc. */
  order?: SortOrder;
  /** Default "0". */
  workspace_id?: string;
  /** `phase in`: jobs in one of these phases. */
  phases?: readonly string[];
  /** `phase not`: jobs in none of these phases. */
  excludePhases?: readonly string[];
  /** `name like`: names containing this text. */
  name?: string;
  /** `create_time between`, epoch ms, both ends included. */
  createdBetween?: readonly [number, number];
  /** Further filters (algorithm_name like, user_id in, …), sent as given. */
  filters?: readonly SearchFilter[];
}

export const MAX_SEARCH_LIMIT = 50;
const PHASE_WORD = /^[A-Za-z]{1,32}$/;
const FILTER_KEY = /^[a-z_]{1,64}$/;

function integerIn(name: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function phaseFilter(operator: 'in' | 'not', phases: readonly string[] | undefined): SearchFilter[] {
  if (!phases || phases.length === 0) return [];
  for (const phase of phases) if (!PHASE_WORD.test(phase)) throw new RangeError(`not a phase: ${phase.slice(0, 40)}`);
  return [{ key: 'phase', operator, value: [...phases] }];
}

/** The request body: parameters left undefined are left out (every field is optional on the wire). */
export function searchBody(query: SearchTrainingJobsQuery): Record<string, unknown> {
  const filters: SearchFilter[] = [...phaseFilter('in', query.phases), ...phaseFilter('not', query.excludePhases)];
  if (query.name !== undefined && query.name !== '') {
    if (query.name.length > 64) throw new RangeError('name must be at most 64 characters');
    filters.push({ key: 'name', operator: 'like', value: [query.name] });
  }
  if (query.createdBetween) {
    const [from, to] = query.createdBetween;
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to || from < 0) {
      throw new RangeError('createdBetween must be two epoch-ms times, the earlier first');
    }
    // The value format is undocumented (notes v2 §15); epoch-ms strings, as the events query takes times.
    filters.push({ key: 'create_time', operator: 'between', value: [String(from), String(to)] });
  }
  for (const filter of query.filters ?? []) {
    if (!FILTER_KEY.test(filter.key)) throw new RangeError(`not a filter key: ${filter.key.slice(0, 40)}`);
    filters.push({ key: filter.key, operator: filter.operator, value: [...filter.value] });
  }
  const body: Record<string, unknown> = {
    offset: integerIn('offset', query.offset, 0, 1_000_000),
    limit: integerIn('limit', query.limit, 1, MAX_SEARCH_LIMIT),
    sort_by: query.sort_by,
    order: query.order,
    workspace_id: query.workspace_id === undefined ? undefined : validateWorkspaceId(query.workspace_id),
    filters: filters.length > 0 ? filters : undefined,
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

const V2 = '/v2/{project_id}';

/** POST /training-job-searches: one page. It only reads, so it is retried like a GET. */
export async function searchTrainingJobs(
  client: ModelArtsClient,
  query: SearchTrainingJobsQuery = {},
  options?: CallOptions,
): Promise<TrainingJobSearch> {
  return client.post(
    {
      template: `${V2}/training-job-searches`,
      body: searchBody(query),
      readOnly: true,
      schema: TrainingJobSearchSchema,
      // Every account with the v2 API answers the search; a "job not found" code from it means nothing.
      availability: { api: 'v2', listing: true },
      list: true,
    },
    options,
  );
}

/** GET /training-jobs/{id}. 400 ModelArts.2775 (unknown id) is a NotFoundError. */
export async function getTrainingJob(
  client: ModelArtsClient,
  jobId: string,
  options?: CallOptions,
): Promise<TrainingJobV2> {
  const training_job_id = validateTrainingJobId(jobId);
  return client.get(
    {
      template: `${V2}/training-jobs/{training_job_id}`,
      params: { training_job_id },
      schema: trainingJobV2Schema(training_job_id),
      availability: { api: 'v2' },
    },
    options,
  );
}
