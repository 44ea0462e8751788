import { afterEach, describe, expect, it } from 'vitest';
import { ResponseParseError } from '../../src/modelarts/index.js';
import { fixture, type Harness, harness, JSON_HEADERS, TOKEN, v1, v2 } from './helpers.js';

let h: Harness;
afterEach(async () => {
  h.agent.assertNoPendingInterceptors();
  await h.api.close();
  await h.agent.close();
});

describe('training job version detail', () => {
  it('parses the doc sample (made valid): numbers as strings, metric list as a JSON string, extras kept', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/training-jobs/10/versions/10'), method: 'GET', headers: { 'x-auth-token': TOKEN } })
      .reply(200, fixture('version-detail.json'), { headers: JSON_HEADERS });
    const v = await h.api.getTrainingJobVersion(10, '10');
    expect(v).toMatchObject({
      job_id: 10,
      version_id: 10,
      job_name: 'TestModelArtsJob',
      pre_version_id: 5,
      status: 10,
      engine_type: 1,
      engine_id: 1,
      core: '2',
      cpu: '8',
      gpu_num: 2,
      worker_server_num: 1,
      duration: 532003,
      create_time: 1524189990635,
      start_time: 1563172362000,
      parameter: [{ label: 'learning_rate', value: '0.01' }],
      data_source: [{ type: 'obs', data_url: '/qianjiajun-test/minst/data/' }],
      resource_id: null,
      nas_type: 'nfs',
    });
    expect(v.model_metric_list).toEqual({
      total: { recall: 0.005833, precision: 0.000178, accuracy: 0.000937 },
      classes: [{ recall: 0.005833, precision: 0.000178, accuracy: 0.000937, class_name: '0', class_id: 0 }],
    });
    expect(v.system_metric_list?.interval).toBe(1);
    expect(v.system_metric_list?.series.cpuUsage).toEqual([0, 3.1, 5.76, 0, 0, 0, 0]);
    expect(v.system_metric_list?.series.sendBytesRate?.[2]).toBe(10487410);
    expect(v).not.toHaveProperty('is_success');
    expect(v.volumes).toHaveLength(2);
  });

  it('the docs sample as published ("engine_type": ,) is a ResponseParseError naming the endpoint', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/training-jobs/10/versions/10'), method: 'GET' })
      .reply(200, fixture('version-detail.doc-invalid.txt'), { headers: JSON_HEADERS });
    const err = await h.api.getTrainingJobVersion(10, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseParseError);
    expect((err as ResponseParseError).endpoint).toBe(
      'GET /v1/{project_id}/training-jobs/{job_id}/versions/{version_id}',
    );
    expect((err as ResponseParseError).message).toContain('/training-jobs/{job_id}/versions/{version_id}');
    expect((err as ResponseParseError).userMessage).toBe('ModelArts sent a response the bot could not read');
  });

  it('an HTML body on 200 and a body of the wrong shape are ResponseParseErrors too', async () => {
    h = harness();
    h.pool.intercept({ path: v1('/training-jobs/1/versions/2'), method: 'GET' }).reply(200, '<html>gateway</html>');
    h.pool
      .intercept({ path: v1('/training-jobs/1/versions/3'), method: 'GET' })
      .reply(200, '{"job_id":"abc","status":1}');
    h.pool.intercept({ path: v1('/training-jobs/1/versions/4'), method: 'GET' }).reply(200, '');
    await expect(h.api.getTrainingJobVersion(1, 2)).rejects.toBeInstanceOf(ResponseParseError);
    const shape = await h.api.getTrainingJobVersion(1, 3).catch((e: unknown) => e);
    expect(shape).toBeInstanceOf(ResponseParseError);
    expect((shape as ResponseParseError).detail).toMatch(/job_id/);
    await expect(h.api.getTrainingJobVersion(1, 4)).rejects.toBeInstanceOf(ResponseParseError);
  });

  it('is lenient: missing arrays, nulls, metric lists as objects, numeric strings, timestamps of 0', async () => {
    h = harness();
    const body = {
      job_id: '7',
      version_id: 8,
      status: '8',
      create_time: '1700000000000',
      start_time: 0,
      duration: null,
      gpu_num: '4',
      core: 8,
      parameter: null,
      model_metric_list: {
        metric: [{ metric_values: { accuracy: '0.9' }, metric_meta: { class_name: 'cat', class_id: '3' } }],
        total_metric: { total_metric_values: { accuracy: 0.91, f1_score: '0.88' } },
      },
      system_metric_list: '',
      job_name: null,
    };
    h.pool.intercept({ path: v1('/training-jobs/7/versions/8'), method: 'GET' }).reply(200, JSON.stringify(body));
    const v = await h.api.getTrainingJobVersion('7', '8');
    expect(v).toMatchObject({
      job_id: 7,
      status: 8,
      create_time: 1700000000000,
      start_time: null,
      duration: null,
      gpu_num: 4,
      core: '8',
      cpu: null,
      parameter: [],
      data_source: [],
      job_name: null,
      pre_version_id: null,
      system_metric_list: null,
    });
    expect(v.model_metric_list).toEqual({
      total: { accuracy: 0.91, f1_score: 0.88 },
      classes: [{ accuracy: 0.9, class_name: 'cat', class_id: 3 }],
    });
  });
});

