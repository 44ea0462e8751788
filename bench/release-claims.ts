/**
 * `tsx bench/release-claims.ts`: what a restart with a stable INSTANCE_ID costs to release its earlier claims when
 * the outbox holds 300 000 pending rows (a long Slack outage), on SQLite and, with TEST_DATABASE_URL, PostgreSQL.
 * Baseline in the same run: the previous way (list every pending row, markRetry each one this instance claimed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.js';
import type { NewOutboxRow, Store } from '../src/store/types.js';
import { storeTestDatabases } from '../test/support/store-databases.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 300_000);
const WORKER = 'restarted';

async function fill(store: Store): Promise<void> {
  for (let start = 0; start < ROWS; start += 10_000) {
    const batch: NewOutboxRow[] = [];
    for (let i = start; i < Math.min(ROWS, start + 10_000); i++) {
      batch.push({
        teamId: 'T1',
        channelId: `C${i % 2000}`,
        dedupeKey: `k-${i}`,
        kind: 'card',
        watchId: null,
        jobId: String(i),
        versionId: '1',
        payload: { i, text: 'x'.repeat(200) },
        runAt: new Date(0),
      });
    }
    await store.enqueue(batch);
  }
}

async function claimSome(store: Store): Promise<void> {
  await store.claimOutbox({ workerId: WORKER, now: new Date(), limit: 8, lockMs: 600_000, channelSpacingMs: 0 });
}

async function timed(fn: () => Promise<number>): Promise<{ ms: number; released: number }> {
  const started = performance.now();
  const released = await fn();
  return { ms: Math.round(performance.now() - started), released };
}

async function measure(name: string, url: string): Promise<void> {
  const store = await openStore(url);
  try {
    await fill(store);
    await claimSome(store);
    const before = await timed(async () => {
      let n = 0;
      for (const row of await store.listOutbox({ state: 'pending' })) {
        if (row.attempts === 0) continue;
        if (await store.markRetry(row.id, WORKER, { error: 'released after restart', runAt: new Date() })) n++;
      }
      return n;
    });
    await claimSome(store);
    const after = await timed(async () => {
      let n = 0;
      for (;;) {
        const k = await store.releaseClaims(WORKER, new Date(), 500);
        n += k;
        if (k < 500) return n;
      }
    });
    console.log(
      `${name.padEnd(8)} ${ROWS} pending rows: list + markRetry each (before) ${before.ms} ms, released ${before.released}; ` +
        `releaseClaims batches (now) ${after.ms} ms, released ${after.released}`,
    );
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-release-'));
try {
  await measure('sqlite', `sqlite:${join(dir, 'bench.db')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const postgres = (await storeTestDatabases({ TEST_DATABASE_URL: process.env.TEST_DATABASE_URL })).find(
  (d) => d.name === 'postgres',
);
if (postgres && postgres.skipReason === undefined) {
  try {
    await measure('postgres', postgres.freshUrl());
  } finally {
    await postgres.dispose();
  }
} else {
  console.log(`postgres skipped: ${postgres?.skipReason ?? 'not configured'}`);
}
