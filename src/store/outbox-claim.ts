/** Claiming due outbox rows: one head per channel, paced, exclusive across processes. */
import { type ExpressionBuilder, sql, type Transaction } from 'kysely';
import { type Channel, distinctChannels } from './batch.js';
import { outboxFromRow, toNumber } from './rows.js';
import type { Database, OutboxTable } from './schema.js';
import type { ClaimOptions, OutboxRow } from './types.js';

type Dialect = 'sqlite' | 'postgres';

/**
 * Why the claim is shaped like this:
 *
 * Each channel is a FIFO queue ordered by id: a thread reply must not overtake the card it replies to, and a row
 * waiting out a 429 holds back the rows behind it (Slack's limit is per channel, so they would get a 429 too).
 * So only a channel's oldest pending row (its head) is ever claimable, only when it is due, and only while no
 * other row of the channel is claimed (locked_until > now) and the channel's pacing time (next_at) has passed.
 * A claim whose locked_until has passed counts as abandoned (its process died): the head is claimable again, and
 * the attempt counter shows the retry.
 *
 * Across processes the channel_pacing row is the channel's mutex. On Postgres:
 *  1. pick the due heads of channels whose next_at has passed, `FOR UPDATE OF o SKIP LOCKED`: concurrent
 *     claimers pick different rows instead of queueing behind each other;
 *  2. lock those channels' pacing rows `FOR UPDATE SKIP LOCKED` where next_at <= now: the channels this claimer
 *     owns until commit; a channel another claimer is inside is skipped, never waited for;
 *  3. with the channels owned, re-read each one's head in a fresh statement (READ COMMITTED sees every claim
 *     committed before we got the lock) and claim it if still eligible, rows again `FOR UPDATE SKIP LOCKED`;
 *  4. set the channels' next_at = now + spacing.
 * Times come from one clock (the store's: the database's on Postgres, see kysely-store.ts), and a pacing time further
 * ahead than now + the channel's spacing can only mean the clock stepped back since it was written: that channel is
 * free, so an NTP correction of an hour does not hold a channel's alerts for an hour. (A claim's lock is cleared by
 * markSent or markRetry, so a step back only lengthens the wait for a crashed sender's row.)
 *
 * Step 3 matters because step 1's snapshot can be stale: a row with a lower id may have committed after it, or
 * another claimer may have claimed and committed in the channel meanwhile. No step ever waits for a lock, so
 * claimers cannot deadlock with each other or with markSent. On SQLite the whole transaction runs under BEGIN
 * IMMEDIATE (one writer at a time), so the same statements without lock clauses give the same guarantees.
 */
export async function claimOutbox(
  trx: Transaction<Database>,
  dialect: Dialect,
  options: ClaimOptions,
): Promise<OutboxRow[]> {
  if (options.limit <= 0) return [];
  const now = options.now.getTime();
  const wanted = await pickDueHeadChannels(trx, dialect, options, now);
  if (wanted.length === 0) return [];
  const owned = await lockDueChannels(trx, dialect, wanted, now);
  if (owned.length === 0) return [];
  const claimed = await claimCurrentHeads(trx, dialect, owned, options, now);
  if (claimed.length === 0) return [];
  await trx
    .updateTable('channel_pacing')
    .set({ next_at: now + options.channelSpacingMs, spacing_ms: options.channelSpacingMs })
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple('team_id', 'channel_id'),
        'in',
        distinctChannels(claimed).map((c) => tuple(c.team_id, c.channel_id)),
      ),
    )
    .execute();
  return claimed.map(outboxFromRow).sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
}

