import { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { KyselyStore } from './kysely-store.js';
import { migratePostgres, runMigrations } from './migrate.js';
import type { Database } from './schema.js';
import { createSqliteDialect } from './sqlite.js';
import type { Store } from './types.js';
import { parseDatabaseUrl } from './url.js';

export { DatabaseUrlError, MigrationError } from './errors.js';
export type * from './types.js';
export { type DatabaseTarget, parseDatabaseUrl } from './url.js';

export interface OpenStoreOptions {
  logger?: Logger;
  /** Postgres connections per process (default 10; at least 2: migrations hold one for their lock). */
  poolSize?: number;
}

/**
 * Opens the store named by DATABASE_URL and brings its schema up to date:
 * `sqlite:./path.db` (parent directory created, WAL), `sqlite::memory:`, or `postgres://…` / `postgresql://…` with
 * an optional `?schema=NAME` (created if missing; every connection's search_path is set to it).
 */
export async function openStore(databaseUrl: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const target = parseDatabaseUrl(databaseUrl);
  const logger = opts.logger;

  if (target.dialect === 'sqlite') {
    const db = new Kysely<Database>({ dialect: createSqliteDialect(target.file) });
    try {
      await runMigrations(db, { logger });
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return new KyselyStore(db, 'sqlite', logger);
  }

  // Loaded only for PostgreSQL: a SQLite deployment never pays for the driver (about 6 MB resident, bench/poller.ts).
  const [{ default: pg }, { StorePostgresDialect }] = await Promise.all([import('pg'), import('./postgres.js')]);
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: Math.max(2, opts.poolSize ?? 10),
    connectionTimeoutMillis: 10_000,
    // A process stopped mid-transaction (SIGSTOP, a hung event loop) must not hold row locks for ever.
    idle_in_transaction_session_timeout: 60_000,
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
  });
  const db = new Kysely<Database>({ dialect: new StorePostgresDialect({ pool }) });
  try {
    await migratePostgres(db, pool, target.schema, logger);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new KyselyStore(db, 'postgres', logger);
}
