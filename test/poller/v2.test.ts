/**
 * The poller on v2 jobs, over HTTP against the simulator's v2 mode: one active-phase search per cycle, a detail only
 * for watched jobs that left the active set, the training API availability, restarts from stored states.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobAlert } from '../../src/alerts/index.js';
import { createTrainingApiAvailability, type TrainingApi } from '../../src/modelarts/index.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import type { SimulatorOptions } from '../../tools/simulator/index.js';
import { describeRows, freezeShowcaseV2, makePoller, startWorld, type World, watch } from './helpers.js';

const MIN = 60_000;

let world: World;
let store: Store;

async function setUp(options: SimulatorOptions = {}) {
  world = await startWorld({ generatedV2Jobs: 0, ...options });
  freezeShowcaseV2(world.sim);
  store = await openStore('sqlite::memory:');
  // Past the showcase jobs' ends: a project watch created now must treat them as history.
  world.clock.tick(30 * MIN);
}

afterEach(async () => {
  await store.close();
  await world.close();
});

const outbox = async () => describeRows(await store.listOutbox());

function v2Job(name: string, phase: 'Running' | 'Pending' | 'Creating' = 'Running', extra = {}) {
  return world.sim.v2.addJob({ name, phase, createdAgoMs: 10 * MIN, startedAgoMs: 5 * MIN, ...extra }).id;
}

describe('poller on v2 jobs', () => {
  it('a watched job that completes: one search per cycle, one detail when it leaves the active set, the watch ends', async () => {
    await setUp();
    const id = v2Job('resnet');
    const w = await watch(world, store, { kind: 'run', jobId: id, versionId: null });
    const poller = makePoller(world, store);

    const first = await poller.runOnce();
    expect(first).toMatchObject({ ok: true, changes: 1, alertsQueued: 0 });
    expect(first.calls).toEqual({ listJobVersionStatuses: 1, searchTrainingJobs: 1 });

    world.clock.tick(MIN);
    world.sim.v2.setPhase(id, 'Completed');
    const done = await poller.runOnce();
    expect(done.alertsQueued).toBe(2);
    expect(done.calls).toEqual({ listJobVersionStatuses: 1, searchTrainingJobs: 1, getTrainingJob: 1 });
    expect(await outbox()).toEqual([
      `C1 ${id}/- card:Running`,
      `C1 ${id}/- card:Completed:from:Running@t`,
      `C1 ${id}/- terminal:Completed`,
    ]);
    expect((await store.getWatch(w.id))?.endedAt).not.toBeNull();

    // Nothing left to watch: ModelArts is not asked again.
    expect((await poller.runOnce()).calls).toEqual({});
  });

  it('a watched job that fails: the alert carries the failure from the detail and the failed task log', async () => {
    await setUp();
    const id = v2Job('bert', 'Running', {
      nodes: 2,
      failure: { task: 'worker-1', exit_code: 137, message: 'OOM killed' },
    });
    await watch(world, store, { kind: 'run', jobId: id, versionId: null });
    const poller = makePoller(world, store);
    await poller.runOnce();

    world.clock.tick(MIN);
    world.sim.v2.setPhase(id, 'Failed');
    const failed = await poller.runOnce();
    expect(failed.calls).toEqual({
      listJobVersionStatuses: 1,
      searchTrainingJobs: 1,
      getTrainingJob: 1,
      getTaskLogPreview: 1,
    });
    const reply = (await store.listOutbox()).find((r) => r.kind === 'terminal_reply');
    const payload = reply?.payload as JobAlert;
    expect(payload.run.status.key).toBe('Failed');
    expect(payload.run.failure).toMatchObject({ reason: 'OOM killed', exitCode: 137, task: 'worker-1' });
    expect(payload.logTail?.length).toBeGreaterThan(0);
  });

  it('project watch: a job seen waiting that then fails is alerted, so is one born and failed between cycles; history and completions are not', async () => {
    await setUp();
    const queued = v2Job('queued-for-days', 'Pending', { createdAgoMs: 3 * 24 * 60 * MIN });
    const finishing = v2Job('finishing');
    await watch(world, store, { kind: 'project' }, { channelId: 'CALL' });
    const poller = makePoller(world, store);
    const first = await poller.runOnce();
    expect(first.alertsQueued).toBe(0);

    world.clock.tick(MIN);
    // Failed before it ever ran: its only times are three days old.
    world.sim.v2.setPhase(queued, 'Failed');
    world.sim.v2.setPhase(finishing, 'Completed');
    const flash = v2Job('flash', 'Creating', { createdAgoMs: 20_000 });
    world.sim.v2.setPhase(flash, 'Failed');
    const cycle = await poller.runOnce();
    expect(await outbox()).toEqual(
      [`CALL ${queued}/- project_failure:Failed`, `CALL ${flash}/- project_failure:Failed`].sort(),
    );
    // Active search + one page of ended jobs; the two known jobs that left were on that page (no detail needed), so
    // only the two alerts' details and logs are extra.
    expect(cycle.calls.searchTrainingJobs).toBe(2);
    expect(cycle.calls.getTrainingJob).toBe(2);
    for (let i = 0; i < 3; i++) expect((await poller.runOnce()).alertsQueued).toBe(0);
  });

  it('calls per cycle stay within ceil(active / 50) + changed + 1, with 120 active jobs and 3 changes', async () => {
    await setUp();
    const ids = Array.from({ length: 120 }, (_, i) => v2Job(`job-${i}`));
    for (const id of ids.slice(0, 10)) await watch(world, store, { kind: 'run', jobId: id, versionId: null });
    await watch(world, store, { kind: 'project' }, { channelId: 'CALL' });
    const poller = makePoller(world, store, { tuning: { logTailLines: 5 } });
    const quiet = await poller.runOnce();
    const active = 120 + 2; // the showcase's running and queued ones are active too
    const v2Calls = (c: Record<string, number>) =>
      (c.searchTrainingJobs ?? 0) + (c.getTrainingJob ?? 0) + (c.getTaskLogPreview ?? 0);
    expect(v2Calls(quiet.calls)).toBeLessThanOrEqual(Math.ceil(active / 50) + 0 + 1);

    world.clock.tick(MIN);
    world.sim.v2.setPhase(ids[0]!, 'Completed');
    world.sim.v2.setPhase(ids[1]!, 'Terminated');
    world.sim.v2.setPhase(ids[50]!, 'Pending');
    const busy = await poller.runOnce();
    expect(busy.changes).toBe(3);
    expect(v2Calls(busy.calls)).toBeLessThanOrEqual(Math.ceil((active - 2) / 50) + 3 + 1);
  });

  it('pages defensively when the search counts offset in records', async () => {
    await setUp({ searchOffset: 'record' });
    const ids = Array.from({ length: 60 }, (_, i) => v2Job(`job-${i}`));
    for (const id of ids) await watch(world, store, { kind: 'run', jobId: id, versionId: null });
    const poller = makePoller(world, store);
    const first = await poller.runOnce();
    expect(first.observed).toBe(60);
    world.sim.v2.setPhase(ids[59]!, 'Completed');
    world.sim.v2.setPhase(ids[0]!, 'Completed');
    const next = await poller.runOnce();
    expect(next.changes).toBe(2);
    expect((await outbox()).filter((r) => r.includes('terminal:'))).toHaveLength(2);
  });
});

describe('poller on mixed and single-API accounts', () => {
  it('v1 and v2 jobs in one project: both observed in one cycle, each alerted once', async () => {
    await setUp();
    const v1 = world.sim.addJob({ name: 'old-style', status: 8 });
    const v1Version = String(v1.versionIds[0]);
    const v2 = v2Job('new-style');
    await watch(world, store, { kind: 'run', jobId: String(v1.jobId), versionId: v1Version });
    await watch(world, store, { kind: 'run', jobId: v2, versionId: null });
    const poller = makePoller(world, store);
    await poller.runOnce();
    world.clock.tick(MIN);
    world.sim.setVersionStatus(v1.jobId, v1.versionIds[0]!, 10);
    world.sim.v2.setPhase(v2, 'Completed');
    expect((await poller.runOnce()).alertsQueued).toBe(4);
    expect((await poller.runOnce()).alertsQueued).toBe(0);
    expect((await outbox()).filter((r) => r.includes('terminal:'))).toEqual([
      `C1 ${v1.jobId}/${v1Version} terminal:10`,
      `C1 ${v2}/- terminal:Completed`,
    ]);
  });

  it.each<['v1' | 'v2', TrainingApi]>([
    ['v2', 'v1'],
    ['v1', 'v2'],
  ])(
    'an account with only %s: the missing API is learnt once, skipped after, and never fails a cycle',
    async (only, missing) => {
      await setUp({ apis: only });
      const changes: Array<[TrainingApi, boolean]> = [];
      const availability = createTrainingApiAvailability({
        mode: 'auto',
        reprobeMs: 10 * MIN,
        onChange: (api, available) => changes.push([api, available]),
      });
      const job = only === 'v2' ? v2Job('only-v2') : String(world.sim.addJob({ name: 'only-v1', status: 8 }).jobId);
      const versionId = only === 'v2' ? null : '1';
      if (only === 'v1') {
        const versions = await world.api.listTrainingJobVersions(job);
        await watch(world, store, { kind: 'run', jobId: job, versionId: String(versions.versions[0]!.version_id) });
      } else await watch(world, store, { kind: 'run', jobId: job, versionId });
      // A project watch makes both APIs worth asking.
      await watch(world, store, { kind: 'project' }, { channelId: 'CALL' });
      const poller = makePoller(world, store, { availability });
      const first = await poller.runOnce();
      expect(first).toMatchObject({ ok: true, error: null });
      expect(changes).toEqual([[missing, false]]);
      for (let i = 0; i < 3; i++) {
        world.clock.tick(MIN);
        const next = await poller.runOnce();
        expect(next.ok).toBe(true);
        const asked = Object.keys(next.calls);
        if (missing === 'v1') expect(asked).toEqual(['searchTrainingJobs']);
        else expect(asked).toEqual(['listJobVersionStatuses']);
      }
      expect(poller.health().lastError).toBeNull();
      expect(changes).toEqual([[missing, false]]);
    },
  );
});

describe('poller on v2 jobs: restarts', () => {
  it('a job that ended while the bot was down is alerted by the next process, once', async () => {
    await setUp();
    const done = v2Job('done-while-down');
    const failed = v2Job('failed-while-down');
    await watch(world, store, { kind: 'run', jobId: done, versionId: null });
    await watch(world, store, { kind: 'project' }, { channelId: 'CALL' });
    const a = makePoller(world, store, { instanceId: 'a' });
    await a.runOnce();
    await a.stop();

    world.clock.tick(5 * MIN);
    world.sim.v2.setPhase(done, 'Completed');
    world.sim.v2.setPhase(failed, 'Failed');
    const b = makePoller(world, store, { instanceId: 'b' });
    await b.runOnce();
    await b.runOnce();
    const c = makePoller(world, store, { instanceId: 'c' });
    await b.stop();
    await c.runOnce();
    const rows = await outbox();
    expect(rows.filter((r) => !r.includes('card:'))).toEqual([
      `C1 ${done}/- terminal:Completed`,
      `CALL ${failed}/- project_failure:Failed`,
    ]);
  });
});

describe('poller: the watch list', () => {
  it('a watch made through another replica is polled at the next cycle, and a removed one stops at once', async () => {
    await setUp();
    const dir = mkdtempSync(join(tmpdir(), 'poller-watches-'));
    const url = `sqlite:${join(dir, 'bot.db')}`;
    await store.close();
    store = await openStore(url);
    const other = await openStore(url);
    try {
      const early = v2Job('early');
      const late = v2Job('late');
      await watch(world, store, { kind: 'run', jobId: early, versionId: null });
      const poller = makePoller(world, store);
      await poller.runOnce();

      // Made in the other process's store handle, no time passing: the next cycle knows it.
      const made = await other.createWatch({
        teamId: 'T0POLLER',
        channelId: 'C2',
        projectId: world.sim.projectId,
        creatorUserId: 'U2',
        target: { kind: 'run', jobId: late, versionId: null },
        filter: 'default',
        now: world.clock.now(),
      });
      world.sim.v2.setPhase(late, 'Failed');
      expect((await poller.runOnce()).alertsQueued).toBeGreaterThan(0);
      expect((await store.getWatch(made.watch.id))?.lastStatus).toBe('Failed');

      // Removed elsewhere: the job's end is no longer anybody's business.
      const [first] = await other.listChannelWatches('T0POLLER', 'C1');
      await other.deleteWatch(first!.id);
      world.sim.v2.setPhase(early, 'Completed');
      const after = await poller.runOnce();
      expect(after.alertsQueued).toBe(0);
      expect(after.calls).toEqual({});
    } finally {
      await other.close();
      await store.close();
      store = await openStore('sqlite::memory:');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
