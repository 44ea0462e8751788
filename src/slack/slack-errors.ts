/**
 * Slack Web API error codes, classified in one place: what each code means for us (its kind) and, where a person
 * can act on it, the one sentence that explains it. The outbox sender decides a row's fate by kind, commands and
 * views explain a refusal with the sentence (through errors.ts, the one place that turns any error into words).
 *
 * Errors are recognised by their `code` property, not by class: Bolt's WebClient can come from another copy of
 * @slack/web-api than ours, and `instanceof` fails across copies.
 */
import { ErrorCode } from '@slack/web-api';

/** What a Slack error code means for the message (and the watch) it came from. */
export type SlackErrorKind =
  /** The conversation cannot take the bot's posts (any more): gone, archived, restricted, or the bot is not in it. */
  | 'channel_gone'
  /** The bot's token or account is refused. */
  | 'account'
  /** Slack's side failed; the same call may well succeed later. */
  | 'transient'
  /** Slack asked us to slow down. */
  | 'rate_limited'
  /** The card (or the thread it started) can no longer be edited or replied to: post a fresh message instead. */
  | 'card_gone'
  /** The message's metadata was refused: the message itself can go without it. */
  | 'metadata_refused'
  /** Anything else: this request will never be accepted as it is. */
  | 'rejected';

/** How a sentence refers to the conversation: the one the user is in, or the one they picked. */
export interface SentenceContext {
  conversation: 'this' | 'that';
  botName?: string | null | undefined;
}

interface SlackCode {
  kind: SlackErrorKind;
  /** The bot is outside the conversation: a response_url or an invitation would get a message in. */
  botOutside?: boolean;
  sentence?: (where: string, invite: string, ctx: SentenceContext) => string;
}

const restricted = (where: string) => `Posting in ${where} is restricted by your workspace settings.`;

const SLACK_CODES: ReadonlyMap<string, SlackCode> = new Map<string, SlackCode>([
  [
    'channel_not_found',
    {
      kind: 'channel_gone',
      botOutside: true,
      sentence: (where, invite) =>
        `I can’t see ${where}: it is private or a direct message I am not part of. Invite me with ${invite} and try again.`,
    },
  ],
  [
    'not_in_channel',
    {
      kind: 'channel_gone',
      botOutside: true,
      sentence: (where, invite) => `I am not a member of ${where}. Invite me with ${invite} and try again.`,
    },
  ],
  [
    'is_archived',
    {
      kind: 'channel_gone',
      sentence: (_where, _invite, ctx) =>
        `${ctx.conversation === 'this' ? 'This' : 'That'} channel is archived, so I can’t post there.`,
    },
  ],
  ['channel_is_archived', { kind: 'channel_gone' }],
  ['restricted_action', { kind: 'channel_gone', sentence: restricted }],
  ['restricted_action_read_only_channel', { kind: 'channel_gone', sentence: restricted }],
  ['restricted_action_thread_only_channel', { kind: 'channel_gone', sentence: restricted }],
  ['restricted_action_non_threadable_channel', { kind: 'channel_gone', sentence: restricted }],
  ['cannot_post_in_channel', { kind: 'channel_gone' }],
  ['ekm_access_denied', { kind: 'channel_gone' }],
  ['team_access_not_granted', { kind: 'channel_gone' }],

  ['invalid_auth', { kind: 'account' }],
  ['not_authed', { kind: 'account' }],
  ['account_inactive', { kind: 'account' }],
  ['token_revoked', { kind: 'account' }],
  ['token_expired', { kind: 'account' }],
  ['no_permission', { kind: 'account' }],
  ['missing_scope', { kind: 'account' }],
  ['not_allowed_token_type', { kind: 'account' }],
  ['org_login_required', { kind: 'account' }],
  ['team_disabled', { kind: 'account' }],

  ['internal_error', { kind: 'transient' }],
  ['fatal_error', { kind: 'transient' }],
  ['service_unavailable', { kind: 'transient' }],
  ['request_timeout', { kind: 'transient' }],
  ['timeout', { kind: 'transient' }],
  [
    'ratelimited',
    { kind: 'rate_limited', sentence: () => 'Slack asked me to slow down. Please try again in a minute.' },
  ],
  ['rate_limited', { kind: 'rate_limited' }],

  ['message_not_found', { kind: 'card_gone' }],
  ['cant_update_message', { kind: 'card_gone' }],
  ['edit_window_closed', { kind: 'card_gone' }],
  ['msg_too_old', { kind: 'card_gone' }],
  ['thread_not_found', { kind: 'card_gone' }],

  ['invalid_metadata_format', { kind: 'metadata_refused' }],
  ['invalid_metadata_schema', { kind: 'metadata_refused' }],
  ['metadata_too_large', { kind: 'metadata_refused' }],

  // Our payload is at fault: nothing the user could do, so the generic sentence (and a log entry) it is.
  ['msg_too_long', { kind: 'rejected' }],
  ['msg_blocks_too_long', { kind: 'rejected' }],
  ['invalid_blocks', { kind: 'rejected' }],
  ['expired_trigger_id', { kind: 'rejected', sentence: () => 'That took too long for Slack; please try again.' }],
]);