/** Step 1: the channels whose head is due, whose pacing time has passed and which have no live claim. */
async function pickDueHeadChannels(
  trx: Transaction<Database>,
  dialect: Dialect,
  options: ClaimOptions,
  now: number,
): Promise<Channel[]> {
  // Driven from channel_pacing (one row per channel) with an index lookup for each channel's head, so the
  // cost follows the number of channels, not the number of pending rows behind paced or busy channels.
  let candidates = trx
    .selectFrom('channel_pacing as p')
    .innerJoin('outbox as o', (join) =>
      join.on((eb) =>
        eb(
          'o.id',
          '=',
          eb
            .selectFrom('outbox as h')
            .select((h) => h.fn.min('h.id').as('head'))
            .where('h.state', '=', 'pending')
            .whereRef('h.team_id', '=', 'p.team_id')
            .whereRef('h.channel_id', '=', 'p.channel_id'),
        ),
      ),
    )
    .select(['o.team_id', 'o.channel_id'])
    .where((eb) => pacingPassed(eb, 'p', now))
    .where('o.state', '=', 'pending')
    .where('o.run_at', '<=', now)
    .where((eb) => eb.or([eb('o.locked_until', 'is', null), eb('o.locked_until', '<=', now)]))
    .where((eb) => noLiveClaimInChannel(eb, now))
    .orderBy('o.run_at')
    .orderBy('o.id')
    .limit(options.limit);
  if (dialect === 'postgres') candidates = candidates.forUpdate('o').skipLocked();
  return distinctChannels(await candidates.execute());
}

/** Step 2: the channels this claimer owns until commit; one another claimer is inside is skipped, not waited for. */
async function lockDueChannels(
  trx: Transaction<Database>,
  dialect: Dialect,
  wanted: readonly Channel[],
  now: number,
): Promise<Channel[]> {
  let channelLocks = trx
    .selectFrom('channel_pacing')
    .select(['team_id', 'channel_id'])
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple('team_id', 'channel_id'),
        'in',
        wanted.map((c) => tuple(c.team_id, c.channel_id)),
      ),
    )
    .where((eb) => pacingPassed(eb, 'channel_pacing', now));
  if (dialect === 'postgres') channelLocks = channelLocks.forUpdate().skipLocked();
  return channelLocks.execute();
}

/** Step 3: re-reads each owned channel's head in a fresh statement and claims it if it is still eligible. */
async function claimCurrentHeads(
  trx: Transaction<Database>,
  dialect: Dialect,
  owned: readonly Channel[],
  options: ClaimOptions,
  now: number,
) {
  const heads = await trx
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('id').as('head'))
    .where('state', '=', 'pending')
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple('team_id', 'channel_id'),
        'in',
        owned.map((c) => tuple(c.team_id, c.channel_id)),
      ),
    )
    .groupBy(['team_id', 'channel_id'])
    .execute();
  const headIds = heads.flatMap((h) => (h.head === null ? [] : [toNumber(h.head)]));
  if (headIds.length === 0) return [];

  let eligible = trx
    .selectFrom('outbox as o')
    .select('o.id')
    .where('o.id', 'in', headIds)
    .where('o.state', '=', 'pending')
    .where('o.run_at', '<=', now)
    .where((eb) => noLiveClaimInChannel(eb, now));
  if (dialect === 'postgres') eligible = eligible.forUpdate('o').skipLocked();
  return trx
    .updateTable('outbox')
    .set((eb) => ({
      locked_by: options.workerId,
      locked_until: now + options.lockMs,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', eligible)
    .returningAll()
    .execute();
}

/** The channel's pacing time has passed, or lies further ahead than its spacing (the clock stepped back). */
// biome-ignore lint/suspicious/noExplicitAny: one helper for the aliased and the plain table
function pacingPassed(eb: ExpressionBuilder<any, any>, table: 'p' | 'channel_pacing', now: number) {
  return eb.or([
    eb(`${table}.next_at`, '<=', now),
    eb(`${table}.next_at`, '>', sql<number>`${now} + ${sql.ref(`${table}.spacing_ms`)}`),
  ]);
}

/** No other row of outbox `o`'s channel is claimed right now: a channel has at most one send in flight. */
function noLiveClaimInChannel(eb: ExpressionBuilder<Database & { o: OutboxTable }, 'o'>, now: number) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom('outbox as l')
        .select('l.id')
        .where('l.state', '=', 'pending')
        .whereRef('l.team_id', '=', 'o.team_id')
        .whereRef('l.channel_id', '=', 'o.channel_id')
        .where('l.locked_until', 'is not', null)
        .where('l.locked_until', '>', now),
    ),
  );
}
