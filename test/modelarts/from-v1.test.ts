import { describe, expect, it } from 'vitest';
import {
  engineLabel,
  listedFromV1StatusRow,
  runFromV1JobSummary,
  runFromV1StatusRow,
  runFromV1Version,
  runsFromV1VersionList,
} from '../../src/modelarts/from-v1.js';
import { emptyRun, fillRun, listedIds, v1Status } from '../../src/modelarts/job-run.js';
import {
  JobVersionStatusListSchema,
  TrainingJobListSchema,
  TrainingJobVersionListSchema,
  TrainingJobVersionSchema,
} from '../../src/modelarts/resources/training-jobs.js';
import { fixture } from './helpers.js';

const detail = () => TrainingJobVersionSchema.parse(JSON.parse(fixture('version-detail.json')));

describe('engine labels', () => {
  it('never repeats the engine name', () => {
    expect(engineLabel('TensorFlow', 'TF-1.4.0-python2.7')).toBe('TensorFlow 1.4.0 python2.7');
    expect(engineLabel('PyTorch', 'PyTorch-1.8.0')).toBe('PyTorch 1.8.0');
    expect(engineLabel('PyTorch', 'PyTorch-1.8.0-python3.7')).toBe('PyTorch 1.8.0 python3.7');
    expect(engineLabel('MindSpore-GPU', 'MindSpore-1.2.0-python3.7')).toBe('MindSpore-GPU 1.2.0 python3.7');
    expect(engineLabel('Scikit_Learn', 'Scikit_Learn-0.18.1-python3.6')).toBe('Scikit Learn 0.18.1 python3.6');
    expect(engineLabel('Spark_MLlib', 'Spark-2.3.2-python3.7')).toBe('Spark MLlib 2.3.2 python3.7');
    expect(engineLabel('TensorFlow', '2.1.0')).toBe('TensorFlow 2.1.0');
    expect(engineLabel('TensorFlow', 'TensorFlow')).toBe('TensorFlow');
  });

  it('shows what there is', () => {
    expect(engineLabel('TensorFlow', null)).toBe('TensorFlow');
    expect(engineLabel(null, 'TF-2.1')).toBe('TF-2.1');
    expect(engineLabel('  ', '')).toBeNull();
    // A word that only looks like an abbreviation of another engine stays.
    expect(engineLabel('Ascend-Powered-Engine', 'Mindspore-1.3.0-python3.7-aarch64')).toBe(
      'Ascend-Powered-Engine Mindspore 1.3.0 python3.7 aarch64',
    );
  });
});

describe('v1 version detail → run', () => {
  it('maps the documented sample', () => {
    const run = runFromV1Version(detail());
    expect(run.ref).toEqual({ api: 'v1', jobId: '10', versionId: '10' });
    expect(run.status).toMatchObject({ api: 'v1', key: '10', name: 'JOBSTAT_COMPLETED', category: 'succeeded' });
    expect(run).toMatchObject({
      name: 'TestModelArtsJob',
      versionName: 'jobVersion',
      description: 'TestModelArtsJob desc',
      createdAt: 1524189990635,
      durationMs: 532003,
      endedAt: null,
      engine: 'TensorFlow 1.4.0 python2.7',
      image: '100.125.5.235:20202/jobmng/custom-cpu-base:1.0',
      logLocation: '/usr/log/',
      code: { dir: '/usr/app/', bootFile: '/usr/app/boot.py' },
      tasks: [],
      failure: null,
      consoleUrl: null,
    });
    expect(run.resources).toEqual({
      flavor: 'modelarts.p1.large',
      flavorName: null,
      nodes: 1,
      accelerators: { kind: 'GPU', count: 2, type: 'P100' },
      cpuCores: 2,
      memoryBytes: 8e9,
      pool: 'p100',
    });
    expect(run.parameters).toEqual([{ name: 'learning_rate', value: '0.01' }]);
    expect(run.inputs).toEqual([
      { name: null, location: 'dataset dataset-test / dataset-version-test' },
      { name: 'obs', location: '/qianjiajun-test/minst/data/' },
    ]);
    expect(run.outputs).toEqual([{ name: 'train_url', location: '/usr/train/' }]);
    expect(run.modelMetrics?.total).toMatchObject({ accuracy: 0.000937 });
    expect(run.usage?.series.cpuUsage).toEqual([0, 3.1, 5.76, 0, 0, 0, 0]);
    expect(run.extraIds).toEqual([
      { label: 'previous version', value: '5' },
      { label: 'model', value: '1' },
      { label: 'dataset', value: '38277e62-9e59-48f4-8d89-c8cf41622c24' },
      { label: 'dataset version', value: '2ff0d6ba-c480-45ae-be41-09a8369bfc90' },
      { label: 'spec', value: '1' },
      { label: 'pool', value: 'pool9928813f' },
    ]);
  });

  it('counts GPUs across workers, none for a CPU job, and tells none from not reported', () => {
    const base = detail();
    expect(runFromV1Version({ ...base, worker_server_num: 4 }).resources.accelerators).toEqual({
      kind: 'GPU',
      count: 8,
      type: 'P100',
    });
    expect(runFromV1Version({ ...base, gpu_num: 0 }).resources.accelerators).toEqual({
      kind: 'GPU',
      count: 0,
      type: 'P100',
    });
    expect(runFromV1Version({ ...base, gpu_num: null, gpu_type: null }).resources.accelerators).toBeNull();
    expect(runFromV1Version({ ...base, worker_server_num: null }).resources.accelerators?.count).toBe(2);
  });

  it('keeps datasets and data_url apart from data sources', () => {
    const base = detail();
    const withDataset = runFromV1Version({
      ...base,
      dataset_name: 'flowers',
      dataset_version_name: 'V003',
      data_source: [],
    });
    expect(withDataset.inputs).toEqual([
      { name: null, location: 'dataset flowers / V003' },
      { name: 'data_url', location: '/usr/data/' },
    ]);
    const odd = runFromV1Version({
      ...base,
      dataset_name: null,
      data_source: [{ dataset_id: 'ds1' }, { kind: 'nfs', size: 3 }],
    });
    expect(odd.inputs).toEqual([
      { name: null, location: 'dataset ds1' },
      { name: null, location: 'kind nfs, size 3' },
    ]);
  });

  it('names versions from the versions-of-job list when the entries do not', () => {
    const list = TrainingJobVersionListSchema.parse(JSON.parse(fixture('training-job-versions.json')));
    const runs = runsFromV1VersionList({
      ...list,
      versions: list.versions.map((v) => ({ ...v, job_name: null })),
    });
    expect(runs.map((r) => r.name)).toEqual(list.versions.map(() => 'TestModelArtsJob'));
  });
});

