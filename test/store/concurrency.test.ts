import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import type { NewOutboxRow, OutboxRow, Store } from '../../src/store/types.js';
import { schemaOf, withPgClient } from '../support/store-databases.js';
import { dialects, TEST_DATABASE_URL } from './dialects.js';

const WORKER = fileURLToPath(new URL('../support/store-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function rows(count: number, channels: number): NewOutboxRow[] {
  return Array.from({ length: count }, (_, i) => ({
    teamId: 'T1',
    channelId: `C${i % channels}`,
    dedupeKey: `job-1:v-${i}:terminal`,
    kind: 'card',
    watchId: null,
    jobId: '1',
    versionId: String(i),
    payload: { i },
    runAt: new Date(0),
  }));
}

interface Worker {
  child: ChildProcessWithoutNullStreams;
  /** Lines the worker printed, as they arrive. */
  next(): Promise<string>;
  exit: Promise<number | null>;
}

function startWorker(args: string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: ROOT });
  const stderr: string[] = [];
  child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout });
  const queue: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const line = queue.shift();
      if (line !== undefined) return resolve(line);
      waiting.push(resolve);
      void exit.then((code) => reject(new Error(`worker exited (${code}) without output: ${stderr.join('')}`)));
    });
  return { child, next, exit };
}

/** Every row sent exactly once, with one attempt, and each channel sent in id order. */
function expectDeliveredOnceInOrder(all: OutboxRow[], claimedLists: number[][], expected: number) {
  const claimed = claimedLists.flat();
  expect(claimed).toHaveLength(expected);
  expect(new Set(claimed).size).toBe(expected);
  expect(new Set(claimed)).toEqual(new Set(all.map((r) => r.id)));
  for (const r of all) expect(r).toMatchObject({ state: 'sent', attempts: 1 });
  const byChannel = new Map<string, OutboxRow[]>();
  for (const r of all) byChannel.set(r.channelId, [...(byChannel.get(r.channelId) ?? []), r]);
  for (const channelRows of byChannel.values()) {
    const sentAt = channelRows.sort((a, b) => a.id - b.id).map((r) => r.sentAt!.getTime());
    expect(sentAt).toEqual([...sentAt].sort((a, b) => a - b));
  }
}

for (const db of dialects.filter((d) => d.persistent)) {
  describe.skipIf(db.skipReason !== undefined)(`concurrent use on ${db.name}`, () => {
    afterAll(async () => {
      await db.dispose();
    });

    it('two processes racing over the outbox claim every row exactly once, channel by channel in order', async () => {
      const url = db.freshUrl();
      const setup = await openStore(url);
      const n = 150;
      expect(await setup.enqueue(rows(n, 15))).toBe(n);
      const workers = [startWorker(['drain', url, 'proc-a']), startWorker(['drain', url, 'proc-b'])];
      try {
        for (const w of workers) expect(await w.next()).toBe('ready');
        for (const w of workers) w.child.stdin.write('go\n');
        const results = await Promise.all(
          workers.map(async (w) => JSON.parse(await w.next()) as { claimed: number[] }),
        );
        for (const w of workers) expect(await w.exit).toBe(0);
        expectDeliveredOnceInOrder(
          await setup.listOutbox(),
          results.map((r) => r.claimed),
          n,
        );
      } finally {
        for (const w of workers) w.child.kill();
        await setup.close();
      }
    });

    it('two stores in one process (separate connections or pools) racing over the outbox claim every row once', async () => {
      const url = db.freshUrl();
      const stores: Store[] = [await openStore(url), await openStore(url)];
      try {
        const n = 120;
        await stores[0]!.enqueue(rows(n, 10));
        const drain = async (store: Store, workerId: string) => {
          const claimed: number[] = [];
          for (;;) {
            const batch = await store.claimOutbox({
              workerId,
              now: new Date(),
              limit: 4,
              lockMs: 600_000,
              channelSpacingMs: 0,
            });
            if (batch.length === 0) {
              if ((await store.outboxDepth()).pending === 0) return claimed;
              await new Promise((r) => setImmediate(r));
              continue;
            }
            for (const r of batch) {
              claimed.push(r.id);
              expect(await store.markSent(r.id, workerId, { ts: String(r.id), now: new Date() })).toBe(true);
            }
          }
        };
        const claimed = await Promise.all([drain(stores[0]!, 'a'), drain(stores[1]!, 'b')]);
        expectDeliveredOnceInOrder(await stores[0]!.listOutbox(), claimed, n);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('processes opening a fresh database at the same moment all succeed and migrate it once', async () => {
      const url = db.freshUrl();
      const workers = Array.from({ length: 3 }, () => startWorker(['open', url]));
      const outputs = await Promise.all(workers.map((w) => w.next()));
      expect(outputs).toEqual(Array(3).fill('{"ok":true}'));
      for (const w of workers) expect(await w.exit).toBe(0);
      const store = await openStore(url);
      await store.enqueue(rows(1, 1));
      expect(await store.outboxDepth()).toEqual({ pending: 1, dead: 0 });
      await store.close();
    });

    it.skipIf(db.dialect !== 'postgres')(
      'stores opening a fresh schema in parallel run the migrations once, under the advisory lock',
      async () => {
        const url = db.freshUrl();
        const stores = await Promise.all(Array.from({ length: 5 }, () => openStore(url, { poolSize: 2 })));
        try {
          const schema = schemaOf(url);
          const applied = await withPgClient(TEST_DATABASE_URL!, (client) =>
            client.query<{ name: string }>(`select name from ${schema}.kysely_migration order by name`),
          );
          expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
          const tables = await withPgClient(TEST_DATABASE_URL!, (client) =>
            client.query<{ table_name: string }>(
              'select table_name from information_schema.tables where table_schema = $1 order by table_name',
              [schema],
            ),
          );
          expect(tables.rows.map((r) => r.table_name)).toEqual([
            'alert_cards',
            'channel_pacing',
            'kysely_migration',
            'kysely_migration_lock',
            'leases',
            'outbox',
            'poll_health',
            'request_signatures',
            'version_states',
            'watches',
          ]);
          // Each store works against the shared schema.
          for (const [i, s] of stores.entries())
            expect(await s.enqueue(rows(1, 1).map((r) => ({ ...r, channelId: `P${i}` })))).toBe(1);
          expect((await stores[0]!.outboxDepth()).pending).toBe(5);
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      },
    );
  });
}
