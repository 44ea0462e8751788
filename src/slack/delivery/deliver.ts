/**
 * Delivering one outbox row by kind: the alert card (posted, or edited in place), the terminal reply in the card's
 * thread, a project failure, an operators' notice, a notice to a watch's creator. Every Slack call of a row goes
 * through `call`, which refuses a second call that would not fit in what is left of the row's claim.
 */
import type { KnownBlock, MessageMetadata } from '@slack/types';
import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { FLOOD_CARD, type JobAlert, parseJobAlert } from '../../alerts/index.js';
import type { CreatorNoticePayload, OpsNoticePayload } from '../../alerts/rows.js';
import { type ConsoleLinks, refParts } from '../../modelarts/index.js';
import type { OutboxRow, Store } from '../../store/types.js';
import {
  type Message,
  type RenderContext,
  renderAlertCard,
  renderOpsNotice,
  renderTerminalReply,
} from '../blocks/index.js';
import { describeWatchTarget } from '../blocks/watches.js';
import { slackPlatformSentence } from '../errors.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { slackErrorKind, slackPlatformCode } from '../slack-errors.js';
import { deliverProjectFailure } from './flood.js';
import { findPosted, withDeliveryKey } from './look-before-repost.js';

export interface DeliveryDeps {
  store: Store;
  slack: WebClient;
  logger: Logger;
  now: () => Date;
  timeZone: string;
  /** Fills each alert's console link from the configuration of the moment it is delivered. */
  consoleLinks?: ConsoleLinks | undefined;
  /** How long a claim is exclusive. */
  lockMs: number;
  /** The WebClient's per-call timeout. */
  callTimeoutMs: number;
  /** Left for recording the result (markSent retries) after the last call. */
  bookkeepingMs: number;
}

/** One row's delivery attempt: when it was claimed and how many Slack calls it made. */
export interface Attempt {
  claimedAtMs: number;
  calls: number;
  /** Set when an earlier attempt may have posted (the row was claimed before): the row's creation time, from which
   * the channel is searched before posting (look-before-repost.ts). Cleared once searched. */
  lookSince: Date | null;
}

/** What a delivery posted: the message's ts, and whether it is the row's card (to be recorded as such). */
export interface Delivered {
  ts: string | null;
  card: boolean;
  /** A card kept under another key than the row's run, with its own ts (a flood summary: see alerts/flood.ts). */
  cardKey?: { jobId: string; versionId: string | null; ts: string };
}

/** A row this code cannot turn into a message (corrupt payload, renderer bug): retrying cannot help. */
export class UndeliverableRowError extends Error {
  override name = 'UndeliverableRowError';
}

/**
 * The claim would expire before the next Slack call for a row could finish: another sender could then claim the row
 * and post it too. Nothing was posted yet in this attempt (only a failed call precedes a second one), so the row is
 * released for an immediate retry instead.
 */
export class ClaimExpiringError extends Error {
  override name = 'ClaimExpiringError';
}

