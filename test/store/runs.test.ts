/**
 * Runs of both APIs in the store (a v2 job has a UUID job id and no version, statuses are text keys), and migration
 * 0003 taking a database written by 0001 (integer statuses) to text keys without changing what they mean.
 */
import { Kysely, Migrator, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { StorePostgresDialect } from '../../src/store/postgres.js';
import { createSqliteDialect } from '../../src/store/sqlite.js';
import type { NewWatch, RunState } from '../../src/store/types.js';
import { parseDatabaseUrl } from '../../src/store/url.js';
import { dialects, storesOn } from './dialects.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);
const UUID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';

function newWatch(overrides: Partial<NewWatch> = {}): NewWatch {
  return {
    teamId: 'T1',
    channelId: 'C1',
    projectId: 'P1',
    creatorUserId: 'U1',
    target: { kind: 'run', jobId: UUID, versionId: null },
    filter: 'default',
    now: at(0),
    ...overrides,
  };
}

function state(jobId: string, versionId: string | null, status: string, updatedAt = at(1)): RunState {
  return { projectId: 'P1', jobId, versionId, status, jobName: null, versionName: null, updatedAt };
}

/** A Kysely on the URL's database and a migrator that knows only the named migrations (an older build's). */
async function migratorFor(
  url: string,
  names: readonly string[],
): Promise<{ db: Kysely<unknown>; migrator: Migrator }> {
  const target = parseDatabaseUrl(url);
  const provider = { getMigrations: async () => Object.fromEntries(names.map((n) => [n, MIGRATIONS[n]!])) };
  if (target.dialect === 'sqlite') {
    const db = new Kysely<unknown>({ dialect: createSqliteDialect(target.file) });
    return { db, migrator: new Migrator({ db, provider }) };
  }
  const schema = target.schema!;
  const pool = new pg.Pool({ connectionString: target.connectionString, options: `-c search_path=${schema}` });
  const db = new Kysely<unknown>({ dialect: new StorePostgresDialect({ pool }) });
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  return { db, migrator: new Migrator({ db, provider, migrationTableSchema: schema }) };
}

/** The database with only the named migrations applied, as a deployed older build left it. */
async function migratedTo(url: string, names: readonly string[]): Promise<Kysely<unknown>> {
  const { db, migrator } = await migratorFor(url, names);
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  return db;
}

for (const db of dialects) {
  describe.skipIf(db.skipReason !== undefined)(`runs in the store on ${db.name}`, () => {
    const open = storesOn(db);

    it('keeps a v2 job (no version) apart from v1 versions in watches, states and cards', async () => {
      const store = await open(await db.emptiedUrl());
      const v2 = await store.createWatch(newWatch());
      expect(v2.watch.target).toEqual({ kind: 'run', jobId: UUID, versionId: null });
      expect((await store.createWatch(newWatch({ creatorUserId: 'U2' }))).created).toBe(false);
      const v1 = await store.createWatch(newWatch({ target: { kind: 'run', jobId: '10', versionId: '7' } }));
      expect(v1.created).toBe(true);

      await store.commitPollCycle({
        projectId: 'P1',
        now: at(1),
        states: [
          { ...state(UUID, null, 'Running'), jobName: 'bert' },
          { ...state('10', '7', '8'), jobName: 'j', versionName: 'V0007' },
        ],
        alerts: [],
        watchStatuses: [
          { watchId: v2.watch.id, status: 'Running' },
          { watchId: v1.watch.id, status: '8' },
        ],
      });
      const states = await store.getRunStates('P1');
      expect(states.map((s) => [s.jobId, s.versionId, s.status])).toEqual([
        ['10', '7', '8'],
        [UUID, null, 'Running'],
      ]);
      expect((await store.getWatch(v2.watch.id))?.lastStatus).toBe('Running');

      await store.enqueue([
        {
          teamId: 'T1',
          channelId: 'C1',
          dedupeKey: `v1|T1|C1|${UUID}||card:Running`,
          kind: 'card',
          watchId: v2.watch.id,
          jobId: UUID,
          versionId: null,
          payload: {},
          runAt: at(1),
        },
      ]);
      const [row] = await store.claimOutbox({ workerId: 'w', now: at(2), limit: 1, lockMs: 1000, channelSpacingMs: 0 });
      const card = { teamId: 'T1', channelId: 'C1', jobId: UUID, versionId: null, ts: '1.1', updatedAt: at(2) };
      expect(await store.markSent(row!.id, 'w', { ts: '1.1', card, now: at(2) })).toBe(true);
      expect(await store.getCard('T1', 'C1', UUID, null)).toEqual(card);
      expect(await store.getCard('T1', 'C1', UUID, '')).toEqual(card);
      expect(await store.getCard('T1', 'C1', '10', '7')).toBeNull();

      expect(await store.deleteWatches('T1', 'C1', { kind: 'run', jobId: UUID, versionId: null })).toBe(1);
      expect(await store.getWatch(v1.watch.id)).not.toBeNull();
    });

    it.skipIf(!db.persistent)('migrates rows written before 0003: integer statuses become the same keys', async () => {
      const url = db.freshUrl();
      const old = await migratedTo(url, ['0001_init']);
      await sql`insert into watches (team_id, channel_id, project_id, creator_user_id, target_kind, job_id, version_id,
                  target_key, filter, created_at, last_status)
                values ('T1', 'C1', 'P1', 'U1', 'version', '10', '7', '["version","10","7"]', 'default', ${T0}, 11),
                       ('T1', 'C1', 'P1', 'U1', 'job', '10', null, '["job","10"]', 'default', ${T0}, null)`.execute(
        old,
      );
      await sql`insert into version_states (project_id, job_id, version_id, status, job_name, version_name, updated_at)
                values ('P1', '10', '7', 11, 'j', 'V0007', ${T0}), ('P1', '10', '8', 0, null, null, ${T0})`.execute(
        old,
      );
      await old.destroy();

      const store = await open(url);
      const watches = await store.listActiveWatches('P1');
      expect(watches.map((w) => [w.target, w.lastStatus])).toEqual([
        [{ kind: 'run', jobId: '10', versionId: '7' }, '11'],
        [{ kind: 'job', jobId: '10' }, null],
      ]);
      // The watch stored by 0001 is the same watch a new request names: no duplicate after the upgrade.
      const again = await store.createWatch(newWatch({ target: { kind: 'run', jobId: '10', versionId: '7' } }));
      expect(again).toMatchObject({ created: false, watch: { id: watches[0]?.id } });
      expect((await store.getRunStates('P1')).map((s) => [s.versionId, s.status])).toEqual([
        ['7', '11'],
        ['8', '0'],
      ]);
      // And the columns take text now.
      await store.commitPollCycle({
        projectId: 'P1',
        now: at(5),
        states: [state(UUID, null, 'Failed', at(5))],
        alerts: [],
        watchStatuses: [{ watchId: watches[0]!.id, status: 'Failed' }],
      });
      expect((await store.getRunStates('P1')).find((s) => s.jobId === UUID)?.status).toBe('Failed');
      expect((await store.getWatch(watches[0]!.id))?.lastStatus).toBe('Failed');
    });

    it.skipIf(!db.persistent)('0003 goes back down to integer codes, dropping what only text could hold', async () => {
      const url = db.freshUrl();
      const store = await open(url);
      await store.commitPollCycle({
        projectId: 'P1',
        now: at(1),
        states: [state('10', '7', '11', at(1)), state(UUID, null, 'Failed', at(1))],
        alerts: [],
        watchStatuses: [],
      });
      await store.close();
      const { db: raw, migrator } = await migratorFor(url, Object.keys(MIGRATIONS));
      try {
        const { error } = await migrator.migrateDown();
        if (error) throw error;
        const rows = await sql<{
          job_id: string;
          status: number | string;
        }>`select job_id, status from version_states`.execute(raw);
        expect(rows.rows.map((r) => [r.job_id, Number(r.status)])).toEqual([['10', 11]]);
      } finally {
        await raw.destroy();
      }
    });
  });
}
