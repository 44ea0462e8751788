/**
 * Delivers outbox rows to Slack. The store hands out at most one row per channel at a time and spaces a channel's
 * sends (about one per second, across every process), so a burst of alerts never trips chat.postMessage's
 * per-channel limit; this module renders, posts, records the result and decides what a failure means.
 *
 * The WebClient must not retry on its own (`retryConfig: {retries: 0}`, `rejectRateLimitedCalls: true`): a retry the
 * SDK makes behind our back is invisible to the outbox, and a 429 the SDK swallows pauses every other channel.
 * Here a 429 only moves the row's run_at (Slack did not post it, so nothing is duplicated), 5xx and network errors
 * back off exponentially with jitter, and permanent refusals disable the watch and tell its creator.
 */

import type { KnownBlock, MessageMetadata } from '@slack/types';
import {
  type ChatPostMessageArguments,
  ErrorCode,
  type WebAPICallError,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  type WebClient,
} from '@slack/web-api';
import type { Logger } from 'pino';
import { type JobAlert, parseJobAlert } from '../../alerts/index.js';
import { type CreatorNoticePayload, creatorNoticeRow, type OpsNoticePayload } from '../../alerts/rows.js';
import type { OutboxRow, Store, Watch } from '../../store/types.js';
import {
  isBroadcastReply,
  type Message,
  type RenderContext,
  renderAlertCard,
  renderOpsNotice,
  renderProjectFailure,
  renderTerminalReply,
} from '../blocks/index.js';
import { describeWatchTarget } from '../blocks/watches.js';
import { slackPlatformSentence } from '../errors.js';
import { escapeMrkdwn } from '../mrkdwn.js';

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
  timeZone?: string;
  consoleUrl?: RenderContext['consoleUrl'];
  random?: () => number;
}

export type SendOutcome = 'sent' | 'retry' | 'dead';

interface PostArgs {
  channel: string;
  text: string;
  blocks?: KnownBlock[];
  metadata?: MessageMetadata;
  thread_ts?: string;
  reply_broadcast?: boolean;
  unfurl_links?: boolean;
  unfurl_media?: boolean;
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
}

/** What a Slack failure means for the row. */
export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; reason: string }
  | { kind: 'transient'; reason: string }
  /** The channel cannot take posts any more: every watch of the channel is disabled. */
  | { kind: 'channel'; reason: string }
  /** The bot's token or account is refused: the row's watch is disabled. */
  | { kind: 'account'; reason: string }
  /** This message will never be accepted (our payload); the row is dropped, the watch kept. */
  | { kind: 'rejected'; reason: string };

const CHANNEL_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'channel_is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'cannot_post_in_channel',
  'ekm_access_denied',
  'team_access_not_granted',
]);
const ACCOUNT_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'org_login_required',
  'team_disabled',
]);
const TRANSIENT_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'timeout',
  'ratelimited',
  'rate_limited',
]);
/** chat.update cannot edit the card any more: post a fresh one. */
const CARD_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed', 'msg_too_old']);
const METADATA_ERRORS = new Set(['invalid_metadata_format', 'invalid_metadata_schema', 'metadata_too_large']);

export function classifySlackError(err: unknown): SlackFailure {
  if (err instanceof WebAPIRateLimitedError) {
    return { kind: 'rate_limited', retryAfterMs: Math.max(1, err.retryAfter) * 1000, reason: 'ratelimited' };
  }
  if (err instanceof WebAPIHTTPError) {
    if (err.statusCode === 429) {
      const after = Number(err.headers['retry-after']);
      return {
        kind: 'rate_limited',
        retryAfterMs: Number.isFinite(after) && after > 0 ? after * 1000 : 1000,
        reason: 'http_429',
      };
    }
    if (err.statusCode >= 500 || err.statusCode === 408) return { kind: 'transient', reason: `http_${err.statusCode}` };
    return { kind: 'rejected', reason: `http_${err.statusCode}` };
  }
  if (err instanceof WebAPIRequestError) return { kind: 'transient', reason: 'network_error' };
  if (err instanceof WebAPIPlatformError) {
    const code = err.data.error;
    if (CHANNEL_ERRORS.has(code)) return { kind: 'channel', reason: code };
    if (ACCOUNT_ERRORS.has(code)) return { kind: 'account', reason: code };
    if (TRANSIENT_ERRORS.has(code)) return { kind: 'transient', reason: code };
    return { kind: 'rejected', reason: code };
  }
  // A timeout of the SDK's own fetch or anything unexpected below it: the post may or may not have happened; retrying
  // risks one duplicate, not retrying risks a loss, and the outbox promises no losses.
  return { kind: 'transient', reason: err instanceof Error ? err.name : 'unknown_error' };
}

