/** The simulator's v2 training job API over plain HTTP: wire shapes, search, schedules, logs, metrics, stop, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED_V2, type Simulator, startSimulator } from '../../../tools/simulator/index.js';
import { asRecord, get, manualClock, raw } from './helpers.js';

let sim: Simulator;
const clock = manualClock();

beforeAll(async () => {
  sim = await startSimulator({ clock: clock.now, generatedV2Jobs: 40, logPreviewCapBytes: 4096 });
});
afterAll(async () => {
  await sim.close();
});

const JOBS = '/v2/{p}/training-jobs';
type Job = {
  metadata: { id: string; name: string; create_time: number };
  status: Record<string, unknown> & { phase: string; tasks: string[] };
  spec: { resource: Record<string, unknown> };
  algorithm: Record<string, unknown>;
  endpoints?: Record<string, unknown>;
};

async function search(body: unknown) {
  const res = await raw(sim, '/v2/{p}/training-job-searches', {
    method: 'POST',
    headers: { 'x-auth-token': sim.credentials.token, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: asRecord(res.json) as Record<string, unknown> & { items: Job[] } };
}

const detail = async (id: string) => (await get(sim, `${JOBS}/${id}`)).json as Job;

describe('search (POST /v2/{project_id}/training-job-searches)', () => {
  it('answers total, count, the echo fields and items, newest first, page-index offset', async () => {
    const all = sim.v2.jobs.size;
    const first = await search({ limit: 50 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: all, count: all, limit: 50, offset: 0, sort_by: 'create_time' });
    expect(first.body.order).toBe('desc');
    const times = first.body.items.map((j) => j.metadata.create_time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const seen = new Set<string>();
    for (let offset = 0; offset * 7 < all; offset++) {
      for (const job of (await search({ limit: 7, offset })).body.items) seen.add(job.metadata.id);
    }
    expect(seen.size).toBe(all);
  });

  it('filters: phase in / not, name like, create_time between (epoch ms or RFC 3339), ANDed', async () => {
    const phases = [...sim.v2.jobs.values()].map((j) => j.phase);
    const running = await search({ limit: 50, filters: [{ key: 'phase', operator: 'in', value: ['Running'] }] });
    expect(running.body.count).toBe(phases.filter((p) => p === 'Running').length);
    expect(running.body.total).toBe(sim.v2.jobs.size);
    expect(running.body.items.every((j) => j.status.phase === 'Running')).toBe(true);
    const notDone = await search({
      limit: 50,
      filters: [{ key: 'phase', operator: 'not', value: ['Completed', 'Failed'] }],
    });
    expect(notDone.body.count).toBe(phases.filter((p) => p !== 'Completed' && p !== 'Failed').length);
    const named = await search({ filters: [{ key: 'name', operator: 'like', value: ['RESNET50-F'] }] });
    expect(named.body.items.map((j) => j.metadata.id)).toContain(SEEDED_V2.runningGpuJobId);
    const now = sim.now();
    const hour = [String(now - 3_600_000), String(now)];
    const recent = await search({ limit: 50, filters: [{ key: 'create_time', operator: 'between', value: hour }] });
    const iso = hour.map((t) => new Date(Number(t)).toISOString());
    const recentIso = await search({ limit: 50, filters: [{ key: 'create_time', operator: 'between', value: iso }] });
    expect(recent.body.count).toBe(recentIso.body.count);
    expect(recent.body.items.every((j) => j.metadata.create_time >= now - 3_600_000)).toBe(true);
    const both = await search({
      filters: [
        { key: 'phase', operator: 'in', value: ['Running'] },
        { key: 'name', operator: 'like', value: ['bert-large'] },
      ],
    });
    expect(both.body.items.map((j) => j.metadata.id)).toEqual([SEEDED_V2.failingNpuJobId]);
  });

  it.each([
    [{ limit: 51 }, 'ModelArts.2788'],
    [{ offset: -1 }, 'ModelArts.2788'],
    [{ sort_by: 'name' }, 'ModelArts.2790'],
    [{ filters: [{ key: 'flavor', operator: 'in', value: ['x'] }] }, 'ModelArts.2807'],
    [{ filters: [{ key: 'phase', operator: 'like', value: ['Running'] }] }, 'ModelArts.2808'],
    [{ filters: [{ key: 'phase', operator: 'in', value: ['Sleeping'] }] }, 'ModelArts.2809'],
    ['{not json', 'ModelArts.2787'],
  ])('refuses %j with 400 %s in the v2 error shape', async (body, code) => {
    const res = await search(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error_code: code, error_msg: expect.any(String) });
  });

  it('in record-offset mode, offset counts rows (what the defensive pager must survive)', async () => {
    sim.v2.setSearchOffset('record');
    try {
      const a = (await search({ limit: 5, offset: 0 })).body.items.map((j) => j.metadata.id);
      const b = (await search({ limit: 5, offset: 1 })).body.items.map((j) => j.metadata.id);
      expect(b.slice(0, 4)).toEqual(a.slice(1));
    } finally {
      sim.v2.setSearchOffset('page');
    }
  });
});

describe('detail (GET /v2/{project_id}/training-jobs/{id})', () => {
  it('UUID ids, worker-0..n-1 tasks, ms times and seconds in running_records, GPU flavor detail, TensorBoard', async () => {
    const job = await detail(SEEDED_V2.runningGpuJobId);
    expect(job.metadata.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(job.status).toMatchObject({ phase: 'Running', secondary_phase: 'Running', tasks: ['worker-0', 'worker-1'] });
    const start = job.status.start_time as number;
    expect(start).toBeGreaterThan(1e12);
    expect(job.status.duration).toBe(sim.now() - start);
    expect(job.status.running_records).toEqual([
      { start_at: Math.floor(start / 1000), start_type: 'init_or_rescheduled' },
    ]);
    expect(job.status).not.toHaveProperty('task_statuses');
    expect(job.spec.resource).toMatchObject({
      flavor_id: 'modelarts.p3.large.public',
      node_count: 2,
      flavor_detail: { flavor_type: 'GPU', flavor_info: { gpu: { unit_num: 1, product_name: 'GP-Vnt1' } } },
    });
    expect(job.algorithm).toMatchObject({ parameters: expect.any(Array), inputs: expect.any(Array) });
    expect(job.endpoints?.tensorboard).toMatchObject({ url: expect.stringContaining('/tensorboard/v2/') });
  });

  it('NPU flavors send unit_num as a string; dedicated pools send no flavor_detail', async () => {
    const npu = await detail(SEEDED_V2.failingNpuJobId);
    expect((npu.spec.resource.flavor_detail as { flavor_info: { npu: unknown } }).flavor_info.npu).toMatchObject({
      unit_num: '8',
    });
    const pool = await detail(SEEDED_V2.completedJobId);
    expect(pool.spec.resource).not.toHaveProperty('flavor_detail');
    expect(pool.spec.resource.main_container_allocated_resources).toMatchObject({ accelerator_num: 4 });
  });

  it('the seeded failure: task_statuses with exit code, running_records end_reason, an Error event', async () => {
    const job = await detail(SEEDED_V2.failedJobId);
    expect(job.status).toMatchObject({
      phase: 'Failed',
      task_statuses: [{ task: 'worker-0', exit_code: 1, message: 'CUDA out of memory' }],
    });
    expect((job.status.running_records as Array<Record<string, unknown>>)[0]).toMatchObject({
      end_reason: 'exit with 1',
      end_related_task: 'worker-0',
    });
    const events = asRecord((await get(sim, `${JOBS}/${SEEDED_V2.failedJobId}/events?level=Error`)).json);
    expect(events.events).toEqual([
      { time: expect.stringMatching(/\+00:00$/), level: 'Error', message: 'Training job failed.', source: 'Job' },
    ]);
  });

  it('events: a time range in epoch-ms strings, level, pattern, order and page-index offset', async () => {
    const id = SEEDED_V2.failedJobId;
    const job = sim.v2.jobs.get(id)!;
    const all = asRecord((await get(sim, `${JOBS}/${id}/events?order=asc`)).json);
    expect(all).toMatchObject({ total: job.events.length, limit: 50, offset: 0, order: 'asc' });
    const range = `start_time=${job.start_time}&end_time=${job.end_time}`;
    const during = asRecord((await get(sim, `${JOBS}/${id}/events?${range}`)).json);
    expect((during.events as Array<{ message: string }>).map((e) => e.message)).toEqual([
      'Training job failed.',
      '[worker-0] Training finished. Exit code 1.',
      '[worker-0] Task started.',
      // Same time: in the order they happened.
      'Successfully assigned 1 node(s).',
      'Training job started.',
    ]);
    const page = asRecord((await get(sim, `${JOBS}/${id}/events?limit=2&offset=1&pattern=Training`)).json);
    expect((page.events as Array<{ message: string }>).map((e) => e.message)).toEqual([
      'Training job started.',
      'Training job created.',
    ]);
    expect((await get(sim, `${JOBS}/${id}/events?start_time=1`)).status).toBe(400);
  });

  it('an unknown id is 400 ModelArts.2775', async () => {
    const res = await get(sim, `${JOBS}/00000000-0000-4000-8000-000000000000`);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error_code: 'ModelArts.2775' });
  });

  it('generated jobs mix phases, flavor types and 1–4 nodes', async () => {
    const jobs = [...sim.v2.jobs.values()];
    expect(new Set(jobs.map((j) => j.phase)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(jobs.map((j) => j.flavor.flavor_type))).toEqual(new Set(['CPU', 'GPU', 'Ascend']));
    expect(Math.max(...jobs.map((j) => j.node_count))).toBe(4);
  });
});

describe('logs and metrics', () => {
  it('log preview: the newest part under the cap, with both sizes; the error is not the last line', async () => {
    const res = await get(sim, `${JOBS}/${SEEDED_V2.failedJobId}/tasks/worker-0/logs/preview`);
    const preview = asRecord(res.json) as { content: string; current_size: number; full_size: number };
    expect(preview.current_size).toBeLessThanOrEqual(4096);
    expect(preview.full_size).toBeGreaterThan(preview.current_size);
    expect(Buffer.byteLength(preview.content)).toBe(preview.current_size);
    const lines = preview.content.trimEnd().split('\n');
    const error = lines.findIndex((l) => l.startsWith('RuntimeError: CUDA out of memory'));
    expect(lines[error - 5]).toBe('Traceback (most recent call last):');
    expect(lines.slice(error + 1)).toEqual([
      'INFO:root:closing dataloader workers',
      '[ModelArts Service Log]INFO: uploading logs to OBS',
      '[ModelArts Service Log]INFO: task worker-0 exited with code 1',
    ]);
  });

  it('204 while a task has not logged (Pending) and for metrics; 400 for a task the job does not have', async () => {
    expect((await get(sim, `${JOBS}/${SEEDED_V2.queuedJobId}/tasks/worker-0/logs/preview`)).status).toBe(204);
    expect((await get(sim, `${JOBS}/${SEEDED_V2.queuedJobId}/metrics/worker-0`)).status).toBe(204);
    const res = await get(sim, `${JOBS}/${SEEDED_V2.runningGpuJobId}/tasks/worker-2/logs/preview`);
    expect(res.status).toBe(400);
  });

  it('log URL: a signed link the simulator serves for 5 minutes, inline or as a download', async () => {
    const link = asRecord(
      (await get(sim, `${JOBS}/${SEEDED_V2.failedJobId}/tasks/worker-0/logs/url`, { 'content-type': 'text/plain' }))
        .json,
    ).obs_url as string;
    const log = await fetch(link);
    expect(log.status).toBe(200);
    expect(await log.text()).toContain('RuntimeError: CUDA out of memory');
    const download = asRecord(
      (
        await get(
          sim,
          `${JOBS}/${SEEDED_V2.failedJobId}/tasks/worker-0/logs/url?Content-Type=application%2Foctet-stream`,
        )
      ).json,
    ).obs_url as string;
    expect((await fetch(download)).headers.get('content-disposition')).toMatch(/attachment/);
    expect((await fetch(link.replace(/Signature=\w{4}/, 'Signature=0000'))).status).toBe(403);
    clock.set(clock.now() + 6 * 60_000);
    expect((await fetch(link)).status).toBe(403);
  });

  it('metrics: six series, one point a minute, -1 where there is no data (NPU metrics on a GPU job)', async () => {
    const body = asRecord((await get(sim, `${JOBS}/${SEEDED_V2.completedJobId}/metrics/worker-1`)).json) as {
      metrics: Array<{ metric: string; value: number[] }>;
    };
    expect(body.metrics.map((m) => m.metric)).toEqual([
      'cpuUsage',
      'memUsage',
      'gpuUtil',
      'gpuMemUsage',
      'npuUtil',
      'npuMemUsage',
    ]);
    const [cpu, , gpu, , npu] = body.metrics;
    expect(cpu?.value).toHaveLength(3 * 60 + 1);
    expect(cpu?.value[0]).toBe(-1);
    expect(gpu?.value.slice(1).every((v) => v >= 0 && v <= 100)).toBe(true);
    expect(npu?.value.every((v) => v === -1)).toBe(true);
  });
});
