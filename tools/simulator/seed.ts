/**
 * The seeded project: the API pages' samples made valid (training job 10 version 10 "TestModelArtsJob"/"jobVersion",
 * the all-versions sample 1485, the config "testConfig", visualization job 10, processor task ddwRJeTnjpiq4dNUZOq)
 * plus `generatedJobs` generated jobs with versions, configs, visualization jobs reading the same output paths, and
 * data-processing tasks with feature-analysis results. Ids are stable across seeds; contents depend on the seed;
 * times are relative to the simulator's start so the demo always has jobs starting, finishing and failing soon.
 */
import { DATASETS, ENGINES, FLAVORS, MODEL_FAMILIES, POOLS, type SimDataset } from './catalog.js';
import { makeJobName, makeVersion, pickTheme, type VersionPlan } from './generate.js';
import type {
  ScheduledStep,
  SimConfig,
  SimData,
  SimJob,
  SimProcessorTask,
  SimTaskSource,
  SimVersion,
  SimVizJob,
} from './model.js';
import { createRandom, type Random } from './random.js';

export const SEEDED = {
  docJobId: 10,
  docVersionId: 10,
  docPreviousVersionId: 5,
  allVersionsSampleJobId: 20,
  allVersionsSampleVersionId: 1485,
  firstGeneratedJobId: 1001,
  firstGeneratedVersionId: 2001,
  docVizJobId: 10,
  /** A running visualization job reading job 10 version 10's train_url (/usr/train/). */
  docTensorboardVizJobId: 11,
  firstGeneratedVizJobId: 12,
  docConfigName: 'testConfig',
  docTaskId: 'ddwRJeTnjpiq4dNUZOq',
  docDatasetId: 'X6c3N3eztX7cr3Arvqu',
  docDatasetVersionIds: ['J4Eh2FDEWH1qnDlD3hQ', 'XwTuRqI9En7xuZskW70'],
} as const;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function docJob(): { job: SimJob; versions: SimVersion[] } {
  const job: SimJob = {
    job_id: 10,
    job_name: 'TestModelArtsJob',
    job_desc: 'TestModelArtsJob desc',
    workspace_id: '0',
    create_time: 1524100000000,
    versionIds: [5, 10],
  };
  const engine = ENGINES.tf14;
  const flavor = FLAVORS.p1x2;
  const common = {
    job_id: 10,
    engine,
    flavor,
    worker_server_num: 1,
    pool: POOLS.p100,
    app_url: '/usr/app/',
    boot_file_url: '/usr/app/boot.py',
    data_url: '/usr/data/',
    log_url: '/usr/log/',
    data_source: [{ type: 'obs', data_url: '/qianjiajun-test/minst/data/' }],
    dataset_id: '38277e62-9e59-48f4-8d89-c8cf41622c24',
    dataset_version_id: '2ff0d6ba-c480-45ae-be41-09a8369bfc90',
    dataset_name: 'dataset-test',
    dataset_version_name: 'dataset-version-test',
    user_image_url: '100.125.5.235:20202/jobmng/custom-cpu-base:1.0',
    user_command:
      'bash -x /home/work/run_train.sh python /home/work/user-job-dir/app/mnist/mnist_softmax.py --data_url /home/work/user-job-dir/app/mnist_data',
    model_id: 1,
    resource_id: 'a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b',
    failureReason: '',
    schedule: [],
    scheduleToken: 0,
    metricsSeed: 10,
    labels: [],
  } satisfies Partial<SimVersion>;
  const systemMetrics = {
    series: {
      cpuUsage: ['0', '3.10', '5.76', '0', '0', '0', '0'],
      memUsage: ['0', '0.77', '2.09', '0', '0', '0', '0'],
      gpuUtil: ['0', '0.25', '0.88', '0', '0', '0', '0'],
      gpuMemUsage: ['0', '0.65', '6.01', '0', '0', '0', '0'],
      diskReadRate: ['0', '91811.07', '38846.63', '0', '0', '0', '0'],
      diskWriteRate: ['0', '2.23', '0.94', '0', '0', '0', '0'],
      recvBytesRate: ['0', '5770405.50', '2980077.75', '0', '0', '0', '0'],
      sendBytesRate: ['0', '12607.17', '10487410.00', '0', '0', '0', '0'],
    },
    interval: 1,
  };
  const v10: SimVersion = {
    ...common,
    version_id: 10,
    version_name: 'jobVersion',
    version_desc: null,
    pre_version_id: 5,
    status: 10,
    create_time: 1524189990635,
    start_time: 1563172362000,
    // The sample's duration (532003 ms) follows from start and end.
    end_time: 1563172362000 + 532003,
    train_url: '/usr/train/',
    parameter: [{ label: 'learning_rate', value: 0.01 }],
    // class_name 0 (a number) exactly as in the sample.
    modelMetrics: {
      classes: [{ class_name: 0, class_id: 0, values: { recall: 0.005833, precision: 0.000178, accuracy: 0.000937 } }],
      total: { recall: 0.005833, precision: 0.000178, accuracy: 0.000937 },
    },
    systemMetrics,
    extra: {
      volumes: [
        {
          nfs: {
            id: '43b37236-9afa-4855-8174-32254b9562e7',
            src_path: '192.168.8.150:/',
            dest_path: '/home/work/nas',
            read_only: false,
          },
        },
        { host_path: { src_path: '/root/work', dest_path: '/home/mind', read_only: false } },
      ],
      nas_mount_path: '/home/work/nas',
      nas_share_addr: '192.168.8.150:/',
      nas_type: 'nfs',
    },
    logSeed: 1010,
  };
  const v5: SimVersion = {
    ...common,
    version_id: 5,
    version_name: 'V0001',
    version_desc: 'first run',
    pre_version_id: 0,
    status: 10,
    create_time: 1524100000000,
    start_time: 1524100030000,
    end_time: 1524100030000 + 401_500,
    train_url: '/usr/train/V0001/',
    parameter: [{ label: 'learning_rate', value: 0.1 }],
    modelMetrics: {
      classes: [{ class_name: 0, class_id: 0, values: { recall: 0.004211, precision: 0.000131, accuracy: 0.000802 } }],
      total: { recall: 0.004211, precision: 0.000131, accuracy: 0.000802 },
    },
    systemMetrics,
    extra: {},
    logSeed: 1005,
  };
  return { job, versions: [v5, v10] };
}