describe('versions of a job', () => {
  it('sends page/per_page and parses the versions list (system_metric_list as a JSON string)', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/training-jobs/10/versions?per_page=5&page=1'), method: 'GET' })
      .reply(200, fixture('training-job-versions.json'));
    const list = await h.api.listTrainingJobVersions(10, { per_page: 5, page: 1 });
    expect(list.job_id).toBe(10);
    expect(list.version_count).toBe(1);
    expect(list.versions[0]?.system_metric_list?.series.gpuMemUsage).toEqual([0, 0.65, 6.01]);
    expect(list.versions[0]?.model_metric_list?.total?.f1_score).toBe(0.000345);
    expect(list.versions[0]?.gpu).toBe(true);
  });
});

describe('all-version statuses', () => {
  it('sends every documented query parameter and parses the sample', async () => {
    h = harness();
    h.pool
      .intercept({
        path: v1(
          '/training-jobs/versions?offset=0&limit=0&status=8&sort_by=create_time&order=desc&pool_id=pool9928813f&workspace_id=0',
        ),
        method: 'GET',
      })
      .reply(200, fixture('job-version-statuses.json'));
    const list = await h.api.listJobVersionStatuses({
      offset: 0,
      limit: 0,
      status: 8,
      sort_by: 'create_time',
      order: 'desc',
      pool_id: 'pool9928813f',
      workspace_id: '0',
    });
    expect(list).toMatchObject({ total_count: 1, offset: 20, limit: 20 });
    expect(list.versions[0]).toMatchObject({
      version_id: 1485,
      status: 12,
      end_time: 1557473093000,
      version_desc: null,
      flavor_code: 'modelarts.p1.2xlarge',
      gpu_num: 1,
      npu_num: 0,
      job_id: null,
      job_name: null,
    });
  });

  it('keeps job_id/job_name when the service sends them', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/training-jobs/versions'), method: 'GET' })
      .reply(200, '{"versions":[{"version_id":1,"status":"8","job_id":"3","job_name":"x"}]}');
    const list = await h.api.listJobVersionStatuses();
    expect(list.versions[0]).toMatchObject({ job_id: 3, job_name: 'x', status: 8 });
    expect(list.total_count).toBe(1);
  });
});

describe('training job list', () => {
  it('sends every documented query parameter (camelCase sortBy) and parses rows', async () => {
    h = harness();
    h.pool
      .intercept({
        path: v1(
          '/training-jobs?status=8&per_page=20&page=2&sortBy=create_time&order=desc&search_content=a%20b%26c&workspace_id=ws-1',
        ),
        method: 'GET',
      })
      .reply(200, fixture('training-jobs.json'));
    const list = await h.api.listTrainingJobs({
      status: 8,
      per_page: 20,
      page: 2,
      sortBy: 'create_time',
      order: 'desc',
      search_content: 'a b&c',
      workspace_id: 'ws-1',
    });
    expect(list).toMatchObject({ job_total_count: 2, job_count_limit: 20, quotas: 20 });
    expect(list.jobs[1]).toMatchObject({
      job_id: 11,
      status: 8,
      create_time: 1524189990635,
      duration: null,
      job_desc: '',
    });
    expect(list.jobs[0]?.status).toBe(10);
  });
});

