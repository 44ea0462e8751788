/**
 * New-version (v2) training jobs as runs (notes/modelarts-v2-api.md §14). A v2 job runs once, so the job is the run:
 * its UUID is the ref, its phase the status (the secondary phase only as detail). The search's items and the detail
 * have the same shape (items may leave fields out), so one mapping serves both.
 *
 * Accelerators (§14): per node from the public flavor's `flavor_detail` (GPU `unit_num`, NPU `unit_num` sent as a
 * string), else from Huawei's `main_container_allocated_resources.accelerator_num`, else from a dedicated-pool flavor
 * name `modelarts.pool.visual.{N}xlarge` (N cards, `xlarge` one); times the node count. Otherwise unknown.
 */
import { engineLabel } from './from-v1.js';
import {
  type Accelerators,
  emptyRun,
  type JobRun,
  type RunFailure,
  type RunLocation,
  type RunResources,
  type RunUsage,
  v2Status,
} from './job-run.js';
import type { TrainingJobEvent, TrainingJobMetrics } from './resources/training-job-tasks-v2.js';
import type { TrainingJobV2 } from './resources/training-jobs-v2.js';

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const positive = (v: number | null | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;

const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  // The console writes GiB as "GB"-less "Gi" in places.
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
  ti: 1024 ** 4,
};

function bytes(size: number | null | undefined, unit: string | null | undefined): number | null {
  const n = positive(size);
  if (n === null) return null;
  const factor = UNIT_BYTES[(text(unit) ?? 'GB').toLowerCase()];
  return factor === undefined ? null : n * factor;
}

/** Cards per node of a dedicated-pool flavor (`modelarts.pool.visual.8xlarge` → 8, `…xlarge` → 1). */
function poolFlavorCards(flavorId: string | null): number | null {
  const m = flavorId ? /\.pool\.visual\.(\d*)xlarge$/i.exec(flavorId) : null;
  if (!m) return null;
  return m[1] ? Number(m[1]) : 1;
}

function accelerators(job: TrainingJobV2): Accelerators | null {
  const resource = job.spec.resource;
  const nodes = positive(resource.node_count) ?? 1;
  const info = resource.flavor_detail?.flavor_info;
  const flavorType = text(resource.flavor_detail?.flavor_type)?.toLowerCase() ?? null;
  const npu = info?.npu;
  if (npu && positive(npu.unit_num) !== null) {
    return { kind: 'NPU', count: (npu.unit_num as number) * nodes, type: text(npu.product_name) };
  }
  const gpu = info?.gpu;
  if (gpu && positive(gpu.unit_num) !== null) {
    return { kind: 'GPU', count: (gpu.unit_num as number) * nodes, type: text(gpu.product_name) };
  }
  // A public CPU flavor says so: zero cards, not "unknown".
  if (flavorType === 'cpu') return { kind: 'GPU', count: 0, type: null };
  const allocated = resource.main_container_allocated_resources;
  if (allocated && positive(allocated.accelerator_num) !== null) {
    const type = text(allocated.accelerator_type);
    const kind = type && /ascend|npu|snt/i.test(type) ? 'NPU' : flavorType === 'ascend' ? 'NPU' : 'GPU';
    return { kind, count: (allocated.accelerator_num as number) * nodes, type };
  }
  const perNode = poolFlavorCards(text(resource.flavor_id));
  if (perNode !== null) return { kind: flavorType === 'ascend' ? 'NPU' : 'GPU', count: perNode * nodes, type: null };
  return null;
}

function resourcesOf(job: TrainingJobV2): RunResources {
  const resource = job.spec.resource;
  const info = resource.flavor_detail?.flavor_info;
  const allocated = resource.main_container_allocated_resources;
  return {
    flavor: text(resource.flavor_id),
    flavorName: text(resource.flavor_name),
    nodes: positive(resource.node_count),
    accelerators: accelerators(job),
    cpuCores: positive(info?.cpu?.core_num) ?? positive(allocated?.cpu_core_num),
    // `mem_size` of the allocated resources is in GB (SDK docs), the flavor's memory carries its own unit.
    memoryBytes: bytes(info?.memory?.size, info?.memory?.unit) ?? bytes(allocated?.mem_size, 'GB'),
    pool: text(resource.pool_id),
  };
}

type Channel = TrainingJobV2['algorithm']['inputs'][number];

function location(channel: Channel): RunLocation | null {
  const dataset = channel.remote.dataset;
  if (dataset) {
    const label = text(dataset.name) ?? text(dataset.id);
    if (label) {
      const version = text(dataset.version_id);
      return { name: text(channel.name), location: `dataset ${label}${version ? ` / ${version}` : ''}` };
    }
    const url = text(dataset.obs_url);
    if (url) return { name: text(channel.name), location: url };
  }
  const obs = text(channel.remote.obs?.obs_url);
  return obs ? { name: text(channel.name), location: obs } : null;
}

const locations = (channels: readonly Channel[]): RunLocation[] =>
  channels.map(location).filter((l): l is RunLocation => l !== null);

function lastEnded<T extends { end_at: number | null }>(records: readonly T[]): T | null {
  let last: T | null = null;
  for (const r of records) if (r.end_at !== null && (last === null || r.end_at >= (last.end_at ?? 0))) last = r;
  return last;
}

/** An exit code in free text such as `exit with 127` or `Exit code 1.` */
function exitCodeIn(message: string | null): number | null {
  const m = message ? /exit(?:ed)?(?:\s+with)?(?:\s+code)?\s*[:=]?\s*(-?\d{1,4})\b/i.exec(message) : null;
  return m ? Number(m[1]) : null;
}