/** The all-versions page's sample row (version 1485, KILLED) as a job of its own. */
function allVersionsSampleJob(): { job: SimJob; version: SimVersion } {
  const job: SimJob = {
    job_id: 20,
    job_name: 'trainjob-3f47',
    job_desc: '',
    workspace_id: '0',
    create_time: 1557473030000,
    versionIds: [1485],
  };
  const rnd = createRandom(1485);
  const theme = { family: 'resnet50', engine: ENGINES.tf21, dataset: DATASETS[0]!, bucket: 'test-obs' };
  const version = makeVersion(rnd, job, theme, 1485, 0, 1, {
    status: 12,
    createTime: 1557473030000,
    startTime: 1557473040000,
    endTime: 1557473093000,
    flavor: FLAVORS.p1,
    pool: POOLS.p100,
  });
  version.version_name = 'trainjob-3f47';
  version.version_desc = null;
  return { job, version };
}

type Outcome = { status: number; via?: number };

function pickOutcome(rnd: Random): Outcome {
  const r = rnd.next();
  if (r < 0.6) return { status: 10 };
  if (r < 0.85) return { status: 11 };
  // Cancellation goes through KILLING first, then KILLED or CANCELED.
  return { status: rnd.chance(0.5) ? 12 : 13, via: 9 };
}

function pickHistoricalStatus(rnd: Random): number {
  const r = rnd.next();
  if (r < 0.6) return 10;
  if (r < 0.82) return 11;
  if (r < 0.88) return 13;
  if (r < 0.93) return 12;
  if (r < 0.96) return 3;
  if (r < 0.98) return 5;
  return 14;
}

