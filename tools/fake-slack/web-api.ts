/**
 * The Web API half of the fake: POST /api/<method> with the bodies @slack/web-api 8 sends (form-encoded, nested
 * arguments JSON-stringified, token in `Authorization: Bearer`) or JSON bodies, answered in Slack's shapes:
 * `{ok:true,…}`, `{ok:false,error}` with HTTP 200, 429 + Retry-After, and injected 5xx.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { blockTextChars, checkBlocks, checkView, MAX_BLOCK_TEXT_CHARS, problemMessages } from './blocks.js';
import { contentTypeOf, readBody, sendJson, sendText } from './http.js';
import { type ChannelRecord, type MessageContent, SlackApiError, type UserRecord, type Workspace } from './state.js';
import type { FailureSpec, RecordedCall, SlackMessage, SlackView } from './types.js';

/** Arguments @slack/web-api JSON-encodes inside form bodies, and the error Slack gives when one is not JSON. */
const JSON_ARGS: Record<string, string> = {
  blocks: 'invalid_blocks_format',
  attachments: 'invalid_attachments',
  metadata: 'invalid_metadata_format',
  view: 'invalid_arguments',
  unfurls: 'invalid_unfurls_format',
  user_auth_blocks: 'invalid_blocks_format',
};

const BOOLEAN_ARGS = new Set([
  'reply_broadcast',
  'unfurl_links',
  'unfurl_media',
  'mrkdwn',
  'as_user',
  'link_names',
  'include_locale',
  'include_num_members',
  'include_all_metadata',
  'inclusive',
  'user_auth_required',
  'is_private',
  'return_im',
  'prevent_creation',
]);

/** Methods that take the app-level (`xapp-`) token and refuse every other kind, and vice versa. */
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

export interface WebApiOptions {
  botToken: string | undefined;
  /** When set, only this app-level token authenticates; otherwise any `xapp-` token does. */
  appToken: string | undefined;
  /** A fresh Socket Mode URL (apps.connections.open). */
  openSocket: () => string;
  chatWritePublic: boolean;
  rateLimit: { perSecond: number; burst: number; retryAfterSeconds: number } | undefined;
  /** Base URL of the fake (permalinks point into its page). */
  baseUrl: () => string;
}

type Handler = (args: Record<string, unknown>) => Record<string, unknown>;

export class WebApi {
  readonly calls: RecordedCall[] = [];
  private readonly failures = new Map<string, Array<FailureSpec & { remaining: number }>>();
  private readonly delays = new Map<string, Array<{ ms: number; remaining: number }>>();
  private readonly slowAnswers = new Map<string, Array<{ ms: number; remaining: number }>>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly handlers: Record<string, Handler>;

  constructor(
    private readonly ws: Workspace,
    private readonly opts: WebApiOptions,
  ) {
    this.handlers = {
      'api.test': (a) => ({ args: a }),
      'auth.test': () => this.authTest(),
      'chat.postMessage': (a) => this.postMessage(a),
      'chat.update': (a) => this.update(a),
      'chat.postEphemeral': (a) => this.postEphemeral(a),
      'chat.delete': (a) => this.delete(a),
      'chat.unfurl': (a) => this.unfurl(a),
      'chat.getPermalink': (a) => this.permalink(a),
      'conversations.info': (a) => ({
        channel: channelWire(this.ws.visibleChannel(a.channel), a.include_num_members === true),
      }),
      'conversations.join': (a) => this.join(a),
      'conversations.open': (a) => this.open(a),
      'conversations.members': (a) => ({
        members: [...this.ws.visibleChannel(a.channel).members],
        response_metadata: { next_cursor: '' },
      }),
      'conversations.history': (a) => this.history(a),
      'conversations.replies': (a) => this.replies(a),
      'users.info': (a) => ({ user: userWire(this.ws.user(String(a.user ?? '')), this.ws) }),
      'views.open': (a) => this.viewsOpen(a),
      'views.push': (a) => this.viewsPush(a),
      'views.update': (a) => this.viewsUpdate(a),
      'views.publish': (a) => this.viewsPublish(a),
      'apps.connections.open': () => ({ url: this.opts.openSocket() }),
    };
  }

