/**
 * The fake workspace: users, channels, messages with threads and edits, ephemeral messages, views, triggers.
 * Web API handlers, response_url posts, the request driver and the browser UI all read and change this one model,
 * so what a test asserts is exactly what the demo page shows.
 */
import { EventEmitter } from 'node:events';
import { IdSource } from './ids.js';
import type {
  EphemeralMessage,
  EphemeralOrigin,
  FakeChannelInit,
  FakeUserInit,
  MessageOrigin,
  MessageVersion,
  OpenView,
  SlackMessage,
  SlackView,
} from './types.js';

/** A Slack `ok:false` answer. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = 'SlackApiError';
  }
}

export interface Identity {
  teamId: string;
  teamDomain: string;
  teamName: string;
  botUserId: string;
  botId: string;
  appId: string;
  botName: string;
}

export interface ChannelRecord {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isMember: boolean;
  isIm: boolean;
  /** For IMs: the human on the other side. */
  imUser: string | null;
  members: Set<string>;
  topic: string;
  created: number;
  shared: 'external' | 'org' | 'pending' | null;
}

export interface UserRecord {
  id: string;
  name: string;
  realName: string;
  tz: string;
  isAdmin: boolean;
  isBot: boolean;
  deleted: boolean;
  guest: 'multi' | 'single' | null;
  /** Home workspace; null: this one. */
  teamId: string | null;
  knownExternal: boolean;
}

type StoredMessage = Omit<SlackMessage, 'replies'>;
type StoredEphemeral = EphemeralMessage & { deleted: boolean };

export interface MessageContent {
  text?: string | undefined;
  blocks?: unknown[] | undefined;
  attachments?: unknown[] | undefined;
  metadata?: { event_type: string; event_payload: Record<string, unknown> } | undefined;
}

interface Trigger {
  issuedAt: number;
  used: boolean;
  userId: string;
}

export const SLACKBOT_USER_ID = 'USLACKBOT';

export const DEFAULT_USERS: FakeUserInit[] = [
  { id: 'U0DEMO0001', name: 'ada', realName: 'Ada Lovelace', tz: 'Europe/Berlin', isAdmin: true },
  { id: 'U0DEMO0002', name: 'grace', realName: 'Grace Hopper', tz: 'America/New_York' },
  { id: 'U0DEMO0003', name: 'linus', realName: 'Lin Yu', tz: 'Asia/Shanghai' },
];

export const DEFAULT_CHANNELS: FakeChannelInit[] = [
  { id: 'C0GENERAL1', name: 'general', topic: 'Company-wide announcements' },
  { id: 'C0MLOPS001', name: 'ml-ops', topic: 'Training jobs, alerts and GPUs' },
  { id: 'C0RANDOM01', name: 'random', isMember: false },
  { id: 'G0PRIVATE1', name: 'secret-models', isPrivate: true, isMember: false },
  { id: 'C0ARCHIVE1', name: 'old-alerts', isArchived: true },
];

const MAX_TEXT = 40_000;

export class Workspace extends EventEmitter {
  readonly ids = new IdSource();
  readonly users = new Map<string, UserRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  private readonly messagesByChannel = new Map<string, StoredMessage[]>();
  /** ts → message per channel: chat.update on a card among thousands of alerts stays O(1). */
  private readonly messageIndex = new Map<string, Map<string, StoredMessage>>();
  private readonly deleted: StoredMessage[] = [];
  private readonly ephemeralList: StoredEphemeral[] = [];
  private readonly homeViews = new Map<string, OpenView>();
  private readonly modalStacks = new Map<string, OpenView[]>();
  private readonly triggers = new Map<string, Trigger>();
  private readonly unfurlTargets = new Map<string, { channel: string; ts: string }>();
  private readonly revokedTokens = new Set<string>();
  /** Notices Slack itself shows a user (toasts in the demo page): unanswered clicks, failed submissions. */
  readonly notices: Array<{ at: number; userId: string; text: string }> = [];
  version = 0;

