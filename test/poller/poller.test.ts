import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobAlert } from '../../src/alerts/index.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { describeRows, makePoller, startWorld, TEAM, type World, watch } from './helpers.js';

const MIN = 60_000;

let world: World;
let store: Store;

beforeEach(async () => {
  world = await startWorld();
  store = await openStore('sqlite::memory:');
});

afterEach(async () => {
  await store.close();
  await world.close();
});

const outbox = async () => describeRows(await store.listOutbox());

describe('poller: transitions', () => {
  it('alerts each transition of a watched version exactly once and ends the version watch', async () => {
    const { jobId, versionIds } = world.sim.addJob({ name: 'resnet', status: 7 });
    const [v] = versionIds;
    const j = String(jobId);
    const w = await watch(world, store, { kind: 'run', jobId: j, versionId: String(v) });
    const poller = makePoller(world, store);

    // First sight of the status the watch command showed: the start card already covers it, and no detail call is
    // spent on a card the outbox drops.
    const first = await poller.runOnce();
    expect(first).toMatchObject({ role: 'leader', ok: true, changes: 1, alertsQueued: 0 });
    expect(first.calls).toEqual({ listJobVersionStatuses: 1 });
    expect(await outbox()).toEqual([`C1 ${j}/${v} card:7`]);

    world.clock.tick(MIN);
    world.sim.setVersionStatus(jobId, v!, 8);
    expect((await poller.runOnce()).alertsQueued).toBe(1);
    expect((await poller.runOnce()).alertsQueued).toBe(0);

    world.clock.tick(MIN);
    world.sim.setVersionStatus(jobId, v!, 10);
    expect((await poller.runOnce()).alertsQueued).toBe(2);
    for (let i = 0; i < 3; i++) expect((await poller.runOnce()).alertsQueued).toBe(0);

    expect(await outbox()).toEqual([
      `C1 ${j}/${v} card:7`,
      `C1 ${j}/${v} card:8:from:7@t`,
      `C1 ${j}/${v} card:10:from:8@t`,
      `C1 ${j}/${v} terminal:10`,
    ]);
    const ended = await store.getWatch(w.id);
    expect(ended?.endedAt).not.toBeNull();
    expect(ended?.lastStatus).toBe('10');
    expect(await store.listActiveWatches(world.sim.projectId)).toEqual([]);

    const reply = (await store.listOutbox()).find((r) => r.kind === 'terminal_reply');
    expect(reply?.payload).toMatchObject({
      run: {
        ref: { api: 'v1', jobId: j, versionId: String(v) },
        status: { key: '10', name: 'JOBSTAT_COMPLETED' },
        name: 'resnet',
      },
      previousStatus: '8',
      creatorUserId: 'U1',
      // The version watch ends with this reply: it offers no Unwatch, while the row still names the watch.
      watchId: null,
      event: 'terminal',
    });
    expect(reply?.watchId).toBe(w.id);
  });

  it('makes detail calls only for changed, watched versions', async () => {
    const watched = world.sim.addJob({ name: 'watched', status: 8 });
    const other = world.sim.addJob({ name: 'other', status: 8 });
    await watch(world, store, {
      kind: 'run',
      jobId: String(watched.jobId),
      versionId: String(watched.versionIds[0]),
    });
    const poller = makePoller(world, store);
    await poller.runOnce();

    world.sim.resetRequestCounts();
    world.clock.tick(MIN);
    world.sim.setVersionStatus(other.jobId, other.versionIds[0]!, 11);
    const quiet = await poller.runOnce();
    expect(quiet.calls).toEqual({ listJobVersionStatuses: 1 });

    world.clock.tick(MIN);
    world.sim.setVersionStatus(watched.jobId, watched.versionIds[0]!, 11);
    const busy = await poller.runOnce();
    expect(busy.calls).toEqual({
      listJobVersionStatuses: 1,
      getTrainingJobVersion: 1,
      getLogFileNames: 1,
      getAomLog: 1,
    });
    const counts = world.sim.requestCounts();
    expect(counts.getTrainingJobVersion).toBe(1);
    expect(counts.listTrainingJobs).toBe(0);

    const reply = (await store.listOutbox()).find((r) => r.kind === 'terminal_reply');
    const tail = (reply?.payload as JobAlert | undefined)?.logTail ?? [];
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.length).toBeLessThanOrEqual(20);
  });

  it('job watch: finds new versions of the job although all-versions rows carry no job_id', async () => {
    const { jobId, versionIds } = world.sim.addJob({ name: 'bert', statuses: [10, 8] });
    const j = String(jobId);
    world.clock.tick(60 * MIN);
    await watch(world, store, { kind: 'job', jobId: j });
    const poller = makePoller(world, store);
    await poller.runOnce();
    // Only the newest version has a card; the finished first version is history.
    expect(await outbox()).toEqual([`C1 ${j}/${versionIds[1]} card:8`]);

    world.clock.tick(MIN);
    const [added] = world.sim.addVersions(1, { jobId, status: 7 });
    const unrelated = world.sim.addJob({ name: 'unrelated', status: 7 });
    const cycle = await poller.runOnce();
    expect(cycle.alertsQueued).toBe(1);
    expect(cycle.calls.listTrainingJobs).toBe(1);
    expect(await outbox()).toEqual([`C1 ${j}/${versionIds[1]} card:8`, `C1 ${j}/${added?.versionId} card:7`]);

    // The job list is only consulted when an unknown version id shows up.
    world.clock.tick(MIN);
    world.sim.setVersionStatus(unrelated.jobId, unrelated.versionIds[0]!, 11);
    world.sim.setVersionStatus(jobId, added!.versionId, 11);
    const next = await poller.runOnce();
    expect(next.calls.listTrainingJobs).toBeUndefined();
    expect(await outbox()).toEqual([
      `C1 ${j}/${versionIds[1]} card:8`,
      `C1 ${j}/${added?.versionId} card:7`,
      `C1 ${j}/${added?.versionId} card:11:from:7@t`,
      `C1 ${j}/${added?.versionId} terminal:11`,
    ]);
  });

  it('project watch: one message per failed version, never history, never completions', async () => {
    const old = world.sim.addJob({ name: 'old-failure', status: 11 });
    world.clock.tick(60 * MIN);
    const running = world.sim.addJob({ name: 'will-fail', statuses: [8, 8] });
    const finishing = world.sim.addJob({ name: 'will-complete', status: 8 });
    await watch(world, store, { kind: 'project' }, { channelId: 'CALL' });
    const poller = makePoller(world, store);
    expect((await poller.runOnce()).alertsQueued).toBe(0);

    world.clock.tick(MIN);
    // The older of two running versions fails: its row has no job id and it is not its job's newest version.
    world.sim.setVersionStatus(running.jobId, running.versionIds[0]!, 11);
    world.sim.setVersionStatus(finishing.jobId, finishing.versionIds[0]!, 10);
    expect((await poller.runOnce()).alertsQueued).toBe(1);
    expect((await poller.runOnce()).alertsQueued).toBe(0);
    expect(await outbox()).toEqual([`CALL ${running.jobId}/${running.versionIds[0]} project_failure:11`]);
    expect(old.versionIds).toHaveLength(1);
  });

  it('a failure seen first while the project watch is new is reported if it ended after the watch began', async () => {
    const poller = makePoller(world, store);
    await watch(world, store, { kind: 'project' }, { channelId: 'CALL' });
    world.clock.tick(MIN);
    const failed = world.sim.addJob({ name: 'quick-failure', status: 5 });
    await poller.runOnce();
    expect(await outbox()).toEqual([`CALL ${failed.jobId}/${failed.versionIds[0]} project_failure:5`]);
  });
});

