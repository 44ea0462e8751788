/**
 * Renderer fixtures: the API pages' samples (copied from the docs, made valid and parsed by the API layer's own schemas, so they have the
 * exact shape the renderers get), hostile strings, null-everywhere records and big lists.
 */

import type { JobAlert } from '../../../src/alerts/index.js';
import {
  consoleLinks,
  emptyRun,
  type JobRun,
  type JobVersionStatus,
  type ListedRun,
  listedFromV1StatusRow,
  type ProcessorTask,
  type ProcessorTaskList,
  type RunRef,
  runFromV1Version,
  statusFromKey,
  type TrainingJobConfigList,
  type TrainingJobSummary,
  type TrainingJobVersion,
  type VisualizationJob,
  v2Status,
} from '../../../src/modelarts/index.js';
import { ProcessorTaskListSchema } from '../../../src/modelarts/resources/processor-tasks.js';
import { TrainingJobConfigListSchema } from '../../../src/modelarts/resources/training-job-configs.js';
import {
  JobVersionStatusListSchema,
  TrainingJobVersionSchema,
} from '../../../src/modelarts/resources/training-jobs.js';
import { VisualizationJobSchema } from '../../../src/modelarts/resources/visualization-jobs.js';
import type { RenderContext } from '../../../src/slack/blocks/index.js';
import type { Watch } from '../../../src/store/types.js';

export const CONSOLE = 'https://console.example.com/modelarts/';
export const TENSORBOARD = 'https://tb.example.com/modelarts2/tensorboard/';

export function ctxAt(iso: string, extra: Partial<RenderContext> = {}): RenderContext {
  return { now: new Date(iso), timeZone: 'Europe/Berlin', projectId: 'eu-de_ml', ...extra };
}

/** Console links as an operator might configure them (templates), for stable snapshots. */
export const LINKS = consoleLinks({
  endpoint: 'https://modelarts.eu-de.otc.t-systems.com',
  projectId: 'eu-de_ml',
  v1Template: `${CONSOLE}?region={region}#/trainingJobs/{job_id}/versions/{version_id}`,
  v2Template: `${CONSOLE}?region={region}#/training/detail/{job_id}`,
});

/** A v1 version record as the use cases hand it to renderers: mapped, with its console link. */
export function asRun(version: TrainingJobVersion): JobRun {
  return LINKS.withConsoleUrl(runFromV1Version(version));
}

/** All-versions rows as lists get them. */
export function listed(rows: readonly JobVersionStatus[]): ListedRun[] {
  return rows.map(listedFromV1StatusRow);
}

export const V2_JOB = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';

/** A v2 job as the v2 mapper will hand it over (phase, secondary phase, NPUs, its own TensorBoard). */
export function v2Run(phase = 'Running', secondary: string | null = null): JobRun {
  const ref: RunRef = { api: 'v2', jobId: V2_JOB };
  const status = v2Status(phase, secondary);
  return LINKS.withConsoleUrl({
    ...emptyRun(ref, status),
    name: 'bert-finetune',
    owner: 'alice',
    createdAt: 1563172000000,
    startedAt: 1563172362000,
    durationMs: 3_000_000,
    engine: 'PyTorch 1.11.0',
    resources: {
      flavor: 'modelarts.kat1.8xlarge',
      flavorName: 'Ascend: 8 * ascend-snt9',
      nodes: 2,
      accelerators: { kind: 'NPU', count: 16, type: 'ascend-snt9' },
      cpuCores: 192,
      memoryBytes: 720e9,
      pool: null,
    },
    tasks: ['worker-0', 'worker-1'],
    tensorboardUrl: 'https://tb.example.com/v2/bert/',
  });
}

/** Three hours after the doc job version started (15 Jul 2019 08:32 Berlin). */
export const CTX = ctxAt('2019-07-15T09:35:00Z');

