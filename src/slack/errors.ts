/**
 * The one place where failures become sentences for people. ModelArts errors bring their own `userMessage`; this
 * module adds what only the Slack layer knows (which job the user asked for, which project, what to try next).
 * Unknown errors are logged with their stack and answered with a generic sentence: nothing internal leaks.
 */
import type { Logger } from 'pino';
import {
  AuthenticationError,
  ConnectionError,
  EndpointNotFoundError,
  InvalidIdError,
  ModelArtsError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../modelarts/errors.js';
import { TrainingApiOffError } from '../modelarts/training-service.js';
import { type Message, renderErrorMessage } from './blocks/index.js';
import { slackErrorCode, slackSentence } from './slack-errors.js';

/** What the user asked about, so a 404 can say "No training job 42 version 7 in project X". */
export type ErrorSubject =
  | { kind: 'version'; jobId: string; versionId: string }
  | { kind: 'job'; jobId: string }
  | { kind: 'viz'; jobId: string }
  | { kind: 'dataset'; datasetId: string }
  | { kind: 'list'; what: string }
  | { kind: 'channel'; channelId: string }
  | { kind: 'none' };

export interface ErrorContext {
  projectId: string;
  subject?: ErrorSubject;
  /** The usage line shown under the sentence, when the error was the user's. */
  usage?: string | null;
  /** The bot's handle for "/invite @…" hints, when known. */
  botName?: string | null;
}

/** `busy`: turned away because the bot already runs as many lookups as it may (AppTuning.maxLookupsInFlight). */
export type Outcome = 'ok' | 'user_error' | 'refused' | 'upstream_error' | 'busy' | 'internal_error';

/** A failure whose sentence is already written for the user (a refusal, a channel the bot cannot use, …). */
export class UserFacingError extends Error {
  constructor(
    readonly userMessage: string,
    readonly outcome: Exclude<Outcome, 'ok' | 'internal_error'> = 'user_error',
  ) {
    super(userMessage);
    this.name = 'UserFacingError';
  }
}

const GENERIC = 'Something went wrong on my side while doing that. It has been logged; please try again in a minute.';
const TIMED_OUT = 'ModelArts did not answer in time. Please try again in a minute.';

/** "No training job 42 version 7 in project X. Try …" for the subjects that have a 404 sentence. */
export function notFoundSentence(subject: ErrorSubject | undefined, projectId: string): string {
  switch (subject?.kind) {
    case 'version':
      return `No training job ${subject.jobId} version ${subject.versionId} in project ${projectId}. Try \`/modelarts job ${subject.jobId}\` for its latest version, or \`/modelarts jobs\` to list job versions.`;
    case 'job':
      return `No training job ${subject.jobId} in project ${projectId}. Try \`/modelarts jobs\` to list them.`;
    case 'viz':
      return `No visualization job ${subject.jobId} in project ${projectId}. Try \`/modelarts viz\` to list the visualization jobs.`;
    case 'dataset':
      return `No dataset ${subject.datasetId} in project ${projectId}. Try \`/modelarts tasks\` without a dataset to see every task.`;
    default:
      return `Nothing like that in project ${projectId}.`;
  }
}

/** Slack Web API error codes we can explain (null: unexpected, logged by the caller); the wording is slack-errors.ts's. */
export function slackPlatformSentence(
  code: string,
  subject: ErrorSubject | undefined,
  botName?: string | null,
): string | null {
  return slackSentence(code, { conversation: subject?.kind === 'channel' ? 'this' : 'that', botName });
}

/** ModelArts messages are fragments without a full stop; make them a sentence. */
function sentenceOf(fragment: string): string {
  const trimmed = fragment.trim();
  if (trimmed.length === 0) return 'ModelArts returned an error.';
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

export interface ClassifiedError {
  sentence: string;
  outcome: Exclude<Outcome, 'ok'>;
}

/** Maps any failure to one sentence and an outcome for the interaction log. */
export function classifyError(err: unknown, ctx: ErrorContext, logger?: Logger): ClassifiedError {
  if (err instanceof UserFacingError) return { sentence: err.userMessage, outcome: err.outcome };
  if (err instanceof ModelArtsError) {
    if (err instanceof NotFoundError && !(err instanceof EndpointNotFoundError)) {
      const known = ctx.subject && ['version', 'job', 'viz', 'dataset'].includes(ctx.subject.kind);
      return {
        sentence: known ? notFoundSentence(ctx.subject, ctx.projectId) : sentenceOf(err.userMessage),
        outcome: 'user_error',
      };
    }
    if (err instanceof InvalidIdError) return { sentence: sentenceOf(err.userMessage), outcome: 'user_error' };
    // A pinned MODELARTS_TRAINING_API is the deployment's choice; the id itself was fine, so no usage line follows.
    if (err instanceof TrainingApiOffError) return { sentence: sentenceOf(err.userMessage), outcome: 'refused' };
    if (err instanceof RateLimitError) return { sentence: sentenceOf(err.userMessage), outcome: 'upstream_error' };
    if (err instanceof AuthenticationError || err instanceof PermissionDeniedError) {
      logger?.error({ err: { name: err.name, message: err.message } }, 'ModelArts refused the bot');
      return {
        sentence: `${sentenceOf(err.userMessage)} Please tell whoever runs this bot.`,
        outcome: 'upstream_error',
      };
    }
    logger?.warn({ err: { name: err.name, message: err.message } }, 'ModelArts call failed');
    const transient = err instanceof TimeoutError || err instanceof ServerError || err instanceof ConnectionError;
    return {
      sentence: transient
        ? `${sentenceOf(err.userMessage)} Please try again in a minute.`
        : sentenceOf(err.userMessage),
      outcome: 'upstream_error',
    };
  }
  if (isAbort(err)) return { sentence: TIMED_OUT, outcome: 'upstream_error' };
  const slackCode = slackErrorCode(err);
  if (slackCode) {
    const sentence = slackPlatformSentence(slackCode, ctx.subject, ctx.botName);
    if (sentence) return { sentence, outcome: 'user_error' };
  }
  logger?.error({ err }, 'unexpected error while handling a Slack interaction');
  return { sentence: GENERIC, outcome: 'internal_error' };
}

/** One human sentence for any failure, with the lookup's context. */
export function toUserMessage(err: unknown, ctx: ErrorContext, logger?: Logger): string {
  return classifyError(err, ctx, logger).sentence;
}

export interface Answer {
  message: Message;
  outcome: Outcome;
}

/** Runs a lookup that renders a message; any failure becomes the error message instead. Never rejects. */
export async function withUserErrors(ctx: ErrorContext, logger: Logger, fn: () => Promise<Message>): Promise<Answer> {
  try {
    return { message: await fn(), outcome: 'ok' };
  } catch (err) {
    const { sentence, outcome } = classifyError(err, ctx, logger);
    const usage = outcome === 'user_error' ? (ctx.usage ?? undefined) : undefined;
    return { message: renderErrorMessage(sentence, usage), outcome };
  }
}
