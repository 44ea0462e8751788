import { ErrorCode } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  EndpointNotFoundError,
  InvalidIdError,
  NotFoundError,
  RateLimitError,
  ResponseParseError,
  ServerError,
  TimeoutError,
} from '../../../src/modelarts/errors.js';
import {
  classifyError,
  type ErrorContext,
  notFoundSentence,
  toUserMessage,
  UserFacingError,
  withUserErrors,
} from '../../../src/slack/errors.js';
import { captureLogger } from '../../support/app-fakes.js';

const init = (status: number, errorCode: string | null = null) => ({
  status,
  errorCode,
  errorMessage: 'upstream says <!channel> no',
  requestId: 'req-1',
  endpoint: 'GET /v1/{project_id}/training-jobs/{job_id}/versions/{version_id}',
});
const versionCtx: ErrorContext = { projectId: 'eu-de_ml', subject: { kind: 'version', jobId: '42', versionId: '7' } };

/** What @slack/web-api throws for `ok:false`. */
function platformError(error: string): Error {
  return Object.assign(new Error(`An API error occurred: ${error}`), {
    code: ErrorCode.PlatformError,
    data: { ok: false, error },
  });
}

describe('toUserMessage', () => {
  it('names the job, version and project for a 404 and says what to try', () => {
    const sentence = toUserMessage(new NotFoundError(init(404)), versionCtx);
    expect(sentence).toBe(
      'No training job 42 version 7 in project eu-de_ml. Try `/modelarts job 42` for its latest version, or `/modelarts jobs` to list job versions.',
    );
    expect(
      toUserMessage(new NotFoundError(init(400, 'ModelArts.2775')), {
        projectId: 'p',
        subject: { kind: 'job', jobId: '9' },
      }),
    ).toBe('No training job 9 in project p. Try `/modelarts jobs` to list them.');
    expect(notFoundSentence({ kind: 'viz', jobId: '3' }, 'p')).toContain('No visualization job 3 in project p');
    expect(notFoundSentence({ kind: 'dataset', datasetId: 'ds1' }, 'p')).toContain('No dataset ds1 in project p');
  });

  it('keeps a missing API (EndpointNotFoundError) apart from a missing job', () => {
    const sentence = toUserMessage(new EndpointNotFoundError(init(404, 'APIG.0101')), versionCtx);
    expect(sentence).not.toContain('No training job');
    expect(sentence).toContain('does not offer');
  });

  it('uses the ModelArts userMessage for upstream trouble and adds the next step', () => {
    expect(toUserMessage(new ServerError(init(503)), versionCtx)).toMatch(
      /^ModelArts is having trouble.*try again in a minute\.$/,
    );
    expect(toUserMessage(new TimeoutError('GET /x', 10_000), versionCtx)).toContain('did not answer within 10 s');
    expect(toUserMessage(new ConnectionError('GET /x', 'ECONNREFUSED'), versionCtx)).toContain(
      'Could not reach ModelArts',
    );
    expect(toUserMessage(new RateLimitError(init(429), 3_000), versionCtx)).toContain('try again in 3 s');
    expect(toUserMessage(new AuthenticationError(init(401)), versionCtx)).toContain('tell whoever runs this bot');
    expect(toUserMessage(new ResponseParseError('GET /x', 200, 'bad'), versionCtx)).toBe(
      'ModelArts sent a response the bot could not read.',
    );
    expect(toUserMessage(new InvalidIdError('job_id', '../1'), versionCtx)).toContain('is not a training job id');
  });

  it('explains Slack errors about conversations, with the bot’s handle', () => {
    const ctx: ErrorContext = { projectId: 'p', subject: { kind: 'channel', channelId: 'C1' }, botName: 'ma-bot' };
    expect(toUserMessage(platformError('not_in_channel'), ctx)).toBe(
      'I am not a member of this conversation. Invite me with `/invite @ma-bot` and try again.',
    );
    expect(toUserMessage(platformError('is_archived'), ctx)).toBe('This channel is archived, so I can’t post there.');
    expect(toUserMessage(platformError('channel_not_found'), ctx)).toContain('I can’t see this conversation');
  });

  it('passes sentences of UserFacingError through with their outcome', () => {
    expect(classifyError(new UserFacingError('No.', 'refused'), versionCtx)).toEqual({
      sentence: 'No.',
      outcome: 'refused',
    });
  });

  it('treats aborts as timeouts', () => {
    const abort = new DOMException('deadline', 'TimeoutError');
    expect(classifyError(abort, versionCtx)).toEqual({
      sentence: 'ModelArts did not answer in time. Please try again in a minute.',
      outcome: 'upstream_error',
    });
  });

  it('logs unknown errors and answers generically without leaking their message', () => {
    const { logger, lines } = captureLogger();
    const secret = new Error('connection string postgres://admin:hunter2@db');
    const result = classifyError(secret, versionCtx, logger);
    expect(result.outcome).toBe('internal_error');
    expect(result.sentence).not.toContain('hunter2');
    expect(result.sentence).toContain('has been logged');
    expect(lines().some((l) => l.level === 50)).toBe(true);
    // An unexplained Slack error code is unexpected too.
    expect(classifyError(platformError('invalid_blocks'), versionCtx, logger).outcome).toBe('internal_error');
  });
});

describe('withUserErrors', () => {
  it('returns the rendered answer when the lookup works', async () => {
    const { logger } = captureLogger();
    const answer = await withUserErrors(versionCtx, logger, async () => ({ text: 'ok', blocks: [] }));
    expect(answer).toEqual({ message: { text: 'ok', blocks: [] }, outcome: 'ok' });
  });

  it('renders the error sentence, with the usage line only for the user’s own mistakes', async () => {
    const { logger } = captureLogger();
    const ctx = { ...versionCtx, usage: '`/modelarts job JOB_ID [VERSION_ID]`' };
    const notFound = await withUserErrors(ctx, logger, async () => {
      throw new NotFoundError(init(404));
    });
    expect(notFound.outcome).toBe('user_error');
    expect(JSON.stringify(notFound.message.blocks)).toContain('Usage');
    const down = await withUserErrors(ctx, logger, async () => {
      throw new ServerError(init(500));
    });
    expect(down.outcome).toBe('upstream_error');
    expect(JSON.stringify(down.message.blocks)).not.toContain('Usage');
    // Upstream text is escaped by the renderer: no mention can come through.
    const escaped = await withUserErrors(ctx, logger, async () => {
      throw new BadRequestError({ ...init(400), errorMessage: '<!channel>' });
    });
    expect(JSON.stringify(escaped.message)).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(escaped.message)).not.toContain('<!channel>');
  });
});
