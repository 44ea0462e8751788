import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseUrlError, MigrationError, openStore, parseDatabaseUrl } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';

describe('parseDatabaseUrl', () => {
  it('reads the sqlite forms', () => {
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', file: ':memory:' });
    expect(parseDatabaseUrl('sqlite:./data/modelarts-chatops.db')).toEqual({
      dialect: 'sqlite',
      file: './data/modelarts-chatops.db',
    });
    expect(parseDatabaseUrl('sqlite:/var/lib/bot.db')).toEqual({ dialect: 'sqlite', file: '/var/lib/bot.db' });
    expect(parseDatabaseUrl('sqlite:///var/lib/bot.db')).toEqual({ dialect: 'sqlite', file: '/var/lib/bot.db' });
  });

  it('reads postgres URLs and takes the schema parameter out of what pg sees', () => {
    expect(parseDatabaseUrl('postgres://u:p@db:5432/bot')).toEqual({
      dialect: 'postgres',
      connectionString: 'postgres://u:p@db:5432/bot',
      schema: undefined,
    });
    expect(parseDatabaseUrl('postgresql://u@db/bot?sslmode=require&schema=chatops_1')).toEqual({
      dialect: 'postgres',
      connectionString: 'postgresql://u@db/bot?sslmode=require',
      schema: 'chatops_1',
    });
  });

  it.each([
    ['mysql://u:hunter2@db/bot'],
    ['sqlite:'],
    ['sqlite://relative.db'],
    ['postgres://u:hunter2@db/bot?schema=Bad-Name'],
    ['postgres://u:hunter2@db/bot?schema=a&schema=b'],
    ['postgres://u:hunter2@[db/bot'],
  ])('rejects %s with a DatabaseUrlError that does not repeat the URL', (url) => {
    let error: unknown;
    try {
      parseDatabaseUrl(url);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DatabaseUrlError);
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('openStore on a SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-open-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the parent directories, uses WAL, and records the migrations it ran', async () => {
    const file = join(dir, 'nested', 'deeper', 'bot.db');
    const store = await openStore(`sqlite:${file}`);
    await store.close();
    expect(existsSync(file)).toBe(true);
    const raw = new BetterSqlite3(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const applied = raw.prepare('select name from kysely_migration order by name').all() as Array<{ name: string }>;
      expect(applied.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
    } finally {
      raw.close();
    }
  });

  it('closing twice is harmless', async () => {
    const store = await openStore('sqlite::memory:');
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('refuses a database whose migration history it does not know', async () => {
    const file = join(dir, 'foreign.db');
    await (await openStore(`sqlite:${file}`)).close();
    const raw = new BetterSqlite3(file);
    raw.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('9999_from_the_future', 'x');
    raw.close();
    await expect(openStore(`sqlite:${file}`)).rejects.toBeInstanceOf(MigrationError);
  });

  it('rejects an unsupported URL before touching anything', async () => {
    await expect(openStore('mongodb://db/bot')).rejects.toBeInstanceOf(DatabaseUrlError);
  });
});
