import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { NewOutboxRow, NewWatch, OutboxRow, RunState, Store, WatchTarget } from '../../src/store/types.js';
import { dialects } from './dialects.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

const VERSION: WatchTarget = { kind: 'run', jobId: '10', versionId: '7' };
const JOB: WatchTarget = { kind: 'job', jobId: '10' };
const PROJECT: WatchTarget = { kind: 'project' };

function newWatch(overrides: Partial<NewWatch> = {}): NewWatch {
  return {
    teamId: 'T1',
    channelId: 'C1',
    projectId: 'P1',
    creatorUserId: 'U1',
    target: VERSION,
    filter: 'default',
    now: at(0),
    ...overrides,
  };
}

function row(key: string, overrides: Partial<NewOutboxRow> = {}): NewOutboxRow {
  return {
    teamId: 'T1',
    channelId: 'C1',
    dedupeKey: key,
    kind: 'card',
    watchId: null,
    jobId: '10',
    versionId: '7',
    payload: { key, nested: { list: [1, 'two', null], ok: true } },
    runAt: at(0),
    ...overrides,
  };
}

function state(
  jobId: string,
  versionId: string | null,
  status: number | string,
  overrides: Partial<RunState> = {},
): RunState {
  return {
    projectId: 'P1',
    jobId,
    versionId,
    status: String(status),
    jobName: `job-${jobId}`,
    versionName: versionId === null ? null : `V00${versionId}`,
    updatedAt: at(0),
    ...overrides,
  };
}

const claim = (
  store: Store,
  workerId: string,
  now: number,
  extra: { limit?: number; lockMs?: number; spacing?: number } = {},
) =>
  store.claimOutbox({
    workerId,
    now: at(now),
    limit: extra.limit ?? 10,
    lockMs: extra.lockMs ?? 30_000,
    channelSpacingMs: extra.spacing ?? 0,
  });

const keys = (rows: OutboxRow[]) => rows.map((r) => r.dedupeKey);

