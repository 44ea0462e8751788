/**
 * One fake Slack for the end-to-end tests and the demo: the Web API (`/api/<method>`), response_url endpoints
 * (`/response/<id>`), Socket Mode (`apps.connections.open` + WebSocket upgrades on `/socket-mode/<ticket>`), a driver
 * that plays Slack towards the bot (signed HTTP requests, or envelopes over a Socket Mode connection), and a browser
 * page (`/`) that looks like a Slack channel. Everything runs in-process on one loopback HTTP server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { CALLBACK } from '../../src/slack/ids.js';
import {
  type AppHomeOpenedParams,
  type BlockActionParams,
  type BlockSuggestionParams,
  Driver,
  type LinkSharedParams,
  type MessageShortcutParams,
  type ShortcutParams,
  type SlashCommandParams,
  type ViewClosedParams,
  type ViewSubmissionParams,
} from './driver.js';
import { BodyTooLargeError, sendJson, sendText } from './http.js';
import { ResponseUrls } from './response-url.js';
import {
  rejectUpgrade,
  type SocketConnectionInfo,
  type SocketDisconnectReason,
  SocketModeServer,
} from './socket-mode.js';
import { DEFAULT_CHANNELS, DEFAULT_USERS, type Identity, Workspace } from './state.js';
import type {
  Delivery,
  DeliveryResult,
  EphemeralMessage,
  FailureSpec,
  FakeChannelInit,
  FakeSlackOptions,
  OpenView,
  RecordedCall,
  ResponseUrlPost,
  SendOptions,
  ShortcutDef,
  SlackMessage,
  SlashCommandDef,
} from './types.js';
import { UiServer } from './ui-server.js';
import { WebApi } from './web-api.js';

export { checkBlocks, checkView } from './blocks.js';
export type * from './driver.js';
export { DriverError } from './driver.js';
export { type SlackSignature, signSlackRequest } from './signing.js';
export type { SocketConnectionInfo, SocketDisconnectReason } from './socket-mode.js';
export { SLACKBOT_USER_ID } from './state.js';
export type * from './types.js';

/** The token that authenticates when no botToken option is given (any xoxb-/xoxp- token does). */
export const FAKE_BOT_TOKEN = 'xoxb-fake-slack-bot-token';

export const DEFAULT_SHORTCUTS: ShortcutDef[] = [
  { type: 'global', callbackId: CALLBACK.lookupShortcut, name: 'Look up a ModelArts job' },
  { type: 'message', callbackId: CALLBACK.watchMessageShortcut, name: 'Watch this ModelArts job' },
];

export const DEFAULT_COMMANDS: SlashCommandDef[] = [
  {
    command: '/modelarts',
    description: 'ModelArts training jobs, configs, TensorBoard, data tasks and job alerts',
    usageHint: 'jobs [running|failed…] · job JOB_ID [VERSION_ID] · configs · viz [ID] · tasks · watch JOB_ID · help',
  },
];

export const DEFAULT_UNFURL_DOMAINS = [
  'console.otc.t-systems.com',
  'console.huaweicloud.com',
  'console-intl.huaweicloud.com',
];

export interface PostUserMessageParams {
  channelId: string;
  text: string;
  userId?: string;
  threadTs?: string;
}

