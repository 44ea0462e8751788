/**
 * Public shapes of the fake Slack: what tests and the demo configure, and what they read back. Message, view and
 * payload objects follow Slack's wire field names (snake_case) so assertions read like Slack's own documentation.
 */

export interface FakeChannelInit {
  id: string;
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** Whether the bot is in the channel (default true). */
  isMember?: boolean;
  /** Human members; default: every human user of the workspace. */
  members?: string[];
  topic?: string;
  /**
   * Shared beyond the workspace (conversations.info): `external` with another organisation (Slack Connect:
   * is_shared and is_ext_shared), `org` with other workspaces of the Enterprise Grid (is_shared and is_org_shared),
   * `pending` an external invitation not yet accepted (is_pending_ext_shared).
   */
  shared?: 'external' | 'org' | 'pending';
}

export interface FakeUserInit {
  id: string;
  /** The handle (`ada`). */
  name: string;
  realName?: string;
  /** IANA time zone (users.info `tz`), default Europe/Berlin. */
  tz?: string;
  isAdmin?: boolean;
  deleted?: boolean;
  /** A guest account: `multi` (is_restricted) or `single` channel (is_ultra_restricted). */
  guest?: 'multi' | 'single';
  /**
   * The user's home workspace when it is not this one: a person of another organisation met in a shared channel
   * (users.info team_id; is_stranger unless `knownExternal`). Interaction payloads carry it as user.team_id.
   */
  teamId?: string;
  /** With teamId: Slack no longer marks the outsider is_stranger (you share a channel with them). */
  knownExternal?: boolean;
}

export interface ShortcutDef {
  type: 'global' | 'message';
  callbackId: string;
  name: string;
  description?: string;
}

export interface SlashCommandDef {
  command: string;
  description?: string;
  usageHint?: string;
}

export interface FakeSlackOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The app's signing secret; every request to the bot is signed with it. */
  signingSecret: string;
  /** The bot's request URL (`…/slack/events`); settable later with setBotUrl. */
  botUrl?: string;
  teamId?: string;
  teamDomain?: string;
  teamName?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** When set, only this token authenticates; otherwise any `xoxb-`/`xoxp-` token does. */
  botToken?: string;
  /** Socket Mode: when set, only this app-level token opens connections; otherwise any `xapp-` token does. */
  appToken?: string;
  /** Socket Mode: interval of Slack's own pings to the client (default 10 000 ms; 0 = none). */
  socketPingIntervalMs?: number;
  /** Socket Mode: after a `disconnect` message, when Slack closes the connection itself (default 10 000 ms). */
  socketDisconnectGraceMs?: number;
  /** Workspace channels; a realistic default set when omitted. */
  channels?: FakeChannelInit[];
  /** Human users; a default trio when omitted. */
  users?: FakeUserInit[];
  /** The human who types in the demo page and, by default, sends every driver request. */
  defaultUserId?: string;
  /** Shortcuts and commands the demo page offers (default: this project's manifest). */
  shortcuts?: ShortcutDef[];
  commands?: SlashCommandDef[];
  /** Links to these hosts in user messages trigger link_shared (default: the manifest's unfurl domains). */
  unfurlDomains?: string[];
  /** Mimics the chat:write.public scope: post to public channels the bot is not in (default false). */
  chatWritePublic?: boolean;
  /** How long Slack waits for the bot's HTTP answer before showing operation_timeout (default 3000). */
  ackTimeoutMs?: number;
  /** trigger_id lifetime (default 3000 ms, as Slack). */
  triggerTtlMs?: number;
  /** response_url uses and lifetime (default 5 uses within 30 minutes, as Slack). */
  responseUrlMaxUses?: number;
  responseUrlTtlMs?: number;
  /** Off by default (tests stay deterministic); when set, chat.postMessage is limited per channel like Slack. */
  rateLimit?: { postMessagePerChannel?: { perSecond: number; burst: number; retryAfterSeconds?: number } };
  /** Clock for ts values, trigger and response_url expiry (signing always uses the real clock). */
  now?: () => number;
  /** Where the browser UI's static files live; found next to the module or under src/ by default. */
  uiDir?: string;
  /** The deprecated verification token Slack still puts in payloads. */
  verificationToken?: string;
}

/** One Web API call as the fake received and answered it. */
export interface RecordedCall {
  method: string;
  /** Decoded arguments: form fields with JSON-encoded values (blocks, view, metadata…) parsed, flags as booleans. */
  args: Record<string, unknown>;
  /** Epoch ms (the fake's clock). */
  at: number;
  /** HTTP status the fake answered with. */
  status: number;
  /** The JSON body answered (or the text body of an injected 5xx). */
  response: Record<string, unknown> | string;
  token: string | null;
}

export interface FailureSpec {
  /** 429 answers `ratelimited` with Retry-After; 5xx answer a plain error page. */
  status?: 429 | 500 | 502 | 503 | 504;
  /** Seconds, for 429 (default 1). */
  retryAfter?: number;
  /** An `ok:false` error code answered with HTTP 200 (when no status is given). */
  error?: string;
  /** How many upcoming calls fail (default 1). */
  times?: number;
}

