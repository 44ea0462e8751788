/**
 * ModelArts' wire formats, quirks included (notes §6): `core`/`cpu` and parameter values as numbers where the docs say
 * String, `model_metric_list` as a JSON-encoded string, `system_metric_list` as an object in the version detail but a
 * JSON string in the versions list, unset times as 0, the visualization detail without `is_success`.
 */
import { trainingJobStatus } from '../../src/modelarts/statuses.js';
import { modelMetricsOf, systemMetricsOf } from './generate.js';
import type {
  SimConfig,
  SimJob,
  SimModelMetrics,
  SimProcessorTask,
  SimSystemMetrics,
  SimVersion,
  SimVizJob,
} from './model.js';

export function durationOf(v: SimVersion, now: number): number {
  if (v.start_time <= 0) return 0;
  const end = v.end_time > 0 ? v.end_time : now;
  return Math.max(0, end - v.start_time);
}

function modelMetricsWire(m: SimModelMetrics): string {
  return JSON.stringify({
    metric: m.classes.map((c) => ({
      metric_values: c.values,
      reserved_data: {},
      metric_meta: { class_name: c.class_name, class_id: c.class_id },
    })),
    total_metric: {
      total_metric_meta: {},
      total_reserved_data: {},
      total_metric_values: { ...m.total, id: 0 },
    },
  });
}

function systemMetricsWire(m: SimSystemMetrics): Record<string, unknown> {
  return { ...m.series, interval: m.interval };
}

function visibleModelMetrics(v: SimVersion): string | null {
  if (trainingJobStatus(v.status).category !== 'succeeded') return null;
  const metrics = modelMetricsOf(v);
  return metrics ? modelMetricsWire(metrics) : null;
}

function visibleSystemMetrics(v: SimVersion): Record<string, unknown> | null {
  if (v.start_time <= 0) return null;
  const metrics = systemMetricsOf(v);
  return metrics ? systemMetricsWire(metrics) : null;
}

function versionCore(job: SimJob, v: SimVersion, now: number): Record<string, unknown> {
  return {
    job_id: job.job_id,
    job_name: job.job_name,
    job_desc: job.job_desc,
    version_id: v.version_id,
    version_name: v.version_name,
    pre_version_id: v.pre_version_id,
    engine_type: v.engine.engine_type,
    engine_name: v.engine.engine_name,
    engine_id: v.engine.engine_id,
    engine_version: v.engine.engine_version,
    status: v.status,
    app_url: v.app_url,
    boot_file_url: v.boot_file_url,
    create_time: v.create_time,
    parameter: v.parameter,
    duration: durationOf(v, now),
    spec_id: v.flavor.spec_id,
    core: v.flavor.core,
    cpu: v.flavor.cpu,
    gpu_num: v.flavor.gpu_num,
    gpu_type: v.flavor.gpu_type,
    worker_server_num: v.worker_server_num,
    data_url: v.data_url,
    train_url: v.train_url,
    log_url: v.log_url,
    dataset_version_id: v.dataset_version_id,
    dataset_id: v.dataset_id,
    data_source: v.data_source,
    user_image_url: v.user_image_url,
    user_command: v.user_command,
    model_id: v.model_id,
    model_metric_list: visibleModelMetrics(v),
    dataset_name: v.dataset_name,
    dataset_version_name: v.dataset_version_name,
    spec_code: v.flavor.spec_code,
    start_time: v.start_time,
    resource_id: v.resource_id,
    pool_id: v.pool?.pool_id ?? null,
    pool_name: v.pool?.pool_name ?? null,
    ...v.extra,
  };
}

/** GET …/versions/{version_id}: system_metric_list is an object here. */
export function versionDetail(job: SimJob, v: SimVersion, now: number): Record<string, unknown> {
  return { is_success: true, ...versionCore(job, v, now), system_metric_list: visibleSystemMetrics(v) };
}

