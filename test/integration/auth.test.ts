/** Every authentication mode of the API layer against the simulator's IAM and gateway checks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, PermissionDeniedError } from '../../src/modelarts/index.js';
import { type Simulator, startSimulator } from '../../tools/simulator/index.js';
import { type AuthMode, apiFor, authConfig } from './helpers.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ generatedJobs: 3 });
});
afterAll(async () => {
  await sim.close();
});

describe.each<AuthMode>(['aksk', 'password', 'password-by-id', 'token'])('%s', (mode) => {
  it('reaches every endpoint family (v1, all-versions, v2, logs)', async () => {
    const api = apiFor(sim, mode);
    try {
      expect((await api.getTrainingJobVersion(10, 10)).job_name).toBe('TestModelArtsJob');
      expect((await api.listJobVersionStatuses({ limit: 0 })).versions.length).toBe(sim.state.versions.size);
      expect((await api.listProcessorTasks({ limit: 5 })).tasks.length).toBe(5);
      expect(await api.getLogFileNames(10, 10)).toEqual(['TestModelArtsJob.0']);
      // Query strings with encoded characters and lists are signed and verified exactly.
      const search = await api.listTrainingJobs({ search_content: 'Test Model/Arts+Job ü' });
      expect(search.jobs).toEqual([]);
      const tasks = await api.listProcessorTasks({
        version_id: ['J4Eh2FDEWH1qnDlD3hQ', 'XwTuRqI9En7xuZskW70'],
        task_name: 'V 001',
      });
      expect(tasks.count).toBe(tasks.tasks.length);
    } finally {
      await api.close();
    }
  });
});

describe('bad credentials → AuthenticationError', () => {
  it('AK/SK with a wrong secret key', async () => {
    const api = apiFor(sim, 'aksk', { auth: { mode: 'aksk', accessKey: 'SIMACCESSKEY', secretKey: 'wrong-secret' } });
    const err = await api.getTrainingJobVersion(10, 10).catch((e: unknown) => e);
    await api.close();
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, errorCode: 'APIG.0301' });
    expect((err as Error).message).not.toContain('wrong-secret');
  });

  it('AK/SK from a client whose clock is 20 minutes off', async () => {
    const api = apiFor(sim, 'aksk', { now: () => Date.now() - 20 * 60 * 1000 });
    const err = await api.listTrainingJobs().catch((e: unknown) => e);
    await api.close();
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ errorCode: 'APIG.0303' });
  });

  it('IAM with a wrong password (refused by IAM, nothing sent to ModelArts)', async () => {
    const good = authConfig(sim, 'password');
    const api = apiFor(sim, 'password', { auth: { ...good, password: 'not-it' } as typeof good });
    const before = sim.requestCounts().listTrainingJobs;
    const err = await api.listTrainingJobs().catch((e: unknown) => e);
    await api.close();
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).not.toContain('not-it');
    expect(sim.requestCounts().listTrainingJobs).toBe(before);
  });

  it('a static token the gateway does not know', async () => {
    const api = apiFor(sim, 'token', { auth: { mode: 'token', token: 'MIIunknown' } });
    await expect(api.listTrainingJobConfigs()).rejects.toBeInstanceOf(AuthenticationError);
    await api.close();
  });

  it('a project the credentials do not belong to → PermissionDeniedError (ModelArts.0210)', async () => {
    const { createModelArtsApi } = await import('../../src/modelarts/index.js');
    const api = createModelArtsApi({
      endpoint: sim.url,
      projectId: 'someone-elses-project',
      auth: authConfig(sim, 'token'),
      retry: { baseDelayMs: 1 },
    });
    const err = await api.listTrainingJobs().catch((e: unknown) => e);
    await api.close();
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err).toMatchObject({ status: 403, errorCode: 'ModelArts.0210' });
  });
});

describe('IAM token lifecycle', () => {
  it('fetches one token for many calls, and renews it once after ModelArts says it must be updated', async () => {
    const api = apiFor(sim, 'password');
    try {
      const issued = sim.tokensIssued();
      await Promise.all([api.listTrainingJobs(), api.listTrainingJobConfigs(), api.getVisualizationJob(10)]);
      expect(sim.tokensIssued()).toBe(issued + 1);
      sim.revokeTokens();
      const before = sim.requestCounts().getTrainingJobVersion;
      expect((await api.getTrainingJobVersion(10, 10)).version_id).toBe(10);
      expect(sim.tokensIssued()).toBe(issued + 2);
      // One rejected attempt with the stale token, one with the new one.
      expect(sim.requestCounts().getTrainingJobVersion).toBe(before + 2);
    } finally {
      await api.close();
    }
  });

  it('renews a token before it expires (short-lived tokens)', async () => {
    const own = await startSimulator({ generatedJobs: 0, auth: { tokenTtlMs: 60_000 } });
    let clientNow = Date.now();
    const api = apiFor(own, 'password', { now: () => clientNow });
    try {
      await api.listTrainingJobs();
      expect(own.tokensIssued()).toBe(1);
      clientNow += 50_000;
      await api.listTrainingJobs();
      expect(own.tokensIssued()).toBe(2);
    } finally {
      await api.close();
      await own.close();
    }
  });
});
