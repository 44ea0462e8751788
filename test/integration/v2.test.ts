/**
 * The v2 training job API through the real API layer against the simulator over HTTP: every auth mode on the signed
 * POST search and the GETs, the defensive pager against both `offset` conventions, and the "API unavailable" signal
 * on accounts without v1 or v2, behind either cloud's gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  collect,
  createModelArtsApi,
  EndpointNotFoundError,
  isApiUnavailable,
  iterateTrainingJobsV2,
  NotFoundError,
  ProjectMismatchError,
} from '../../src/modelarts/index.js';
import { SEEDED_V2, type Simulator, startSimulator } from '../../tools/simulator/index.js';
import { type AuthMode, apiFor, authConfig } from './helpers.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ generatedJobs: 3, generatedV2Jobs: 120 });
});
afterAll(async () => {
  await sim.close();
});

describe.each<AuthMode>(['aksk', 'password', 'password-by-id', 'token'])('v2 with %s', (mode) => {
  it('the signed POST search with filters, and every v2 read', async () => {
    const api = apiFor(sim, mode);
    try {
      const page = await api.searchTrainingJobs({
        limit: 50,
        phases: ['Running', 'Failed'],
        name: 'bert-large',
        createdBetween: [0, sim.now() + 1],
      });
      expect(page.items.map((j) => j.metadata.id)).toEqual([SEEDED_V2.failingNpuJobId]);
      expect(page.dropped).toBe(0);
      const job = await api.getTrainingJob(SEEDED_V2.failedJobId.toUpperCase());
      expect(job.status.task_statuses[0]).toMatchObject({ task: 'worker-0', exit_code: 1 });
      const preview = await api.getTaskLogPreview(SEEDED_V2.failedJobId, 'worker-0');
      expect(preview).toMatchObject({ ready: true, truncated: false });
      expect(preview.content).toContain('RuntimeError: CUDA out of memory');
      const link = await api.getTaskLogUrl(SEEDED_V2.failedJobId, 'worker-0');
      expect(await (await fetch(link.obs_url)).text()).toBe(preview.content);
      const events = await api.listTrainingJobEvents(SEEDED_V2.failedJobId, {
        level: 'Error',
        start_time: 0,
        end_time: sim.now(),
      });
      expect(events.events.map((e) => e.message)).toEqual(['Training job failed.']);
      const metrics = await api.getTrainingJobMetrics(SEEDED_V2.runningGpuJobId, 'worker-1');
      expect(metrics.ready).toBe(true);
      expect(metrics.metrics.find((m) => m.metric === 'npuUtil')?.value.every((v) => v === null)).toBe(true);
      expect((await api.getTrainingJobMetrics(SEEDED_V2.queuedJobId, 'worker-0')).ready).toBe(false);
      expect((await api.getTaskLogPreview(SEEDED_V2.queuedJobId, 'worker-0')).ready).toBe(false);
    } finally {
      await api.close();
    }
  });
});

describe('the defensive pager over HTTP', () => {
  it.each(['page', 'record'] as const)('offset as a %s: every job exactly once', async (convention) => {
    sim.v2.setSearchOffset(convention);
    const api = apiFor(sim);
    sim.resetRequestCounts();
    try {
      const jobs = await collect(iterateTrainingJobsV2(api, { limit: 50 }));
      const ids = jobs.map((j) => j.metadata.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(new Set(sim.v2.jobs.keys()));
      // 128 jobs: 3 pages, or 3–4 requests when the second page reveals record offsets.
      expect(sim.requestCounts().searchTrainingJobs).toBeLessThanOrEqual(4);
    } finally {
      sim.v2.setSearchOffset('page');
      await api.close();
    }
  });
});

describe('errors', () => {
  it('an unknown job is NotFoundError (400 ModelArts.2775), not "unavailable"', async () => {
    const api = apiFor(sim);
    const err = await api.getTrainingJob('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    await api.close();
    expect(err).toBeInstanceOf(NotFoundError);
    expect(isApiUnavailable(err, 'v2')).toBe(false);
  });

  it('a token scoped to another project than MODELARTS_PROJECT_ID fails before reaching ModelArts', async () => {
    const api = createModelArtsApi({
      endpoint: sim.url,
      projectId: 'another-project',
      auth: authConfig(sim, 'password'),
    });
    const before = sim.requestCounts().searchTrainingJobs;
    const err = await api.searchTrainingJobs().catch((e: unknown) => e);
    await api.close();
    expect(err).toBeInstanceOf(ProjectMismatchError);
    expect(sim.requestCounts().searchTrainingJobs).toBe(before);
  });

  it('a revoked IAM token is renewed once and the search goes through', async () => {
    const heard: string[] = [];
    const api = createModelArtsApi({
      endpoint: sim.url,
      projectId: sim.projectId,
      auth: authConfig(sim, 'password'),
      onSecret: (s) => heard.push(s),
    });
    try {
      await api.searchTrainingJobs({ limit: 1 });
      sim.revokeTokens();
      await expect(api.searchTrainingJobs({ limit: 1 })).resolves.toMatchObject({ limit: 1 });
      expect(heard).toHaveLength(2);
      expect(heard[0]).not.toBe(heard[1]);
    } finally {
      await api.close();
    }
  });
});

describe.each(['otc', 'huawei'] as const)('accounts with one training API (%s gateway)', (cloud) => {
  it('only v1: the v2 search and detail say "v2 unavailable"; v1 works', async () => {
    const only = await startSimulator({ generatedJobs: 1, generatedV2Jobs: 0, apis: 'v1', cloud });
    const api = apiFor(only);
    try {
      const err = await api.searchTrainingJobs().catch((e: unknown) => e);
      expect(isApiUnavailable(err, 'v2')).toBe(true);
      expect((err as EndpointNotFoundError).errorCode).toBe(cloud === 'otc' ? 'APIG.0101' : 'APIGW.0101');
      expect(isApiUnavailable(await api.getTrainingJob(SEEDED_V2.failedJobId).catch((e: unknown) => e), 'v2')).toBe(
        true,
      );
      // Below the job, a missing path is one endpoint off, not proof the API is gone.
      const preview = await api.getTaskLogPreview(SEEDED_V2.failedJobId, 'worker-0').catch((e: unknown) => e);
      expect(preview).toBeInstanceOf(EndpointNotFoundError);
      expect(isApiUnavailable(preview, 'v2')).toBe(false);
      expect((await api.listTrainingJobs()).jobs.length).toBeGreaterThan(0);
    } finally {
      await api.close();
      await only.close();
    }
  });

  it('only v2: the v1 job list and version detail say "v1 unavailable"; v2 works', async () => {
    const only = await startSimulator({ generatedJobs: 1, generatedV2Jobs: 2, apis: 'v2', cloud });
    const api = apiFor(only, 'aksk');
    try {
      expect(isApiUnavailable(await api.listTrainingJobs().catch((e: unknown) => e), 'v1')).toBe(true);
      expect(isApiUnavailable(await api.getTrainingJobVersion(10, 10).catch((e: unknown) => e), 'v1')).toBe(true);
      // The all-versions listing is optional in v1: gone, but it alone proves nothing about v1.
      const all = await api.listJobVersionStatuses().catch((e: unknown) => e);
      expect(all).toBeInstanceOf(EndpointNotFoundError);
      expect((await api.searchTrainingJobs()).count).toBe(only.v2.jobs.size);
    } finally {
      await api.close();
      await only.close();
    }
  });

  it('bad credentials behind this gateway are an AuthenticationError', async () => {
    const only = await startSimulator({ generatedJobs: 0, generatedV2Jobs: 0, cloud });
    const api = apiFor(only, 'aksk', { auth: { mode: 'aksk', accessKey: 'SIMACCESSKEY', secretKey: 'wrong' } });
    try {
      const err = await api.searchTrainingJobs().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
      expect((err as AuthenticationError).errorCode).toBe(cloud === 'otc' ? 'APIG.0301' : 'APIGW.0301');
    } finally {
      await api.close();
      await only.close();
    }
  });
});
