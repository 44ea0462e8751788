/**
 * Data processing tasks (v2 data management): feature analysis, cleaning, augmentation, validation, selection.
 * Note the paging convention: `offset` is a page index, not a row offset (notes §6.6).
 */
import { z } from 'zod';
import type { CallOptions, ModelArtsClient } from '../client.js';
import { validateId, validateTaskId } from '../ids.js';
import type { ListAnswer } from '../lenient.js';
import {
  arrayOf,
  fromJsonString,
  isRecord,
  optBoolean,
  optDuration,
  optLooseRecord,
  optNumber,
  optString,
  optTime,
  reqNumber,
  rowsOf,
} from '../lenient.js';
import type { SortOrder } from './training-jobs.js';

export const ProcessorDataSourceSchema = z.looseObject({
  type: optString(),
  source: optString(),
  name: optString(),
  version_id: optString(),
  version_name: optString(),
});
export type ProcessorDataSource = z.infer<typeof ProcessorDataSourceSchema>;

export const OperatorParamSchema = z.looseObject({
  id: optString(),
  name: optString(),
  params: optLooseRecord(),
  advanced_params_switch: optBoolean(),
});

export const ProcessorTemplateSchema = z.looseObject({
  id: optString(),
  name: optString(),
  operator_params: arrayOf(OperatorParamSchema),
});

const optDataSource = () =>
  z.preprocess((v) => {
    const decoded = fromJsonString(v);
    return isRecord(decoded) ? decoded : null;
  }, ProcessorDataSourceSchema.nullable());

const optTemplate = () =>
  z.preprocess((v) => {
    const decoded = fromJsonString(v);
    return isRecord(decoded) ? decoded : null;
  }, ProcessorTemplateSchema.nullable());

/** `work_path` is a WorkPath object ({type, path, output_path, name, version_id, version_name}); a bare string is its path. */
const optWorkPath = () =>
  z.preprocess((v) => {
    if (typeof v === 'string') return v.trim() === '' ? null : { path: v };
    return isRecord(v) ? v : null;
  }, z.record(z.string(), z.unknown()).nullable());

export const ProcessorTaskSchema = z
  .looseObject({
    task_id: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1)),
    name: optString(),
    description: optString(),
    status: reqNumber(),
    error_msg: optString(),
    create_time: optTime(),
    duration_seconds: optDuration(),
    task_type: optString(),
    data_source: optDataSource(),
    inputs: arrayOf(ProcessorDataSourceSchema),
    template: optTemplate(),
    version_id: optString(),
    version_name: optString(),
    version_count: optNumber(),
    is_current: optBoolean(),
    work_path: optWorkPath(),
    workspace_id: optString(),
    result: z.unknown().optional(),
  })
  .transform((t) => ({
    ...t,
    // The wire carries the type only as template.id; the list query calls it task_type.
    task_type: t.task_type ?? t.template?.id ?? null,
    // Only feature analysis fills `result`, and only once completed; absent means "none", not undefined.
    result: t.result === undefined ? null : t.result,
  }));
export type ProcessorTask = z.infer<typeof ProcessorTaskSchema>;

export const ProcessorTaskListSchema = z
  .looseObject({
    count: optNumber(),
    tasks: rowsOf(ProcessorTaskSchema),
  })
  .transform((v) => ({ ...v, tasks: v.tasks.items, dropped: v.tasks.dropped, count: v.count ?? v.tasks.items.length }));
export type ProcessorTaskList = ListAnswer<z.infer<typeof ProcessorTaskListSchema>>;

export type ProcessorTaskType =
  | 'sys_data_analyse'
  | 'sys_data_cleaning'
  | 'sys_data_augmentation'
  | 'sys_data_validation'
  | 'sys_data_selection';

export interface ListProcessorTasksQuery {
  /** A page index (not a row offset), default 0. */
  offset?: number;
  /** 1–100, default 10. */
  limit?: number;
  sort_by?: 'create_time' | 'name' | 'duration_seconds';
  /** Default desc. */
  order?: SortOrder;
  source_type?: 'OBS' | 'TASK' | 'DATASET' | 'CUSTOM';
  /** OBS path, task id, dataset id or project id depending on source_type. */
  source?: string;
  task_type?: ProcessorTaskType | (string & {});
  status?: number;
  /** Fuzzy name search. */
  task_name?: string;
  /** Dataset version ids; sent comma-joined as the docs' sample does. */
  version_id?: readonly string[];
  query_current?: boolean;
  return_result?: boolean;
  workspace_id?: string;
}

export async function listProcessorTasks(
  client: ModelArtsClient,
  query: ListProcessorTasksQuery = {},
  options?: CallOptions,
): Promise<ProcessorTaskList> {
  const versionIds = query.version_id?.map((id) => validateId('version_ids', id));
  // A task or dataset id as source is checked against its alphabet; OBS paths and project ids are free text,
  // percent-encoded like every query value.
  const source =
    query.source === undefined
      ? undefined
      : query.source_type === 'TASK'
        ? validateTaskId(query.source)
        : query.source_type === 'DATASET'
          ? validateId('dataset_id', query.source)
          : query.source;
  return client.get(
    {
      template: '/v2/{project_id}/processor-tasks',
      query: {
        offset: query.offset,
        limit: query.limit,
        sort_by: query.sort_by,
        order: query.order,
        source_type: query.source_type,
        source,
        task_type: query.task_type,
        status: query.status,
        task_name: query.task_name,
        version_id: versionIds && versionIds.length > 0 ? versionIds.join(',') : undefined,
        query_current: query.query_current,
        return_result: query.return_result,
        workspace_id: query.workspace_id === undefined ? undefined : validateId('workspace_id', query.workspace_id),
      },
      schema: ProcessorTaskListSchema,
      availability: { listing: true },
      list: true,
    },
    options,
  );
}

export async function getProcessorTask(
  client: ModelArtsClient,
  taskId: string,
  options?: CallOptions,
): Promise<ProcessorTask> {
  const task_id = validateTaskId(taskId);
  return client.get(
    { template: '/v2/{project_id}/processor-tasks/{task_id}', params: { task_id }, schema: ProcessorTaskSchema },
    options,
  );
}
