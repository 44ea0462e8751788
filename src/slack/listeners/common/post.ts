/**
 * Posting a card into a conversation on someone's behalf (Share button, lookup modal), and replacing the message
 * a button was clicked in (pagination, Refresh).
 */
import type { BlockAction, RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Message } from '../../blocks/index.js';
import { mention } from '../../mrkdwn.js';

/** block_id of the attribution line, so a later Refresh of the shared card can keep it. */
export const ATTRIBUTION_BLOCK_ID = 'modelarts_shared_by';
const MAX_BLOCKS = 50;

/** The message with a context line naming who shared it (room is made if the card is at the block limit). */
export function withAttribution(message: Message, userId: string, verb = 'Shared'): Message {
  const who = mention(userId);
  if (!who) return message;
  const line: KnownBlock = {
    type: 'context',
    block_id: ATTRIBUTION_BLOCK_ID,
    elements: [{ type: 'mrkdwn', text: `${verb} by ${who}` }],
  };
  const blocks = message.blocks.filter((b) => b.block_id !== ATTRIBUTION_BLOCK_ID);
  return { text: message.text, blocks: [...blocks.slice(0, MAX_BLOCKS - 1), line] };
}

/** The attribution line of a message we posted earlier, if it has one. */
export function attributionOf(blocks: unknown): KnownBlock | null {
  if (!Array.isArray(blocks)) return null;
  const found = blocks.find(
    (b): b is KnownBlock =>
      typeof b === 'object' && b !== null && (b as { block_id?: unknown }).block_id === ATTRIBUTION_BLOCK_ID,
  );
  return found ?? null;
}

export async function postCard(
  client: WebClient,
  channelId: string,
  message: Message,
): Promise<{ ts: string | undefined }> {
  const result = await client.chat.postMessage({
    channel: channelId,
    text: message.text,
    blocks: message.blocks,
    unfurl_links: false,
    unfurl_media: false,
  });
  return { ts: result.ts };
}

/**
 * Replaces the message holding the clicked button: response_url for ephemeral messages (only Slack has them),
 * chat.update for channel messages we posted (keeping a shared card's attribution line).
 */
export async function replaceOriginal(
  body: BlockAction,
  client: WebClient,
  respond: RespondFn,
  message: Message,
): Promise<void> {
  const container = body.container as { is_ephemeral?: boolean; type?: string } | undefined;
  const channelMessage = body.message && container?.is_ephemeral !== true && body.channel?.id;
  if (channelMessage && body.message && body.channel) {
    const attribution = attributionOf(body.message.blocks);
    const blocks = attribution
      ? [...message.blocks.filter((b) => b.block_id !== ATTRIBUTION_BLOCK_ID).slice(0, MAX_BLOCKS - 1), attribution]
      : message.blocks;
    await client.chat.update({ channel: body.channel.id, ts: body.message.ts, text: message.text, blocks });
    return;
  }
  await respond({ response_type: 'ephemeral', replace_original: true, text: message.text, blocks: message.blocks });
}
