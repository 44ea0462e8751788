import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, type StatusChange, startSimulator } from '../../../tools/simulator/index.js';
import { asRecord, control, get, manualClock } from './helpers.js';

const MINUTE = 60_000;
let sim: Simulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function detail(s: Simulator, jobId: number, versionId: number) {
  return asRecord((await get(s, `/v1/{p}/training-jobs/${jobId}/versions/${versionId}`)).json);
}

describe('seeding', () => {
  it('is deterministic for a seed and a start time, and differs between seeds', async () => {
    const clock = manualClock();
    const a = await startSimulator({ seed: 3, clock: clock.now });
    const b = await startSimulator({ seed: 3, clock: clock.now });
    const c = await startSimulator({ seed: 4, clock: clock.now });
    try {
      const rows = async (s: Simulator) => (await get(s, '/v1/{p}/training-jobs/versions?limit=0')).text;
      expect(await rows(a)).toBe(await rows(b));
      expect(await rows(a)).not.toBe(await rows(c));
      const tasks = async (s: Simulator) => (await get(s, '/v2/{p}/processor-tasks?limit=100')).text;
      expect(await tasks(a)).toBe(await tasks(b));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('generates generatedJobs jobs with stable ids, GPUs, metrics and a mix of statuses', async () => {
    const clock = manualClock();
    sim = await startSimulator({ seed: 11, clock: clock.now, generatedJobs: 40 });
    const generated = [...sim.state.jobs.keys()].filter((id) => id >= 1001);
    expect(generated).toEqual(Array.from({ length: 40 }, (_, i) => 1001 + i));
    const versions = [...sim.state.versions.values()];
    expect(versions.some((v) => v.flavor.gpu_num > 0)).toBe(true);
    expect(versions.some((v) => v.flavor.npu_num > 0 || v.flavor.gpu_num === 0)).toBe(true);
    const statuses = new Set(versions.map((v) => v.status));
    for (const s of [8, 10, 11]) expect(statuses.has(s), `status ${s}`).toBe(true);
    expect(versions.some((v) => v.schedule.length > 0)).toBe(true);
    const completed = versions.find((v) => v.status === 10 && v.job_id >= 1001)!;
    const body = await detail(sim, completed.job_id, completed.version_id);
    expect(typeof body.model_metric_list).toBe('string');
    expect(JSON.parse(body.model_metric_list as string).metric.length).toBeGreaterThan(0);
  });

  it('honours generatedJobs: 0 (docs samples only)', async () => {
    sim = await startSimulator({ generatedJobs: 0, clock: manualClock().now });
    expect([...sim.state.jobs.keys()].sort((a, b) => a - b)).toEqual([10, 20]);
  });
});

describe('status schedule', () => {
  it('moves a version waiting → running → completed on its schedule, with times and metrics to match', async () => {
    const clock = manualClock();
    sim = await startSimulator({ clock: clock.now, generatedJobs: 0 });
    const changes: StatusChange[] = [];
    sim.onStatusChange((c) => changes.push(c));
    const t0 = sim.now();
    const { jobId, versionIds } = sim.addJob({
      name: 'scheduled',
      status: 7,
      engine: 'PyTorch',
      flavor: 'modelarts.p3.large',
      schedule: [
        { afterMs: 30_000, status: 8 },
        { afterMs: 5 * MINUTE, status: 10 },
      ],
    });
    const versionId = versionIds[0]!;
    let body = await detail(sim, jobId, versionId);
    expect(body).toMatchObject({
      status: 7,
      start_time: 0,
      duration: 0,
      model_metric_list: null,
      system_metric_list: null,
    });
    expect(body.engine_name).toBe('PyTorch');
    expect(body.spec_code).toBe('modelarts.p3.large');

    sim.advance(29_999);
    expect((await detail(sim, jobId, versionId)).status).toBe(7);
    sim.advance(1);
    body = await detail(sim, jobId, versionId);
    expect(body).toMatchObject({ status: 8, start_time: t0 + 30_000, duration: 0 });
    sim.advance(MINUTE);
    expect((await detail(sim, jobId, versionId)).duration).toBe(MINUTE);
    // Reading the all-versions list moves nothing by itself; time does.
    sim.advance(10 * MINUTE);
    body = await detail(sim, jobId, versionId);
    expect(body).toMatchObject({ status: 10, start_time: t0 + 30_000, duration: 5 * MINUTE - 30_000 });
    expect(typeof body.model_metric_list).toBe('string');
    const row = (
      asRecord((await get(sim, '/v1/{p}/training-jobs/versions?limit=0')).json).versions as Array<
        Record<string, unknown>
      >
    ).find((r) => r.version_id === versionId);
    expect(row).toMatchObject({ status: 10, end_time: t0 + 5 * MINUTE, gpu_num: 1, flavor_code: 'modelarts.p3.large' });
    expect(changes).toEqual([
      { jobId, versionId, from: 7, to: 8, at: t0 + 30_000 },
      { jobId, versionId, from: 8, to: 10, at: t0 + 5 * MINUTE },
    ]);
  });

  it('applies transitions at their planned time even when the clock jumps past several', async () => {
    const clock = manualClock();
    sim = await startSimulator({ clock: clock.now, generatedJobs: 0 });
    const t0 = sim.now();
    const { jobId, versionIds } = sim.addJob({
      name: 'jumpy',
      status: 1,
      schedule: [
        { afterMs: 1_000, status: 7 },
        { afterMs: 2_000, status: 8 },
        { afterMs: 3_000, status: 9 },
        { afterMs: 4_000, status: 13 },
      ],
    });
    clock.set(t0 + 60_000);
    const changes = sim.settle();
    expect(changes.map((c) => [c.to, c.at - t0])).toEqual([
      [7, 1_000],
      [8, 2_000],
      [9, 3_000],
      [13, 4_000],
    ]);
    const body = await detail(sim, jobId, versionIds[0]!);
    expect(body).toMatchObject({ status: 13, duration: 2_000 });
  });

  it('fails a job with a traceback at the end of its log', async () => {
    sim = await startSimulator({ clock: manualClock().now, generatedJobs: 0 });
    const { jobId, versionIds } = sim.addJob({
      name: 'will-fail',
      status: 8,
      schedule: [{ afterMs: 2 * MINUTE, status: 11 }],
    });
    const versionId = versionIds[0]!;
    const logPath = `/v1/{p}/training-jobs/${jobId}/versions/${versionId}/aom-log?log_file=will-fail.0&lines=500`;
    const before = asRecord((await get(sim, logPath)).json);
    sim.advance(MINUTE);
    const during = asRecord((await get(sim, logPath)).json);
    // A running job's log grows as time passes.
    expect(Number(during.lines)).toBeGreaterThan(Number(before.lines));
    sim.advance(2 * MINUTE);
    const after = asRecord((await get(sim, logPath)).json);
    expect(after.content).toContain('Traceback (most recent call last):');
    expect((after.content as string).split('\n').at(-1)).toContain('training job failed');
    expect((await detail(sim, jobId, versionId)).status).toBe(11);
  });

  it('setVersionStatus applies at once and cancels the planned steps', async () => {
    sim = await startSimulator({ clock: manualClock().now, generatedJobs: 0 });
    const { jobId, versionIds } = sim.addJob({ name: 'manual', status: 8, schedule: [{ afterMs: 1_000, status: 10 }] });
    const change = sim.setVersionStatus(jobId, versionIds[0]!, 11);
    expect(change).toMatchObject({ from: 8, to: 11 });
    sim.advance(10_000);
    expect((await detail(sim, jobId, versionIds[0]!)).status).toBe(11);
    expect(sim.setVersionStatus(jobId, versionIds[0]!, 11)).toBeNull();
    expect(() => sim!.setVersionStatus(jobId, 999_999, 10)).toThrow(/no version/);
    expect(() => sim!.setVersionStatus(jobId, versionIds[0]!, -1)).toThrow(/status/);
  });

  it('keeps the seeded demo lively: some versions change within the first ten minutes', async () => {
    sim = await startSimulator({ clock: manualClock().now, seed: 42 });
    const changes = sim.advance(10 * MINUTE);
    expect(changes.length).toBeGreaterThan(0);
    const terminal = changes.filter((c) => [3, 10, 11, 12, 13].includes(c.to));
    expect(terminal.length).toBeGreaterThan(0);
  });
});

describe('real time and churn', () => {
  it('applies due transitions by itself in real-time mode and tells listeners', async () => {
    sim = await startSimulator({ generatedJobs: 0 });
    const { jobId, versionIds } = sim.addJob({ name: 'realtime', status: 8 });
    const heard = new Promise<StatusChange>((resolve) => sim!.onStatusChange(resolve));
    sim.schedule(jobId, versionIds[0]!, [{ afterMs: 20, status: 10 }]);
    // No request and no advance(): the simulator's own timer applies the change.
    expect(await heard).toMatchObject({ jobId, versionId: versionIds[0], from: 8, to: 10 });
    expect(sim.state.versions.get(versionIds[0]!)?.status).toBe(10);
  });

  it('spawnRun queues a new run that later reaches a terminal status', async () => {
    sim = await startSimulator({ clock: manualClock().now, seed: 5, generatedJobs: 10 });
    const before = sim.state.versions.size;
    const runs = Array.from({ length: 5 }, () => sim!.spawnRun());
    expect(sim.state.versions.size).toBe(before + 5);
    for (const { jobId, versionId } of runs) {
      expect((await detail(sim, jobId, versionId)).status).toBe(1);
    }
    sim.advance(30 * MINUTE);
    for (const { jobId, versionId } of runs) {
      expect([3, 10, 11, 12, 13]).toContain((await detail(sim, jobId, versionId)).status);
    }
    const spawned = asRecord((await control(sim, 'POST', '/spawn')).json);
    expect(sim.state.versions.get(spawned.versionId as number)?.job_id).toBe(spawned.jobId);
  });
});

describe('bulk additions and jobs', () => {
  it('adds jobs with several versions (older ones completed) and a chosen pool and train_url', async () => {
    sim = await startSimulator({ clock: manualClock().now, generatedJobs: 0 });
    const { jobId, versionIds } = sim.addJob({
      name: 'multi',
      versions: 3,
      status: 8,
      poolId: 'poolf3c1a9d2',
      trainUrl: '/b/out/',
    });
    const list = asRecord((await get(sim, `/v1/{p}/training-jobs/${jobId}/versions`)).json);
    const versions = list.versions as Array<Record<string, unknown>>;
    expect(versions.map((v) => v.version_id)).toEqual([...versionIds].reverse());
    expect(versions.map((v) => v.status)).toEqual([8, 10, 10]);
    expect(versions[0]).toMatchObject({ pool_id: 'poolf3c1a9d2', train_url: '/b/out/', pre_version_id: versionIds[1] });
    expect(() => sim!.addJob({ name: 'x', engine: 'Caffe9' })).toThrow(/engine/);
  });

  it('adds 10,000 versions in bulk and serves them all with limit=0, filtered by status', async () => {
    sim = await startSimulator({ clock: manualClock().now, generatedJobs: 0 });
    const added = sim.addVersions(10_000, { status: 8, perJob: 10 });
    expect(added).toHaveLength(10_000);
    expect(new Set(added.map((a) => a.jobId)).size).toBe(1_000);
    const body = asRecord((await get(sim, '/v1/{p}/training-jobs/versions?limit=0&status=8')).json);
    expect(body.total_count).toBe(10_000);
    expect((body.versions as unknown[]).length).toBe(10_000);
    const some = added[4321]!;
    sim.setVersionStatus(some.jobId, some.versionId, 11);
    const failed = asRecord((await get(sim, '/v1/{p}/training-jobs/versions?limit=0&status=11')).json);
    expect((failed.versions as Array<{ version_id: number }>).map((v) => v.version_id)).toContain(some.versionId);
  });
});

describe('control endpoint', () => {
  it('sets statuses, schedules, adds jobs and versions, advances time and reports changes', async () => {
    sim = await startSimulator({ clock: manualClock().now, generatedJobs: 0 });
    const job = asRecord((await control(sim, 'POST', '/jobs', { name: 'ctl', status: 7 })).json);
    const jobId = job.jobId as number;
    const versionId = (job.versionIds as number[])[0]!;
    const { last: before } = asRecord((await control(sim, 'GET', '/changes')).json) as { last: number };
    await control(sim, 'POST', '/schedule', { jobId, versionId, steps: [{ afterMs: 1_000, status: 8 }] });
    const advanced = asRecord((await control(sim, 'POST', '/advance', { ms: 1_000 })).json);
    expect(advanced.changes).toEqual([expect.objectContaining({ jobId, versionId, from: 7, to: 8 })]);
    const set = asRecord((await control(sim, 'POST', '/status', { changes: [{ jobId, versionId, status: 10 }] })).json);
    expect(set.changes).toEqual([expect.objectContaining({ from: 8, to: 10 })]);
    const changes = asRecord((await control(sim, 'GET', `/changes?after=${before}`)).json);
    expect((changes.changes as Array<{ to: number }>).map((c) => c.to)).toEqual([8, 10]);
    const bulk = asRecord((await control(sim, 'POST', '/versions', { count: 25, status: 8, perJob: 5 })).json);
    expect((bulk.versions as unknown[]).length).toBe(25);
    const inspect = asRecord((await control(sim, 'GET', `/jobs/${jobId}`)).json);
    expect(inspect.versions).toEqual([expect.objectContaining({ version_id: versionId, status: 10 })]);
    const summary = asRecord((await control(sim, 'GET', '')).json);
    expect(summary).toMatchObject({ projectId: 'sim-project', jobs: 2 + 1 + 5 });
  });

  it('rejects bad control input with 400 and unknown ids with 404', async () => {
    sim = await startSimulator({ clock: manualClock().now, generatedJobs: 0 });
    expect((await control(sim, 'POST', '/status', { jobId: 424242, versionId: 1, status: 8 })).status).toBe(404);
    expect((await control(sim, 'POST', '/status', { jobId: 10, versionId: 10, status: 'x' })).status).toBe(400);
    expect((await control(sim, 'POST', '/advance', { ms: -5 })).status).toBe(400);
    expect((await control(sim, 'GET', '/nope')).status).toBe(404);
  });
});
