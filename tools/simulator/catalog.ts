/**
 * What a ModelArts project offers: engines, flavors, pools, datasets, label sets. The first entries are the values the
 * API pages use in their samples, so seeded data looks like the docs.
 */
import type { SimEngine, SimFlavor, SimPool } from './model.js';

export const ENGINES = {
  tf14: { engine_type: 1, engine_name: 'TensorFlow', engine_id: 1, engine_version: 'TF-1.4.0-python2.7' },
  tf21: { engine_type: 1, engine_name: 'TensorFlow', engine_id: 4, engine_version: 'TF-2.1.0-python3.6' },
  torch18: { engine_type: 9, engine_name: 'PyTorch', engine_id: 122, engine_version: 'PyTorch-1.8.0-python3.7' },
  torch14: { engine_type: 9, engine_name: 'PyTorch', engine_id: 123, engine_version: 'PyTorch-1.4.0-python3.6' },
  mindsporeGpu: {
    engine_type: 14,
    engine_name: 'MindSpore-GPU',
    engine_id: 124,
    engine_version: 'MindSpore-1.2.0-python3.7',
  },
  ascend: {
    engine_type: 13,
    engine_name: 'Ascend-Powered-Engine',
    engine_id: 121,
    engine_version: 'Mindspore-1.3.0-python3.7-aarch64',
  },
  xgboost: {
    engine_type: 6,
    engine_name: 'XGBoost-Sklearn',
    engine_id: 21,
    engine_version: 'XGBoost-0.80-Sklearn-0.18.1-python2.7',
  },
  spark: { engine_type: 4, engine_name: 'Spark_MLlib', engine_id: 11, engine_version: 'Spark-2.3.2-python3.7' },
  sklearn: {
    engine_type: 5,
    engine_name: 'Scikit_Learn',
    engine_id: 31,
    engine_version: 'Scikit_Learn-0.18.1-python3.6',
  },
  custom: { engine_type: 0, engine_name: 'Custom', engine_id: 999, engine_version: 'custom-image' },
} as const satisfies Record<string, SimEngine>;

export type EngineKey = keyof typeof ENGINES;

export const FLAVORS = {
  p1x2: {
    spec_id: 1,
    spec_code: 'modelarts.p1.4xlarge',
    core: 2,
    cpu: 8,
    gpu_num: 2,
    gpu_type: 'P100',
    npu_num: 0,
  },
  p1: { spec_id: 2, spec_code: 'modelarts.p1.2xlarge', core: 8, cpu: 64, gpu_num: 1, gpu_type: 'P100', npu_num: 0 },
  cpu8: { spec_id: 3, spec_code: 'modelarts.vm.cpu.8u', core: 8, cpu: 32, gpu_num: 0, gpu_type: null, npu_num: 0 },
  cpu2: { spec_id: 9, spec_code: 'modelarts.vm.cpu.2u', core: 2, cpu: 8, gpu_num: 0, gpu_type: null, npu_num: 0 },
  v100: { spec_id: 4, spec_code: 'modelarts.p3.large', core: 8, cpu: 64, gpu_num: 1, gpu_type: 'V100', npu_num: 0 },
  v100x4: {
    spec_id: 5,
    spec_code: 'modelarts.p3.4xlarge',
    core: 32,
    cpu: 256,
    gpu_num: 4,
    gpu_type: 'V100',
    npu_num: 0,
  },
  v100x8: {
    spec_id: 6,
    spec_code: 'modelarts.bm.gpu.8v100',
    core: 72,
    cpu: 512,
    gpu_num: 8,
    gpu_type: 'V100',
    npu_num: 0,
  },
  ascend1: {
    spec_id: 7,
    spec_code: 'modelarts.kat1.xlarge',
    core: 24,
    cpu: 96,
    gpu_num: 0,
    gpu_type: null,
    npu_num: 1,
  },
  ascend8: {
    spec_id: 8,
    spec_code: 'modelarts.kat1.8xlarge',
    core: 192,
    cpu: 720,
    gpu_num: 0,
    gpu_type: null,
    npu_num: 8,
  },
} as const satisfies Record<string, SimFlavor>;

export type FlavorKey = keyof typeof FLAVORS;

export const POOLS = {
  p100: { pool_id: 'pool9928813f', pool_name: 'p100' },
  v100: { pool_id: 'poolf3c1a9d2', pool_name: 'v100-dedicated' },
  ascend: { pool_id: 'pool7a0b5e11', pool_name: 'ascend-pool' },
} as const satisfies Record<string, SimPool>;

