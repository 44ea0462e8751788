/** Every endpoint of the API layer against the simulator over real HTTP (static token; auth modes have their own file). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  collect,
  InvalidIdError,
  iterateJobVersionStatuses,
  iterateProcessorTasks,
  iterateTrainingJobConfigs,
  iterateTrainingJobs,
  type ModelArtsApi,
  NotFoundError,
} from '../../src/modelarts/index.js';
import { SEEDED, type Simulator, startSimulator } from '../../tools/simulator/index.js';
import { apiFor } from './helpers.js';

let sim: Simulator;
let api: ModelArtsApi;
let now = Date.UTC(2025, 2, 3, 12, 0, 0);

beforeAll(async () => {
  sim = await startSimulator({ seed: 9, clock: () => now });
  api = apiFor(sim, 'token');
});
afterAll(async () => {
  await api.close();
  await sim.close();
});

describe('training job versions', () => {
  it('getTrainingJobVersion parses the docs sample with its quirks normalised', async () => {
    const v = await api.getTrainingJobVersion(SEEDED.docJobId, SEEDED.docVersionId);
    expect(v).toMatchObject({
      job_id: 10,
      job_name: 'TestModelArtsJob',
      version_id: 10,
      version_name: 'jobVersion',
      pre_version_id: 5,
      status: 10,
      engine_name: 'TensorFlow',
      engine_type: 1,
      create_time: 1524189990635,
      start_time: 1563172362000,
      duration: 532003,
      core: '2',
      cpu: '8',
      gpu_num: 2,
      gpu_type: 'P100',
      worker_server_num: 1,
      pool_id: 'pool9928813f',
      train_url: '/usr/train/',
      parameter: [{ label: 'learning_rate', value: '0.01' }],
    });
    expect(v.model_metric_list?.total).toMatchObject({ recall: 0.005833, precision: 0.000178, accuracy: 0.000937 });
    expect(v.model_metric_list?.classes).toEqual([
      expect.objectContaining({ class_id: 0, recall: 0.005833, precision: 0.000178, accuracy: 0.000937 }),
    ]);
    expect(v.system_metric_list?.series.cpuUsage).toEqual([0, 3.1, 5.76, 0, 0, 0, 0]);
    expect(v.system_metric_list?.interval).toBe(1);
  });

  it('listTrainingJobVersions parses system_metric_list sent as a JSON string', async () => {
    const list = await api.listTrainingJobVersions(SEEDED.docJobId);
    expect(list).toMatchObject({ job_id: 10, job_name: 'TestModelArtsJob', version_count: 2 });
    expect(list.versions.map((v) => v.version_id)).toEqual([10, 5]);
    expect(list.versions[0]?.system_metric_list?.series.gpuUtil).toEqual([0, 0.25, 0.88, 0, 0, 0, 0]);
    const paged = await api.listTrainingJobVersions(SEEDED.docJobId, { page: 2, per_page: 1 });
    expect(paged.versions.map((v) => v.version_id)).toEqual([5]);
  });

  it('getTrainingJobVersion of a running generated version: not started yet → null times, no metrics', async () => {
    const { jobId, versionIds } = sim.addJob({ name: 'integration-waiting', status: 7 });
    const v = await api.getTrainingJobVersion(jobId, versionIds[0]!);
    expect(v).toMatchObject({ status: 7, start_time: null, model_metric_list: null, system_metric_list: null });
  });

  it('unknown job → NotFoundError (ModelArts.2775 arrives as 400); bad ids are rejected before any request', async () => {
    const err = await api.getTrainingJobVersion(424242, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({
      status: 400,
      errorCode: 'ModelArts.2775',
      requestId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const before = sim.requestCounts().getTrainingJobVersion;
    for (const bad of ['abc', '../10', '10%2F11', '１０']) {
      await expect(api.getTrainingJobVersion(bad, 10)).rejects.toBeInstanceOf(InvalidIdError);
    }
    expect(sim.requestCounts().getTrainingJobVersion).toBe(before);
  });
});

describe('statuses and GPUs of all versions', () => {
  it('limit 0 returns every version with job ids, GPU and NPU counts', async () => {
    const list = await api.listJobVersionStatuses({ limit: 0 });
    expect(list.total_count).toBe(sim.state.versions.size);
    expect(list.versions).toHaveLength(sim.state.versions.size);
    const sample = list.versions.find((v) => v.version_id === SEEDED.allVersionsSampleVersionId);
    expect(sample).toMatchObject({
      job_id: 20,
      job_name: 'trainjob-3f47',
      status: 12,
      flavor_code: 'modelarts.p1.2xlarge',
      gpu_num: 1,
      npu_num: 0,
      start_time: 1557473040000,
      end_time: 1557473093000,
      duration: 53000,
    });
  });

  it('filters by status and pages with offset/limit through the iterator', async () => {
    const running = await api.listJobVersionStatuses({ limit: 0, status: 8 });
    expect(running.versions.every((v) => v.status === 8)).toBe(true);
    const iterated = await collect(iterateJobVersionStatuses(api, { limit: 7 }));
    const all = await api.listJobVersionStatuses({ limit: 0 });
    expect(iterated.map((v) => v.version_id)).toEqual(all.versions.map((v) => v.version_id));
  });
});

describe('training jobs, configs, visualization jobs', () => {
  it('listTrainingJobs pages, sorts and searches', async () => {
    const jobs = await collect(iterateTrainingJobs(api, { per_page: 4, sortBy: 'create_time', order: 'desc' }));
    expect(jobs).toHaveLength(sim.state.jobs.size);
    const found = await api.listTrainingJobs({ search_content: 'TestModelArts' });
    expect(found.jobs).toEqual([
      expect.objectContaining({ job_id: 10, version_id: 10, status: 10, version_count: 2, duration: 532003 }),
    ]);
  });

  it('listTrainingJobConfigs: custom and sample configs', async () => {
    const custom = await collect(iterateTrainingJobConfigs(api, { per_page: 3 }));
    expect(custom.map((c) => c.config_name)).toContain('testConfig');
    const sample = await api.listTrainingJobConfigs({ config_type: 'sample', sortBy: 'config_name', order: 'asc' });
    expect(sample.configs.length).toBeGreaterThan(0);
    expect(sample.configs.every((c) => c.config_name.startsWith('Sample_'))).toBe(true);
    const doc = custom.find((c) => c.config_name === 'testConfig');
    expect(doc).toMatchObject({ engine_name: 'TensorFlow', engine_id: 1, create_time: 1524189990635 });
  });

  it('getVisualizationJob (no is_success) and the TensorBoard link for job 10 version 10', async () => {
    const viz = await api.getVisualizationJob(SEEDED.docVizJobId);
    expect(viz).toMatchObject({ job_id: 10, job_name: 'apiTest-11', status: 7, duration: 33000 });
    expect(viz.service_url).toBe(`${sim.url}/tensorboard/04f679b17380d32a2f32c00335c4b5ba/10/`);
    const version = await api.getTrainingJobVersion(10, 10);
    const list = await api.listVisualizationJobs({ per_page: 100 });
    const match = list.jobs.find((j) => j.train_url === version.train_url && j.status === 8);
    expect(match?.job_id).toBe(SEEDED.docTensorboardVizJobId);
    expect((await fetch(match!.service_url!)).status).toBe(200);
    await expect(api.getVisualizationJob(777777)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('processor tasks', () => {
  it('the docs sample query: latest feature analyses of two dataset versions, with results', async () => {
    const list = await api.listProcessorTasks({
      offset: 0,
      limit: 100,
      source_type: 'DATASET',
      source: SEEDED.docDatasetId,
      version_id: [...SEEDED.docDatasetVersionIds],
      task_type: 'sys_data_analyse',
      return_result: true,
      query_current: true,
    });
    expect(list.count).toBe(list.tasks.length);
    expect(list.tasks.length).toBeGreaterThan(0);
    for (const t of list.tasks) {
      expect(t.is_current).toBe(true);
      expect(t.task_type ?? t.template?.id).toBe('sys_data_analyse');
    }
    const doc = list.tasks.find((t) => t.task_id === SEEDED.docTaskId);
    expect(doc).toMatchObject({ name: 'V001', status: 2, duration_seconds: 11, version_name: 'V001' });
    expect((doc!.result as { metrics: Record<string, unknown> }).metrics).toHaveProperty('brightness');
  });

  it('iterates with offset as a page index, and fetches a task with its result', async () => {
    const all = await collect(iterateProcessorTasks(api, { limit: 4 }));
    expect(all).toHaveLength(sim.state.tasks.size);
    expect(new Set(all.map((t) => t.task_id)).size).toBe(all.length);
    const task = await api.getProcessorTask(SEEDED.docTaskId);
    expect(task).toMatchObject({ task_id: SEEDED.docTaskId, status: 2, version_id: 'J4Eh2FDEWH1qnDlD3hQ' });
    expect(task.result).toMatchObject({ sample_count: 1532 });
    await expect(api.getProcessorTask('doesNotExist123')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('return_result=false leaves results out', async () => {
    const list = await api.listProcessorTasks({ limit: 100, return_result: false });
    expect(list.tasks.every((t) => t.result === null || t.result === undefined)).toBe(true);
  });
});

describe('logs', () => {
  it('getLogFileNames and getAomLog with an exact 19-digit cursor, paging backwards to the start', async () => {
    const files = await api.getLogFileNames(10, 10);
    expect(files).toEqual(['TestModelArtsJob.0']);
    const whole = await api.getAomLog(10, 10, { log_file: files[0]!, lines: 500 });
    expect(whole.start_line).toMatch(/^\d{19}$/);
    expect(whole.end_line).toMatch(/^\d{19}$/);
    let page = await api.getAomLog(10, 10, { log_file: files[0]!, lines: 6 });
    const pages = [page.content];
    while (page.lines > 0) {
      page = await api.getAomLog(10, 10, { log_file: files[0]!, lines: 6, base_line: page.start_line, order: 'asc' });
      if (page.lines > 0) pages.unshift(page.content);
    }
    expect(pages.join('\n')).toBe(whole.content);
    expect(whole.lines).toBe(whole.content.split('\n').length);
  });

  it('a version that has not started: no log files (ModelArts.2818), an empty aom-log (204)', async () => {
    const { jobId, versionIds } = sim.addJob({ name: 'not-started', status: 7 });
    const err = await api.getLogFileNames(jobId, versionIds[0]!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({ errorCode: 'ModelArts.2818' });
    expect(await api.getAomLog(jobId, versionIds[0]!, { log_file: 'not-started.0' })).toMatchObject({
      lines: 0,
      content: '',
    });
  });

  it('follows a running job’s log forward with order=desc as time passes', async () => {
    const { jobId, versionIds } = sim.addJob({ name: 'follow-me', status: 8 });
    const versionId = versionIds[0]!;
    const first = await api.getAomLog(jobId, versionId, { log_file: 'follow-me.0' });
    now += 60_000;
    const next = await api.getAomLog(jobId, versionId, {
      log_file: 'follow-me.0',
      base_line: first.end_line,
      order: 'desc',
    });
    expect(next.lines).toBeGreaterThan(0);
    expect(BigInt(next.start_line)).toBeGreaterThan(BigInt(first.end_line));
  });
});
