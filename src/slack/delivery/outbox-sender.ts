/**
 * Delivers outbox rows to Slack. The store hands out at most one row per channel at a time and spaces a channel's
 * sends (about one per second, across every process), so a burst of alerts never trips chat.postMessage's
 * per-channel limit. This module is the claim loop: it keeps up to maxInFlight rows in flight (each in a different
 * channel), delivers each (deliver.ts) and records what became of it (outcomes.ts).
 *
 * The WebClient must not retry on its own (`retryConfig: {retries: 0}`, `rejectRateLimitedCalls: true`): a retry the
 * SDK makes behind our back is invisible to the outbox, and a 429 the SDK swallows pauses every other channel.
 * Here a 429 only moves the row's run_at (Slack did not post it, so nothing is duplicated), 5xx and network errors
 * back off exponentially with jitter, and permanent refusals disable the watch and tell its creator.
 */

import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { WorkerLoop } from '../../lib/worker-loop.js';
import type { ConsoleLinks } from '../../modelarts/index.js';
import type { OutboxRow, Store } from '../../store/types.js';
import { type Attempt, type Delivered, type DeliveryDeps, deliverRow } from './deliver.js';
import { type OutcomeDeps, recordFailure, recordSent, type SendOutcome } from './outcomes.js';

export type { SendOutcome } from './outcomes.js';

export interface OutboxSenderDeps {
  store: Store;
  /** Built with `retryConfig: {retries: 0}` and `rejectRateLimitedCalls: true` (the outbox owns retrying). */
  slack: WebClient;
  logger: Logger;
  now: () => Date;
  instanceId: string;
  /** Minimum gap between two sends to one channel, across processes (default 1000 ms: Slack's ~1 msg/s). */
  channelSpacingMs?: number;
  /** Rows in flight at once (each is a different channel; default 8). */
  maxInFlight?: number;
  /** How long a claim is exclusive; must exceed the WebClient's timeout (default 30 s). */
  claimLockMs?: number;
  /** The WebClient's per-call timeout (default 15 s): a second call for one row starts only if it fits in the claim. */
  slackCallTimeoutMs?: number;
  /** Wait between claims when nothing was due (default 250 ms). */
  idlePollMs?: number;
  /** Transient failures (5xx, network) before a row is given up (default 25, about a day of backoff). */
  maxAttempts?: number;
  /** How long Slack may refuse the bot token before rows die and their watches are disabled (default 1 h). */
  authGraceMs?: number;
  /** Retention window (RETENTION_DAYS): older sent rows, ended watches, unwatched states... are pruned. Unset: never. */
  retentionMs?: number;
  /** How often the loop runs a retention pass (default 10 minutes). */
  pruneEveryMs?: number;
  timeZone?: string;
  /** Console links for the alerts' Open job buttons; without it the buttons are left out. */
  consoleLinks?: ConsoleLinks;
  random?: () => number;
}

export interface SenderRunResult {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
}

export interface OutboxSender {
  start(): void;
  /** Stops claiming and waits for the posts in flight to finish and be recorded. */
  stop(): Promise<void>;
  /** Claims what is due now and delivers it (tests, tools). */
  runOnce(): Promise<SenderRunResult>;
  /** When Slack started refusing the bot token; null while it accepts it. */
  authFailingSince(): Date | null;
}

type Claimed = { row: OutboxRow; attempt: Attempt };

/** Rows released per statement after a restart. */
const RELEASE_BATCH = 500;

/** Rows a retention pass deletes per table at most: a pass stays short, a backlog is caught up over passes. */
const PRUNE_BATCH = 1000;

