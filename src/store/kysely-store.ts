import { type ExpressionBuilder, type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import { RequestSignatures } from './request-signatures.js';
import {
  cardFromRow,
  millisOrNull,
  outboxFromRow,
  pollHealthFromRow,
  targetColumns,
  toDate,
  toNumber,
  versionStateFromRow,
  watchFromRow,
} from './rows.js';
import type { Database, OutboxTable } from './schema.js';
import type {
  AlertCard,
  ClaimOptions,
  LeaseFence,
  NewOutboxRow,
  NewWatch,
  OutboxRow,
  PollCommit,
  PollHealth,
  Store,
  VersionState,
  Watch,
  WatchTarget,
} from './types.js';

/** Rows per multi-row statement: far below SQLite's and Postgres's bound-parameter limits at ~12 columns a row. */
const CHUNK = 500;

type Channel = { team_id: string; channel_id: string };

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function distinctChannels(rows: readonly Channel[]): Channel[] {
  const seen = new Map<string, Channel>();
  for (const r of rows)
    seen.set(JSON.stringify([r.team_id, r.channel_id]), { team_id: r.team_id, channel_id: r.channel_id });
  // A stable order: concurrent writers take row locks in the same order and cannot deadlock on these rows.
  return [...seen.values()].sort((a, b) =>
    a.team_id === b.team_id ? (a.channel_id < b.channel_id ? -1 : 1) : a.team_id < b.team_id ? -1 : 1,
  );
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

export class KyselyStore implements Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly #db: Kysely<Database>;
  readonly #logger: Logger | undefined;
  readonly #requests: RequestSignatures;
  #closed: Promise<void> | undefined;

  constructor(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', logger?: Logger) {
    this.#db = db;
    this.#requests = new RequestSignatures(db);
    this.dialect = dialect;
    this.#logger = logger;
  }

  // ---------------------------------------------------------------------------------------------------- watches

  async createWatch(watch: NewWatch): Promise<{ watch: Watch; created: boolean }> {
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
      const inserted = await this.#db
        .insertInto('watches')
        .values(values)
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { watch: watchFromRow(inserted), created: true };
      const existing = await this.#db
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

  async deleteWatches(teamId: string, channelId: string, target: WatchTarget): Promise<number> {
    const result = await this.#db
      .deleteFrom('watches')
      .where('team_id', '=', teamId)
      .where('channel_id', '=', channelId)
      .where('target_key', '=', targetColumns(target).target_key)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteWatch(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('watches').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async getWatch(id: number): Promise<Watch | null> {
    const row = await this.#db.selectFrom('watches').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? watchFromRow(row) : null;
  }

  listChannelWatches(teamId: string, channelId: string): Promise<Watch[]> {
    return this.#unendedWatches(teamId, 'channel_id', channelId);
  }

  listUserWatches(teamId: string, userId: string): Promise<Watch[]> {
    return this.#unendedWatches(teamId, 'creator_user_id', userId);
  }

  /** A team's watches that have not ended (disabled ones included, so lists can say why), oldest first. */
  async #unendedWatches(teamId: string, column: 'channel_id' | 'creator_user_id', value: string): Promise<Watch[]> {
    const rows = await this.#db
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

  async listActiveWatches(projectId: string): Promise<Watch[]> {
    const rows = await this.#db
      .selectFrom('watches')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('ended_at', 'is', null)
      .where('disabled_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map(watchFromRow);
  }

  async endWatch(id: number, now: Date): Promise<void> {
    await this.#db
      .updateTable('watches')
      .set({ ended_at: now.getTime() })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .execute();
  }

  async disableWatch(id: number, reason: string, now: Date): Promise<void> {
    // The first reason stands: it is the one that stopped delivery.
    await this.#db
      .updateTable('watches')
      .set({ disabled_at: now.getTime(), disabled_reason: reason })
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .execute();
  }

  async disableChannelWatches(teamId: string, channelId: string, reason: string, now: Date): Promise<Watch[]> {
    const rows = await this.#db
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

  // ----------------------------------------------------------------------------------------------- poll cycles

  async getVersionStates(projectId: string): Promise<VersionState[]> {
    const rows = await this.#db
      .selectFrom('version_states')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('job_id')
      .orderBy('version_id')
      .execute();
    return rows.map(versionStateFromRow);
  }

  async commitPollCycle(commit: PollCommit): Promise<{ inserted: number } | null> {
    const now = commit.now.getTime();
    return this.#db.transaction().execute(async (trx) => {
      if (commit.fence && !(await this.#holdsLease(trx, commit.fence, now))) {
        this.#logger?.debug({ lease: commit.fence.name }, 'poll commit rejected: lease no longer held');
        return null;
      }
      await this.#upsertStates(trx, commit.projectId, commit.states);
      const inserted = await this.#insertOutbox(trx, commit.alerts, now);
      await this.#updateWatchStatuses(trx, commit.watchStatuses);
      return { inserted };
    });
  }

  /**
   * The fence check runs inside the commit's transaction. On Postgres it takes FOR SHARE on the lease row: a
   * concurrent takeover (an UPDATE of that row) waits until this commit is done, so there is no moment where the
   * lease has moved on and this commit still lands. On SQLite the transaction already holds the write lock.
   */
  async #holdsLease(trx: Transaction<Database>, fence: LeaseFence, now: number): Promise<boolean> {
    let query = trx
      .selectFrom('leases')
      .select('holder')
      .where('name', '=', fence.name)
      .where('holder', '=', fence.holder)
      .where('expires_at', '>', now);
    if (this.dialect === 'postgres') query = query.forShare();
    return (await query.executeTakeFirst()) !== undefined;
  }

  async #upsertStates(trx: Transaction<Database>, projectId: string, states: readonly VersionState[]): Promise<void> {
    // Postgres refuses to update one row twice in a single upsert; the last state given for a version wins.
    const byKey = new Map<string, VersionState>();
    for (const s of states) byKey.set(JSON.stringify([s.projectId, s.jobId, s.versionId]), s);
    for (const part of chunks([...byKey.values()])) {
      await trx
        .insertInto('version_states')
        .values(
          part.map((s) => ({
            project_id: s.projectId || projectId,
            job_id: s.jobId,
            version_id: s.versionId,
            status: s.status,
            job_name: s.jobName,
            version_name: s.versionName,
            updated_at: s.updatedAt.getTime(),
          })),
        )
        .onConflict((oc) =>
          oc.columns(['project_id', 'job_id', 'version_id']).doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            job_name: eb.ref('excluded.job_name'),
            version_name: eb.ref('excluded.version_name'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  async #updateWatchStatuses(
    trx: Transaction<Database>,
    updates: ReadonlyArray<{ watchId: number; status: number }>,
  ): Promise<void> {
    const latest = new Map<number, number>();
    for (const u of updates) latest.set(u.watchId, u.status);
    // Status codes are few (0..22): one UPDATE per distinct status instead of one per watch.
    const byStatus = new Map<number, number[]>();
    for (const [watchId, status] of latest) {
      const ids = byStatus.get(status) ?? [];
      ids.push(watchId);
      byStatus.set(status, ids);
    }
    for (const [status, ids] of byStatus) {
      for (const part of chunks(ids, 1000)) {
        await trx.updateTable('watches').set({ last_status: status }).where('id', 'in', part).execute();
      }
    }
  }

  /**
   * Inserts outbox rows in the given order (ids follow it, and ids are the per-channel send order), skipping
   * duplicate dedupe keys. Every channel with outbox rows gets a channel_pacing row in the same transaction: the
   * claim locks that row to own the channel, so it must exist before any of the channel's rows are visible.
   */
  async #insertOutbox(trx: Transaction<Database>, rows: readonly NewOutboxRow[], createdAt: number): Promise<number> {
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
    const channels = distinctChannels(rows.map((r) => ({ team_id: r.teamId, channel_id: r.channelId })));
    for (const part of chunks(channels)) {
      await trx
        .insertInto('channel_pacing')
        .values(part.map((c) => ({ ...c, next_at: 0, spacing_ms: 0 })))
        .onConflict((oc) => oc.columns(['team_id', 'channel_id']).doNothing())
        .execute();
    }
    return inserted;
  }

  // ------------------------------------------------------------------------------------------------------ outbox

  async enqueue(rows: NewOutboxRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const createdAt = Date.now();
    return this.#db.transaction().execute((trx) => this.#insertOutbox(trx, rows, createdAt));
  }

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
   * Step 3 matters because step 1's snapshot can be stale: a row with a lower id may have committed after it, or
   * another claimer may have claimed and committed in the channel meanwhile. No step ever waits for a lock, so
   * claimers cannot deadlock with each other or with markSent. On SQLite the whole transaction runs under BEGIN
   * IMMEDIATE (one writer at a time), so the same statements without lock clauses give the same guarantees.
   */
  async claimOutbox(options: ClaimOptions): Promise<OutboxRow[]> {
    if (options.limit <= 0) return [];
    const now = options.now.getTime();
    const pg = this.dialect === 'postgres';
    const rows = await this.#db.transaction().execute(async (trx) => {
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
        .where('p.next_at', '<=', now)
        .where('o.state', '=', 'pending')
        .where('o.run_at', '<=', now)
        .where((eb) => eb.or([eb('o.locked_until', 'is', null), eb('o.locked_until', '<=', now)]))
        .where((eb) => noLiveClaimInChannel(eb, now))
        .orderBy('o.run_at')
        .orderBy('o.id')
        .limit(options.limit);
      if (pg) candidates = candidates.forUpdate('o').skipLocked();
      const wanted = distinctChannels(await candidates.execute());
      if (wanted.length === 0) return [];

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
        .where('next_at', '<=', now);
      if (pg) channelLocks = channelLocks.forUpdate().skipLocked();
      const owned = await channelLocks.execute();
      if (owned.length === 0) return [];

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
      if (pg) eligible = eligible.forUpdate('o').skipLocked();
      const claimed = await trx
        .updateTable('outbox')
        .set((eb) => ({
          locked_by: options.workerId,
          locked_until: now + options.lockMs,
          attempts: eb('attempts', '+', 1),
        }))
        .where('id', 'in', eligible)
        .returningAll()
        .execute();
      if (claimed.length === 0) return [];

      const paced = distinctChannels(claimed);
      await trx
        .updateTable('channel_pacing')
        .set({ next_at: now + options.channelSpacingMs, spacing_ms: options.channelSpacingMs })
        .where(({ eb, refTuple, tuple }) =>
          eb(
            refTuple('team_id', 'channel_id'),
            'in',
            paced.map((c) => tuple(c.team_id, c.channel_id)),
          ),
        )
        .execute();
      return claimed;
    });
    return rows.map(outboxFromRow).sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
  }

  async markSent(
    id: number,
    workerId: string,
    result: { ts: string | null; card?: AlertCard; now: Date },
  ): Promise<boolean> {
    const now = result.now.getTime();
    return this.#db.transaction().execute(async (trx) => {
      // Still ours if nobody took it over, even when our lock ran out: the post happened, and recording it is
      // what keeps it from being posted again.
      const row = await trx
        .updateTable('outbox')
        .set({ state: 'sent', slack_ts: result.ts, sent_at: now, locked_by: null, locked_until: null })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .where('state', '=', 'pending')
        .returning(['team_id', 'channel_id'])
        .executeTakeFirst();
      if (!row) return false;
      // Pace from the moment the send finished, not only from the claim: a slow post must not let the next one
      // follow right on its heels.
      await trx
        .updateTable('channel_pacing')
        .set({
          next_at: sql<number>`case when next_at < ${now} + spacing_ms then ${now} + spacing_ms else next_at end`,
        })
        .where('team_id', '=', row.team_id)
        .where('channel_id', '=', row.channel_id)
        .execute();
      if (result.card) {
        const card = result.card;
        await trx
          .insertInto('alert_cards')
          .values({
            team_id: card.teamId,
            channel_id: card.channelId,
            job_id: card.jobId,
            version_id: card.versionId,
            ts: card.ts,
            updated_at: card.updatedAt.getTime(),
          })
          .onConflict((oc) =>
            oc.columns(['team_id', 'channel_id', 'job_id', 'version_id']).doUpdateSet((eb) => ({
              ts: eb.ref('excluded.ts'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
      return true;
    });
  }

  async markRetry(id: number, workerId: string, result: { error: string; runAt: Date }): Promise<boolean> {
    const updated = await this.#db
      .updateTable('outbox')
      .set({ last_error: result.error, run_at: result.runAt.getTime(), locked_by: null, locked_until: null })
      .where('id', '=', id)
      .where('locked_by', '=', workerId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  }

  async markDead(id: number, workerId: string, error: string, now: Date): Promise<boolean> {
    const updated = await this.#db
      .updateTable('outbox')
      .set({ state: 'dead', last_error: error, dead_at: now.getTime(), locked_by: null, locked_until: null })
      .where('id', '=', id)
      .where('locked_by', '=', workerId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  }

  async getCard(teamId: string, channelId: string, jobId: string, versionId: string): Promise<AlertCard | null> {
    const row = await this.#db
      .selectFrom('alert_cards')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('channel_id', '=', channelId)
      .where('job_id', '=', jobId)
      .where('version_id', '=', versionId)
      .executeTakeFirst();
    return row ? cardFromRow(row) : null;
  }

  async outboxDepth(): Promise<{ pending: number; dead: number }> {
    const rows = await this.#db
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

  async oldestDueOutboxRunAt(now: Date): Promise<Date | null> {
    const row = await this.#db
      .selectFrom('outbox')
      .select('run_at')
      .where('state', '=', 'pending')
      .where('run_at', '<=', now.getTime())
      .orderBy('run_at')
      .limit(1)
      .executeTakeFirst();
    return row ? toDate(row.run_at) : null;
  }

  async pruneOutbox(before: Date): Promise<number> {
    const result = await this.#db
      .deleteFrom('outbox')
      .where('state', 'in', ['sent', 'dead'])
      .where('created_at', '<', before.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async listOutbox(filter: { state?: OutboxRow['state']; channelId?: string } = {}): Promise<OutboxRow[]> {
    let query = this.#db.selectFrom('outbox').selectAll().orderBy('id');
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    if (filter.channelId !== undefined) query = query.where('channel_id', '=', filter.channelId);
    return (await query.execute()).map(outboxFromRow);
  }

  // ------------------------------------------------------------------------------------------------------ leases

  /**
   * Why one upsert: acquiring, renewing and taking over must be a single atomic step on both dialects, with no
   * read-then-write window in which two replicas could both see the lease free. INSERT covers "never held";
   * ON CONFLICT DO UPDATE ... WHERE covers "mine already" (renew) and "expired" (takeover); when the WHERE fails
   * nothing is written and RETURNING yields no row, which means "held by someone else". On Postgres, racing
   * inserts of a new lease serialise on the primary key and the loser re-evaluates the WHERE against the winner's
   * committed row; an update waits for a poll commit holding the row FOR SHARE (see #holdsLease).
   */
  async tryAcquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    const at = now.getTime();
    const row = await this.#db
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

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.#db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
  }

  // ------------------------------------------------------------------------------------------------- poll health

  async getPollHealth(projectId: string): Promise<PollHealth | null> {
    const row = await this.#db
      .selectFrom('poll_health')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row ? pollHealthFromRow(row) : null;
  }

  async savePollHealth(health: PollHealth): Promise<void> {
    await this.#db
      .insertInto('poll_health')
      .values({
        project_id: health.projectId,
        last_success_at: millisOrNull(health.lastSuccessAt),
        last_attempt_at: millisOrNull(health.lastAttemptAt),
        failing_since: millisOrNull(health.failingSince),
        last_error: health.lastError,
        warned_at: millisOrNull(health.warnedAt),
      })
      .onConflict((oc) =>
        oc.column('project_id').doUpdateSet((eb) => ({
          last_success_at: eb.ref('excluded.last_success_at'),
          last_attempt_at: eb.ref('excluded.last_attempt_at'),
          failing_since: eb.ref('excluded.failing_since'),
          last_error: eb.ref('excluded.last_error'),
          warned_at: eb.ref('excluded.warned_at'),
        })),
      )
      .execute();
  }

  rememberRequest(key: string, expiresAt: Date, now: Date): Promise<boolean> {
    return this.#requests.remember(key, expiresAt, now);
  }

  close(): Promise<void> {
    this.#closed ??= this.#db.destroy();
    return this.#closed;
  }
}
