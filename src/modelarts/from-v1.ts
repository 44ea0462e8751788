/**
 * The v1 wire types as runs: the version detail (and the entries of versions-of-job, which have the same fields), the
 * all-versions listing row, and the job-list row. Everything above this folder sees only what these return.
 *
 * Accelerators: the detail's `gpu_num` is "Number of GPUs of the resource specifications" (API reference, version
 * detail), i.e. per worker, so a run's count is `gpu_num × worker_server_num`. The all-versions listing's `gpu_num`
 * and `npu_num` are "Number of GPUs (NPUs) used by a training job", i.e. the job's total, taken as they are. That
 * second reading rests on the wording alone; no sample has more than one worker.
 */
import {
  type Accelerators,
  emptyRun,
  type JobRun,
  type ListedRun,
  type RunLocation,
  type RunModelMetrics,
  type RunResources,
  v1Status,
} from './job-run.js';
import type { JobVersionStatus, TrainingJobSummary, TrainingJobVersion } from './resources/training-jobs.js';

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const count = (v: number | null | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;

/**
 * A v1 id as text. The schemas guarantee a non-negative integer; one beyond 2^53 has lost digits already and, like
 * anything odd, shows as it is (refFromParts will not accept it, so nothing is stored or put in a button under it).
 */
export function v1Id(id: number): string {
  return Number.isSafeInteger(id) ? String(id) : Number.isFinite(id) ? BigInt(Math.trunc(id)).toString() : String(id);
}

/** Initials of a name's words (`TensorFlow` → `tf`, `Scikit_Learn` → `sl`): how version strings abbreviate it. */
function initials(name: string): string {
  return (name.match(/[A-Z]|(?<=^|[-_ ])[a-z]/g) ?? []).join('').toLowerCase();
}

/**
 * One readable engine label: the engine name (underscores as spaces) and the version without its repeat of the name:
 * `TensorFlow` + `TF-1.4.0-python2.7` → `TensorFlow 1.4.0 python2.7`, `PyTorch` + `PyTorch-1.8.0` → `PyTorch 1.8.0`.
 */
export function engineLabel(name: string | null | undefined, version: string | null | undefined): string | null {
  const engine = text(name);
  const raw = text(version);
  if (engine === null) return raw;
  const shown = engine.replace(/_/g, ' ');
  if (raw === null) return shown;
  const tokens = raw.split('-').filter((t) => t !== '');
  const lead = tokens[0]?.toLowerCase() ?? '';
  const words = engine.toLowerCase().split(/[-_ ]+/);
  if (lead === engine.toLowerCase() || words.includes(lead) || (lead.length > 1 && lead === initials(engine))) {
    tokens.shift();
  }
  return tokens.length > 0 ? `${shown} ${tokens.join(' ')}` : shown;
}

/** `cpu` is the memory of the resource specification in GB (a bare number on the wire, `8` or `"8"`). */
function memoryBytes(raw: string | null): number | null {
  const t = text(raw);
  if (t === null) return null;
  const m = /^(\d+(?:\.\d+)?)\s*(GB|GiB|G)?$/i.exec(t);
  if (!m) return null;
  const n = Number(m[1]);
  return m[2]?.toLowerCase() === 'gib' ? n * 1024 ** 3 : n * 1e9;
}

function cores(raw: string | null): number | null {
  const t = text(raw);
  return t !== null && /^\d+(?:\.\d+)?$/.test(t) ? Number(t) : null;
}

/** `gpu_num` 0 is a CPU job (a count of 0), a missing one is not reported (null). */
function gpus(perWorker: number | null, workers: number | null, type: string | null): Accelerators | null {
  const n = count(perWorker);
  if (n === null) return null;
  return { kind: 'GPU', count: n * (count(workers) || 1), type: text(type) };
}

/** GPU and NPU totals of a listing row; an NPU job reports `gpu_num` 0 and the other way round. */
function listedAccelerators(gpuNum: number | null, npuNum: number | null): Accelerators | null {
  const npu = count(npuNum);
  if (npu !== null && npu > 0) return { kind: 'NPU', count: npu, type: null };
  const gpu = count(gpuNum);
  if (gpu !== null) return { kind: 'GPU', count: gpu, type: null };
  return npu === 0 ? { kind: 'NPU', count: 0, type: null } : null;
}

/** A `data_source` entry: `{type, data_url}` or a dataset reference; shapes we do not know as their scalar fields. */
function dataSource(entry: Record<string, unknown>): RunLocation | null {
  const type = text(entry.type);
  const url = text(entry.data_url) ?? text(entry.url) ?? text(entry.path);
  if (url) return { name: type, location: url };
  const dataset = text(entry.dataset_name) ?? text(entry.dataset_id);
  if (dataset) {
    const version = text(entry.dataset_version_name) ?? text(entry.dataset_version) ?? text(entry.dataset_version_id);
    return { name: type, location: `dataset ${dataset}${version ? ` / ${version}` : ''}` };
  }
  const pairs = Object.entries(entry)
    .filter(([, value]) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    .slice(0, 4)
    .map(([k, value]) => `${k} ${String(value)}`);
  return pairs.length > 0 ? { name: null, location: pairs.join(', ') } : null;
}

function inputsOf(v: TrainingJobVersion): RunLocation[] {
  const out: RunLocation[] = [];
  const dataset = text(v.dataset_name);
  if (dataset) {
    const version = text(v.dataset_version_name);
    out.push({ name: null, location: `dataset ${dataset}${version ? ` / ${version}` : ''}` });
  }
  for (const entry of v.data_source) {
    const location = dataSource(entry);
    if (location) out.push(location);
  }
  // data_url names the same data as data_source where both are set; it stands in only for a version without sources.
  const url = text(v.data_url);
  if (url && v.data_source.length === 0) out.push({ name: 'data_url', location: url });
  return out;
}

function extraIds(v: TrainingJobVersion): Array<{ label: string; value: string }> {
  const ids: Array<[string, string | number | null]> = [
    ['previous version', v.pre_version_id],
    ['model', v.model_id],
    ['dataset', v.dataset_id],
    ['dataset version', v.dataset_version_id],
    ['spec', v.spec_id],
    // The pool's name is shown with the resources; its id only when both are known.
    ['pool', text(v.pool_name) ? v.pool_id : null],
  ];
  return ids
    .filter((entry): entry is [string, string | number] => entry[1] !== null && String(entry[1]).trim() !== '')
    .map(([label, value]) => ({ label, value: typeof value === 'number' ? v1Id(value) : value.trim() }));
}

function modelMetrics(m: TrainingJobVersion['model_metric_list']): RunModelMetrics | null {
  return m ? { total: m.total, classes: m.classes } : null;
}

/** A version detail (or an entry of versions-of-job) as a run. */
export function runFromV1Version(v: TrainingJobVersion): JobRun {
  const run = emptyRun({ api: 'v1', jobId: v1Id(v.job_id), versionId: v1Id(v.version_id) }, v1Status(v.status));
  const resources: RunResources = {
    flavor: text(v.spec_code),
    flavorName: null,
    nodes: count(v.worker_server_num),
    accelerators: gpus(v.gpu_num, v.worker_server_num, v.gpu_type),
    cpuCores: cores(v.core),
    memoryBytes: memoryBytes(v.cpu),
    pool: text(v.pool_name) ?? text(v.pool_id),
  };
  const trainUrl = text(v.train_url);
  return {
    ...run,
    name: text(v.job_name),
    versionName: text(v.version_name),
    description: text(v.job_desc),
    createdAt: v.create_time,
    startedAt: v.start_time,
    durationMs: v.duration,
    engine: engineLabel(v.engine_name, v.engine_version),
    image: text(v.user_image_url),
    resources,
    parameters: v.parameter.map((p) => ({ name: p.label, value: p.value })),
    inputs: inputsOf(v),
    outputs: trainUrl ? [{ name: 'train_url', location: trainUrl }] : [],
    logLocation: text(v.log_url),
    code: { dir: text(v.app_url), bootFile: text(v.boot_file_url), command: text(v.user_command) },
    modelMetrics: modelMetrics(v.model_metric_list),
    // v1's `interval` has no documented unit (the sample says 1), so it is not passed on as seconds.
    usage: v.system_metric_list ? { series: v.system_metric_list.series, intervalSeconds: null } : null,
    extraIds: extraIds(v),
  };
}

/** Versions-of-job entries may leave out the job's name, which the list gives once for all of them. */
export function runsFromV1VersionList(list: { job_name: string | null; versions: TrainingJobVersion[] }): JobRun[] {
  return list.versions.map((v) => {
    const run = runFromV1Version(v);
    return run.name === null ? { ...run, name: text(list.job_name) } : run;
  });
}

function statusRowFields(row: JobVersionStatus): Omit<JobRun, 'ref'> {
  const base = emptyRun({ api: 'v1', jobId: '0', versionId: v1Id(row.version_id) }, v1Status(row.status));
  return {
    ...base,
    name: text(row.job_name),
    versionName: text(row.version_name),
    description: text(row.version_desc),
    createdAt: row.create_time,
    startedAt: row.start_time,
    endedAt: row.end_time,
    durationMs: row.duration,
    resources: {
      ...base.resources,
      flavor: text(row.flavor_code),
      accelerators: listedAccelerators(row.gpu_num, row.npu_num),
      pool: text(row.pool_id),
    },
  };
}

/** An all-versions row of a job the caller knows (the documented rows carry no job id; see poller/observe.ts). */
export function runFromV1StatusRow(row: JobVersionStatus, jobId: string): JobRun {
  return { ...statusRowFields(row), ref: { api: 'v1', jobId, versionId: v1Id(row.version_id) } };
}

/** An all-versions row for a list: a run when the row names its job, else an unnamed row. */
export function listedFromV1StatusRow(row: JobVersionStatus): ListedRun {
  if (row.job_id !== null) return runFromV1StatusRow(row, v1Id(row.job_id));
  return { ...statusRowFields(row), ref: null, jobId: null, versionId: v1Id(row.version_id) };
}

/**
 * A job-list row: the job and its newest version's status and duration. Its `create_time` is the job's, which is the
 * version's only for a job with one version; anything else stays unknown rather than wrong.
 */
export function runFromV1JobSummary(job: TrainingJobSummary): ListedRun {
  const jobId = v1Id(job.job_id);
  const fields = {
    ...emptyRun({ api: 'v1', jobId, versionId: '0' }, v1Status(job.status)),
    name: text(job.job_name),
    description: text(job.job_desc),
    createdAt: job.version_count === 1 ? job.create_time : null,
    durationMs: job.duration,
  };
  if (job.version_id === null) return { ...fields, ref: null, jobId, versionId: null };
  return { ...fields, ref: { api: 'v1', jobId, versionId: v1Id(job.version_id) } };
}