describe('poller: resilience', () => {
  it('a detail call failing transiently defers the alert (state not committed) instead of losing or weakening it', async () => {
    const { jobId, versionIds } = world.sim.addJob({ name: 'detail-flaky', status: 8 });
    const v = versionIds[0]!;
    await watch(world, store, { kind: 'run', jobId: String(jobId), versionId: String(v) });
    const poller = makePoller(world, store);
    await poller.runOnce();
    world.clock.tick(MIN);
    world.sim.setVersionStatus(jobId, v, 10);
    world.sim.faults.serverError({ endpoint: 'getTrainingJobVersion', times: 1 });
    expect(await poller.runOnce()).toMatchObject({ ok: true, deferred: 1, alertsQueued: 0 });
    expect((await store.getRunStates(world.sim.projectId)).map((s) => s.status)).toEqual(['8']);
    expect(await poller.runOnce()).toMatchObject({ ok: true, deferred: 0, alertsQueued: 2 });
    const reply = (await store.listOutbox()).find((r) => r.kind === 'terminal_reply');
    expect(reply?.payload).toMatchObject({ run: { engine: expect.any(String), status: { key: '10' } } });
  });

  it('a job watch on a job ModelArts does not know does not stop polling for the others', async () => {
    const { jobId, versionIds } = world.sim.addJob({ name: 'real', status: 8 });
    await store.createWatch({
      teamId: TEAM,
      channelId: 'C1',
      projectId: world.sim.projectId,
      creatorUserId: 'U1',
      target: { kind: 'job', jobId: '999999' },
      filter: 'default',
      now: world.clock.now(),
    });
    await watch(world, store, { kind: 'run', jobId: String(jobId), versionId: String(versionIds[0]) });
    const poller = makePoller(world, store);
    expect((await poller.runOnce()).ok).toBe(true);
    world.clock.tick(MIN);
    world.sim.setVersionStatus(jobId, versionIds[0]!, 11);
    expect(await poller.runOnce()).toMatchObject({ ok: true, alertsQueued: 2 });
  });

  it('a watch on a v2 job is left to the v2 observer: the v1 side neither asks about it nor stops for it', async () => {
    const { jobId, versionIds } = world.sim.addJob({ name: 'real', status: 8 });
    const v2 = await store.createWatch({
      teamId: TEAM,
      channelId: 'C1',
      projectId: world.sim.projectId,
      creatorUserId: 'U1',
      target: { kind: 'run', jobId: '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b', versionId: null },
      filter: 'default',
      now: world.clock.now(),
    });
    await watch(world, store, { kind: 'run', jobId: String(jobId), versionId: String(versionIds[0]) });
    const poller = makePoller(world, store);
    expect(await poller.runOnce()).toMatchObject({
      ok: true,
      calls: { listJobVersionStatuses: 1, searchTrainingJobs: 1 },
    });
    world.clock.tick(MIN);
    world.sim.setVersionStatus(jobId, versionIds[0]!, 11);
    expect(await poller.runOnce()).toMatchObject({ ok: true, alertsQueued: 2 });
    // Seen by the v2 search (the showcase job is running): the v2 observer records it.
    expect((await store.getWatch(v2.watch.id))?.lastStatus).toBe('Running');
  });

  it('start() polls on its own; stop() releases the lease for the next process at once', async () => {
    const a = makePoller(world, store, { instanceId: 'loop-a', intervalSeconds: 1 });
    a.start();
    await expect
      .poll(async () => (await store.getPollHealth(world.sim.projectId))?.lastSuccessAt ?? null)
      .not.toBeNull();
    expect(a.health()).toMatchObject({ role: 'leader', mode: 'all-versions', failingSince: null, lagSeconds: 0 });
    await a.stop();
    expect(a.health().role).toBe('stopped');
    const b = makePoller(world, store, { instanceId: 'loop-b', intervalSeconds: 1 });
    expect((await b.runOnce()).role).toBe('leader');
    world.clock.tick(90_000);
    expect(b.health().lagSeconds).toBe(90);
  });
});

