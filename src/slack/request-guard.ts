/**
 * Checks in front of Bolt's HTTP receiver that Bolt does not make, and the Events API redelivery rule both
 * transports share.
 *
 * HTTP (POST /slack/events): Bolt verifies the signature and refuses timestamps older than five minutes, but accepts
 * any timestamp in the future and the same signed request any number of times. Here a request is refused (401) when
 * its timestamp is more than five minutes off in either direction, or when its signature was already seen: every
 * signature is remembered in the store (shared by all replicas) until its five minutes are over, after which Bolt's
 * own check refuses it anyway. 401 rather than a quiet 200: Slack signs every delivery afresh (its retries carry a
 * new timestamp, hence a new signature), so only a replayer or a broken proxy ever gets this answer, and it should
 * see it. When the store cannot be asked, the request is refused with 503 (fail closed; Slack retries events).
 *
 * Events API (HTTP and Socket Mode): Slack redelivers an event it thinks was not acknowledged (X-Slack-Retry-Num /
 * retry_attempt) with the same event_id. An event_id already handled is acknowledged without running the listeners
 * again; if the store cannot be asked, the event runs (a repeated Home tab or unfurl is harmless, a lost one is not).
 *
 * Socket Mode carries no signatures: the bot dials out to Slack over TLS with the app-level token, and envelopes only
 * arrive on that connection, so there is no endpoint to forge or replay against.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPModuleFunctions, type HTTPReceiver, verifySlackRequest } from '@slack/bolt';
import type { Logger } from 'pino';

/** Slack's window for a request timestamp, applied in both directions. */
export const SIGNATURE_WINDOW_SECONDS = 300;
/** Slack retries an event up to three times within about five minutes; its id is kept a while longer. */
export const EVENT_ID_TTL_MS = 15 * 60_000;

export interface RequestGuardDeps {
  remember(key: string, expiresAt: Date, now: Date): Promise<boolean>;
  logger: Logger;
  now: () => Date;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function answer(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status);
  res.end();
}

/** Why a signed request is refused, or null when it may go on to Bolt (which verifies it again). */
function signatureProblem(req: IncomingMessage, rawBody: string, signingSecret: string, nowMs: number): string | null {
  const signature = header(req, 'x-slack-signature');
  const stamp = header(req, 'x-slack-request-timestamp');
  if (!signature || !stamp || !/^\d{1,12}$/.test(stamp)) return 'missing or malformed signature headers';
  const timestamp = Number(stamp);
  const skew = Math.floor(nowMs / 1000) - timestamp;
  if (skew > SIGNATURE_WINDOW_SECONDS) return 'timestamp more than five minutes old';
  if (skew < -SIGNATURE_WINDOW_SECONDS) return 'timestamp more than five minutes in the future';
  try {
    verifySlackRequest({
      signingSecret,
      body: rawBody,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      nowMilliseconds: nowMs,
    });
  } catch {
    return 'signature mismatch';
  }
  return null;
}

/**
 * Puts the checks in front of the receiver's request listener for `endpoint`; other paths (GET /healthz, …) go
 * straight to Bolt. The body is buffered here once; Bolt reuses the buffer.
 */
export function guardHttpReceiver(
  receiver: HTTPReceiver,
  options: RequestGuardDeps & { signingSecret: string; endpoint: string },
): void {
  const bolt = receiver.requestListener;
  const { logger } = options;

  async function admitted(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    let rawBody: string;
    try {
      rawBody = (
        await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit)
      ).rawBody.toString();
    } catch (err) {
      const tooLarge = HTTPModuleFunctions.isRawBodyError(err) && err.statusCode === 413;
      answer(res, tooLarge ? 413 : 400);
      return false;
    }
    // Slack's TLS check is unsigned by design; Bolt answers it and strips anything else from the body.
    if (header(req, 'content-type') === 'application/x-www-form-urlencoded' && parseQuery(rawBody).ssl_check === '1') {
      return true;
    }
    const now = options.now();
    const problem = signatureProblem(req, rawBody, options.signingSecret, now.getTime());
    if (problem) {
      logger.warn({ reason: problem }, 'Slack request refused');
      answer(res, 401);
      return false;
    }
    const timestamp = Number(header(req, 'x-slack-request-timestamp'));
    const key = `sig:${sha256(`${timestamp}:${header(req, 'x-slack-signature')}`)}`;
    let fresh: boolean;
    try {
      fresh = await options.remember(key, new Date((timestamp + SIGNATURE_WINDOW_SECONDS + 1) * 1000), now);
    } catch (err) {
      logger.error({ err }, 'could not check a Slack request for replay; refused it (503)');
      answer(res, 503);
      return false;
    }
    if (!fresh) {
      logger.warn({ reason: 'replayed signature' }, 'Slack request refused');
      answer(res, 401);
      return false;
    }
    return true;
  }

  receiver.requestListener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || path !== options.endpoint) return bolt(req, res);
    admitted(req, res)
      .then((ok) => {
        if (ok) bolt(req, res);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'handing a Slack request to Bolt failed');
        answer(res, 500);
      });
  };
}

interface ProcessEventTarget {
  processEvent(event: {
    body: Record<string, unknown>;
    ack: (response?: unknown) => Promise<void>;
    retryNum?: number | undefined;
    retryReason?: string | undefined;
  }): Promise<void>;
}

/** Acknowledges an Events API delivery whose event_id was already handled, without running the listeners again. */
export function skipRedeliveredEvents(app: ProcessEventTarget, deps: RequestGuardDeps): void {
  const original = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    const eventId = event.body.type === 'event_callback' ? event.body.event_id : undefined;
    if (typeof eventId === 'string' && eventId.length > 0 && eventId.length <= 100) {
      const now = deps.now();
      const fresh = await deps
        .remember(`event:${eventId}`, new Date(now.getTime() + EVENT_ID_TTL_MS), now)
        .catch((err: unknown) => {
          deps.logger.warn({ err }, 'could not check an event for redelivery; handling it');
          return true;
        });
      if (!fresh) {
        deps.logger.info(
          { eventId, retryNum: event.retryNum ?? null, retryReason: event.retryReason ?? null },
          'Slack redelivered an event already handled; acknowledged without handling it again',
        );
        await event.ack();
        return;
      }
    }
    await original(event);
  };
}