/** A finished version placed inside [slotStart, slotEnd): created, started and ended within its slot. */
function historicalPlan(rnd: Random, slotStart: number, slotEnd: number): VersionPlan {
  const status = pickHistoricalStatus(rnd);
  const slot = Math.max(10 * MINUTE, slotEnd - slotStart);
  const createTime = slotStart + rnd.int(0, Math.floor(slot / 4));
  const startTime = createTime + rnd.int(20_000, Math.max(20_001, Math.min(10 * MINUTE, Math.floor(slot / 8))));
  const endTime = Math.min(slotStart + Math.floor(slot * 0.95), startTime + rnd.int(5 * MINUTE, 8 * HOUR));
  const neverStarted = status === 3 || status === 5;
  return {
    status,
    createTime,
    startTime: neverStarted ? 0 : startTime,
    endTime: Math.max(endTime, startTime + 1_000),
  };
}

function terminalSteps(rnd: Random, at: number): ScheduledStep[] {
  const outcome = pickOutcome(rnd);
  if (outcome.via !== undefined) {
    return [
      { at, status: outcome.via },
      { at: at + rnd.int(5_000, 20_000), status: outcome.status },
    ];
  }
  return [{ at, status: outcome.status }];
}

/** Queued now: initialising, waiting, running within a minute or two, then an outcome a few minutes later. */
export function queuedPlan(jr: Random, now: number): { plan: VersionPlan; schedule: ScheduledStep[] } {
  const createTime = now - jr.int(5_000, 60_000);
  const waitAt = now + jr.int(3_000, 15_000);
  const runAt = waitAt + jr.int(10_000, 90_000);
  const imageFails = jr.chance(0.1);
  return {
    plan: { status: 1, createTime, startTime: 0, endTime: 0 },
    schedule: imageFails
      ? [
          { at: waitAt, status: 2 },
          { at: runAt, status: 3 },
        ]
      : [{ at: waitAt, status: 7 }, { at: runAt, status: 8 }, ...terminalSteps(jr, runAt + jr.int(60_000, 360_000))],
  };
}

/** The newest version of a job that is still active: its plan and the transitions still to come. */
function activePlan(jr: Random, kind: number, now: number): { plan: VersionPlan; schedule: ScheduledStep[] } {
  if (kind < 0.65) {
    // Long runs: started hours ago, finishing within the next one to two hours.
    const createTime = now - jr.int(30 * MINUTE, 6 * HOUR);
    return {
      plan: { status: 8, createTime, startTime: createTime + jr.int(MINUTE, 5 * MINUTE), endTime: 0 },
      schedule: terminalSteps(jr, now + jr.int(20 * MINUTE, 120 * MINUTE)),
    };
  }
  if (jr.chance(0.5)) return queuedPlan(jr, now);
  // Running now, finishing within the next few minutes.
  const startTime = now - jr.int(MINUTE, 10 * MINUTE);
  return {
    plan: { status: 8, createTime: startTime - jr.int(10_000, 60_000), startTime, endTime: 0 },
    schedule: terminalSteps(jr, now + jr.int(30_000, 5 * MINUTE)),
  };
}

function generatedJobs(rnd: Random, count: number, now: number, data: SimData): void {
  let versionId: number = SEEDED.firstGeneratedVersionId;
  for (let i = 0; i < count; i++) {
    const jr = rnd.fork(`job-${i}`);
    const theme = pickTheme(jr);
    const jobId = SEEDED.firstGeneratedJobId + i;
    const versionCount = jr.int(1, 4);
    const kind = jr.next();
    const active = kind >= 0.5 ? activePlan(jr, kind, now) : null;
    // Finished versions fill the time before the active one (or before now), one slot each.
    const windowEnd = active ? active.plan.createTime - MINUTE : now - MINUTE;
    const job: SimJob = {
      job_id: jobId,
      job_name: makeJobName(jr, theme),
      job_desc: jr.chance(0.6) ? `${theme.family} on ${theme.dataset.name}` : '',
      workspace_id: '0',
      create_time: windowEnd - jr.int(2 * HOUR, 14 * DAY),
      versionIds: [],
    };
    data.jobs.set(jobId, job);
    const finished = active ? versionCount - 1 : versionCount;
    const slot = Math.floor((windowEnd - job.create_time) / Math.max(1, finished));
    for (let n = 1; n <= versionCount; n++) {
      const pre = job.versionIds[job.versionIds.length - 1] ?? 0;
      const isActive = active !== null && n === versionCount;
      const slotStart = job.create_time + (n - 1) * slot;
      const plan = isActive ? active.plan : historicalPlan(jr, slotStart, slotStart + slot);
      const version = makeVersion(jr, job, theme, versionId, pre, n, plan);
      if (isActive) version.schedule = active.schedule;
      job.versionIds.push(versionId);
      data.versions.set(versionId, version);
      versionId++;
    }
  }
}

