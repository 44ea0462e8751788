import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  RateLimitError,
  type RequestEvent,
  ServerError,
  TimeoutError,
} from '../../src/modelarts/index.js';
import { type Harness, harness, v1 } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.api.close();
  await h?.agent.close();
  h = undefined;
});

const JOBS = v1('/training-jobs');
const OK = '{"is_success":true,"job_total_count":0,"jobs":[]}';

describe('retries (GET only, connection errors / 408 / 429 / 5xx)', () => {
  it('429 with Retry-After, then success: waits exactly Retry-After', async () => {
    h = harness();
    h.pool
      .intercept({ path: JOBS, method: 'GET' })
      .reply(429, '{"error_code":"APIG.0308","error_msg":"throttled"}', { headers: { 'retry-after': '2' } });
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(200, OK);
    await expect(h.api.listTrainingJobs()).resolves.toMatchObject({ jobs: [] });
    expect(h.calls()).toHaveLength(2);
    expect(h.sleeps).toEqual([2000]);
  });

  it('503 then success: full-jitter backoff (random · base · 2^n)', async () => {
    h = harness({ retry: { random: () => 0.5, baseDelayMs: 200 } });
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(503, 'busy');
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(500, '{"error_code":"ModelArts.0010"}');
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(200, OK);
    await expect(h.api.listTrainingJobs()).resolves.toBeTruthy();
    expect(h.sleeps).toEqual([100, 200]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    h = harness({ retry: { maxAttempts: 3, random: () => 0.999, baseDelayMs: 100, maxDelayMs: 150 } });
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(503, '').times(3);
    const err = await h.api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(h.calls()).toHaveLength(3);
    expect(h.sleeps).toEqual([99, 149]);
  });

  it('connection errors are retried', async () => {
    h = harness();
    h.pool
      .intercept({ path: JOBS, method: 'GET' })
      .replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(200, OK);
    await expect(h.api.listTrainingJobs()).resolves.toBeTruthy();
    expect(h.calls()).toHaveLength(2);
  });

  it('a connection error on every attempt surfaces as ConnectionError', async () => {
    h = harness({ retry: { maxAttempts: 2 } });
    h.pool
      .intercept({ path: JOBS, method: 'GET' })
      .replyWithError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))
      .times(2);
    const err = await h.api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).userMessage).toBe('Could not reach ModelArts (ECONNREFUSED)');
  });

  it('a rate-limit code inside an is_success:false 200 is retried too', async () => {
    h = harness();
    h.pool
      .intercept({ path: JOBS, method: 'GET' })
      .reply(200, '{"is_success":false,"error_code":"ModelArts.2799","error_message":"Too many requests"}');
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(200, OK);
    await expect(h.api.listTrainingJobs()).resolves.toBeTruthy();
    expect(h.calls()).toHaveLength(2);
  });

  it.each([
    [401, '{"error_code":"ModelArts.0208","error_msg":"auth failed"}', AuthenticationError],
    [400, '{"is_success":false,"error_code":"ModelArts.0104","error_message":"bad"}', BadRequestError],
    [404, '{"error_code":"ModelArts.4352","error_msg":"nope"}', Error],
  ])('no retry on %s', async (status, body, type) => {
    h = harness();
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(status, body);
    await expect(h.api.listTrainingJobs()).rejects.toBeInstanceOf(type);
    expect(h.calls()).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  it('honours the overall deadline: no retry whose wait would pass it', async () => {
    let clock = 1_000_000;
    const waits: number[] = [];
    h = harness({
      now: () => clock,
      retry: {
        deadlineMs: 5_000,
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
      },
    });
    h.pool
      .intercept({ path: JOBS, method: 'GET' })
      .reply(429, '', { headers: { 'retry-after': '3' } })
      .times(2);
    const err = await h.api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).toBe(3000);
    expect(h.calls()).toHaveLength(2);
    expect(waits).toEqual([3000]);
  });

  it('a Retry-After beyond maxRetryAfterMs goes straight to the caller', async () => {
    h = harness({ retry: { maxRetryAfterMs: 10_000 } });
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(429, '', { headers: { 'retry-after': '60' } });
    const err = await h.api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).userMessage).toContain('try again in 60 s');
    expect(h.calls()).toHaveLength(1);
  });

  it('a per-call timeoutMs caps the whole call', async () => {
    let clock = 0;
    h = harness({
      now: () => clock,
      retry: {
        sleep: async (ms) => {
          clock += ms;
        },
        random: () => 0.99,
        baseDelayMs: 1000,
      },
    });
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(503, '').times(4);
    const err = await h.api.listTrainingJobs({}, { timeoutMs: 2500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    // 1st wait 990 ms, 2nd would be 1980 ms: past 2500 ms, so it stops after two requests.
    expect(h.calls()).toHaveLength(2);
  });

  it('an attempt that takes longer than timeoutMs is a TimeoutError', async () => {
    h = harness({ timeoutMs: 30, retry: { maxAttempts: 1 } });
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(200, OK).delay(2_000);
    const err = await h.api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).endpoint).toBe('GET /v1/{project_id}/training-jobs');
  });

  it("the caller's abort ends the call with the abort reason and sends nothing more", async () => {
    h = harness();
    const controller = new AbortController();
    controller.abort(new Error('user went away'));
    await expect(h.api.listTrainingJobs({}, { signal: controller.signal })).rejects.toThrow('user went away');
    expect(h.calls()).toHaveLength(0);
  });

  it('reports one event per call for metrics', async () => {
    const events: RequestEvent[] = [];
    h = harness({ onRequest: (e) => events.push(e) });
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(503, '');
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(200, OK);
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(404, '{"error_code":"ModelArts.2775"}');
    await h.api.listTrainingJobs();
    await h.api.listTrainingJobs().catch(() => undefined);
    expect(events.map(({ durationMs: _, ...e }) => e)).toEqual([
      {
        endpoint: 'GET /v1/{project_id}/training-jobs',
        status: 200,
        outcome: 'ok',
        errorCode: null,
        attempts: 2,
        droppedRows: 0,
      },
      {
        endpoint: 'GET /v1/{project_id}/training-jobs',
        status: 404,
        outcome: 'NotFoundError',
        errorCode: 'ModelArts.2775',
        attempts: 1,
        droppedRows: 0,
      },
    ]);
  });
});
