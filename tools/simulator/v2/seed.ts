/**
 * The seeded v2 jobs: showcase jobs with fixed UUIDs (a 2-node GPU run that completes soon, a 4-node NPU run that
 * fails soon, a queued one, a creating one, and finished ones in every terminal phase) plus generated jobs: a mix of
 * phases, GPU/NPU/CPU flavors, 1–4 nodes, parameters, inputs and outputs, TensorBoard on some. Times are relative to
 * the simulator's start so the demo always has jobs completing and failing within minutes.
 */
import type { Random } from '../random.js';
import { enginesFor, V2_ENGINES, V2_FAILURES, V2_FLAVORS, type V2EngineKey, type V2FlavorKey } from './catalog.js';
import { DEFAULT_SECONDARY, type SimV2Failure, type SimV2Job, type SimV2Step, type V2Phase } from './model.js';

export const SEEDED_V2 = {
  /** Running, 2 GPU nodes, TensorBoard on: completes a few minutes after start (the reference's sample id). */
  runningGpuJobId: '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b',
  /** Running, 4 NPU nodes: fails a couple of minutes after start, worker-2 exiting with 1. */
  failingNpuJobId: '3faf5c03-aaa1-4cbe-879d-24b05d997347',
  /** Pending (Queuing): runs within a minute, completes minutes later. */
  queuedJobId: '0b6f3c8e-1d2a-4e5b-9c7d-8e9f0a1b2c3d',
  /** Creating: pending, running, then failing. */
  creatingJobId: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
  completedJobId: '9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4',
  /** Failed yesterday: CUDA out of memory, the traceback followed by shutdown lines. */
  failedJobId: 'c0ffee00-1234-4abc-8def-0123456789ab',
  abnormalJobId: 'deadbeef-0000-4000-8000-00000000abcd',
  terminatedJobId: '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
} as const;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function uuid(rnd: Random): string {
  const hex = (n: number) => rnd.string(n, '0123456789abcdef');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${rnd.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
}

export interface V2JobInput {
  id?: string;
  name: string;
  description?: string;
  user?: string;
  workspaceId?: string;
  phase?: V2Phase;
  secondaryPhase?: string;
  flavor?: V2FlavorKey;
  nodes?: number;
  engine?: V2EngineKey;
  tensorboard?: boolean;
  /** Ms before now the job was created (default 1 minute). */
  createdAgoMs?: number;
  /** For jobs that ran: ms before now they started (default: between creation and now). */
  startedAgoMs?: number;
  /** For finished jobs: ms before now they ended (default now). */
  endedAgoMs?: number;
  /** The failure the job has (Failed) or will have (a Failed step planned). */
  failure?: Partial<SimV2Failure>;
  /** Steps relative to now. */
  schedule?: Array<{ afterMs: number; phase: V2Phase; secondaryPhase?: string }>;
}

const FAMILIES = ['resnet50', 'bert-base', 'yolov5', 'vit-b16', 'llama-lora', 'unet', 'wav2vec2', 'efficientnet'];
const DATASETS = ['imagenet-mini', 'coco-2017', 'squad-v2', 'flowers', 'librispeech', 'medical-seg'];

/** A job record from an input; everything not given is drawn from `rnd`. */
export function makeV2Job(rnd: Random, now: number, input: V2JobInput): SimV2Job {
  const phase = input.phase ?? 'Running';
  const flavor = V2_FLAVORS[input.flavor ?? rnd.pick(Object.keys(V2_FLAVORS) as V2FlavorKey[])];
  const nodes = input.nodes ?? (flavor.flavor_type === 'CPU' ? 1 : rnd.int(1, 4));
  const engine = V2_ENGINES[input.engine ?? rnd.pick(enginesFor(flavor))];
  const createTime = now - (input.createdAgoMs ?? MINUTE);
  const ran = ['Running', 'Terminating', 'Completed', 'Failed', 'Terminated'].includes(phase);
  const endTime = ['Completed', 'Failed', 'Abnormal', 'Terminated'].includes(phase) ? now - (input.endedAgoMs ?? 0) : 0;
  const startTime = ran ? now - (input.startedAgoMs ?? Math.max(1_000, Math.floor((now - createTime) * 0.8))) : 0;
  const dataset = rnd.pick(DATASETS);
  const bucket = rnd.pick(['ml-team', 'research-bkt', 'prod-models']);
  const root = `/${bucket}/${input.name}`;
  const failed = input.failure ?? {};
  const base = rnd.pick(V2_FAILURES);
  const failurePlan: SimV2Failure = {
    task: failed.task ?? `worker-${rnd.int(0, nodes - 1)}`,
    exit_code: failed.exit_code ?? base.exit_code,
    message: failed.message ?? base.message,
    exception: failed.exception ?? base.exception,
  };
  return {
    id: input.id ?? uuid(rnd),
    name: input.name,
    description: input.description ?? (rnd.chance(0.5) ? `${input.name} on ${dataset}` : ''),
    user_name: input.user ?? rnd.pick(['alice', 'bob', 'chen', 'dara', 'eve']),
    workspace_id: input.workspaceId ?? '0',
    create_time: createTime,
    phase,
    secondary_phase: input.secondaryPhase ?? DEFAULT_SECONDARY[phase],
    start_time: startTime,
    end_time: endTime,
    flavor,
    node_count: nodes,
    engine,
    code_dir: `obs:/${root}/code/`,
    boot_file: `obs:/${root}/code/train.py`,
    parameters: [
      { name: 'lr', value: String(rnd.pick([0.1, 0.01, 0.001, 0.0003])) },
      { name: 'batch_size', value: String(rnd.pick([16, 32, 64, 128])) },
      { name: 'epochs', value: String(rnd.pick([10, 30, 90])) },
    ],
    inputs: [{ name: 'data_url', obs_url: `/${bucket}/datasets/${dataset}/` }],
    outputs: [{ name: 'train_url', obs_url: `${root}/output/` }],
    tensorboard: input.tensorboard ?? rnd.chance(0.4),
    failurePlan,
    failure: phase === 'Failed' ? failurePlan : null,
    events: [],
    schedule: (input.schedule ?? []).map((s) => stepAt(now, s)).sort((a, b) => a.at - b.at),
    scheduleToken: 0,
    logSeed: rnd.int(1, 2 ** 31 - 1),
    metricsSeed: rnd.int(1, 2 ** 31 - 1),
  };
}

export function stepAt(now: number, step: { afterMs: number; phase: V2Phase; secondaryPhase?: string }): SimV2Step {
  return {
    at: now + step.afterMs,
    phase: step.phase,
    ...(step.secondaryPhase ? { secondary: step.secondaryPhase } : {}),
  };
}

const SHOWCASE: readonly V2JobInput[] = [
  {
    id: SEEDED_V2.runningGpuJobId,
    name: 'resnet50-ft',
    flavor: 'gpu1',
    nodes: 2,
    engine: 'pytorch14',
    tensorboard: true,
    user: 'alice',
    createdAgoMs: 95 * MINUTE,
    startedAgoMs: 90 * MINUTE,
    schedule: [{ afterMs: 4 * MINUTE, phase: 'Completed' }],
  },
  {
    id: SEEDED_V2.failingNpuJobId,
    name: 'bert-large-pretrain',
    flavor: 'npu8',
    nodes: 4,
    engine: 'mindspore',
    user: 'chen',
    createdAgoMs: 40 * MINUTE,
    startedAgoMs: 35 * MINUTE,
    failure: { task: 'worker-2', exit_code: 1, ...V2_FAILURES[4] },
    schedule: [{ afterMs: 150_000, phase: 'Failed' }],
  },
  {
    id: SEEDED_V2.queuedJobId,
    name: 'yolov5-coco-sweep',
    flavor: 'gpu4',
    nodes: 1,
    engine: 'pytorch',
    phase: 'Pending',
    tensorboard: true,
    createdAgoMs: 3 * MINUTE,
    schedule: [
      { afterMs: 60_000, phase: 'Running' },
      { afterMs: 7 * MINUTE, phase: 'Completed' },
    ],
  },
  {
    id: SEEDED_V2.creatingJobId,
    name: 'vit-b16-flowers',
    flavor: 'gpu1',
    nodes: 1,
    engine: 'custom',
    phase: 'Creating',
    createdAgoMs: 5_000,
    failure: { task: 'worker-0', exit_code: 1, ...V2_FAILURES[0] },
    schedule: [
      { afterMs: 10_000, phase: 'Pending' },
      { afterMs: 40_000, phase: 'Running' },
      { afterMs: 5 * MINUTE, phase: 'Failed' },
    ],
  },
  {
    id: SEEDED_V2.completedJobId,
    name: 'llama-lora-support',
    flavor: 'pool4',
    nodes: 2,
    engine: 'custom',
    phase: 'Completed',
    tensorboard: true,
    createdAgoMs: 6 * HOUR,
    startedAgoMs: 5 * HOUR,
    endedAgoMs: 2 * HOUR,
  },
  {
    id: SEEDED_V2.failedJobId,
    name: 'gpt-small-oom',
    flavor: 'gpu1',
    nodes: 1,
    engine: 'pytorch',
    phase: 'Failed',
    createdAgoMs: DAY + 30 * MINUTE,
    startedAgoMs: DAY + 25 * MINUTE,
    endedAgoMs: DAY,
    failure: { task: 'worker-0', exit_code: 1, ...V2_FAILURES[0] },
  },
  {
    id: SEEDED_V2.abnormalJobId,
    name: 'unet-bad-image',
    flavor: 'cpu8',
    nodes: 1,
    engine: 'custom',
    phase: 'Abnormal',
    secondaryPhase: 'CreateFailed',
    createdAgoMs: 3 * HOUR,
    endedAgoMs: 3 * HOUR - 30_000,
  },
  {
    id: SEEDED_V2.terminatedJobId,
    name: 'wav2vec2-abandoned',
    flavor: 'npu1',
    nodes: 1,
    engine: 'mindspore',
    phase: 'Terminated',
    createdAgoMs: 8 * HOUR,
    startedAgoMs: 7 * HOUR,
    endedAgoMs: 6 * HOUR,
  },
];

/** A generated job: finished in the past, or active with transitions to come. */
function generated(rnd: Random, i: number): V2JobInput {
  const name = `${rnd.pick(FAMILIES)}-${rnd.string(4, '0123456789abcdef')}`;
  const roll = rnd.next();
  if (roll < 0.55) {
    const ended = rnd.int(10 * MINUTE, 14 * DAY);
    const ran = rnd.int(5 * MINUTE, 10 * HOUR);
    const phase: V2Phase = rnd.pick([
      'Completed',
      'Completed',
      'Completed',
      'Failed',
      'Failed',
      'Terminated',
      'Abnormal',
    ]);
    return {
      name,
      phase,
      createdAgoMs: ended + ran + rnd.int(MINUTE, 20 * MINUTE),
      startedAgoMs: ended + ran,
      endedAgoMs: ended,
    };
  }
  if (roll < 0.8) {
    // Running now: completes or fails within the next two hours.
    const started = rnd.int(5 * MINUTE, 6 * HOUR);
    return {
      name,
      phase: 'Running',
      createdAgoMs: started + rnd.int(30_000, 10 * MINUTE),
      startedAgoMs: started,
      schedule: [{ afterMs: rnd.int(2 * MINUTE, 2 * HOUR), phase: rnd.chance(0.7) ? 'Completed' : 'Failed' }],
    };
  }
  return { ...queuedRun(rnd), name, createdAgoMs: rnd.int(10_000, 20 * MINUTE) + i };
}

/** Queued now: running within a couple of minutes, an outcome minutes later. */
export function queuedRun(rnd: Random): Omit<V2JobInput, 'name'> {
  const runAt = rnd.int(20_000, 150_000);
  const end = runAt + rnd.int(MINUTE, 8 * MINUTE);
  return {
    phase: 'Pending',
    schedule: [
      { afterMs: runAt, phase: 'Running' },
      { afterMs: end, phase: rnd.chance(0.7) ? 'Completed' : 'Failed' },
    ],
  };
}

export function seedV2Jobs(rnd: Random, now: number, count: number): SimV2Job[] {
  const jobs = SHOWCASE.map((input, i) => makeV2Job(rnd.fork(`showcase-${i}`), now, { description: '', ...input }));
  for (let i = 0; i < count; i++) {
    const jr = rnd.fork(`v2-job-${i}`);
    jobs.push(makeV2Job(jr, now, generated(jr, i)));
  }
  return jobs;
}
