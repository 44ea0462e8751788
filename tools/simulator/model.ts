/**
 * The simulator's internal records. They hold what ModelArts stores, not what it sends: the wire formats (numbers as
 * numbers where the docs say strings, JSON-encoded metric strings, …) are produced by `wire.ts` at response time, so a
 * status change is reflected consistently in every endpoint.
 */

export interface SimEngine {
  engine_type: number;
  engine_name: string;
  engine_id: number;
  engine_version: string;
}

export interface SimFlavor {
  spec_id: number;
  spec_code: string;
  /** Sent as a number although the docs type it String (notes §6.2). */
  core: number;
  cpu: number;
  gpu_num: number;
  gpu_type: string | null;
  npu_num: number;
}

export interface SimPool {
  pool_id: string;
  pool_name: string;
}

export interface SimMetricValues {
  accuracy?: number;
  precision?: number;
  recall?: number;
  f1_score?: number;
}

/** Model metrics in ModelArts' nested layout; class_name may be a number, as in the docs' sample. */
export interface SimModelMetrics {
  classes: Array<{ class_name: string | number; class_id: number; values: SimMetricValues }>;
  total: SimMetricValues;
}

/** Series of numeric strings keyed as on the wire (cpuUsage, memUsage, gpuUtil, …). */
export interface SimSystemMetrics {
  series: Record<string, string[]>;
  interval: number;
}

export interface SimJob {
  job_id: number;
  job_name: string;
  job_desc: string;
  workspace_id: string;
  create_time: number;
  /** Ascending; the last one is the job's current version. */
  versionIds: number[];
}

export interface ScheduledStep {
  /** Absolute simulator time (ms). */
  at: number;
  status: number;
}

export interface SimVersion {
  job_id: number;
  version_id: number;
  version_name: string;
  version_desc: string | null;
  pre_version_id: number;
  status: number;
  create_time: number;
  /** 0 until the version starts running (ModelArts sends 0, not null). */
  start_time: number;
  /** 0 until the version reaches a terminal status. */
  end_time: number;
  engine: SimEngine;
  flavor: SimFlavor;
  worker_server_num: number;
  pool: SimPool | null;
  app_url: string;
  boot_file_url: string;
  data_url: string;
  train_url: string;
  log_url: string;
  data_source: Array<Record<string, unknown>>;
  dataset_id: string | null;
  dataset_version_id: string | null;
  dataset_name: string | null;
  dataset_version_name: string | null;
  parameter: Array<{ label: string; value: string | number }>;
  user_image_url: string | null;
  user_command: string | null;
  model_id: number;
  resource_id: string;
  /**
   * Shown once the version has completed. Undefined: derived on demand from `metricsSeed` and `labels`, so bulk
   * versions cost no memory for metrics they may never show.
   */
  modelMetrics?: SimModelMetrics | null;
  /** Shown once the version has started; undefined: derived on demand like modelMetrics. */
  systemMetrics?: SimSystemMetrics | null;
  metricsSeed: number;
  /** Class labels of the dataset (shared, not copied). */
  labels: readonly string[];
  /** Fields the detail sample carries that the bot does not use (volumes, nas_*); sent as they are. */
  extra: Record<string, unknown>;
  /** What the log of a failed run ends with. */
  failureReason: string;
  /** Seed for the deterministic log text. */
  logSeed: number;
  /** Planned future transitions, earliest first. */
  schedule: ScheduledStep[];
  /** Bumped whenever `schedule` is replaced, so stale queue entries can be recognised. */
  scheduleToken: number;
}

export interface SimConfig {
  config_name: string;
  config_desc: string;
  create_time: number;
  engine_type: number;
  engine_name: string;
  engine_id: number;
  engine_version: string;
  user_image_url: string;
  user_command: string;
  config_type: 'custom' | 'sample';
}

export interface SimVizJob {
  job_id: number;
  job_name: string;
  job_desc: string;
  status: number;
  create_time: number;
  /** Fixed running time for stopped jobs; running jobs count from create_time. */
  duration: number | null;
  /** Path part of the TensorBoard URL; the simulator's own base URL is put in front at response time. */
  service_path: string;
  train_url: string;
  resource_id: string;
  workspace_id: string;
}

export interface SimTaskSource {
  type: 'OBS' | 'TASK' | 'DATASET' | 'CUSTOM';
  source: string;
  name?: string;
  version_id?: string;
  version_name?: string;
}

export interface SimProcessorTask {
  task_id: string;
  name: string;
  description: string;
  status: number;
  error_msg: string | null;
  create_time: number;
  duration_seconds: number;
  /** Either data_source or inputs is delivered (docs); the doc sample has both. */
  data_source: SimTaskSource | null;
  inputs: SimTaskSource[] | null;
  template: {
    id: string;
    name: string;
    operator_params: Array<{
      id: string;
      name?: string;
      params: Record<string, unknown>;
      advanced_params_switch?: boolean;
    }>;
  };
  version_id: string;
  version_name: string;
  version_count: number;
  is_current: boolean;
  work_path: Record<string, unknown> | null;
  workspace_id: string;
  /** Feature-analysis output; delivered only when status is 2. */
  result: unknown;
}

export interface SimData {
  jobs: Map<number, SimJob>;
  versions: Map<number, SimVersion>;
  configs: SimConfig[];
  vizJobs: Map<number, SimVizJob>;
  tasks: Map<string, SimProcessorTask>;
}