export function createOutboxSender(deps: OutboxSenderDeps): OutboxSender {
  const spacingMs = deps.channelSpacingMs ?? 1000;
  const maxInFlight = Math.max(1, deps.maxInFlight ?? 8);
  const lockMs = deps.claimLockMs ?? 30_000;
  const idleMs = deps.idlePollMs ?? 250;
  const { store, logger } = deps;
  const delivery: DeliveryDeps = {
    store,
    slack: deps.slack,
    logger,
    now: deps.now,
    timeZone: deps.timeZone ?? 'UTC',
    consoleLinks: deps.consoleLinks,
    lockMs,
    callTimeoutMs: deps.slackCallTimeoutMs ?? 15_000,
    bookkeepingMs: Math.min(5_000, lockMs / 6),
  };
  const outcomes: OutcomeDeps = {
    store,
    logger,
    now: deps.now,
    instanceId: deps.instanceId,
    maxAttempts: deps.maxAttempts ?? 25,
    random: deps.random ?? Math.random,
    authGraceMs: deps.authGraceMs ?? 3_600_000,
    auth: { failingSince: null },
  };

  const inFlight = new Set<Promise<void>>();
  /** Set by start(): the loop's first iteration releases what this instance id claimed before a restart. */
  let releasePending = false;

  async function claim(limit: number): Promise<Claimed[]> {
    const now = deps.now();
    const rows = await store.claimOutbox({
      workerId: deps.instanceId,
      now,
      limit,
      lockMs,
      channelSpacingMs: spacingMs,
    });
    // A row claimed before (attempts counts this claim too) may have been posted by that attempt: a timeout, a 5xx, a
    // crash between Slack's answer and markSent. Its channel is searched before it is posted again.
    return rows.map((row) => ({
      row,
      attempt: { claimedAtMs: now.getTime(), calls: 0, lookSince: row.attempts > 1 ? row.createdAt : null },
    }));
  }

  /** Whether the row's watch still wants it: alerts of a disabled or removed watch are dropped, not posted. */
  async function watchBlocks(row: OutboxRow): Promise<string | null> {
    if (row.watchId === null || row.kind === 'creator_notice' || row.kind === 'ops_notice') return null;
    const watch = await store.getWatch(row.watchId);
    if (!watch) return 'watch removed';
    if (watch.disabledAt) return `watch disabled: ${watch.disabledReason ?? 'unknown reason'}`;
    return null;
  }

  async function handleRow({ row, attempt }: Claimed): Promise<SendOutcome> {
    const blocked = await watchBlocks(row);
    if (blocked) {
      await store.markDead(row.id, deps.instanceId, blocked, deps.now());
      return 'dead';
    }
    let delivered: Delivered;
    try {
      delivered = await deliverRow(delivery, attempt, row);
    } catch (err) {
      return recordFailure(outcomes, row, err);
    }
    await recordSent(outcomes, row, delivered);
    return 'sent';
  }

  async function processSafely(claimed: Claimed): Promise<SendOutcome> {
    try {
      return await handleRow(claimed);
    } catch (err) {
      // Store trouble while recording: the claim expires and the row is tried again later.
      logger.error({ err, rowId: claimed.row.id }, 'outbox bookkeeping failed');
      return 'retry';
    }
  }

  async function runOnce(): Promise<SenderRunResult> {
    const rows = await claim(maxInFlight);
    const results = await Promise.all(rows.map(processSafely));
    return {
      claimed: rows.length,
      sent: results.filter((o) => o === 'sent').length,
      retried: results.filter((o) => o === 'retry').length,
      dead: results.filter((o) => o === 'dead').length,
    };
  }

  /**
   * Rows this instance id claimed before it died (a restart with a stable INSTANCE_ID, e.g. a StatefulSet pod) are
   * released at once instead of waiting for their lock to expire. markRetry only touches rows locked by us.
   */
  async function releaseOwnClaims(): Promise<void> {
    let released = 0;
    for (;;) {
      const n = await store.releaseClaims(deps.instanceId, deps.now(), RELEASE_BATCH);
      released += n;
      if (n < RELEASE_BATCH) break;
      // Batched, yielding between batches: the event loop keeps serving Slack while a large backlog is released.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (released > 0) logger.warn({ released }, 'released outbox rows claimed by this instance before a restart');
  }

  let lastPruneAt = Number.NEGATIVE_INFINITY;
  async function pruneIfDue(): Promise<void> {
    const every = deps.pruneEveryMs ?? 10 * 60_000;
    if (deps.retentionMs === undefined || Date.now() - lastPruneAt < every) return;
    lastPruneAt = Date.now();
    try {
      const pruned = await store.prune(new Date(deps.now().getTime() - deps.retentionMs), PRUNE_BATCH);
      if (Object.values(pruned).some((n) => n > 0)) logger.info({ pruned }, 'retention pass');
    } catch (err) {
      logger.warn({ err }, 'retention pass failed; tried again later');
    }
  }

  /**
   * One turn of the loop: with every slot taken, wait for a post to finish; otherwise claim what fits and start
   * delivering it without waiting. Resolves to how many rows it claimed (-1: it only waited for a free slot).
   */
  async function fill(): Promise<number> {
    await pruneIfDue();
    if (releasePending) {
      releasePending = false;
      await releaseOwnClaims().catch((err: unknown) => logger.error({ err }, 'releasing earlier claims failed'));
    }
    if (inFlight.size >= maxInFlight) {
      await Promise.race(inFlight);
      return -1;
    }
    const rows = await claim(maxInFlight - inFlight.size);
    for (const row of rows) {
      const p: Promise<void> = processSafely(row).then(() => {
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    return rows.length;
  }

  const loop = new WorkerLoop<number>({
    run: fill,
    // Go on at once while there is work or a slot just came free; when nothing was due, wait a little.
    pace: (claimed) => ({ ok: true, waitMs: claimed === 0 ? idleMs : 0 }),
    onError: (err) => logger.error({ err }, 'claiming outbox rows failed'),
    // A failed claim (the store is unreachable) waits like an idle turn, longer while it keeps failing.
    backoff: { initialMs: idleMs, maxMs: Math.max(idleMs, 5_000) },
    random: outcomes.random,
  });

  return {
    start() {
      if (loop.state === 'active') return;
      releasePending = true;
      loop.start();
    },
    async stop() {
      await loop.stop();
      await Promise.all(inFlight);
    },
    runOnce,
    authFailingSince: () => outcomes.auth.failingSince,
  };
}
