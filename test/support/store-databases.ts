/**
 * Databases for store tests, shared by every area that wants a real Store: a SQLite memory db, SQLite files in a
 * temp dir, and PostgreSQL (when TEST_DATABASE_URL is set and answers) with one fresh schema per database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  name: 'sqlite-memory' | 'sqlite-file' | 'postgres';
  dialect: 'sqlite' | 'postgres';
  /** A fresh database survives closing its store and can be opened again (the memory db cannot). */
  persistent: boolean;
  /** Set when this database is unavailable; suites use it with describe.skipIf so the skip is visible. */
  skipReason: string | undefined;
  /** A URL naming a new, empty database private to the caller. */
  freshUrl(): string;
  /**
   * A database for a whole test file, emptied (all rows gone, ids restarted) on every call: far cheaper than a
   * fresh one per test where creating one is slow (Postgres). Where fresh ones are cheap, simply a fresh one.
   */
  emptiedUrl(): Promise<string>;
  /** Removes every database handed out (temp files, Postgres schemas). */
  dispose(): Promise<void>;
}

function sqliteMemory(): TestDatabase {
  return {
    name: 'sqlite-memory',
    dialect: 'sqlite',
    persistent: false,
    skipReason: undefined,
    freshUrl: () => 'sqlite::memory:',
    emptiedUrl: async () => 'sqlite::memory:',
    dispose: async () => {},
  };
}

function sqliteFile(): TestDatabase {
  let dir: string | undefined;
  let n = 0;
  const freshUrl = () => {
    dir ??= mkdtempSync(join(tmpdir(), 'store-test-'));
    n += 1;
    // A subdirectory that does not exist yet: openStore must create it.
    return `sqlite:${join(dir, `db${n}`, 'store.db')}`;
  };
  return {
    name: 'sqlite-file',
    dialect: 'sqlite',
    persistent: true,
    skipReason: undefined,
    freshUrl,
    emptiedUrl: async () => freshUrl(),
    dispose: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}

/** Whether Postgres at `url` answers within two seconds; the reason when it does not. */
export async function probePostgres(url: string | undefined): Promise<string | undefined> {
  if (!url) return 'TEST_DATABASE_URL is not set';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL at TEST_DATABASE_URL is unreachable (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs `fn` with a plain pg client on the base URL (for assertions and clean-up outside the store). */
export async function withPgClient<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function postgres(baseUrl: string | undefined, skipReason: string | undefined): TestDatabase {
  const schemas: string[] = [];
  const freshUrl = () => {
    if (!baseUrl || skipReason) throw new Error(`postgres is unavailable: ${skipReason}`);
    const schema = `store_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const url = new URL(baseUrl);
    url.searchParams.set('schema', schema);
    return url.toString();
  };
  let shared: string | undefined;
  return {
    name: 'postgres',
    dialect: 'postgres',
    persistent: true,
    skipReason,
    freshUrl,
    emptiedUrl: async () => {
      if (!shared) {
        shared = freshUrl();
        return shared;
      }
      const schema = schemaOf(shared);
      // Every table the migrations made, whatever they are by now; Kysely's bookkeeping stays.
      await withPgClient(baseUrl!, async (client) => {
        const { rows } = await client.query<{ table_name: string }>(
          `select table_name from information_schema.tables
           where table_schema = $1 and table_type = 'BASE TABLE' and table_name not like 'kysely%'`,
          [schema],
        );
        if (rows.length === 0) return;
        const tables = rows.map((r) => `${schema}."${r.table_name}"`).join(', ');
        await client.query(`truncate ${tables} restart identity`);
      });
      return shared;
    },
    dispose: async () => {
      if (!baseUrl || schemas.length === 0) return;
      const names = schemas.splice(0);
      shared = undefined;
      await withPgClient(baseUrl, async (client) => {
        for (const schema of names) await client.query(`drop schema if exists ${schema} cascade`);
      });
    },
  };
}

/** The schema a fresh Postgres URL points at. */
export function schemaOf(url: string): string {
  const schema = new URL(url).searchParams.get('schema');
  if (!schema) throw new Error('not a schema-scoped URL');
  return schema;
}

/**
 * Every database the store suite runs against. Postgres is always listed; when it cannot be used its skipReason
 * is set and a warning is printed once, so a run without Postgres says so instead of passing quietly.
 */
export async function storeTestDatabases(env: { TEST_DATABASE_URL?: string | undefined }): Promise<TestDatabase[]> {
  const url = env.TEST_DATABASE_URL?.trim() || undefined;
  const skipReason = await probePostgres(url);
  if (skipReason) console.warn(`[store tests] skipping PostgreSQL: ${skipReason}`);
  return [sqliteMemory(), sqliteFile(), postgres(url, skipReason)];
}
