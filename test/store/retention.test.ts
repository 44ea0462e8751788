/** One retention pass prunes every growing table of what is old and no longer needed, a bounded batch per table. */
import { describe, expect, it } from 'vitest';
import type { NewOutboxRow, RunState, Store, WatchTarget } from '../../src/store/types.js';
import { dialects, storesOn } from './dialects.js';

const OLD = new Date(Date.UTC(2020, 0, 1));
const CUTOFF = new Date(Date.UTC(2021, 0, 1));
const NEW = new Date(Date.UTC(2022, 0, 1));

function row(channelId: string, key: string, jobId: string, runAt = OLD): NewOutboxRow {
  return {
    teamId: 'T1',
    channelId,
    dedupeKey: key,
    kind: 'card',
    watchId: null,
    jobId,
    versionId: '1',
    payload: {},
    runAt,
  };
}

function state(jobId: string, updatedAt: Date): RunState {
  return { projectId: 'p', jobId, versionId: '1', status: '10', jobName: null, versionName: null, updatedAt };
}

async function watch(store: Store, channelId: string, target: WatchTarget) {
  return (
    await store.createWatch({
      teamId: 'T1',
      channelId,
      projectId: 'p',
      creatorUserId: 'U1',
      target,
      filter: 'default',
      now: OLD,
    })
  ).watch;
}

const FUTURE = new Date(Date.UTC(2030, 0, 1));

/** Posts every row due at `now`, recording a card for each. */
async function sendAll(store: Store, now: Date) {
  for (;;) {
    const [claimed] = await store.claimOutbox({ workerId: 'w', now, limit: 1, lockMs: 60_000, channelSpacingMs: 0 });
    if (!claimed) return;
    const card = {
      teamId: 'T1',
      channelId: claimed.channelId,
      jobId: claimed.jobId!,
      versionId: '1',
      ts: `${claimed.id}.0`,
      updatedAt: now,
    };
    await store.markSent(claimed.id, 'w', { ts: card.ts, card, now });
  }
}

for (const db of dialects) {
  describe.skipIf(db.skipReason !== undefined)(`retention on ${db.name}`, () => {
    const open = storesOn(db);

    it('prunes old sent/dead rows, ended and disabled watches, unwatched states and cards, idle pacing rows', async () => {
      const store = await open();
      // Job 1 stays watched in C1; job 2 was watched in C2, its watch ended; job 3 is new.
      await watch(store, 'C1', { kind: 'run', jobId: '1', versionId: '1' });
      const ended = await watch(store, 'C2', { kind: 'run', jobId: '2', versionId: '1' });
      const disabled = await watch(store, 'C2', { kind: 'job', jobId: '2' });
      await store.endWatch(ended.id, OLD);
      await store.disableWatch(disabled.id, 'channel_not_found', OLD);
      await store.commitPollCycle({
        projectId: 'p',
        now: OLD,
        states: [state('1', OLD), state('2', OLD), state('3', NEW)],
        alerts: [row('C1', 'a', '1'), row('C2', 'b', '2'), row('C2', 'c', '2')],
        watchStatuses: [],
      });
      await sendAll(store, OLD);
      await sendAll(store, OLD);
      // A row of C3 still pending: its channel's pacing row must stay. A recent sent row in C4 stays.
      await store.commitPollCycle({
        projectId: 'p',
        now: OLD,
        states: [],
        alerts: [row('C3', 'd', '3', FUTURE)],
        watchStatuses: [],
      });
      await store.commitPollCycle({
        projectId: 'p',
        now: NEW,
        states: [],
        alerts: [row('C4', 'e', '3')],
        watchStatuses: [],
      });
      await sendAll(store, NEW);

      const counts = await store.prune(CUTOFF, 100);
      expect(counts).toEqual({ outbox: 3, watches: 2, versionStates: 1, alertCards: 1, channelPacing: 2 });

      expect((await store.listOutbox()).map((r) => r.dedupeKey).sort()).toEqual(['d', 'e']);
      expect((await store.listChannelWatches('T1', 'C1')).map((w) => w.target)).toHaveLength(1);
      expect(await store.getWatch(ended.id)).toBeNull();
      expect((await store.getRunStates('p')).map((s) => s.jobId).sort()).toEqual(['1', '3']);
      expect(await store.getCard('T1', 'C1', '1', '1')).not.toBeNull();
      expect(await store.getCard('T1', 'C2', '2', '1')).toBeNull();
      // C1 and C2 lost their pacing rows (no rows left there) and C3 kept its own: its pending row is still claimed and sent.
      await sendAll(store, FUTURE);
      expect((await store.listOutbox({ channelId: 'C3' }))[0]).toMatchObject({ state: 'sent' });
      // A channel pruned of its pacing row gets one back when queued to again.
      await store.enqueue([row('C2', 'f', '2', NEW)]);
      await sendAll(store, FUTURE);
      expect((await store.listOutbox({ channelId: 'C2' }))[0]).toMatchObject({ dedupeKey: 'f', state: 'sent' });
      // Only C3's row, queued in 2020 and sent since, is old enough now.
      expect(await store.prune(CUTOFF, 100)).toEqual({
        outbox: 1,
        watches: 0,
        versionStates: 0,
        alertCards: 0,
        channelPacing: 0,
      });
    });

    it('deletes at most `limit` rows per table per pass', async () => {
      const store = await open();
      await store.commitPollCycle({
        projectId: 'p',
        now: OLD,
        states: [state('7', OLD), state('8', OLD), state('9', OLD)],
        alerts: [row('C1', 'a', '7'), row('C1', 'b', '8'), row('C1', 'c', '9')],
        watchStatuses: [],
      });
      await sendAll(store, OLD);
      expect(await store.prune(CUTOFF, 2)).toMatchObject({ outbox: 2, versionStates: 2, alertCards: 2 });
      expect(await store.prune(CUTOFF, 2)).toMatchObject({
        outbox: 1,
        versionStates: 1,
        alertCards: 1,
        channelPacing: 1,
      });
    });
  });
}
