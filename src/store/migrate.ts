import { createHash } from 'node:crypto';
import { type Kysely, Migrator } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import { MigrationError } from './errors.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

/** Applies every pending migration; a no-op when the schema is current. */
export async function runMigrations(
  db: Kysely<Database>,
  options: { migrationTableSchema?: string | undefined; logger?: Logger | undefined },
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    // Migrations are developed on branches and merged in any order (0003 may reach a database before 0002): each is
    // independent of the others' tables, so a missing lower one is run late rather than refused. A migration the
    // database ran that this build does not know still fails the start.
    allowUnorderedMigrations: true,
    // Kysely looks for its bookkeeping tables across all schemas unless told which one: name it, so a database
    // holding several isolated schemas (tests, tenants) keeps a migration history per schema.
    ...(options.migrationTableSchema ? { migrationTableSchema: options.migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') options.logger?.info({ migration: result.migrationName }, 'database migrated');
  }
  if (error !== undefined) {
    throw new MigrationError(results?.find((r) => r.status === 'Error')?.migrationName, { cause: error });
  }
}

/** A stable signed 64-bit advisory-lock key for a name (pg_advisory_lock takes a bigint). */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

/**
 * Several replicas may start at once against one database. A session-level advisory lock, held on one dedicated
 * connection around schema creation and the whole migration run, lets exactly one of them migrate while the others
 * wait and then find nothing left to do. (`CREATE SCHEMA IF NOT EXISTS` alone is not safe under concurrency: two
 * sessions can both pass the check and one fails on the catalog's unique index.) The lock is per schema, so
 * isolated schemas migrate independently.
 */
export async function migratePostgres(
  db: Kysely<Database>,
  pool: pg.Pool,
  schema: string | undefined,
  logger: Logger | undefined,
): Promise<void> {
  const client = await pool.connect();
  let broken = false;
  try {
    const key = advisoryLockKey(`modelarts-chatops:migrations:${schema ?? ''}`);
    // Waiting for another replica's migration run, and the run itself, may take longer than any query should.
    // (pg reads a query_timeout of 0 as "the pool's", hence a day.)
    await client.query('set statement_timeout = 0');
    await client.query({
      text: 'select pg_advisory_lock($1::bigint)',
      values: [key],
      query_timeout: 86_400_000,
    } as pg.QueryConfig);
    try {
      // The schema name was validated against [a-z_][a-z0-9_]* when the URL was parsed: safe to inline.
      if (schema) await client.query(`create schema if not exists ${schema}`);
      const current = await client.query<{ schema: string | null }>('select current_schema() as schema');
      const migrationTableSchema = schema ?? current.rows[0]?.schema ?? undefined;
      if (!migrationTableSchema) throw new MigrationError(undefined, { cause: new Error('no schema on search_path') });
      await runMigrations(db, { migrationTableSchema, logger });
    } finally {
      try {
        await client.query('select pg_advisory_unlock($1::bigint)', [key]);
        await client.query('reset statement_timeout');
      } catch (err) {
        // Dropping the connection releases a session lock too.
        broken = true;
        logger?.warn({ err }, 'could not release the migration lock; closing its connection');
      }
    }
  } finally {
    client.release(broken);
  }
}
