/** After a restart with a stable instance id, its earlier claims are released in bounded batches, nobody else's. */
import { describe, expect, it } from 'vitest';
import type { NewOutboxRow } from '../../src/store/types.js';
import { dialects, storesOn } from './dialects.js';

function rows(channels: string[]): NewOutboxRow[] {
  return channels.map((channelId, i) => ({
    teamId: 'T1',
    channelId,
    dedupeKey: `k-${i}`,
    kind: 'card',
    watchId: null,
    jobId: '1',
    versionId: String(i),
    payload: {},
    runAt: new Date(0),
  }));
}

for (const db of dialects) {
  describe.skipIf(db.skipReason !== undefined)(`releasing own claims on ${db.name}`, () => {
    const open = storesOn(db);

    it('releases only the worker’s pending claims, at most `limit` per call, for an immediate attempt', async () => {
      const store = await open();
      await store.enqueue(rows(['A1', 'A2', 'A3', 'A4', 'A5', 'B1']));
      const now = new Date(1_000_000);
      const claim = (workerId: string, limit: number) =>
        store.claimOutbox({ workerId, now, limit, lockMs: 600_000, channelSpacingMs: 0 });
      const mine = await claim('restarted', 5);
      expect(mine).toHaveLength(5);
      const theirs = await claim('other', 5);
      expect(theirs).toHaveLength(1);
      // One of ours was already sent: it stays sent.
      expect(await store.markSent(mine[0]!.id, 'restarted', { ts: '1.0', now })).toBe(true);

      const later = new Date(1_100_000);
      expect(await store.releaseClaims('restarted', later, 3)).toBe(3);
      expect(await store.releaseClaims('restarted', later, 3)).toBe(1);
      expect(await store.releaseClaims('restarted', later, 3)).toBe(0);

      const all = await store.listOutbox();
      expect(all.filter((r) => r.state === 'sent').map((r) => r.id)).toEqual([mine[0]!.id]);
      // The other worker's claim is untouched: released rows are claimable at once, its row is not.
      const again = await store.claimOutbox({
        workerId: 'next',
        now: later,
        limit: 10,
        lockMs: 1000,
        channelSpacingMs: 0,
      });
      expect(again.map((r) => r.id).sort()).toEqual(
        mine
          .slice(1)
          .map((r) => r.id)
          .sort(),
      );
      expect(again.every((r) => r.lastError === 'released after restart')).toBe(true);
    });
  });
}
