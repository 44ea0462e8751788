import {
  ErrorCode,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import {
  classifySlackError,
  isBotOutsideConversation,
  isSlackApiError,
  slackErrorCode,
  slackErrorKind,
  slackPlatformCode,
  slackSentence,
} from '../../src/slack/slack-errors.js';

const platform = (error: string) => new WebAPIPlatformError({ ok: false, error });

describe('slack error codes', () => {
  it('sort each code into one kind; an unknown code is a rejection', () => {
    expect(slackErrorKind('channel_not_found')).toBe('channel_gone');
    expect(slackErrorKind('is_archived')).toBe('channel_gone');
    expect(slackErrorKind('token_revoked')).toBe('account');
    expect(slackErrorKind('service_unavailable')).toBe('transient');
    expect(slackErrorKind('ratelimited')).toBe('rate_limited');
    expect(slackErrorKind('edit_window_closed')).toBe('card_gone');
    expect(slackErrorKind('thread_not_found')).toBe('card_gone');
    expect(slackErrorKind('metadata_too_large')).toBe('metadata_refused');
    expect(slackErrorKind('invalid_blocks')).toBe('rejected');
    expect(slackErrorKind('something_new')).toBe('rejected');
    // Codes are looked up in a Map: names of Object.prototype members are just unknown codes.
    expect(slackErrorKind('constructor')).toBe('rejected');
    expect(slackSentence('toString', { conversation: 'this' })).toBeNull();
  });

  it('say whether the bot is outside the conversation (a response_url could still post there)', () => {
    expect(isBotOutsideConversation('not_in_channel')).toBe(true);
    expect(isBotOutsideConversation('channel_not_found')).toBe(true);
    expect(isBotOutsideConversation('is_archived')).toBe(false);
    expect(isBotOutsideConversation(null)).toBe(false);
  });

  it('explain the codes a person can act on, naming this or that conversation and the bot', () => {
    expect(slackSentence('not_in_channel', { conversation: 'this', botName: 'ma-bot' })).toBe(
      'I am not a member of this conversation. Invite me with `/invite @ma-bot` and try again.',
    );
    expect(slackSentence('is_archived', { conversation: 'that' })).toBe(
      'That channel is archived, so I can’t post there.',
    );
    // A bot name is reduced to a handle: nothing of it can break out of the inline code.
    expect(slackSentence('channel_not_found', { conversation: 'that', botName: '`<!here>`' })).toContain(
      '`/invite @here`',
    );
    expect(slackSentence('restricted_action_read_only_channel', { conversation: 'this' })).toBe(
      'Posting in this conversation is restricted by your workspace settings.',
    );
    expect(slackSentence('invalid_blocks', { conversation: 'this' })).toBeNull();
    expect(slackSentence('channel_is_archived', { conversation: 'this' })).toBeNull();
  });

  it('read the code of platform errors and rate limiting, also from errors of another SDK copy', () => {
    expect(slackErrorCode(platform('not_in_channel'))).toBe('not_in_channel');
    expect(slackErrorCode(new WebAPIRateLimitedError(3))).toBe('ratelimited');
    expect(slackPlatformCode(new WebAPIRateLimitedError(3))).toBeNull();
    const foreign = Object.assign(new Error('An API error occurred: is_archived'), {
      code: ErrorCode.PlatformError,
      data: { ok: false, error: 'is_archived' },
    });
    expect(slackErrorCode(foreign)).toBe('is_archived');
    expect(slackErrorCode(new Error('plain'))).toBeNull();
    expect(isSlackApiError(foreign)).toBe(true);
    expect(isSlackApiError(new TypeError('bug'))).toBe(false);
  });
});

describe('classifySlackError', () => {
  it('retries a 429 after its Retry-After (at least a second) and an HTTP 429 after its header', () => {
    expect(classifySlackError(new WebAPIRateLimitedError(7))).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 7000,
      reason: 'ratelimited',
    });
    expect(classifySlackError(new WebAPIRateLimitedError(0))).toMatchObject({ retryAfterMs: 1000 });
    expect(classifySlackError(new WebAPIHTTPError(429, 'Too Many', { 'retry-after': '4' }))).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 4000,
      reason: 'http_429',
    });
    expect(classifySlackError(new WebAPIHTTPError(429, 'Too Many', {}))).toMatchObject({ retryAfterMs: 1000 });
  });

  it('retries 5xx, 408, network errors, transient codes, an ok:false ratelimited and anything unknown', () => {
    expect(classifySlackError(new WebAPIHTTPError(503, 'Unavailable', {}))).toEqual({
      kind: 'transient',
      reason: 'http_503',
    });
    expect(classifySlackError(new WebAPIHTTPError(408, 'Timeout', {}))).toMatchObject({ kind: 'transient' });
    expect(classifySlackError(new WebAPIRequestError(new Error('ECONNRESET')))).toEqual({
      kind: 'transient',
      reason: 'network_error',
    });
    expect(classifySlackError(platform('internal_error'))).toEqual({ kind: 'transient', reason: 'internal_error' });
    expect(classifySlackError(platform('ratelimited'))).toEqual({ kind: 'transient', reason: 'ratelimited' });
    expect(classifySlackError(new TypeError('fetch failed'))).toEqual({ kind: 'transient', reason: 'TypeError' });
  });

  it('disables on channel and account codes, drops what Slack will never accept', () => {
    expect(classifySlackError(platform('is_archived'))).toEqual({ kind: 'channel', reason: 'is_archived' });
    expect(classifySlackError(platform('invalid_auth'))).toEqual({ kind: 'account', reason: 'invalid_auth' });
    expect(classifySlackError(platform('msg_too_long'))).toEqual({ kind: 'rejected', reason: 'msg_too_long' });
    expect(classifySlackError(platform('message_not_found'))).toEqual({
      kind: 'rejected',
      reason: 'message_not_found',
    });
    expect(classifySlackError(new WebAPIHTTPError(400, 'Bad Request', {}))).toEqual({
      kind: 'rejected',
      reason: 'http_400',
    });
  });
});
