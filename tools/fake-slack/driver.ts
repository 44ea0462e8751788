/**
 * The Slack side of interactivity: builds the payloads Slack sends (slash commands form-encoded, interactions as
 * `payload=<json>`, events as JSON envelopes), signs them like Slack, POSTs them to the bot and applies what the
 * bot answers (a slash command's ack body, a view submission's response_action) to the workspace.
 */

import type { ReplyTarget, ResponseUrls } from './response-url.js';
import { signSlackRequest } from './signing.js';
import type { SocketEnvelopeType, SocketModeServer } from './socket-mode.js';
import { SLACKBOT_USER_ID, SlackApiError, type Workspace } from './state.js';
import type {
  Delivery,
  DeliveryKind,
  DeliveryResult,
  EphemeralMessage,
  OpenView,
  SendOptions,
  SlackMessage,
  SlackView,
} from './types.js';
import { viewWire, wireMessage } from './web-api.js';

type Obj = Record<string, unknown>;

export interface SlashCommandParams {
  /** Everything after the command (`jobs running`). */
  text: string;
  userId?: string;
  channelId?: string;
  /** Default `/modelarts`. */
  command?: string;
}

/** Where a clicked element lives: a channel message, an ephemeral message, or a view (modal / Home). */
export type ActionSource =
  | SlackMessage
  | EphemeralMessage
  | { ts: string; channel?: string; ephemeral?: boolean }
  | string;

export interface BlockActionParams {
  actionId: string;
  /** Button value, or the value of the option chosen in an overflow menu / select. */
  value?: string;
  blockId?: string;
  userId?: string;
  channelId?: string;
  /** The message holding the element (an object from messages()/ephemerals(), or a ts). */
  message?: ActionSource;
  /** The view holding the element (an OpenView, a SlackView, or a view id). */
  view?: OpenView | SlackView | string;
  /** Override the response_url the payload carries. */
  responseUrl?: string;
  /** For selects: the chosen conversation / user / date. */
  selectedConversation?: string;
  selectedUser?: string;
  selectedDate?: string;
  /** Values of the view's inputs at click time (Slack sends the view's state with every action in it). */
  values?: Record<string, Record<string, unknown> | string>;
}

export interface ShortcutParams {
  callbackId: string;
  userId?: string;
}

/** What the user typed into an external_select of an open view; the bot's answer (its options) is the body. */
export interface BlockSuggestionParams {
  actionId: string;
  value: string;
  /** The open view holding the select (default: the user's newest modal). */
  viewId?: string;
  userId?: string;
}

export interface MessageShortcutParams {
  callbackId: string;
  userId?: string;
  channelId?: string;
  /** The message the "…" menu was opened on (object from messages() or its ts). */
  message: SlackMessage | { ts: string; channel?: string } | string;
}

export interface ViewSubmissionParams {
  /** Default: the user's top modal. */
  viewId?: string;
  userId?: string;
  /**
   * Input values by block_id: Slack's state shape (`{ action_id: { type, value } }`) or, for convenience, a plain
   * string that is put into the block's element (text inputs, selects by option value, conversation ids).
   */
  values?: Record<string, Record<string, unknown> | string>;
}

export interface ViewClosedParams {
  viewId?: string;
  userId?: string;
}

export interface AppHomeOpenedParams {
  userId?: string;
  tab?: 'home' | 'messages';
}

export interface LinkSharedParams {
  urls: string[];
  userId?: string;
  channelId: string;
  /** The message holding the links (default: a new message by the user is posted with them). */
  messageTs?: string;
  threadTs?: string;
}

export class DriverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriverError';
  }
}

export interface DriverOptions {
  signingSecret: string;
  verificationToken: string;
  ackTimeoutMs: number;
  botUrl: () => string | undefined;
  socket: SocketModeServer;
  defaultUserId: string;
  defaultChannelId: () => string;
}

