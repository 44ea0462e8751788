/**
 * The facade over both training APIs, against canned answers (MockAgent): merging, the availability memory, pinned
 * modes, name matching and log tails. Over HTTP against the simulator: test/integration/training-service.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainingApiMode } from '../../src/config.js';
import {
  createTrainingApiAvailability,
  createTrainingService,
  listedIds,
  TrainingApiOffError,
  type TrainingService,
} from '../../src/modelarts/index.js';
import { fixture, type Harness, harness, JSON_HEADERS, ORIGIN, v1, v2 } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.agent.close();
  h = undefined;
});

const UUID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';
const OTHER = '3faf5c03-aaa1-4cbe-879d-24b05d997347';
const NO_API = JSON.stringify({
  error_code: 'APIGW.0101',
  error_msg: 'The API does not exist or has not been published',
});

function v2Job(id: string, name: string, createdAt: number, phase: string, extra: Record<string, unknown> = {}) {
  return {
    kind: 'job',
    metadata: { id, name, create_time: createdAt },
    status: { phase, secondary_phase: phase, duration: 60_000, tasks: ['worker-0'], ...extra },
    spec: { resource: { flavor_id: 'modelarts.p3.large.public', node_count: 1 } },
  };
}

function search(items: unknown[], count = items.length): string {
  return JSON.stringify({ total: count, count, limit: 50, offset: 0, items });
}

function service(mode: TrainingApiMode = 'auto', clock = { t: 1_000 }): TrainingService {
  if (!h) throw new Error('no harness');
  const availability = createTrainingApiAvailability({ mode, reprobeMs: 60_000 });
  return createTrainingService({ api: h.api, availability, now: () => clock.t });
}

const sent = () =>
  (h?.calls() ?? []).filter((c) => c.fullUrl.startsWith(ORIGIN)).map((c) => `${c.method} ${c.path.split('?')[0]}`);

describe('training service', () => {
  it('lists v1 versions and v2 jobs together, newest first, with one total', async () => {
    h = harness();
    h.pool
      .intercept({ path: (p) => p.startsWith(v1('/training-jobs/versions')), method: 'GET' })
      .reply(200, fixture('job-version-statuses.json'), { headers: JSON_HEADERS });
    h.pool
      .intercept({ path: v2('/training-job-searches'), method: 'POST' })
      .reply(
        200,
        search([v2Job(UUID, 'resnet50-ft', 1_744_441_200_000, 'Running'), v2Job(OTHER, 'old', 1_000, 'Failed')]),
        { headers: JSON_HEADERS },
      );
    const list = await service().listRuns({ limit: 10 });
    expect(list.runs.map((r) => listedIds(r).jobId ?? listedIds(r).versionId)).toEqual([UUID, '1485', OTHER]);
    expect(list.total).toBe(3);
    expect(list.v1Source).toBe('versions');
  });

  it('an account without v1 lists v2 jobs with no error, and stops asking v1 until the re-probe', async () => {
    h = harness();
    const clock = { t: 1_000 };
    const svc = service('auto', clock);
    h.pool
      .intercept({ path: (p) => p.startsWith(v1('/training-jobs')), method: 'GET' })
      .reply(404, NO_API)
      .times(2);
    h.pool
      .intercept({ path: v2('/training-job-searches'), method: 'POST' })
      .reply(200, search([v2Job(UUID, 'resnet50-ft', 5, 'Running')]), { headers: JSON_HEADERS })
      .times(2);
    expect((await svc.listRuns({ limit: 10 })).runs.map((r) => r.ref?.jobId)).toEqual([UUID]);
    const first = sent().length;
    expect(sent().filter((c) => c.includes('/v1/'))).toHaveLength(2);
    clock.t += 1_000;
    const again = await svc.listRuns({ limit: 10 });
    expect(again.runs).toHaveLength(1);
    expect(again.v1Source).toBeNull();
    expect(sent().slice(first)).toEqual([`POST ${v2('/training-job-searches')}`]);
  });

  it('an account without v2 lists v1 versions with no error', async () => {
    h = harness();
    h.pool
      .intercept({ path: (p) => p.startsWith(v1('/training-jobs/versions')), method: 'GET' })
      .reply(200, fixture('job-version-statuses.json'), { headers: JSON_HEADERS });
    h.pool.intercept({ path: v2('/training-job-searches'), method: 'POST' }).reply(404, NO_API);
    const list = await service().listRuns({ limit: 10 });
    expect(list.runs.map((r) => listedIds(r).versionId)).toEqual(['1485']);
  });

  it('a UUID while v2 is pinned off names MODELARTS_TRAINING_API and asks nothing', async () => {
    h = harness();
    const svc = service('v1');
    const err = await svc.getRun({ api: 'v2', jobId: UUID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingApiOffError);
    expect((err as TrainingApiOffError).userMessage).toContain('MODELARTS_TRAINING_API');
    await expect(service('v2').latestRun('10')).rejects.toBeInstanceOf(TrainingApiOffError);
    expect(sent()).toEqual([]);
  });

  it('a pinned mode lists only its API', async () => {
    h = harness();
    h.pool
      .intercept({ path: v2('/training-job-searches'), method: 'POST' })
      .reply(200, search([v2Job(UUID, 'a', 5, 'Running')]), { headers: JSON_HEADERS });
    expect((await service('v2').listRuns({ limit: 5 })).runs).toHaveLength(1);
    expect(sent().every((c) => c.includes('/v2/'))).toBe(true);
  });

  it('a failed v2 job reads its error events for the reason', async () => {
    h = harness();
    h.pool
      .intercept({ path: v2(`/training-jobs/${UUID}`), method: 'GET' })
      .reply(200, JSON.stringify(v2Job(UUID, 'oom', 5, 'Failed')), { headers: JSON_HEADERS });
    h.pool.intercept({ path: (p) => p.startsWith(v2(`/training-jobs/${UUID}/events`)), method: 'GET' }).reply(
      200,
      JSON.stringify({
        total: 1,
        events: [{ time: '2026-01-01T00:00:00Z', level: 'Error', message: 'Image pull failed: not found' }],
      }),
      { headers: JSON_HEADERS },
    );
    const run = await service().getRun({ api: 'v2', jobId: UUID });
    expect(run.status.key).toBe('Failed');
    expect(run.failure?.reason).toContain('Image pull failed');
  });

  it('names: exact beats prefix; several prefixes are candidates; others are near misses', async () => {
    h = harness();
    h.pool
      .intercept({ path: (p) => p.startsWith(v1('/training-jobs?')), method: 'GET' })
      .reply(200, fixture('training-jobs.json'), { headers: JSON_HEADERS })
      .times(2);
    const rows = [
      v2Job(UUID, 'bert-large', 30, 'Running'),
      v2Job(OTHER, 'bert-large-2', 20, 'Completed'),
      v2Job('0b6f3c8e-1d2a-4e5b-9c7d-8e9f0a1b2c3d', 'my-bert', 10, 'Completed'),
    ];
    h.pool
      .intercept({ path: v2('/training-job-searches'), method: 'POST' })
      .reply(200, search(rows), { headers: JSON_HEADERS })
      .times(2);
    const svc = service();
    const exact = await svc.findRunsByName('BERT-large');
    expect(exact.matches.map((r) => r.ref?.jobId)).toEqual([UUID]);
    const prefix = await svc.findRunsByName('bert');
    expect(prefix.matches.map((r) => r.name)).toEqual(['bert-large', 'bert-large-2']);
    expect(prefix.near.map((r) => r.name)).toEqual(['my-bert']);
  });

  it('the log tail of a v2 job is the end of its first task’s preview', async () => {
    h = harness();
    h.pool
      .intercept({ path: v2(`/training-jobs/${UUID}`), method: 'GET' })
      .reply(200, JSON.stringify(v2Job(UUID, 'r', 5, 'Running')), { headers: JSON_HEADERS });
    h.pool
      .intercept({ path: v2(`/training-jobs/${UUID}/tasks/worker-0/logs/preview`), method: 'GET' })
      .reply(200, JSON.stringify({ content: 'one\ntwo\nthree\n' }), { headers: JSON_HEADERS });
    expect(await service().logTail({ api: 'v2', jobId: UUID }, 2)).toEqual(['two', 'three']);
  });
});