/**
 * Why a failed job failed, from the strongest source ModelArts gives (§14): a task's exit code and message, the last
 * run record's end reason, the newest Error event, the secondary phase. The log, read separately, may later give a
 * better line (the exception itself); this is what the job's own record says.
 */
export function v2Failure(job: TrainingJobV2, events: readonly TrainingJobEvent[] = []): RunFailure | null {
  const status = v2Status(job.status.phase ?? '', job.status.secondary_phase);
  if (status.category !== 'failed') return null;
  const failedTask = job.status.task_statuses.find((t) => (t.exit_code ?? 0) !== 0 || text(t.message) !== null) ?? null;
  if (failedTask && (text(failedTask.message) || failedTask.exit_code !== null)) {
    const message = text(failedTask.message);
    return {
      reason: message ?? `exited with code ${failedTask.exit_code}`,
      source: 'task',
      exitCode: failedTask.exit_code,
      task: text(failedTask.task),
      excerpt: null,
    };
  }
  const record = lastEnded(job.status.running_records);
  const endReason = text(record?.end_reason);
  if (record && endReason && !/^job completed$/i.test(endReason)) {
    return {
      reason: endReason,
      source: 'record',
      exitCode: exitCodeIn(endReason),
      task: text(record.end_related_task),
      excerpt: null,
    };
  }
  const errorEvent = [...events]
    .filter((e) => text(e.level)?.toLowerCase() === 'error' && text(e.message) !== null)
    .sort((a, b) => (b.time ?? 0) - (a.time ?? 0))[0];
  // "Training job failed." says nothing the status does not; a task event before it may say more.
  const taskEvent = [...events]
    .filter((e) => /exit code\s*-?\d+/i.test(e.message ?? '') && exitCodeIn(e.message ?? null) !== 0)
    .sort((a, b) => (b.time ?? 0) - (a.time ?? 0))[0];
  const event = errorEvent && !/^training job failed\.?$/i.test(errorEvent.message ?? '') ? errorEvent : taskEvent;
  if (event) {
    const message = text(event.message) as string;
    const task = /^\[(worker-\d+)\]/.exec(message)?.[1] ?? null;
    return { reason: message, source: 'event', exitCode: exitCodeIn(message), task, excerpt: null };
  }
  return {
    reason: status.detail ? status.label : null,
    source: status.detail ? 'status' : null,
    exitCode: null,
    task: null,
    excerpt: null,
  };
}

/** When the job ended: the last run record's end, else start + duration for an ended job. */
function endedAt(job: TrainingJobV2, terminal: boolean): number | null {
  if (!terminal) return null;
  const record = lastEnded(job.status.running_records);
  if (record?.end_at != null) return record.end_at;
  const start = job.status.start_time;
  const duration = job.status.duration;
  return start !== null && duration !== null && duration > 0 ? start + duration : null;
}

function extraIds(job: TrainingJobV2): Array<{ label: string; value: string }> {
  const ids: Array<[string, string | null]> = [
    ['workspace', text(job.metadata.workspace_id) === '0' ? null : text(job.metadata.workspace_id)],
    ['algorithm', text(job.algorithm.name) ?? text(job.algorithm.id)],
  ];
  return ids.filter((e): e is [string, string] => e[1] !== null).map(([label, value]) => ({ label, value }));
}

/** A v2 job (detail or search item) as a run; `events`, when read, may name the failure. */
export function runFromV2Job(job: TrainingJobV2, extra: { events?: readonly TrainingJobEvent[] } = {}): JobRun {
  const id = (text(job.metadata.id) ?? '').toLowerCase();
  const status = v2Status(job.status.phase ?? '', job.status.secondary_phase);
  const run = emptyRun({ api: 'v2', jobId: id }, status);
  const engine = job.algorithm.engine;
  return {
    ...run,
    name: text(job.metadata.name),
    description: text(job.metadata.description),
    owner: text(job.metadata.user_name),
    createdAt: job.metadata.create_time,
    startedAt: job.status.start_time,
    endedAt: endedAt(job, status.terminal),
    // 0 before the job runs on the wire: unknown, not "took 0 s".
    durationMs: job.status.duration !== null && job.status.duration > 0 ? job.status.duration : null,
    engine: engine ? engineLabel(engine.engine_name, engine.engine_version) : null,
    image: text(engine?.image_url),
    resources: resourcesOf(job),
    parameters: job.algorithm.parameters
      .filter((p) => text(p.name) !== null)
      .map((p) => ({ name: text(p.name) as string, value: p.value ?? '' })),
    inputs: locations(job.algorithm.inputs),
    outputs: locations(job.algorithm.outputs),
    logLocation: text(job.spec.log_export_path?.obs_url),
    code: {
      dir: text(job.algorithm.code_dir),
      bootFile: text(job.algorithm.boot_file),
      command: text(job.algorithm.command),
    },
    tasks: job.status.tasks.filter((t) => text(t) !== null),
    failure: v2Failure(job, extra.events),
    tensorboardUrl: text(job.endpoints.tensorboard?.url),
    extraIds: extraIds(job),
  };
}

/** A task's resource metrics as run usage: one point a minute (§12), -1 ("no data") left out. */
export function usageFromV2Metrics(metrics: TrainingJobMetrics): RunUsage | null {
  const series: Record<string, number[]> = {};
  for (const m of metrics.metrics) {
    const points = m.value.filter((v): v is number => v !== null);
    if (points.length > 0) series[m.metric] = points;
  }
  return Object.keys(series).length > 0 ? { series, intervalSeconds: 60 } : null;
}