describe('poller: restarts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'poller-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a job that finished while the bot was down, from the state in the store', async () => {
    const url = `sqlite:${join(dir, 'bot.db')}`;
    const { jobId, versionIds } = world.sim.addJob({ name: 'overnight', status: 8 });
    let db = await openStore(url);
    await watch(world, db, { kind: 'run', jobId: String(jobId), versionId: String(versionIds[0]) });
    await makePoller(world, db).runOnce();
    await db.close();

    world.clock.tick(8 * 60 * MIN);
    world.sim.setVersionStatus(jobId, versionIds[0]!, 11);
    world.clock.tick(60 * MIN);

    db = await openStore(url);
    const cycle = await makePoller(world, db, { instanceId: 'poller-b' }).runOnce();
    expect(cycle).toMatchObject({ role: 'leader', alertsQueued: 2 });
    expect(describeRows(await db.listOutbox())).toEqual([
      `C1 ${jobId}/${versionIds[0]} card:8`,
      `C1 ${jobId}/${versionIds[0]} card:11:from:8@t`,
      `C1 ${jobId}/${versionIds[0]} terminal:11`,
    ]);
    await db.close();
  });
});

describe('poller: ModelArts errors', () => {
  it('never alerts on errors, keeps state, warns operators once and says once when it recovers', async () => {
    const { jobId, versionIds } = world.sim.addJob({ name: 'flaky', status: 8 });
    const v = versionIds[0]!;
    await watch(world, store, { kind: 'run', jobId: String(jobId), versionId: String(v) });
    const poller = makePoller(world, store, { opsChannelId: 'COPS', alertAfterMinutes: 3 });
    await poller.runOnce();
    const before = await store.listOutbox();

    world.sim.faults.serverError({ endpoint: 'listJobVersionStatuses', status: 503 });
    const failingFrom = world.clock.ms;
    for (let i = 0; i < 6; i++) {
      world.clock.tick(MIN);
      if (i === 2) world.sim.setVersionStatus(jobId, v, 11);
      const r = await poller.runOnce();
      expect(r).toMatchObject({ role: 'leader', ok: false, alertsQueued: 0 });
      expect(poller.health().failingSince).not.toBeNull();
    }
    // Nothing but one ops notice: the failure happened, but nobody learns it from an error.
    expect(describeRows(await store.listOutbox())).toEqual([
      ...describeRows(before),
      `COPS -/- ops:failing:${failingFrom + MIN}`,
    ]);
    const states = await store.getRunStates(world.sim.projectId);
    expect(states.map((s) => s.status)).toEqual(['8']);
    expect(poller.health().lastError).toMatch(/ModelArts/);

    world.sim.faults.clear();
    world.clock.tick(MIN);
    const recovered = await poller.runOnce();
    expect(recovered).toMatchObject({ ok: true, alertsQueued: 2 });
    await poller.runOnce();
    const rows = describeRows(await store.listOutbox());
    expect(rows.filter((r) => r.startsWith('COPS'))).toEqual([
      `COPS -/- ops:failing:${failingFrom + MIN}`,
      `COPS -/- ops:recovered:${failingFrom + MIN}`,
    ]);
    const notice = (await store.listOutbox({ channelId: 'COPS' }))[0];
    expect(notice).toMatchObject({ kind: 'ops_notice', teamId: TEAM });
    expect(poller.health()).toMatchObject({ failingSince: null, lastError: null, lagSeconds: 0 });
  });

  it('without an ops channel it still recovers quietly', async () => {
    const { jobId, versionIds } = world.sim.addJob({ name: 'quiet', status: 8 });
    await watch(world, store, { kind: 'run', jobId: String(jobId), versionId: String(versionIds[0]) });
    const poller = makePoller(world, store, { alertAfterMinutes: 1 });
    await poller.runOnce();
    const before = await store.listOutbox();
    world.sim.faults.rateLimit({ endpoint: 'listJobVersionStatuses', times: 3 });
    for (let i = 0; i < 3; i++) {
      world.clock.tick(MIN);
      expect((await poller.runOnce()).ok).toBe(false);
    }
    world.clock.tick(MIN);
    expect((await poller.runOnce()).ok).toBe(true);
    expect(await store.listOutbox()).toEqual(before);
  });

  it('with no active watch it asks ModelArts nothing', async () => {
    world.sim.resetRequestCounts();
    const r = await makePoller(world, store).runOnce();
    expect(r).toMatchObject({ role: 'leader', ok: true, calls: {} });
    expect(world.sim.requestCounts().listJobVersionStatuses).toBe(0);
  });
});