function docConfig(): SimConfig {
  return {
    config_name: 'testConfig',
    config_desc: 'This is config',
    create_time: 1524189990635,
    engine_type: 1,
    engine_name: 'TensorFlow',
    engine_id: 1,
    engine_version: 'TF-1.4.0-python2.7',
    user_image_url: '100.125.5.235:20202/jobmng/custom-cpu-base:1.0',
    user_command:
      'bash -x /home/work/run_train.sh python /home/work/user-job-dir/app/mnist/mnist_softmax.py --data_url /home/work/user-job-dir/app/mnist_data',
    config_type: 'custom',
  };
}

function generatedConfigs(rnd: Random, now: number, count: number): SimConfig[] {
  const configs: SimConfig[] = [];
  const names = new Set<string>(['testConfig']);
  for (let i = 0; configs.length < count && i < count * 4; i++) {
    const family = rnd.pick(MODEL_FAMILIES);
    const engine = ENGINES[rnd.pick(family.engines)];
    const dataset = rnd.pick(DATASETS.filter((d) => family.datasetKinds.includes(d.kind)));
    const name = `${family.name}-${dataset.name}-${rnd.pick(['base', 'lr-sweep', 'prod', 'debug', 'v2'])}`;
    if (names.has(name)) continue;
    names.add(name);
    const script = `/home/work/user-job-dir/${family.name}/train.py`;
    configs.push({
      config_name: name,
      config_desc: rnd.chance(0.7) ? `${family.name} training on ${dataset.name}` : '',
      create_time: now - rnd.int(HOUR, 60 * DAY),
      engine_type: engine.engine_type,
      engine_name: engine.engine_name,
      engine_id: engine.engine_id,
      engine_version: engine.engine_version,
      user_image_url:
        engine.engine_name === 'Custom' ? `swr.eu-de.otc.t-systems.com/ml-team/${family.name}:${rnd.int(1, 5)}.0` : '',
      user_command:
        engine.engine_name === 'Custom'
          ? `bash -x /home/work/run_train.sh python ${script} --data_url /${dataset.bucket}/datasets/${dataset.name}/ --epochs ${rnd.pick([10, 30, 90])} --batch_size ${rnd.pick([32, 64, 128])} --learning_rate ${rnd.pick(['0.01', '0.001'])}`
          : '',
      config_type: 'custom',
    });
  }
  const samples: Array<[string, keyof typeof ENGINES, string]> = [
    ['Sample_MNIST_TensorFlow', 'tf21', 'Handwritten digit recognition (MNIST) with TensorFlow'],
    ['Sample_Flowers_ResNet50_PyTorch', 'torch18', 'Flower classification with ResNet-50'],
    ['Sample_CIFAR10_MindSpore', 'mindsporeGpu', 'CIFAR-10 image classification with MindSpore'],
    ['Sample_Ascend_YOLOv3', 'ascend', 'Object detection with YOLOv3 on Ascend'],
    ['Sample_Iris_Sklearn', 'sklearn', 'Iris classification with scikit-learn'],
  ];
  for (const [name, key, desc] of samples) {
    const engine = ENGINES[key];
    configs.push({
      config_name: name,
      config_desc: desc,
      create_time: 1546300800000 + rnd.int(0, 300 * DAY),
      engine_type: engine.engine_type,
      engine_name: engine.engine_name,
      engine_id: engine.engine_id,
      engine_version: engine.engine_version,
      user_image_url: '',
      user_command: '',
      config_type: 'sample',
    });
  }
  return configs;
}

function hex(rnd: Random, n: number): string {
  return rnd.string(n, '0123456789abcdef');
}

