/**
 * Factories for realistic records. Everything is drawn from a seeded Random so a seed always yields the same project.
 */
import {
  DATASETS,
  ENGINES,
  type EngineKey,
  FAILURE_REASONS,
  FLAVORS,
  flavorsFor,
  MODEL_FAMILIES,
  poolsFor,
  type SimDataset,
} from './catalog.js';
import type { SimEngine, SimFlavor, SimJob, SimModelMetrics, SimPool, SimSystemMetrics, SimVersion } from './model.js';
import { createRandom, type Random } from './random.js';

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function makeModelMetrics(rnd: Random, labels: readonly string[], withF1: boolean): SimModelMetrics {
  const base = rnd.float(0.62, 0.97);
  const classes = labels.map((label, i) => {
    const precision = round(Math.min(0.999, Math.max(0.05, base + rnd.float(-0.12, 0.06))), 6);
    const recall = round(Math.min(0.999, Math.max(0.05, base + rnd.float(-0.12, 0.06))), 6);
    const accuracy = round(Math.min(0.999, Math.max(0.05, base + rnd.float(-0.05, 0.04))), 6);
    return { class_name: label, class_id: i, values: { recall, precision, accuracy } };
  });
  const avg = (key: 'recall' | 'precision' | 'accuracy') =>
    round(classes.reduce((s, c) => s + (c.values[key] ?? 0), 0) / Math.max(1, classes.length), 6);
  const precision = avg('precision');
  const recall = avg('recall');
  const total: SimModelMetrics['total'] = { recall, precision, accuracy: avg('accuracy') };
  if (withF1) total.f1_score = round((2 * precision * recall) / Math.max(1e-9, precision + recall), 6);
  return { classes, total };
}

/** Monitoring series as ModelArts sends them: numeric strings, one point per interval. */
export function makeSystemMetrics(rnd: Random, flavor: SimFlavor, points = 12): SimSystemMetrics {
  const series = (lo: number, hi: number, digits = 2): string[] => {
    let v = rnd.float(lo, hi);
    const out: string[] = [];
    for (let i = 0; i < points; i++) {
      v = Math.min(hi, Math.max(lo, v + rnd.float(-(hi - lo) / 6, (hi - lo) / 6)));
      out.push(i === 0 ? '0' : v.toFixed(digits));
    }
    return out;
  };
  const hasGpu = flavor.gpu_num > 0;
  return {
    series: {
      cpuUsage: series(5, 95),
      memUsage: series(1, 60),
      gpuUtil: hasGpu ? series(20, 100) : series(0, 0),
      gpuMemUsage: hasGpu ? series(10, 90) : series(0, 0),
      diskReadRate: series(1_000, 120_000),
      diskWriteRate: series(0.5, 40),
      recvBytesRate: series(100_000, 9_000_000),
      sendBytesRate: series(5_000, 12_000_000),
    },
    interval: 1,
  };
}

/** The version's model metrics: stored ones, or derived from its seed (the same every time). */
export function modelMetricsOf(v: SimVersion): SimModelMetrics | null {
  if (v.modelMetrics !== undefined) return v.modelMetrics;
  if (v.labels.length === 0) return null;
  const rnd = createRandom(v.metricsSeed);
  return makeModelMetrics(rnd, v.labels, rnd.chance(0.5));
}

export function systemMetricsOf(v: SimVersion): SimSystemMetrics | null {
  if (v.systemMetrics !== undefined) return v.systemMetrics;
  return makeSystemMetrics(createRandom(v.metricsSeed ^ 0x5bd1e995), v.flavor);
}

export interface VersionPlan {
  status: number;
  createTime: number;
  /** 0 = not started. */
  startTime: number;
  /** 0 = not finished. */
  endTime: number;
  engine?: SimEngine | undefined;
  flavor?: SimFlavor | undefined;
  pool?: SimPool | null | undefined;
  dataset?: SimDataset | undefined;
  trainUrl?: string | undefined;
}

export interface JobTheme {
  family: string;
  engine: SimEngine;
  dataset: SimDataset;
  bucket: string;
}

export function pickTheme(rnd: Random): JobTheme {
  const family = rnd.pick(MODEL_FAMILIES);
  const engineKey: EngineKey = rnd.pick(family.engines);
  const kind = rnd.pick(family.datasetKinds);
  const dataset = rnd.pick(DATASETS.filter((d) => d.kind === kind));
  return { family: family.name, engine: ENGINES[engineKey], dataset, bucket: dataset.bucket };
}

