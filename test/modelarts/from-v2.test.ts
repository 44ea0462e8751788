/**
 * v2 jobs as runs, from the reference's constructed samples (notes/modelarts-v2-api.md §3, §4, §12) parsed by the real
 * schema, so a change in either the schema or the mapping shows here.
 */
import { describe, expect, it } from 'vitest';
import { runFromV2Job, usageFromV2Metrics, v2Failure } from '../../src/modelarts/from-v2.js';
import { TrainingJobMetricsSchema } from '../../src/modelarts/resources/training-job-tasks-v2.js';
import { TrainingJobV2Schema } from '../../src/modelarts/resources/training-jobs-v2.js';

const ID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';

const running = {
  kind: 'job',
  metadata: {
    id: ID,
    name: 'resnet50-ft',
    workspace_id: '0',
    description: '',
    create_time: 1744441200000,
    user_name: 'alice',
    annotations: { 'tensorboard/enable': 'true' },
  },
  status: {
    phase: 'Running',
    secondary_phase: 'Running',
    duration: 5400000,
    start_time: 1744441260000,
    node_count_metrics: [
      [1744441260000, 0],
      [1744441320000, 2],
    ],
    tasks: ['worker-0', 'worker-1'],
    running_records: [{ start_at: 1744441320, start_type: 'init_or_rescheduled' }],
  },
  algorithm: {
    code_dir: 'obs://bkt/code/',
    boot_file: 'obs://bkt/code/train.py',
    parameters: [{ name: 'lr', value: '0.01' }],
    inputs: [
      {
        name: 'data_url',
        local_dir: '/home/ma-user/modelarts/inputs/data_url_0',
        remote: { obs: { obs_url: '/bkt/data/' } },
      },
    ],
    engine: {
      engine_id: 'pytorch-cp36-1.4.0-v2',
      engine_name: 'PyTorch',
      engine_version: 'PyTorch-1.4.0-python3.6-v2',
    },
  },
  spec: {
    resource: {
      policy: 'regular',
      flavor_id: 'modelarts.p3.large.public',
      flavor_name: 'Computing GPU(Vnt1) instance',
      node_count: 2,
      flavor_detail: {
        flavor_type: 'GPU',
        flavor_info: {
          cpu: { arch: 'x86', core_num: 8 },
          gpu: { unit_num: 1, product_name: 'GP-Vnt1', memory: '32GB' },
          memory: { size: 64, unit: 'GB' },
        },
      },
    },
    log_export_path: { obs_url: '/bkt/logs/' },
  },
  endpoints: { tensorboard: { url: 'https://tb.example.invalid/6f1c2a3e/', token: 't0k3n' } },
};

const parse = (raw: unknown) => TrainingJobV2Schema.parse(raw);

function failed(statusPatch: Record<string, unknown>) {
  return parse({
    ...running,
    status: {
      ...running.status,
      phase: 'Failed',
      secondary_phase: 'Failed',
      duration: 61000,
      running_records: [
        { start_at: 1744441320, end_at: 1744441381, end_reason: 'exit with 1', end_related_task: 'worker-0' },
      ],
      ...statusPatch,
    },
    endpoints: {},
  });
}

describe('runFromV2Job', () => {
  it('maps the running sample: ids, phase, times, flavor and GPU type × count, inputs, TensorBoard', () => {
    const run = runFromV2Job(parse(running));
    expect(run.ref).toEqual({ api: 'v2', jobId: ID });
    expect(run.status).toMatchObject({ api: 'v2', key: 'Running', category: 'running', detail: null });
    expect(run).toMatchObject({
      name: 'resnet50-ft',
      versionName: null,
      description: null,
      owner: 'alice',
      createdAt: 1744441200000,
      startedAt: 1744441260000,
      endedAt: null,
      durationMs: 5400000,
      engine: 'PyTorch 1.4.0 python3.6 v2',
      tasks: ['worker-0', 'worker-1'],
      tensorboardUrl: 'https://tb.example.invalid/6f1c2a3e/',
      logLocation: '/bkt/logs/',
      failure: null,
    });
    expect(run.resources).toEqual({
      flavor: 'modelarts.p3.large.public',
      flavorName: 'Computing GPU(Vnt1) instance',
      nodes: 2,
      accelerators: { kind: 'GPU', count: 2, type: 'GP-Vnt1' },
      cpuCores: 8,
      memoryBytes: 64e9,
      pool: null,
    });
    expect(run.parameters).toEqual([{ name: 'lr', value: '0.01' }]);
    expect(run.inputs).toEqual([{ name: 'data_url', location: '/bkt/data/' }]);
    expect(run.code).toEqual({ dir: 'obs://bkt/code/', bootFile: 'obs://bkt/code/train.py', command: null });
  });

  it('a search item that leaves everything out is still a run, with nothing invented', () => {
    const run = runFromV2Job(
      parse({
        metadata: { id: ID.toUpperCase(), name: 'x', create_time: 1 },
        status: { phase: 'Pending', secondary_phase: 'Queuing', duration: 0, start_time: 0 },
      }),
    );
    expect(run.ref).toEqual({ api: 'v2', jobId: ID });
    expect(run.status).toMatchObject({ key: 'Pending', label: 'queuing', detail: 'Queuing' });
    expect(run).toMatchObject({ startedAt: null, durationMs: null, engine: null, tensorboardUrl: null });
    expect(run.resources.accelerators).toBeNull();
  });

  it('counts NPUs (unit_num sent as a string), dedicated pools and CPU flavors', () => {
    const npu = runFromV2Job(
      parse({
        ...running,
        spec: {
          resource: {
            node_count: 4,
            flavor_detail: {
              flavor_type: 'Ascend',
              flavor_info: { npu: { unit_num: '8', product_name: 'Ascend-910' } },
            },
          },
        },
      }),
    );
    expect(npu.resources.accelerators).toEqual({ kind: 'NPU', count: 32, type: 'Ascend-910' });
    const pool = runFromV2Job(
      parse({
        ...running,
        spec: { resource: { node_count: 2, flavor_id: 'modelarts.pool.visual.4xlarge', pool_id: 'pool-a' } },
      }),
    );
    expect(pool.resources).toMatchObject({ accelerators: { kind: 'GPU', count: 8, type: null }, pool: 'pool-a' });
    const allocated = runFromV2Job(
      parse({
        ...running,
        spec: {
          resource: {
            node_count: 2,
            main_container_allocated_resources: {
              accelerator_num: 8,
              accelerator_type: 'ascend-snt9b',
              cpu_core_num: 192,
              mem_size: 1536,
            },
          },
        },
      }),
    );
    expect(allocated.resources).toMatchObject({
      accelerators: { kind: 'NPU', count: 16, type: 'ascend-snt9b' },
      cpuCores: 192,
      memoryBytes: 1536e9,
    });
    const cpu = runFromV2Job(
      parse({
        ...running,
        spec: {
          resource: {
            node_count: 1,
            flavor_id: 'modelarts.vm.cpu.8u',
            flavor_detail: { flavor_type: 'CPU', flavor_info: { cpu: { core_num: 8 } } },
          },
        },
      }),
    );
    expect(cpu.resources.accelerators).toEqual({ kind: 'GPU', count: 0, type: null });
  });

  it('dates the end of a failed job from its last run record', () => {
    const run = runFromV2Job(failed({}));
    expect(run.status).toMatchObject({ key: 'Failed', category: 'failed', terminal: true });
    expect(run.endedAt).toBe(1744441381000);
    expect(run.durationMs).toBe(61000);
    expect(run.tensorboardUrl).toBeNull();
  });
});

