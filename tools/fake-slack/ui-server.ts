/**
 * The demo page's server side: static files from `ui/`, the workspace state as JSON, a Server-Sent Events stream
 * that says "something changed", and `/ui/*` endpoints that turn clicks and typing into the same signed requests
 * the tests send through the driver.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Driver } from './driver.js';
import { DriverError } from './driver.js';
import { contentTypeOf, readBody, sendJson, sendText } from './http.js';
import { SLACKBOT_USER_ID, SlackApiError, type Workspace } from './state.js';
import type { DeliveryResult, ShortcutDef, SlackMessage, SlashCommandDef } from './types.js';

const STATIC_FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'blocks.js': 'text/javascript; charset=utf-8',
  'mrkdwn.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/** The page shows at most this many top-level messages per channel (the newest). */
const MAX_MESSAGES_PER_CHANNEL = 300;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' https: http: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface UiOptions {
  shortcuts: ShortcutDef[];
  commands: SlashCommandDef[];
  defaultUserId: string;
  uiDir: string | undefined;
  hasBot: () => boolean;
  postUserMessage: (p: {
    channelId: string;
    text: string;
    userId?: string;
    threadTs?: string;
  }) => Promise<SlackMessage>;
}

/** Where the static files are: next to this module (the stand-in always runs from its TypeScript source). */
export function resolveUiDir(explicit?: string): string | null {
  const candidates = [explicit, fileURLToPath(new URL('./ui/', import.meta.url))];
  for (const dir of candidates) if (dir && existsSync(join(dir, 'index.html'))) return dir;
  return null;
}

type Body = Record<string, unknown>;

class BadRequest extends Error {}