export function makeVersion(
  rnd: Random,
  job: SimJob,
  theme: JobTheme,
  versionId: number,
  preVersionId: number,
  ordinal: number,
  plan: VersionPlan,
): SimVersion {
  const engine = plan.engine ?? theme.engine;
  const flavor: SimFlavor = plan.flavor ?? FLAVORS[rnd.pick(flavorsFor(engine))];
  const pool = plan.pool !== undefined ? plan.pool : rnd.pick(poolsFor(flavor));
  const dataset = plan.dataset ?? theme.dataset;
  const datasetVersion = rnd.pick(dataset.versions);
  const versionName = `V${String(ordinal).padStart(4, '0')}`;
  const root = `/${theme.bucket}/${job.job_name}`;
  const appUrl = `${root}/code/`;
  const custom = engine.engine_name === 'Custom';
  const workers = flavor.gpu_num >= 4 && rnd.chance(0.4) ? rnd.int(2, 4) : 1;
  const learningRate = rnd.pick([0.1, 0.01, 0.001, 0.0005, 0.0001]);
  const fromDataset = rnd.chance(0.6);
  const labels = dataset.labels;
  return {
    job_id: job.job_id,
    version_id: versionId,
    version_name: versionName,
    version_desc: rnd.chance(0.5) ? `${theme.family} on ${dataset.name} ${datasetVersion.name}` : null,
    pre_version_id: preVersionId,
    status: plan.status,
    create_time: plan.createTime,
    start_time: plan.startTime,
    end_time: plan.endTime,
    engine,
    flavor,
    worker_server_num: workers,
    pool,
    app_url: appUrl,
    boot_file_url: `${appUrl}train.py`,
    data_url: `/${dataset.bucket}/datasets/${dataset.name}/${datasetVersion.name}/`,
    train_url: plan.trainUrl ?? `${root}/output/${versionName}/`,
    log_url: `${root}/log/`,
    data_source: fromDataset
      ? [{ type: 'dataset', dataset_id: dataset.id, dataset_version: datasetVersion.id }]
      : [{ type: 'obs', data_url: `/${dataset.bucket}/datasets/${dataset.name}/${datasetVersion.name}/` }],
    dataset_id: fromDataset ? dataset.id : null,
    dataset_version_id: fromDataset ? datasetVersion.id : null,
    dataset_name: fromDataset ? dataset.name : null,
    dataset_version_name: fromDataset ? datasetVersion.name : null,
    parameter: [
      { label: 'learning_rate', value: learningRate },
      { label: 'batch_size', value: rnd.pick([16, 32, 64, 128]) },
      { label: 'max_epochs', value: rnd.pick([10, 20, 50, 100]) },
      { label: 'optimizer', value: rnd.pick(['adam', 'sgd', 'rmsprop']) },
    ],
    user_image_url: custom
      ? `swr.eu-de.otc.t-systems.com/ml-team/${theme.family}:${rnd.int(1, 9)}.${rnd.int(0, 9)}`
      : null,
    user_command: custom
      ? `bash -x /home/work/run_train.sh python /home/work/user-job-dir/code/train.py --data_url ${appUrl} --lr ${learningRate}`
      : null,
    model_id: rnd.int(1, 500),
    resource_id: `${rnd.string(8, '0123456789abcdef')}-${rnd.string(4, '0123456789abcdef')}-${rnd.string(4, '0123456789abcdef')}-${rnd.string(4, '0123456789abcdef')}-${rnd.string(12, '0123456789abcdef')}`,
    metricsSeed: rnd.int(1, 2 ** 31 - 1),
    labels,
    extra: {},
    failureReason: rnd.pick(FAILURE_REASONS),
    logSeed: rnd.int(1, 2 ** 31 - 1),
    schedule: [],
    scheduleToken: 0,
  };
}

const NAME_SUFFIX = '0123456789abcdef';

export function makeJobName(rnd: Random, theme: JobTheme): string {
  const styles = [
    () => `${theme.family}-${theme.dataset.name}`,
    () => `trainjob-${rnd.string(4, NAME_SUFFIX)}`,
    () => `${theme.family}-${rnd.string(4, NAME_SUFFIX)}`,
  ];
  return rnd.pick(styles)();
}