describe('training job configs', () => {
  it('sends every documented query parameter and parses the sample', async () => {
    h = harness();
    h.pool
      .intercept({
        path: v1(
          '/training-job-configs?per_page=10&page=1&sortBy=create_time&order=asc&search_content=configname&config_type=custom',
        ),
        method: 'GET',
      })
      .reply(200, fixture('training-job-configs.json'));
    const list = await h.api.listTrainingJobConfigs({
      per_page: 10,
      page: 1,
      sortBy: 'create_time',
      order: 'asc',
      search_content: 'configname',
      config_type: 'custom',
    });
    expect(list.config_total_count).toBe(3);
    expect(list.configs[0]).toMatchObject({
      config_name: 'testConfig',
      engine_type: 1,
      engine_id: 1,
      create_time: 1524189990635,
      user_image_url: '100.125.5.235:20202/jobmng/custom-cpu-base:1.0',
    });
  });
});

describe('visualization jobs', () => {
  it('detail: the doc sample (service_url is the TensorBoard link)', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/visualization-jobs/197'), method: 'GET' })
      .reply(200, fixture('visualization-job.json'));
    const job = await h.api.getVisualizationJob(197);
    expect(job).toMatchObject({
      job_id: 197,
      status: 7,
      duration: 33000,
      service_url: 'https://XXX/modelarts2/tensorboard/04f679b17380d32a2f32c00335c4b5ba/197/',
      remaining_duration: null,
    });
  });

  it('detail without is_success (as the docs describe it) is a success', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/visualization-jobs/5'), method: 'GET' })
      .reply(200, '{"job_id":5,"status":8,"service_url":"https://tb/5/"}');
    await expect(h.api.getVisualizationJob('5')).resolves.toMatchObject({ job_id: 5, service_url: 'https://tb/5/' });
  });

  it('list: every documented query parameter', async () => {
    h = harness();
    h.pool
      .intercept({
        path: v1(
          '/visualization-jobs?status=7&per_page=10&page=1&sortBy=job_id&order=asc&search_content=x&workspace_id=0',
        ),
        method: 'GET',
      })
      .reply(200, fixture('visualization-jobs.json'));
    const list = await h.api.listVisualizationJobs({
      status: 7,
      per_page: 10,
      page: 1,
      sortBy: 'job_id',
      order: 'asc',
      search_content: 'x',
      workspace_id: '0',
    });
    expect(list).toMatchObject({ job_total_count: 1, job_count_limit: 3 });
    expect(list.jobs[0]).toMatchObject({ job_id: 10, status: 7, create_time: 15099239923 });
  });
});

