/**
 * Claims, leases and pacing on one clock, not each replica's: two replicas whose clocks differ by 40 s must not both
 * hold one row (a double post), and a clock stepping back an hour must not hold a channel's next alert for an hour.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type StoreClock } from '../../src/store/index.js';
import type { NewOutboxRow, Store } from '../../src/store/types.js';
import { dialects } from './dialects.js';

function rows(n: number): NewOutboxRow[] {
  return Array.from({ length: n }, (_, i) => ({
    teamId: 'T1',
    channelId: 'C1',
    dedupeKey: `k-${i}`,
    kind: 'card',
    watchId: null,
    jobId: '1',
    versionId: String(i),
    payload: {},
    runAt: new Date(0),
  }));
}

for (const db of dialects.filter((d) => d.persistent)) {
  describe.skipIf(db.skipReason !== undefined)(`one clock for replicas on ${db.name}`, () => {
    afterAll(async () => {
      await db.dispose();
    });

    async function withStores(clock: StoreClock, count: number, use: (stores: Store[]) => Promise<void>) {
      const url = db.freshUrl();
      const stores: Store[] = [];
      try {
        for (let i = 0; i < count; i++) stores.push(await openStore(url, { clock }));
        await use(stores);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    }

    it('a replica 40 s ahead does not take over a 30 s claim another replica still holds', async () => {
      await withStores('database', 2, async ([a, b]) => {
        await a!.enqueue(rows(1));
        const claim = (store: Store, workerId: string, skewMs: number) =>
          store.claimOutbox({
            workerId,
            now: new Date(Date.now() + skewMs),
            limit: 5,
            lockMs: 30_000,
            channelSpacingMs: 0,
          });
        expect(await claim(a!, 'replica-a', 0)).toHaveLength(1);
        expect(await claim(b!, 'replica-b', 40_000)).toEqual([]);
        // And a lease taken by one is not free to the other because its clock runs ahead.
        expect(await a!.tryAcquireLease('poll:p', 'replica-a', 30_000, new Date())).toBe(true);
        expect(await b!.tryAcquireLease('poll:p', 'replica-b', 30_000, new Date(Date.now() + 40_000))).toBe(false);
      });
    });

    it('the clock stepping back an hour does not hold the channel’s next alert for an hour', async () => {
      let now = Date.UTC(2026, 0, 1, 12);
      await withStores(
        () => new Date(now),
        1,
        async ([store]) => {
          await store!.enqueue(rows(2));
          const claim = () =>
            store!.claimOutbox({
              workerId: 'w',
              now: new Date(now),
              limit: 5,
              lockMs: 30_000,
              channelSpacingMs: 1_000,
            });
          const [first] = await claim();
          expect(first).toBeDefined();
          expect(await store!.markSent(first!.id, 'w', { ts: '1.0', now: new Date(now) })).toBe(true);
          expect(await claim()).toEqual([]); // paced: one second
          now -= 3_600_000; // NTP steps the clock back an hour
          const [second] = await claim();
          expect(second?.id).toBeGreaterThan(first!.id);
        },
      );
    });
  });
}