export interface FakeSlack {
  /** Base URL, e.g. http://127.0.0.1:3000 (the demo page). */
  readonly url: string;
  /** SLACK_API_URL for the bot: `${url}/api/`. */
  readonly apiUrl: string;
  readonly port: number;
  /** A token the fake accepts (the botToken option, or FAKE_BOT_TOKEN). */
  readonly botToken: string;
  readonly identity: Readonly<Identity>;
  /** Every Web API call, in arrival order. */
  readonly calls: readonly RecordedCall[];
  /** Every POST to a response_url, in arrival order. */
  readonly responseUrlPosts: readonly ResponseUrlPost[];
  /** Every signed request sent to the bot, with its answer. */
  readonly deliveries: readonly Delivery[];
  /** Errors the fake itself hit while serving (a test should expect none). */
  readonly serverErrors: readonly Error[];
  callsTo(method: string): RecordedCall[];
  /** Resolves with the first call (already recorded or still to come) matching `predicate`. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Resolves with the first response_url post matching `predicate`. */
  waitForResponse(predicate: (post: ResponseUrlPost) => boolean, timeoutMs?: number): Promise<ResponseUrlPost>;
  /** Resolves with the first truthy value of `check`, re-evaluated whenever the fake's state changes. */
  waitUntil<T>(check: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Makes the next call(s) of `method` fail (`*` for any method, `response_url` for response_url posts). */
  failNext(method: string, spec?: FailureSpec): void;
  /** Makes the next call(s) of `method` (`*`: any) wait `ms` before Slack handles them; a caller that gives up
   * meanwhile (timeout, abort) is recorded with status 499 and its call is not carried out. */
  delayNext(method: string, ms: number, times?: number): void;
  /** Makes the next call(s) of `method` carried out at once but answered only after `ms` (a slow success: the
   * caller times out although Slack did post). */
  slowSuccessNext(method: string, ms: number, times?: number): void;
  /** Forgets pending failures and delays. */
  clearFailures(): void;
  /** Forgets recorded calls, response_url posts and deliveries (the workspace's messages stay). */
  reset(): void;
  /** Channel timeline: top-level messages (and thread broadcasts), each with `replies`. */
  messages(channelId: string): SlackMessage[];
  thread(channelId: string, threadTs: string): SlackMessage[];
  message(channelId: string, ts: string): SlackMessage | undefined;
  deletedMessages(channelId?: string): SlackMessage[];
  /** Live ephemeral messages, optionally for one user and/or channel. */
  ephemerals(userId?: string, channelId?: string): EphemeralMessage[];
  homeView(userId: string): OpenView | undefined;
  /** A user's modal stack, bottom first. */
  modals(userId: string): OpenView[];
  addChannel(init: FakeChannelInit): void;
  updateChannel(
    id: string,
    patch: Partial<Pick<FakeChannelInit, 'name' | 'isArchived' | 'isMember' | 'isPrivate'>>,
  ): void;
  revokeToken(token: string): void;
  setBotUrl(url: string): void;
  /** Every Socket Mode connection so far (open, draining and closed), oldest first. */
  socketConnections(): SocketConnectionInfo[];
  /**
   * Sends Socket Mode `disconnect` (to one connection, or every open one): the client should reconnect; Slack closes
   * the old connection after socketDisconnectGraceMs if it does not. Returns how many connections were told.
   */
  disconnectSocket(reason?: SocketDisconnectReason, connectionId?: string): number;
  /** Drops Socket Mode connections without a close frame (a network failure). Returns how many were dropped. */
  dropSocket(connectionId?: string): number;
  /** A human posts in a channel (the demo's composer); links on unfurl domains produce link_shared. */
  postUserMessage(p: PostUserMessageParams): Promise<SlackMessage>;
  sendSlashCommand(p: SlashCommandParams, options?: SendOptions): Promise<DeliveryResult>;
  sendBlockAction(p: BlockActionParams, options?: SendOptions): Promise<DeliveryResult>;
  sendShortcut(p: ShortcutParams, options?: SendOptions): Promise<DeliveryResult>;
  /** Typing into an external_select of an open modal: the body of the result is the bot's options. */
  sendBlockSuggestion(p: BlockSuggestionParams, options?: SendOptions): Promise<DeliveryResult>;
  sendMessageShortcut(p: MessageShortcutParams, options?: SendOptions): Promise<DeliveryResult>;
  sendViewSubmission(p?: ViewSubmissionParams, options?: SendOptions): Promise<DeliveryResult>;
  /** Closes the modal; Slack tells the bot only when the view asked for notify_on_close (else resolves null). */
  sendViewClosed(p?: ViewClosedParams, options?: SendOptions): Promise<DeliveryResult | null>;
  sendEvent(event: Record<string, unknown> & { type: string }, options?: SendOptions): Promise<DeliveryResult>;
  sendAppHomeOpened(p?: AppHomeOpenedParams, options?: SendOptions): Promise<DeliveryResult>;
  sendLinkShared(p: LinkSharedParams, options?: SendOptions): Promise<DeliveryResult>;
  /** Any body, signed like Slack (or not, per options), e.g. to replay a captured request. */
  sendRaw(rawBody: string, contentType: string, options?: SendOptions): Promise<DeliveryResult>;
  /** An earlier HTTP delivery again, byte for byte with its signature headers: what a replay attacker sends. */
  replay(delivery: DeliveryResult): Promise<DeliveryResult>;
  /** Slack's retry of an earlier delivery: same body, fresh signature, retry headers (or retry_attempt). */
  redeliver(delivery: DeliveryResult, attempt?: number, reason?: string): Promise<DeliveryResult>;
  close(): Promise<void>;
}

export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  if (!options.signingSecret) throw new TypeError('startFakeSlack needs the signing secret the bot verifies with');
  const now = options.now ?? Date.now;
  const identity: Identity = {
    teamId: options.teamId ?? 'T0FAKE0001',
    teamDomain: options.teamDomain ?? 'modelarts-demo',
    teamName: options.teamName ?? 'ModelArts Demo',
    botUserId: options.botUserId ?? 'U0BOT00001',
    botId: options.botId ?? 'B0BOT00001',
    appId: options.appId ?? 'A0APP00001',
    botName: 'modelarts',
  };
  const users = options.users ?? DEFAULT_USERS;
  const ws = new Workspace(identity, now, users, options.channels ?? DEFAULT_CHANNELS, options.triggerTtlMs ?? 3000);
  let baseUrl = '';
  let botUrl = options.botUrl;
  const serverErrors: Error[] = [];
  const socket = new SocketModeServer({
    appId: identity.appId,
    baseUrl: () => baseUrl,
    now,
    onChange: () => ws.changed(),
    onError: (err) => serverErrors.push(err),
    pingIntervalMs: options.socketPingIntervalMs ?? 10_000,
    disconnectGraceMs: options.socketDisconnectGraceMs ?? 10_000,
  });
  const web = new WebApi(ws, {
    botToken: options.botToken,
    appToken: options.appToken,
    openSocket: () => socket.issueUrl(),
    chatWritePublic: options.chatWritePublic ?? false,
    rateLimit: options.rateLimit?.postMessagePerChannel
      ? { retryAfterSeconds: 1, ...options.rateLimit.postMessagePerChannel }
      : undefined,
    baseUrl: () => baseUrl,
  });
  const responseUrls = new ResponseUrls(ws, web, {
    maxUses: options.responseUrlMaxUses ?? 5,
    ttlMs: options.responseUrlTtlMs ?? 30 * 60 * 1000,
    baseUrl: () => baseUrl,
  });
  const defaultUserId = options.defaultUserId ?? users[0]?.id ?? 'U0DEMO0001';
  const defaultChannelId = () => {
    const all = [...ws.channels.values()].filter((c) => !c.isIm);
    return (all.find((c) => c.isMember && !c.isArchived) ?? all[0])?.id ?? 'C0GENERAL1';
  };
  const driver = new Driver(ws, responseUrls, {
    signingSecret: options.signingSecret,
    verificationToken: options.verificationToken ?? 'fake-verification-token',
    ackTimeoutMs: options.ackTimeoutMs ?? 3000,
    botUrl: () => botUrl,
    socket,
    defaultUserId,
    defaultChannelId,
  });
  const unfurlDomains = options.unfurlDomains ?? DEFAULT_UNFURL_DOMAINS;

