import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * Statuses become text keys, so a v2 job's phase (`Failed`) can be stored where a v1 code was: the last-seen states
 * and the status a watch last saw. Existing codes become their decimal text (11 → '11'), which is exactly the v1
 * key, so every stored state compares equal to the next observation and every dedupe key built from it is the one
 * already in the outbox: an upgrade posts nothing twice.
 *
 * Nothing else needs a schema change for v2 jobs: watches already allow a null version id, and the two tables whose
 * primary key holds the version id (version_states, alert_cards) store '' for "no version" (store/rows.ts).
 *
 * PostgreSQL changes the column types in place. SQLite cannot, so the column is rebuilt: a new text column, the
 * values copied, the old one dropped and the new one renamed (SQLite 3.35+; better-sqlite3 bundles a newer one).
 */
const COLUMNS: ReadonlyArray<{ table: string; column: string; notNull: boolean }> = [
  { table: 'version_states', column: 'status', notNull: true },
  { table: 'watches', column: 'last_status', notNull: false },
];

async function sqliteRetype(
  db: Kysely<unknown>,
  table: string,
  column: string,
  type: 'text' | 'integer',
  notNull: boolean,
) {
  const temp = `${column}_new`;
  await db.schema
    .alterTable(table)
    .addColumn(temp, type, (c) => (notNull ? c.notNull().defaultTo(type === 'text' ? '' : 0) : c))
    .execute();
  await sql`update ${sql.table(table)} set ${sql.ref(temp)} = cast(${sql.ref(column)} as ${sql.raw(type)})`.execute(db);
  await db.schema.alterTable(table).dropColumn(column).execute();
  await db.schema.alterTable(table).renameColumn(temp, column).execute();
}

/** Every status column to `type`, in place on PostgreSQL, rebuilt on SQLite. */
async function retypeStatuses(db: Kysely<unknown>, type: 'text' | 'integer'): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const { table, column, notNull } of COLUMNS) {
    if (pg) {
      const col = sql.ref(column);
      await sql`alter table ${sql.table(table)} alter column ${col} type ${sql.raw(type)} using ${col}::${sql.raw(type)}`.execute(
        db,
      );
    } else {
      await sqliteRetype(db, table, column, type, notNull);
    }
  }
}

export const migration0003: Migration = {
  async up(db: Kysely<unknown>) {
    await retypeStatuses(db, 'text');
  },

  /** Back to integer codes: v2 states cannot be represented there and are dropped, a v2 last status is forgotten. */
  async down(db: Kysely<unknown>) {
    const pg = db.getExecutor().adapter instanceof PostgresAdapter;
    const digits = pg ? sql`~ '^[0-9]{1,6}$'` : sql`not glob '*[^0-9]*'`;
    await sql`delete from version_states where not (status ${digits} and status <> '')`.execute(db);
    await sql`update watches set last_status = null where not (last_status ${digits} and last_status <> '')`.execute(
      db,
    );
    await retypeStatuses(db, 'integer');
  },
};