/** The version-detail page's sample (its `"engine_type": ,` and `"spec_code": ,` holes made null). */
export const docVersion: TrainingJobVersion = TrainingJobVersionSchema.parse({
  is_success: true,
  job_id: 10,
  job_name: 'TestModelArtsJob',
  job_desc: 'TestModelArtsJob desc',
  version_id: 10,
  version_name: 'jobVersion',
  pre_version_id: 5,
  engine_type: null,
  engine_name: 'TensorFlow',
  engine_id: 1,
  engine_version: 'TF-1.4.0-python2.7',
  status: 10,
  app_url: '/usr/app/',
  boot_file_url: '/usr/app/boot.py',
  create_time: 1524189990635,
  parameter: [
    {
      label: 'learning_rate',
      value: 0.01,
    },
  ],
  duration: 532003,
  spec_id: 1,
  core: 2,
  cpu: 8,
  gpu_num: 2,
  gpu_type: 'P100',
  worker_server_num: 1,
  data_url: '/usr/data/',
  train_url: '/usr/train/',
  log_url: '/usr/log/',
  dataset_version_id: '2ff0d6ba-c480-45ae-be41-09a8369bfc90',
  dataset_id: '38277e62-9e59-48f4-8d89-c8cf41622c24',
  data_source: [
    {
      type: 'obs',
      data_url: '/qianjiajun-test/minst/data/',
    },
  ],
  user_image_url: '100.125.5.235:20202/jobmng/custom-cpu-base:1.0',
  user_command:
    'bash -x /home/work/run_train.sh python /home/work/user-job-dir/app/mnist/mnist_softmax.py --data_url /home/work/user-job-dir/app/mnist_data',
  model_id: 1,
  model_metric_list:
    '{"metric":[{"metric_values":{"recall":0.005833,"precision":0.000178,"accuracy":0.000937},"reserved_data":{},"metric_meta":{"class_name":0,"class_id":0}}],"total_metric":{"total_metric_meta":{},"total_reserved_data":{},"total_metric_values":{"recall":0.005833,"id":0,"precision":0.000178,"accuracy":0.000937}}}',
  system_metric_list: {
    cpuUsage: ['0', '3.10', '5.76', '0', '0', '0', '0'],
    memUsage: ['0', '0.77', '2.09', '0', '0', '0', '0'],
    gpuUtil: ['0', '0.25', '0.88', '0', '0', '0', '0'],
    gpuMemUsage: ['0', '0.65', '6.01', '0', '0', '0', '0'],
    diskReadRate: ['0', '91811.07', '38846.63', '0', '0', '0', '0'],
    diskWriteRate: ['0', '2.23', '0.94', '0', '0', '0', '0'],
    recvBytesRate: ['0', '5770405.50', '2980077.75', '0', '0', '0', '0'],
    sendBytesRate: ['0', '12607.17', '10487410.00', '0', '0', '0', '0'],
    interval: 1,
  },
  dataset_name: 'dataset-test',
  dataset_version_name: 'dataset-version-test',
  spec_code: null,
  start_time: 1563172362000,
  volumes: [
    {
      nfs: {
        id: '43b37236-9afa-4855-8174-32254b9562e7',
        src_path: '192.168.8.150:/',
        dest_path: '/home/work/nas',
        read_only: false,
      },
    },
    {
      host_path: {
        src_path: '/root/work',
        dest_path: '/home/mind',
        read_only: false,
      },
    },
  ],
  pool_id: 'pool9928813f',
  pool_name: 'p100',
  nas_mount_path: '/home/work/nas',
  nas_share_addr: '192.168.8.150:/',
  nas_type: 'nfs',
});

export const docVersionStatuses: JobVersionStatus[] = JobVersionStatusListSchema.parse({
  versions: [
    {
      version_id: 1485,
      version_name: 'trainjob-3f47',
      status: 12,
      create_time: 1557473030000,
      start_time: 1557473040000,
      end_time: 1557473093000,
      duration: 53000,
      version_desc: null,
      pool_id: 'pool9928813f',
      flavor_code: 'modelarts.p1.2xlarge',
      npu_num: 0,
      gpu_num: 1,
    },
  ],
  offset: 20,
  limit: 20,
  total_count: 1,
  is_success: true,
}).versions;

export const docConfigs: TrainingJobConfigList = TrainingJobConfigListSchema.parse({
  is_success: true,
  config_total_count: 3,
  configs: [
    {
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
    },
  ],
});