  constructor(
    readonly identity: Identity,
    readonly now: () => number,
    users: FakeUserInit[],
    channels: FakeChannelInit[],
    readonly triggerTtlMs: number,
  ) {
    super();
    this.setMaxListeners(0);
    for (const u of users) {
      this.users.set(u.id, {
        id: u.id,
        name: u.name,
        realName: u.realName ?? u.name,
        tz: u.tz ?? 'Europe/Berlin',
        isAdmin: u.isAdmin ?? false,
        isBot: false,
        deleted: u.deleted ?? false,
        guest: u.guest ?? null,
        teamId: u.teamId ?? null,
        knownExternal: u.knownExternal ?? false,
      });
    }
    this.users.set(identity.botUserId, {
      id: identity.botUserId,
      name: identity.botName,
      realName: identity.botName,
      tz: 'UTC',
      isAdmin: false,
      isBot: true,
      deleted: false,
      guest: null,
      teamId: null,
      knownExternal: false,
    });
    for (const c of channels) this.addChannel(c);
  }

  addChannel(c: FakeChannelInit): void {
    if (this.channels.has(c.id)) throw new TypeError(`channel ${c.id} exists`);
    this.channels.set(c.id, {
      id: c.id,
      name: c.name,
      isPrivate: c.isPrivate ?? false,
      isArchived: c.isArchived ?? false,
      isMember: c.isMember ?? true,
      isIm: false,
      imUser: null,
      members: new Set(c.members ?? this.humans().map((u) => u.id)),
      topic: c.topic ?? '',
      created: Math.floor(this.now() / 1000) - 86_400 * 30,
      shared: c.shared ?? null,
    });
    this.messagesByChannel.set(c.id, []);
    this.changed();
  }

  updateChannel(
    id: string,
    patch: Partial<Pick<FakeChannelInit, 'name' | 'isArchived' | 'isMember' | 'isPrivate'>>,
  ): void {
    const ch = this.channels.get(id);
    if (!ch) throw new TypeError(`unknown channel ${id}`);
    if (patch.name !== undefined) ch.name = patch.name;
    if (patch.isArchived !== undefined) ch.isArchived = patch.isArchived;
    if (patch.isMember !== undefined) ch.isMember = patch.isMember;
    if (patch.isPrivate !== undefined) ch.isPrivate = patch.isPrivate;
    this.changed();
  }

  /** Marks a change: the demo page re-reads its state, waiters re-check their predicates. */
  changed(): void {
    this.version += 1;
    this.emit('change', this.version);
  }

  // ---- tokens ----------------------------------------------------------------------------------------------

  revokeToken(token: string): void {
    this.revokedTokens.add(token);
  }

  isRevoked(token: string): boolean {
    return this.revokedTokens.has(token);
  }

  // ---- users and channels ----------------------------------------------------------------------------------

  user(id: string): UserRecord {
    const u = this.users.get(id);
    if (!u) throw new SlackApiError('user_not_found');
    return u;
  }

  humans(): UserRecord[] {
    return [...this.users.values()].filter((u) => !u.isBot);
  }

  /** The bot's DM channel with a user (created on first use, like conversations.open). */
  imWith(userId: string): ChannelRecord {
    const u = this.user(userId);
    const id = `D${u.id.slice(1)}`;
    let ch = this.channels.get(id);
    if (!ch) {
      ch = {
        id,
        name: u.name,
        isPrivate: true,
        isArchived: false,
        isMember: true,
        isIm: true,
        imUser: u.id,
        members: new Set([u.id]),
        topic: '',
        created: Math.floor(this.now() / 1000),
        shared: null,
      };
      this.channels.set(id, ch);
      this.messagesByChannel.set(id, []);
    }
    return ch;
  }