export interface MessageVersion {
  at: number;
  text: string;
  blocks?: unknown[] | undefined;
  attachments?: unknown[] | undefined;
}

export type MessageOrigin = 'chat.postMessage' | 'response_url' | 'ack' | 'user';

/** A channel message as Slack stores it (conversations.history shape) plus the fake's bookkeeping. */
export interface SlackMessage {
  type: 'message';
  subtype?: string;
  channel: string;
  ts: string;
  /** Author: the bot's user id for bot posts. */
  user: string;
  bot_id?: string;
  app_id?: string;
  team: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
  /** chat.unfurl results by URL. */
  unfurls?: Record<string, unknown>;
  /** Thread replies (empty for replies themselves). */
  replies: SlackMessage[];
  /** Earlier versions, oldest first (every chat.update / replace_original). */
  history: MessageVersion[];
  via: MessageOrigin;
}

export type EphemeralOrigin = 'chat.postEphemeral' | 'response_url' | 'ack' | 'slackbot';

/** A message only one user sees; `id` equals the message_ts Slack gives it. */
export interface EphemeralMessage {
  ephemeral: true;
  id: string;
  ts: string;
  channel: string;
  /** Who sees it. */
  user: string;
  /** Who wrote it: the bot, or USLACKBOT for Slack's own notices. */
  author: string;
  bot_id?: string;
  app_id?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  history: MessageVersion[];
  via: EphemeralOrigin;
}

/** A view as Slack returns it from views.* (wire shape). */
export interface SlackView {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, unknown>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  submit_disabled: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

/** An open modal (or published Home tab) and what Slack shows around it. */
export interface OpenView {
  view: SlackView;
  userId: string;
  /** `response_action: 'errors'` from the last submission, by block_id. */
  errors: Record<string, string>;
  /** Slack's own complaint when the last submission was not acknowledged properly. */
  problem: string | null;
}

export interface ResponseUrlPost {
  id: string;
  url: string;
  body: Record<string, unknown>;
  at: number;
  status: number;
  response: Record<string, unknown>;
  /** Where the post landed: a new or replaced message, a deletion, or nothing (rejected). */
  applied:
    | { kind: 'ephemeral'; id: string; replaced: boolean }
    | { kind: 'channel'; channel: string; ts: string; replaced: boolean }
    | { kind: 'deleted' }
    | { kind: 'rejected'; error: string };
}

export type DeliveryKind =
  | 'slash_command'
  | 'block_actions'
  | 'shortcut'
  | 'message_action'
  | 'view_submission'
  | 'view_closed'
  | 'block_suggestion'
  | 'event_callback'
  | 'raw';

export type DeliveryOutcome = 'ok' | 'http_error' | 'operation_timeout' | 'dispatch_failed';

/** The bot's answer to one signed request. */
export interface DeliveryResult {
  status: number;
  /** Parsed JSON when the answer is JSON, else the raw text ('' for an empty ack). */
  body: unknown;
  text: string;
  headers: Record<string, string>;
  elapsedMs: number;
  outcome: DeliveryOutcome;
  /**
   * What was sent: the exact raw body (HTTP: the signed body; Socket Mode: the envelope's JSON) and the payload
   * object (Socket Mode: the envelope's `payload`).
   */
  request: {
    kind: DeliveryKind;
    rawBody: string;
    payload: Record<string, unknown>;
    /** HTTP: the headers sent (signature and timestamp included), so a test can replay the request byte for byte. */
    headers?: Record<string, string>;
  };
  /** How it travelled: a signed HTTP POST to the bot URL, or an envelope over a Socket Mode connection. */
  transport: 'http' | 'socket';
  /** Socket Mode: the envelope id and the connection it went to. */
  envelopeId?: string;
  connectionId?: string;
}

export interface Delivery extends DeliveryResult {
  at: number;
}

/** Per-request knobs: the transport, and signing faults for security tests (HTTP only). */
export interface SendOptions {
  /**
   * `socket`: as an envelope over the newest open Socket Mode connection (outcome `dispatch_failed` when none);
   * `http`: a signed POST to the bot URL. Default: `socket` while a Socket Mode client is connected and no signing
   * knob below is set, as Slack sends everything over the socket once an app uses Socket Mode.
   */
  mode?: 'http' | 'socket';
  /** Unix seconds to sign with (default now). */
  timestamp?: number;
  /** Sign with a timestamp 10 minutes old (Slack's replay window is 5). */
  stale?: boolean;
  /** Sign with the wrong secret. */
  wrongSignature?: boolean;
  /** Send no signature headers at all. */
  unsigned?: boolean;
  /** Extra headers (e.g. x-slack-retry-num). */
  headers?: Record<string, string>;
  /** Present the request as coming from another workspace (team_id, team, authorizations, enterprise fields). */
  workspace?: { teamId: string; teamDomain?: string; enterpriseId?: string };
}
