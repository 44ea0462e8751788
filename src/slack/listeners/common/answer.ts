/**
 * Answering inside Slack's 3-second window, whatever ModelArts does. A lookup starts at once and races a budget
 * (about 2 s): ready in time, it is the ack itself; otherwise the ack says "Looking up…" and the answer replaces it
 * through response_url. The lookup runs under a hard deadline, so a hanging ModelArts ends as a friendly error.
 */
import type { AckFn, RespondArguments, RespondFn } from '@slack/bolt';
import type { Message } from '../../blocks/index.js';
import type { AppDeps } from '../../deps.js';
import { type Answer, UserFacingError } from '../../errors.js';
import type { Interaction } from './interaction.js';

/** What every ModelArts call of one lookup receives. */
export interface CallOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /** 0 when the user asked for ModelArts' current state (Refresh): no answer from the lookup read cache. */
  maxAgeMs?: number;
}

export const LOOKING_UP = '⏳ Looking that up in ModelArts…';

export const BUSY =
  'The bot is already running as many ModelArts lookups as it may, so this one was not started. Please try again in a minute.';

/**
 * Runs `work` with a deadline-bound AbortSignal; the signal is released when the work settles. `fresh` work reads
 * ModelArts' current state rather than a recent answer shared with other lookups. Beyond
 * tuning.maxLookupsInFlight lookups at once, new work is refused at once with the BUSY sentence.
 */
export async function withDeadline<T>(
  deps: AppDeps,
  work: (call: CallOptions) => Promise<T>,
  options: { fresh?: boolean } = {},
): Promise<T> {
  if (deps.lookups.inFlight >= deps.tuning.maxLookupsInFlight) throw new UserFacingError(BUSY, 'busy');
  deps.lookups.inFlight++;
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The lookup took too long', 'TimeoutError')),
    deps.tuning.lookupDeadlineMs,
  );
  try {
    const call: CallOptions = { signal: controller.signal, timeoutMs: deps.tuning.modelartsTimeoutMs };
    if (options.fresh) call.maxAgeMs = 0;
    return await work(call);
  } finally {
    clearTimeout(timer);
    deps.lookups.inFlight--;
  }
}

const BUDGET_EXPIRED = Symbol('budget expired');

/** Resolves with the promise's value, or with BUDGET_EXPIRED after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof BUDGET_EXPIRED> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof BUDGET_EXPIRED>((resolve) => {
    timer = setTimeout(() => resolve(BUDGET_EXPIRED), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function isExpired<T>(value: T | typeof BUDGET_EXPIRED): value is typeof BUDGET_EXPIRED {
  return value === BUDGET_EXPIRED;
}

export function ephemeral(message: Message): RespondArguments {
  return { response_type: 'ephemeral', text: message.text, blocks: message.blocks };
}

/**
 * Slash command flow. `work` must not reject (wrap it in withUserErrors); if it does anyway the user still gets the
 * generic sentence through `fallback`.
 */
export async function answerCommand(args: {
  deps: AppDeps;
  interaction: Interaction;
  ack: AckFn<string | RespondArguments>;
  respond: RespondFn;
  work: (call: CallOptions) => Promise<Answer>;
  fallback: (err: unknown) => Answer;
}): Promise<void> {
  const { deps, interaction, ack, respond } = args;
  const pending = withDeadline(deps, args.work).catch(args.fallback);
  const first = await within(pending, deps.tuning.ackBudgetMs);
  if (!isExpired(first)) {
    await ack(ephemeral(first.message));
    interaction.acked();
    interaction.done(first.outcome);
    return;
  }
  await ack({ response_type: 'ephemeral', text: LOOKING_UP });
  interaction.acked();
  interaction.set({ deferred: true });
  const answer = await pending;
  try {
    await respond({ ...ephemeral(answer.message), replace_original: true });
    interaction.done(answer.outcome);
  } catch (err) {
    deps.logger.warn({ err }, 'could not deliver a deferred answer through response_url');
    interaction.done('internal_error');
  }
}
