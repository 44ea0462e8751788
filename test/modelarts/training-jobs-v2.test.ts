/** The v2 job search and detail at unit level (undici MockAgent): request shape, parsing, units, errors, ids. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiUnavailableError,
  BadRequestError,
  InvalidIdError,
  isApiUnavailable,
  type LoggerLike,
  NotFoundError,
  RateLimitError,
  type RequestEvent,
  verifyRequestSignature,
} from '../../src/modelarts/index.js';
import { fixture, type Harness, harness, JSON_HEADERS, ORIGIN, PROJECT, v2 } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.api.close();
  await h?.agent.close();
  h = undefined;
});

const SEARCH = v2('/training-job-searches');
const ID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';
const sent = (h: Harness) => h.calls().filter((c) => c.fullUrl.startsWith(ORIGIN));
const bodyOf = (h: Harness, i = 0) => {
  const call = h.agent.getCallHistory()?.calls()[i];
  return JSON.parse(String(call?.body)) as Record<string, unknown>;
};

describe('POST /v2/{project_id}/training-job-searches', () => {
  it('sends the filters as the API takes them and parses the sample answer', async () => {
    h = harness();
    h.pool
      .intercept({ path: SEARCH, method: 'POST', headers: { 'content-type': 'application/json' } })
      .reply(200, fixture('v2-search.json'), { headers: JSON_HEADERS });
    const page = await h.api.searchTrainingJobs({
      offset: 0,
      limit: 20,
      sort_by: 'create_time',
      order: 'desc',
      workspace_id: '0',
      phases: ['Running', 'Pending'],
      excludePhases: ['Failed'],
      name: 'resnet',
      createdBetween: [1744400000000, 1744500000000],
      filters: [{ key: 'user_id', operator: 'in', value: ['u1'] }],
    });
    expect(bodyOf(h)).toEqual({
      offset: 0,
      limit: 20,
      sort_by: 'create_time',
      order: 'desc',
      workspace_id: '0',
      filters: [
        { key: 'phase', operator: 'in', value: ['Running', 'Pending'] },
        { key: 'phase', operator: 'not', value: ['Failed'] },
        { key: 'name', operator: 'like', value: ['resnet'] },
        { key: 'create_time', operator: 'between', value: ['1744400000000', '1744500000000'] },
        { key: 'user_id', operator: 'in', value: ['u1'] },
      ],
    });
    expect(page).toMatchObject({ total: 137, count: 1, limit: 20, offset: 0, dropped: 0 });
    const [job] = page.items;
    expect(job?.metadata).toMatchObject({
      id: ID,
      name: 'resnet50-ft',
      create_time: 1744441200000,
      user_name: 'alice',
    });
    expect(job?.status).toMatchObject({ phase: 'Pending', secondary_phase: 'Queuing', duration: 0, start_time: null });
    expect(job?.status.tasks).toEqual(['worker-0']);
    // Sub-objects a list item leaves out are there, empty: readers need no optional chains.
    expect(job?.algorithm).toMatchObject({ engine: null, parameters: [], inputs: [], environments: {} });
    expect(job?.endpoints.tensorboard).toBeNull();
    expect(job?.spec.resource).toMatchObject({
      flavor_id: 'modelarts.pnt1.large.eco',
      node_count: 1,
      flavor_detail: null,
    });
  });

  it('an empty query sends an empty body', async () => {
    h = harness();
    h.pool.intercept({ path: SEARCH, method: 'POST' }).reply(200, '{"total":0,"count":0,"items":[]}');
    expect((await h.api.searchTrainingJobs()).items).toEqual([]);
    expect(bodyOf(h)).toEqual({});
  });

  it('drops rows that cannot be read, counts them, logs and reports them', async () => {
    const warnings: object[] = [];
    const events: RequestEvent[] = [];
    const logger: LoggerLike = { debug: () => undefined, warn: (o) => warnings.push(o) };
    h = harness({ logger, onRequest: (e) => events.push(e) });
    const good = JSON.parse(fixture('v2-search.json')).items[0];
    h.pool
      .intercept({ path: SEARCH, method: 'POST' })
      .reply(200, JSON.stringify({ count: 4, items: [good, { metadata: { name: 'no id' } }, 'junk', null] }));
    const page = await h.api.searchTrainingJobs({ limit: 10 });
    expect(page.items.map((j) => j.metadata.id)).toEqual([ID]);
    expect(page.dropped).toBe(3);
    expect(warnings).toEqual([{ endpoint: 'POST /v2/{project_id}/training-job-searches', dropped: 3 }]);
    expect(events[0]).toMatchObject({ outcome: 'ok', droppedRows: 3 });
  });

  it('is retried like a GET (it only reads), on 503 and on 429', async () => {
    const hh = harness();
    h = hh;
    h.pool.intercept({ path: SEARCH, method: 'POST' }).reply(503, '');
    h.pool.intercept({ path: SEARCH, method: 'POST' }).reply(429, '{"error_code":"APIGW.0308"}');
    h.pool.intercept({ path: SEARCH, method: 'POST' }).reply(200, '{"count":0,"items":[]}');
    await expect(h.api.searchTrainingJobs({ phases: ['Running'] })).resolves.toMatchObject({ count: 0 });
    expect(sent(h)).toHaveLength(3);
    // Every attempt sends the same bytes.
    expect(new Set([0, 1, 2].map((i) => JSON.stringify(bodyOf(hh, i)))).size).toBe(1);
  });

  it.each([
    ['404 APIG.0101 (OTC)', 404, '{"error_code":"APIG.0101","error_msg":"The API does not exist"}'],
    ['404 APIGW.0101 (Huawei)', 404, '{"error_code":"APIGW.0101","error_msg":"The API does not exist"}'],
    ['a bare 404', 404, ''],
    ['405', 405, ''],
  ])('%s → the v2 API is unavailable here', async (_name, status, body) => {
    h = harness();
    h.pool.intercept({ path: SEARCH, method: 'POST' }).reply(status, body);
    const err = await h.api.searchTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiUnavailableError);
    expect(isApiUnavailable(err, 'v2')).toBe(true);
    expect(isApiUnavailable(err, 'v1')).toBe(false);
    expect(sent(h)).toHaveLength(1);
  });

  it('400 ModelArts.2775 from the search is neither "not found" nor "unavailable"', async () => {
    h = harness();
    h.pool
      .intercept({ path: SEARCH, method: 'POST' })
      .reply(400, '{"error_code":"ModelArts.2775","error_msg":"Training job not found"}');
    const err = await h.api.searchTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).not.toBeInstanceOf(NotFoundError);
    expect(isApiUnavailable(err, 'v2')).toBe(false);
  });

  it.each([
    [{ limit: 51 }, /limit/],
    [{ limit: 0 }, /limit/],
    [{ offset: -1 }, /offset/],
    [{ phases: ['Run ning'] }, /phase/],
    [{ createdBetween: [2, 1] as const }, /createdBetween/],
    [{ filters: [{ key: 'Bad Key', operator: 'in' as const, value: [] }] }, /filter key/],
  ])('refuses %j before sending anything', async (query, message) => {
    h = harness();
    await expect(h.api.searchTrainingJobs(query)).rejects.toThrow(message);
    expect(sent(h)).toHaveLength(0);
  });
});

describe('GET /v2/{project_id}/training-jobs/{training_job_id}', () => {
  it('parses the running 2-node GPU sample; seconds become ms, ms stay ms', async () => {
    h = harness();
    h.pool
      .intercept({ path: v2(`/training-jobs/${ID}`), method: 'GET' })
      .reply(200, fixture('v2-job-running.json'), { headers: JSON_HEADERS });
    const job = await h.api.getTrainingJob(ID);
    expect(job.kind).toBe('job');
    expect(job.metadata.annotations).toEqual({ 'tensorboard/enable': 'true' });
    expect(job.status).toMatchObject({
      phase: 'Running',
      duration: 5_400_000,
      start_time: 1744441260000,
      tasks: ['worker-0', 'worker-1'],
      task_statuses: [],
    });
    expect(job.status.node_count_metrics).toEqual([
      [1744441260000, 0],
      [1744441320000, 2],
    ]);
    // running_records are epoch seconds on the wire.
    expect(job.status.running_records).toEqual([
      expect.objectContaining({ start_at: 1744441320000, end_at: null, start_type: 'init_or_rescheduled' }),
    ]);
    expect(job.algorithm.parameters).toEqual([{ name: 'lr', value: '0.01', description: null }]);
    expect(job.algorithm.inputs[0]?.remote.obs?.obs_url).toBe('/bkt/data/');
    expect(job.algorithm.engine).toMatchObject({
      engine_name: 'PyTorch',
      engine_version: 'PyTorch-1.4.0-python3.6-v2',
    });
    expect(job.spec.resource.flavor_detail?.flavor_info?.gpu).toMatchObject({ unit_num: 1, product_name: 'GP-Vnt1' });
    expect(job.spec.resource.node_count).toBe(2);
    expect(job.endpoints.tensorboard).toEqual({ url: 'https://tb.example.invalid/6f1c2a3e/', token: 't0k3n' });
  });

  it('reads a failed job: exit code and message, end reason, NPU count given as a string, environments as a list', async () => {
    h = harness();
    const failed = JSON.parse(fixture('v2-job-running.json'));
    failed.status = {
      phase: 'Failed',
      secondary_phase: 'Failed',
      duration: 61000,
      start_time: 1744441260000,
      tasks: ['worker-0'],
      task_statuses: [{ task: 'worker-0', exit_code: 1, message: 'CUDA out of memory' }],
      running_records: [
        { start_at: 1744441320, end_at: 1744441381, end_reason: 'exit with 1', end_related_task: 'worker-0' },
        'not a record',
      ],
    };
    failed.spec.resource.flavor_detail.flavor_info = { npu: { unit_num: '8', product_name: 'Ascend-910' } };
    failed.algorithm.environments = [{ A: '1' }, { B: 2 }];
    delete failed.metadata.id;
    h.pool.intercept({ path: v2(`/training-jobs/${ID}`), method: 'GET' }).reply(200, JSON.stringify(failed));
    const job = await h.api.getTrainingJob(ID);
    expect(job.metadata.id).toBe(ID);
    expect(job.status.task_statuses).toEqual([{ task: 'worker-0', exit_code: 1, message: 'CUDA out of memory' }]);
    expect(job.status.running_records).toHaveLength(1);
    expect(job.status.running_records[0]).toMatchObject({
      start_at: 1744441320000,
      end_at: 1744441381000,
      end_reason: 'exit with 1',
    });
    expect(job.spec.resource.flavor_detail?.flavor_info?.npu?.unit_num).toBe(8);
    expect(job.algorithm.environments).toEqual({ A: '1', B: '2' });
  });

  it('a pasted upper-case UUID is the same job (lower-cased in the path)', async () => {
    h = harness();
    h.pool.intercept({ path: v2(`/training-jobs/${ID}`), method: 'GET' }).reply(200, fixture('v2-job-running.json'));
    expect((await h.api.getTrainingJob(ID.toUpperCase())).metadata.id).toBe(ID);
  });

  it.each(['10', `${ID}x`, '../6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b', `${ID.slice(0, 35)}g`, ' ', `${ID}\u0000`])(
    'refuses %j with zero requests',
    async (bad) => {
      h = harness();
      const err = await h.api.getTrainingJob(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidIdError);
      expect((err as InvalidIdError).userMessage).toMatch(/new-version training job id/);
      expect(sent(h)).toHaveLength(0);
    },
  );

  it('400 ModelArts.2775 is "this job does not exist"', async () => {
    h = harness();
    h.pool
      .intercept({ path: v2(`/training-jobs/${ID}`), method: 'GET' })
      .reply(400, JSON.stringify({ error_code: 'ModelArts.2775', error_msg: `Training job ${ID} not found` }));
    const err = await h.api.getTrainingJob(ID).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(isApiUnavailable(err, 'v2')).toBe(false);
  });

  it('404 APIG.0101 on the detail: the v2 API is unavailable', async () => {
    h = harness();
    h.pool.intercept({ path: v2(`/training-jobs/${ID}`), method: 'GET' }).reply(404, '{"error_code":"APIG.0101"}');
    expect(isApiUnavailable(await h.api.getTrainingJob(ID).catch((e: unknown) => e), 'v2')).toBe(true);
  });

  it('429 ModelArts.2799 is rate limiting', async () => {
    h = harness({ retry: { maxAttempts: 1 } });
    h.pool.intercept({ path: v2(`/training-jobs/${ID}`), method: 'GET' }).reply(429, '{"error_code":"ModelArts.2799"}');
    await expect(h.api.getTrainingJob(ID)).rejects.toBeInstanceOf(RateLimitError);
  });
});

describe('signed POST (AK/SK)', () => {
  it('signs the exact body bytes: the verifier accepts them, and refuses any other body', async () => {
    const auth = { mode: 'aksk' as const, accessKey: 'AK0123', secretKey: 'sk-0123456789' };
    h = harness({ auth });
    h.pool.intercept({ path: SEARCH, method: 'POST' }).reply(200, '{"count":0,"items":[]}');
    await h.api.searchTrainingJobs({ phases: ['Running'], name: 'ü "quoted"' });
    const call = h.agent.getCallHistory()?.calls()[0];
    const request = {
      method: 'POST',
      url: new URL(call?.fullUrl ?? ''),
      headers: { ...(call?.headers as Record<string, string>), host: new URL(ORIGIN).host },
    };
    const secretFor = (ak: string) => (ak === 'AK0123' ? 'sk-0123456789' : undefined);
    const headers = call?.headers as Record<string, string>;
    expect(headers.authorization).toMatch(/SignedHeaders=content-type;host;x-project-id;x-sdk-date,/);
    expect(headers['x-project-id']).toBe(PROJECT);
    expect(verifyRequestSignature({ ...request, body: String(call?.body) }, secretFor)).toEqual({
      ok: true,
      accessKey: 'AK0123',
    });
    expect(
      verifyRequestSignature({ ...request, body: String(call?.body).replace('Running', 'Failed') }, secretFor),
    ).toEqual({
      ok: false,
      reason: 'signature-mismatch',
    });
  });

  it('a POST that is not read-only is sent once, never retried', async () => {
    h = harness();
    const client = (await import('../../src/modelarts/client.js')).createModelArtsClient({
      endpoint: ORIGIN,
      projectId: PROJECT,
      auth: (await import('../../src/modelarts/auth/index.js')).createStaticTokenProvider('t0ken-xyz'),
      dispatcher: h.agent,
      retry: { sleep: async () => undefined },
    });
    h.pool.intercept({ path: v2(`/training-jobs/${ID}/actions`), method: 'POST' }).reply(503, '');
    const { z } = await import('zod');
    await expect(
      client.post({
        template: '/v2/{project_id}/training-jobs/{id}/actions',
        params: { id: ID },
        body: { action_type: 'terminate' },
        schema: z.unknown(),
      }),
    ).rejects.toThrow(/HTTP 503/);
    expect(sent(h)).toHaveLength(1);
  });
});
