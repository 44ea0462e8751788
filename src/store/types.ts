/**
 * The store's contract: domain methods, no SQL. One implementation (Kysely) serves SQLite and PostgreSQL.
 * Nothing here knows about Slack's SDK or the ModelArts client; ids and statuses are plain strings.
 *
 * A run is named by a job id and a version id: a v1 job version has both (decimal digits), a v2 job has a UUID job id
 * and no version (`versionId: null`). A status is its key (`RunStatus.key` above this layer): the v1 code in decimal
 * digits (`"11"`) or the v2 phase (`"Failed"`).
 */

/** Which terminal outcomes a watch alerts on. `default` means: every terminal state for job and version
 * watches, failures only for project-wide watches. */
export type WatchFilter = 'default' | 'failed' | 'completed' | 'cancelled' | 'all';

/** A run (a v1 job version, or a v2 job: versionId null), a v1 job with all its versions, or the whole project. */
export type WatchTarget =
  | { kind: 'run'; jobId: string; versionId: string | null }
  | { kind: 'job'; jobId: string }
  | { kind: 'project' };

export interface Watch {
  id: number;
  teamId: string;
  channelId: string;
  projectId: string;
  creatorUserId: string;
  target: WatchTarget;
  filter: WatchFilter;
  createdAt: Date;
  /** Set when a run watch has delivered its terminal alert; an ended watch is no longer active. */
  endedAt: Date | null;
  /** Set when Slack refused delivery for good (channel_not_found, is_archived, ...). Kept, not deleted. */
  disabledAt: Date | null;
  disabledReason: string | null;
  /** Last status key seen for the watched target (for job/project watches: of the latest alerted run). */
  lastStatus: string | null;
}

export interface NewWatch {
  teamId: string;
  channelId: string;
  projectId: string;
  creatorUserId: string;
  target: WatchTarget;
  filter: WatchFilter;
  now: Date;
}

/** Last-seen state of one run, persisted so a change that happened while we were down is still seen. */
export interface RunState {
  projectId: string;
  jobId: string;
  /** Null for a v2 job. */
  versionId: string | null;
  /** The status key. */
  status: string;
  jobName: string | null;
  versionName: string | null;
  updatedAt: Date;
}

/** What an outbox row asks the sender to do. */
export type OutboxKind =
  /** Post the alert card, or edit it in place (chat.update) when the card already exists. */
  | 'card'
  /** Reply in the card's thread with the terminal outcome (it stays in the thread). */
  | 'terminal_reply'
  /**
   * A project-wide failure watch: one standalone message per failed version, or, in a burst (alerts/flood.ts), the
   * burst's summary (edited in place, kept as a card under FLOOD_CARD) with this failure in its thread.
   */
  | 'project_failure'
  /** Operator notices (polling failing / recovered) to OPS_CHANNEL_ID. */
  | 'ops_notice'
  /** Tell a watch's creator that the watch was disabled and why (ephemeral or DM). */
  | 'creator_notice';

export interface NewOutboxRow {
  teamId: string;
  channelId: string;
  /** Unique per (team, channel, run, event): inserting the same key twice is a no-op. */
  dedupeKey: string;
  kind: OutboxKind;
  watchId: number | null;
  jobId: string | null;
  versionId: string | null;
  /** Everything the sender needs to render the message; JSON-serialisable. */
  payload: unknown;
  runAt: Date;
}

export interface OutboxRow extends NewOutboxRow {
  id: number;
  attempts: number;
  state: 'pending' | 'sent' | 'dead';
  lastError: string | null;
  slackTs: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** The durable card a channel has for one run: edits and thread replies target this ts. */
export interface AlertCard {
  teamId: string;
  channelId: string;
  jobId: string;
  /** Null for a v2 job. */
  versionId: string | null;
  ts: string;
  updatedAt: Date;
}

export interface PollHealth {
  projectId: string;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
  /** First failure of the current failing streak; null while polling succeeds. */
  failingSince: Date | null;
  lastError: string | null;
  /** When the "polling is failing" ops notice was queued for the current streak. */
  warnedAt: Date | null;
}

/** Lease used as a fencing token: a write guarded by it commits only while `holder` still holds `name`. */
export interface LeaseFence {
  name: string;
  holder: string;
}

export interface PollCommit {
  projectId: string;
  now: Date;
  /** Last-seen states to upsert (only the runs that changed or are new). */
  states: RunState[];
  /** Alerts caused by those changes; duplicates by dedupeKey are ignored. */
  alerts: NewOutboxRow[];
  /** Watches to update with the status they last saw. */
  watchStatuses: Array<{ watchId: number; status: string }>;
  /** When set, nothing is written unless this lease is still held: a process that lost its lease cannot commit. */
  fence?: LeaseFence;
}

export interface ClaimOptions {
  workerId: string;
  now: Date;
  limit: number;
  /** How long a claim is exclusive; a claim older than this is taken over (crash recovery). */
  lockMs: number;
  /** Minimum spacing between two sends to the same channel, across all processes. */
  channelSpacingMs: number;
}

export interface PruneCounts {
  outbox: number;
  watches: number;
  versionStates: number;
  alertCards: number;
  channelPacing: number;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';