describe('v1 listings → runs', () => {
  it('maps an all-versions row for a known job, and leaves it unnamed otherwise', () => {
    const [row] = JobVersionStatusListSchema.parse(JSON.parse(fixture('job-version-statuses.json'))).versions;
    if (!row) throw new Error('fixture');
    const run = runFromV1StatusRow(row, '7');
    expect(run.ref).toEqual({ api: 'v1', jobId: '7', versionId: '1485' });
    expect(run).toMatchObject({
      versionName: 'trainjob-3f47',
      createdAt: 1557473030000,
      startedAt: 1557473040000,
      endedAt: 1557473093000,
      durationMs: 53000,
    });
    expect(run.status.label).toBe('stopped');
    expect(run.resources).toMatchObject({
      flavor: 'modelarts.p1.2xlarge',
      pool: 'pool9928813f',
      accelerators: { kind: 'GPU', count: 1, type: null },
    });
    const listed = listedFromV1StatusRow(row);
    expect(listed.ref).toBeNull();
    expect(listedIds(listed)).toEqual({ jobId: null, versionId: '1485' });
    expect(listedFromV1StatusRow({ ...row, job_id: 7 }).ref).toEqual(run.ref);
    expect(runFromV1StatusRow({ ...row, gpu_num: 0, npu_num: 8 }, '7').resources.accelerators).toEqual({
      kind: 'NPU',
      count: 8,
      type: null,
    });
    expect(runFromV1StatusRow({ ...row, gpu_num: 0, npu_num: 0 }, '7').resources.accelerators?.count).toBe(0);
    expect(runFromV1StatusRow({ ...row, gpu_num: null, npu_num: null }, '7').resources.accelerators).toBeNull();
  });

  it("maps job-list rows without taking the job's creation time for a later version's", () => {
    const [one, two] = TrainingJobListSchema.parse(JSON.parse(fixture('training-jobs.json'))).jobs;
    if (!one || !two) throw new Error('fixture');
    expect(runFromV1JobSummary(one)).toMatchObject({
      ref: { api: 'v1', jobId: '10', versionId: '10' },
      name: 'TestModelArtsJob',
      description: 'TestModelArtsJob desc',
      createdAt: 1524189990635,
      durationMs: 532003,
    });
    expect(runFromV1JobSummary(two)).toMatchObject({ ref: { jobId: '11', versionId: '12' }, createdAt: null });
    const bare = runFromV1JobSummary({ ...two, version_id: null });
    expect(bare.ref).toBeNull();
    expect(listedIds(bare)).toEqual({ jobId: '11', versionId: null });
  });
});

describe('filling a run from another record', () => {
  it('keeps the primary ref and status and fills the unknowns field by field', () => {
    const full = runFromV1Version(detail());
    const listed = {
      ...emptyRun({ api: 'v1', jobId: '10', versionId: '10' } as const, v1Status(8)),
      name: 'from the listing',
      resources: { ...emptyRun(full.ref, v1Status(8)).resources, flavor: 'modelarts.p1.2xlarge' },
    };
    const filled = fillRun(listed, full);
    expect(filled.status.key).toBe('8');
    expect(filled.name).toBe('from the listing');
    expect(filled.engine).toBe(full.engine);
    expect(filled.parameters).toEqual(full.parameters);
    expect(filled.resources).toMatchObject({ flavor: 'modelarts.p1.2xlarge', cpuCores: 2, nodes: 1 });
    expect(filled.code).toEqual(full.code);
  });
});
