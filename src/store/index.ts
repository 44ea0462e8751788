import { Kysely } from 'kysely';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import { KyselyStore, type StoreClock } from './kysely-store.js';
import { migratePostgres, runMigrations } from './migrate.js';
import type { Database } from './schema.js';
import { createSqliteDialect } from './sqlite.js';
import type { Store } from './types.js';
import { parseDatabaseUrl } from './url.js';

export { DatabaseUrlError, MigrationError } from './errors.js';
export type { StoreClock } from './kysely-store.js';
export type * from './types.js';
export { type DatabaseTarget, parseDatabaseUrl } from './url.js';

export interface OpenStoreOptions {
  logger?: Logger;
  /** Postgres connections per process (default 10; at least 2: migrations hold one for their lock). */
  poolSize?: number;
  /** The clock of claims, leases and pacing (default `caller`; the bot uses `database`). */
  clock?: StoreClock;
  /** SQLite: how long one try waits for another process's write lock (default 5 s; 5 tries with pauses). */
  sqliteBusyTimeoutMs?: number;
  /** Postgres time limits (defaults: DEFAULT_PG_TIMEOUTS). */
  timeouts?: Partial<PgTimeouts>;
}

export interface PgTimeouts {
  /** Client side: a query with no answer after this fails and its connection is dropped (a frozen link). */
  queryMs: number;
  /** Server side: the server cancels a statement running longer than this. */
  statementMs: number;
  /** Opening a connection (TCP, TLS, authentication). */
  connectMs: number;
}

export const DEFAULT_PG_TIMEOUTS: PgTimeouts = { queryMs: 30_000, statementMs: 20_000, connectMs: 10_000 };

/**
 * Opens the store named by DATABASE_URL and brings its schema up to date:
 * `sqlite:./path.db` (parent directory created, WAL), `sqlite::memory:`, or `postgres://…` / `postgresql://…` with
 * an optional `?schema=NAME` (created if missing; every connection's search_path is set to it).
 */
/**
 * pg's query_timeout fails the caller's promise but leaves the query active on the connection, and every later query
 * on that client queues behind it: a connection frozen by the network (no FIN, no RST) would be handed out again and
 * hang each query in turn, so polling and delivery stop for good. Destroying its socket makes the client unusable;
 * the pool discards it when it is released and the next query opens a fresh connection.
 */
function dropConnectionOnQueryTimeout(client: PoolClient, logger: Logger | undefined): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (!(result instanceof Promise)) return result;
    return result.catch(async (err: unknown) => {
      if (err instanceof Error && err.message === 'Query read timeout') {
        logger?.warn('postgres query got no answer in time; dropping its connection');
        // The caller releases the client as soon as this rejects: wait until pg has marked it unusable, or the pool
        // would take it back and hand it out again.
        await new Promise<void>((resolve) => {
          const done = setTimeout(resolve, 1_000);
          client.once('end', () => {
            clearTimeout(done);
            resolve();
          });
          (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
        });
      }
      throw err;
    });
  };
}

export async function openStore(databaseUrl: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const target = parseDatabaseUrl(databaseUrl);
  const logger = opts.logger;

  if (target.dialect === 'sqlite') {
    const db = new Kysely<Database>({ dialect: createSqliteDialect(target.file, opts.sqliteBusyTimeoutMs) });
    try {
      await runMigrations(db, { logger });
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return new KyselyStore(db, 'sqlite', logger, opts.clock);
  }

  // Loaded only for PostgreSQL: a SQLite deployment never pays for the driver (about 6 MB resident, bench/poller.ts).
  const [{ default: pg }, { StorePostgresDialect }] = await Promise.all([import('pg'), import('./postgres.js')]);
  const timeouts = { ...DEFAULT_PG_TIMEOUTS, ...opts.timeouts };
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    // Lets operators (and tests) find the bot's sessions in pg_stat_activity; `?application_name=` in the URL wins.
    application_name: 'modelarts-chatops',
    max: Math.max(2, opts.poolSize ?? 10),
    connectionTimeoutMillis: timeouts.connectMs,
    query_timeout: timeouts.queryMs,
    statement_timeout: timeouts.statementMs,
    // A peer that vanished without a FIN or RST (a failover behind a load balancer) is noticed by the kernel.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // A session whose client went silent mid-transaction (a frozen link, SIGSTOP, a hung event loop) must not hold
    // its row locks longer than the client itself waits for an answer: the client has dropped that connection after
    // queryMs and retries on a new one, which would otherwise block on the old locks. Every transaction of the store
    // is database work only, so no healthy one idles between statements for that long. At 60 s, a frozen link kept
    // the bot's poll cycles failing on statement timeouts for a minute after the network came back
    // (test/integration/pg-faults.test.ts).
    idle_in_transaction_session_timeout: timeouts.queryMs,
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  // An idle client can lose its connection (server restart); without a listener that error would crash the
  // process. The pool replaces the client; the next query reconnects.
  pool.on('error', (err) => logger?.warn({ err }, 'postgres connection lost'));
  // A client in use has no pool listener: its connection dropping mid-query (a network partition ending, a failover)
  // emits 'error' on the client too, which would crash the process although the query itself already failed. The
  // failed query answers its caller; the pool discards the broken client when it comes back.
  pool.on('connect', (client) => {
    client.on('error', (err) => logger?.warn({ err }, 'postgres connection lost while in use'));
    dropConnectionOnQueryTimeout(client, logger);
  });
  const db = new Kysely<Database>({ dialect: new StorePostgresDialect({ pool }) });
  try {
    await migratePostgres(db, pool, target.schema, logger);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new KyselyStore(db, 'postgres', logger, opts.clock);
}
