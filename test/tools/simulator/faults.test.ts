import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Faults, type Simulator, startSimulator } from '../../../tools/simulator/index.js';
import { asRecord, control, get, manualClock } from './helpers.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ clock: manualClock().now, generatedJobs: 5 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.faults.clear();
  sim.resetRequestCounts();
});

const DETAIL = '/v1/{p}/training-jobs/10/versions/10';

describe('fault injection', () => {
  it('answers 429 with Retry-After and the gateway throttling body, for the next N requests only', async () => {
    sim.faults.rateLimit({ endpoint: 'getTrainingJobVersion', times: 2, retryAfterSeconds: 3 });
    for (let i = 0; i < 2; i++) {
      const res = await get(sim, DETAIL);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(res.json).toEqual({
        error_msg: expect.any(String),
        error_code: 'APIG.0308',
        request_id: res.headers.get('x-request-id'),
      });
    }
    expect((await get(sim, DETAIL)).status).toBe(200);
    expect(sim.faults.list()).toEqual([]);
  });

  it('uses a ModelArts throttling code in the endpoint family shape when asked, and can omit Retry-After', async () => {
    sim.faults.rateLimit({ endpoint: 'listProcessorTasks', code: 'ModelArts.2799', retryAfterSeconds: null, times: 1 });
    const res = await get(sim, '/v2/{p}/processor-tasks');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.json).toEqual({ error_code: 'ModelArts.2799', error_msg: expect.any(String) });
  });

  it('answers 5xx: 500 in the family shape, 502/504 from the gateway', async () => {
    sim.faults.serverError({ times: 1 });
    const v1 = await get(sim, DETAIL);
    expect(v1.status).toBe(500);
    expect(v1.json).toEqual({ is_success: false, error_code: 'ModelArts.0010', error_message: expect.any(String) });
    sim.faults.serverError({ status: 503, times: 1 });
    const v2 = await get(sim, '/v2/{p}/processor-tasks');
    expect(v2.status).toBe(503);
    expect(v2.json).toEqual({ error_code: 'ModelArts.4503', error_msg: expect.any(String) });
    sim.faults.serverError({ status: 504, times: 1 });
    const gw = await get(sim, DETAIL);
    expect(gw.status).toBe(504);
    expect(gw.json).toMatchObject({ error_code: 'APIG.0201', request_id: gw.headers.get('x-request-id') });
  });

  it('sends a malformed body: the real answer with the docs’ "engine_type": , spliced in', async () => {
    sim.faults.malformed({ endpoint: 'getTrainingJobVersion', times: 1 });
    const res = await get(sim, DETAIL);
    expect(res.status).toBe(200);
    expect(res.json).toBeUndefined();
    expect(res.text.startsWith('{"engine_type": ,')).toBe(true);
    expect(res.text).toContain('"job_name":"TestModelArtsJob"');
    sim.faults.malformed({ times: 1, body: '<html>502 Bad Gateway</html>' });
    expect((await get(sim, '/v1/{p}/training-jobs')).text).toBe('<html>502 Bad Gateway</html>');
  });

  it('switches the all-versions endpoint off like a gateway without that API, leaving the rest working', async () => {
    sim.faults.setAllVersionsOff(true);
    const res = await get(sim, '/v1/{p}/training-jobs/versions?limit=0');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      error_msg: expect.any(String),
      error_code: 'APIG.0101',
      request_id: expect.any(String),
    });
    expect((await get(sim, '/v1/{p}/training-jobs')).status).toBe(200);
    expect((await get(sim, '/v1/{p}/training-jobs/10/versions')).status).toBe(200);
    sim.faults.setAllVersionsOff(false);
    expect((await get(sim, '/v1/{p}/training-jobs/versions')).status).toBe(200);
  });

  it('hangs until the client gives up, and close() still returns with a request hanging', async () => {
    const own = await startSimulator({ clock: manualClock().now, generatedJobs: 0 });
    own.faults.hang({ endpoint: 'getVisualizationJob' });
    const aborted = fetch(`${own.url}/v1/${own.projectId}/visualization-jobs/10`, {
      headers: { 'x-auth-token': own.credentials.token },
      signal: AbortSignal.timeout(200),
    });
    await expect(aborted).rejects.toThrow();
    const pending = fetch(`${own.url}/v1/${own.projectId}/visualization-jobs/10`, {
      headers: { 'x-auth-token': own.credentials.token },
    }).then(
      () => 'answered',
      () => 'failed',
    );
    // Other endpoints keep answering while one hangs.
    const other = await fetch(`${own.url}/v1/${own.projectId}/training-jobs`, {
      headers: { 'x-auth-token': 'sim-token' },
    });
    expect(other.status).toBe(200);
    await own.close();
    expect(await pending).toBe('failed');
  });

  it('resets the connection', async () => {
    sim.faults.reset({ endpoint: 'listTrainingJobs', times: 1 });
    await expect(
      fetch(`${sim.url}/v1/${sim.projectId}/training-jobs`, { headers: { 'x-auth-token': 'sim-token' } }),
    ).rejects.toThrow();
    expect((await get(sim, '/v1/{p}/training-jobs')).status).toBe(200);
  });

  it('applies latency rules on top of a failure and to IAM only when named', () => {
    const faults = new Faults();
    faults.setLatency(100);
    faults.add({ kind: 'latency', ms: 50, endpoint: 'getAomLog', times: 1 });
    faults.serverError({ endpoint: 'getAomLog' });
    expect(faults.match('getAomLog')).toMatchObject({ delayMs: 150, fault: { kind: 'serverError' } });
    expect(faults.match('getAomLog')).toMatchObject({ delayMs: 100, fault: { kind: 'serverError' } });
    expect(faults.match('iamTokens')).toEqual({ delayMs: 0, fault: null });
    faults.setLatency(20);
    expect(faults.match('listTrainingJobs').delayMs).toBe(20);
    faults.setLatency(0);
    expect(faults.match('listTrainingJobs').delayMs).toBe(0);
    expect(() => faults.add({ kind: 'latency' })).toThrow(/ms/);
    expect(() => faults.add({ kind: 'serverError', status: 404 })).toThrow(/5xx/);
    expect(() => faults.add({ kind: 'hang', endpoint: 'nope' as never })).toThrow(/endpoint/);
  });

  it('answers a request delayed by latency with the real answer', async () => {
    sim.faults.setLatency(30, 'getTrainingJobVersion');
    const res = await get(sim, DETAIL);
    expect(res.status).toBe(200);
    expect(asRecord(res.json).job_id).toBe(10);
  });
});

