/**
 * Another process holding SQLite's write lock for longer than busy_timeout (a migration, a backup, a VACUUM): the
 * store asks again after a pause instead of failing the write with SQLITE_BUSY.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';

let dir: string | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A process that takes the write lock, says so, and holds it for `ms`. */
function holdWriteLock(file: string, ms: number): Promise<{ done: Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
       db.exec('begin immediate'); console.log('locked');
       setTimeout(() => { db.exec('commit'); db.close(); }, ${ms});`,
    ],
    { cwd: process.cwd() },
  );
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', () => resolve({ done }));
    child.once('exit', (code) => reject(new Error(`lock holder exited (${code}) before locking`)));
  });
}

it('a write waits out a lock held past busy_timeout and succeeds', async () => {
  dir = mkdtempSync(join(tmpdir(), 'sqlite-busy-'));
  const file = join(dir, 'bot.db');
  store = await openStore(`sqlite:${file}`, { sqliteBusyTimeoutMs: 200 });
  const holder = await holdWriteLock(file, 1_000);
  const started = Date.now();
  const inserted = await store.enqueue([
    {
      teamId: 'T1',
      channelId: 'C1',
      dedupeKey: 'k',
      kind: 'card',
      watchId: null,
      jobId: '1',
      versionId: '1',
      payload: {},
      runAt: new Date(0),
    },
  ]);
  expect(inserted).toBe(1);
  // It really waited for the other process (longer than one busy_timeout).
  expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  await holder.done;
});
