/**
 * A separate process using the store, for tests that need real cross-process concurrency (SQLite file locks,
 * separate Postgres sessions). Run: node --import tsx test/support/store-worker.ts <mode> <databaseUrl> [workerId]
 *   open   — open the store (running migrations), print {"ok":true}, exit.
 *   drain  — open, print "ready", wait for a line on stdin, then claim and mark sent until nothing is pending;
 *            print {"claimed":[ids]}.
 */
import { createInterface } from 'node:readline';
import { openStore } from '../../src/store/index.js';

const [mode, url, workerId = `worker-${process.pid}`] = process.argv.slice(2);
if (!url || (mode !== 'open' && mode !== 'drain')) {
  process.stderr.write('usage: store-worker.ts open|drain <databaseUrl> [workerId]\n');
  process.exit(2);
}

const store = await openStore(url);
if (mode === 'open') {
  await store.close();
  process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  process.exit(0);
}

process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();

const claimed: number[] = [];
for (;;) {
  const batch = await store.claimOutbox({ workerId, now: new Date(), limit: 5, lockMs: 600_000, channelSpacingMs: 0 });
  if (batch.length === 0) {
    if ((await store.outboxDepth()).pending === 0) break;
    await new Promise((r) => setImmediate(r));
    continue;
  }
  for (const row of batch) {
    claimed.push(row.id);
    if (!(await store.markSent(row.id, workerId, { ts: `${workerId}:${row.id}`, now: new Date() }))) {
      throw new Error(`markSent refused row ${row.id} to its claimer ${workerId}`);
    }
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ claimed })}\n`);
