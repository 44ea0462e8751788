/**
 * The Store on Kysely: one code path for SQLite and PostgreSQL. Each table's statements live in their own repository
 * file as plain functions taking the database (or a transaction) first; this class composes them, and is where a
 * method that spans tables becomes one transaction.
 */
import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import { getCard, saveCard } from './alert-cards.js';
import { paceAfterSend } from './channel-pacing.js';
import { holdsLease, releaseLease, tryAcquireLease } from './leases.js';
import {
  insertOutboxRows,
  listOutbox,
  markOutboxDead,
  markOutboxRetry,
  markOutboxSent,
  oldestDueOutboxRunAt,
  outboxDepth,
  pruneOutbox,
  releaseClaims,
} from './outbox.js';
import { claimOutbox } from './outbox-claim.js';
import { getPollHealth, savePollHealth } from './poll-health.js';
import { RequestSignatures } from './request-signatures.js';
import { pruneStore } from './retention.js';
import type { Database } from './schema.js';
import type {
  AlertCard,
  ClaimOptions,
  NewOutboxRow,
  NewWatch,
  OutboxRow,
  PollCommit,
  PollHealth,
  PruneCounts,
  RunState,
  Store,
  Watch,
  WatchTarget,
} from './types.js';
import { getRunStates, upsertRunStates } from './version-states.js';
import {
  activeWatchesVersion,
  createWatch,
  deleteWatch,
  deleteWatches,
  disableChannelWatches,
  disableWatch,
  endWatch,
  getWatch,
  listActiveWatches,
  listUnendedWatches,
  updateWatchStatuses,
} from './watches.js';

/**
 * Which clock claims, leases, fences and pacing run on. `caller`: the `now` each call passes (one process, tests).
 * `database`: the database server's, so replicas whose clocks disagree (one 40 s ahead) or step (NTP) still agree on
 * who holds a claim or a lease and when a channel may send. A function: an injected clock (tests).
 */
export type StoreClock = 'caller' | 'database' | (() => Date);