export class Driver {
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly ws: Workspace,
    private readonly responseUrls: ResponseUrls,
    private readonly opts: DriverOptions,
  ) {}

  // ---- low level -------------------------------------------------------------------------------------------

  /** POSTs a body signed (or deliberately mis-signed) like Slack and returns the bot's answer. */
  async sendRaw(
    rawBody: string,
    contentType: string,
    options: SendOptions = {},
    kind: DeliveryKind = 'raw',
    payload: Obj = {},
  ): Promise<DeliveryResult> {
    if (this.transportFor(options, kind) === 'socket') return this.sendOverSocket(kind, rawBody, payload, options);
    const url = this.opts.botUrl();
    if (!url) {
      throw new DriverError(
        'fake Slack has no bot URL and no Socket Mode connection: pass botUrl, call setBotUrl() or start the app in Socket Mode',
      );
    }
    const nowSec = Math.floor(Date.now() / 1000);
    const timestamp = options.timestamp ?? (options.stale ? nowSec - 600 : nowSec);
    const secret = options.wrongSignature ? `${this.opts.signingSecret}-wrong` : this.opts.signingSecret;
    const headers: Record<string, string> = {
      'content-type': contentType,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...(options.unsigned ? {} : signSlackRequest(secret, rawBody, timestamp).headers),
      ...options.headers,
    };
    const started = performance.now();
    let result: DeliveryResult;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body: rawBody,
        // Slack gives up after 3 s; waiting a little longer still lets a late answer be seen and reported.
        signal: AbortSignal.timeout(this.opts.ackTimeoutMs + 2000),
      });
      const text = await res.text();
      const elapsedMs = performance.now() - started;
      const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
      let body: unknown = text;
      if (isJson && text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const outcome =
        elapsedMs > this.opts.ackTimeoutMs ? 'operation_timeout' : res.status === 200 ? 'ok' : 'http_error';
      result = {
        status: res.status,
        body,
        text,
        headers: headersOf(res.headers),
        elapsedMs,
        outcome,
        request: { kind, rawBody, payload, headers },
        transport: 'http',
      };
    } catch (err) {
      const elapsedMs = performance.now() - started;
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      result = {
        status: 0,
        body: null,
        text: '',
        headers: {},
        elapsedMs,
        outcome: timedOut ? 'operation_timeout' : 'dispatch_failed',
        request: { kind, rawBody, payload, headers },
        transport: 'http',
      };
    }
    this.deliveries.push({ ...result, at: this.ws.now() });
    this.ws.emit('call');
    return result;
  }

  /** The same bytes and headers again, as someone who captured the request would send them (HTTP only). */
  replay(delivery: DeliveryResult): Promise<DeliveryResult> {
    const { kind, rawBody, payload, headers } = delivery.request;
    if (delivery.transport !== 'http' || !headers) throw new DriverError('only an HTTP delivery can be replayed');
    return this.sendRaw(
      rawBody,
      headers['content-type'] ?? 'application/json',
      { mode: 'http', headers },
      kind,
      payload,
    );
  }

  /**
   * Slack's own retry of a delivery it thinks failed: the same body (same event_id) signed afresh with a new
   * timestamp, with X-Slack-Retry-Num / X-Slack-Retry-Reason (HTTP) or retry_attempt / retry_reason (Socket Mode).
   */
  redeliver(delivery: DeliveryResult, attempt = 1, reason = 'http_timeout'): Promise<DeliveryResult> {
    const { kind, rawBody, payload, headers } = delivery.request;
    const retry = { 'x-slack-retry-num': String(attempt), 'x-slack-retry-reason': reason };
    if (delivery.transport === 'socket') return this.sendOverSocket(kind, rawBody, payload, { headers: retry });
    const contentType = headers?.['content-type'] ?? 'application/json';
    // Slack retries after its 3-second ack timeout at the earliest: never signed in the same second as the original.
    const original = Number(headers?.['x-slack-request-timestamp'] ?? 0);
    const timestamp = Math.max(Math.floor(Date.now() / 1000), original + 1);
    return this.sendRaw(rawBody, contentType, { mode: 'http', headers: retry, timestamp }, kind, payload);
  }

  private transportFor(options: SendOptions, kind: DeliveryKind): 'http' | 'socket' {
    if (options.mode === 'socket') {
      if (kind === 'raw') throw new DriverError('a raw body has no Socket Mode envelope type: send it over HTTP');
      return 'socket';
    }
    if (options.mode === 'http' || kind === 'raw') return 'http';
    const signingFault = options.unsigned || options.wrongSignature || options.stale || options.timestamp !== undefined;
    return !signingFault && this.opts.socket.connected ? 'socket' : 'http';
  }

  /**
   * Socket Mode: the same payload in an envelope; the ack's `payload` plays the part of the HTTP answer's body (an
   * empty payload is an empty answer), so commands and submissions are applied the same way.
   */
  private async sendOverSocket(
    kind: DeliveryKind,
    httpBody: string,
    payload: Obj,
    options: SendOptions,
  ): Promise<DeliveryResult> {
    const type = ENVELOPE_TYPES[kind];
    if (!type) throw new DriverError(`${kind} cannot be sent over Socket Mode`);
    const retryNum = Number(options.headers?.['x-slack-retry-num'] ?? 0);
    const started = performance.now();
    const { envelope, ack } = this.opts.socket.deliver(type, payload, {
      acceptsResponsePayload: kind === 'slash_command' || kind === 'view_submission',
      // As over HTTP: Slack gives up after the ack timeout, a little longer still shows a late ack.
      timeoutMs: this.opts.ackTimeoutMs + 2000,
      retryAttempt: Number.isInteger(retryNum) ? retryNum : 0,
      retryReason: options.headers?.['x-slack-retry-reason'] ?? '',
    });
    const answer = await ack;
    const elapsedMs = performance.now() - started;
    const rawBody = envelope ? JSON.stringify(envelope) : httpBody;
    const sent = {
      request: { kind, rawBody, payload },
      transport: 'socket' as const,
      headers: {},
      elapsedMs,
      ...(envelope ? { envelopeId: String(envelope.envelope_id) } : {}),
      ...(answer.kind !== 'not_connected' ? { connectionId: answer.connectionId } : {}),
    };
    let result: DeliveryResult;
    if (answer.kind === 'ack') {
      const body = answer.payload && Object.keys(answer.payload).length > 0 ? answer.payload : '';
      result = {
        ...sent,
        status: 200,
        body,
        text: body === '' ? '' : JSON.stringify(body),
        outcome: elapsedMs > this.opts.ackTimeoutMs ? 'operation_timeout' : 'ok',
      };
    } else {
      result = {
        ...sent,
        status: 0,
        body: null,
        text: '',
        outcome: answer.kind === 'timeout' ? 'operation_timeout' : 'dispatch_failed',
      };
    }
    this.deliveries.push({ ...result, at: this.ws.now() });
    this.ws.emit('call');
    return result;
  }

  private async sendInteraction(kind: DeliveryKind, payload: Obj, options?: SendOptions): Promise<DeliveryResult> {
    const raw = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.sendRaw(raw, 'application/x-www-form-urlencoded', options, kind, payload);
  }

  // ---- slash commands --------------------------------------------------------------------------------------

  async sendSlashCommand(p: SlashCommandParams, options?: SendOptions): Promise<DeliveryResult> {
    const userId = p.userId ?? this.opts.defaultUserId;
    const channelId = p.channelId ?? this.opts.defaultChannelId();
    const command = p.command ?? '/modelarts';
    const user = this.ws.users.get(userId);
    const target: ReplyTarget = { channelId, userId, original: null };
    const fields: Record<string, string> = {
      token: this.opts.verificationToken,
      team_id: options?.workspace?.teamId ?? this.ws.identity.teamId,
      team_domain: options?.workspace?.teamDomain ?? this.ws.identity.teamDomain,
      ...(options?.workspace?.enterpriseId ? { enterprise_id: options.workspace.enterpriseId } : {}),
      channel_id: channelId,
      channel_name: this.channelName(channelId),
      user_id: userId,
      user_name: user?.name ?? userId,
      command,
      text: p.text,
      api_app_id: this.ws.identity.appId,
      is_enterprise_install: 'false',
      response_url: this.responseUrls.create(target),
      trigger_id: this.ws.issueTrigger(userId),
    };
    const raw = new URLSearchParams(fields).toString();
    const res = await this.sendRaw(raw, 'application/x-www-form-urlencoded', options, 'slash_command', fields);
    if (!options?.unsigned && !options?.wrongSignature && !options?.stale) this.applyCommandAck(command, target, res);
    return res;
  }

  /** What Slack shows for a slash command's HTTP answer: its body as a message, or an error from Slackbot. */
  private applyCommandAck(command: string, target: ReplyTarget, res: DeliveryResult): void {
    if (res.outcome !== 'ok') {
      const error = res.outcome === 'http_error' ? 'dispatch_failed' : res.outcome;
      this.ws.addEphemeral({
        channel: target.channelId,
        user: target.userId,
        author: SLACKBOT_USER_ID,
        content: { text: `${command} failed with the error "${error}"` },
        via: 'slackbot',
      });
      return;
    }
    if (res.text.trim() === '') return;
    const body = typeof res.body === 'object' && res.body !== null ? (res.body as Obj) : { text: res.text };
    try {
      this.responseUrls.apply(target, body, 'ack');
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      this.ws.addEphemeral({
        channel: target.channelId,
        user: target.userId,
        author: SLACKBOT_USER_ID,
        content: { text: `${command} failed with the error "${err.code}"` },
        via: 'slackbot',
      });
    }
  }

  // ---- block actions ---------------------------------------------------------------------------------------

  async sendBlockAction(p: BlockActionParams, options?: SendOptions): Promise<DeliveryResult> {
    const userId = p.userId ?? this.opts.defaultUserId;
    const payload: Obj = {
      type: 'block_actions',
      user: this.userObj(userId),
      api_app_id: this.ws.identity.appId,
      token: this.opts.verificationToken,
      trigger_id: this.ws.issueTrigger(userId),
      team: this.teamObj(options),
      enterprise: this.enterpriseObj(options),
      is_enterprise_install: false,
    };
    let blocks: unknown[] = [];
    let responseTarget: ReplyTarget | null = null;
    let liveView: OpenView | undefined;
    if (p.view !== undefined) {
      const viewId = typeof p.view === 'string' ? p.view : 'view' in p.view ? p.view.view.id : p.view.id;
      liveView = this.ws.liveView(viewId);
      if (!liveView) throw new DriverError(`no open view ${viewId}`);
      if (p.values) liveView.view.state = { values: this.stateValues(liveView.view, p.values) };
      blocks = liveView.view.blocks;
      payload.container = { type: 'view', view_id: liveView.view.id };
      payload.view = viewWire(liveView.view);
      payload.state = structuredClone(liveView.view.state);
    } else {
      const found = p.message !== undefined ? this.resolveMessage(p.message, p.channelId) : undefined;
      const channelId = found?.channel ?? p.channelId ?? this.opts.defaultChannelId();
      payload.channel = { id: channelId, name: this.channelName(channelId) };
      if (found?.kind === 'ephemeral') {
        blocks = found.message.blocks ?? [];
        payload.container = {
          type: 'message',
          message_ts: found.message.ts,
          channel_id: channelId,
          is_ephemeral: true,
        };
        responseTarget = { channelId, userId, original: { kind: 'ephemeral', id: found.message.id } };
      } else if (found?.kind === 'channel') {
        const m = found.message;
        blocks = m.blocks ?? [];
        payload.container = {
          type: 'message',
          message_ts: m.ts,
          channel_id: channelId,
          is_ephemeral: false,
          ...(m.thread_ts && m.thread_ts !== m.ts ? { thread_ts: m.thread_ts } : {}),
        };
        payload.message = wireMessage(m);
        responseTarget = { channelId, userId, original: { kind: 'channel', channel: channelId, ts: m.ts } };
      } else {
        const ts = typeof p.message === 'string' ? p.message : this.ws.ids.ts(this.ws.now());
        payload.container = { type: 'message', message_ts: ts, channel_id: channelId, is_ephemeral: false };
        responseTarget = { channelId, userId, original: null };
      }
      payload.state = { values: messageState(blocks) };
    }
    if (responseTarget) payload.response_url = p.responseUrl ?? this.responseUrls.create(responseTarget);
    else if (p.responseUrl) payload.response_url = p.responseUrl;
    payload.actions = [this.actionObj(p, blocks)];
    return this.sendInteraction('block_actions', payload, options);
  }

  private actionObj(p: BlockActionParams, blocks: unknown[]): Obj {
    const hit = findElement(blocks, p.actionId, p.value, p.blockId);
    const el = hit?.element ?? { type: 'button', action_id: p.actionId, text: plain(p.actionId), value: p.value };
    const base: Obj = {
      type: el.type,
      action_id: p.actionId,
      block_id: hit?.blockId ?? p.blockId ?? this.ws.ids.token('', 5),
      action_ts: `${(Date.now() / 1000).toFixed(6)}`,
    };
    switch (el.type) {
      case 'button':
        return {
          ...base,
          text: el.text ?? plain(p.actionId),
          ...(el.value !== undefined || p.value !== undefined ? { value: p.value ?? el.value } : {}),
          ...(el.style !== undefined ? { style: el.style } : {}),
          ...(el.url !== undefined ? { url: el.url } : {}),
        };
      case 'overflow':
      case 'static_select':
      case 'radio_buttons': {
        const option = optionsOf(el).find((o) => o.value === p.value) ?? { text: plain(p.value ?? ''), value: p.value };
        return { ...base, selected_option: option, ...(el.placeholder ? { placeholder: el.placeholder } : {}) };
      }
      case 'multi_static_select':
      case 'checkboxes': {
        const option = optionsOf(el).find((o) => o.value === p.value);
        return { ...base, selected_options: option ? [option] : [] };
      }
      case 'conversations_select':
        return { ...base, selected_conversation: p.selectedConversation ?? p.value ?? null };
      case 'channels_select':
        return { ...base, selected_channel: p.selectedConversation ?? p.value ?? null };
      case 'users_select':
        return { ...base, selected_user: p.selectedUser ?? p.value ?? null };
      case 'datepicker':
        return { ...base, selected_date: p.selectedDate ?? p.value ?? null };
      default:
        return { ...base, ...(p.value !== undefined ? { value: p.value } : {}) };
    }
  }

  // ---- shortcuts -------------------------------------------------------------------------------------------

  async sendShortcut(p: ShortcutParams, options?: SendOptions): Promise<DeliveryResult> {
    const userId = p.userId ?? this.opts.defaultUserId;
    const payload: Obj = {
      type: 'shortcut',
      token: this.opts.verificationToken,
      action_ts: `${(Date.now() / 1000).toFixed(6)}`,
      team: this.teamObj(options),
      user: this.userObj(userId),
      is_enterprise_install: false,
      enterprise: this.enterpriseObj(options),
      callback_id: p.callbackId,
      trigger_id: this.ws.issueTrigger(userId),
    };
    return this.sendInteraction('shortcut', payload, options);
  }

  async sendBlockSuggestion(p: BlockSuggestionParams, options?: SendOptions): Promise<DeliveryResult> {
    const userId = p.userId ?? this.opts.defaultUserId;
    const viewId = p.viewId ?? this.ws.modals(userId).at(-1)?.view.id;
    const open = viewId ? this.ws.liveView(viewId) : undefined;
    if (!open) throw new DriverError(`no open view for ${userId}`);
    const blockId = (open.view.blocks as Obj[]).find(
      (b) => (b?.element as Obj | undefined)?.action_id === p.actionId,
    )?.block_id;
    const payload: Obj = {
      type: 'block_suggestion',
      token: this.opts.verificationToken,
      team: this.teamObj(options),
      user: this.userObj(userId),
      api_app_id: this.ws.identity.appId,
      action_id: p.actionId,
      block_id: blockId ?? this.ws.ids.token('', 5),
      value: p.value,
      container: { type: 'view', view_id: open.view.id },
      view: viewWire(open.view),
      is_enterprise_install: false,
      enterprise: this.enterpriseObj(options),
    };
    return this.sendInteraction('block_suggestion', payload, options);
  }

  async sendMessageShortcut(p: MessageShortcutParams, options?: SendOptions): Promise<DeliveryResult> {
    const userId = p.userId ?? this.opts.defaultUserId;
    const found = this.resolveMessage(p.message, p.channelId);
    if (found?.kind !== 'channel') throw new DriverError('message shortcuts need a channel message the fake knows');
    const m = found.message;
    const payload: Obj = {
      type: 'message_action',
      token: this.opts.verificationToken,
      action_ts: `${(Date.now() / 1000).toFixed(6)}`,
      team: this.teamObj(options),
      user: this.userObj(userId),
      channel: { id: m.channel, name: this.channelName(m.channel) },
      is_enterprise_install: false,
      enterprise: this.enterpriseObj(options),
      callback_id: p.callbackId,
      trigger_id: this.ws.issueTrigger(userId),
      response_url: this.responseUrls.create({ channelId: m.channel, userId, original: null }),
      message_ts: m.ts,
      message: wireMessage(m),
    };
    return this.sendInteraction('message_action', payload, options);
  }

  // ---- views -----------------------------------------------------------------------------------------------

  async sendViewSubmission(p: ViewSubmissionParams = {}, options?: SendOptions): Promise<DeliveryResult> {
    const userId = p.userId ?? this.opts.defaultUserId;
    const ov = p.viewId ? this.ws.liveView(p.viewId) : this.ws.topModal(userId);
    if (ov?.view.type !== 'modal') throw new DriverError(`no open modal ${p.viewId ?? `for ${userId}`}`);
    const values = this.stateValues(ov.view, p.values ?? {});
    const missing = requiredEmpty(ov.view.blocks, values);
    if (missing.length > 0) {
      throw new DriverError(`Slack would not submit: required inputs ${missing.join(', ')} are empty`);
    }
    ov.view.state = { values };
    const responseUrls = this.viewResponseUrls(ov.view, values, userId);
    const payload: Obj = {
      type: 'view_submission',
      team: this.teamObj(options),
      user: this.userObj(userId),
      api_app_id: this.ws.identity.appId,
      token: this.opts.verificationToken,
      trigger_id: this.ws.issueTrigger(userId),
      view: viewWire(ov.view),
      response_urls: responseUrls,
      is_enterprise_install: false,
      enterprise: this.enterpriseObj(options),
    };
    const res = await this.sendInteraction('view_submission', payload, options);
    if (!options?.unsigned && !options?.wrongSignature && !options?.stale) this.applySubmissionAck(ov, res);
    return res;
  }

  /** Slack's handling of a view_submission answer: close, show errors, update, push or clear. */
  private applySubmissionAck(ov: OpenView, res: DeliveryResult): void {
    if (res.outcome !== 'ok') {
      ov.problem = 'We had some trouble connecting. Try again?';
      this.ws.changed();
      return;
    }
    if (res.text.trim() === '') {
      this.ws.closeModal(ov.userId);
      return;
    }
    const body = res.body as Obj | null;
    const action = typeof body === 'object' && body !== null ? body.response_action : undefined;
    if (action === 'errors' && typeof body?.errors === 'object' && body.errors !== null) {
      ov.errors = Object.fromEntries(Object.entries(body.errors as Obj).map(([k, v]) => [k, String(v)]));
      ov.problem = null;
      this.ws.changed();
      return;
    }
    if ((action === 'update' || action === 'push') && typeof body?.view === 'object' && body.view !== null) {
      try {
        if (action === 'update') this.ws.replaceView(ov, this.ws.buildView(body.view as Obj, ov.view, null));
        else this.ws.pushModal(ov.userId, this.ws.buildView(body.view as Obj, null, null));
      } catch (err) {
        if (!(err instanceof SlackApiError)) throw err;
        ov.problem = 'We had some trouble connecting. Try again?';
        this.ws.changed();
      }
      return;
    }
    if (action === 'clear') {
      this.ws.closeModal(ov.userId, true);
      return;
    }
    // Any other body is not a valid answer: Slack keeps the modal open and complains.
    ov.problem = 'We had some trouble connecting. Try again?';
    this.ws.changed();
  }

  async sendViewClosed(p: ViewClosedParams = {}, options?: SendOptions): Promise<DeliveryResult | null> {
    const userId = p.userId ?? this.opts.defaultUserId;
    const ov = p.viewId ? this.ws.liveView(p.viewId) : this.ws.topModal(userId);
    if (ov?.view.type !== 'modal') throw new DriverError(`no open modal ${p.viewId ?? `for ${userId}`}`);
    const view = viewWire(ov.view);
    this.ws.closeModal(ov.userId, ov.view.clear_on_close);
    if (!ov.view.notify_on_close) return null;
    const payload: Obj = {
      type: 'view_closed',
      team: this.teamObj(options),
      user: this.userObj(userId),
      api_app_id: this.ws.identity.appId,
      token: this.opts.verificationToken,
      view,
      is_cleared: ov.view.clear_on_close,
      is_enterprise_install: false,
      enterprise: this.enterpriseObj(options),
    };
    return this.sendInteraction('view_closed', payload, options);
  }

  // ---- events ----------------------------------------------------------------------------------------------

  /** Wraps an event in Slack's event_callback envelope; app_home_opened and link_shared get their usual fields. */
  async sendEvent(event: Obj & { type: string }, options?: SendOptions): Promise<DeliveryResult> {
    const id = this.ws.identity;
    const teamId = options?.workspace?.teamId ?? id.teamId;
    const enterpriseId = options?.workspace?.enterpriseId ?? null;
    const eventTs = `${(Date.now() / 1000).toFixed(6)}`;
    const full: Obj = { event_ts: eventTs, ...event };
    if (event.type === 'app_home_opened') {
      const userId = typeof event.user === 'string' ? event.user : this.opts.defaultUserId;
      full.user = userId;
      full.channel ??= this.ws.imWith(userId).id;
      full.tab ??= 'home';
      const home = this.ws.liveHome(userId);
      if (home && full.view === undefined) full.view = viewWire(home.view);
    }
    const envelope: Obj = {
      token: this.opts.verificationToken,
      team_id: teamId,
      context_team_id: teamId,
      context_enterprise_id: enterpriseId,
      api_app_id: id.appId,
      event: full,
      type: 'event_callback',
      event_id: this.ws.ids.token('Ev', 10).toUpperCase(),
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: enterpriseId,
          team_id: teamId,
          user_id: id.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: this.ws.ids.token('4-', 24),
    };
    return this.sendRaw(JSON.stringify(envelope), 'application/json', options, 'event_callback', envelope);
  }

  sendAppHomeOpened(p: AppHomeOpenedParams = {}, options?: SendOptions): Promise<DeliveryResult> {
    return this.sendEvent(
      { type: 'app_home_opened', user: p.userId ?? this.opts.defaultUserId, tab: p.tab ?? 'home' },
      options,
    );
  }

  /** A user shares links: Slack posts their message and tells the app (which may chat.unfurl them). */
  async sendLinkShared(p: LinkSharedParams, options?: SendOptions): Promise<DeliveryResult> {
    const userId = p.userId ?? this.opts.defaultUserId;
    const messageTs =
      p.messageTs ??
      this.ws.addMessage({
        channel: p.channelId,
        author: userId,
        content: { text: p.urls.map((u) => `<${u}>`).join(' ') },
        threadTs: p.threadTs,
        via: 'user',
      }).ts;
    const unfurlId = this.ws.ids.token('C', 20);
    this.ws.registerUnfurl(unfurlId, p.channelId, messageTs);
    return this.sendEvent(
      {
        type: 'link_shared',
        channel: p.channelId,
        is_bot_user_member: this.ws.channels.get(p.channelId)?.isMember ?? false,
        user: userId,
        message_ts: messageTs,
        ...(p.threadTs ? { thread_ts: p.threadTs } : {}),
        unfurl_id: unfurlId,
        source: 'conversations_history',
        links: p.urls.map((url) => ({ domain: hostOf(url), url })),
      },
      options,
    );
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  private teamObj(options?: SendOptions): Obj {
    const other = options?.workspace;
    if (other) return { id: other.teamId, domain: other.teamDomain ?? other.teamId.toLowerCase() };
    return { id: this.ws.identity.teamId, domain: this.ws.identity.teamDomain };
  }

  private enterpriseObj(options?: SendOptions): Obj | null {
    const id = options?.workspace?.enterpriseId;
    return id ? { id, name: id } : null;
  }

  private userObj(userId: string): Obj {
    const u = this.ws.users.get(userId);
    return {
      id: userId,
      username: u?.name ?? userId,
      name: u?.name ?? userId,
      team_id: u?.teamId ?? this.ws.identity.teamId,
    };
  }

  private channelName(channelId: string): string {
    const ch = this.ws.channels.get(channelId);
    if (!ch) return channelId.startsWith('D') ? 'directmessage' : 'unknown';
    if (ch.isIm) return 'directmessage';
    return ch.isPrivate ? 'privategroup' : ch.name;
  }

  private resolveMessage(
    source: ActionSource | MessageShortcutParams['message'],
    channelHint: string | undefined,
  ):
    | { kind: 'channel'; channel: string; message: SlackMessage }
    | { kind: 'ephemeral'; channel: string; message: EphemeralMessage }
    | undefined {
    const ts = typeof source === 'string' ? source : source.ts;
    const isEphemeral = typeof source === 'object' && 'ephemeral' in source && source.ephemeral === true;
    const channel = typeof source === 'object' && typeof source.channel === 'string' ? source.channel : channelHint;
    if (!isEphemeral && channel) {
      const m = this.ws.message(channel, ts);
      if (m) return { kind: 'channel', channel, message: m };
    }
    const e = this.ws.findEphemeral(ts);
    if (e) return { kind: 'ephemeral', channel: e.channel, message: e };
    if (!isEphemeral && !channel) {
      for (const ch of this.ws.channels.keys()) {
        const m = this.ws.message(ch, ts);
        if (m) return { kind: 'channel', channel: ch, message: m };
      }
    }
    return undefined;
  }

  /** A view's full state.values: every input block, with the given values filled in. */
  private stateValues(
    view: SlackView,
    given: Record<string, Record<string, unknown> | string>,
  ): Record<string, Record<string, unknown>> {
    const values: Record<string, Record<string, unknown>> = structuredClone(view.state.values);
    for (const b of view.blocks as Obj[]) {
      if (b?.type !== 'input' || typeof b.block_id !== 'string') continue;
      const el = b.element as Obj | undefined;
      if (!el || typeof el.action_id !== 'string') continue;
      const g = given[b.block_id];
      if (g !== undefined && typeof g === 'object') {
        values[b.block_id] = structuredClone(g);
        continue;
      }
      const current = values[b.block_id]?.[el.action_id];
      const entry = g === undefined ? (current ?? initialState(el)) : stateEntry(el, g);
      values[b.block_id] = { [el.action_id]: entry };
    }
    for (const [blockId, g] of Object.entries(given)) {
      if (!(blockId in values)) values[blockId] = typeof g === 'object' ? structuredClone(g) : { value: { value: g } };
    }
    return values;
  }

  /** response_urls for conversation pickers with response_url_enabled, one per chosen conversation. */
  private viewResponseUrls(view: SlackView, values: Record<string, Record<string, unknown>>, userId: string): Obj[] {
    const out: Obj[] = [];
    for (const b of view.blocks as Obj[]) {
      const el = b?.element as Obj | undefined;
      if (b?.type !== 'input' || !el || el.response_url_enabled !== true || typeof b.block_id !== 'string') continue;
      const entry = values[b.block_id]?.[String(el.action_id)] as Obj | undefined;
      const channelId = entry?.selected_conversation ?? entry?.selected_channel;
      if (typeof channelId !== 'string') continue;
      out.push({
        block_id: b.block_id,
        action_id: el.action_id,
        channel_id: channelId,
        response_url: this.responseUrls.create({ channelId, userId, original: null }),
      });
    }
    return out;
  }
}

