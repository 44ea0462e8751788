/** v2 flavors, engines and failures, modelled on the reference's samples (notes v2 §4). */
import type { SimV2Engine, SimV2Failure, SimV2Flavor } from './model.js';

const vnt1 = { product_name: 'GP-Vnt1', memory: '32GB' };
const ascend = { product_name: 'Ascend-910', memory: '32GB' };

export const V2_FLAVORS = {
  cpu8: {
    flavor_id: 'modelarts.vm.cpu.8u',
    flavor_name: 'Computing CPU(8U) instance',
    flavor_type: 'CPU',
    cpu: { arch: 'x86', core_num: 8 },
    memory_gb: 32,
  },
  gpu1: {
    flavor_id: 'modelarts.p3.large.public',
    flavor_name: 'Computing GPU(Vnt1) instance',
    flavor_type: 'GPU',
    cpu: { arch: 'x86', core_num: 8 },
    memory_gb: 64,
    gpu: { unit_num: 1, ...vnt1 },
  },
  gpu4: {
    flavor_id: 'modelarts.p3.4xlarge.public',
    flavor_name: 'Computing GPU(Vnt1) instance 4 cards',
    flavor_type: 'GPU',
    cpu: { arch: 'x86', core_num: 32 },
    memory_gb: 256,
    gpu: { unit_num: 4, ...vnt1 },
  },
  npu1: {
    flavor_id: 'modelarts.kat1.xlarge',
    flavor_name: 'Ascend: 1*Ascend-910(32GB) | ARM: 24 vCPUs 96GB',
    flavor_type: 'Ascend',
    cpu: { arch: 'arm', core_num: 24 },
    memory_gb: 96,
    npu: { unit_num: 1, ...ascend },
  },
  npu8: {
    flavor_id: 'modelarts.kat1.8xlarge',
    flavor_name: 'Ascend: 8*Ascend-910(32GB) | ARM: 192 vCPUs 768GB',
    flavor_type: 'Ascend',
    cpu: { arch: 'arm', core_num: 192 },
    memory_gb: 768,
    npu: { unit_num: 8, ...ascend },
  },
  pool4: {
    flavor_id: 'modelarts.pool.visual.4xlarge',
    flavor_name: 'Dedicated pool 4 cards',
    flavor_type: 'GPU',
    cpu: { arch: 'x86', core_num: 32 },
    memory_gb: 256,
    pool: { pool_id: 'pool-ml-team-a100', accelerator_num: 4, accelerator_type: 'nvidia-a100' },
  },
} as const satisfies Record<string, SimV2Flavor>;

export type V2FlavorKey = keyof typeof V2_FLAVORS;

export const V2_ENGINES = {
  pytorch: {
    engine_id: 'pytorch_1.8.0-cuda_10.2-py_3.7',
    engine_name: 'PyTorch',
    engine_version: 'pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64',
  },
  pytorch14: {
    engine_id: 'pytorch-cp36-1.4.0-v2',
    engine_name: 'PyTorch',
    engine_version: 'PyTorch-1.4.0-python3.6-v2',
  },
  tensorflow: {
    engine_id: 'tensorflow_2.1.0-cuda_10.1-py_3.7',
    engine_name: 'TensorFlow',
    engine_version: 'tensorflow_2.1.0-cuda_10.1-py_3.7-ubuntu_18.04-x86_64',
  },
  mindspore: {
    engine_id: 'mindspore_1.7.0-cann_5.1.0-py_3.7',
    engine_name: 'Ascend-Powered-Engine',
    engine_version: 'mindspore_1.7.0-cann_5.1.0-py_3.7-euler_2.8.3-aarch64',
  },
  custom: {
    engine_id: 'custom',
    engine_name: 'Custom',
    engine_version: 'custom-image',
    image_url: 'swr.eu-de.otc.t-systems.com/ml-team/trainer:2.3',
  },
} as const satisfies Record<string, SimV2Engine>;

export type V2EngineKey = keyof typeof V2_ENGINES;

/** Engines that run on a flavor type. */
export function enginesFor(flavor: SimV2Flavor): V2EngineKey[] {
  if (flavor.flavor_type === 'Ascend') return ['mindspore', 'custom'];
  if (flavor.flavor_type === 'CPU') return ['tensorflow', 'custom'];
  return ['pytorch', 'pytorch14', 'tensorflow', 'custom'];
}

/** How runs fail: the exception the log's traceback ends with, and what task_statuses says. */
export const V2_FAILURES: ReadonlyArray<Omit<SimV2Failure, 'task'>> = [
  {
    exit_code: 1,
    message: 'CUDA out of memory',
    exception:
      'RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 31.75 GiB total capacity; 29.10 GiB already allocated)',
  },
  {
    exit_code: 1,
    message: "No such file or directory: '/home/ma-user/modelarts/inputs/data_url_0/train.csv'",
    exception:
      "FileNotFoundError: [Errno 2] No such file or directory: '/home/ma-user/modelarts/inputs/data_url_0/train.csv'",
  },
  {
    exit_code: 1,
    message: "No module named 'timm'",
    exception: "ModuleNotFoundError: No module named 'timm'",
  },
  {
    exit_code: 137,
    message: 'The process was killed: it exceeded the memory of the flavor (OOMKilled)',
    exception: 'MemoryError: unable to allocate 12.0 GiB for an array with shape (3, 1073741824) and data type float32',
  },
  {
    exit_code: 1,
    message: 'HCCL timeout: the collective communication between tasks did not finish in time',
    exception: 'RuntimeError: [ERROR] HCCL(2310) wait for notify timeout, remote rank 3 did not respond',
  },
];