export const docViz: VisualizationJob = VisualizationJobSchema.parse({
  duration: 33000,
  service_url: 'https://tb.example.com/modelarts2/tensorboard/04f679b17380d32a2f32c00335c4b5ba/197/',
  job_name: 'apiTest-11',
  create_time: 1565149736000,
  train_url: '/wph-test/zl-test/Flowers-Set/ApiTest/',
  job_id: 197,
  job_desc: 'ModelArts API Dialtest',
  resource_id: 'e17dd874-b5e0-4e9b-aaf0-22b045ad8571',
  remaining_duration: null,
  is_success: true,
  status: 7,
});

export const docTasks: ProcessorTaskList = ProcessorTaskListSchema.parse({
  count: 1,
  tasks: [
    {
      task_id: 'ddwRJeTnjpiq4dNUZOq',
      name: 'V001',
      data_source: {
        type: 'DATASET',
        source: 'X6c3N3eztX7cr3Arvqu',
      },
      inputs: [
        {
          type: 'DATASET',
          source: 'X6c3N3eztX7cr3Arvqu',
        },
      ],
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
      status: 2,
      duration_seconds: 11,
      create_time: 1606372570023,
      version_id: 'J4Eh2FDEWH1qnDlD3hQ',
      version_name: 'V001',
      is_current: true,
    },
  ],
});

/** A plausible feature-analysis result (the API documents `result` only as Object). */
export const featureResult = {
  task_type: 'image_classification',
  sample_count: 1532,
  is_normed: false,
  metrics: {
    brightness: {
      mean: 0.48,
      std: 0.12,
      min: 0.12,
      max: 0.85,
      distribution: Array.from({ length: 10 }, (_, b) => ({
        lower: b / 10,
        upper: (b + 1) / 10,
        count: [3, 20, 90, 240, 410, 380, 250, 100, 30, 9][b],
      })),
    },
    resolution: { mean: 1024, std: 300, min: 128, max: 4096 },
    aspect_ratio: { mean: 1.33, std: 0.2 },
  },
};

export const analysisTask: ProcessorTask = {
  ...(docTasks.tasks[0] as ProcessorTask),
  task_id: 'featAnalysis001',
  description: 'Feature analysis of flowers V001',
  result: featureResult,
};

export const failedTask: ProcessorTask = {
  ...(docTasks.tasks[0] as ProcessorTask),
  task_id: 'cleaningFailed01',
  name: 'clean-flowers',
  status: 3,
  task_type: 'sys_data_cleaning',
  template: null,
  error_msg: 'OBS path s3://test-obs/classify/ does not exist',
  result: null,
};

export const docJobSummaries: TrainingJobSummary[] = [
  {
    job_id: 10,
    job_name: 'TestModelArtsJob',
    version_id: 10,
    status: 10,
    create_time: 1524189990635,
    duration: 532003,
    job_desc: 'TestModelArtsJob desc',
    version_count: 3,
  },
];

// --- hostile data -------------------------------------------------------------------------------------------------

export const LONG = 'x'.repeat(5000);
export const HOSTILE_STRINGS = [
  '<!channel>',
  '<!here|here> <!everyone>',
  '<@U123> <@W999|bob>',
  '<#C123|general>',
  '*bold* _italic_ ~strike~ `code`',
  '&amp; &lt; &gt; & < >',
  '```fence``` `` ` ',
  '> quoted\n> again',
  '<https://evil.example/phish|Click me>',
  `${'名'.repeat(2000)}`,
  'مرحبا \u202eevil\u202c שלום',
  '👩‍👩‍👧‍👦'.repeat(700),
  'a\uD83Db\uDC00',
  '\u0000\u0007\u001b[31m',
  'line1\nline2\r\nline3',
  LONG,
] as const;

/** One string carrying every trick at once, long. */
export const HOSTILE = `<!channel> <@U123> *bold* _it_ \`tick\` &amp; <https://evil.example|x> 👩‍👩‍👧‍👦 \u202e ${LONG}`;