describe('poller: fallback without the all-versions endpoint', () => {
  it('uses the job list and versions-of-job for watched jobs only, and re-probes later', async () => {
    world.sim.faults.setAllVersionsOff(true);
    const a = world.sim.addJob({ name: 'two-running', statuses: [8, 8] });
    const b = world.sim.addJob({ name: 'latest-only', status: 8 });
    world.sim.addJob({ name: 'unwatched', statuses: [8, 8] });
    const c = world.sim.addJob({ name: 'keeps-running', status: 8 });
    await watch(world, store, { kind: 'run', jobId: String(a.jobId), versionId: String(a.versionIds[0]) });
    await watch(world, store, { kind: 'run', jobId: String(c.jobId), versionId: String(c.versionIds[0]) });
    await watch(world, store, { kind: 'run', jobId: String(b.jobId), versionId: String(b.versionIds[0]) });
    const poller = makePoller(world, store, { tuning: { fallbackRecheckMs: 10 * MIN } });

    const first = await poller.runOnce();
    expect(first).toMatchObject({ ok: true, mode: 'fallback' });
    // a's watched version is not its newest, so its versions are listed; b's newest is in the job list.
    expect(first.calls).toEqual({ listJobVersionStatuses: 1, listTrainingJobs: 1, listTrainingJobVersions: 1 });

    world.clock.tick(MIN);
    world.sim.setVersionStatus(a.jobId, a.versionIds[0]!, 11);
    world.sim.setVersionStatus(b.jobId, b.versionIds[0]!, 10);
    const second = await poller.runOnce();
    expect(second.calls.listJobVersionStatuses).toBeUndefined();
    expect(second.alertsQueued).toBe(4);
    expect(poller.health().mode).toBe('fallback');

    world.clock.tick(10 * MIN);
    world.sim.faults.setAllVersionsOff(false);
    const third = await poller.runOnce();
    expect(third).toMatchObject({ ok: true, mode: 'all-versions', alertsQueued: 0 });
    expect(
      describeRows(await store.listOutbox())
        .filter((r) => r.includes('terminal'))
        .sort(),
    ).toEqual([`C1 ${a.jobId}/${a.versionIds[0]} terminal:11`, `C1 ${b.jobId}/${b.versionIds[0]} terminal:10`].sort());
  });
});