for (const db of dialects) {
  describe.skipIf(db.skipReason !== undefined)(`store on ${db.name}`, () => {
    let store: Store;
    const opened: Store[] = [];
    const open = async (url = db.freshUrl()) => {
      const s = await openStore(url);
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      store = await open(await db.emptiedUrl());
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });
    afterAll(async () => {
      await db.dispose();
    });

    it('reports its dialect', () => {
      expect(store.dialect).toBe(db.dialect);
    });

    describe('migrations', () => {
      it.skipIf(!db.persistent)('opening an existing database again keeps its data and migrates nothing', async () => {
        const url = db.freshUrl();
        const first = await open(url);
        const { watch } = await first.createWatch(newWatch());
        await first.enqueue([row('a')]);
        await first.close();
        const second = await open(url);
        expect(await second.getWatch(watch.id)).toEqual(watch);
        expect(keys(await second.listOutbox())).toEqual(['a']);
        const third = await open(url);
        expect((await third.createWatch(newWatch())).created).toBe(false);
      });
    });

    describe('watches', () => {
      it('creates a watch with every field and returns the same active watch for the same channel, target and filter', async () => {
        const first = await store.createWatch(newWatch({ now: at(5) }));
        expect(first.created).toBe(true);
        expect(first.watch).toEqual({
          id: expect.any(Number),
          teamId: 'T1',
          channelId: 'C1',
          projectId: 'P1',
          creatorUserId: 'U1',
          target: VERSION,
          filter: 'default',
          createdAt: at(5),
          endedAt: null,
          disabledAt: null,
          disabledReason: null,
          lastStatus: null,
        });
        const again = await store.createWatch(newWatch({ creatorUserId: 'U2', now: at(9) }));
        expect(again).toEqual({ watch: first.watch, created: false });

        const distinct = [
          newWatch({ filter: 'failed' }),
          newWatch({ channelId: 'C2' }),
          newWatch({ teamId: 'T2' }),
          newWatch({ target: { kind: 'run', jobId: '10', versionId: '8' } }),
          newWatch({ target: JOB }),
          newWatch({ target: PROJECT }),
          newWatch({ projectId: 'P2' }),
        ];
        const ids = new Set([first.watch.id]);
        for (const w of distinct) {
          const result = await store.createWatch(w);
          expect(result.created).toBe(true);
          expect(result.watch.target).toEqual(w.target);
          ids.add(result.watch.id);
        }
        expect(ids.size).toBe(distinct.length + 1);
      });

      it('does not confuse targets whose ids contain separators', async () => {
        const a = await store.createWatch(newWatch({ target: { kind: 'run', jobId: '1:2', versionId: '3' } }));
        const b = await store.createWatch(newWatch({ target: { kind: 'run', jobId: '1', versionId: '2:3' } }));
        expect(a.created && b.created).toBe(true);
        expect(a.watch.id).not.toBe(b.watch.id);
      });

      it('creates a new watch once the matching one ended or was disabled', async () => {
        const first = await store.createWatch(newWatch());
        await store.endWatch(first.watch.id, at(10));
        const second = await store.createWatch(newWatch());
        expect(second.created).toBe(true);
        await store.disableWatch(second.watch.id, 'channel_not_found', at(20));
        const third = await store.createWatch(newWatch());
        expect(third.created).toBe(true);
        expect(new Set([first.watch.id, second.watch.id, third.watch.id]).size).toBe(3);
      });

      it('creates exactly one watch when the same watch is requested concurrently', async () => {
        const results = await Promise.all(Array.from({ length: 8 }, () => store.createWatch(newWatch())));
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.watch.id)).size).toBe(1);
      });

      it('deleteWatch removes only the watch it names', async () => {
        const a = await store.createWatch(newWatch());
        const b = await store.createWatch(newWatch({ filter: 'failed' }));
        expect(await store.deleteWatch(a.watch.id)).toBe(true);
        expect(await store.getWatch(a.watch.id)).toBeNull();
        expect(await store.getWatch(b.watch.id)).not.toBeNull();
        expect(await store.deleteWatch(a.watch.id)).toBe(false);
      });

      it('getWatch returns null for an unknown id', async () => {
        expect(await store.getWatch(987_654)).toBeNull();
      });

      it('deleteWatches removes the channel watches on exactly that target, disabled ones included', async () => {
        const v1 = await store.createWatch(newWatch());
        const v2 = await store.createWatch(newWatch({ filter: 'failed' }));
        await store.disableWatch(v2.watch.id, 'is_archived', at(1));
        const job = await store.createWatch(newWatch({ target: JOB }));
        const otherChannel = await store.createWatch(newWatch({ channelId: 'C2' }));
        const otherVersion = await store.createWatch(
          newWatch({ target: { kind: 'run', jobId: '10', versionId: '8' } }),
        );

        expect(await store.deleteWatches('T1', 'C1', VERSION)).toBe(2);
        expect(await store.getWatch(v1.watch.id)).toBeNull();
        expect(await store.getWatch(v2.watch.id)).toBeNull();
        for (const kept of [job, otherChannel, otherVersion])
          expect(await store.getWatch(kept.watch.id)).not.toBeNull();
        expect(await store.deleteWatches('T1', 'C1', VERSION)).toBe(0);
        expect(await store.deleteWatches('T1', 'C1', JOB)).toBe(1);
        expect(await store.deleteWatches('T1', 'C1', PROJECT)).toBe(0);
      });

      it('lists a channel’s and a user’s watches (disabled shown with reason, ended left out) in creation order', async () => {
        const a = await store.createWatch(newWatch({ now: at(1) }));
        const b = await store.createWatch(newWatch({ target: JOB, creatorUserId: 'U2', now: at(2) }));
        const c = await store.createWatch(newWatch({ target: PROJECT, now: at(3) }));
        const d = await store.createWatch(newWatch({ channelId: 'C2', now: at(4) }));
        await store.createWatch(newWatch({ teamId: 'T2', now: at(5) }));
        await store.disableWatch(b.watch.id, 'not_in_channel', at(6));
        await store.endWatch(c.watch.id, at(7));

        const channel = await store.listChannelWatches('T1', 'C1');
        expect(channel.map((w) => w.id)).toEqual([a.watch.id, b.watch.id]);
        expect(channel[1]).toMatchObject({ disabledAt: at(6), disabledReason: 'not_in_channel' });

        const user = await store.listUserWatches('T1', 'U1');
        expect(user.map((w) => w.id)).toEqual([a.watch.id, d.watch.id]);
        expect(await store.listUserWatches('T1', 'U404')).toEqual([]);
      });

      it('listActiveWatches returns the project’s watches that neither ended nor are disabled', async () => {
        const a = await store.createWatch(newWatch());
        const b = await store.createWatch(newWatch({ target: JOB }));
        const c = await store.createWatch(newWatch({ target: PROJECT }));
        const d = await store.createWatch(newWatch({ channelId: 'C9', teamId: 'T9' }));
        await store.createWatch(newWatch({ projectId: 'P2' }));
        await store.endWatch(b.watch.id, at(1));
        await store.disableWatch(c.watch.id, 'channel_not_found', at(1));
        expect((await store.listActiveWatches('P1')).map((w) => w.id)).toEqual([a.watch.id, d.watch.id]);
        expect(await store.listActiveWatches('P404')).toEqual([]);
      });

      it('activeWatchesVersion moves with every change to the active set, and only then', async () => {
        const seen = new Set<string>();
        const step = async () => {
          const v = await store.activeWatchesVersion('P1');
          expect(seen.has(v)).toBe(false);
          seen.add(v);
          expect(await store.activeWatchesVersion('P1')).toBe(v);
        };
        await step();
        const a = await store.createWatch(newWatch());
        await step();
        const b = await store.createWatch(newWatch({ target: JOB }));
        await step();
        await store.createWatch(newWatch({ projectId: 'P2' }));
        expect(seen.has(await store.activeWatchesVersion('P1'))).toBe(true);
        await store.endWatch(a.watch.id, at(1));
        await step();
        // Deleting the newest and creating another leaves the count as it was: the id still moves.
        await store.deleteWatch(b.watch.id);
        await store.createWatch(newWatch({ target: PROJECT }));
        await step();
        await store.createWatch(newWatch({ channelId: 'C2' }));
        await step();
        await store.disableWatch((await store.listActiveWatches('P1'))[0]!.id, 'is_archived', at(2));
        await step();
      });

      it('endWatch and disableWatch keep the first time and reason', async () => {
        const { watch } = await store.createWatch(newWatch());
        await store.endWatch(watch.id, at(10));
        await store.endWatch(watch.id, at(20));
        await store.disableWatch(watch.id, 'first', at(30));
        await store.disableWatch(watch.id, 'second', at(40));
        expect(await store.getWatch(watch.id)).toMatchObject({
          endedAt: at(10),
          disabledAt: at(30),
          disabledReason: 'first',
        });
      });

      it('disableChannelWatches disables only that channel’s active watches and returns them', async () => {
        const a = await store.createWatch(newWatch());
        const b = await store.createWatch(newWatch({ target: JOB }));
        const ended = await store.createWatch(newWatch({ target: PROJECT }));
        await store.endWatch(ended.watch.id, at(1));
        const other = await store.createWatch(newWatch({ channelId: 'C2' }));
        const otherTeam = await store.createWatch(newWatch({ teamId: 'T2' }));

        const disabled = await store.disableChannelWatches('T1', 'C1', 'channel_not_found', at(5));
        expect(disabled.map((w) => w.id)).toEqual([a.watch.id, b.watch.id]);
        for (const w of disabled) expect(w).toMatchObject({ disabledAt: at(5), disabledReason: 'channel_not_found' });
        expect(await store.getWatch(ended.watch.id)).toMatchObject({ disabledAt: null });
        expect(await store.getWatch(other.watch.id)).toMatchObject({ disabledAt: null });
        expect(await store.getWatch(otherTeam.watch.id)).toMatchObject({ disabledAt: null });
        expect(await store.disableChannelWatches('T1', 'C1', 'again', at(6))).toEqual([]);
      });
    });

    describe('poll cycles', () => {
      it('commits states, alerts and watch statuses together and reads the states back', async () => {
        const w1 = await store.createWatch(newWatch());
        const w2 = await store.createWatch(newWatch({ target: JOB }));
        const result = await store.commitPollCycle({
          projectId: 'P1',
          now: at(100),
          states: [
            state('10', '7', 8, { updatedAt: at(100) }),
            state('11', '1', 2, { jobName: null, versionName: null }),
          ],
          alerts: [row('c1', { watchId: w1.watch.id }), row('c2', { watchId: w2.watch.id, channelId: 'C2' })],
          watchStatuses: [
            { watchId: w1.watch.id, status: '8' },
            { watchId: w2.watch.id, status: '2' },
          ],
        });
        expect(result).toEqual({ inserted: 2 });
        expect(await store.getRunStates('P1')).toEqual([
          state('10', '7', 8, { updatedAt: at(100) }),
          state('11', '1', 2, { jobName: null, versionName: null }),
        ]);
        expect(await store.getRunStates('P2')).toEqual([]);
        expect((await store.getWatch(w1.watch.id))?.lastStatus).toBe('8');
        expect((await store.getWatch(w2.watch.id))?.lastStatus).toBe('2');
        const outbox = await store.listOutbox();
        expect(outbox.map((r) => [r.dedupeKey, r.watchId, r.createdAt])).toEqual([
          ['c1', w1.watch.id, at(100)],
          ['c2', w2.watch.id, at(100)],
        ]);

        const next = await store.commitPollCycle({
          projectId: 'P1',
          now: at(200),
          states: [state('10', '7', 10, { updatedAt: at(200), jobName: 'renamed' })],
          alerts: [row('c1'), row('c3')],
          watchStatuses: [{ watchId: w1.watch.id, status: '10' }],
        });
        expect(next).toEqual({ inserted: 1 });
        expect(await store.getRunStates('P1')).toEqual([
          state('10', '7', 10, { updatedAt: at(200), jobName: 'renamed' }),
          state('11', '1', 2, { jobName: null, versionName: null }),
        ]);
        expect((await store.getWatch(w1.watch.id))?.lastStatus).toBe('10');
        expect(keys(await store.listOutbox())).toEqual(['c1', 'c2', 'c3']);
      });

      it('handles a large cycle in one commit (chunked statements)', async () => {
        const states = Array.from({ length: 1_200 }, (_, i) => state(String(1000 + i), '1', i % 23));
        const alerts = Array.from({ length: 1_100 }, (_, i) => row(`k${i}`, { channelId: `C${i % 37}` }));
        const watches = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            store.createWatch(newWatch({ target: { kind: 'run', jobId: String(i), versionId: '1' } })),
          ),
        );
        const result = await store.commitPollCycle({
          projectId: 'P1',
          now: at(1),
          states: [...states, state('1000', '1', 22)],
          alerts: [...alerts, row('k5', { channelId: 'C5' })],
          watchStatuses: watches.map((w, i) => ({ watchId: w.watch.id, status: String(i % 4) })),
        });
        expect(result).toEqual({ inserted: 1_100 });
        const stored = await store.getRunStates('P1');
        expect(stored).toHaveLength(1_200);
        expect(stored.find((s) => s.jobId === '1000')?.status).toBe('22');
        expect((await store.outboxDepth()).pending).toBe(1_100);
        for (const [i, w] of watches.entries())
          expect((await store.getWatch(w.watch.id))?.lastStatus).toBe(String(i % 4));
      });

      it('rolls the whole cycle back when one write fails', async () => {
        const { watch } = await store.createWatch(newWatch());
        const broken = { ...state('12', '1', 1), status: null as unknown as string };
        await expect(
          store.commitPollCycle({
            projectId: 'P1',
            now: at(1),
            states: [state('10', '7', 8), broken],
            alerts: [row('x')],
            watchStatuses: [{ watchId: watch.id, status: '8' }],
          }),
        ).rejects.toThrow();
        // States are written first; a failing alert insert after them must take them back out.
        await expect(
          store.commitPollCycle({
            projectId: 'P1',
            now: at(1),
            states: [state('10', '7', 8)],
            alerts: [row('x'), row('y', { teamId: null as unknown as string })],
            watchStatuses: [{ watchId: watch.id, status: '8' }],
          }),
        ).rejects.toThrow();
        // A failure in our own code mid-transaction (an unserialisable payload) rolls back as well.
        await expect(
          store.commitPollCycle({
            projectId: 'P1',
            now: at(1),
            states: [state('10', '7', 8)],
            alerts: [row('x', { payload: { n: 1n } })],
            watchStatuses: [{ watchId: watch.id, status: '8' }],
          }),
        ).rejects.toThrow(TypeError);
        expect(await store.getRunStates('P1')).toEqual([]);
        expect(await store.listOutbox()).toEqual([]);
        expect((await store.getWatch(watch.id))?.lastStatus).toBeNull();
      });

      it('with a fence, commits only while the lease is held by that holder and unexpired', async () => {
        const { watch } = await store.createWatch(newWatch());
        const commit = (now: number, holder: string, key: string) =>
          store.commitPollCycle({
            projectId: 'P1',
            now: at(now),
            states: [state('10', '7', now)],
            alerts: [row(key)],
            watchStatuses: [{ watchId: watch.id, status: String(now) }],
            fence: { name: 'poll:P1', holder },
          });

        expect(await commit(1, 'A', 'no-lease')).toBeNull();
        expect(await store.tryAcquireLease('poll:P1', 'A', 1_000, at(0))).toBe(true);
        expect(await commit(2, 'A', 'held')).toEqual({ inserted: 1 });
        expect(await commit(3, 'B', 'not-holder')).toBeNull();
        expect(await commit(1_000, 'A', 'expired')).toBeNull();
        expect(await store.tryAcquireLease('poll:P1', 'B', 1_000, at(1_000))).toBe(true);
        expect(await commit(1_001, 'A', 'taken-over')).toBeNull();
        expect(await commit(1_002, 'B', 'new-holder')).toEqual({ inserted: 1 });

        expect(keys(await store.listOutbox())).toEqual(['held', 'new-holder']);
        expect((await store.getRunStates('P1')).map((s) => s.status)).toEqual(['1002']);
        expect((await store.getWatch(watch.id))?.lastStatus).toBe('1002');
      });
    });

    describe('outbox', () => {
      it('enqueue stores every field, ignores duplicate keys per team and channel, and lists with filters', async () => {
        expect(await store.enqueue([])).toBe(0);
        const first = row('k1', { kind: 'terminal_reply', watchId: 42, runAt: at(7) });
        expect(
          await store.enqueue([first, row('k1'), row('k2', { jobId: null, versionId: null, payload: null })]),
        ).toBe(2);
        expect(await store.enqueue([row('k1'), row('k1', { channelId: 'C2' }), row('k1', { teamId: 'T2' })])).toBe(2);

        const all = await store.listOutbox();
        expect(all.map((r) => [r.teamId, r.channelId, r.dedupeKey])).toEqual([
          ['T1', 'C1', 'k1'],
          ['T1', 'C1', 'k2'],
          ['T1', 'C2', 'k1'],
          ['T2', 'C1', 'k1'],
        ]);
        expect(all[0]).toEqual({
          ...first,
          id: expect.any(Number),
          attempts: 0,
          state: 'pending',
          lastError: null,
          slackTs: null,
          createdAt: expect.any(Date),
          sentAt: null,
        });
        expect(all[1]).toMatchObject({ jobId: null, versionId: null, payload: null });
        expect(keys(await store.listOutbox({ channelId: 'C2' }))).toEqual(['k1']);
        expect(await store.listOutbox({ state: 'sent' })).toEqual([]);
        expect(await store.outboxDepth()).toEqual({ pending: 4, dead: 0 });
      });

      it('claims only each channel’s oldest pending row, oldest due first across channels, up to the limit', async () => {
        await store.enqueue([
          row('a1', { channelId: 'A', runAt: at(30) }),
          row('b1', { channelId: 'B', runAt: at(10) }),
          row('a2', { channelId: 'A', runAt: at(0) }),
          row('c1', { channelId: 'C', runAt: at(20) }),
          row('d1', { channelId: 'D', runAt: at(20), teamId: 'T2' }),
        ]);
        expect(keys(await claim(store, 'w', 100, { limit: 3 }))).toEqual(['b1', 'c1', 'd1']);
        expect(keys(await claim(store, 'w', 100))).toEqual(['a1']);
        expect(await claim(store, 'w', 100)).toEqual([]);
        expect(await claim(store, 'w', 100, { limit: 0 })).toEqual([]);
      });

      it('marks a claim with holder, lock and attempt, and keeps the channel exclusive while it is claimed', async () => {
        await store.enqueue([row('a1'), row('a2'), row('b1', { channelId: 'B' })]);
        const [claimed] = await claim(store, 'w1', 0, { limit: 1 });
        expect(claimed).toMatchObject({ dedupeKey: 'a1', attempts: 1, state: 'pending' });
        // Another worker, later but within the lock: channel C1 is busy, only B is free.
        expect(keys(await claim(store, 'w2', 1_000))).toEqual(['b1']);
        expect(await claim(store, 'w3', 2_000)).toEqual([]);
        expect(await store.markSent(claimed!.id, 'w1', { ts: '111.222', now: at(2_500) })).toBe(true);
        expect(keys(await claim(store, 'w3', 2_500))).toEqual(['a2']);
      });

      it('waits for a channel head that is not due yet instead of sending rows behind it', async () => {
        await store.enqueue([row('later', { runAt: at(5_000) }), row('now', { runAt: at(0) })]);
        expect(await claim(store, 'w', 1_000)).toEqual([]);
        expect(keys(await claim(store, 'w', 5_000))).toEqual(['later']);
      });

      it('paces a channel: the next claim waits channelSpacingMs after the previous claim and after its send', async () => {
        await store.enqueue([row('a1'), row('a2'), row('a3'), row('b1', { channelId: 'B' })]);
        const first = await claim(store, 'w', 0, { spacing: 1_000 });
        expect(keys(first)).toEqual(['a1', 'b1']);
        for (const r of first) expect(await store.markSent(r.id, 'w', { ts: `t${r.id}`, now: at(100) })).toBe(true);
        // Sent at 100 with 1000 ms spacing: C1 may send again at 1100, not at the claim-based 1000.
        expect(await claim(store, 'w', 999, { spacing: 1_000 })).toEqual([]);
        expect(await claim(store, 'w', 1_099, { spacing: 1_000 })).toEqual([]);
        const second = await claim(store, 'w', 1_100, { spacing: 1_000 });
        expect(keys(second)).toEqual(['a2']);
        expect(await store.markSent(second[0]!.id, 'w', { ts: 't', now: at(1_150) })).toBe(true);
        expect(await claim(store, 'w', 2_000, { spacing: 1_000 })).toEqual([]);
        expect(keys(await claim(store, 'w', 2_150, { spacing: 1_000 }))).toEqual(['a3']);
      });

      it.skipIf(!db.persistent)('paces across stores sharing the database', async () => {
        const url = db.freshUrl();
        const a = await open(url);
        const b = await open(url);
        await a.enqueue([row('x1'), row('x2')]);
        const [first] = await claim(a, 'A', 0, { spacing: 500 });
        await a.markSent(first!.id, 'A', { ts: '1', now: at(10) });
        expect(await claim(b, 'B', 400, { spacing: 500 })).toEqual([]);
        expect(keys(await claim(b, 'B', 510, { spacing: 500 }))).toEqual(['x2']);
      });

      it('lets a claim whose lock expired be claimed again, and only the new holder may finish it', async () => {
        await store.enqueue([row('a1'), row('a2')]);
        const [first] = await claim(store, 'dead-worker', 0, { lockMs: 5_000 });
        expect(await claim(store, 'w2', 4_999, { lockMs: 5_000 })).toEqual([]);
        const [again] = await claim(store, 'w2', 5_000, { lockMs: 5_000 });
        expect(again).toMatchObject({ id: first!.id, attempts: 2 });
        expect(await store.markSent(first!.id, 'dead-worker', { ts: 'x', now: at(5_001) })).toBe(false);
        expect(await store.markRetry(first!.id, 'dead-worker', { error: 'x', runAt: at(0) })).toBe(false);
        expect(await store.markDead(first!.id, 'dead-worker', 'x', at(5_001))).toBe(false);
        expect(await store.markSent(first!.id, 'w2', { ts: '9.9', now: at(5_002) })).toBe(true);
        expect(keys(await claim(store, 'w2', 5_002))).toEqual(['a2']);
      });

      it('accepts markSent from a holder whose lock ran out when nobody took the row over', async () => {
        await store.enqueue([row('a1')]);
        const [r] = await claim(store, 'slow', 0, { lockMs: 100 });
        expect(await store.markSent(r!.id, 'slow', { ts: '5.5', now: at(10_000) })).toBe(true);
        expect((await store.listOutbox())[0]).toMatchObject({ state: 'sent', slackTs: '5.5', sentAt: at(10_000) });
      });

      it('pruneOutbox deletes sent and dead rows older than the cutoff, never pending ones', async () => {
        await store.enqueue([row('sent'), row('dead', { channelId: 'C2' }), row('pending', { channelId: 'C3' })]);
        const claimed = await claim(store, 'w', 0);
        const byKey = new Map(claimed.map((r) => [r.dedupeKey, r]));
        expect(await store.markSent(byKey.get('sent')!.id, 'w', { ts: '1.1', now: at(1) })).toBe(true);
        expect(await store.markDead(byKey.get('dead')!.id, 'w', 'channel_not_found', at(1))).toBe(true);
        expect(await store.pruneOutbox(new Date(0))).toBe(0);
        expect(await store.pruneOutbox(new Date(Date.now() + 60_000))).toBe(2);
        expect((await store.listOutbox()).map((r) => r.dedupeKey)).toEqual(['pending']);
      });

      it('markSent records ts, is single-use, and upserts the card in the same step', async () => {
        await store.enqueue([row('card'), row('edit')]);
        expect(await store.getCard('T1', 'C1', '10', '7')).toBeNull();
        const [r] = await claim(store, 'w', 0);
        const card = { teamId: 'T1', channelId: 'C1', jobId: '10', versionId: '7', ts: '100.001', updatedAt: at(1) };
        expect(await store.markSent(r!.id, 'other', { ts: '100.001', card, now: at(1) })).toBe(false);
        expect(await store.getCard('T1', 'C1', '10', '7')).toBeNull();
        expect(await store.markSent(r!.id, 'w', { ts: '100.001', card, now: at(1) })).toBe(true);
        expect(await store.markSent(r!.id, 'w', { ts: '100.001', card, now: at(1) })).toBe(false);
        expect(await store.getCard('T1', 'C1', '10', '7')).toEqual(card);
        expect(await store.getCard('T1', 'C2', '10', '7')).toBeNull();

        const [edit] = await claim(store, 'w', 2);
        const moved = { ...card, ts: '200.002', updatedAt: at(2) };
        expect(await store.markSent(edit!.id, 'w', { ts: null, card: moved, now: at(2) })).toBe(true);
        expect(await store.getCard('T1', 'C1', '10', '7')).toEqual(moved);
        const sent = await store.listOutbox({ state: 'sent' });
        expect(sent.map((s) => [s.dedupeKey, s.slackTs, s.sentAt])).toEqual([
          ['card', '100.001', at(1)],
          ['edit', null, at(2)],
        ]);
        expect(await store.outboxDepth()).toEqual({ pending: 0, dead: 0 });
      });

      it('markRetry releases the row until runAt and records the error', async () => {
        await store.enqueue([row('a1'), row('a2')]);
        const [r] = await claim(store, 'w', 0);
        expect(await store.markRetry(r!.id, 'w', { error: 'ratelimited', runAt: at(30_000) })).toBe(true);
        expect(await store.markRetry(r!.id, 'w', { error: 'again', runAt: at(0) })).toBe(false);
        expect((await store.listOutbox())[0]).toMatchObject({
          lastError: 'ratelimited',
          runAt: at(30_000),
          attempts: 1,
        });
        // The row stays at the head of its channel: a2 must not overtake it.
        expect(await claim(store, 'w', 29_999)).toEqual([]);
        const [retry] = await claim(store, 'w', 30_000);
        expect(retry).toMatchObject({ id: r!.id, attempts: 2 });
      });

      it('markDead gives up on the row and lets the channel move on', async () => {
        await store.enqueue([row('a1'), row('a2')]);
        const [r] = await claim(store, 'w', 0);
        expect(await store.markDead(r!.id, 'someone-else', 'x', at(1))).toBe(false);
        expect(await store.markDead(r!.id, 'w', 'channel_not_found', at(1))).toBe(true);
        expect(await store.markSent(r!.id, 'w', { ts: '1', now: at(1) })).toBe(false);
        expect(await store.outboxDepth()).toEqual({ pending: 1, dead: 1 });
        expect(await store.listOutbox({ state: 'dead' })).toEqual([
          expect.objectContaining({ dedupeKey: 'a1', lastError: 'channel_not_found', sentAt: null }),
        ]);
        expect(keys(await claim(store, 'w', 1))).toEqual(['a2']);
      });

      it('never hands one row to two claimers racing in one process', async () => {
        const rows = Array.from({ length: 60 }, (_, i) => row(`r${i}`, { channelId: `C${i % 12}` }));
        await store.enqueue(rows);
        const claimedBy = new Map<number, string>();
        const worker = async (id: string) => {
          for (;;) {
            const batch = await claim(store, id, 0, { limit: 4 });
            if (batch.length === 0) {
              if ((await store.outboxDepth()).pending === 0) return;
              continue;
            }
            for (const r of batch) {
              expect(claimedBy.has(r.id)).toBe(false);
              claimedBy.set(r.id, id);
              expect(await store.markSent(r.id, id, { ts: String(r.id), now: at(0) })).toBe(true);
            }
          }
        };
        await Promise.all([worker('a'), worker('b'), worker('c')]);
        expect(claimedBy.size).toBe(60);
        for (const r of await store.listOutbox()) expect(r).toMatchObject({ state: 'sent', attempts: 1 });
      });
    });

    describe('leases', () => {
      it('acquires a free lease, renews it for its holder, refuses others until it expires, then hands it over', async () => {
        expect(await store.tryAcquireLease('poll:P1', 'A', 1_000, at(0))).toBe(true);
        expect(await store.tryAcquireLease('poll:P1', 'B', 1_000, at(500))).toBe(false);
        expect(await store.tryAcquireLease('poll:P1', 'A', 1_000, at(900))).toBe(true);
        // Renewed at 900: still A's at 1500.
        expect(await store.tryAcquireLease('poll:P1', 'B', 1_000, at(1_500))).toBe(false);
        expect(await store.tryAcquireLease('poll:P1', 'B', 1_000, at(1_900))).toBe(true);
        expect(await store.tryAcquireLease('poll:P1', 'A', 1_000, at(1_901))).toBe(false);
        expect(await store.tryAcquireLease('poll:P2', 'A', 1_000, at(1_901))).toBe(true);
      });

      it('releases only for the holder', async () => {
        expect(await store.tryAcquireLease('l', 'A', 60_000, at(0))).toBe(true);
        await store.releaseLease('l', 'B');
        expect(await store.tryAcquireLease('l', 'B', 60_000, at(1))).toBe(false);
        await store.releaseLease('l', 'A');
        expect(await store.tryAcquireLease('l', 'B', 60_000, at(2))).toBe(true);
        await store.releaseLease('missing', 'A');
      });

      it('grants a contested lease to exactly one of many concurrent callers', async () => {
        const holders = Array.from({ length: 8 }, (_, i) => `H${i}`);
        const results = await Promise.all(holders.map((h) => store.tryAcquireLease('contested', h, 10_000, at(0))));
        expect(results.filter(Boolean)).toHaveLength(1);
        const expired = await Promise.all(
          holders.map((h) => store.tryAcquireLease('contested', h, 10_000, at(10_000))),
        );
        expect(expired.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('poll health', () => {
      it('is null until saved, then round-trips and is overwritten as a whole', async () => {
        expect(await store.getPollHealth('P1')).toBeNull();
        const failing = {
          projectId: 'P1',
          lastSuccessAt: at(1),
          lastAttemptAt: at(2),
          failingSince: at(2),
          lastError: 'ModelArts answered 503',
          warnedAt: at(3),
        };
        await store.savePollHealth(failing);
        expect(await store.getPollHealth('P1')).toEqual(failing);
        const recovered = {
          ...failing,
          lastSuccessAt: at(4),
          lastAttemptAt: at(4),
          failingSince: null,
          lastError: null,
          warnedAt: null,
        };
        await store.savePollHealth(recovered);
        expect(await store.getPollHealth('P1')).toEqual(recovered);
        expect(await store.getPollHealth('P2')).toBeNull();
      });
    });
  });
}
