/**
 * One-sentence confirmations ("Watching …", "Stopped watching …"). The text is ours (fixed words, numeric ids,
 * validated project ids) and may use mrkdwn such as `code`; `&`, `<`, `>` are still encoded so nothing in it can
 * become a mention or a link.
 */
import type { Message } from '../blocks/index.js';
import { escapeEntities, truncateMrkdwn } from '../mrkdwn.js';

export function notice(mrkdwn: string): Message {
  const text = truncateMrkdwn(escapeEntities(mrkdwn), 2900);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
