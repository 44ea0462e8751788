/** The poller's public shapes and tuning; the loop is in poller.ts, one cycle in cycle.ts. */
import type { Logger } from 'pino';
import type { ModelArtsApi, TrainingApiAvailability } from '../modelarts/index.js';
import type { Store } from '../store/types.js';
import type { ObserveMode } from './observer.js';

export interface PollerTuning {
  /** Detail and log calls in flight at once when many versions change together. */
  detailConcurrency: number;
  /** Stay on the fallback path this long before probing the all-versions endpoint again. */
  fallbackRecheckMs: number;
  /** Longest wait between failing cycles. */
  maxBackoffMs: number;
  /** Versions-of-job calls per cycle spent on finding the job of an unmapped failed version. */
  maxMappingCallsPerCycle: number;
  /** Detail calls per cycle spent on dating first-seen fallback versions for project watches. */
  maxTimingCallsPerCycle: number;
  /** Cycles a version's alert may wait for a detail call that keeps failing transiently before it goes out without. */
  maxDetailDeferrals: number;
  /** Log lines attached to a failure alert. */
  logTailLines: number;
  /** Rows per all-versions request (0: `limit=0`, everything in one answer; see Observer). */
  statusPageSize: number;
  /** Sent and dead outbox rows older than this are deleted (by the lease holder, at most every pruneEveryMs). */
  outboxRetentionMs: number;
  pruneEveryMs: number;
  /** Re-probe interval of an API found missing, when the poller has to make its own availability. */
  apiReprobeMs: number;
}

export const DEFAULT_POLLER_TUNING: PollerTuning = {
  detailConcurrency: 8,
  fallbackRecheckMs: 15 * 60_000,
  maxBackoffMs: 5 * 60_000,
  maxMappingCallsPerCycle: 10,
  maxTimingCallsPerCycle: 20,
  maxDetailDeferrals: 3,
  logTailLines: 20,
  statusPageSize: 1000,
  outboxRetentionMs: 30 * 24 * 60 * 60_000,
  pruneEveryMs: 60 * 60_000,
  apiReprobeMs: 30 * 60_000,
};

export interface PollerDeps {
  modelarts: ModelArtsApi;
  store: Store;
  logger: Logger;
  now: () => Date;
  projectId: string;
  intervalSeconds: number;
  alertAfterMinutes: number;
  opsChannelId?: string | undefined;
  /** Workspace of the ops channel. */
  teamId: string;
  instanceId: string;
  /** Jitter source (tests pass a fixed one). */
  random?: () => number;
  tuning?: Partial<PollerTuning>;
  /**
   * Which training APIs the account has (shared with the Slack side, so both learn from each other's answers). Absent:
   * the poller keeps its own, asking both.
   */
  availability?: TrainingApiAvailability;
}

export type PollerRole = 'leader' | 'standby' | 'stopped';

export interface PollCycleResult {
  role: 'leader' | 'standby';
  ok: boolean;
  mode: ObserveMode | null;
  /** Versions observed this cycle (relevant to some watch or stored state). */
  observed: number;
  /** Versions whose status differs from the stored one (first sights included). */
  changes: number;
  /** Outbox rows the commit inserted (duplicates by key are not counted). */
  alertsQueued: number;
  /** Changes left for the next cycle because their detail call failed transiently. */
  deferred: number;
  /** ModelArts calls made, by facade method. */
  calls: Record<string, number>;
  error: string | null;
}

export interface PollerHealth {
  role: PollerRole;
  mode: ObserveMode;
  intervalSeconds: number;
  lastSuccessAt: string | null;
  /** Seconds since the last successful poll (by any replica). */
  lagSeconds: number | null;
  failingSince: string | null;
  lastError: string | null;
}

export interface Poller {
  start(): void;
  /** Stops the loop, waits for a running cycle and releases the lease. */
  stop(): Promise<void>;
  /** One cycle now (serialised with the loop). */
  runOnce(): Promise<PollCycleResult>;
  health(): PollerHealth;
}
