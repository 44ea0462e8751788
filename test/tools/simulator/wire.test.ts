import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED, type Simulator, startSimulator } from '../../../tools/simulator/index.js';
import { asRecord, get, manualClock, raw } from './helpers.js';

const clock = manualClock();
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ clock: clock.now, seed: 7 });
});
afterAll(async () => {
  await sim.close();
});

describe('training job version detail', () => {
  it('serves the docs sample (job 10 version 10) made valid, with the documented quirks', async () => {
    const res = await get(sim, '/v1/{p}/training-jobs/10/versions/10');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = asRecord(res.json);
    expect(body).toMatchObject({
      is_success: true,
      job_id: 10,
      job_name: 'TestModelArtsJob',
      job_desc: 'TestModelArtsJob desc',
      version_id: 10,
      version_name: 'jobVersion',
      pre_version_id: 5,
      engine_type: 1,
      engine_name: 'TensorFlow',
      engine_id: 1,
      engine_version: 'TF-1.4.0-python2.7',
      status: 10,
      create_time: 1524189990635,
      start_time: 1563172362000,
      duration: 532003,
      parameter: [{ label: 'learning_rate', value: 0.01 }],
      spec_id: 1,
      gpu_num: 2,
      gpu_type: 'P100',
      worker_server_num: 1,
      train_url: '/usr/train/',
      dataset_id: '38277e62-9e59-48f4-8d89-c8cf41622c24',
      pool_id: 'pool9928813f',
      pool_name: 'p100',
      nas_type: 'nfs',
    });
    // Documented as String, sent as numbers.
    expect(body.core).toBe(2);
    expect(body.cpu).toBe(8);
    expect(typeof body.spec_code).toBe('string');
    // model_metric_list is a JSON-encoded string; class_name 0 is a number as in the sample.
    expect(typeof body.model_metric_list).toBe('string');
    const metrics = JSON.parse(body.model_metric_list as string);
    expect(metrics.metric[0].metric_meta).toEqual({ class_name: 0, class_id: 0 });
    expect(metrics.total_metric.total_metric_values).toMatchObject({
      recall: 0.005833,
      precision: 0.000178,
      accuracy: 0.000937,
    });
    // system_metric_list is an object here, with numeric strings.
    const system = asRecord(body.system_metric_list);
    expect(system.cpuUsage).toEqual(['0', '3.10', '5.76', '0', '0', '0', '0']);
    expect(system.interval).toBe(1);
    // The docs' broken `"engine_type": ,` is valid JSON here.
    expect(() => JSON.parse(res.text)).not.toThrow();
  });

  it('answers an unknown job id with 400 ModelArts.2775 in the v1 shape', async () => {
    const res = await get(sim, '/v1/{p}/training-jobs/424242/versions/7');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      is_success: false,
      error_code: 'ModelArts.2775',
      error_message: expect.stringContaining('424242'),
    });
  });

  it('answers a version of another job and a non-numeric id with 400', async () => {
    expect((await get(sim, '/v1/{p}/training-jobs/10/versions/1485')).json).toMatchObject({
      error_code: 'ModelArts.2775',
    });
    const bad = await get(sim, '/v1/{p}/training-jobs/abc/versions/1');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ is_success: false, error_code: 'ModelArts.0101' });
  });

  it('puts X-Request-Id on every response, errors and control answers included', async () => {
    const answers = await Promise.all([
      get(sim, '/v1/{p}/training-jobs/10/versions/10'),
      get(sim, '/v1/{p}/training-jobs/1/versions/1'),
      get(sim, '/v9/nothing'),
      raw(sim, '/v1/{p}/training-jobs'),
      raw(sim, '/__sim/clock'),
    ]);
    for (const a of answers) expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(answers.map((a) => a.headers.get('x-request-id'))).size).toBe(answers.length);
  });
});