/** Which flavors and pools suit an engine; the public pool (null) is always possible. */
export function flavorsFor(engine: SimEngine): FlavorKey[] {
  if (engine.engine_type === 13) return ['ascend1', 'ascend8'];
  if (['Spark_MLlib', 'Scikit_Learn', 'XGBoost-Sklearn'].includes(engine.engine_name)) return ['cpu8', 'cpu2'];
  return ['p1', 'p1x2', 'v100', 'v100x4', 'v100x8', 'cpu8'];
}

export function poolsFor(flavor: SimFlavor): Array<SimPool | null> {
  if (flavor.npu_num > 0) return [POOLS.ascend, null];
  if (flavor.gpu_type === 'P100') return [POOLS.p100, null];
  if (flavor.gpu_type === 'V100') return [POOLS.v100, null, null];
  return [null];
}

export interface SimDataset {
  id: string;
  name: string;
  bucket: string;
  kind: 'image_classification' | 'object_detection' | 'tabular';
  labels: string[];
  versions: Array<{ id: string; name: string }>;
}

export const DATASETS: SimDataset[] = [
  {
    // The processor-task page's sample dataset and its two versions.
    id: 'X6c3N3eztX7cr3Arvqu',
    name: 'dataset-3026',
    bucket: 'test-obs',
    kind: 'image_classification',
    labels: ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips'],
    versions: [
      { id: 'J4Eh2FDEWH1qnDlD3hQ', name: 'V001' },
      { id: 'XwTuRqI9En7xuZskW70', name: 'V002' },
    ],
  },
  {
    id: 'gT5kP0aZq8RrLm2vYc1',
    name: 'traffic-signs',
    bucket: 'ml-vision',
    kind: 'object_detection',
    labels: ['stop', 'yield', 'speed_limit', 'no_entry'],
    versions: [
      { id: 'Hq3Ld9sVb0PwX7eKm2a', name: 'V001' },
      { id: 'Nc8Rt1yUo5GjZ4iQw6d', name: 'V002' },
      { id: 'Pz2Fx7kLs9AbE3nMv0h', name: 'V003' },
    ],
  },
  {
    id: 'Wd4Jm8cQv2TyB6rLp0s',
    name: 'customer-churn',
    bucket: 'ml-tabular',
    kind: 'tabular',
    labels: ['stay', 'churn'],
    versions: [{ id: 'Ky7Ha3uZx5DmS1wCe9f', name: 'V001' }],
  },
  {
    id: 'Rb1Vn6gTe4MzC8xUk3q',
    name: 'cifar10-mirror',
    bucket: 'ml-vision',
    kind: 'image_classification',
    labels: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
    versions: [
      { id: 'Lt9Qp2wYa6NfJ0cRs4b', name: 'V001' },
      { id: 'Ue5Gk1zXm7HvD3oTq8n', name: 'V002' },
    ],
  },
];

export const MODEL_FAMILIES: Array<{ name: string; engines: EngineKey[]; datasetKinds: SimDataset['kind'][] }> = [
  { name: 'resnet50', engines: ['tf21', 'torch18', 'mindsporeGpu'], datasetKinds: ['image_classification'] },
  { name: 'mobilenet-v2', engines: ['tf21', 'tf14', 'ascend'], datasetKinds: ['image_classification'] },
  { name: 'efficientnet-b0', engines: ['torch18', 'custom'], datasetKinds: ['image_classification'] },
  { name: 'yolov5', engines: ['torch18', 'torch14', 'custom'], datasetKinds: ['object_detection'] },
  { name: 'faster-rcnn', engines: ['tf21', 'ascend'], datasetKinds: ['object_detection'] },
  { name: 'xgboost', engines: ['xgboost'], datasetKinds: ['tabular'] },
  { name: 'random-forest', engines: ['sklearn', 'spark'], datasetKinds: ['tabular'] },
  { name: 'bert-finetune', engines: ['torch18', 'mindsporeGpu', 'custom'], datasetKinds: ['tabular'] },
];

export const FAILURE_REASONS = [
  'RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.78 GiB total capacity; 13.12 GiB already allocated)',
  "FileNotFoundError: [Errno 2] No such file or directory: '/home/work/user-job-dir/data/train.csv'",
  "ModuleNotFoundError: No module named 'timm'",
  'ValueError: Expected input batch_size (64) to match target batch_size (32).',
  'obs.ObsException: 403 Forbidden: AccessDenied when reading the data_url',
  'Killed: the process exceeded the memory limit of the flavor (OOMKilled)',
] as const;