describe('request counts', () => {
  it('counts requests per endpoint name, faulted ones and unknown paths included', async () => {
    sim.faults.serverError({ endpoint: 'getTrainingJobVersion', times: 1 });
    await get(sim, DETAIL);
    await get(sim, DETAIL);
    await get(sim, '/v1/{p}/training-jobs/versions');
    await get(sim, '/nothing/here');
    await get(sim, `/v2/{p}/processor-tasks/ddwRJeTnjpiq4dNUZOq`);
    const counts = sim.requestCounts();
    expect(counts).toMatchObject({
      getTrainingJobVersion: 2,
      listJobVersionStatuses: 1,
      getProcessorTask: 1,
      unmatched: 1,
      listTrainingJobs: 0,
      iamTokens: 0,
    });
    sim.resetRequestCounts();
    expect(sim.requestCounts().getTrainingJobVersion).toBe(0);
  });
});

describe('fault control endpoint', () => {
  it('adds, lists and removes faults over HTTP, including the all-versions switch and latency', async () => {
    const added = asRecord(
      (
        await control(sim, 'POST', '/faults', [
          { kind: 'serverError', endpoint: 'listTrainingJobs', times: 1 },
          { kind: 'rateLimit', endpoint: 'getAomLog' },
        ])
      ).json,
    );
    const faults = added.faults as Array<{ id: number; kind: string }>;
    expect(faults.map((f) => f.kind)).toEqual(['serverError', 'rateLimit']);
    expect((await get(sim, '/v1/{p}/training-jobs')).status).toBe(500);
    expect((await get(sim, '/v1/{p}/training-jobs')).status).toBe(200);
    expect((await control(sim, 'DELETE', `/faults/${faults[1]!.id}`)).status).toBe(200);
    expect(asRecord((await control(sim, 'GET', '/faults')).json).faults).toEqual([]);
    await control(sim, 'PUT', '/all-versions', { enabled: false });
    expect((await get(sim, '/v1/{p}/training-jobs/versions')).status).toBe(404);
    expect(asRecord((await control(sim, 'GET', '/faults')).json).allVersionsOff).toBe(true);
    await control(sim, 'PUT', '/all-versions', { enabled: true });
    expect((await get(sim, '/v1/{p}/training-jobs/versions')).status).toBe(200);
    await control(sim, 'PUT', '/latency', { ms: 5 });
    expect(sim.faults.list()).toEqual([expect.objectContaining({ kind: 'latency', ms: 5, endpoint: '*' })]);
    const counts = asRecord((await control(sim, 'GET', '/requests')).json);
    expect(counts.listTrainingJobs).toBe(2);
    expect((await control(sim, 'POST', '/faults', { kind: 'explode' })).status).toBe(400);
    await control(sim, 'DELETE', '/faults');
    expect(sim.faults.list()).toEqual([]);
  });

  it('takes faults and the all-versions switch from start options', async () => {
    const own = await startSimulator({
      clock: manualClock().now,
      generatedJobs: 0,
      allVersionsOff: true,
      latencyMs: 1,
      faults: [{ kind: 'serverError', endpoint: 'getVisualizationJob', times: 1 }],
    });
    try {
      expect((await get(own, '/v1/{p}/training-jobs/versions')).status).toBe(404);
      expect((await get(own, '/v1/{p}/visualization-jobs/10')).status).toBe(500);
      expect((await get(own, '/v1/{p}/visualization-jobs/10')).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});