  const postUserMessage = async (p: PostUserMessageParams): Promise<SlackMessage> => {
    const userId = p.userId ?? defaultUserId;
    const ch = ws.channels.get(p.channelId);
    if (!ch) throw new TypeError(`unknown channel ${p.channelId}`);
    if (ch.isArchived) throw new TypeError(`#${ch.name} is archived`);
    const text = asTyped(p.text);
    const msg = ws.addMessage({ channel: ch.id, author: userId, content: { text }, threadTs: p.threadTs, via: 'user' });
    const urls = linksIn(text).filter((u) => unfurlDomains.some((d) => hostMatches(u, d)));
    if (urls.length > 0 && (botUrl || socket.connected)) {
      await driver.sendLinkShared({
        urls,
        userId,
        channelId: ch.id,
        messageTs: msg.ts,
        ...(p.threadTs ? { threadTs: p.threadTs } : {}),
      });
    }
    return ws.message(ch.id, msg.ts) ?? { ...msg, replies: [] };
  };

  const ui = new UiServer(ws, driver, {
    shortcuts: options.shortcuts ?? DEFAULT_SHORTCUTS,
    commands: options.commands ?? DEFAULT_COMMANDS,
    defaultUserId,
    uiDir: options.uiDir,
    hasBot: () => botUrl !== undefined || socket.connected,
    postUserMessage,
  });

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
    if (api && (req.method === 'POST' || req.method === 'GET')) return web.handle(req, res, api[1]!);
    const resp = /^\/response\/([A-Za-z0-9]+)$/.exec(path);
    if (resp && req.method === 'POST') return responseUrls.handle(req, res, resp[1]!);
    if (await ui.handle(req, res, path)) return;
    sendJson(res, 404, { ok: false, error: 'unknown_route' });
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof BodyTooLargeError) {
        if (!res.headersSent) sendText(res, 413, 'request body too large');
        return;
      }
      serverErrors.push(err instanceof Error ? err : new Error(String(err)));
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fake_slack_internal_error' });
      else res.end();
    });
  });
  server.on('upgrade', (req: IncomingMessage, sock: Duplex, head: Buffer) => {
    if (!socket.handleUpgrade(req, sock, head)) rejectUpgrade(sock, 404, 'Not Found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  baseUrl = `http://${host}:${addr.port}`;

  const waitUntil = <T>(check: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const first = check();
      if (first) return resolve(first);
      const onChange = () => {
        let value: T | undefined | null | false;
        try {
          value = check();
        } catch (err) {
          cleanup();
          reject(err);
          return;
        }
        if (value) {
          cleanup();
          resolve(value);
        }
      };
      // Events cover every change the fake makes; the poll covers state a test changes by hand.
      const poll = setInterval(onChange, 50);
      const timer = setTimeout(() => {
        cleanup();
        const seen = web.calls.map((c) => c.method).join(', ') || 'none';
        reject(new Error(`fake Slack: condition not met within ${timeoutMs} ms (Web API calls so far: ${seen})`));
      }, timeoutMs);
      const cleanup = () => {
        clearInterval(poll);
        clearTimeout(timer);
        ws.off('call', onChange);
        ws.off('change', onChange);
      };
      ws.on('call', onChange);
      ws.on('change', onChange);
    });

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    port: addr.port,
    botToken: options.botToken ?? FAKE_BOT_TOKEN,
    identity,
    get calls() {
      return web.calls;
    },
    get responseUrlPosts() {
      return responseUrls.posts;
    },
    get deliveries() {
      return driver.deliveries;
    },
    serverErrors,
    callsTo: (method) => web.calls.filter((c) => c.method === method),
    waitFor: (predicate, timeoutMs) => waitUntil(() => web.calls.find(predicate), timeoutMs),
    waitForResponse: (predicate, timeoutMs) => waitUntil(() => responseUrls.posts.find(predicate), timeoutMs),
    waitUntil,
    failNext: (method, spec = { status: 500 }) => web.failNext(method, spec),
    delayNext: (method, ms, times) => web.delayNext(method, ms, times),
    slowSuccessNext: (method, ms, times) => web.slowSuccessNext(method, ms, times),
    clearFailures: () => web.clearFailures(),
    reset: () => {
      web.calls.length = 0;
      responseUrls.posts.length = 0;
      driver.deliveries.length = 0;
    },
    messages: (channelId) => ws.messages(channelId),
    thread: (channelId, ts) => ws.thread(channelId, ts),
    message: (channelId, ts) => ws.message(channelId, ts),
    deletedMessages: (channelId) => ws.deletedMessages(channelId),
    ephemerals: (userId, channelId) => ws.ephemerals(userId, channelId),
    homeView: (userId) => ws.homeView(userId),
    modals: (userId) => ws.modals(userId),
    addChannel: (init) => ws.addChannel(init),
    updateChannel: (id, patch) => ws.updateChannel(id, patch),
    revokeToken: (token) => ws.revokeToken(token),
    setBotUrl: (url) => {
      botUrl = url;
      ws.changed();
    },
    socketConnections: () => socket.connections.map((c) => ({ ...c })),
    disconnectSocket: (reason, id) => socket.disconnect(reason, id),
    dropSocket: (id) => socket.drop(id),
    postUserMessage,
    sendSlashCommand: (p, o) => driver.sendSlashCommand(p, o),
    sendBlockAction: (p, o) => driver.sendBlockAction(p, o),
    sendShortcut: (p, o) => driver.sendShortcut(p, o),
    sendBlockSuggestion: (p, o) => driver.sendBlockSuggestion(p, o),
    sendMessageShortcut: (p, o) => driver.sendMessageShortcut(p, o),
    sendViewSubmission: (p, o) => driver.sendViewSubmission(p, o),
    sendViewClosed: (p, o) => driver.sendViewClosed(p, o),
    sendEvent: (e, o) => driver.sendEvent(e, o),
    sendAppHomeOpened: (p, o) => driver.sendAppHomeOpened(p, o),
    sendLinkShared: (p, o) => driver.sendLinkShared(p, o),
    sendRaw: (raw, ct, o) => driver.sendRaw(raw, ct, o),
    replay: (d) => driver.replay(d),
    redeliver: (d, attempt, reason) => driver.redeliver(d, attempt, reason),
    close: async () => {
      ui.close();
      // Upgraded sockets are no longer the HTTP server's: closeAllConnections() would not end them.
      socket.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** What Slack stores for a typed message: `&`, `<`, `>` escaped, links wrapped as `<url>`. */
function asTyped(raw: string): string {
  const escaped = raw.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return escaped.replace(/\bhttps?:\/\/[^\s]+/g, (url) => {
    // Entities belong to the text around a link, not to the link.
    const end = url.search(/&(?:lt|gt);/);
    const link = end === -1 ? url : url.slice(0, end);
    const rest = end === -1 ? '' : url.slice(end);
    const trailing = /[.,;:!?)]+$/.exec(link)?.[0] ?? '';
    const bare = link.slice(0, link.length - trailing.length);
    return `<${bare}>${trailing}${rest}`;
  });
}

/** URLs in a stored message (`<url>` / `<url|label>`), entities decoded as link_shared reports them. */
function linksIn(text: string): string[] {
  const urls = [...text.matchAll(/<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>/g)].map((m) =>
    m[1]!.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&'),
  );
  return [...new Set(urls)];
}

function hostMatches(url: string, domain: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host === domain || host.endsWith(`.${domain}`);
  } catch {
    return false;
  }
}