export function slackErrorKind(code: string): SlackErrorKind {
  return SLACK_CODES.get(code)?.kind ?? 'rejected';
}

/** The bot cannot see the conversation or is not in it (as opposed to the conversation refusing everyone). */
export function isBotOutsideConversation(code: string | null): boolean {
  return code !== null && SLACK_CODES.get(code)?.botOutside === true;
}

/** The sentence for a code a person can act on; null for the rest (the caller logs those and says something generic). */
export function slackSentence(code: string, ctx: SentenceContext): string | null {
  const sentence = SLACK_CODES.get(code)?.sentence;
  if (!sentence) return null;
  const handle = (ctx.botName ?? '').replace(/[^\w.-]/g, '') || 'modelarts';
  return sentence(`${ctx.conversation} conversation`, `\`/invite @${handle}\``, ctx);
}

/** The `error` of a Slack Web API failure (`ratelimited` for a rejected 429), or null. */
export function slackErrorCode(err: unknown): string | null {
  if (errorCodeOf(err) === ErrorCode.RateLimitedError) return 'ratelimited';
  return slackPlatformCode(err);
}

/** The `error` of an `ok: false` answer (a platform error), or null for every other failure. */
export function slackPlatformCode(err: unknown): string | null {
  if (errorCodeOf(err) !== ErrorCode.PlatformError) return null;
  const data = (err as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : null;
}

/** Whether the failure came from the Slack Web API client (as opposed to our own code or the store). */
export function isSlackApiError(err: unknown): boolean {
  const code = errorCodeOf(err);
  return (
    code === ErrorCode.PlatformError ||
    code === ErrorCode.HTTPError ||
    code === ErrorCode.RequestError ||
    code === ErrorCode.RateLimitedError
  );
}

/** What a Slack failure means for an outbox row. */
export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; reason: string }
  | { kind: 'transient'; reason: string }
  /** The channel cannot take posts any more: every watch of the channel is disabled. */
  | { kind: 'channel'; reason: string }
  /** The bot's token or account is refused: the row's watch is disabled. */
  | { kind: 'account'; reason: string }
  /** This message will never be accepted (our payload); the row is dropped, the watch kept. */
  | { kind: 'rejected'; reason: string };

/** Classifies a failed Slack call for the outbox: retry (after how long), give up, or disable watches. */
export function classifySlackError(err: unknown): SlackFailure {
  const e = err as { retryAfter?: unknown; statusCode?: unknown; headers?: Record<string, unknown> };
  switch (errorCodeOf(err)) {
    case ErrorCode.RateLimitedError: {
      const after = typeof e.retryAfter === 'number' ? e.retryAfter : 0;
      return { kind: 'rate_limited', retryAfterMs: Math.max(1, after) * 1000, reason: 'ratelimited' };
    }
    case ErrorCode.HTTPError: {
      const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
      if (status === 429) {
        const after = Number(e.headers?.['retry-after']);
        return {
          kind: 'rate_limited',
          retryAfterMs: Number.isFinite(after) && after > 0 ? after * 1000 : 1000,
          reason: 'http_429',
        };
      }
      if (status >= 500 || status === 408) return { kind: 'transient', reason: `http_${status}` };
      return { kind: 'rejected', reason: `http_${status}` };
    }
    case ErrorCode.RequestError:
      return { kind: 'transient', reason: 'network_error' };
    case ErrorCode.PlatformError: {
      const code = slackPlatformCode(err) ?? 'platform_error';
      switch (slackErrorKind(code)) {
        case 'channel_gone':
          return { kind: 'channel', reason: code };
        case 'account':
          return { kind: 'account', reason: code };
        // An `ok: false` "ratelimited" answer carries no Retry-After: an ordinary retry with backoff.
        case 'transient':
        case 'rate_limited':
          return { kind: 'transient', reason: code };
        default:
          return { kind: 'rejected', reason: code };
      }
    }
  }
  // A timeout of the SDK's own fetch or anything unexpected below it: the post may or may not have happened; retrying
  // risks one duplicate, not retrying risks a loss, and the outbox promises no losses.
  return { kind: 'transient', reason: err instanceof Error ? err.name : 'unknown_error' };
}

function errorCodeOf(err: unknown): unknown {
  return err instanceof Error && 'code' in err ? err.code : undefined;
}