function platformCode(err: unknown): string | null {
  return err instanceof WebAPIPlatformError ? err.data.error : null;
}

function isSlackError(err: unknown): err is WebAPICallError {
  return (
    err instanceof Error &&
    'code' in err &&
    [ErrorCode.PlatformError, ErrorCode.HTTPError, ErrorCode.RequestError, ErrorCode.RateLimitedError].includes(
      (err as { code: ErrorCode }).code,
    )
  );
}

/** A row this code cannot turn into a message (corrupt payload, renderer bug): retrying cannot help. */
class UndeliverableRowError extends Error {
  override name = 'UndeliverableRowError';
}

/**
 * The claim would expire before the next Slack call for a row could finish: another sender could then claim the row
 * and post it too. Nothing was posted yet in this attempt (only a failed call precedes a second one), so the row is
 * released for an immediate retry instead.
 */
class ClaimExpiringError extends Error {
  override name = 'ClaimExpiringError';
}

/** One row's delivery attempt: when it was claimed and how many Slack calls it made. */
interface Attempt {
  claimedAtMs: number;
  calls: number;
}

/**
 * Renders, turning a renderer's exception into UndeliverableRowError: only that is final. Anything else thrown while
 * delivering (the store looking up the card, the SDK's plain Error for a 429 without Retry-After) is retried.
 */
function render(build: () => Message): Message {
  try {
    return build();
  } catch (err) {
    throw new UndeliverableRowError(`rendering failed: ${err instanceof Error ? err.name : 'error'}`, { cause: err });
  }
}

