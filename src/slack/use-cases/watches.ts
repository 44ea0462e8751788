/**
 * `watch`, `unwatch`, `watches` and their buttons. A watch is only created where the bot can post, and only for a
 * job/version that exists; its first card is queued durably in the outbox (the poller's row builder), so the card
 * appears even if this process dies right after answering.
 */
import { outcomeDue, watchStartRows } from '../../alerts/rows.js';
import type { JobRun } from '../../modelarts/index.js';
import type { Watch, WatchFilter, WatchTarget } from '../../store/types.js';
import { canRemoveWatch, isAdmin } from '../access.js';
import { type Message, type RenderContext, renderWatches } from '../blocks/index.js';
import { capitalize } from '../blocks/job-parts.js';
import { describeWatchTarget, endedPhrase, renderUnwatchQuestion, watchFilterText } from '../blocks/watches.js';
import { type Answer, type ErrorContext, UserFacingError, withUserErrors } from '../errors.js';
import { ensureCanPost } from '../gate.js';
import type { CallOptions } from '../listeners/common/answer.js';
import { type CommandEnv, renderContext } from './context.js';
import { fetchRun } from './lookups.js';
import { notice } from './notice.js';
import { USAGE } from './parser.js';
import { afterUnwatch } from './unwatch.js';

export function describeFilter(target: WatchTarget, filter: WatchFilter): string {
  switch (filter === 'default' ? (target.kind === 'project' ? 'failed' : 'all') : filter) {
    case 'failed':
      return 'when it fails';
    case 'completed':
      return 'when it completes';
    case 'cancelled':
      return 'when it is cancelled';
    default:
      return 'until it completes, fails or is cancelled';
  }
}

export function sameTarget(a: WatchTarget, b: WatchTarget): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'project' || b.kind === 'project') return true;
  if (a.jobId !== b.jobId) return false;
  return a.kind === 'job' || (b.kind === 'run' && a.versionId === b.versionId);
}

function requireChannel(env: CommandEnv): string {
  if (env.channelId === null) {
    throw new UserFacingError('Watches belong to a channel: run this in the channel that should get the alerts.');
  }
  return env.channelId;
}

function errorContext(env: CommandEnv, target: WatchTarget, usage: string): ErrorContext {
  const projectId = env.deps.projectId;
  const botName = env.deps.identity.botName;
  switch (target.kind) {
    case 'run':
      return {
        projectId,
        botName,
        usage,
        subject:
          target.versionId === null
            ? { kind: 'job', jobId: target.jobId }
            : { kind: 'version', jobId: target.jobId, versionId: target.versionId },
      };
    case 'job':
      return { projectId, botName, usage, subject: { kind: 'job', jobId: target.jobId } };
    case 'project':
      return { projectId, botName, usage, subject: { kind: 'none' } };
  }
}

/** What starting a watch did: the watch (null when a finished run was not worth one) and the run it looked at. */
export interface WatchStart {
  watch: Watch | null;
  created: boolean;
  run: JobRun | null;
}

/**
 * Creates (or finds) the watch and queues its first card. A run that already ended is answered at once: its card and
 * outcome are queued now and the watch ends with them, or, when the filter does not want that outcome, no watch is
 * made. Nothing here depends on when the poller will first see the run.
 */
export async function startWatch(
  env: CommandEnv,
  target: WatchTarget,
  filter: WatchFilter,
  call: CallOptions,
): Promise<WatchStart> {
  const { deps } = env;
  const channelId = requireChannel(env);
  // Both checks before anything is stored: the channel must take posts, the run (or job) must exist.
  const [, run] = await Promise.all([
    ensureCanPost(env.deps, env.client, channelId, { userId: env.userId }),
    target.kind === 'project'
      ? Promise.resolve(null)
      : fetchRun(deps, target.jobId, target.kind === 'run' ? target.versionId : null, call),
  ]);
  const finishedRun = target.kind === 'run' && run !== null && run.status.terminal;
  if (finishedRun && !outcomeDue({ target, filter }, run)) return { watch: null, created: false, run };
  const now = deps.now();
  const result = await deps.store.createWatch({
    teamId: env.teamId,
    channelId,
    projectId: deps.projectId,
    creatorUserId: env.userId,
    target,
    filter,
    now,
  });
  if (run) {
    // Duplicates are ignored by the outbox's unique key, so a repeated watch never posts a second card.
    await deps.store.enqueue(watchStartRows(result.watch, run, now));
  }
  if (finishedRun) {
    await deps.store.endWatch(result.watch.id, now);
    return { watch: { ...result.watch, endedAt: now }, created: result.created, run };
  }
  if (result.created && deps.onWatchCreated) {
    try {
      await deps.onWatchCreated(result.watch);
    } catch (err) {
      deps.logger.warn({ err }, 'onWatchCreated failed');
    }
  }
  return { ...result, run };
}