describe('versions of one job', () => {
  it('lists versions newest first with system_metric_list as a JSON string and a gpu flag', async () => {
    const res = await get(sim, '/v1/{p}/training-jobs/10/versions');
    const body = asRecord(res.json);
    expect(body).toMatchObject({ is_success: true, job_id: 10, job_name: 'TestModelArtsJob', version_count: 2 });
    const versions = body.versions as Array<Record<string, unknown>>;
    expect(versions.map((v) => v.version_id)).toEqual([10, 5]);
    expect(typeof versions[0]!.system_metric_list).toBe('string');
    expect(JSON.parse(versions[0]!.system_metric_list as string).gpuUtil).toHaveLength(7);
    expect(versions[0]!.gpu).toBe(true);
    expect(typeof versions[0]!.model_metric_list).toBe('string');
  });

  it('items carry no job_id, job_name or job_desc, as on the API page (only the envelope names the job)', async () => {
    const body = asRecord((await get(sim, '/v1/{p}/training-jobs/10/versions')).json);
    for (const version of body.versions as Array<Record<string, unknown>>) {
      expect(version).not.toHaveProperty('job_id');
      expect(version).not.toHaveProperty('job_name');
      expect(version).not.toHaveProperty('job_desc');
      expect(version).toHaveProperty('version_id');
    }
  });

  it('pages only when page is given (page 0, the default, means all)', async () => {
    const paged = asRecord((await get(sim, '/v1/{p}/training-jobs/10/versions?page=2&per_page=1')).json);
    expect((paged.versions as Array<{ version_id: number }>).map((v) => v.version_id)).toEqual([5]);
    expect(paged.version_count).toBe(2);
  });

  it('answers an unknown job with ModelArts.2775', async () => {
    expect((await get(sim, '/v1/{p}/training-jobs/99999/versions')).json).toMatchObject({
      error_code: 'ModelArts.2775',
    });
  });
});

describe('statuses and GPU quantity of all versions', () => {
  it('returns the documented row shape (plus job_id/job_name) and the docs sample row', async () => {
    const body = asRecord((await get(sim, '/v1/{p}/training-jobs/versions?limit=0')).json);
    expect(body.is_success).toBe(true);
    const rows = body.versions as Array<Record<string, unknown>>;
    expect(body.total_count).toBe(sim.state.versions.size);
    expect(rows).toHaveLength(sim.state.versions.size);
    const sample = rows.find((r) => r.version_id === 1485);
    expect(sample).toEqual({
      job_id: 20,
      job_name: 'trainjob-3f47',
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
    });
  });

  it('sorts by create_time descending by default and pages by offset/limit without overlap', async () => {
    const all = (
      asRecord((await get(sim, '/v1/{p}/training-jobs/versions?limit=0')).json).versions as Array<{
        version_id: number;
        create_time: number;
      }>
    ).map((r) => r);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.create_time).toBeGreaterThanOrEqual(all[i]!.create_time);
    const first = asRecord((await get(sim, '/v1/{p}/training-jobs/versions')).json);
    expect(first.limit).toBe(20);
    expect((first.versions as unknown[]).length).toBe(20);
    const pages: number[] = [];
    for (let offset = 0; offset < all.length; offset += 7) {
      const page = asRecord((await get(sim, `/v1/{p}/training-jobs/versions?offset=${offset}&limit=7`)).json);
      expect(page.offset).toBe(offset);
      pages.push(...(page.versions as Array<{ version_id: number }>).map((v) => v.version_id));
    }
    expect(pages).toEqual(all.map((r) => r.version_id));
  });

  it('filters by status (comma list), pool_id, and sorts by other keys ascending', async () => {
    const failed = asRecord((await get(sim, '/v1/{p}/training-jobs/versions?limit=0&status=3,5,11,12')).json);
    const rows = failed.versions as Array<{ status: number; pool_id: string | null }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => [3, 5, 11, 12].includes(r.status))).toBe(true);
    const pool = asRecord((await get(sim, '/v1/{p}/training-jobs/versions?limit=0&pool_id=pool9928813f')).json);
    expect((pool.versions as Array<{ pool_id: string }>).every((r) => r.pool_id === 'pool9928813f')).toBe(true);
    const byStatus = asRecord((await get(sim, '/v1/{p}/training-jobs/versions?limit=0&sort_by=status&order=asc')).json);
    const statuses = (byStatus.versions as Array<{ status: number }>).map((r) => r.status);
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
  });

  it('rejects invalid parameters with 400 in the v1 shape', async () => {
    for (const q of ['limit=-1', 'offset=x', 'order=up', 'sort_by=gpu_num', 'status=running']) {
      const res = await get(sim, `/v1/{p}/training-jobs/versions?${q}`);
      expect(res.status, q).toBe(400);
      expect(asRecord(res.json).is_success, q).toBe(false);
    }
  });
});