export function hostileVersion(): TrainingJobVersion {
  return {
    ...docVersion,
    job_name: HOSTILE,
    version_name: '<@U123>',
    job_desc: '&amp; <b>bold</b> *yes*',
    engine_name: '<!here>',
    engine_version: LONG,
    app_url: '`/app`',
    boot_file_url: '```boot```',
    train_url: '/out/<!channel>/|>',
    log_url: `/log/${LONG}`,
    data_url: '<@U123>',
    data_source: [
      { type: '<!channel>', data_url: '`oops`' },
      { dataset_id: '<@U123>', dataset_version: HOSTILE },
      { '<!here>': '<!everyone>', weird: { nested: true } },
      { type: 'obs', data_url: '/a' },
      { type: 'obs', data_url: '/b' },
    ],
    dataset_name: HOSTILE,
    dataset_version_name: '<!channel>',
    gpu_type: '<!channel>',
    pool_name: HOSTILE,
    spec_code: '<@U123>',
    core: HOSTILE,
    cpu: '<!here>',
    parameter: Array.from({ length: 1000 }, (_, i) => ({ label: `<!channel>${i}`, value: HOSTILE })),
    user_image_url: '<https://evil.example|img>',
    user_command: `\`rm -rf\` ${LONG}`,
    model_metric_list: {
      total: { accuracy: 0.9876, precision: Number.MAX_VALUE, recall: -3, f1_score: 1e-9 },
      classes: Array.from({ length: 1000 }, (_, i) => ({
        class_name: i % 2 ? `<!channel> ${i}` : null,
        class_id: i,
        accuracy: i / 1000,
      })),
    },
    system_metric_list: {
      series: Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [
          i === 0 ? 'cpuUsage' : `<!channel>${i}`,
          Array.from({ length: 5000 }, (_, j) => (j * 7919) % 101),
        ]),
      ),
      interval: 1,
    },
  };
}

/** Every nullable field null, every array empty, an unknown status. */
export function nullVersion(status = 99): TrainingJobVersion {
  return {
    job_id: 42,
    job_name: null,
    job_desc: null,
    version_id: 7,
    version_name: null,
    pre_version_id: null,
    status,
    create_time: null,
    start_time: null,
    duration: null,
    engine_type: null,
    engine_name: null,
    engine_id: null,
    engine_version: null,
    app_url: null,
    boot_file_url: null,
    data_url: null,
    train_url: null,
    log_url: null,
    data_source: [],
    dataset_id: null,
    dataset_version_id: null,
    dataset_name: null,
    dataset_version_name: null,
    spec_id: null,
    spec_code: null,
    core: null,
    cpu: null,
    gpu_num: null,
    gpu_type: null,
    worker_server_num: null,
    pool_id: null,
    pool_name: null,
    parameter: [],
    user_image_url: null,
    user_command: null,
    model_id: null,
    model_metric_list: null,
    system_metric_list: null,
    resource_id: null,
  };
}

export function versionStatusRows(count: number, base = 1_563_000_000_000): JobVersionStatus[] {
  return Array.from({ length: count }, (_, i) => ({
    version_id: 1000 + i,
    version_name: `V${String(i).padStart(4, '0')}`,
    job_id: 100 + Math.floor(i / 3),
    job_name: `job-${Math.floor(i / 3)}`,
    status: [8, 7, 10, 11, 12, 1, 99][i % 7] as number,
    create_time: base + i * 60_000,
    start_time: i % 7 === 1 ? null : base + i * 60_000 + 30_000,
    end_time: [2, 3, 4].includes(i % 7) ? base + i * 60_000 + 3_600_000 : null,
    duration: [2, 3, 4].includes(i % 7) ? 3_570_000 : null,
    version_desc: i % 5 === 0 ? `run ${i}` : null,
    pool_id: 'pool9928813f',
    flavor_code: 'modelarts.p3.8xlarge',
    // An Ascend job every fourth row: NPUs instead of GPUs, as ModelArts reports them.
    npu_num: i % 4 === 0 ? 2 : 0,
    gpu_num: i % 4 === 0 ? 0 : 8,
  }));
}

export function hostileStatusRow(i: number): JobVersionStatus {
  return {
    version_id: i,
    version_name: HOSTILE,
    job_id: null,
    job_name: i % 2 ? '<!channel>' : null,
    status: i,
    create_time: Number.MAX_SAFE_INTEGER,
    start_time: -1,
    end_time: null,
    duration: 1e300,
    version_desc: HOSTILE,
    pool_id: '<@U123>',
    flavor_code: HOSTILE,
    npu_num: 1e12,
    gpu_num: -5,
  };
}