describe('v2Failure: the strongest reason ModelArts gives', () => {
  it('a task exit code and message first', () => {
    const job = failed({ task_statuses: [{ task: 'worker-0', exit_code: 1, message: 'CUDA out of memory' }] });
    expect(v2Failure(job)).toEqual({
      reason: 'CUDA out of memory',
      source: 'task',
      exitCode: 1,
      task: 'worker-0',
      excerpt: null,
    });
    expect(v2Failure(failed({ task_statuses: [{ task: 'worker-3', exit_code: 137 }] }))).toMatchObject({
      reason: 'exited with code 137',
      exitCode: 137,
      task: 'worker-3',
    });
  });

  it('then the last run record’s end reason', () => {
    expect(v2Failure(failed({}))).toEqual({
      reason: 'exit with 1',
      source: 'record',
      exitCode: 1,
      task: 'worker-0',
      excerpt: null,
    });
  });

  it('then the newest telling event', () => {
    const job = failed({ running_records: [] });
    const events = [
      { time: 2, level: 'Error', message: 'Training job failed.', source: 'Job' },
      { time: 1, level: 'Info', message: '[worker-0] Training finished. Exit code 1.', source: 'Task' },
    ];
    expect(v2Failure(job, events)).toEqual({
      reason: '[worker-0] Training finished. Exit code 1.',
      source: 'event',
      exitCode: 1,
      task: 'worker-0',
      excerpt: null,
    });
    const pull = [{ time: 3, level: 'Error', message: 'Failed to pull image swr.example/x:1', source: 'K8S' }];
    expect(v2Failure(job, pull)).toMatchObject({ reason: 'Failed to pull image swr.example/x:1', source: 'event' });
  });

  it('then the secondary phase, and nothing for jobs that did not fail', () => {
    const abnormal = parse({ metadata: { id: ID }, status: { phase: 'Abnormal', secondary_phase: 'CreateFailed' } });
    expect(v2Failure(abnormal)).toMatchObject({ reason: 'creation failed', source: 'status' });
    expect(v2Failure(parse({ metadata: { id: ID }, status: { phase: 'Failed' } }))).toMatchObject({
      reason: null,
      source: null,
    });
    expect(v2Failure(parse(running))).toBeNull();
    expect(v2Failure(parse({ metadata: { id: ID }, status: { phase: 'Terminated' } }))).toBeNull();
  });
});

describe('usageFromV2Metrics', () => {
  it('keeps the series with data and leaves -1 out', () => {
    const metrics = TrainingJobMetricsSchema.parse({
      metrics: [
        { metric: 'cpuUsage', value: [-1, 2.4, 12.4, 16.8] },
        { metric: 'gpuUtil', value: [-1, 0, 87.5, 91.0] },
        { metric: 'npuUtil', value: [-1, -1, -1, -1] },
      ],
    });
    expect(usageFromV2Metrics(metrics)).toEqual({
      series: { cpuUsage: [2.4, 12.4, 16.8], gpuUtil: [0, 87.5, 91] },
      intervalSeconds: 60,
    });
    expect(usageFromV2Metrics(TrainingJobMetricsSchema.parse({ metrics: [] }))).toBeNull();
  });
});