function vizJobs(rnd: Random, now: number, data: SimData): void {
  const add = (z: SimVizJob) => data.vizJobs.set(z.job_id, z);
  add({
    job_id: 10,
    job_name: 'apiTest-11',
    job_desc: 'ModelArts API Dialtest',
    status: 7,
    create_time: 1565149736000,
    duration: 33000,
    service_path: '/tensorboard/04f679b17380d32a2f32c00335c4b5ba/10/',
    train_url: '/wph-test/zl-test/Flowers-Set/ApiTest/',
    resource_id: 'e17dd874-b5e0-4e9b-aaf0-22b045ad8571',
    workspace_id: '0',
  });
  add({
    job_id: 11,
    job_name: 'tensorboard-TestModelArtsJob',
    job_desc: 'TensorBoard for TestModelArtsJob',
    status: 8,
    create_time: now - 2 * HOUR,
    duration: null,
    service_path: `/tensorboard/${hex(rnd, 32)}/11/`,
    train_url: '/usr/train/',
    resource_id: `${hex(rnd, 8)}-${hex(rnd, 4)}-${hex(rnd, 4)}-${hex(rnd, 4)}-${hex(rnd, 12)}`,
    workspace_id: '0',
  });
  let id: number = SEEDED.firstGeneratedVizJobId;
  for (const job of data.jobs.values()) {
    if (job.job_id < SEEDED.firstGeneratedJobId) continue;
    const latest = data.versions.get(job.versionIds[job.versionIds.length - 1] ?? -1);
    if (!latest || !['TensorFlow', 'PyTorch', 'MindSpore-GPU'].includes(latest.engine.engine_name)) continue;
    if (!rnd.chance(0.5)) continue;
    const running = rnd.chance(0.75);
    const createTime = Math.max(latest.create_time, now - rnd.int(10 * MINUTE, 3 * DAY));
    add({
      job_id: id,
      job_name: `tensorboard-${job.job_name}`.slice(0, 64),
      job_desc: rnd.chance(0.5) ? `TensorBoard for ${job.job_name} ${latest.version_name}` : '',
      status: running ? 8 : 13,
      create_time: createTime,
      duration: running ? null : rnd.int(5 * MINUTE, 4 * HOUR),
      service_path: running ? `/tensorboard/${hex(rnd, 32)}/${id}/` : '',
      train_url: latest.train_url,
      resource_id: `${hex(rnd, 8)}-${hex(rnd, 4)}-${hex(rnd, 4)}-${hex(rnd, 4)}-${hex(rnd, 12)}`,
      workspace_id: '0',
    });
    id++;
  }
}

const CLASSIFICATION_METRICS: Array<[string, number, number]> = [
  ['resolution', 64, 4096],
  ['aspect_ratio', 0.5, 2.5],
  ['brightness', 0, 1],
  ['saturation', 0, 1],
  ['blur_score', 0, 1],
  ['colorfulness', 0, 1],
];
const DETECTION_METRICS: Array<[string, number, number]> = [
  ['bbox_count', 0, 30],
  ['bbox_area_std', 0, 1],
  ['bbox_aspect_ratio', 0.2, 5],
  ['bbox_area_ratio', 0, 1],
  ['bbox_marginalization', 0, 1],
  ['bbox_overlap', 0, 1],
  ['bbox_brightness', 0, 1],
  ['bbox_blur', 0, 1],
];

/**
 * Feature-analysis output. ModelArts documents `result` only as an Object; this is a plausible per-metric layout: the
 * statistics and a ten-bucket distribution for each metric the console's "Data Features" page charts.
 */
