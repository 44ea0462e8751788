import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * The initial schema. Append-only: a released migration is never edited; changes go in a new numbered file.
 * Portable DDL: TEXT, INTEGER and BIGINT (epoch ms) only. The one dialect difference is the id column, because
 * SQLite spells an auto-increment key `integer primary key autoincrement` and Postgres `bigserial`.
 * AUTOINCREMENT matters on SQLite: ids of deleted watches are never reused, so an outbox row's watch_id cannot
 * come to point at a different watch.
 */
export const migration0001: Migration = {
  async up(db: Kysely<unknown>) {
    const pg = db.getExecutor().adapter instanceof PostgresAdapter;
    const idType = pg ? 'bigserial' : 'integer';

    await db.schema
      .createTable('watches')
      .addColumn('id', idType, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('creator_user_id', 'text', (c) => c.notNull())
      .addColumn('target_kind', 'text', (c) => c.notNull().check(sql`target_kind in ('version', 'job', 'project')`))
      .addColumn('job_id', 'text')
      .addColumn('version_id', 'text')
      .addColumn('target_key', 'text', (c) => c.notNull())
      .addColumn('filter', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .addColumn('disabled_at', 'bigint')
      .addColumn('disabled_reason', 'text')
      .addColumn('last_status', 'integer')
      .execute();
    // createWatch is idempotent among active watches only: a disabled or ended watch may be recreated.
    await db.schema
      .createIndex('watches_active_unique')
      .on('watches')
      .columns(['team_id', 'channel_id', 'project_id', 'target_key', 'filter'])
      .unique()
      .where(sql.ref('ended_at'), 'is', null)
      .where(sql.ref('disabled_at'), 'is', null)
      .execute();
    await db.schema.createIndex('watches_channel').on('watches').columns(['team_id', 'channel_id']).execute();
    await db.schema.createIndex('watches_creator').on('watches').columns(['team_id', 'creator_user_id']).execute();
    await db.schema.createIndex('watches_project').on('watches').column('project_id').execute();

    await db.schema
      .createTable('version_states')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('job_name', 'text')
      .addColumn('version_name', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('version_states_pk', ['project_id', 'job_id', 'version_id'])
      .execute();

    await db.schema
      .createTable('outbox')
      .addColumn('id', idType, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      // No foreign key to watches: unwatching must not fail, nor block, because an alert for it is queued.
      .addColumn('watch_id', 'bigint')
      .addColumn('job_id', 'text')
      .addColumn('version_id', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('state', 'text', (c) =>
        c.notNull().defaultTo('pending').check(sql`state in ('pending', 'sent', 'dead')`),
      )
      .addColumn('last_error', 'text')
      .addColumn('slack_ts', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .addColumn('dead_at', 'bigint')
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'bigint')
      // The same alert cannot be queued twice, whichever process or poll cycle produces it.
      .addUniqueConstraint('outbox_dedupe_unique', ['team_id', 'channel_id', 'dedupe_key'])
      .execute();
    // Claiming looks up each channel's oldest pending row; the index stays small because sent rows leave it.
    await db.schema
      .createIndex('outbox_pending_channel')
      .on('outbox')
      .columns(['team_id', 'channel_id', 'id'])
      .where(sql.ref('state'), '=', 'pending')
      .execute();
    // Rows currently claimed (or abandoned by a dead claimer): few at any time, checked for every channel head.
    await db.schema
      .createIndex('outbox_claimed')
      .on('outbox')
      .columns(['team_id', 'channel_id'])
      .where(sql.ref('state'), '=', 'pending')
      .where(sql.ref('locked_until'), 'is not', null)
      .execute();

    await db.schema
      .createTable('alert_cards')
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text', (c) => c.notNull())
      .addColumn('ts', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('alert_cards_pk', ['team_id', 'channel_id', 'job_id', 'version_id'])
      .execute();

    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('acquired_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('poll_health')
      .addColumn('project_id', 'text', (c) => c.primaryKey())
      .addColumn('last_success_at', 'bigint')
      .addColumn('last_attempt_at', 'bigint')
      .addColumn('failing_since', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('warned_at', 'bigint')
      .execute();

    await db.schema
      .createTable('channel_pacing')
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('next_at', 'bigint', (c) => c.notNull())
      .addColumn('spacing_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('channel_pacing_pk', ['team_id', 'channel_id'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of [
      'channel_pacing',
      'poll_health',
      'leases',
      'alert_cards',
      'outbox',
      'version_states',
      'watches',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
