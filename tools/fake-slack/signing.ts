/**
 * Slack's v0 request signature: HMAC-SHA256 over `v0:<timestamp>:<raw body>` keyed with the app's signing secret.
 * The fake signs what it sends to the bot exactly like Slack, so the bot's real verification runs in tests and demo.
 */
import { createHmac } from 'node:crypto';

export interface SlackSignature {
  /** `v0=<hex>`, the X-Slack-Signature header value. */
  signature: string;
  /** Unix seconds, the X-Slack-Request-Timestamp header value. */
  timestamp: number;
  headers: { 'x-slack-signature': string; 'x-slack-request-timestamp': string };
}

/** Signs `body` (the exact bytes that will be sent) at `timestamp` (unix seconds, default now). */
export function signSlackRequest(
  secret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): SlackSignature {
  if (!Number.isInteger(timestamp)) throw new TypeError('timestamp must be whole unix seconds');
  const hex = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  const signature = `v0=${hex}`;
  return {
    signature,
    timestamp,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) },
  };
}