export function makeFeatureResult(rnd: Random, kind: SimDataset['kind'], sampleCount: number): unknown {
  const metrics =
    kind === 'object_detection' ? [...CLASSIFICATION_METRICS, ...DETECTION_METRICS] : CLASSIFICATION_METRICS;
  const result: Record<string, unknown> = {};
  for (const [name, lo, hi] of metrics) {
    const centre = rnd.float(0.25, 0.75);
    const spread = rnd.float(0.08, 0.25);
    const weights = Array.from({ length: 10 }, (_, b) =>
      Math.exp(-(((b + 0.5) / 10 - centre) ** 2) / (2 * spread ** 2)),
    );
    const sum = weights.reduce((a, b) => a + b, 0);
    const counts = weights.map((w) => Math.round((w / sum) * sampleCount));
    const width = (hi - lo) / 10;
    const digits = hi - lo >= 10 ? 0 : 3;
    const at = (f: number) => Number((lo + f * (hi - lo)).toFixed(digits));
    result[name] = {
      mean: at(centre),
      std: Number((spread * (hi - lo)).toFixed(3)),
      min: at(Math.max(0, centre - 3 * spread)),
      max: at(Math.min(1, centre + 3 * spread)),
      distribution: counts.map((count, b) => ({
        lower: Number((lo + b * width).toFixed(digits)),
        upper: Number((lo + (b + 1) * width).toFixed(digits)),
        count,
      })),
    };
  }
  return {
    task_type: kind === 'object_detection' ? 'object_detection' : 'image_classification',
    sample_count: sampleCount,
    is_normed: false,
    metrics: result,
  };
}

const TASK_TYPES = [
  ['sys_data_cleaning', 'data cleaning'],
  ['sys_data_augmentation', 'data augmentation'],
  ['sys_data_validation', 'data validation'],
  ['sys_data_selection', 'data selection'],
] as const;

function analysisTemplate(dataset: SimDataset, version: { name: string }): SimProcessorTask['template'] {
  const root = `s3://${dataset.bucket}/classify/output/${dataset.name}-${dataset.id}/annotation`;
  return {
    id: 'sys_data_analyse',
    name: 'data analyse template name',
    operator_params: [
      {
        id: 'sys_data_analyse',
        params: {
          op_list: [],
          task_type: dataset.kind === 'object_detection' ? 'object_detection' : 'image_classification',
          manifest_path: `${root}/${version.name}/${version.name}.manifest`,
          file_path: `${root}/evaluation/${version.name}`,
          is_normed: false,
        },
      },
    ],
  };
}