export class UiServer {
  private readonly dir: string | null;
  private readonly streams = new Set<ServerResponse>();
  private readonly onChange: (version: number) => void;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly ws: Workspace,
    private readonly driver: Driver,
    private readonly opts: UiOptions,
  ) {
    this.dir = resolveUiDir(opts.uiDir);
    this.onChange = (version) => {
      for (const res of this.streams) res.write(`event: change\ndata: {"version":${version}}\n\n`);
    };
    ws.on('change', this.onChange);
    this.heartbeat = setInterval(() => {
      for (const res of this.streams) res.write(': keep-alive\n\n');
    }, 15_000);
    this.heartbeat.unref();
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.ws.off('change', this.onChange);
    for (const res of this.streams) res.end();
    this.streams.clear();
  }

  /** Handles `/`, `/archives/…`, `/ui/…`; false for anything else. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (req.method === 'GET' && (path === '/' || path === '/index.html' || path.startsWith('/archives/'))) {
      this.serveFile(res, 'index.html');
      return true;
    }
    if (req.method === 'GET' && path === '/favicon.ico') {
      this.serveFile(res, 'favicon.svg');
      return true;
    }
    if (!path.startsWith('/ui/')) return false;
    const name = path.slice('/ui/'.length);
    if (req.method === 'GET' && name in STATIC_FILES) {
      this.serveFile(res, name);
      return true;
    }
    if (req.method === 'GET' && name === 'state') {
      const user = new URL(req.url ?? '/', 'http://x').searchParams.get('user') ?? this.opts.defaultUserId;
      sendJson(res, 200, this.state(user), SECURITY_HEADERS);
      return true;
    }
    if (req.method === 'GET' && name === 'events') {
      this.openStream(res);
      return true;
    }
    if (req.method !== 'POST') {
      sendJson(res, 404, { ok: false, error: 'unknown_route' });
      return true;
    }
    // JSON only and same origin: a web page elsewhere cannot drive the bot through this page's endpoints.
    const origin = req.headers.origin;
    if (
      contentTypeOf(req) !== 'application/json' ||
      (origin !== undefined && origin !== `http://${req.headers.host}`)
    ) {
      sendJson(res, 403, { ok: false, error: 'json_same_origin_only' });
      return true;
    }
    let body: Body;
    try {
      const parsed: unknown = JSON.parse((await readBody(req)) || '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadRequest('not an object');
      body = parsed as Body;
    } catch {
      sendJson(res, 400, { ok: false, error: 'invalid_json' });
      return true;
    }
    try {
      const result = await this.post(name, body);
      if (result === undefined) sendJson(res, 404, { ok: false, error: 'unknown_route' });
      else sendJson(res, 200, result);
    } catch (err) {
      if (err instanceof BadRequest || err instanceof DriverError || err instanceof TypeError) {
        sendJson(res, 400, { ok: false, error: err.message });
      } else if (err instanceof SlackApiError) {
        sendJson(res, 400, { ok: false, error: err.code });
      } else throw err;
    }
    return true;
  }

  private serveFile(res: ServerResponse, name: string): void {
    const type = STATIC_FILES[name];
    if (!this.dir || !type) {
      sendText(res, 404, 'The fake Slack UI files were not found (tools/fake-slack/ui).', SECURITY_HEADERS);
      return;
    }
    // Read on every request so the page can be edited while the demo runs.
    const content = readFileSync(join(this.dir, name));
    res.writeHead(200, { 'content-type': type, 'content-length': String(content.length), ...SECURITY_HEADERS });
    res.end(content);
  }

  private openStream(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      ...SECURITY_HEADERS,
    });
    res.write(`retry: 1000\nevent: change\ndata: {"version":${this.ws.version}}\n\n`);
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  /** Everything the page draws for one user. */
  state(userId: string): Body {
    const ws = this.ws;
    const human = ws.users.get(userId);
    // The app's DM with this user (its Messages tab) exists before the list below is taken.
    const imChannel = human && !human.isBot ? ws.imWith(userId).id : null;
    const channels = [...ws.channels.values()].filter((c) => !c.isIm || c.imUser === userId);
    return {
      version: ws.version,
      hasBot: this.opts.hasBot(),
      team: { id: ws.identity.teamId, name: ws.identity.teamName, domain: ws.identity.teamDomain },
      bot: {
        userId: ws.identity.botUserId,
        botId: ws.identity.botId,
        appId: ws.identity.appId,
        name: ws.identity.botName,
      },
      me: userId,
      users: [...ws.users.values()].map((u) => ({
        id: u.id,
        name: u.name,
        realName: u.realName,
        tz: u.tz,
        isBot: u.isBot,
      })),
      channels: channels.map((c) => ({
        id: c.id,
        name: c.name,
        isPrivate: c.isPrivate,
        isArchived: c.isArchived,
        isMember: c.isMember,
        isIm: c.isIm,
        topic: c.topic,
        canRead: !c.isPrivate || c.members.has(userId),
      })),
      messages: Object.fromEntries(
        channels
          .filter((c) => !c.isPrivate || c.members.has(userId))
          .map((c) => [c.id, ws.messages(c.id).slice(-MAX_MESSAGES_PER_CHANNEL)]),
      ),
      ephemerals: ws.ephemerals(userId),
      home: ws.homeView(userId) ?? null,
      modals: ws.modals(userId),
      imChannel,
      shortcuts: this.opts.shortcuts,
      commands: this.opts.commands,
      notices: ws.notices.filter((n) => n.userId === userId).slice(-20),
    };
  }

  private async post(name: string, b: Body): Promise<Body | undefined> {
    const userId = str(b.userId) ?? this.opts.defaultUserId;
    if (!this.ws.users.has(userId)) throw new BadRequest(`unknown user ${userId}`);
    switch (name) {
      case 'command': {
        const channelId = need(b.channelId, 'channelId');
        const line = need(b.text, 'text').trim();
        const m = /^(\/\S+)\s*([\s\S]*)$/.exec(line);
        if (!m) throw new BadRequest('a command starts with /');
        const command = m[1]!;
        if (!this.opts.commands.some((c) => c.command === command)) {
          this.ws.addEphemeral({
            channel: channelId,
            user: userId,
            author: SLACKBOT_USER_ID,
            content: {
              text: `${command} is not a valid command. In Slack, all messages that start with "/" are interpreted as commands.`,
            },
            via: 'slackbot',
          });
          return { ok: false, error: 'unknown_command' };
        }
        if (!this.opts.hasBot()) return this.noBot(userId, channelId, command);
        return summary(await this.driver.sendSlashCommand({ command, text: m[2] ?? '', userId, channelId }));
      }
      case 'message': {
        const msg = await this.opts.postUserMessage({
          channelId: need(b.channelId, 'channelId'),
          text: need(b.text, 'text'),
          userId,
          ...(str(b.threadTs) ? { threadTs: str(b.threadTs)! } : {}),
        });
        return { ok: true, ts: msg.ts };
      }
      case 'action': {
        if (!this.opts.hasBot()) return this.noBot(userId, str(b.channelId) ?? null, null);
        const res = await this.driver.sendBlockAction({
          actionId: need(b.actionId, 'actionId'),
          userId,
          ...opt('blockId', str(b.blockId)),
          ...opt('value', str(b.value)),
          ...opt('channelId', str(b.channelId)),
          ...opt('selectedConversation', str(b.selectedConversation)),
          ...opt('selectedUser', str(b.selectedUser)),
          ...opt('selectedDate', str(b.selectedDate)),
          ...(str(b.viewId) ? { view: str(b.viewId)! } : {}),
          ...(str(b.messageTs)
            ? {
                message: {
                  ts: str(b.messageTs)!,
                  ...opt('channel', str(b.channelId)),
                  ...(b.ephemeral === true ? { ephemeral: true } : {}),
                },
              }
            : {}),
          ...(isObj(b.values) ? { values: b.values as Record<string, Record<string, unknown>> } : {}),
        });
        this.noticeOnFailure(userId, res, 'The app did not respond to that click');
        return summary(res);
      }
      case 'shortcut': {
        if (!this.opts.hasBot()) return this.noBot(userId, null, null);
        const res = await this.driver.sendShortcut({ callbackId: need(b.callbackId, 'callbackId'), userId });
        this.noticeOnFailure(userId, res, 'The shortcut did not respond');
        return summary(res);
      }
      case 'message-shortcut': {
        if (!this.opts.hasBot()) return this.noBot(userId, null, null);
        const res = await this.driver.sendMessageShortcut({
          callbackId: need(b.callbackId, 'callbackId'),
          userId,
          channelId: need(b.channelId, 'channelId'),
          message: need(b.messageTs, 'messageTs'),
        });
        this.noticeOnFailure(userId, res, 'The shortcut did not respond');
        return summary(res);
      }
      case 'view-submit': {
        if (!this.opts.hasBot()) return this.noBot(userId, null, null);
        const res = await this.driver.sendViewSubmission({
          viewId: need(b.viewId, 'viewId'),
          userId,
          values: isObj(b.values) ? (b.values as Record<string, Record<string, unknown>>) : {},
        });
        return summary(res);
      }
      case 'suggest': {
        // Typing in an external_select: Slack asks the app for options (block_suggestion) and shows its answer.
        if (!this.opts.hasBot()) return { ok: true, options: [] };
        const res = await this.driver.sendBlockSuggestion({
          actionId: need(b.actionId, 'actionId'),
          value: typeof b.value === 'string' ? b.value : '',
          userId,
          ...opt('viewId', str(b.viewId)),
        });
        const options = (res.body as { options?: unknown } | null)?.options;
        return { ok: res.outcome === 'ok', options: Array.isArray(options) ? options : [] };
      }
      case 'view-close': {
        const res = await this.driver.sendViewClosed({ viewId: need(b.viewId, 'viewId'), userId });
        return res ? summary(res) : { ok: true };
      }
      case 'home-opened': {
        if (!this.opts.hasBot()) return { ok: true };
        return summary(
          await this.driver.sendAppHomeOpened({ userId, tab: b.tab === 'messages' ? 'messages' : 'home' }),
        );
      }
      case 'dismiss': {
        const e = this.ws.findEphemeral(need(b.ephemeralId, 'ephemeralId'));
        if (!e || e.user !== userId) throw new BadRequest('no such ephemeral message');
        this.ws.deleteEphemeral(e.id);
        return { ok: true };
      }
      default:
        return undefined;
    }
  }

  private noBot(userId: string, channelId: string | null, command: string | null): Body {
    const text = command
      ? `${command} failed with the error "dispatch_failed" (no bot is connected to this fake Slack yet)`
      : 'No bot is connected to this fake Slack yet.';
    if (channelId) {
      this.ws.addEphemeral({
        channel: channelId,
        user: userId,
        author: SLACKBOT_USER_ID,
        content: { text },
        via: 'slackbot',
      });
    } else this.ws.notice(userId, text);
    return { ok: false, error: 'no_bot' };
  }

  private noticeOnFailure(userId: string, res: DeliveryResult, what: string): void {
    if (res.outcome !== 'ok') this.ws.notice(userId, `${what} (${res.outcome}, HTTP ${res.status}).`);
  }
}

function summary(res: DeliveryResult): Body {
  return { ok: res.outcome === 'ok', status: res.status, outcome: res.outcome, elapsedMs: Math.round(res.elapsedMs) };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function need(v: unknown, name: string): string {
  const s = str(v);
  if (s === undefined) throw new BadRequest(`${name} is required`);
  return s;
}

function opt<K extends string>(key: K, v: string | undefined): { [P in K]?: string } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: string };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