  failNext(method: string, spec: FailureSpec): void {
    const q = this.failures.get(method) ?? [];
    // Neither a status nor an error code: a plain server error.
    const status = spec.status ?? (spec.error === undefined ? 500 : undefined);
    q.push({ ...spec, ...(status !== undefined ? { status } : {}), remaining: spec.times ?? 1 });
    this.failures.set(method, q);
  }

  clearFailures(): void {
    this.failures.clear();
    this.delays.clear();
    this.slowAnswers.clear();
  }

  /**
   * Makes the next call(s) of `method` (`*`: any) succeed at once but answer only after `ms`: Slack accepted the post
   * and the caller, timing out first, cannot know. Recorded with the answer it would have had.
   */
  slowSuccessNext(method: string, ms: number, times = 1): void {
    const q = this.slowAnswers.get(method) ?? [];
    q.push({ ms, remaining: times });
    this.slowAnswers.set(method, q);
  }

  /** Makes the next call(s) of `method` (`*`: any) wait `ms` before Slack handles them: a slow or stuck Slack. */
  delayNext(method: string, ms: number, times = 1): void {
    const q = this.delays.get(method) ?? [];
    q.push({ ms, remaining: times });
    this.delays.set(method, q);
  }

  /** The next injected failure for `method` (a `*` entry matches every method), consumed. */
  takeFailure(method: string): FailureSpec | undefined {
    return takeNext(this.failures, method);
  }

