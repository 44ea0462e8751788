/**
 * The simulator's new-version (v2) training jobs: what ModelArts stores, not what it sends (v2/wire.ts builds the wire
 * shapes of notes v2 §4 at response time). Times are epoch ms here; the wire's seconds are made in wire.ts.
 */

import { TRAINING_JOB_PHASES, type TrainingJobPhase } from '../../../src/modelarts/resources/training-jobs-v2.js';

/** The documented phases (notes v2 §5), the same list the client knows. */
export const V2_PHASES = TRAINING_JOB_PHASES;
export type V2Phase = TrainingJobPhase;

export const TERMINAL_PHASES: ReadonlySet<V2Phase> = new Set(['Completed', 'Failed', 'Abnormal', 'Terminated']);
/** Only these can be stopped (notes v2 §5); stopping any other answers 409 ModelArts.2796. */
export const STOPPABLE_PHASES: ReadonlySet<V2Phase> = new Set(['Creating', 'Pending', 'Running']);

/** The secondary phase a phase usually shows (notes v2 §5). */
export const DEFAULT_SECONDARY: Readonly<Record<V2Phase, string>> = {
  Creating: 'Creating',
  Pending: 'Queuing',
  Running: 'Running',
  Terminating: 'Terminating',
  Completed: 'Completed',
  Failed: 'Failed',
  Abnormal: 'CreateFailed',
  Terminated: 'Terminated',
};

export interface SimV2Accelerator {
  unit_num: number;
  product_name: string;
  memory: string;
}

export interface SimV2Flavor {
  flavor_id: string;
  flavor_name: string;
  flavor_type: 'CPU' | 'GPU' | 'Ascend';
  cpu: { arch: string; core_num: number };
  memory_gb: number;
  gpu?: SimV2Accelerator;
  npu?: SimV2Accelerator;
  /** A dedicated pool: no flavor_detail on the wire, main_container_allocated_resources instead. */
  pool?: { pool_id: string; accelerator_num: number; accelerator_type: string };
}

export interface SimV2Engine {
  engine_id: string;
  engine_name: string;
  engine_version: string;
  image_url?: string;
}

/** How a run fails: what task_statuses, running_records, the events and the log say. */
export interface SimV2Failure {
  task: string;
  exit_code: number;
  /** task_statuses[].message. */
  message: string;
  /** The Python exception line the log's traceback ends with (before the shutdown lines). */
  exception: string;
}

export interface SimV2Event {
  time: number;
  level: 'Info' | 'Warning' | 'Error';
  message: string;
  source: 'Job' | 'Task' | 'K8S';
}

export interface SimV2Step {
  at: number;
  phase: V2Phase;
  secondary?: string;
}

export interface SimV2Job {
  id: string;
  name: string;
  description: string;
  user_name: string;
  workspace_id: string;
  create_time: number;
  phase: V2Phase;
  secondary_phase: string;
  /** 0 until the job runs. */
  start_time: number;
  /** 0 until the job ends. */
  end_time: number;
  flavor: SimV2Flavor;
  node_count: number;
  engine: SimV2Engine;
  code_dir: string;
  boot_file: string;
  parameters: Array<{ name: string; value: string }>;
  inputs: Array<{ name: string; obs_url: string }>;
  outputs: Array<{ name: string; obs_url: string }>;
  tensorboard: boolean;
  /** What happens if (when) the run fails. */
  failurePlan: SimV2Failure;
  /** Set once the job failed. */
  failure: SimV2Failure | null;
  events: SimV2Event[];
  /** Planned transitions, earliest first. */
  schedule: SimV2Step[];
  scheduleToken: number;
  logSeed: number;
  metricsSeed: number;
}
