/** Reading a failed run's log over HTTP from the simulator: the reason and its lines, and no log read for others. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  failedWithLog,
  type ModelArtsApi,
  readLogTail,
  runFromV1Version,
  runFromV2Job,
  v1Status,
  withLogFailure,
} from '../../src/modelarts/index.js';
import { type Simulator, startSimulator } from '../../tools/simulator/index.js';
import { apiFor } from './helpers.js';

let sim: Simulator;
let api: ModelArtsApi;

beforeAll(async () => {
  sim = await startSimulator({ generatedJobs: 40, generatedV2Jobs: 40 });
  api = apiFor(sim, 'aksk');
});
afterAll(async () => {
  await api.close();
  await sim.close();
});

function versionWith(pred: (status: number, started: boolean) => boolean) {
  const v = [...sim.state.versions.values()].find((x) => pred(x.status, x.start_time > 0));
  if (!v) throw new Error('the seed has no such version');
  return v;
}

describe('withLogFailure over HTTP', () => {
  it('gives a failed v1 run the traceback exception and the lines around it', async () => {
    const v = versionWith((s, started) => s === 11 && started);
    const run = runFromV1Version(await api.getTrainingJobVersion(v.job_id, v.version_id));
    expect(run.failure).toBeNull();
    const got = await withLogFailure(api, run, 200);
    expect(got.failure?.reason).toBe(v.failureReason || 'RuntimeError: training process exited unexpectedly');
    expect(got.failure?.source).toBe('log');
    expect(got.failure?.exitCode).toBe(1);
    expect(got.failure?.excerpt?.[0]).toBe('Traceback (most recent call last):');
  });

  it('reads no log for a run that did not fail, or one that never started', async () => {
    const done = versionWith((s) => s === 10);
    sim.resetRequestCounts();
    const run = runFromV1Version(await api.getTrainingJobVersion(done.job_id, done.version_id));
    expect(await withLogFailure(api, run, 200)).toBe(run);
    const image = { ...run, status: v1Status(3) };
    expect((await withLogFailure(api, image, 200)).failure?.reason).toMatch(/image build failed/);
    expect(sim.requestCounts().getAomLog ?? 0).toBe(0);
    expect(failedWithLog(image)).toBe(false);
  });

  it('gives a failed v2 run the exception of its failed task, beating the task message', async () => {
    const job = [...sim.v2.jobs.values()].find((j) => j.phase === 'Failed' && j.start_time > 0);
    if (!job) throw new Error('the seed has no failed v2 job');
    const run = runFromV2Job(await api.getTrainingJob(job.id));
    const failure = job.failure ?? job.failurePlan;
    const got = await withLogFailure(api, run, 200);
    expect(got.failure?.reason).toBe(failure.exception);
    expect(got.failure?.task).toBe(failure.task);
  });

  it('keeps the record and status when the log cannot be read', async () => {
    const v = versionWith((s, started) => s === 11 && started);
    const run = runFromV1Version(await api.getTrainingJobVersion(v.job_id, v.version_id));
    sim.faults.serverError({ endpoint: 'getLogFileNames' });
    const errors: unknown[] = [];
    const quick = apiFor(sim, 'aksk', { retry: { maxAttempts: 1 } });
    try {
      const got = await withLogFailure(quick, run, 50, undefined, (e) => errors.push(e));
      expect(got.failure).toBeNull();
      expect(errors).toHaveLength(1);
    } finally {
      sim.faults.clear();
      await quick.close();
    }
  });

  it('reads at most the lines asked for', async () => {
    const v = versionWith((s, started) => s === 11 && started);
    const lines = await readLogTail(api, { api: 'v1', jobId: String(v.job_id), versionId: String(v.version_id) }, 5);
    expect(lines).toHaveLength(5);
  });
});