  async handle(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const raw = req.method === 'GET' ? '' : await readBody(req);
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    let args: Record<string, unknown> = {};
    let token: string | null = bearer(req);
    const answer = (status: number, response: Record<string, unknown> | string) => {
      const { token: _t, ...recorded } = args;
      this.calls.push({ method, args: recorded, at: this.ws.now(), status, response, token });
      this.ws.emit('call');
      if (typeof response === 'string') {
        sendText(res, status, response);
      } else {
        sendJson(res, status, response, status === 429 ? { 'retry-after': String(response.retry_after ?? 1) } : {});
      }
    };

    try {
      args = parseArgs(raw, contentTypeOf(req), query);
      token ??= typeof args.token === 'string' ? args.token : null;
    } catch (err) {
      if (err instanceof SlackApiError) return answer(200, { ok: false, error: err.code, ...err.extra });
      throw err;
    }

    const delayMs = takeNext(this.delays, method)?.ms ?? 0;
    if (delayMs > 0) {
      // Waits out the delay, or until the caller gives up (timeout, abort), whichever comes first.
      const gone = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          res.off('close', onClose);
          resolve(false);
        }, delayMs);
        const onClose = () => {
          clearTimeout(timer);
          resolve(true);
        };
        res.once('close', onClose);
      });
      // The caller left before Slack got to the request: it is recorded, never carried out.
      if (gone) {
        const { token: _t, ...recorded } = args;
        this.calls.push({ method, args: recorded, at: this.ws.now(), status: 499, response: 'client_closed', token });
        this.ws.emit('call');
        return;
      }
    }

    const failure = this.takeFailure(method);
    if (failure) {
      if (failure.status === 429) {
        const retryAfter = failure.retryAfter ?? 1;
        return answer(429, { ok: false, error: 'ratelimited', retry_after: retryAfter });
      }
      if (failure.status !== undefined) return answer(failure.status, 'upstream_error');
      return answer(200, { ok: false, error: failure.error ?? 'internal_error' });
    }

    if (token === null) return answer(200, { ok: false, error: 'not_authed' });
    if (this.ws.isRevoked(token)) return answer(200, { ok: false, error: 'token_revoked' });
    const appLevel = APP_TOKEN_METHODS.has(method);
    if (token.startsWith('xapp-') !== appLevel) return answer(200, { ok: false, error: 'not_allowed_token_type' });
    const valid = appLevel
      ? this.opts.appToken !== undefined
        ? token === this.opts.appToken
        : /^xapp-[\w-]+$/.test(token)
      : this.opts.botToken !== undefined
        ? token === this.opts.botToken
        : /^xox[bp]-[\w-]+$/.test(token);
    if (!valid) return answer(200, { ok: false, error: 'invalid_auth' });

    const limited = this.rateLimited(method, args);
    if (limited !== null) return answer(429, { ok: false, error: 'ratelimited', retry_after: limited });

    const handler = this.handlers[method];
    try {
      const result = handler ? handler(args) : {};
      const slowMs = takeNext(this.slowAnswers, method)?.ms ?? 0;
      if (slowMs > 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
      return answer(200, { ok: true, ...result });
    } catch (err) {
      if (err instanceof SlackApiError) return answer(200, { ok: false, error: err.code, ...err.extra });
      throw err;
    }
  }

  /** Slack's special tier for chat.postMessage: about one message per second per channel, short bursts allowed. */
  private rateLimited(method: string, args: Record<string, unknown>): number | null {
    const rl = this.opts.rateLimit;
    if (!rl || method !== 'chat.postMessage' || typeof args.channel !== 'string') return null;
    const now = this.ws.now();
    const b = this.buckets.get(args.channel) ?? { tokens: rl.burst, at: now };
    b.tokens = Math.min(rl.burst, b.tokens + ((now - b.at) / 1000) * rl.perSecond);
    b.at = now;
    this.buckets.set(args.channel, b);
    if (b.tokens < 1) return rl.retryAfterSeconds;
    b.tokens -= 1;
    return null;
  }

  // ---- methods ---------------------------------------------------------------------------------------------

  private authTest(): Record<string, unknown> {
    const id = this.ws.identity;
    return {
      url: `${this.opts.baseUrl()}/`,
      team: id.teamName,
      user: id.botName,
      team_id: id.teamId,
      user_id: id.botUserId,
      bot_id: id.botId,
      is_enterprise_install: false,
    };
  }

  private postMessage(a: Record<string, unknown>): Record<string, unknown> {
    const content = messageContent(a, true);
    const ch = this.ws.postableChannel(a.channel, this.opts.chatWritePublic);
    const threadTs = optionalString(a.thread_ts);
    const msg = this.ws.addMessage({
      channel: ch.id,
      author: this.ws.identity.botUserId,
      content,
      threadTs,
      broadcast: a.reply_broadcast === true,
      via: 'chat.postMessage',
    });
    return { channel: ch.id, ts: msg.ts, message: wireMessage(msg) };
  }

  private update(a: Record<string, unknown>): Record<string, unknown> {
    const ts = requireString(a.ts, 'message_not_found');
    const content = messageContent(a, a.text === undefined && a.blocks === undefined && a.attachments === undefined);
    const ch = this.ws.visibleChannel(a.channel);
    if (ch.isArchived) throw new SlackApiError('is_archived');
    const existing = this.ws.findMessage(ch.id, ts);
    if (!existing) throw new SlackApiError('message_not_found');
    if (existing.user !== this.ws.identity.botUserId) throw new SlackApiError('cant_update_message');
    const msg = this.ws.updateMessage(ch.id, ts, content, this.ws.identity.botUserId);
    return { channel: ch.id, ts, text: msg.text, message: wireMessage(msg) };
  }

  private postEphemeral(a: Record<string, unknown>): Record<string, unknown> {
    const content = messageContent(a, true);
    const userId = requireString(a.user, 'user_not_found');
    this.ws.user(userId);
    const ch = this.ws.postableChannel(a.channel, this.opts.chatWritePublic);
    if (!ch.members.has(userId)) throw new SlackApiError('user_not_in_channel');
    const e = this.ws.addEphemeral({
      channel: ch.id,
      user: userId,
      content,
      threadTs: optionalString(a.thread_ts),
      via: 'chat.postEphemeral',
    });
    return { message_ts: e.ts };
  }

  private delete(a: Record<string, unknown>): Record<string, unknown> {
    const ts = requireString(a.ts, 'message_not_found');
    const ch = this.ws.visibleChannel(a.channel);
    if (ch.isArchived) throw new SlackApiError('is_archived');
    const existing = this.ws.findMessage(ch.id, ts);
    if (!existing || existing.subtype === 'tombstone') throw new SlackApiError('message_not_found');
    if (existing.user !== this.ws.identity.botUserId) throw new SlackApiError('cant_delete_message');
    this.ws.deleteMessage(ch.id, ts);
    return { channel: ch.id, ts };
  }

  private unfurl(a: Record<string, unknown>): Record<string, unknown> {
    const unfurls = a.unfurls;
    if (typeof unfurls !== 'object' || unfurls === null || Array.isArray(unfurls)) {
      throw new SlackApiError('invalid_unfurls_format');
    }
    for (const [url, u] of Object.entries(unfurls as Record<string, unknown>)) {
      const blocks = (u as { blocks?: unknown } | null)?.blocks;
      if (blocks === undefined) continue;
      const problems = checkBlocks(blocks, 'message', `/unfurls/${url}/blocks`);
      if (problems.length > 0) throw invalidBlocks(problems);
    }
    let target: { channel: string; ts: string } | undefined;
    if (typeof a.unfurl_id === 'string') target = this.ws.unfurlTarget(a.unfurl_id);
    else if (typeof a.channel === 'string' && typeof a.ts === 'string') {
      target = { channel: this.ws.visibleChannel(a.channel).id, ts: a.ts };
    }
    if (!target || !this.ws.findMessage(target.channel, target.ts)) throw new SlackApiError('cannot_find_message');
    this.ws.setUnfurls(target.channel, target.ts, unfurls as Record<string, unknown>);
    return {};
  }

  private permalink(a: Record<string, unknown>): Record<string, unknown> {
    const ch = this.ws.visibleChannel(a.channel);
    const ts = requireString(a.message_ts, 'message_not_found');
    const msg = this.ws.findMessage(ch.id, ts);
    if (!msg) throw new SlackApiError('message_not_found');
    let permalink = `${this.opts.baseUrl()}/archives/${ch.id}/p${ts.replace('.', '')}`;
    if (msg.thread_ts && msg.thread_ts !== msg.ts) permalink += `?thread_ts=${msg.thread_ts}&cid=${ch.id}`;
    return { channel: ch.id, permalink };
  }

  private join(a: Record<string, unknown>): Record<string, unknown> {
    const ref = a.channel;
    const ch = typeof ref === 'string' ? this.ws.channels.get(ref) : undefined;
    if (!ch || (ch.isPrivate && !ch.isMember)) {
      if (ch?.isPrivate) throw new SlackApiError('method_not_supported_for_channel_type');
      throw new SlackApiError('channel_not_found');
    }
    if (ch.isArchived) throw new SlackApiError('is_archived');
    if (ch.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
    if (ch.isMember) {
      return {
        channel: channelWire(ch, false),
        warning: 'already_in_channel',
        response_metadata: { warnings: ['already_in_channel'] },
      };
    }
    ch.isMember = true;
    this.ws.changed();
    return { channel: channelWire(ch, false) };
  }

  private open(a: Record<string, unknown>): Record<string, unknown> {
    if (typeof a.channel === 'string') return { channel: { id: this.ws.visibleChannel(a.channel).id } };
    const users = String(a.users ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
    if (users.length > 1) {
      throw new SlackApiError('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] the fake Slack opens DMs with one user only'] },
      });
    }
    const im = this.ws.imWith(users[0]!);
    return a.return_im === true ? { channel: channelWire(im, false) } : { channel: { id: im.id } };
  }

  /** Newest first; `oldest` (exclusive) bounds it; metadata only with `include_all_metadata`, as Slack. */
  private history(a: Record<string, unknown>): Record<string, unknown> {
    const ch = this.ws.visibleChannel(a.channel);
    if (!ch.isMember && ch.isPrivate) throw new SlackApiError('not_in_channel');
    const limit = Math.max(1, Math.min(Number(a.limit ?? 100) || 100, 1000));
    const oldest = Number(a.oldest ?? 0) || 0;
    const all = this.ws
      .messages(ch.id)
      .filter((m) => Number(m.ts) > oldest)
      .reverse();
    return {
      messages: all.slice(0, limit).map((m) => withMetadataIf(a, wireMessage(m))),
      has_more: all.length > limit,
      response_metadata: { next_cursor: '' },
    };
  }

  private replies(a: Record<string, unknown>): Record<string, unknown> {
    const ch = this.ws.visibleChannel(a.channel);
    const ts = requireString(a.ts, 'thread_not_found');
    const parent = this.ws.message(ch.id, ts);
    if (!parent) throw new SlackApiError('thread_not_found');
    const root = parent.thread_ts && parent.thread_ts !== parent.ts ? this.ws.message(ch.id, parent.thread_ts) : parent;
    if (!root) throw new SlackApiError('thread_not_found');
    return {
      messages: [root, ...this.ws.thread(ch.id, root.ts)].map((m) => withMetadataIf(a, wireMessage(m))),
      has_more: false,
      response_metadata: { next_cursor: '' },
    };
  }

  private viewArg(a: Record<string, unknown>, type: 'modal' | 'home'): Record<string, unknown> {
    const view = a.view;
    const problems = checkView(view);
    if (problems.length > 0) {
      throw new SlackApiError('invalid_arguments', { response_metadata: { messages: problemMessages(problems) } });
    }
    const v = view as Record<string, unknown>;
    if (v.type !== type) {
      throw new SlackApiError('invalid_arguments', {
        response_metadata: { messages: [`[ERROR] must be ${type} [json-pointer:/view/type]`] },
      });
    }
    return v;
  }

  private viewsOpen(a: Record<string, unknown>): Record<string, unknown> {
    const v = this.viewArg(a, 'modal');
    const trigger = this.ws.useTrigger(a.trigger_id);
    const ov = this.ws.openModal(trigger.userId, this.ws.buildView(v, null, null));
    return { view: viewWire(ov.view) };
  }

  private viewsPush(a: Record<string, unknown>): Record<string, unknown> {
    const v = this.viewArg(a, 'modal');
    const trigger = this.ws.useTrigger(a.trigger_id);
    const ov = this.ws.pushModal(trigger.userId, this.ws.buildView(v, null, null));
    return { view: viewWire(ov.view) };
  }

  private viewsUpdate(a: Record<string, unknown>): Record<string, unknown> {
    if (a.view_id === undefined && a.external_id === undefined) {
      throw new SlackApiError('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] view_id or external_id is required'] },
      });
    }
    const ov = this.ws.findView({ viewId: a.view_id, externalId: a.external_id });
    if (!ov) throw new SlackApiError('not_found');
    const v = this.viewArg(a, ov.view.type);
    if (typeof a.hash === 'string' && a.hash !== ov.view.hash) throw new SlackApiError('hash_conflict');
    this.ws.replaceView(ov, this.ws.buildView(v, ov.view, ov.view.root_view_id));
    return { view: viewWire(ov.view) };
  }

  private viewsPublish(a: Record<string, unknown>): Record<string, unknown> {
    const userId = requireString(a.user_id, 'user_not_found');
    const user = this.ws.user(userId);
    if (user.isBot) throw new SlackApiError('user_not_found');
    const v = this.viewArg(a, 'home');
    const prev = this.ws.liveHome(userId);
    if (prev && typeof a.hash === 'string' && a.hash !== prev.view.hash) throw new SlackApiError('hash_conflict');
    const ov = this.ws.publishHome(userId, this.ws.buildView(v, prev?.view ?? null, null));
    return { view: viewWire(ov.view) };
  }
}

