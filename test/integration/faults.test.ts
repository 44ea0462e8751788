/** Every fault the simulator injects, seen through the API layer's retries and typed errors. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConnectionError,
  EndpointNotFoundError,
  type ModelArtsApi,
  RateLimitError,
  ResponseParseError,
  ServerError,
  TimeoutError,
} from '../../src/modelarts/index.js';
import { type Simulator, startSimulator } from '../../tools/simulator/index.js';
import { apiFor } from './helpers.js';

let sim: Simulator;
let api: ModelArtsApi;
const slept: number[] = [];

beforeAll(async () => {
  sim = await startSimulator({ generatedJobs: 3 });
  api = apiFor(sim, 'aksk', {
    retry: {
      maxAttempts: 4,
      // Record the waits instead of sleeping them: the test checks that Retry-After is honoured without waiting.
      sleep: async (ms) => {
        slept.push(ms);
      },
    },
  });
});
afterAll(async () => {
  await api.close();
  await sim.close();
});
afterEach(() => {
  sim.faults.clear();
  sim.resetRequestCounts();
  slept.length = 0;
});

describe('retried faults', () => {
  it('429 with Retry-After → retried after the advertised wait, then succeeds', async () => {
    sim.faults.rateLimit({ endpoint: 'getTrainingJobVersion', times: 2, retryAfterSeconds: 2 });
    const v = await api.getTrainingJobVersion(10, 10);
    expect(v.version_id).toBe(10);
    expect(sim.requestCounts().getTrainingJobVersion).toBe(3);
    expect(slept).toEqual([2000, 2000]);
  });

  it('429 that never ends → RateLimitError with retryAfterMs after the bounded attempts', async () => {
    sim.faults.rateLimit({ endpoint: 'listTrainingJobs', retryAfterSeconds: 1 });
    const err = await api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, errorCode: 'APIG.0308', retryAfterMs: 1000 });
    expect(sim.requestCounts().listTrainingJobs).toBe(4);
  });

  it('5xx (500, 502, 503, 504) → retried, then succeeds', async () => {
    // Three failures fit in four attempts.
    for (const status of [500, 502, 503]) sim.faults.serverError({ endpoint: 'listProcessorTasks', status, times: 1 });
    expect((await api.listProcessorTasks({ limit: 3 })).tasks).toHaveLength(3);
    expect(sim.requestCounts().listProcessorTasks).toBe(4);
    sim.faults.serverError({ endpoint: 'listProcessorTasks', status: 504, times: 1 });
    expect((await api.listProcessorTasks({ limit: 3 })).tasks).toHaveLength(3);
    expect(sim.requestCounts().listProcessorTasks).toBe(6);
  });

  it('persistent 5xx → ServerError', async () => {
    sim.faults.serverError({ endpoint: 'getVisualizationJob', status: 503 });
    const err = await api.getVisualizationJob(10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 503, errorCode: 'ModelArts.4503' });
  });

  it('a reset connection → retried, and ConnectionError when it keeps happening', async () => {
    sim.faults.reset({ endpoint: 'listTrainingJobConfigs', times: 1 });
    expect((await api.listTrainingJobConfigs()).configs.length).toBeGreaterThan(0);
    sim.faults.reset({ endpoint: 'listTrainingJobConfigs' });
    await expect(api.listTrainingJobConfigs()).rejects.toBeInstanceOf(ConnectionError);
  });
});

describe('faults that are not retried', () => {
  it('hang → TimeoutError after the per-attempt timeout', async () => {
    sim.faults.hang({ endpoint: 'getAomLog' });
    const quick = apiFor(sim, 'token', { timeoutMs: 300, retry: { maxAttempts: 1 } });
    try {
      const err = await quick.getAomLog(10, 10, { log_file: 'TestModelArtsJob.0' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).endpoint).toContain('aom-log');
    } finally {
      await quick.close();
    }
  });

  it('malformed body → ResponseParseError naming the endpoint', async () => {
    sim.faults.malformed({ endpoint: 'getTrainingJobVersion' });
    const err = await api.getTrainingJobVersion(10, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseParseError);
    expect((err as ResponseParseError).endpoint).toContain('/training-jobs/{job_id}/versions/{version_id}');
  });

  it('all-versions endpoint off → EndpointNotFoundError, while the job list fallback works', async () => {
    sim.faults.setAllVersionsOff(true);
    const err = await api.listJobVersionStatuses({ limit: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointNotFoundError);
    expect(err).toMatchObject({ status: 404, errorCode: 'APIG.0101' });
    expect(sim.requestCounts().listJobVersionStatuses).toBe(1);
    const jobs = await api.listTrainingJobs({ per_page: 100 });
    const versions = await api.listTrainingJobVersions(jobs.jobs[0]!.job_id);
    expect(versions.versions.length).toBeGreaterThan(0);
  });

  it('bad credentials → AuthenticationError, never retried', async () => {
    const bad = apiFor(sim, 'aksk', { auth: { mode: 'aksk', accessKey: 'SIMACCESSKEY', secretKey: 'nope' } });
    try {
      await expect(bad.listTrainingJobs()).rejects.toBeInstanceOf(AuthenticationError);
      expect(sim.requestCounts().listTrainingJobs).toBe(1);
    } finally {
      await bad.close();
    }
  });

  it('latency below the timeout → the real answer', async () => {
    sim.faults.setLatency(50);
    expect((await api.getTrainingJobVersion(10, 10)).job_id).toBe(10);
  });
});