describe('poller: fallback for job and project watches', () => {
  it('job watch: new versions found through the job list and versions-of-job', async () => {
    world.sim.faults.setAllVersionsOff(true);
    const { jobId, versionIds } = world.sim.addJob({ name: 'fb-job', statuses: [10, 8] });
    world.clock.tick(60 * MIN);
    await watch(world, store, { kind: 'job', jobId: String(jobId) });
    const poller = makePoller(world, store);
    await poller.runOnce();
    world.clock.tick(MIN);
    const [added] = world.sim.addVersions(1, { jobId, status: 7 });
    world.sim.setVersionStatus(jobId, versionIds[1]!, 11);
    const r = await poller.runOnce();
    expect(r).toMatchObject({ ok: true, mode: 'fallback' });
    expect(describeRows(await store.listOutbox())).toEqual([
      `C1 ${jobId}/${versionIds[1]} card:8`,
      `C1 ${jobId}/${added?.versionId} card:7`,
      `C1 ${jobId}/${versionIds[1]} card:11:from:8@t`,
      `C1 ${jobId}/${versionIds[1]} terminal:11`,
    ]);
  });

  it('project watch: dates first-seen failures by their detail, reports new ones, keeps history quiet', async () => {
    world.sim.faults.setAllVersionsOff(true);
    world.sim.addJob({ name: 'old-failure', status: 11 });
    world.clock.tick(60 * MIN);
    const running = world.sim.addJob({ name: 'fb-running', status: 8 });
    await watch(world, store, { kind: 'project' }, { channelId: 'CALL' });
    const poller = makePoller(world, store);
    expect(await poller.runOnce()).toMatchObject({ ok: true, mode: 'fallback', alertsQueued: 0 });
    world.clock.tick(MIN);
    world.sim.setVersionStatus(running.jobId, running.versionIds[0]!, 14);
    const fresh = world.sim.addJob({ name: 'fb-fresh-failure', status: 3 });
    expect((await poller.runOnce()).alertsQueued).toBe(2);
    expect((await poller.runOnce()).alertsQueued).toBe(0);
    expect((await store.listOutbox()).map((r) => `${r.jobId}/${r.versionId} ${r.kind}`).sort()).toEqual(
      [
        `${running.jobId}/${running.versionIds[0]} project_failure`,
        `${fresh.jobId}/${fresh.versionIds[0]} project_failure`,
      ].sort(),
    );
  });
});