/** The first queued entry for `method`, or else for `*`, counted down and dropped when used up. */
function takeNext<T extends { remaining: number }>(queues: Map<string, T[]>, method: string): T | undefined {
  for (const key of [method, '*']) {
    const q = queues.get(key);
    const entry = q?.[0];
    if (!q || !entry) continue;
    entry.remaining -= 1;
    if (entry.remaining <= 0) q.shift();
    return entry;
  }
  return undefined;
}

// ---- argument parsing ----------------------------------------------------------------------------------------

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
  return m ? m[1]! : null;
}

/** Decodes a Web API body the way Slack does: form fields (nested values as JSON strings) or a JSON object. */
export function parseArgs(raw: string, contentType: string, query: URLSearchParams): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [k, v] of query) args[k] = v;
  if (raw.trim() === '') return decodeValues(args);
  if (contentType === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SlackApiError('invalid_json');
    return { ...args, ...(parsed as Record<string, unknown>) };
  }
  if (contentType === 'application/x-www-form-urlencoded' || contentType === '') {
    for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
    return decodeValues(args);
  }
  throw new SlackApiError('invalid_form_data');
}

function decodeValues(args: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(args)) {
    if (typeof v !== 'string') continue;
    const jsonError = JSON_ARGS[k];
    if (jsonError) {
      try {
        args[k] = JSON.parse(v);
      } catch {
        throw new SlackApiError(jsonError);
      }
    } else if (BOOLEAN_ARGS.has(k)) {
      if (v === 'true' || v === '1') args[k] = true;
      else if (v === 'false' || v === '0') args[k] = false;
    }
  }
  return args;
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function requireString(v: unknown, error: string): string {
  if (typeof v !== 'string' || v === '') throw new SlackApiError(error);
  return v;
}

