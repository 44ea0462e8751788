import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Request fingerprints seen recently (Slack request signatures, Events API event ids), shared by every replica so
 * a replayed request is refused whichever replica it reaches. Rows live until their `expires_at`; the store prunes
 * expired ones as it goes.
 *
 * Also an index for the outbox lag (`/readyz`, metrics): the oldest pending row by run_at is then one index step,
 * not a scan of every pending row.
 */
export const migration0002: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('request_signatures')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('request_signatures_expiry').on('request_signatures').column('expires_at').execute();
    await db.schema
      .createIndex('outbox_pending_run_at')
      .on('outbox')
      .column('run_at')
      .where(sql.ref('state'), '=', 'pending')
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('outbox_pending_run_at').ifExists().execute();
    await db.schema.dropTable('request_signatures').ifExists().execute();
  },
};