  /**
   * A conversation as the bot can see it: by id, `#name`/`name`, or a user id (its DM). Private channels the bot is
   * not in are invisible to it, exactly as Slack answers channel_not_found for them.
   */
  visibleChannel(ref: unknown): ChannelRecord {
    if (typeof ref !== 'string' || ref === '') throw new SlackApiError('channel_not_found');
    if (/^[UW]/.test(ref) && this.users.has(ref)) return this.imWith(ref);
    let ch = this.channels.get(ref);
    if (!ch) {
      const name = ref.replace(/^#/, '');
      ch = [...this.channels.values()].find((c) => c.name === name && !c.isIm);
    }
    if (!ch || (ch.isPrivate && !ch.isMember)) throw new SlackApiError('channel_not_found');
    return ch;
  }

  /** Where the bot may post: visible, not archived, and joined (or public with chat:write.public). */
  postableChannel(ref: unknown, chatWritePublic: boolean): ChannelRecord {
    const ch = this.visibleChannel(ref);
    if (ch.isArchived) throw new SlackApiError('is_archived');
    if (!ch.isMember && !(chatWritePublic && !ch.isPrivate)) throw new SlackApiError('not_in_channel');
    return ch;
  }

  // ---- channel messages ------------------------------------------------------------------------------------

  private list(channel: string): StoredMessage[] {
    let l = this.messagesByChannel.get(channel);
    if (!l) {
      l = [];
      this.messagesByChannel.set(channel, l);
    }
    return l;
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messageIndex.get(channel)?.get(ts);
  }

  /** Adds a message; thread replies update their parent's reply bookkeeping like Slack does. */
  addMessage(opts: {
    channel: string;
    author: string;
    content: MessageContent;
    threadTs?: string | undefined;
    broadcast?: boolean | undefined;
    via: MessageOrigin;
  }): StoredMessage {
    const isBot = opts.author === this.identity.botUserId;
    const ts = this.ids.ts(this.now());
    let threadTs = opts.threadTs;
    if (threadTs) {
      const parent = this.findMessage(opts.channel, threadTs);
      // A reply to a reply lands in the parent's thread.
      if (parent?.thread_ts && parent.thread_ts !== parent.ts) threadTs = parent.thread_ts;
    }
    const msg: StoredMessage = {
      type: 'message',
      channel: opts.channel,
      ts,
      user: opts.author,
      ...(isBot ? { bot_id: this.identity.botId, app_id: this.identity.appId } : {}),
      team: this.identity.teamId,
      text: (opts.content.text ?? '').slice(0, MAX_TEXT),
      ...this.contentFields(opts.content),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(threadTs && opts.broadcast ? { subtype: 'thread_broadcast' } : {}),
      history: [],
      via: opts.via,
    };
    this.list(opts.channel).push(msg);
    let index = this.messageIndex.get(opts.channel);
    if (!index) {
      index = new Map();
      this.messageIndex.set(opts.channel, index);
    }
    index.set(ts, msg);
    if (threadTs) {
      const parent = this.findMessage(opts.channel, threadTs);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count = (parent.reply_count ?? 0) + 1;
        parent.latest_reply = ts;
        parent.reply_users = [...new Set([...(parent.reply_users ?? []), opts.author])];
      }
    }
    this.changed();
    return msg;
  }

  private contentFields(c: MessageContent): Partial<StoredMessage> {
    const out: Partial<StoredMessage> = {};
    if (c.blocks !== undefined) out.blocks = withBlockIds(c.blocks, this.ids);
    if (c.attachments !== undefined) out.attachments = c.attachments;
    if (c.metadata !== undefined) out.metadata = c.metadata;
    return out;
  }

  /** Replaces a message's content; `undefined` fields keep their value, as chat.update does. */
  updateMessage(channel: string, ts: string, content: MessageContent, editor: string | null): StoredMessage {
    const msg = this.findMessage(channel, ts);
    if (!msg || msg.subtype === 'tombstone') throw new SlackApiError('message_not_found');
    msg.history.push(versionOf(msg, this.now()));
    if (content.text !== undefined) msg.text = content.text.slice(0, MAX_TEXT);
    if (content.blocks !== undefined) {
      if (content.blocks.length === 0) delete msg.blocks;
      else msg.blocks = withBlockIds(content.blocks, this.ids);
    }
    if (content.attachments !== undefined) msg.attachments = content.attachments;
    if (content.metadata !== undefined) msg.metadata = content.metadata;
    if (editor) msg.edited = { user: editor, ts: this.ids.ts(this.now()) };
    this.changed();
    return msg;
  }

