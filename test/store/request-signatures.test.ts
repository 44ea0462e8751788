/**
 * Replay memory and the cheap health queries, on SQLite and PostgreSQL: a fingerprint is new exactly once until it
 * expires, also when two replicas race on it; expired ones are pruned as the store goes; the oldest due outbox row
 * answers without scanning.
 */
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { schemaOf, withPgClient } from '../support/store-databases.js';
import { dialects, TEST_DATABASE_URL } from './dialects.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

async function rowsHeld(dialect: 'sqlite' | 'postgres', url: string): Promise<number> {
  if (dialect === 'postgres') {
    const res = await withPgClient(TEST_DATABASE_URL!, (c) =>
      c.query<{ n: string }>(`select count(*) as n from ${schemaOf(url)}.request_signatures`),
    );
    return Number(res.rows[0]?.n);
  }
  const file = url.slice('sqlite:'.length);
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('select count(*) as n from request_signatures').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

for (const db of dialects) {
  describe.skipIf(db.skipReason !== undefined)(`request fingerprints and health queries on ${db.name}`, () => {
    const opened: Store[] = [];
    const open = async (url: string) => {
      const s = await openStore(url);
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });
    afterAll(async () => {
      await db.dispose();
    });

    it('a fingerprint is new once, a repeat until it expires, and new again after', async () => {
      const store = await open(await db.emptiedUrl());
      expect(await store.rememberRequest('sig:a', at(300_000), at(0))).toBe(true);
      expect(await store.rememberRequest('sig:a', at(300_000), at(1_000))).toBe(false);
      expect(await store.rememberRequest('sig:a', at(600_000), at(299_999))).toBe(false);
      expect(await store.rememberRequest('sig:b', at(300_000), at(1_000))).toBe(true);
      // Expired: the same fingerprint may be recorded afresh (Bolt refuses such an old signature anyway).
      expect(await store.rememberRequest('sig:a', at(900_000), at(300_000))).toBe(true);
      expect(await store.rememberRequest('sig:a', at(900_000), at(300_001))).toBe(false);
    });

    it.skipIf(!db.persistent)('two replicas racing on one fingerprint: exactly one sees it as new', async () => {
      const url = db.freshUrl();
      const [one, two] = [await open(url), await open(url)];
      const keys = Array.from({ length: 40 }, (_, i) => `sig:race-${i}`);
      const results = await Promise.all(
        keys.flatMap((k) => [one, two].map((s) => s.rememberRequest(k, at(300_000), at(0)))),
      );
      for (let i = 0; i < keys.length; i++) expect([results[2 * i], results[2 * i + 1]].sort()).toEqual([false, true]);
    });

    it.skipIf(!db.persistent)('expired fingerprints are pruned as the store goes, at most once a minute', async () => {
      const url = db.freshUrl();
      const store = await open(url);
      for (let i = 0; i < 5; i++) await store.rememberRequest(`sig:old-${i}`, at(1_000), at(0));
      expect(await rowsHeld(db.dialect, url)).toBe(5);
      await store.rememberRequest('sig:soon', at(90_000), at(30_000));
      expect(await rowsHeld(db.dialect, url)).toBe(6);
      await store.rememberRequest('sig:later', at(200_000), at(61_000));
      expect(await rowsHeld(db.dialect, url)).toBe(2);
    });

    it('the oldest due pending outbox row, ignoring rows not yet due, sent and dead ones', async () => {
      const store = await open(await db.emptiedUrl());
      expect(await store.oldestDueOutboxRunAt(at(0))).toBeNull();
      const base = {
        teamId: 'T1',
        kind: 'card' as const,
        watchId: null,
        jobId: '1',
        versionId: '1',
        payload: {},
      };
      await store.enqueue([
        { ...base, channelId: 'C1', dedupeKey: 'later', runAt: at(50_000) },
        { ...base, channelId: 'C2', dedupeKey: 'due', runAt: at(10_000) },
        { ...base, channelId: 'C3', dedupeKey: 'sent', runAt: at(1_000) },
      ]);
      const [sent] = await store.claimOutbox({
        workerId: 'w',
        now: at(20_000),
        limit: 1,
        lockMs: 30_000,
        channelSpacingMs: 0,
      });
      expect(sent?.dedupeKey).toBe('sent');
      await store.markSent(sent!.id, 'w', { ts: '1.1', now: at(20_000) });
      expect(await store.oldestDueOutboxRunAt(at(5_000))).toBeNull();
      expect(await store.oldestDueOutboxRunAt(at(20_000))).toEqual(at(10_000));
      expect(await store.oldestDueOutboxRunAt(at(60_000))).toEqual(at(10_000));
    });
  });
}
