/**
 * PostgreSQL behind a TCP proxy: a connection that drops while a query runs on it (a partition, a failover) fails
 * that query, and only that query; it must not surface as an uncaught 'error' event that ends the process, and the
 * store answers again once the database is reachable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { schemaOf, withPgClient } from '../support/store-databases.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { dialects, TEST_DATABASE_URL } from './dialects.js';

const postgres = dialects.find((d) => d.dialect === 'postgres')!;

describe.skipIf(postgres.skipReason !== undefined)('PostgreSQL connection lost mid-query', () => {
  let proxy: TcpProxy | null = null;
  let store: Store | null = null;
  afterEach(async () => {
    await store?.close().catch(() => undefined);
    await proxy?.close();
    await postgres.dispose();
  });

  it('fails the running query and keeps the process alive; the store works again afterwards', async () => {
    const direct = postgres.freshUrl();
    const target = new URL(TEST_DATABASE_URL!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(direct);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    store = await openStore(viaProxy.toString());
    expect(await store.oldestDueOutboxRunAt(new Date())).toBeNull();

    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      // Another session locks the table, so the store's query is on the wire and waiting when the network goes.
      await withPgClient(TEST_DATABASE_URL!, async (locker) => {
        await locker.query('begin');
        await locker.query(`lock table ${schemaOf(direct)}.outbox in access exclusive mode`);
        const running = store!.oldestDueOutboxRunAt(new Date()).then(
          () => 'answered',
          (err: unknown) => (err as Error).message,
        );
        await new Promise((r) => setTimeout(r, 300));
        proxy!.blackhole();
        expect(await running).toMatch(/terminated|ECONNRESET|closed/i);
        await locker.query('rollback');
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(uncaught).toEqual([]);
      proxy.restore();
      expect(await store.oldestDueOutboxRunAt(new Date())).toBeNull();
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});

describe.skipIf(postgres.skipReason !== undefined)('PostgreSQL connection frozen (no FIN, no RST, no answer)', () => {
  let proxy: TcpProxy | null = null;
  let store: Store | null = null;
  afterEach(async () => {
    await store?.close().catch(() => undefined);
    await proxy?.close();
    await postgres.dispose();
  });

  it('a query on a frozen connection fails after DB_QUERY_TIMEOUT_MS and the next one runs on a fresh connection', async () => {
    const target = new URL(TEST_DATABASE_URL!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(postgres.freshUrl());
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    // One connection in the pool besides the migration's: a frozen one handed out again would hang every query.
    store = await openStore(viaProxy.toString(), { poolSize: 2, timeouts: { queryMs: 800, statementMs: 500 } });
    expect(await store.oldestDueOutboxRunAt(new Date())).toBeNull();

    proxy.freeze();
    await expect(store.oldestDueOutboxRunAt(new Date())).rejects.toThrow(/timeout/i);
    // The frozen connections stay frozen, only new ones get through: each pooled connection fails one query at most
    // and is replaced, so the store answers again within the pool's size.
    let timeouts = 1;
    for (;;) {
      const answer = await store.oldestDueOutboxRunAt(new Date()).catch((err: Error) => err);
      if (!(answer instanceof Error)) break;
      expect(answer.message).toMatch(/timeout/i);
      timeouts++;
      expect(timeouts).toBeLessThanOrEqual(2);
    }
    for (let i = 0; i < 3; i++) expect(await store.oldestDueOutboxRunAt(new Date())).toBeNull();
    expect(await store.enqueue([])).toBe(0);
  });
});