describe('processor tasks', () => {
  it('list: every documented query parameter, version_id comma-joined like the docs sample', async () => {
    h = harness();
    h.pool
      .intercept({
        path: v2(
          '/processor-tasks?offset=0&limit=100&sort_by=create_time&order=desc&source_type=DATASET&source=X6c3N3eztX7cr3Arvqu&task_type=sys_data_analyse&status=2&task_name=V0&version_id=XwTuRqI9En7xuZskW70%2CJ4Eh2FDEWH1qnDlD3hQ&query_current=true&return_result=true&workspace_id=0',
        ),
        method: 'GET',
      })
      .reply(200, fixture('processor-tasks.json'));
    const list = await h.api.listProcessorTasks({
      offset: 0,
      limit: 100,
      sort_by: 'create_time',
      order: 'desc',
      source_type: 'DATASET',
      source: 'X6c3N3eztX7cr3Arvqu',
      task_type: 'sys_data_analyse',
      status: 2,
      task_name: 'V0',
      version_id: ['XwTuRqI9En7xuZskW70', 'J4Eh2FDEWH1qnDlD3hQ'],
      query_current: true,
      return_result: true,
      workspace_id: '0',
    });
    expect(list.count).toBe(1);
    const task = list.tasks[0];
    expect(task).toMatchObject({
      task_id: 'ddwRJeTnjpiq4dNUZOq',
      status: 2,
      duration_seconds: 11,
      task_type: 'sys_data_analyse',
      is_current: true,
      result: null,
      error_msg: null,
      work_path: null,
    });
    expect(task?.data_source?.source).toBe('X6c3N3eztX7cr3Arvqu');
    expect(task?.inputs).toHaveLength(1);
    expect(task?.template?.operator_params[0]?.params?.task_type).toBe('image_classification');
  });

  it('detail: numbers and booleans as strings, work_path object, opaque result kept', async () => {
    h = harness();
    h.pool
      .intercept({ path: v2('/processor-tasks/ddwRJeTnjpiq4dNUZOq'), method: 'GET' })
      .reply(200, fixture('processor-task.json'));
    const task = await h.api.getProcessorTask('ddwRJeTnjpiq4dNUZOq');
    expect(task).toMatchObject({
      duration_seconds: 11,
      is_current: true,
      version_count: 1,
      workspace_id: '0',
      result: 'xxx',
      work_path: { type: 'OBS', path: '/test-obs/classify/output/' },
      task_type: 'sys_data_analyse',
    });
  });
});

describe('logs', () => {
  it('log file names: an array (documented as a string) or a single string', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/training-jobs/10/versions/10/log/file-names'), method: 'GET' })
      .reply(200, fixture('log-file-names.json'));
    h.pool
      .intercept({ path: v1('/training-jobs/10/versions/11/log/file-names'), method: 'GET' })
      .reply(200, '{"is_success":true,"log_file_list":"job-x.0"}');
    await expect(h.api.getLogFileNames(10, 10)).resolves.toEqual(['job-a1b2c3.0']);
    await expect(h.api.getLogFileNames(10, 11)).resolves.toEqual(['job-x.0']);
  });

  it('aom-log: the 19-digit start_line survives exactly and goes back as base_line unchanged', async () => {
    h = harness();
    h.pool
      .intercept({
        path: v1('/training-jobs/10/versions/10/aom-log?log_file=job-a1b2c3.0&lines=50&order=desc'),
        method: 'GET',
      })
      .reply(200, fixture('aom-log.json'));
    const log = await h.api.getAomLog(10, 10, { log_file: 'job-a1b2c3.0', lines: 50, order: 'desc' });
    expect(log).toEqual({
      content: 'Epoch 1/10 loss=0.42\n',
      lines: 1,
      start_line: '1551252759254000002',
      end_line: '1551252759254000002',
    });
    // JSON.parse would have rounded it:
    expect(String(JSON.parse('{"n":1551252759254000002}').n)).not.toBe('1551252759254000002');

    h.pool
      .intercept({
        path: v1('/training-jobs/10/versions/10/aom-log?log_file=job-a1b2c3.0&base_line=1551252759254000002&order=asc'),
        method: 'GET',
      })
      .reply(200, '{"is_success":true,"content":"","lines":0,"start_line":1551252759254000001,"end_line":""}');
    const older = await h.api.getAomLog(10, 10, { log_file: 'job-a1b2c3.0', base_line: log.start_line, order: 'asc' });
    expect(older.start_line).toBe('1551252759254000001');
  });

  it('aom-log: 204 while the job has not logged yet is an empty log', async () => {
    h = harness();
    h.pool.intercept({ path: v1('/training-jobs/3/versions/4/aom-log?log_file=f'), method: 'GET' }).reply(204, '');
    await expect(h.api.getAomLog(3, 4, { log_file: 'f' })).resolves.toEqual({
      content: '',
      lines: 0,
      start_line: '',
      end_line: '',
    });
  });
});
