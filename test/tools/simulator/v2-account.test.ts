/**
 * The simulator's v2 jobs over time (scheduled completions and failures, stop) and its account options: only v1, only
 * v2, OTC's or Huawei's gateway codes, the control API under /__sim/v2 and /__sim/apis, and the hugeBody fault.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SEEDED_V2, type Simulator, type SimulatorOptions, startSimulator } from '../../../tools/simulator/index.js';
import { asRecord, control, get, manualClock, raw } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: SimulatorOptions = {}) {
  const clock = manualClock();
  sim = await startSimulator({ clock: clock.now, generatedJobs: 2, generatedV2Jobs: 3, ...options });
  return { sim, clock };
}

const JOBS = '/v2/{p}/training-jobs';
const phaseOf = async (s: Simulator, id: string) =>
  (asRecord((await get(s, `${JOBS}/${id}`)).json).status as { phase: string; secondary_phase: string }).phase;

describe('scheduled phases', () => {
  it('the showcase jobs: the GPU run completes, the NPU run fails, the queued one runs then completes', async () => {
    const { sim } = await start();
    const changes: string[] = [];
    sim.v2.onPhaseChange((c) => changes.push(`${c.jobId.slice(0, 4)} ${c.from}→${c.to}`));
    expect(await phaseOf(sim, SEEDED_V2.queuedJobId)).toBe('Pending');
    sim.advance(61_000);
    expect(await phaseOf(sim, SEEDED_V2.queuedJobId)).toBe('Running');
    sim.advance(2 * 60_000);
    const failed = asRecord((await get(sim, `${JOBS}/${SEEDED_V2.failingNpuJobId}`)).json);
    expect(failed.status).toMatchObject({
      phase: 'Failed',
      task_statuses: [{ task: 'worker-2', exit_code: 1, message: expect.stringContaining('HCCL') }],
    });
    const record = (failed.status as { running_records: Array<Record<string, unknown>> }).running_records[0];
    expect(record).toMatchObject({ end_reason: 'exit with 1', end_related_task: 'worker-2' });
    const preview = asRecord(
      (await get(sim, `${JOBS}/${SEEDED_V2.failingNpuJobId}/tasks/worker-2/logs/preview`)).json,
    ) as { content: string };
    const last = preview.content.trimEnd().split('\n').at(-1);
    expect(preview.content).toContain('RuntimeError: [ERROR] HCCL');
    expect(last).toBe('[ModelArts Service Log]INFO: task worker-2 exited with code 1');
    const other = asRecord((await get(sim, `${JOBS}/${SEEDED_V2.failingNpuJobId}/tasks/worker-0/logs/preview`)).json);
    expect(other.content).toContain('task worker-2 failed, stopping the other tasks');
    sim.advance(2 * 60_000);
    expect(await phaseOf(sim, SEEDED_V2.runningGpuJobId)).toBe('Completed');
    sim.advance(6 * 60_000);
    expect(await phaseOf(sim, SEEDED_V2.queuedJobId)).toBe('Completed');
    expect(changes).toEqual(
      expect.arrayContaining(['0b6f Pending→Running', '3faf Running→Failed', '6f1c Running→Completed']),
    );
    const events = asRecord((await get(sim, `${JOBS}/${SEEDED_V2.queuedJobId}/events?order=asc`)).json)
      .events as Array<{
      message: string;
    }>;
    expect(events.map((e) => e.message)).toEqual([
      'Training job created.',
      'The job is queuing for resources.',
      'Successfully assigned 1 node(s).',
      'Training job started.',
      '[worker-0] Task started.',
      '[worker-0] Training finished. Exit code 0.',
      'Training job completed.',
    ]);
  });

  it('stop: 202 Terminating, Terminated seconds later; 409 ModelArts.2796 for a finished job; 400 2812', async () => {
    const { sim } = await start();
    const stop = (id: string, body = '{"action_type":"terminate"}') =>
      raw(sim, `${JOBS}/${id}/actions`, {
        method: 'POST',
        headers: { 'x-auth-token': sim.credentials.token, 'content-type': 'application/json' },
        body,
      });
    const accepted = await stop(SEEDED_V2.runningGpuJobId);
    expect(accepted.status).toBe(202);
    expect(asRecord(accepted.json).status).toMatchObject({ phase: 'Terminating', node_count_metrics: null });
    sim.advance(5_000);
    expect(await phaseOf(sim, SEEDED_V2.runningGpuJobId)).toBe('Terminated');
    const refused = await stop(SEEDED_V2.completedJobId);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ error_code: 'ModelArts.2796' });
    expect((await stop(SEEDED_V2.queuedJobId, '{"action_type":"pause"}')).json).toMatchObject({
      error_code: 'ModelArts.2812',
    });
  });

  it('control: set a phase, schedule, add a job, read it back, follow the changes', async () => {
    const { sim } = await start();
    const added = asRecord(
      (await control(sim, 'POST', '/v2/jobs', { name: 'ctl-job', phase: 'Pending', flavor: 'npu1', nodes: 3 })).json,
    );
    const id = added.jobId as string;
    expect(asRecord((await get(sim, `${JOBS}/${id}`)).json).status).toMatchObject({
      phase: 'Pending',
      tasks: ['worker-0', 'worker-1', 'worker-2'],
    });
    await control(sim, 'POST', '/v2/schedule', { jobId: id, steps: [{ afterMs: 1_000, phase: 'Running' }] });
    await control(sim, 'POST', '/advance', { ms: 1_000 });
    expect(await phaseOf(sim, id)).toBe('Running');
    await control(sim, 'POST', '/v2/phase', { jobId: id, phase: 'Abnormal', secondaryPhase: 'Lost' });
    const job = asRecord((await control(sim, 'GET', `/v2/jobs/${id}`)).json);
    expect(job).toMatchObject({ phase: 'Abnormal', secondary_phase: 'Lost', schedule: [] });
    const changes = asRecord((await control(sim, 'GET', '/v2/changes?after=0')).json);
    expect((changes.changes as Array<{ to: string }>).map((c) => c.to)).toEqual(['Running', 'Abnormal']);
    expect((await control(sim, 'POST', '/v2/phase', { jobId: id, phase: 'Sleeping' })).status).toBe(400);
    expect((await control(sim, 'GET', '/v2/jobs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const summary = asRecord((await control(sim, 'GET', '')).json);
    expect(summary).toMatchObject({ v2Jobs: sim.v2.jobs.size, cloud: 'otc', apis: { v1: true, v2: true } });
  });
});

describe('accounts: which training APIs, which cloud', () => {
  it('only v1: v2 training paths answer 404 APIG.0101 before credentials are even checked', async () => {
    const { sim } = await start({ apis: 'v1' });
    const res = await raw(sim, `${JOBS}/${SEEDED_V2.failedJobId}`);
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error_code: 'APIG.0101' });
    expect((await get(sim, '/v1/{p}/training-jobs')).status).toBe(200);
  });

  it('only v2: v1 training paths answer 404; processor tasks (data management) stay', async () => {
    const { sim } = await start({ apis: 'v2' });
    expect((await get(sim, '/v1/{p}/training-jobs')).json).toMatchObject({ error_code: 'APIG.0101' });
    expect((await get(sim, '/v1/{p}/visualization-jobs')).status).toBe(404);
    expect((await get(sim, '/v2/{p}/processor-tasks')).status).toBe(200);
    expect((await get(sim, `${JOBS}/${SEEDED_V2.failedJobId}`)).status).toBe(200);
  });

  it('Huawei Cloud: APIGW. codes for no such API, bad credentials and throttling', async () => {
    const { sim } = await start({ cloud: 'huawei', apis: 'v2' });
    expect((await get(sim, '/v1/{p}/training-jobs')).json).toMatchObject({ error_code: 'APIGW.0101' });
    expect((await get(sim, `${JOBS}/${SEEDED_V2.failedJobId}`, { 'x-auth-token': 'nope' })).json).toMatchObject({
      error_code: 'APIGW.0301',
    });
    sim.faults.rateLimit({ endpoint: 'getTrainingJob', times: 1 });
    const limited = await get(sim, `${JOBS}/${SEEDED_V2.failedJobId}`);
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ error_code: 'APIGW.0308' });
  });

  it('switching an API off and on at run time (/__sim/apis)', async () => {
    const { sim } = await start();
    expect((await control(sim, 'PUT', '/apis', { v2: false })).json).toEqual({ cloud: 'otc', v1: true, v2: false });
    expect((await get(sim, `${JOBS}/${SEEDED_V2.failedJobId}`)).status).toBe(404);
    await control(sim, 'PUT', '/apis', { v2: true });
    expect((await get(sim, `${JOBS}/${SEEDED_V2.failedJobId}`)).status).toBe(200);
    expect((await control(sim, 'PUT', '/apis', { v1: 'no' })).status).toBe(400);
    expect((await control(sim, 'PUT', '/v2/search-offset', { mode: 'record' })).json).toEqual({ mode: 'record' });
  });
});

describe('the hugeBody fault', () => {
  it('streams the announced size without holding it, and stops when the client goes away', async () => {
    const { sim } = await start();
    sim.faults.hugeBody({ endpoint: 'getTaskLogPreview', bytes: 3 * 1024 * 1024, declareLength: true, times: 1 });
    const res = await get(sim, `${JOBS}/${SEEDED_V2.failedJobId}/tasks/worker-0/logs/preview`);
    expect(res.headers.get('content-length')).toBe(String(3 * 1024 * 1024));
    expect(res.text.length).toBe(3 * 1024 * 1024);
    expect(res.text.startsWith('{"content":"xxx')).toBe(true);
    sim.faults.hugeBody({ endpoint: 'getTaskLogPreview', bytes: 1024 ** 3 });
    const controller = new AbortController();
    const stream = await fetch(
      `${sim.url}${JOBS.replace('{p}', sim.projectId)}/${SEEDED_V2.failedJobId}/tasks/worker-0/logs/preview`,
      {
        headers: { 'x-auth-token': sim.credentials.token },
        signal: controller.signal,
      },
    );
    const reader = stream.body!.getReader();
    await reader.read();
    controller.abort();
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.hugeBodyBytesSent()).toBeLessThan(3 * 1024 * 1024 + 64 * 1024 * 1024);
  });
});
