/** The `watches` table: who wants alerts for what, in which channel. */
import type { Kysely } from 'kysely';
import { chunks } from './batch.js';
import { targetColumns, watchFromRow } from './rows.js';
import type { Database } from './schema.js';
import type { NewWatch, Watch, WatchTarget } from './types.js';

export async function createWatch(db: Kysely<Database>, watch: NewWatch): Promise<{ watch: Watch; created: boolean }> {
  const target = targetColumns(watch.target);
  const values = {
    team_id: watch.teamId,
    channel_id: watch.channelId,
    project_id: watch.projectId,
    creator_user_id: watch.creatorUserId,
    ...target,
    filter: watch.filter,
    created_at: watch.now.getTime(),
  };
  // The partial unique index over active watches makes this race-free across processes: the insert either
  // creates the one active watch or hits the existing one, which is then read. Should that one end between the
  // two statements, the next round inserts.
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db
      .insertInto('watches')
      .values(values)
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { watch: watchFromRow(inserted), created: true };
    const existing = await db
      .selectFrom('watches')
      .selectAll()
      .where('team_id', '=', watch.teamId)
      .where('channel_id', '=', watch.channelId)
      .where('project_id', '=', watch.projectId)
      .where('target_key', '=', target.target_key)
      .where('filter', '=', watch.filter)
      .where('ended_at', 'is', null)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (existing) return { watch: watchFromRow(existing), created: false };
  }
  throw new Error('createWatch: the matching active watch kept changing concurrently');
}

export async function deleteWatches(
  db: Kysely<Database>,
  teamId: string,
  channelId: string,
  target: WatchTarget,
): Promise<number> {
  const result = await db
    .deleteFrom('watches')
    .where('team_id', '=', teamId)
    .where('channel_id', '=', channelId)
    .where('target_key', '=', targetColumns(target).target_key)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteWatch(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('watches').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function getWatch(db: Kysely<Database>, id: number): Promise<Watch | null> {
  const row = await db.selectFrom('watches').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? watchFromRow(row) : null;
}

/** A team's watches that have not ended (disabled ones included, so lists can say why), oldest first. */
export async function listUnendedWatches(
  db: Kysely<Database>,
  teamId: string,
  column: 'channel_id' | 'creator_user_id',
  value: string,
): Promise<Watch[]> {
  const rows = await db
    .selectFrom('watches')
    .selectAll()
    .where('team_id', '=', teamId)
    .where(column, '=', value)
    .where('ended_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(watchFromRow);
}

export async function listActiveWatches(db: Kysely<Database>, projectId: string): Promise<Watch[]> {
  const rows = await db
    .selectFrom('watches')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('ended_at', 'is', null)
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(watchFromRow);
}

/**
 * A token that changes whenever the project's set of active watches does: a watch created (ids only grow, SQLite
 * included: AUTOINCREMENT), deleted, ended or disabled changes the count or the largest id. One indexed aggregate, so a
 * poller can check it every cycle and re-read the list only when it moved, in whichever replica the change was made.
 */
export async function activeWatchesVersion(db: Kysely<Database>, projectId: string): Promise<string> {
  const row = await db
    .selectFrom('watches')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('id').as('top')])
    .where('project_id', '=', projectId)
    .where('ended_at', 'is', null)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return `${Number(row?.n ?? 0)}:${String(row?.top ?? '-')}`;
}

export async function endWatch(db: Kysely<Database>, id: number, now: Date): Promise<void> {
  await db
    .updateTable('watches')
    .set({ ended_at: now.getTime() })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute();
}

export async function disableWatch(db: Kysely<Database>, id: number, reason: string, now: Date): Promise<void> {
  // The first reason stands: it is the one that stopped delivery.
  await db
    .updateTable('watches')
    .set({ disabled_at: now.getTime(), disabled_reason: reason })
    .where('id', '=', id)
    .where('disabled_at', 'is', null)
    .execute();
}

export async function disableChannelWatches(
  db: Kysely<Database>,
  teamId: string,
  channelId: string,
  reason: string,
  now: Date,
): Promise<Watch[]> {
  const rows = await db
    .updateTable('watches')
    .set({ disabled_at: now.getTime(), disabled_reason: reason })
    .where('team_id', '=', teamId)
    .where('channel_id', '=', channelId)
    .where('ended_at', 'is', null)
    .where('disabled_at', 'is', null)
    .returningAll()
    .execute();
  return rows.map(watchFromRow).sort((a, b) => a.id - b.id);
}

/** Records the status each watch last saw; the last update given for a watch wins. */
export async function updateWatchStatuses(
  db: Kysely<Database>,
  updates: ReadonlyArray<{ watchId: number; status: string }>,
): Promise<void> {
  const latest = new Map<number, string>();
  for (const u of updates) latest.set(u.watchId, u.status);
  // Status keys are few (23 v1 codes, 8 v2 phases): one UPDATE per distinct status instead of one per watch.
  const byStatus = new Map<string, number[]>();
  for (const [watchId, status] of latest) {
    const ids = byStatus.get(status) ?? [];
    ids.push(watchId);
    byStatus.set(status, ids);
  }
  for (const [status, ids] of byStatus) {
    for (const part of chunks(ids, 1000)) {
      await db.updateTable('watches').set({ last_status: status }).where('id', 'in', part).execute();
    }
  }
}
