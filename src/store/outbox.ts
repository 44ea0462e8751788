/**
 * The `outbox` table: what is to be posted to Slack, in per-channel order, and what became of it. Claiming the due
 * rows is in outbox-claim.ts.
 */
import type { Insertable, Kysely, Transaction } from 'kysely';
import { type Channel, chunks, distinctChannels } from './batch.js';
import { ensureChannelPacing } from './channel-pacing.js';
import { outboxFromRow, toDate, toNumber } from './rows.js';
import type { Database, OutboxTable } from './schema.js';
import type { NewOutboxRow, OutboxRow } from './types.js';

/**
 * Inserts outbox rows in the given order (ids follow it, and ids are the per-channel send order), skipping
 * duplicate dedupe keys. Every channel with outbox rows gets a channel_pacing row in the same transaction: the
 * claim locks that row to own the channel, so it must exist before any of the channel's rows are visible.
 */
export async function insertOutboxRows(
  trx: Transaction<Database>,
  rows: readonly NewOutboxRow[],
  createdAt: number,
): Promise<number> {
  if (rows.length === 0) return 0;
  let inserted = 0;
  for (const part of chunks(rows)) {
    const values: Insertable<OutboxTable>[] = part.map((r) => ({
      team_id: r.teamId,
      channel_id: r.channelId,
      dedupe_key: r.dedupeKey,
      kind: r.kind,
      watch_id: r.watchId,
      job_id: r.jobId,
      version_id: r.versionId,
      payload: JSON.stringify(r.payload ?? null),
      run_at: r.runAt.getTime(),
      created_at: createdAt,
    }));
    const ids = await trx
      .insertInto('outbox')
      .values(values)
      .onConflict((oc) => oc.columns(['team_id', 'channel_id', 'dedupe_key']).doNothing())
      .returning('id')
      .execute();
    inserted += ids.length;
  }
  await ensureChannelPacing(
    trx,
    distinctChannels(rows.map((r) => ({ team_id: r.teamId, channel_id: r.channelId }))),
    createdAt,
  );
  return inserted;
}

/**
 * Marks a claimed row sent and returns its channel, or null when the row is no longer ours. Still ours if nobody
 * took it over, even when our lock ran out: the post happened, and recording it is what keeps it from being posted
 * again.
 */
export async function markOutboxSent(
  db: Kysely<Database>,
  id: number,
  workerId: string,
  ts: string | null,
  now: number,
): Promise<Channel | null> {
  const row = await db
    .updateTable('outbox')
    .set({ state: 'sent', slack_ts: ts, sent_at: now, locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'pending')
    .returning(['team_id', 'channel_id'])
    .executeTakeFirst();
  return row ?? null;
}

export async function markOutboxRetry(
  db: Kysely<Database>,
  id: number,
  workerId: string,
  result: { error: string; runAt: Date },
): Promise<boolean> {
  const updated = await db
    .updateTable('outbox')
    .set({ last_error: result.error, run_at: result.runAt.getTime(), locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

export async function markOutboxDead(
  db: Kysely<Database>,
  id: number,
  workerId: string,
  error: string,
  now: Date,
): Promise<boolean> {
  const updated = await db
    .updateTable('outbox')
    .set({ state: 'dead', last_error: error, dead_at: now.getTime(), locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/**
 * Releases up to `limit` pending rows claimed by `workerId` (a restarted process with a stable instance id) for an
 * immediate attempt; returns how many. One statement per batch: listing every pending row and releasing them one by
 * one blocked a restart for seconds with a large outbox.
 */
export async function releaseClaims(db: Kysely<Database>, workerId: string, now: Date, limit: number): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ locked_by: null, locked_until: null, last_error: 'released after restart', run_at: now.getTime() })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('state', '=', 'pending')
        .where('locked_by', '=', workerId)
        .limit(limit),
    )
    .where('locked_by', '=', workerId)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function outboxDepth(db: Kysely<Database>): Promise<{ pending: number; dead: number }> {
  const rows = await db
    .selectFrom('outbox')
    .select((eb) => ['state', eb.fn.countAll<number | string>().as('n')])
    .where('state', 'in', ['pending', 'dead'])
    .groupBy('state')
    .execute();
  const count = (state: string) => {
    const row = rows.find((r) => r.state === state);
    return row ? toNumber(row.n) : 0;
  };
  return { pending: count('pending'), dead: count('dead') };
}

/** run_at of the oldest pending row due by `now`; one step along outbox_pending_run_at (migration 0002). */
export async function oldestDueOutboxRunAt(db: Kysely<Database>, now: Date): Promise<Date | null> {
  const row = await db
    .selectFrom('outbox')
    .select('run_at')
    .where('state', '=', 'pending')
    .where('run_at', '<=', now.getTime())
    .orderBy('run_at')
    .limit(1)
    .executeTakeFirst();
  return row ? toDate(row.run_at) : null;
}

export async function pruneOutbox(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where('state', 'in', ['sent', 'dead'])
    .where('created_at', '<', before.getTime())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function listOutbox(
  db: Kysely<Database>,
  filter: { state?: OutboxRow['state']; channelId?: string } = {},
): Promise<OutboxRow[]> {
  let query = db.selectFrom('outbox').selectAll().orderBy('id');
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (filter.channelId !== undefined) query = query.where('channel_id', '=', filter.channelId);
  return (await query.execute()).map(outboxFromRow);
}