function postArgs(channel: string, message: Message): PostArgs {
  return {
    channel,
    text: message.text,
    blocks: message.blocks,
    ...(message.metadata ? { metadata: message.metadata } : {}),
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** The disabled-watch notice. Channel ids are Slack's own (`<#C…>` renders the name); reasons are Slack's codes. */
export function creatorNoticeMessage(p: CreatorNoticePayload): Message {
  const channel = /^[A-Z0-9]{2,40}$/.test(p.channelId) ? `<#${p.channelId}>` : escapeMrkdwn(p.channelId);
  const why = slackPlatformSentence(p.reason, undefined) ?? `Slack refused the alert (\`${escapeMrkdwn(p.reason)}\`).`;
  const text =
    `:warning: I stopped posting alerts for ${escapeMrkdwn(describeWatchTarget(p.target, p.projectId))} to ${channel}. ${why} ` +
    'The watch is kept but disabled: `/modelarts watches` in that channel shows it; fix the channel and run ' +
    '`/modelarts watch …` again to restart it.';
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function createOutboxSender(deps: OutboxSenderDeps): OutboxSender {
  const spacingMs = deps.channelSpacingMs ?? 1000;
  const maxInFlight = Math.max(1, deps.maxInFlight ?? 8);
  const lockMs = deps.claimLockMs ?? 30_000;
  const callTimeoutMs = deps.slackCallTimeoutMs ?? 15_000;
  /** Left for recording the result (markSent retries) after the last call. */
  const bookkeepingMs = Math.min(5_000, lockMs / 6);
  const idleMs = deps.idlePollMs ?? 250;
  const maxAttempts = deps.maxAttempts ?? 25;
  const random = deps.random ?? Math.random;
  const { store, slack, logger } = deps;

  const inFlight = new Set<Promise<void>>();
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  const ctx = (projectId: string): RenderContext => ({
    now: deps.now(),
    timeZone: deps.timeZone ?? 'UTC',
    projectId,
    ...(deps.consoleUrl ? { consoleUrl: deps.consoleUrl } : {}),
  });

  async function claim(limit: number): Promise<Array<{ row: OutboxRow; attempt: Attempt }>> {
    const now = deps.now();
    const rows = await store.claimOutbox({
      workerId: deps.instanceId,
      now,
      limit,
      lockMs,
      channelSpacingMs: spacingMs,
    });
    return rows.map((row) => ({ row, attempt: { claimedAtMs: now.getTime(), calls: 0 } }));
  }

  /** Every Slack call of a row goes through here: a call after the first must fit in what is left of the claim. */
  function call<T>(attempt: Attempt, fn: () => Promise<T>): Promise<T> {
    const leftMs = attempt.claimedAtMs + lockMs - deps.now().getTime();
    if (attempt.calls > 0 && leftMs < callTimeoutMs + bookkeepingMs) {
      return Promise.reject(new ClaimExpiringError('not enough claim time left for another Slack call'));
    }
    attempt.calls++;
    return fn();
  }

  /** Posts a message; a payload refused for its metadata alone is sent again without it rather than lost. */
  async function post(attempt: Attempt, args: PostArgs): Promise<string | null> {
    try {
      const res = await call(attempt, () => slack.chat.postMessage(args as ChatPostMessageArguments));
      return typeof res.ts === 'string' ? res.ts : null;
    } catch (err) {
      const code = platformCode(err);
      if (code && METADATA_ERRORS.has(code) && args.metadata) {
        logger.warn({ code }, 'Slack refused the message metadata; posting without it');
        const { metadata: _dropped, ...rest } = args;
        return post(attempt, rest);
      }
      if (code === 'thread_not_found' && args.thread_ts) {
        // The card was deleted: the reply goes to the channel on its own.
        const { thread_ts: _t, reply_broadcast: _b, ...rest } = args;
        return post(attempt, rest);
      }
      throw err;
    }
  }

  async function deliverCard(
    attempt: Attempt,
    row: OutboxRow,
    alert: JobAlert,
  ): Promise<{ ts: string | null; card: boolean }> {
    const message = render(() => renderAlertCard(alert, ctx(alert.projectId)));
    const existing = await store.getCard(row.teamId, row.channelId, alert.jobId, alert.versionId);
    if (existing) {
      try {
        await call(attempt, () =>
          slack.chat.update({
            channel: row.channelId,
            ts: existing.ts,
            text: message.text,
            blocks: message.blocks,
            ...(message.metadata ? { metadata: message.metadata } : {}),
          }),
        );
        return { ts: existing.ts, card: true };
      } catch (err) {
        const code = platformCode(err);
        if (!code || !CARD_GONE.has(code)) throw err;
        logger.info({ rowId: row.id, code }, 'card cannot be edited any more; posting a new one');
      }
    }
    const ts = await post(attempt, postArgs(row.channelId, message));
    return { ts, card: ts !== null };
  }

  async function deliverThreadReply(attempt: Attempt, row: OutboxRow, alert: JobAlert): Promise<string | null> {
    const message = render(() => renderTerminalReply(alert, ctx(alert.projectId)));
    const card = await store.getCard(row.teamId, row.channelId, alert.jobId, alert.versionId);
    // Without a card (it was never posted, or its row died) the outcome still reaches the channel, on its own.
    return post(attempt, {
      ...postArgs(row.channelId, message),
      ...(card ? { thread_ts: card.ts, ...(isBroadcastReply(alert) ? { reply_broadcast: true } : {}) } : {}),
    });
  }

  async function deliverCreatorNotice(attempt: Attempt, p: CreatorNoticePayload): Promise<string | null> {
    const message = render(() => creatorNoticeMessage(p));
    try {
      const res = await call(attempt, () =>
        slack.chat.postEphemeral({ channel: p.channelId, user: p.userId, text: message.text, blocks: message.blocks }),
      );
      return typeof res.message_ts === 'string' ? res.message_ts : null;
    } catch (err) {
      // The channel is usually the broken thing: a DM reaches the creator anyway.
      if (!(err instanceof WebAPIPlatformError)) throw err;
      return post(attempt, postArgs(p.userId, message));
    }
  }

  async function deliver(attempt: Attempt, row: OutboxRow): Promise<{ ts: string | null; card: boolean }> {
    if (row.kind === 'ops_notice') {
      const p = row.payload as OpsNoticePayload;
      const message = render(() =>
        renderOpsNotice(
          { kind: p.kind, since: new Date(p.since), error: p.error, projectId: p.projectId },
          ctx(p.projectId),
        ),
      );
      return { ts: await post(attempt, postArgs(row.channelId, message)), card: false };
    }
    if (row.kind === 'creator_notice') {
      return { ts: await deliverCreatorNotice(attempt, row.payload as CreatorNoticePayload), card: false };
    }
    const alert = parseJobAlert(row.payload);
    if (!alert) throw new UndeliverableRowError('the payload is not a job alert');
    switch (row.kind) {
      case 'card':
        return deliverCard(attempt, row, alert);
      case 'terminal_reply':
        return { ts: await deliverThreadReply(attempt, row, alert), card: false };
      case 'project_failure': {
        const message = render(() => renderProjectFailure(alert, ctx(alert.projectId)));
        return { ts: await post(attempt, postArgs(row.channelId, message)), card: false };
      }
    }
  }

  /** Whether the row's watch still wants it: alerts of a disabled or removed watch are dropped, not posted. */
  async function watchBlocks(row: OutboxRow): Promise<string | null> {
    if (row.watchId === null || row.kind === 'creator_notice' || row.kind === 'ops_notice') return null;
    const watch = await store.getWatch(row.watchId);
    if (!watch) return 'watch removed';
    if (watch.disabledAt) return `watch disabled: ${watch.disabledReason ?? 'unknown reason'}`;
    return null;
  }

  async function recordSent(row: OutboxRow, ts: string | null, card: boolean): Promise<void> {
    const now = deps.now();
    const alert = row.payload as Pick<JobAlert, 'jobId' | 'versionId'>;
    const result =
      card && ts !== null && row.jobId !== null && row.versionId !== null
        ? {
            ts,
            now,
            card: {
              teamId: row.teamId,
              channelId: row.channelId,
              jobId: alert.jobId,
              versionId: alert.versionId,
              ts,
              updatedAt: now,
            },
          }
        : { ts, now };
    // The post happened: recording it is what keeps it from being posted twice, so insist a little.
    for (let attempt = 1; ; attempt++) {
      try {
        const ok = await store.markSent(row.id, deps.instanceId, result);
        if (!ok) logger.warn({ rowId: row.id }, 'outbox row was taken over while posting; it may be posted twice');
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  async function disableFor(row: OutboxRow, failure: SlackFailure): Promise<void> {
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
      logger.warn(
        { channelId: row.channelId, reason, watches: disabled.map((w) => w.id) },
        'Slack refused delivery for good; watches disabled and their creators told',
      );
    }
  }

  async function handleRow(row: OutboxRow, attempt: Attempt): Promise<SendOutcome> {
    const blocked = await watchBlocks(row);
    if (blocked) {
      await store.markDead(row.id, deps.instanceId, blocked, deps.now());
      return 'dead';
    }
    let delivered: { ts: string | null; card: boolean };
    try {
      delivered = await deliver(attempt, row);
    } catch (err) {
      return handleFailure(row, err);
    }
    await recordSent(row, delivered.ts, delivered.card);
    return 'sent';
  }

  async function handleFailure(row: OutboxRow, err: unknown): Promise<SendOutcome> {
    const now = deps.now();
    if (err instanceof ClaimExpiringError) {
      await store.markRetry(row.id, deps.instanceId, { error: 'claim expiring', runAt: now });
      logger.info({ rowId: row.id }, 'claim nearly expired between Slack calls; row released for a fresh attempt');
      return 'retry';
    }
    if (err instanceof UndeliverableRowError) {
      // The payload itself cannot become a message: retrying the same row cannot help.
      logger.error({ err, rowId: row.id, kind: row.kind }, 'outbox row could not be delivered');
      await store.markDead(row.id, deps.instanceId, `internal: ${err.message}`, now);
      return 'dead';
    }
    // Everything else is retried (bounded by maxAttempts): the SDK's plain Error for a 429 without a usable
    // Retry-After, a timeout, a store hiccup while looking up the card. Dropping it would lose the alert.
    if (!isSlackError(err)) logger.warn({ err, rowId: row.id }, 'unexpected failure while delivering; will retry');
    const failure = classifySlackError(err);
    if (failure.kind === 'rate_limited') {
      const runAt = new Date(now.getTime() + failure.retryAfterMs + Math.floor(random() * 250));
      await store.markRetry(row.id, deps.instanceId, { error: failure.reason, runAt });
      logger.info({ rowId: row.id, retryAfterMs: failure.retryAfterMs }, 'Slack rate limited; row rescheduled');
      return 'retry';
    }
    if (failure.kind === 'transient') {
      if (row.attempts >= maxAttempts) {
        await store.markDead(row.id, deps.instanceId, `gave up after ${row.attempts} attempts: ${failure.reason}`, now);
        logger.error({ rowId: row.id, reason: failure.reason }, 'outbox row given up');
        return 'dead';
      }
      // Full jitter over an exponential ceiling: 1 s, 2 s, 4 s … capped at 10 minutes.
      const ceiling = Math.min(10 * 60_000, 1000 * 2 ** Math.min(20, Math.max(0, row.attempts - 1)));
      const runAt = new Date(now.getTime() + Math.max(200, Math.floor(random() * ceiling)));
      await store.markRetry(row.id, deps.instanceId, { error: failure.reason, runAt });
      logger.warn({ rowId: row.id, reason: failure.reason, attempts: row.attempts }, 'Slack call failed; will retry');
      return 'retry';
    }
    await store.markDead(row.id, deps.instanceId, failure.reason, now);
    if (failure.kind === 'rejected') {
      logger.error({ rowId: row.id, kind: row.kind, reason: failure.reason }, 'Slack rejected the message; dropped');
      return 'dead';
    }
    // Notices about notices would loop: a failed creator or ops notice is only recorded.
    if (row.kind !== 'creator_notice' && row.kind !== 'ops_notice') await disableFor(row, failure);
    return 'dead';
  }

  async function processSafely({ row, attempt }: { row: OutboxRow; attempt: Attempt }): Promise<SendOutcome> {
    try {
      return await handleRow(row, attempt);
    } catch (err) {
      // Store trouble while recording: the claim expires and the row is tried again later.
      logger.error({ err, rowId: row.id }, 'outbox bookkeeping failed');
      return 'retry';
    }
  }

  async function runOnce(): Promise<SenderRunResult> {
    const rows = await claim(maxInFlight);
    const outcomes = await Promise.all(rows.map(processSafely));
    return {
      claimed: rows.length,
      sent: outcomes.filter((o) => o === 'sent').length,
      retried: outcomes.filter((o) => o === 'retry').length,
      dead: outcomes.filter((o) => o === 'dead').length,
    };
  }

  async function pump(): Promise<void> {
    while (running) {
      if (inFlight.size >= maxInFlight) {
        await Promise.race(inFlight);
        continue;
      }
      let rows: Awaited<ReturnType<typeof claim>> = [];
      try {
        rows = await claim(maxInFlight - inFlight.size);
      } catch (err) {
        logger.error({ err }, 'claiming outbox rows failed');
      }
      for (const row of rows) {
        const p: Promise<void> = processSafely(row).then(() => {
          inFlight.delete(p);
        });
        inFlight.add(p);
      }
      if (rows.length === 0) await idle(idleMs);
    }
  }

  function idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wake = null;
        resolve();
      }
      wake = done;
    });
  }

  /**
   * Rows this instance id claimed before it died (a restart with a stable INSTANCE_ID, e.g. a StatefulSet pod) are
   * released at once instead of waiting for their lock to expire. markRetry only touches rows locked by us.
   */
  async function releaseOwnClaims(): Promise<void> {
    const pending = await store.listOutbox({ state: 'pending' });
    let released = 0;
    for (const row of pending) {
      if (row.attempts === 0) continue; // never claimed
      const ok = await store.markRetry(row.id, deps.instanceId, { error: 'released after restart', runAt: deps.now() });
      if (ok) released++;
    }
    if (released > 0) logger.warn({ released }, 'released outbox rows claimed by this instance before a restart');
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = releaseOwnClaims()
        .catch((err: unknown) => logger.error({ err }, 'releasing earlier claims failed'))
        .then(pump);
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = null;
      await Promise.all(inFlight);
    },
    runOnce,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