interface PostArgs {
  /** The outbox row's dedupe key, carried in the metadata so a later attempt can find this post. */
  key?: string;
  channel: string;
  text: string;
  blocks?: KnownBlock[];
  metadata?: MessageMetadata;
  thread_ts?: string;
  reply_broadcast?: boolean;
  unfurl_links?: boolean;
  unfurl_media?: boolean;
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

export async function deliverRow(deps: DeliveryDeps, attempt: Attempt, row: OutboxRow): Promise<Delivered> {
  if (row.kind === 'ops_notice') {
    const p = row.payload as OpsNoticePayload;
    const message = render(() =>
      renderOpsNotice(
        { kind: p.kind, since: new Date(p.since), error: p.error, projectId: p.projectId },
        renderContext(deps, p.projectId),
      ),
    );
    return { ts: await post(deps, attempt, postArgs(row, message)), card: false };
  }
  if (row.kind === 'creator_notice') {
    return { ts: await deliverCreatorNotice(deps, attempt, row.payload as CreatorNoticePayload), card: false };
  }
  const parsed = parseJobAlert(row.payload);
  if (!parsed) throw new UndeliverableRowError('the payload is not a job alert');
  const alert: JobAlert = deps.consoleLinks ? { ...parsed, run: deps.consoleLinks.withConsoleUrl(parsed.run) } : parsed;
  switch (row.kind) {
    case 'card':
      return deliverCard(deps, attempt, row, alert);
    case 'terminal_reply':
      return { ts: await deliverThreadReply(deps, attempt, row, alert), card: false };
    case 'project_failure': {
      const sent = await deliverProjectFailure(
        {
          store: deps.store,
          now: deps.now(),
          ctx: renderContext(deps, alert.projectId),
          render,
          post: (message, threadTs) =>
            post(deps, attempt, { ...postArgs(row, message), ...(threadTs ? { thread_ts: threadTs } : {}) }),
          update: async (ts, message) => {
            await call(deps, attempt, () =>
              deps.slack.chat.update({ channel: row.channelId, ts, text: message.text, blocks: message.blocks }),
            );
          },
        },
        row,
        alert,
      );
      return sent.summaryTs === null
        ? { ts: sent.ts, card: false }
        : { ts: sent.ts, card: true, cardKey: { ...FLOOD_CARD, ts: sent.summaryTs } };
    }
  }
}

async function deliverCard(deps: DeliveryDeps, attempt: Attempt, row: OutboxRow, alert: JobAlert): Promise<Delivered> {
  const message = render(() => renderAlertCard(alert, renderContext(deps, alert.projectId)));
  const { jobId, versionId } = refParts(alert.run.ref);
  const existing = await deps.store.getCard(row.teamId, row.channelId, jobId, versionId);
  if (existing) {
    try {
      await call(deps, attempt, () =>
        deps.slack.chat.update({
          channel: row.channelId,
          ts: existing.ts,
          text: message.text,
          blocks: message.blocks,
          ...(message.metadata ? { metadata: message.metadata } : {}),
        }),
      );
      return { ts: existing.ts, card: true };
    } catch (err) {
      const code = slackPlatformCode(err);
      if (!code || slackErrorKind(code) !== 'card_gone') throw err;
      deps.logger.info({ rowId: row.id, code }, 'card cannot be edited any more; posting a new one');
    }
  }
  const ts = await post(deps, attempt, postArgs(row, message));
  return { ts, card: ts !== null };
}

async function deliverThreadReply(
  deps: DeliveryDeps,
  attempt: Attempt,
  row: OutboxRow,
  alert: JobAlert,
): Promise<string | null> {
  const message = render(() => renderTerminalReply(alert, renderContext(deps, alert.projectId)));
  const { jobId, versionId } = refParts(alert.run.ref);
  const card = await deps.store.getCard(row.teamId, row.channelId, jobId, versionId);
  // Without a card (it was never posted, or its row died) the outcome still reaches the channel, on its own.
  return post(deps, attempt, {
    ...postArgs(row, message),
    ...(card ? { thread_ts: card.ts } : {}),
  });
}

async function deliverCreatorNotice(
  deps: DeliveryDeps,
  attempt: Attempt,
  p: CreatorNoticePayload,
): Promise<string | null> {
  const message = render(() => creatorNoticeMessage(p));
  try {
    const res = await call(deps, attempt, () =>
      deps.slack.chat.postEphemeral({
        channel: p.channelId,
        user: p.userId,
        text: message.text,
        blocks: message.blocks,
      }),
    );
    return typeof res.message_ts === 'string' ? res.message_ts : null;
  } catch (err) {
    // The channel is usually the broken thing: a DM reaches the creator anyway.
    if (slackPlatformCode(err) === null) throw err;
    return post(deps, attempt, postArgs({ channelId: p.userId }, message));
  }
}

/**
 * Posts a message, unless an earlier attempt already did (look-before-repost.ts); a payload refused for its metadata
 * alone is sent again without it rather than lost.
 */
async function post(deps: DeliveryDeps, attempt: Attempt, args: PostArgs): Promise<string | null> {
  const earlier = await postedEarlier(deps, attempt, args);
  if (earlier !== null) return earlier;
  const { key, ...postable } = args;
  const message = key ? { ...postable, metadata: withDeliveryKey(args.metadata, key) } : postable;
  try {
    const res = await call(deps, attempt, () => deps.slack.chat.postMessage(message as ChatPostMessageArguments));
    return typeof res.ts === 'string' ? res.ts : null;
  } catch (err) {
    const code = slackPlatformCode(err);
    const kind = code === null ? null : slackErrorKind(code);
    if (kind === 'metadata_refused' && message.metadata) {
      deps.logger.warn({ code }, 'Slack refused the message metadata; posting without it');
      const { metadata: _dropped, key: _key, ...rest } = args;
      return post(deps, attempt, rest);
    }
    if (kind === 'card_gone' && args.thread_ts) {
      // The card was deleted: the reply goes to the channel on its own.
      const { thread_ts: _t, reply_broadcast: _b, ...rest } = args;
      return post(deps, attempt, rest);
    }
    throw err;
  }
}

/** The ts of this row's message when an earlier attempt posted it; null otherwise, or when the search failed. */
async function postedEarlier(deps: DeliveryDeps, attempt: Attempt, args: PostArgs): Promise<string | null> {
  const since = attempt.lookSince;
  if (since === null || !args.key) return null;
  attempt.lookSince = null;
  const target = { channel: args.channel, threadTs: args.thread_ts, key: args.key, queuedAt: since };
  try {
    const ts = await call(deps, attempt, () => findPosted(deps.slack, target));
    if (ts !== null)
      deps.logger.info({ channelId: args.channel, ts }, 'an earlier attempt had posted the row; recorded');
    return ts;
  } catch (err) {
    if (err instanceof ClaimExpiringError) throw err;
    // A missing history scope or Slack trouble: posting again risks a duplicate, not posting risks a loss.
    deps.logger.warn({ err, channelId: args.channel }, 'could not look for an earlier post of the row; posting it');
    return null;
  }
}

/** Every Slack call of a row goes through here: a call after the first must fit in what is left of the claim. */
function call<T>(deps: DeliveryDeps, attempt: Attempt, fn: () => Promise<T>): Promise<T> {
  const leftMs = attempt.claimedAtMs + deps.lockMs - deps.now().getTime();
  if (attempt.calls > 0 && leftMs < deps.callTimeoutMs + deps.bookkeepingMs) {
    return Promise.reject(new ClaimExpiringError('not enough claim time left for another Slack call'));
  }
  attempt.calls++;
  return fn();
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

/** Arguments to post `message` for a row (its key makes the post findable) or, without a key, to a user's DM. */
function postArgs(to: Pick<OutboxRow, 'channelId'> & { dedupeKey?: string }, message: Message): PostArgs {
  return {
    ...(to.dedupeKey ? { key: to.dedupeKey } : {}),
    channel: to.channelId,
    text: message.text,
    blocks: message.blocks,
    ...(message.metadata ? { metadata: message.metadata } : {}),
    unfurl_links: false,
    unfurl_media: false,
  };
}

function renderContext(deps: DeliveryDeps, projectId: string): RenderContext {
  return { now: deps.now(), timeZone: deps.timeZone, projectId };
}
