import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

/** How long a connection waits for another process's write lock before SQLITE_BUSY (per try). */
const BUSY_TIMEOUT_MS = 5_000;
/** Page cache per connection (see createSqliteDialect). */
const SQLITE_CACHE_KIB = 2000;

/** Tries of BEGIN IMMEDIATE while another process holds the write lock (a long migration, a backup, a VACUUM). */
const BUSY_TRIES = 5;

/** A FIFO async mutex. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();

  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => {
      release = r;
    });
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }
}

/**
 * One mutex per database file for the whole process. better-sqlite3 is synchronous: if two stores in one process
 * share a file and one of them waits for the other's write lock, busy_timeout blocks the event loop, so the holder
 * can never commit and both stall for the full timeout. Serialising same-file access in-process avoids that;
 * separate processes still coordinate through SQLite's own locks and busy_timeout.
 */
const fileMutexes = new Map<string, Mutex>();

/**
 * Every Kysely transaction on SQLite starts with BEGIN IMMEDIATE: it takes the write lock up front (waiting up to
 * busy_timeout), so a read-then-write transaction (claim, fence check, migrations) can never fail half-way with
 * SQLITE_BUSY because another process wrote in between, as a deferred BEGIN would under WAL.
 */
class StoreSqliteDriver extends SqliteDriver {
  readonly #mutex: Mutex | undefined;
  #release: (() => void) | undefined;

  readonly #busyPauseMs: number;

  constructor(config: SqliteDialectConfig, mutex: Mutex | undefined, busyPauseMs: number) {
    super(config);
    this.#mutex = mutex;
    this.#busyPauseMs = busyPauseMs;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const release = this.#mutex ? await this.#mutex.lock() : undefined;
    try {
      const connection = await super.acquireConnection();
      this.#release = release;
      return connection;
    } catch (err) {
      release?.();
      throw err;
    }
  }

  override async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    await super.releaseConnection();
    release?.();
  }

  /**
   * busy_timeout already waits inside SQLite, but it blocks the event loop while it does; past it, the lock is
   * asked for again after a pause that lets the process serve, instead of failing the poll cycle or the send.
   * Retrying is safe: a BEGIN that failed started nothing.
   */
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
        return;
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'SQLITE_BUSY' || attempt >= BUSY_TRIES) throw err;
        await new Promise((resolve) => setTimeout(resolve, this.#busyPauseMs * attempt));
      }
    }
  }
}

/** SQLite runs DDL inside transactions, so a migration either applies whole or not at all. */
class StoreSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class StoreSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #mutex: Mutex | undefined;
  readonly #busyPauseMs: number;

  constructor(config: SqliteDialectConfig, mutex: Mutex | undefined, busyPauseMs: number) {
    super(config);
    this.#config = config;
    this.#mutex = mutex;
    this.#busyPauseMs = busyPauseMs;
  }

  override createDriver(): Driver {
    return new StoreSqliteDriver(this.#config, this.#mutex, this.#busyPauseMs);
  }

  override createAdapter(): SqliteAdapter {
    return new StoreSqliteAdapter();
  }
}

/** Opens (creating the parent directory of) a SQLite database and returns the Kysely dialect for it. */
export function createSqliteDialect(file: string, busyTimeoutMs = BUSY_TIMEOUT_MS): SqliteDialect {
  const memory = file === ':memory:';
  let mutex: Mutex | undefined;
  if (!memory) {
    const path = resolve(file);
    mkdirSync(dirname(path), { recursive: true });
    mutex = fileMutexes.get(path);
    if (!mutex) {
      mutex = new Mutex();
      fileMutexes.set(path, mutex);
    }
  }
  const database = new BetterSqlite3(memory ? ':memory:' : resolve(file), { timeout: busyTimeoutMs });
  try {
    if (!memory) {
      // WAL: readers never block the writer. FULL: a committed transaction survives power loss, not only a crash;
      // a lost markSent would mean posting the same alert twice.
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = FULL');
    }
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    database.pragma('foreign_keys = ON');
    // SQLite's own default page cache (2 MiB): better-sqlite3 builds SQLite with 16 MiB, which the bot's database
    // fills within minutes at 10,000 watches and never gives back (12 MB of RSS in bench/poller.ts). The hot rows
    // (active watches, pending outbox, leases) fit in 2 MiB; a miss is a read from the kernel's page cache.
    database.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  } catch (err) {
    database.close();
    throw err;
  }
  return new StoreSqliteDialect({ database }, mutex, Math.max(50, busyTimeoutMs / 10));
}
