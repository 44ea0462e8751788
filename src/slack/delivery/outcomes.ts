/**
 * What became of a row's delivery, written back to the store: sent (with the card it posted), retried later (a 429
 * only moves run_at, 5xx and network errors back off exponentially with jitter), or dead, and when Slack refused for
 * good, the watches it concerns disabled and their creators told.
 */
import type { Logger } from 'pino';
import { creatorNoticeRow } from '../../alerts/rows.js';
import type { OutboxRow, Store, Watch } from '../../store/types.js';
import { classifySlackError, isSlackApiError, type SlackFailure } from '../slack-errors.js';
import { ClaimExpiringError, type Delivered, UndeliverableRowError } from './deliver.js';

export type SendOutcome = 'sent' | 'retry' | 'dead';

export interface OutcomeDeps {
  store: Store;
  logger: Logger;
  now: () => Date;
  instanceId: string;
  /** Transient failures before a row is given up. */
  maxAttempts: number;
  random: () => number;
  /** How long Slack may refuse the token (invalid_auth, token_revoked, ...) before rows die and watches are disabled. */
  authGraceMs: number;
  /** Shared by every row of this sender: when Slack started refusing the token (null while it accepts it). */
  auth: { failingSince: Date | null };
}

export async function recordSent(deps: OutcomeDeps, row: OutboxRow, delivered: Delivered): Promise<void> {
  const { ts, card } = delivered;
  const now = deps.now();
  // The row names the run its card is for (a v2 job has no version id), unless the card is kept under its own key.
  const key =
    delivered.cardKey ??
    (ts !== null && row.jobId !== null ? { jobId: row.jobId, versionId: row.versionId, ts } : null);
  const result =
    card && key !== null
      ? {
          ts,
          now,
          card: {
            teamId: row.teamId,
            channelId: row.channelId,
            jobId: key.jobId,
            versionId: key.versionId,
            ts: key.ts,
            updatedAt: now,
          },
        }
      : { ts, now };
  if (deps.auth.failingSince) {
    deps.logger.info({ since: deps.auth.failingSince.toISOString() }, 'Slack accepts the bot token again');
    deps.auth.failingSince = null;
  }
  // The post happened: recording it is what keeps it from being posted twice, so insist a little.
  for (let attempt = 1; ; attempt++) {
    try {
      const ok = await deps.store.markSent(row.id, deps.instanceId, result);
      if (!ok) deps.logger.warn({ rowId: row.id }, 'outbox row was taken over while posting; it may be posted twice');
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      await sleep(100 * 2 ** attempt);
    }
  }
}

export async function recordFailure(deps: OutcomeDeps, row: OutboxRow, err: unknown): Promise<SendOutcome> {
  const { store, logger, instanceId } = deps;
  const now = deps.now();
  if (err instanceof ClaimExpiringError) {
    await store.markRetry(row.id, instanceId, { error: 'claim expiring', runAt: now });
    logger.info({ rowId: row.id }, 'claim nearly expired between Slack calls; row released for a fresh attempt');
    return 'retry';
  }
  if (err instanceof UndeliverableRowError) {
    // The payload itself cannot become a message: retrying the same row cannot help.
    logger.error({ err, rowId: row.id, kind: row.kind }, 'outbox row could not be delivered');
    await store.markDead(row.id, instanceId, `internal: ${err.message}`, now);
    return 'dead';
  }
  // Everything else is retried (bounded by maxAttempts): the SDK's plain Error for a 429 without a usable
  // Retry-After, a timeout, a store hiccup while looking up the card. Dropping it would lose the alert.
  if (!isSlackApiError(err)) logger.warn({ err, rowId: row.id }, 'unexpected failure while delivering; will retry');
  const failure = classifySlackError(err);
  if (failure.kind === 'rate_limited') {
    const runAt = new Date(now.getTime() + failure.retryAfterMs + Math.floor(deps.random() * 250));
    await store.markRetry(row.id, instanceId, { error: failure.reason, runAt });
    logger.info({ rowId: row.id, retryAfterMs: failure.retryAfterMs }, 'Slack rate limited; row rescheduled');
    return 'retry';
  }
  if (failure.kind === 'account' && withinAuthGrace(deps, failure.reason, now)) {
    await store.markRetry(row.id, instanceId, { error: failure.reason, runAt: backoff(deps, row, now, 5 * 60_000) });
    return 'retry';
  }
  if (failure.kind === 'transient') {
    if (row.attempts >= deps.maxAttempts) {
      await store.markDead(row.id, instanceId, `gave up after ${row.attempts} attempts: ${failure.reason}`, now);
      logger.error({ rowId: row.id, reason: failure.reason }, 'outbox row given up');
      return 'dead';
    }
    await store.markRetry(row.id, instanceId, { error: failure.reason, runAt: backoff(deps, row, now, 10 * 60_000) });
    logger.warn({ rowId: row.id, reason: failure.reason, attempts: row.attempts }, 'Slack call failed; will retry');
    return 'retry';
  }
  await store.markDead(row.id, instanceId, failure.reason, now);
  if (failure.kind === 'rejected') {
    logger.error({ rowId: row.id, kind: row.kind, reason: failure.reason }, 'Slack rejected the message; dropped');
    return 'dead';
  }
  // Notices about notices would loop: a failed creator or ops notice is only recorded.
  if (row.kind !== 'creator_notice' && row.kind !== 'ops_notice') await disableFor(deps, row, failure);
  return 'dead';
}

/** Full jitter over an exponential ceiling: 1 s, 2 s, 4 s … capped at `maxMs`. */
function backoff(deps: OutcomeDeps, row: OutboxRow, now: Date, maxMs: number): Date {
  const ceiling = Math.min(maxMs, 1000 * 2 ** Math.min(20, Math.max(0, row.attempts - 1)));
  return new Date(now.getTime() + Math.max(200, Math.floor(deps.random() * ceiling)));
}

/**
 * A refused token is usually an operator's mistake being fixed (a rotation an hour late, a reinstall): rows wait for
 * it, with backoff, for the grace period, and only then die and disable their watches. The operator hears of it once
 * per streak here, and through the sender's authFailingSince (a metric and the readiness check).
 */
function withinAuthGrace(deps: OutcomeDeps, reason: string, now: Date): boolean {
  if (!deps.auth.failingSince) {
    deps.auth.failingSince = now;
    deps.logger.error(
      { reason, graceSeconds: Math.round(deps.authGraceMs / 1000) },
      'Slack refuses the bot token; alerts are held and retried until it is fixed or SLACK_AUTH_GRACE_SECONDS pass',
    );
  }
  return now.getTime() - deps.auth.failingSince.getTime() < deps.authGraceMs;
}

async function disableFor(deps: OutcomeDeps, row: OutboxRow, failure: SlackFailure): Promise<void> {
  const { store } = deps;
  const now = deps.now();
  const reason = failure.reason;
  let disabled: Watch[] = [];
  if (failure.kind === 'channel') {
    disabled = await store.disableChannelWatches(row.teamId, row.channelId, reason, now);
  } else if (row.watchId !== null) {
    const before = await store.getWatch(row.watchId);
    if (before && !before.disabledAt) {
      await store.disableWatch(row.watchId, reason, now);
      disabled = [before];
    }
  }
  if (disabled.length > 0) {
    await store.enqueue(disabled.map((w) => creatorNoticeRow(w, reason, now)));
    deps.logger.warn(
      { channelId: row.channelId, reason, watches: disabled.map((w) => w.id) },
      'Slack refused delivery for good; watches disabled and their creators told',
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
