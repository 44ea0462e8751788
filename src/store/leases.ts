/** The `leases` table: named, expiring leases (one poller per project across replicas), usable as fencing tokens. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { LeaseFence } from './types.js';

/**
 * Why one upsert: acquiring, renewing and taking over must be a single atomic step on both dialects, with no
 * read-then-write window in which two replicas could both see the lease free. INSERT covers "never held";
 * ON CONFLICT DO UPDATE ... WHERE covers "mine already" (renew) and "expired" (takeover); when the WHERE fails
 * nothing is written and RETURNING yields no row, which means "held by someone else". On Postgres, racing
 * inserts of a new lease serialise on the primary key and the loser re-evaluates the WHERE against the winner's
 * committed row; an update waits for a poll commit holding the row FOR SHARE (see holdsLease).
 */
export async function tryAcquireLease(
  db: Kysely<Database>,
  name: string,
  holder: string,
  ttlMs: number,
  now: Date,
): Promise<boolean> {
  const at = now.getTime();
  const row = await db
    .insertInto('leases')
    .values({ name, holder, expires_at: at + ttlMs, acquired_at: at })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          expires_at: eb.ref('excluded.expires_at'),
          acquired_at: sql<number>`case when leases.holder = excluded.holder then leases.acquired_at else excluded.acquired_at end`,
        }))
        .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', at)])),
    )
    .returning('holder')
    .executeTakeFirst();
  return row !== undefined;
}

export async function releaseLease(db: Kysely<Database>, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}

/**
 * The fence check runs inside the commit's transaction. On Postgres it takes FOR SHARE on the lease row: a
 * concurrent takeover (an UPDATE of that row) waits until this commit is done, so there is no moment where the
 * lease has moved on and this commit still lands. On SQLite the transaction already holds the write lock.
 */
export async function holdsLease(
  trx: Transaction<Database>,
  dialect: 'sqlite' | 'postgres',
  fence: LeaseFence,
  now: number,
): Promise<boolean> {
  let query = trx
    .selectFrom('leases')
    .select('holder')
    .where('name', '=', fence.name)
    .where('holder', '=', fence.holder)
    .where('expires_at', '>', now);
  if (dialect === 'postgres') query = query.forShare();
  return (await query.executeTakeFirst()) !== undefined;
}
