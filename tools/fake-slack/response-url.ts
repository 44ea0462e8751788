/**
 * response_url endpoints (`/response/<id>`): each interaction the driver sends gets a fresh one, good for 5 posts
 * within 30 minutes like Slack's. A post becomes an ephemeral or channel message, replaces or deletes the message
 * the interaction came from — the same rules apply to a slash command's immediate ack body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contentTypeOf, readBody, sendJson, sendText } from './http.js';
import { SlackApiError, type Workspace } from './state.js';
import type { ResponseUrlPost } from './types.js';
import { messageContent, type WebApi } from './web-api.js';

/** The message an interaction came from, which replace_original / delete_original act on. */
export type OriginalMessage = { kind: 'ephemeral'; id: string } | { kind: 'channel'; channel: string; ts: string };

export interface ReplyTarget {
  channelId: string;
  userId: string;
  original: OriginalMessage | null;
}

interface ResponseUrlRecord extends ReplyTarget {
  id: string;
  createdAt: number;
  uses: number;
}

export class ResponseUrls {
  readonly posts: ResponseUrlPost[] = [];
  private readonly urls = new Map<string, ResponseUrlRecord>();

  constructor(
    private readonly ws: Workspace,
    private readonly web: WebApi,
    private readonly opts: { maxUses: number; ttlMs: number; baseUrl: () => string },
  ) {}

  create(target: ReplyTarget): string {
    const id = this.ws.ids.token('R', 16);
    this.urls.set(id, { ...target, id, createdAt: this.ws.now(), uses: 0 });
    return `${this.opts.baseUrl()}/response/${id}`;
  }

  async handle(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const raw = await readBody(req);
    const url = `${this.opts.baseUrl()}/response/${id}`;
    const record = (
      status: number,
      body: Record<string, unknown>,
      response: Record<string, unknown>,
      applied: ResponseUrlPost['applied'],
    ) => {
      this.posts.push({ id, url, body, at: this.ws.now(), status, response, applied });
      this.ws.emit('call');
      sendJson(res, status, response);
    };

    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, contentTypeOf(req));
    } catch {
      return record(400, {}, { ok: false, error: 'invalid_payload' }, { kind: 'rejected', error: 'invalid_payload' });
    }

    const failure = this.web.takeFailure('response_url');
    if (failure) {
      if (failure.status === 429) {
        this.posts.push({
          id,
          url,
          body,
          at: this.ws.now(),
          status: 429,
          response: { ok: false, error: 'ratelimited' },
          applied: { kind: 'rejected', error: 'ratelimited' },
        });
        this.ws.emit('call');
        return sendJson(
          res,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(failure.retryAfter ?? 1) },
        );
      }
      if (failure.status !== undefined) {
        this.posts.push({
          id,
          url,
          body,
          at: this.ws.now(),
          status: failure.status,
          response: { ok: false, error: 'upstream_error' },
          applied: { kind: 'rejected', error: 'upstream_error' },
        });
        this.ws.emit('call');
        return sendText(res, failure.status, 'upstream_error');
      }
      const error = failure.error ?? 'internal_error';
      return record(400, body, { ok: false, error }, { kind: 'rejected', error });
    }

    const target = this.urls.get(id);
    if (!target || this.ws.now() - target.createdAt > this.opts.ttlMs) {
      return record(404, body, { ok: false, error: 'expired_url' }, { kind: 'rejected', error: 'expired_url' });
    }
    if (target.uses >= this.opts.maxUses) {
      return record(404, body, { ok: false, error: 'used_url' }, { kind: 'rejected', error: 'used_url' });
    }
    target.uses += 1;
    try {
      const applied = this.apply(target, body, 'response_url');
      return record(200, body, { ok: true }, applied);
    } catch (err) {
      if (err instanceof SlackApiError) {
        return record(400, body, { ok: false, error: err.code, ...err.extra }, { kind: 'rejected', error: err.code });
      }
      throw err;
    }
  }

  /** Applies a reply (response_url post or slash-command ack body) to the workspace. */
  apply(target: ReplyTarget, body: Record<string, unknown>, via: 'response_url' | 'ack'): ResponseUrlPost['applied'] {
    const original = target.original;
    if (body.delete_original === true || body.delete_original === 'true') {
      if (original?.kind === 'ephemeral') this.ws.deleteEphemeral(original.id);
      else if (original?.kind === 'channel') this.ws.deleteMessage(original.channel, original.ts);
      return { kind: 'deleted' };
    }
    const content = messageContent(body, true);
    const replace = body.replace_original === true || body.replace_original === 'true';
    if (replace && original?.kind === 'ephemeral') {
      const e = this.ws.replaceEphemeral(original.id, content);
      return { kind: 'ephemeral', id: e.id, replaced: true };
    }
    if (replace && original?.kind === 'channel') {
      const msg = this.ws.findMessage(original.channel, original.ts);
      if (!msg) throw new SlackApiError('message_not_found');
      if (msg.user !== this.ws.identity.botUserId) throw new SlackApiError('cant_update_message');
      // The app replaces its own message through Slack: no "(edited)" mark, unlike chat.update.
      this.ws.updateMessage(original.channel, original.ts, { ...content, blocks: content.blocks ?? [] }, null);
      return { kind: 'channel', channel: original.channel, ts: original.ts, replaced: true };
    }
    const threadTs = typeof body.thread_ts === 'string' && body.thread_ts !== '' ? body.thread_ts : undefined;
    if (body.response_type === 'in_channel') {
      const msg = this.ws.addMessage({
        channel: target.channelId,
        author: this.ws.identity.botUserId,
        content,
        threadTs,
        via,
      });
      return { kind: 'channel', channel: target.channelId, ts: msg.ts, replaced: false };
    }
    const e = this.ws.addEphemeral({ channel: target.channelId, user: target.userId, content, threadTs, via });
    return { kind: 'ephemeral', id: e.id, replaced: false };
  }
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  let parsed: unknown;
  if (contentType === 'application/x-www-form-urlencoded') {
    const payload = new URLSearchParams(raw).get('payload');
    parsed = JSON.parse(payload ?? '');
  } else {
    parsed = JSON.parse(raw);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  return parsed as Record<string, unknown>;
}