  // Watches
  /** Creates the watch, or returns the existing active one for the same channel, target and filter. */
  createWatch(watch: NewWatch): Promise<{ watch: Watch; created: boolean }>;
  /** Deletes the channel's watches on that target; returns how many were removed. */
  deleteWatches(teamId: string, channelId: string, target: WatchTarget): Promise<number>;
  /** Deletes one watch (an Unwatch button names exactly one); returns whether it existed. */
  deleteWatch(id: number): Promise<boolean>;
  getWatch(id: number): Promise<Watch | null>;
  listChannelWatches(teamId: string, channelId: string): Promise<Watch[]>;
  listUserWatches(teamId: string, userId: string): Promise<Watch[]>;
  /** Watches that neither ended nor are disabled, across all channels, for one project. */
  listActiveWatches(projectId: string): Promise<Watch[]>;
  /** Changes whenever the project's active watches do (one cheap query; the poller re-lists only then). */
  activeWatchesVersion(projectId: string): Promise<string>;
  /** Ends a run watch after its terminal alert went out. */
  endWatch(id: number, now: Date): Promise<void>;
  disableWatch(id: number, reason: string, now: Date): Promise<void>;
  /** Disables every active watch of a channel (Slack said the channel is gone); returns the watches disabled. */
  disableChannelWatches(teamId: string, channelId: string, reason: string, now: Date): Promise<Watch[]>;

  // Run states
  getRunStates(projectId: string): Promise<RunState[]>;

  /** Writes new states, alerts and watch statuses in one transaction. Returns how many outbox rows were inserted
   * (0 for duplicates), or `null` when the fence lease is no longer held and nothing was written. */
  commitPollCycle(commit: PollCommit): Promise<{ inserted: number } | null>;

  // Outbox
  /** Queues rows outside a poll cycle (e.g. the first card when a watch starts); duplicates are ignored. */
  enqueue(rows: NewOutboxRow[]): Promise<number>;
  /** Claims due pending rows: per (team, channel) only the oldest pending row, only if no other row of that
   * channel is currently claimed and the channel's spacing has passed. Postgres uses FOR UPDATE SKIP LOCKED. */
  claimOutbox(options: ClaimOptions): Promise<OutboxRow[]>;
  /** Marks a claimed row sent, stores Slack's ts and, for a card post, the card. Only the claim holder may. */
  markSent(id: number, workerId: string, result: { ts: string | null; card?: AlertCard; now: Date }): Promise<boolean>;
  /** Releases a claimed row for a later attempt. */
  markRetry(id: number, workerId: string, result: { error: string; runAt: Date }): Promise<boolean>;
  /** Releases up to `limit` pending rows still claimed by `workerId` (after a restart) for an attempt at `now`;
   * returns how many. Call until it returns less than `limit`. */
  releaseClaims(workerId: string, now: Date, limit: number): Promise<number>;
  /** Gives up on a row for good. */
  markDead(id: number, workerId: string, error: string, now: Date): Promise<boolean>;
  getCard(teamId: string, channelId: string, jobId: string, versionId: string | null): Promise<AlertCard | null>;
  outboxDepth(): Promise<{ pending: number; dead: number }>;
  /** run_at of the oldest pending row that is due by `now` (waiting to be posted); null when none is due. One index
   * step (migration 0002), cheap enough for every readiness probe. */
  oldestDueOutboxRunAt(now: Date): Promise<Date | null>;
  /** Deletes sent and dead rows created before `before`; returns how many. Sent rows double as the record of what
   * was posted (their dedupe keys), so keep a window far longer than any poll or retry could re-derive a row. */
  pruneOutbox(before: Date): Promise<number>;
  listOutbox(filter?: { state?: OutboxRow['state']; channelId?: string }): Promise<OutboxRow[]>;
  /** One retention pass (retention.ts): deletes at most `limit` rows per table of what is older than `before` and
   * no longer needed; returns how many per table. */
  prune(before: Date, limit: number): Promise<PruneCounts>;

  // Leases (one poller per project across replicas)
  /** Takes the lease if free or expired, or renews it if `holder` already has it. */
  tryAcquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;

  // Poll health
  getPollHealth(projectId: string): Promise<PollHealth | null>;
  savePollHealth(health: PollHealth): Promise<void>;

  // Request fingerprints (replay protection across replicas)
  /** Records `key` until `expiresAt`; false when it is already recorded and unexpired (a repeat). Expired records
   * are pruned as it goes. */
  rememberRequest(key: string, expiresAt: Date, now: Date): Promise<boolean>;

  close(): Promise<void>;
}