function invalidBlocks(problems: ReturnType<typeof checkBlocks>): SlackApiError {
  return new SlackApiError('invalid_blocks', {
    errors: problems.map((p) => `${p.message} [json-pointer:${p.pointer}]`),
    response_metadata: { messages: problemMessages(problems) },
  });
}

/** Message content from chat.* arguments, checked like Slack checks it. */
export function messageContent(a: Record<string, unknown>, requireSomething: boolean): MessageContent {
  const content: MessageContent = {};
  if (a.text !== undefined && a.text !== null) content.text = String(a.text);
  if (a.blocks !== undefined && a.blocks !== null) {
    if (!Array.isArray(a.blocks)) throw new SlackApiError('invalid_blocks_format');
    const problems = checkBlocks(a.blocks, 'message');
    if (problems.length > 0) throw invalidBlocks(problems);
    if (blockTextChars(a.blocks) > MAX_BLOCK_TEXT_CHARS) throw new SlackApiError('msg_blocks_too_long');
    content.blocks = a.blocks;
  }
  if (a.attachments !== undefined && a.attachments !== null) {
    if (!Array.isArray(a.attachments)) throw new SlackApiError('invalid_attachments');
    if (a.attachments.length > 100) throw new SlackApiError('too_many_attachments');
    content.attachments = a.attachments;
  }
  if (a.metadata !== undefined && a.metadata !== null) {
    const m = a.metadata as { event_type?: unknown; event_payload?: unknown };
    if (
      typeof m !== 'object' ||
      typeof m.event_type !== 'string' ||
      m.event_type === '' ||
      typeof m.event_payload !== 'object' ||
      m.event_payload === null ||
      Array.isArray(m.event_payload)
    ) {
      throw new SlackApiError('invalid_metadata_format');
    }
    content.metadata = { event_type: m.event_type, event_payload: m.event_payload as Record<string, unknown> };
  }
  const empty = !content.text?.trim() && !content.blocks?.length && !content.attachments?.length;
  if (requireSomething && empty) throw new SlackApiError('no_text');
  return content;
}