describe('poller: one poller per project', () => {
  it('only the lease holder polls; a stale holder cannot commit; a dead holder is replaced within two intervals', async () => {
    const { jobId, versionIds } = world.sim.addJob({ name: 'shared', status: 8 });
    await watch(world, store, { kind: 'run', jobId: String(jobId), versionId: String(versionIds[0]) });
    const a = makePoller(world, store, { instanceId: 'a', intervalSeconds: 10 });
    const b = makePoller(world, store, { instanceId: 'b', intervalSeconds: 10 });

    expect((await a.runOnce()).role).toBe('leader');
    world.sim.resetRequestCounts();
    expect((await b.runOnce()).role).toBe('standby');
    expect(world.sim.requestCounts().listJobVersionStatuses).toBe(0);
    expect(b.health().role).toBe('standby');

    // a dies (no release); within two intervals b takes over and sees the transition a never saw.
    world.clock.tick(20_001);
    world.sim.setVersionStatus(jobId, versionIds[0]!, 10);
    const takeover = await b.runOnce();
    expect(takeover).toMatchObject({ role: 'leader', alertsQueued: 2 });

    // a comes back believing it leads: the lease says otherwise, and nothing is written twice.
    const stale = await a.runOnce();
    expect(stale.role).toBe('standby');
    expect(
      await store.commitPollCycle({
        projectId: world.sim.projectId,
        now: world.clock.now(),
        states: [],
        alerts: [],
        watchStatuses: [],
        fence: { name: `poll:${world.sim.projectId}`, holder: 'a' },
      }),
    ).toBeNull();
    expect((await store.listOutbox()).filter((r) => r.kind === 'terminal_reply')).toHaveLength(1);
  });
});

describe('poller: outbox housekeeping', () => {
  it('the lease holder prunes old sent rows at most once per pruneEveryMs, with the retention cutoff', async () => {
    const cutoffs: Date[] = [];
    const recording: Store = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'pruneOutbox') {
          return (before: Date) => {
            cutoffs.push(before);
            return target.pruneOutbox(before);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const tuning = { pruneEveryMs: 10 * MIN, outboxRetentionMs: 24 * 60 * MIN };
    const leader = makePoller(world, recording, { tuning });
    const standby = makePoller(world, recording, { tuning, instanceId: 'poller-b' });

    const start = world.clock.now().getTime();
    await leader.runOnce();
    await standby.runOnce();
    world.clock.tick(MIN);
    await leader.runOnce();
    expect(cutoffs.map((d) => d.getTime())).toEqual([start - 24 * 60 * MIN]);

    world.clock.tick(10 * MIN);
    await leader.runOnce();
    expect(cutoffs).toHaveLength(2);
  });
});
