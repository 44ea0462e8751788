/**
 * The v2 job as ModelArts sends it (notes v2 §4): ms for create/start time and duration, **seconds** in
 * running_records, `node_count_metrics` pairs, `task_statuses` only on failure, `flavor_detail` only on public pools
 * (NPU `unit_num` as a string), endpoints only when enabled.
 */
import type { SimV2Job } from './model.js';

function durationOf(job: SimV2Job, now: number): number {
  if (job.start_time <= 0) return 0;
  return Math.max(0, (job.end_time > 0 ? job.end_time : now) - job.start_time);
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

function runningRecords(job: SimV2Job): Array<Record<string, unknown>> {
  if (job.start_time <= 0) return [];
  const record: Record<string, unknown> = { start_at: seconds(job.start_time), start_type: 'init_or_rescheduled' };
  if (job.end_time > 0) {
    record.end_at = seconds(job.end_time);
    if (job.phase === 'Failed') {
      const failure = job.failure ?? job.failurePlan;
      record.end_reason = `exit with ${failure.exit_code}`;
      record.end_related_task = failure.task;
    } else {
      record.end_reason = job.phase === 'Completed' ? 'job completed' : 'job terminated';
    }
  }
  return [record];
}

function resource(job: SimV2Job): Record<string, unknown> {
  const f = job.flavor;
  const out: Record<string, unknown> = {
    policy: 'regular',
    flavor_id: f.flavor_id,
    flavor_name: f.flavor_name,
    node_count: job.node_count,
  };
  if (f.pool) {
    out.pool_id = f.pool.pool_id;
    out.main_container_allocated_resources = {
      cpu_arch: f.cpu.arch,
      cpu_core_num: f.cpu.core_num,
      mem_size: f.memory_gb,
      accelerator_num: f.pool.accelerator_num,
      accelerator_type: f.pool.accelerator_type,
    };
    return out;
  }
  const info: Record<string, unknown> = {
    max_num: 16,
    cpu: f.cpu,
    memory: { size: f.memory_gb, unit: 'GB' },
    disk: { size: 500, unit: 'GB' },
  };
  if (f.gpu) info.gpu = f.gpu;
  if (f.npu) info.npu = { ...f.npu, unit_num: String(f.npu.unit_num) };
  out.flavor_detail = {
    flavor_type: f.flavor_type,
    billing: { code: `${f.flavor_id}.billing`, unit_num: 1 },
    flavor_info: info,
  };
  return out;
}

export function v2JobWire(job: SimV2Job, now: number, baseUrl: string): Record<string, unknown> {
  const tasks = Array.from({ length: job.node_count }, (_, i) => `worker-${i}`);
  const status: Record<string, unknown> = {
    phase: job.phase,
    secondary_phase: job.secondary_phase,
    duration: durationOf(job, now),
    start_time: job.start_time,
    node_count_metrics:
      job.start_time > 0
        ? [
            [job.start_time, 0],
            [job.start_time + 60_000, job.node_count],
          ]
        : null,
    tasks,
    running_records: runningRecords(job),
  };
  if (job.phase === 'Failed') {
    const failure = job.failure ?? job.failurePlan;
    status.task_statuses = [{ task: failure.task, exit_code: failure.exit_code, message: failure.message }];
  }
  const annotations: Record<string, string> = { 'fault-tolerance/job-retry-num': '0' };
  if (job.tensorboard) annotations['tensorboard/enable'] = 'true';
  const engine: Record<string, unknown> = { ...job.engine };
  const out: Record<string, unknown> = {
    kind: 'job',
    metadata: {
      id: job.id,
      name: job.name,
      workspace_id: job.workspace_id,
      description: job.description,
      create_time: job.create_time,
      user_name: job.user_name,
      annotations,
    },
    status,
    algorithm: {
      code_dir: job.code_dir,
      boot_file: job.boot_file,
      parameters: job.parameters.map((p) => ({ ...p, description: '' })),
      inputs: job.inputs.map((i, n) => ({
        name: i.name,
        local_dir: `/home/ma-user/modelarts/inputs/${i.name}_${n}`,
        remote: { obs: { obs_url: i.obs_url } },
      })),
      outputs: job.outputs.map((o, n) => ({
        name: o.name,
        local_dir: `/home/ma-user/modelarts/outputs/${o.name}_${n}`,
        remote: { obs: { obs_url: o.obs_url } },
      })),
      engine,
      environments: { MA_LOG_LEVEL: 'INFO' },
    },
    spec: { resource: resource(job), log_export_path: { obs_url: `${job.outputs[0]?.obs_url ?? '/'}logs/` } },
  };
  // Running jobs serve TensorBoard; finished ones do not any more.
  if (job.tensorboard && job.phase === 'Running') {
    out.endpoints = {
      tensorboard: { url: `${baseUrl}/tensorboard/v2/${job.id}/`, token: `tb-${job.id.slice(0, 8)}` },
    };
  }
  return out;
}