describe('training job list', () => {
  it('pages with per_page/page, sorts by sortBy (camelCase) and searches names', async () => {
    const all = asRecord((await get(sim, '/v1/{p}/training-jobs?per_page=1000')).json);
    expect(all.job_total_count).toBe(sim.state.jobs.size);
    const names = (all.jobs as Array<{ job_name: string }>).map((j) => j.job_name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const job10 = (all.jobs as Array<Record<string, unknown>>).find((j) => j.job_id === 10);
    expect(job10).toEqual({
      job_id: 10,
      job_name: 'TestModelArtsJob',
      version_id: 10,
      status: 10,
      create_time: 1524100000000,
      duration: 532003,
      job_desc: 'TestModelArtsJob desc',
      version_count: 2,
    });
    const page2 = asRecord((await get(sim, '/v1/{p}/training-jobs?per_page=5&page=2')).json);
    expect((page2.jobs as Array<{ job_name: string }>).map((j) => j.job_name)).toEqual(names.slice(5, 10));
    const search = asRecord((await get(sim, '/v1/{p}/training-jobs?search_content=testmodelarts')).json);
    expect((search.jobs as Array<{ job_id: number }>).map((j) => j.job_id)).toEqual([10]);
    const byCreate = asRecord(
      (await get(sim, '/v1/{p}/training-jobs?per_page=1000&sortBy=create_time&order=desc')).json,
    );
    const times = (byCreate.jobs as Array<{ create_time: number }>).map((j) => j.create_time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('rejects per_page out of [1,1000] and unknown sortBy', async () => {
    expect((await get(sim, '/v1/{p}/training-jobs?per_page=0')).status).toBe(400);
    expect((await get(sim, '/v1/{p}/training-jobs?per_page=1001')).status).toBe(400);
    expect((await get(sim, '/v1/{p}/training-jobs?sortBy=gpu')).json).toMatchObject({ error_code: 'ModelArts.2790' });
  });
});

describe('training job configs', () => {
  it('lists custom configs by default (desc by config_name) with the docs sample', async () => {
    const body = asRecord((await get(sim, '/v1/{p}/training-job-configs?per_page=1000')).json);
    const configs = body.configs as Array<Record<string, unknown>>;
    expect(body.config_total_count).toBe(configs.length);
    const names = configs.map((c) => c.config_name as string);
    expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a)));
    expect(configs.find((c) => c.config_name === SEEDED.docConfigName)).toEqual({
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
    });
  });

  it('supports the docs sample request, config_type=sample, and rejects create_time sorting of samples', async () => {
    const sampleReq = asRecord(
      (
        await get(
          sim,
          '/v1/{p}/training-job-configs?per_page=10&page=1&sortBy=create_time&order=asc&search_content=testconfig',
        )
      ).json,
    );
    expect((sampleReq.configs as Array<{ config_name: string }>).map((c) => c.config_name)).toEqual(['testConfig']);
    const samples = asRecord((await get(sim, '/v1/{p}/training-job-configs?config_type=sample')).json);
    expect((samples.configs as Array<{ config_name: string }>).every((c) => c.config_name.startsWith('Sample_'))).toBe(
      true,
    );
    const bad = await get(sim, '/v1/{p}/training-job-configs?config_type=sample&sortBy=create_time');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ is_success: false, error_code: 'ModelArts.2790' });
  });
});

describe('visualization jobs', () => {
  it('serves the detail without is_success, service_url on the simulator', async () => {
    const res = await get(sim, '/v1/{p}/visualization-jobs/10');
    const body = asRecord(res.json);
    expect(body).not.toHaveProperty('is_success');
    expect(body).toMatchObject({
      job_id: 10,
      job_name: 'apiTest-11',
      job_desc: 'ModelArts API Dialtest',
      status: 7,
      duration: 33000,
      train_url: '/wph-test/zl-test/Flowers-Set/ApiTest/',
      resource_id: 'e17dd874-b5e0-4e9b-aaf0-22b045ad8571',
      remaining_duration: null,
    });
    expect(body.service_url).toBe(`${sim.url}/tensorboard/04f679b17380d32a2f32c00335c4b5ba/10/`);
    const page = await raw(sim, '/tensorboard/04f679b17380d32a2f32c00335c4b5ba/10/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('apiTest-11');
  });

  it('has a visualization job reading the same train_url as job 10 version 10, and others for generated jobs', async () => {
    const list = asRecord((await get(sim, '/v1/{p}/visualization-jobs?per_page=1000')).json);
    const jobs = list.jobs as Array<{ job_id: number; train_url: string; status: number; service_url: string }>;
    expect(list.is_success).toBe(true);
    expect(jobs.map((j) => j.job_id)).toEqual([...jobs.map((j) => j.job_id)].sort((a, b) => a - b));
    expect(jobs.find((j) => j.train_url === '/usr/train/')?.job_id).toBe(SEEDED.docTensorboardVizJobId);
    const trainUrls = new Set([...sim.state.versions.values()].map((v) => v.train_url));
    const generated = jobs.filter((j) => j.job_id >= SEEDED.firstGeneratedVizJobId);
    expect(generated.length).toBeGreaterThan(0);
    expect(generated.every((j) => trainUrls.has(j.train_url))).toBe(true);
  });

  it('answers an unknown visualization job with 404 in the v1 shape and a long search with 400 ModelArts.0104', async () => {
    const res = await get(sim, '/v1/{p}/visualization-jobs/777777');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ is_success: false, error_code: expect.stringMatching(/^ModelArts\./) });
    const long = await get(sim, `/v1/{p}/visualization-jobs?search_content=${'x'.repeat(101)}`);
    expect(long.status).toBe(400);
    expect(long.json).toMatchObject({ error_code: 'ModelArts.0104' });
  });
});