export class KyselyStore implements Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly #db: Kysely<Database>;
  readonly #logger: Logger | undefined;
  readonly #requests: RequestSignatures;
  readonly #clock: StoreClock;
  #closed: Promise<void> | undefined;

  constructor(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', logger?: Logger, clock: StoreClock = 'caller') {
    this.#db = db;
    this.#requests = new RequestSignatures(db);
    this.dialect = dialect;
    this.#logger = logger;
    this.#clock = clock;
  }

  /** The time for coordination between replicas (see StoreClock); `given` is the caller's. */
  async #time(given: Date): Promise<Date> {
    if (this.#clock === 'caller') return given;
    if (typeof this.#clock === 'function') return this.#clock();
    // SQLite has no server: every process using the file runs on this host's clock.
    if (this.dialect === 'sqlite') return new Date();
    const { rows } = await sql<{
      ms: string | number;
    }>`select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as ms`.execute(this.#db);
    return new Date(Number(rows[0]?.ms));
  }

  // ---------------------------------------------------------------------------------------------------- watches

  createWatch(watch: NewWatch): Promise<{ watch: Watch; created: boolean }> {
    return createWatch(this.#db, watch);
  }

  deleteWatches(teamId: string, channelId: string, target: WatchTarget): Promise<number> {
    return deleteWatches(this.#db, teamId, channelId, target);
  }

  deleteWatch(id: number): Promise<boolean> {
    return deleteWatch(this.#db, id);
  }

  getWatch(id: number): Promise<Watch | null> {
    return getWatch(this.#db, id);
  }

  listChannelWatches(teamId: string, channelId: string): Promise<Watch[]> {
    return listUnendedWatches(this.#db, teamId, 'channel_id', channelId);
  }

  listUserWatches(teamId: string, userId: string): Promise<Watch[]> {
    return listUnendedWatches(this.#db, teamId, 'creator_user_id', userId);
  }

  listActiveWatches(projectId: string): Promise<Watch[]> {
    return listActiveWatches(this.#db, projectId);
  }

  activeWatchesVersion(projectId: string): Promise<string> {
    return activeWatchesVersion(this.#db, projectId);
  }

  endWatch(id: number, now: Date): Promise<void> {
    return endWatch(this.#db, id, now);
  }

  disableWatch(id: number, reason: string, now: Date): Promise<void> {
    return disableWatch(this.#db, id, reason, now);
  }

  disableChannelWatches(teamId: string, channelId: string, reason: string, now: Date): Promise<Watch[]> {
    return disableChannelWatches(this.#db, teamId, channelId, reason, now);
  }

  // ----------------------------------------------------------------------------------------------- poll cycles

  getRunStates(projectId: string): Promise<RunState[]> {
    return getRunStates(this.#db, projectId);
  }

  async commitPollCycle(commit: PollCommit): Promise<{ inserted: number } | null> {
    const now = commit.now.getTime();
    const fenceNow = commit.fence ? (await this.#time(commit.now)).getTime() : now;
    return this.#db.transaction().execute(async (trx) => {
      if (commit.fence && !(await holdsLease(trx, this.dialect, commit.fence, fenceNow))) {
        this.#logger?.debug({ lease: commit.fence.name }, 'poll commit rejected: lease no longer held');
        return null;
      }
      await upsertRunStates(trx, commit.projectId, commit.states);
      const inserted = await insertOutboxRows(trx, commit.alerts, now);
      await updateWatchStatuses(trx, commit.watchStatuses);
      return { inserted };
    });
  }

  // ------------------------------------------------------------------------------------------------------ outbox

  async enqueue(rows: NewOutboxRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const createdAt = Date.now();
    return this.#db.transaction().execute((trx) => insertOutboxRows(trx, rows, createdAt));
  }

  async claimOutbox(options: ClaimOptions): Promise<OutboxRow[]> {
    if (options.limit <= 0) return [];
    const now = await this.#time(options.now);
    return this.#db.transaction().execute((trx) => claimOutbox(trx, this.dialect, { ...options, now }));
  }

  async markSent(
    id: number,
    workerId: string,
    result: { ts: string | null; card?: AlertCard; now: Date },
  ): Promise<boolean> {
    const now = (await this.#time(result.now)).getTime();
    return this.#db.transaction().execute(async (trx) => {
      const channel = await markOutboxSent(trx, id, workerId, result.ts, now);
      if (!channel) return false;
      // Pace from the moment the send finished, not only from the claim: a slow post must not let the next one
      // follow right on its heels.
      await paceAfterSend(trx, channel, now);
      if (result.card) await saveCard(trx, result.card);
      return true;
    });
  }

  markRetry(id: number, workerId: string, result: { error: string; runAt: Date }): Promise<boolean> {
    return markOutboxRetry(this.#db, id, workerId, result);
  }

  releaseClaims(workerId: string, now: Date, limit: number): Promise<number> {
    return releaseClaims(this.#db, workerId, now, limit);
  }

  markDead(id: number, workerId: string, error: string, now: Date): Promise<boolean> {
    return markOutboxDead(this.#db, id, workerId, error, now);
  }

  getCard(teamId: string, channelId: string, jobId: string, versionId: string | null): Promise<AlertCard | null> {
    return getCard(this.#db, teamId, channelId, jobId, versionId);
  }

  outboxDepth(): Promise<{ pending: number; dead: number }> {
    return outboxDepth(this.#db);
  }

  oldestDueOutboxRunAt(now: Date): Promise<Date | null> {
    return oldestDueOutboxRunAt(this.#db, now);
  }

  pruneOutbox(before: Date): Promise<number> {
    return pruneOutbox(this.#db, before);
  }

  listOutbox(filter: { state?: OutboxRow['state']; channelId?: string } = {}): Promise<OutboxRow[]> {
    return listOutbox(this.#db, filter);
  }

  prune(before: Date, limit: number): Promise<PruneCounts> {
    return pruneStore(this.#db, before, limit);
  }

  // ------------------------------------------------------------------------------------------------------ leases

  async tryAcquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    return tryAcquireLease(this.#db, name, holder, ttlMs, await this.#time(now));
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return releaseLease(this.#db, name, holder);
  }

  // ------------------------------------------------------------------------------------------------- poll health

  getPollHealth(projectId: string): Promise<PollHealth | null> {
    return getPollHealth(this.#db, projectId);
  }

  savePollHealth(health: PollHealth): Promise<void> {
    return savePollHealth(this.#db, health);
  }

  // ----------------------------------------------------------------------------------------- request fingerprints

  rememberRequest(key: string, expiresAt: Date, now: Date): Promise<boolean> {
    return this.#requests.remember(key, expiresAt, now);
  }

  close(): Promise<void> {
    this.#closed ??= this.#db.destroy();
    return this.#closed;
  }
}