  /** Deletes a message; a thread parent with replies stays as a tombstone, as in Slack. */
  deleteMessage(channel: string, ts: string): void {
    const l = this.list(channel);
    const i = l.findIndex((m) => m.ts === ts);
    const msg = l[i];
    if (!msg || msg.subtype === 'tombstone') throw new SlackApiError('message_not_found');
    this.deleted.push(structuredClone(msg));
    if ((msg.reply_count ?? 0) > 0) {
      msg.subtype = 'tombstone';
      msg.text = 'This message was deleted.';
      delete msg.blocks;
      delete msg.attachments;
      delete msg.metadata;
    } else {
      l.splice(i, 1);
      this.messageIndex.get(channel)?.delete(ts);
      if (msg.thread_ts && msg.thread_ts !== msg.ts) {
        const parent = this.findMessage(channel, msg.thread_ts);
        if (parent) {
          const rest = l.filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts);
          parent.reply_count = rest.length;
          parent.latest_reply = rest.at(-1)?.ts ?? parent.ts;
          if (rest.length === 0) {
            delete parent.reply_count;
            delete parent.latest_reply;
            delete parent.reply_users;
            delete parent.thread_ts;
          }
        }
      }
    }
    this.changed();
  }

  setUnfurls(channel: string, ts: string, unfurls: Record<string, unknown>): void {
    const msg = this.findMessage(channel, ts);
    if (!msg) throw new SlackApiError('cannot_find_message');
    msg.unfurls = { ...(msg.unfurls ?? {}), ...unfurls };
    this.changed();
  }

  registerUnfurl(unfurlId: string, channel: string, ts: string): void {
    this.unfurlTargets.set(unfurlId, { channel, ts });
  }

  unfurlTarget(unfurlId: string): { channel: string; ts: string } | undefined {
    return this.unfurlTargets.get(unfurlId);
  }

  /** Top-level timeline (thread broadcasts included), each with its replies. */
  messages(channel: string): SlackMessage[] {
    const l = this.messagesByChannel.get(channel) ?? [];
    const replies = new Map<string, StoredMessage[]>();
    for (const m of l) {
      if (!m.thread_ts || m.thread_ts === m.ts) continue;
      const list = replies.get(m.thread_ts) ?? [];
      list.push(m);
      replies.set(m.thread_ts, list);
    }
    return l
      .filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast')
      .map((m) => this.withReplies(m, m.thread_ts === m.ts ? (replies.get(m.ts) ?? []) : []));
  }

  /** A thread's replies, oldest first. */
  thread(channel: string, threadTs: string): SlackMessage[] {
    const l = this.messagesByChannel.get(channel) ?? [];
    return l.filter((m) => m.thread_ts === threadTs && m.ts !== threadTs).map((m) => this.withReplies(m, []));
  }

  message(channel: string, ts: string): SlackMessage | undefined {
    const m = this.findMessage(channel, ts);
    return m ? this.withReplies(m, this.messagesByChannel.get(channel) ?? []) : undefined;
  }

  deletedMessages(channel?: string): SlackMessage[] {
    return this.deleted
      .filter((m) => channel === undefined || m.channel === channel)
      .map((m) => ({ ...structuredClone(m), replies: [] }));
  }

  private withReplies(m: StoredMessage, all: StoredMessage[]): SlackMessage {
    const isParent = m.thread_ts === m.ts;
    const replies = isParent ? all.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts) : [];
    return { ...structuredClone(m), replies: replies.map((r) => ({ ...structuredClone(r), replies: [] })) };
  }

  // ---- ephemeral messages ----------------------------------------------------------------------------------

  addEphemeral(opts: {
    channel: string;
    user: string;
    author?: string;
    content: MessageContent;
    threadTs?: string | undefined;
    via: EphemeralOrigin;
  }): EphemeralMessage {
    const author = opts.author ?? this.identity.botUserId;
    const ts = this.ids.ts(this.now());
    const e: StoredEphemeral = {
      ephemeral: true,
      id: ts,
      ts,
      channel: opts.channel,
      user: opts.user,
      author,
      ...(author === this.identity.botUserId ? { bot_id: this.identity.botId, app_id: this.identity.appId } : {}),
      text: (opts.content.text ?? '').slice(0, MAX_TEXT),
      ...(opts.content.blocks !== undefined ? { blocks: withBlockIds(opts.content.blocks, this.ids) } : {}),
      ...(opts.content.attachments !== undefined ? { attachments: opts.content.attachments } : {}),
      ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}),
      history: [],
      via: opts.via,
      deleted: false,
    };
    this.ephemeralList.push(e);
    this.changed();
    return publicEphemeral(e);
  }

  private storedEphemeral(id: string): StoredEphemeral | undefined {
    return this.ephemeralList.find((e) => e.id === id && !e.deleted);
  }

  findEphemeral(id: string): EphemeralMessage | undefined {
    const e = this.storedEphemeral(id);
    return e ? publicEphemeral(e) : undefined;
  }

  replaceEphemeral(id: string, content: MessageContent): EphemeralMessage {
    const e = this.storedEphemeral(id);
    if (!e) throw new SlackApiError('message_not_found');
    e.history.push(versionOf(e, this.now()));
    e.text = (content.text ?? '').slice(0, MAX_TEXT);
    if (content.blocks !== undefined) e.blocks = withBlockIds(content.blocks, this.ids);
    else delete e.blocks;
    if (content.attachments !== undefined) e.attachments = content.attachments;
    else delete e.attachments;
    this.changed();
    return publicEphemeral(e);
  }

  deleteEphemeral(id: string): void {
    const e = this.storedEphemeral(id);
    if (!e) throw new SlackApiError('message_not_found');
    e.deleted = true;
    this.changed();
  }

  /** Live ephemeral messages, optionally for one user and/or channel, oldest first. */
  ephemerals(userId?: string, channelId?: string): EphemeralMessage[] {
    return this.ephemeralList
      .filter((e) => !e.deleted)
      .filter((e) => userId === undefined || e.user === userId)
      .filter((e) => channelId === undefined || e.channel === channelId)
      .map(publicEphemeral);
  }

  notice(userId: string, text: string): void {
    this.notices.push({ at: this.now(), userId, text });
    this.changed();
  }

  // ---- triggers and views ----------------------------------------------------------------------------------

  issueTrigger(userId: string): string {
    const id = this.ids.trigger(this.now());
    this.triggers.set(id, { issuedAt: this.now(), used: false, userId });
    return id;
  }

  /** Spends a trigger_id: once, within its lifetime, as Slack allows. */
  useTrigger(triggerId: unknown): Trigger {
    const t = typeof triggerId === 'string' ? this.triggers.get(triggerId) : undefined;
    if (!t) throw new SlackApiError('invalid_trigger_id');
    if (t.used) throw new SlackApiError('exchanged_trigger_id');
    if (this.now() - t.issuedAt > this.triggerTtlMs) throw new SlackApiError('expired_trigger_id');
    t.used = true;
    return t;
  }

  buildView(input: Record<string, unknown>, previous: SlackView | null, root: string | null): SlackView {
    const id = previous?.id ?? this.ids.next('V', 10);
    const type = input.type === 'home' ? 'home' : 'modal';
    return {
      id,
      team_id: this.identity.teamId,
      type,
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.submit !== undefined ? { submit: input.submit } : {}),
      ...(input.close !== undefined ? { close: input.close } : {}),
      blocks: withBlockIds(Array.isArray(input.blocks) ? input.blocks : [], this.ids),
      private_metadata: typeof input.private_metadata === 'string' ? input.private_metadata : '',
      callback_id: typeof input.callback_id === 'string' ? input.callback_id : '',
      external_id: typeof input.external_id === 'string' ? input.external_id : '',
      state: { values: {} },
      hash: this.ids.hash(this.now()),
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      submit_disabled: input.submit_disabled === true,
      root_view_id: root ?? id,
      previous_view_id: previous?.previous_view_id ?? null,
      app_id: this.identity.appId,
      app_installed_team_id: this.identity.teamId,
      bot_id: this.identity.botId,
    };
  }

  openModal(userId: string, view: SlackView): OpenView {
    const ov: OpenView = { view, userId, errors: {}, problem: null };
    this.modalStacks.set(userId, [ov]);
    this.changed();
    return ov;
  }

  pushModal(userId: string, view: SlackView): OpenView {
    const stack = this.modalStacks.get(userId) ?? [];
    if (stack.length === 0) throw new SlackApiError('not_found');
    if (stack.length >= 3) throw new SlackApiError('push_limit_reached');
    const top = stack.at(-1)!;
    view.previous_view_id = top.view.id;
    view.root_view_id = stack[0]!.view.id;
    const ov: OpenView = { view, userId, errors: {}, problem: null };
    stack.push(ov);
    this.changed();
    return ov;
  }

  /** An open modal or published Home view by view_id or external_id. */
  findView(ref: { viewId?: unknown; externalId?: unknown }): OpenView | undefined {
    const all = [...[...this.modalStacks.values()].flat(), ...this.homeViews.values()];
    if (typeof ref.viewId === 'string' && ref.viewId) return all.find((v) => v.view.id === ref.viewId);
    if (typeof ref.externalId === 'string' && ref.externalId) {
      return all.find((v) => v.view.external_id === ref.externalId);
    }
    return undefined;
  }

  replaceView(ov: OpenView, next: SlackView): OpenView {
    next.previous_view_id = ov.view.previous_view_id;
    next.root_view_id = ov.view.root_view_id;
    ov.view = next;
    ov.errors = {};
    ov.problem = null;
    this.changed();
    return ov;
  }

  /** Closes the top modal (or all of them) for a user. */
  closeModal(userId: string, all = false): void {
    const stack = this.modalStacks.get(userId) ?? [];
    if (all) stack.length = 0;
    else stack.pop();
    this.changed();
  }

  modals(userId: string): OpenView[] {
    return structuredClone(this.modalStacks.get(userId) ?? []);
  }

  /** The live (mutable) top modal of a user, for the driver. */
  topModal(userId: string): OpenView | undefined {
    return this.modalStacks.get(userId)?.at(-1);
  }

  /** The live OpenView with this id (modal or Home), for the driver. */
  liveView(viewId: string): OpenView | undefined {
    return this.findView({ viewId });
  }

  publishHome(userId: string, view: SlackView): OpenView {
    const prev = this.homeViews.get(userId);
    if (prev) {
      view.id = prev.view.id;
      view.root_view_id = prev.view.id;
    }
    const ov: OpenView = { view, userId, errors: {}, problem: null };
    this.homeViews.set(userId, ov);
    this.changed();
    return ov;
  }

  homeView(userId: string): OpenView | undefined {
    const h = this.homeViews.get(userId);
    return h ? structuredClone(h) : undefined;
  }

  liveHome(userId: string): OpenView | undefined {
    return this.homeViews.get(userId);
  }
}

function versionOf(m: { text: string; blocks?: unknown[]; attachments?: unknown[] }, at: number): MessageVersion {
  return {
    at,
    text: m.text,
    ...(m.blocks !== undefined ? { blocks: structuredClone(m.blocks) } : {}),
    ...(m.attachments !== undefined ? { attachments: structuredClone(m.attachments) } : {}),
  };
}

function publicEphemeral(e: StoredEphemeral): EphemeralMessage {
  const { deleted: _deleted, ...rest } = structuredClone(e);
  return rest;
}

/** Slack gives every block without a block_id a random one; interactions then carry it. */
export function withBlockIds(blocks: unknown[], ids: IdSource): unknown[] {
  return blocks.map((b) => {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return b;
    const block = structuredClone(b) as Record<string, unknown>;
    if (typeof block.block_id !== 'string') block.block_id = ids.token('', 5);
    return block;
  });
}