export function watch(id: number, overrides: Partial<Watch> = {}): Watch {
  return {
    id,
    teamId: 'T0001',
    channelId: 'C0GENERAL',
    projectId: 'eu-de_ml',
    creatorUserId: 'UALICE01',
    target: { kind: 'run', jobId: '10', versionId: String(id) },
    filter: 'default',
    createdAt: new Date('2019-07-14T08:00:00Z'),
    endedAt: null,
    disabledAt: null,
    disabledReason: null,
    lastStatus: '8',
    ...overrides,
  };
}

export const sampleWatches: Watch[] = [
  watch(1),
  watch(2, { target: { kind: 'job', jobId: '10' }, filter: 'failed', lastStatus: null, creatorUserId: 'UBOB0002' }),
  watch(3, { target: { kind: 'project' }, filter: 'default', lastStatus: '11' }),
  watch(4, {
    disabledAt: new Date('2019-07-15T07:00:00Z'),
    disabledReason: 'channel_not_found: the channel was deleted or made private',
  }),
  watch(5, { endedAt: new Date('2019-07-15T09:00:00Z'), lastStatus: '10' }),
  watch(6, { target: { kind: 'run', jobId: V2_JOB, versionId: null }, lastStatus: 'Failed' }),
];

export function hostileWatch(id: number): Watch {
  return watch(id, {
    creatorUserId: '<!channel>',
    channelId: '<#C123>',
    projectId: HOSTILE,
    target: id % 3 === 0 ? { kind: 'job', jobId: HOSTILE } : { kind: 'run', jobId: '<@U123>', versionId: HOSTILE },
    disabledAt: id % 2 ? new Date(Number.NaN) : null,
    disabledReason: HOSTILE,
    lastStatus: id % 2 ? '99' : HOSTILE,
  });
}

type AlertOverrides = Partial<Omit<JobAlert, 'run'>> & { run?: Partial<JobRun> };

export function alertFor(status: number | string, overrides: AlertOverrides = {}): JobAlert {
  const runStatus = statusFromKey(String(status));
  const { run: runOverrides, ...rest } = overrides;
  const ended = runStatus.terminal;
  const run: JobRun = LINKS.withConsoleUrl({
    ...emptyRun({ api: 'v1', jobId: '10', versionId: '10' }, runStatus),
    name: 'resnet50-imagenet',
    versionName: 'V0003',
    createdAt: 1563172000000,
    startedAt: 1563172362000,
    durationMs: ended ? 7_440_000 : null,
    engine: 'PyTorch 1.8',
    resources: {
      ...emptyRun({ api: 'v1', jobId: '10', versionId: '10' }, runStatus).resources,
      flavor: 'modelarts.p3.8xlarge',
      accelerators: { kind: 'GPU', count: 8, type: null },
    },
    modelMetrics: runStatus.category === 'succeeded' ? asRun(docVersion).modelMetrics : null,
    ...runOverrides,
  });
  return {
    projectId: 'eu-de_ml',
    run,
    previousStatus: '8',
    logTail:
      runStatus.category === 'failed'
        ? [
            'Epoch 3/90 loss=2.31',
            'Traceback (most recent call last):',
            '  File "train.py", line 88, in <module>',
            'RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB',
          ]
        : null,
    creatorUserId: 'UALICE01',
    watchId: 7,
    event: ended ? 'terminal' : 'status',
    ...rest,
  };
}

/** An alert about a v2 job. */
export function v2AlertFor(phase: string, secondary: string | null = null): JobAlert {
  return { ...alertFor(phase), run: v2Run(phase, secondary) };
}

export function hostileAlert(status: number): JobAlert {
  const base = alertFor(status);
  return alertFor(status, {
    projectId: HOSTILE,
    run: {
      name: HOSTILE,
      versionName: '<@U123>',
      engine: HOSTILE,
      image: HOSTILE,
      resources: {
        ...base.run.resources,
        flavor: '<!here>',
        pool: HOSTILE,
        accelerators: { kind: 'GPU', count: 1e300, type: HOSTILE },
      },
      durationMs: Number.MAX_VALUE,
      startedAt: -5,
      createdAt: Number.NaN,
      modelMetrics: asRun(hostileVersion()).modelMetrics,
    },
    logTail: Array.from({ length: 5000 }, (_, i) => `${HOSTILE_STRINGS[i % HOSTILE_STRINGS.length]} \`\`\` line ${i}`),
    creatorUserId: '<!channel>',
    watchId: -1,
  });
}