describe('processor tasks (v2)', () => {
  it('lists with offset as a page index and the docs sample query', async () => {
    const all = asRecord((await get(sim, '/v2/{p}/processor-tasks?limit=100')).json);
    const ids = (all.tasks as Array<{ task_id: string }>).map((t) => t.task_id);
    expect(all.count).toBe(sim.state.tasks.size);
    const page1 = asRecord((await get(sim, '/v2/{p}/processor-tasks?offset=1&limit=5')).json);
    expect((page1.tasks as Array<{ task_id: string }>).map((t) => t.task_id)).toEqual(ids.slice(5, 10));
    const docQuery = asRecord(
      (
        await get(
          sim,
          `/v2/{p}/processor-tasks?offset=0&limit=100&source_type=DATASET&source=${SEEDED.docDatasetId}&version_id=${SEEDED.docDatasetVersionIds.join('%2C')}&task_type=sys_data_analyse&return_result=true&query_current=true`,
        )
      ).json,
    );
    const tasks = docQuery.tasks as Array<Record<string, unknown>>;
    expect(tasks.length).toBeGreaterThan(0);
    for (const t of tasks) {
      expect(asRecord(t.template).id).toBe('sys_data_analyse');
      expect(t.is_current).toBe(true);
      expect(SEEDED.docDatasetVersionIds).toContain(t.version_id);
    }
    const doc = tasks.find((t) => t.task_id === SEEDED.docTaskId);
    expect(doc).toMatchObject({ name: 'V001', status: 2, duration_seconds: 11, create_time: 1606372570023 });
    expect(asRecord(asRecord(doc?.result).metrics).brightness).toMatchObject({ distribution: expect.any(Array) });
  });

  it('omits result with return_result=false and filters by status and task_name', async () => {
    const body = asRecord((await get(sim, '/v2/{p}/processor-tasks?limit=100&return_result=false')).json);
    expect((body.tasks as Array<Record<string, unknown>>).some((t) => 'result' in t)).toBe(false);
    const failed = asRecord((await get(sim, '/v2/{p}/processor-tasks?limit=100&status=3')).json);
    for (const t of failed.tasks as Array<Record<string, unknown>>) {
      expect(t.status).toBe(3);
      expect(typeof t.error_msg).toBe('string');
    }
    const named = asRecord((await get(sim, '/v2/{p}/processor-tasks?limit=100&task_name=ANALYSE-traffic')).json);
    expect((named.tasks as Array<{ name: string }>).every((t) => t.name.startsWith('analyse-traffic'))).toBe(true);
  });

  it('serves the detail with a per-metric feature-analysis result', async () => {
    const body = asRecord((await get(sim, `/v2/{p}/processor-tasks/${SEEDED.docTaskId}`)).json);
    expect(body).toMatchObject({ task_id: SEEDED.docTaskId, status: 2, version_id: 'J4Eh2FDEWH1qnDlD3hQ' });
    const result = asRecord(body.result);
    expect(result.sample_count).toBe(1532);
    const metrics = asRecord(result.metrics);
    expect(Object.keys(metrics)).toEqual(
      expect.arrayContaining(['resolution', 'aspect_ratio', 'brightness', 'saturation', 'blur_score', 'colorfulness']),
    );
    const dist = asRecord(metrics.brightness).distribution as Array<{ lower: number; upper: number; count: number }>;
    expect(dist).toHaveLength(10);
    expect(dist.every((b) => b.upper > b.lower && Number.isInteger(b.count))).toBe(true);
  });

  it('answers an unknown task with 404 in the v2 shape and bad limits with 400', async () => {
    const res = await get(sim, '/v2/{p}/processor-tasks/doesNotExist123');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error_code: expect.any(String), error_msg: expect.any(String) });
    const bad = await get(sim, '/v2/{p}/processor-tasks?limit=101');
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error_code: expect.any(String), error_msg: expect.stringContaining('limit') });
  });
});