export function watchStartedMessage(
  start: WatchStart,
  target: WatchTarget,
  filter: WatchFilter,
  ctx: RenderContext,
): Message {
  const { watch, created, run } = start;
  const what = describeWatchTarget(target, ctx.projectId);
  if (run?.status.terminal && target.kind === 'run') {
    const ended = `${run.status.emoji} ${capitalize(what)} already ${endedPhrase(run, ctx)}.`;
    return watch === null
      ? notice(
          `${ended} This watch would only report ${watchFilterText(filter, target)}, so there is nothing to watch.`,
        )
      : notice(`${ended} Its card and outcome are posted in this channel; there is nothing left to watch.`);
  }
  if (watch === null) return notice(`Nothing to watch for ${what}.`);
  if (!created) {
    return notice(
      `This channel already watches ${what} ${describeFilter(target, watch.filter)}. \`/modelarts watches\` lists every watch here.`,
    );
  }
  const head = `👀 Watching ${what} in this channel ${describeFilter(target, watch.filter)}.`;
  if (target.kind === 'project')
    return notice(
      `${head} Each failure gets a message here; more than 3 within 10 minutes become one summary, details in its thread.`,
    );
  if (run?.status.terminal) {
    const posted = outcomeDue(watch, run) ? 'its card and outcome are posted here' : 'its card is posted here';
    return notice(`${head} Its newest version already ${endedPhrase(run, ctx)}: ${posted}. New versions follow.`);
  }
  return notice(`${head} Its card appears in this channel and is updated as the status changes.`);
}

export function runWatch(
  env: CommandEnv,
  target: WatchTarget,
  filter: WatchFilter,
  call: CallOptions,
): Promise<Answer> {
  return withUserErrors(errorContext(env, target, USAGE.watch), env.deps.logger, async () => {
    const [start, ctx] = await Promise.all([startWatch(env, target, filter, call), renderContext(env)]);
    return watchStartedMessage(start, target, filter, ctx);
  });
}

/**
 * Removes the channel's watches on `target`, if the user may. Someone else's watch is not removed from the command
 * line: the answer names whose it is and asks, with a button per watch (the click is the confirmation).
 */
export async function stopWatch(env: CommandEnv, target: WatchTarget, call: CallOptions): Promise<Message> {
  const { deps } = env;
  const channelId = requireChannel(env);
  const existing = (await deps.store.listChannelWatches(env.teamId, channelId)).filter((w) =>
    sameTarget(w.target, target),
  );
  const what = describeWatchTarget(target, deps.projectId);
  if (existing.length === 0) {
    throw new UserFacingError(`This channel does not watch ${what}. \`/modelarts watches\` lists its watches.`);
  }
  if (!existing.every((w) => canRemoveWatch(deps.config.access, env.userId, w))) {
    throw new UserFacingError(
      `Someone else started the watch on ${what}; only they or an admin of the bot can remove it.`,
      'refused',
    );
  }
  if (existing.some((w) => w.creatorUserId !== env.userId)) return renderUnwatchQuestion(existing, env.userId);
  const removed = await deps.store.deleteWatches(env.teamId, channelId, target);
  await Promise.all(existing.map((w) => afterUnwatch(env, w, call)));
  return notice(`🔕 Stopped watching ${what} in this channel${removed > 1 ? ` (${removed} watches removed)` : ''}.`);
}

export function runUnwatch(env: CommandEnv, target: WatchTarget, call: CallOptions): Promise<Answer> {
  return withUserErrors(errorContext(env, target, USAGE.unwatch), env.deps.logger, () => stopWatch(env, target, call));
}

export async function watchesMessage(env: CommandEnv): Promise<Message> {
  const channelId = requireChannel(env);
  const [watches, ctx] = await Promise.all([
    env.deps.store.listChannelWatches(env.teamId, channelId),
    renderContext(env),
  ]);
  return renderWatches(watches, ctx);
}

export function runWatches(env: CommandEnv): Promise<Answer> {
  return withUserErrors(
    { projectId: env.deps.projectId, usage: USAGE.watches, subject: { kind: 'none' } },
    env.deps.logger,
    () => watchesMessage(env),
  );
}

/**
 * The Unwatch button (watches list, App Home): removes the watch's target in its channel. Returns the watch that
 * was removed (null when it was already gone).
 */
export async function unwatchById(env: CommandEnv, watchId: number): Promise<Watch | null> {
  const { deps } = env;
  const watch = await deps.store.getWatch(watchId);
  if (!watch || watch.teamId !== env.teamId) return null;
  // From a channel's list only that channel's watches; from App Home (no channel) the user's own or an admin's.
  if (env.channelId !== null && watch.channelId !== env.channelId) {
    throw new UserFacingError('That watch belongs to another channel; remove it there.', 'refused');
  }
  const what = describeWatchTarget(watch.target, deps.projectId);
  const refusal = new UserFacingError(
    `Someone else started the watch on ${what}; only they or an admin of the bot can remove it.`,
    'refused',
  );
  // The button's value is a watch id anyone can forge. Without a channel there is no membership to vouch for
  // "channel property" clean-up, so only the creator or an admin.
  if (env.channelId === null && watch.creatorUserId !== env.userId && !isAdmin(deps.config.access, env.userId)) {
    throw refusal;
  }
  if (!canRemoveWatch(deps.config.access, env.userId, watch)) throw refusal;
  // The button names one watch: remove exactly that one, whoever else watches the same target with another filter.
  await deps.store.deleteWatch(watch.id);
  return watch;
}