// ---- block helpers -------------------------------------------------------------------------------------------

const ENVELOPE_TYPES: Partial<Record<DeliveryKind, SocketEnvelopeType>> = {
  slash_command: 'slash_commands',
  block_actions: 'interactive',
  shortcut: 'interactive',
  message_action: 'interactive',
  view_submission: 'interactive',
  view_closed: 'interactive',
  block_suggestion: 'interactive',
  event_callback: 'events_api',
};

function headersOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

function plain(text: string): Obj {
  return { type: 'plain_text', text, emoji: true };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function optionsOf(el: Obj): Obj[] {
  if (Array.isArray(el.options)) return el.options as Obj[];
  if (Array.isArray(el.option_groups)) return (el.option_groups as Obj[]).flatMap((g) => (g.options as Obj[]) ?? []);
  return [];
}

/** Interactive elements of a block (accessory, actions elements, an input's element). */
function elementsOf(block: Obj): Obj[] {
  const out: Obj[] = [];
  if (block.accessory && typeof block.accessory === 'object') out.push(block.accessory as Obj);
  if (Array.isArray(block.elements) && block.type !== 'context') out.push(...(block.elements as Obj[]));
  if (block.element && typeof block.element === 'object') out.push(block.element as Obj);
  return out.filter((e) => typeof e === 'object' && e !== null);
}

/** The element an action refers to: by action_id, narrowed by block_id and (for buttons) value. */
export function findElement(
  blocks: unknown[],
  actionId: string,
  value?: string,
  blockId?: string,
): { blockId: string; element: Obj } | undefined {
  let fallback: { blockId: string; element: Obj } | undefined;
  for (const b of blocks as Obj[]) {
    if (typeof b !== 'object' || b === null) continue;
    if (blockId !== undefined && b.block_id !== blockId) continue;
    for (const el of elementsOf(b)) {
      if (el.action_id !== actionId) continue;
      const hit = { blockId: String(b.block_id ?? ''), element: el };
      if (value === undefined || el.type !== 'button' || el.value === value) return hit;
      fallback ??= hit;
    }
  }
  return fallback;
}

function initialState(el: Obj): Obj {
  switch (el.type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return { type: el.type, value: typeof el.initial_value === 'string' ? el.initial_value : null };
    case 'conversations_select':
      return { type: el.type, selected_conversation: el.initial_conversation ?? null };
    case 'channels_select':
      return { type: el.type, selected_channel: el.initial_channel ?? null };
    case 'users_select':
      return { type: el.type, selected_user: el.initial_user ?? null };
    case 'static_select':
    case 'radio_buttons':
      return { type: el.type, selected_option: el.initial_option ?? null };
    case 'multi_static_select':
    case 'checkboxes':
      return { type: el.type, selected_options: el.initial_options ?? [] };
    case 'datepicker':
      return { type: el.type, selected_date: el.initial_date ?? null };
    default:
      return { type: el.type };
  }
}

function stateEntry(el: Obj, v: string): Obj {
  switch (el.type) {
    case 'conversations_select':
      return { type: el.type, selected_conversation: v || null };
    case 'channels_select':
      return { type: el.type, selected_channel: v || null };
    case 'users_select':
      return { type: el.type, selected_user: v || null };
    case 'static_select':
    case 'radio_buttons':
      return { type: el.type, selected_option: optionsOf(el).find((o) => o.value === v) ?? null };
    case 'multi_static_select':
    case 'checkboxes': {
      const wanted = v.split(',').filter(Boolean);
      return { type: el.type, selected_options: optionsOf(el).filter((o) => wanted.includes(String(o.value))) };
    }
    case 'datepicker':
      return { type: el.type, selected_date: v || null };
    default:
      return { type: el.type, value: v === '' ? null : v };
  }
}

/** A message's state.values: its selects with their initial choices, as Slack sends with block_actions. */
function messageState(blocks: unknown[]): Obj {
  const values: Obj = {};
  for (const b of blocks as Obj[]) {
    if (typeof b !== 'object' || b === null || typeof b.block_id !== 'string') continue;
    for (const el of elementsOf(b)) {
      if (typeof el.action_id !== 'string' || el.type === 'button' || el.type === 'overflow') continue;
      values[b.block_id] = { ...((values[b.block_id] as Obj) ?? {}), [el.action_id]: initialState(el) };
    }
  }
  return values;
}

function isEmptyEntry(entry: Obj | undefined): boolean {
  if (!entry) return true;
  for (const key of [
    'value',
    'selected_conversation',
    'selected_channel',
    'selected_user',
    'selected_option',
    'selected_date',
  ]) {
    if (key in entry) return entry[key] === null || entry[key] === '';
  }
  if (Array.isArray(entry.selected_options)) return entry.selected_options.length === 0;
  return false;
}

function requiredEmpty(blocks: unknown[], values: Record<string, Record<string, unknown>>): string[] {
  const missing: string[] = [];
  for (const b of blocks as Obj[]) {
    if (b?.type !== 'input' || b.optional === true || typeof b.block_id !== 'string') continue;
    const el = b.element as Obj | undefined;
    const entry = values[b.block_id]?.[String(el?.action_id)] as Obj | undefined;
    if (isEmptyEntry(entry)) missing.push(b.block_id);
  }
  return missing;
}
