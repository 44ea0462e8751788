/**
 * Look before repost. A post whose outcome is unclear (the call timed out, Slack answered 5xx, the connection reset
 * after the request went out, or the process died between Slack's answer and recording it) may have reached the
 * channel. Every message the outbox posts carries its row's dedupe key in its metadata, so before a row is posted
 * again the channel (or the card's thread) is searched for it; a message found is recorded as the row's post instead
 * of posting a second one.
 *
 * Edits need none of this: chat.update sets a card to the row's content, and doing that twice leaves the channel as
 * doing it once. Ephemeral notices cannot be looked up (Slack keeps no copy); one may be shown twice.
 */
import type { MessageMetadata } from '@slack/types';
import type { WebClient } from '@slack/web-api';

/** The metadata key naming the outbox row a message was posted for. */
export const DELIVERY_KEY = 'delivery_key';

/** Messages searched at most: a channel busier than this since the row was queued is posted to again. */
const SEARCH_LIMIT = 200;

/** Slack's clock and ours may differ: search from a little before the row was queued. */
const CLOCK_SLACK_SECONDS = 300;

/** The message's metadata with the row's key added (messages without metadata get an event type of their own). */
export function withDeliveryKey(metadata: MessageMetadata | undefined, key: string): MessageMetadata {
  if (!metadata) return { event_type: 'modelarts_chatops_delivery', event_payload: { [DELIVERY_KEY]: key } };
  return { ...metadata, event_payload: { ...metadata.event_payload, [DELIVERY_KEY]: key } };
}

export interface LookFor {
  channel: string;
  /** Set for a thread reply: its thread is searched, not the channel. */
  threadTs?: string | undefined;
  key: string;
  queuedAt: Date;
}

interface HistoryMessage {
  ts?: string;
  metadata?: { event_payload?: Record<string, unknown> };
}

/** The ts of the message posted for `key`, or null when none is found. Failures of the search are the caller's. */
export async function findPosted(slack: WebClient, target: LookFor): Promise<string | null> {
  const res = target.threadTs
    ? await slack.conversations.replies({
        channel: target.channel,
        ts: target.threadTs,
        include_all_metadata: true,
        limit: SEARCH_LIMIT,
      })
    : await slack.conversations.history({
        channel: target.channel,
        oldest: String(Math.floor(target.queuedAt.getTime() / 1000) - CLOCK_SLACK_SECONDS),
        include_all_metadata: true,
        limit: SEARCH_LIMIT,
      });
  const messages = (res.messages ?? []) as HistoryMessage[];
  const found = messages.find((m) => m.metadata?.event_payload?.[DELIVERY_KEY] === target.key);
  return typeof found?.ts === 'string' ? found.ts : null;
}