describe('logs', () => {
  it('lists log files as an array and answers aom-log with a bare 19-digit start_line', async () => {
    const files = asRecord((await get(sim, '/v1/{p}/training-jobs/10/versions/10/log/file-names')).json);
    expect(files).toEqual({ is_success: true, log_file_list: ['TestModelArtsJob.0'] });
    const res = await get(sim, '/v1/{p}/training-jobs/10/versions/10/aom-log?log_file=TestModelArtsJob.0&lines=5');
    expect(res.text).toMatch(/"start_line":\d{19},/);
    expect(res.text).toMatch(/"end_line":"\d{19}"/);
    const body = asRecord(res.json);
    expect(body.lines).toBe('5');
    expect((body.content as string).split('\n')).toHaveLength(5);
    expect(body.content).toContain('training job completed');
  });

  it('pages through the whole log with base_line and order, exactly once per line', async () => {
    const path = '/v1/{p}/training-jobs/10/versions/10/aom-log?log_file=TestModelArtsJob.0';
    const cursorOf = (text: string, key: 'start_line' | 'end_line') =>
      new RegExp(`"${key}":"?(\\d+)"?`).exec(text)?.[1] ?? '';
    // Backwards from the newest lines (order=asc gives earlier lines) …
    let page = await get(sim, `${path}&lines=7`);
    const backwards: string[][] = [(asRecord(page.json).content as string).split('\n')];
    for (;;) {
      const start = cursorOf(page.text, 'start_line');
      page = await get(sim, `${path}&lines=7&order=asc&base_line=${start}`);
      if (asRecord(page.json).lines === '0') break;
      backwards.unshift((asRecord(page.json).content as string).split('\n'));
    }
    const all = backwards.flat();
    expect(all[0]).toContain('TestModelArtsJob jobVersion');
    // … and forwards from the first line (order=desc gives later lines) yield the same lines.
    page = await get(
      sim,
      `${path}&lines=1&order=asc&base_line=${cursorOf((await get(sim, `${path}&lines=500`)).text, 'start_line')}`,
    );
    expect(asRecord(page.json).lines).toBe('0');
    const head = await get(sim, `${path}&lines=500`);
    const firstCursor = cursorOf(head.text, 'start_line');
    const forwards = [(asRecord(head.json).content as string).split('\n')[0] ?? ''];
    let cursor = firstCursor;
    for (;;) {
      const next = await get(sim, `${path}&lines=9&order=desc&base_line=${cursor}`);
      if (asRecord(next.json).lines === '0') break;
      forwards.push(...(asRecord(next.json).content as string).split('\n'));
      cursor = cursorOf(next.text, 'end_line');
    }
    expect(forwards).toEqual(all);
  });

  it('reports logs not generated yet for a version that never started, and unknown files', async () => {
    const { jobId, versionIds } = sim.addJob({ name: 'queued-job', status: 7 });
    const res = await get(sim, `/v1/{p}/training-jobs/${jobId}/versions/${versionIds[0]}/log/file-names`);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ is_success: false, error_code: 'ModelArts.2818' });
    const notReady = await get(
      sim,
      `/v1/{p}/training-jobs/${jobId}/versions/${versionIds[0]}/aom-log?log_file=queued-job.0`,
    );
    expect(notReady.status).toBe(204);
    expect(notReady.text).toBe('');
    const unknown = await get(sim, '/v1/{p}/training-jobs/10/versions/10/aom-log?log_file=nope.0');
    expect(unknown.json).toMatchObject({ is_success: false, error_code: 'ModelArts.2820' });
    const missing = await get(sim, '/v1/{p}/training-jobs/10/versions/10/aom-log');
    expect(missing.status).toBe(400);
  });
});

describe('gateway behaviour', () => {
  it('answers unknown paths and methods with 404 APIG.0101 in the gateway shape', async () => {
    for (const res of [
      await get(sim, '/v1/{p}/no-such-api'),
      await raw(sim, '/v1/{p}/training-jobs', { method: 'DELETE', headers: { 'x-auth-token': 'sim-token' } }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.json).toEqual({
        error_msg: expect.any(String),
        error_code: 'APIG.0101',
        request_id: res.headers.get('x-request-id'),
      });
    }
  });
});