function processorTasks(rnd: Random, now: number, data: SimData): void {
  const tasks: SimProcessorTask[] = [];
  const docDataset = DATASETS[0]!;
  // The list page's sample, made valid: a completed feature analysis with its result.
  tasks.push({
    task_id: 'ddwRJeTnjpiq4dNUZOq',
    name: 'V001',
    description: '',
    status: 2,
    error_msg: null,
    create_time: 1606372570023,
    duration_seconds: 11,
    data_source: { type: 'DATASET', source: docDataset.id },
    inputs: [{ type: 'DATASET', source: docDataset.id }],
    template: {
      id: 'sys_data_analyse',
      name: 'data analyse template name',
      operator_params: [
        {
          id: 'sys_data_analyse',
          params: {
            op_list: [],
            task_type: 'image_classification',
            manifest_path:
              's3://test-obs/classify/output/dataset-3026-X6c3N3eztX7cr3Arvqu/annotation/V001/V001.manifest',
            file_path: 's3://test-obs/classify/output/dataset-3026-X6c3N3eztX7cr3Arvqu/annotation/evaluation/V001',
            is_normed: false,
          },
        },
      ],
    },
    version_id: 'J4Eh2FDEWH1qnDlD3hQ',
    version_name: 'V001',
    version_count: 1,
    is_current: true,
    work_path: null,
    workspace_id: '0',
    result: makeFeatureResult(rnd.fork('doc-task'), 'image_classification', 1532),
  });
  const taskId = () => rnd.string(19);
  for (const dataset of DATASETS) {
    for (const version of dataset.versions) {
      const source = (): { data_source: SimTaskSource | null; inputs: SimTaskSource[] | null } => {
        const src: SimTaskSource = {
          type: 'DATASET',
          source: dataset.id,
          name: dataset.name,
          version_id: version.id,
          version_name: version.name,
        };
        // Either data_source or inputs is delivered (docs); exercise both.
        return rnd.chance(0.5) ? { data_source: src, inputs: null } : { data_source: null, inputs: [src] };
      };
      if (dataset.kind !== 'tabular') {
        const runs = rnd.int(1, 3);
        for (let r = 0; r < runs; r++) {
          const last = r === runs - 1;
          const roll = rnd.next();
          const status = !last ? 2 : roll < 0.7 ? 2 : roll < 0.85 ? 1 : 3;
          const sampleCount = rnd.int(800, 6000);
          tasks.push({
            task_id: taskId(),
            name: `analyse-${dataset.name}-${version.name}-${r + 1}`,
            description: rnd.chance(0.5) ? `Feature analysis of ${dataset.name} ${version.name}` : '',
            status,
            error_msg: status === 3 ? 'Failed to read manifest: the annotation file is empty.' : null,
            create_time: now - rnd.int(HOUR, 20 * DAY) + r * HOUR,
            duration_seconds: status === 1 ? rnd.int(10, 300) : rnd.int(8, 900),
            ...source(),
            template: analysisTemplate(dataset, version),
            version_id: version.id,
            version_name: version.name,
            version_count: 1,
            is_current: false,
            work_path: {
              type: 'OBS',
              path: `/${dataset.bucket}/${dataset.name}/annotation/evaluation/${version.name}/`,
              name: dataset.name,
              version_id: version.id,
              version_name: version.name,
            },
            workspace_id: '0',
            result: status === 2 ? makeFeatureResult(rnd, dataset.kind, sampleCount) : null,
          });
        }
      }
      for (const [type, label] of TASK_TYPES) {
        if (!rnd.chance(0.35)) continue;
        const status = rnd.pick([2, 2, 2, 1, 3, 4, 0]);
        tasks.push({
          task_id: taskId(),
          name: `${type.replace('sys_data_', '')}-${dataset.name}-${version.name}`,
          description: `${label} of ${dataset.name} ${version.name}`,
          status,
          error_msg: status === 3 ? `${label} failed: operator timed out after 3600 s` : null,
          create_time: now - rnd.int(HOUR, 30 * DAY),
          duration_seconds: status === 0 ? 0 : rnd.int(30, 3600),
          ...source(),
          template: {
            id: type,
            name: `${label} template`,
            operator_params: [
              {
                id: `${type}_op`,
                name: label,
                params: { task_type: 'image_classification', threshold: rnd.pick([0.5, 0.8, 0.9]) },
                advanced_params_switch: false,
              },
            ],
          },
          version_id: version.id,
          version_name: version.name,
          version_count: rnd.int(1, 3),
          is_current: false,
          work_path: {
            type: 'DATASET',
            path: dataset.id,
            name: dataset.name,
            version_id: version.id,
            version_name: version.name,
            output_path: `/datasets/${dataset.name}/${type}`,
          },
          workspace_id: '0',
          result: null,
        });
      }
    }
  }
  // is_current: the newest task of each type per dataset version.
  const newest = new Map<string, SimProcessorTask>();
  for (const t of tasks) {
    const key = `${t.version_id}|${t.template.id}`;
    const seen = newest.get(key);
    if (!seen || seen.create_time < t.create_time) newest.set(key, t);
  }
  for (const t of newest.values()) t.is_current = true;
  for (const t of tasks) data.tasks.set(t.task_id, t);
}

export interface SeedOptions {
  seed: number;
  generatedJobs: number;
  /** Simulator time at start; generated times are relative to it. */
  now: number;
}

export function seedData(options: SeedOptions): SimData {
  const rnd = createRandom(options.seed);
  const data: SimData = { jobs: new Map(), versions: new Map(), configs: [], vizJobs: new Map(), tasks: new Map() };
  const doc = docJob();
  data.jobs.set(doc.job.job_id, doc.job);
  for (const v of doc.versions) data.versions.set(v.version_id, v);
  const sample = allVersionsSampleJob();
  data.jobs.set(sample.job.job_id, sample.job);
  data.versions.set(sample.version.version_id, sample.version);
  generatedJobs(rnd.fork('jobs'), options.generatedJobs, options.now, data);
  data.configs.push(docConfig(), ...generatedConfigs(rnd.fork('configs'), options.now, 14));
  vizJobs(rnd.fork('viz'), options.now, data);
  processorTasks(rnd.fork('tasks'), options.now, data);
  return data;
}