// ---- wire shapes ---------------------------------------------------------------------------------------------

type AnyMessage = Omit<SlackMessage, 'replies'> & { replies?: unknown };

/** Slack returns message metadata from conversations.history and .replies only when asked for it. */
function withMetadataIf(args: Record<string, unknown>, wire: Record<string, unknown>): Record<string, unknown> {
  if (args.include_all_metadata !== true) delete wire.metadata;
  return wire;
}

/** A message as Slack's API returns it (the fake's bookkeeping removed). */
export function wireMessage(m: AnyMessage): Record<string, unknown> {
  const { replies: _r, history: _h, via: _v, channel: _c, unfurls: _u, ...rest } = m;
  return structuredClone(rest) as Record<string, unknown>;
}

export function viewWire(v: SlackView): Record<string, unknown> {
  return structuredClone(v) as unknown as Record<string, unknown>;
}

export function channelWire(ch: ChannelRecord, numMembers: boolean): Record<string, unknown> {
  if (ch.isIm) {
    return {
      id: ch.id,
      created: ch.created,
      is_im: true,
      is_org_shared: false,
      user: ch.imUser,
      is_user_deleted: false,
      is_archived: false,
    };
  }
  return {
    id: ch.id,
    name: ch.name,
    is_channel: !ch.isPrivate,
    is_group: ch.isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: ch.isPrivate,
    created: ch.created,
    is_archived: ch.isArchived,
    is_general: ch.name === 'general',
    unlinked: 0,
    name_normalized: ch.name,
    is_shared: ch.shared === 'external' || ch.shared === 'org',
    is_org_shared: ch.shared === 'org',
    is_pending_ext_shared: ch.shared === 'pending',
    is_ext_shared: ch.shared === 'external',
    is_member: ch.isMember,
    topic: { value: ch.topic, creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    ...(numMembers ? { num_members: ch.members.size + (ch.isMember ? 1 : 0) } : {}),
  };
}

export function userWire(u: UserRecord, ws: Workspace): Record<string, unknown> {
  const { offset, label } = tzInfo(u.tz, ws.now());
  return {
    id: u.id,
    team_id: u.teamId ?? ws.identity.teamId,
    name: u.name,
    deleted: u.deleted,
    real_name: u.realName,
    tz: u.tz,
    tz_label: label,
    tz_offset: offset,
    is_admin: u.isAdmin,
    is_owner: false,
    is_restricted: u.guest !== null,
    is_ultra_restricted: u.guest === 'single',
    ...(u.teamId !== null ? { is_stranger: !u.knownExternal } : {}),
    is_bot: u.isBot,
    is_app_user: false,
    updated: Math.floor(ws.now() / 1000),
    profile: {
      real_name: u.realName,
      display_name: u.name,
      ...(u.isBot ? { bot_id: ws.identity.botId, api_app_id: ws.identity.appId } : {}),
    },
  };
}

/** users.info's tz_offset (seconds east of UTC) and tz_label at `nowMs`, from the platform's time zone data. */
function tzInfo(tz: string, nowMs: number): { offset: number; label: string } {
  try {
    const date = new Date(nowMs);
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(date);
    const off = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(off);
    const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
    const long = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' }).formatToParts(date);
    const label = long.find((p) => p.type === 'timeZoneName')?.value ?? tz;
    return { offset, label };
  } catch {
    return { offset: 0, label: 'Coordinated Universal Time' };
  }
}