/**
 * An entry of GET …/{job_id}/versions: system_metric_list as a JSON string, plus `gpu`, and no job_id, job_name or
 * job_desc (the API page's sample names the job only in the envelope).
 */
export function versionListEntry(job: SimJob, v: SimVersion, now: number): Record<string, unknown> {
  const metrics = visibleSystemMetrics(v);
  const { job_id: _id, job_name: _name, job_desc: _desc, ...entry } = versionCore(job, v, now);
  return {
    ...entry,
    system_metric_list: metrics ? JSON.stringify(metrics) : null,
    gpu: v.flavor.gpu_num > 0,
  };
}

/** A row of GET /training-jobs/versions; job_id/job_name are not in the docs and only sent when enabled. */
export function versionStatusRow(
  job: SimJob,
  v: SimVersion,
  now: number,
  includeJobFields: boolean,
): Record<string, unknown> {
  // Built without spreads: this runs for every row of a 10,000-version limit=0 listing.
  const row: Record<string, unknown> = includeJobFields ? { job_id: job.job_id, job_name: job.job_name } : {};
  row.version_id = v.version_id;
  row.version_name = v.version_name;
  row.status = v.status;
  row.create_time = v.create_time;
  row.start_time = v.start_time;
  row.end_time = v.end_time;
  row.duration = durationOf(v, now);
  row.version_desc = v.version_desc;
  row.pool_id = v.pool ? v.pool.pool_id : null;
  row.flavor_code = v.flavor.spec_code;
  row.npu_num = v.flavor.npu_num;
  row.gpu_num = v.flavor.gpu_num;
  return row;
}

export function jobSummary(job: SimJob, latest: SimVersion | undefined, now: number): Record<string, unknown> {
  return {
    job_id: job.job_id,
    job_name: job.job_name,
    version_id: latest?.version_id ?? 0,
    status: latest?.status ?? 0,
    create_time: job.create_time,
    duration: latest ? durationOf(latest, now) : 0,
    job_desc: job.job_desc,
    version_count: job.versionIds.length,
  };
}

export function configEntry(c: SimConfig): Record<string, unknown> {
  const { config_type: _type, ...wire } = c;
  return wire;
}

export function vizJobDuration(z: SimVizJob, now: number): number {
  return z.duration ?? Math.max(0, now - z.create_time);
}

export function vizJobEntry(z: SimVizJob, baseUrl: string, now: number): Record<string, unknown> {
  return {
    job_id: z.job_id,
    job_name: z.job_name,
    status: z.status,
    create_time: z.create_time,
    duration: vizJobDuration(z, now),
    job_desc: z.job_desc,
    service_url: z.service_path ? `${baseUrl}${z.service_path}` : '',
    train_url: z.train_url,
    resource_id: z.resource_id,
  };
}

/** GET /visualization-jobs/{id}: no `is_success` on success (notes §6.8), `remaining_duration` as in the sample. */
export function vizJobDetail(z: SimVizJob, baseUrl: string, now: number): Record<string, unknown> {
  return { ...vizJobEntry(z, baseUrl, now), remaining_duration: null };
}

export function processorTaskWire(t: SimProcessorTask, returnResult: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    task_id: t.task_id,
    name: t.name,
    description: t.description,
  };
  if (t.data_source) out.data_source = t.data_source;
  if (t.inputs) out.inputs = t.inputs;
  out.template = t.template;
  out.status = t.status;
  if (t.status === 3 && t.error_msg) out.error_msg = t.error_msg;
  out.duration_seconds = t.duration_seconds;
  out.create_time = t.create_time;
  out.version_id = t.version_id;
  out.version_name = t.version_name;
  out.version_count = t.version_count;
  out.is_current = t.is_current;
  if (t.work_path) out.work_path = t.work_path;
  out.workspace_id = t.workspace_id;
  if (returnResult && t.status === 2 && t.result !== null && t.result !== undefined) out.result = t.result;
  return out;
}
