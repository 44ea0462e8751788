/**
 * What follows removing a watch: its card in the channel stops claiming to be watched (edited in place, no Unwatch
 * button, who removed it), and the person who started it is told when someone else removed it. Both are best
 * effort: the watch is already gone, and a failure here is logged, never turned into an error for the remover.
 */
import { watchCovers } from '../../alerts/plan.js';
import { factsFromRun, jobAlert } from '../../alerts/rows.js';
import { refParts } from '../../modelarts/index.js';
import type { Watch } from '../../store/types.js';
import { renderAlertCard } from '../blocks/alerts.js';
import type { Message } from '../blocks/index.js';
import { describeWatchTarget } from '../blocks/watches.js';
import type { CallOptions } from '../listeners/common/answer.js';
import { escapeMrkdwn, mention } from '../mrkdwn.js';
import { type CommandEnv, renderContext } from './context.js';
import { fetchRun } from './lookups.js';

/** Edits the channel's card of the watch's run, unless another watch of the channel still keeps it up to date. */
export async function markCardUnwatched(env: CommandEnv, watch: Watch, call: CallOptions): Promise<void> {
  const { deps } = env;
  const t = watch.target;
  if (t.kind === 'project') return;
  // The watched run, or a job watch's newest version: the card the watch kept up to date.
  const run = await fetchRun(deps, t.jobId, t.kind === 'run' ? t.versionId : null, call);
  const { jobId, versionId } = refParts(run.ref);
  const [card, others, ctx] = await Promise.all([
    deps.store.getCard(watch.teamId, watch.channelId, jobId, versionId),
    deps.store.listChannelWatches(watch.teamId, watch.channelId),
    renderContext(env),
  ]);
  if (!card) return;
  if (others.some((w) => w.id !== watch.id && !w.endedAt && !w.disabledAt && watchCovers(w, run.ref))) return;
  const message = renderAlertCard(jobAlert(factsFromRun(deps.projectId, run), null, 'status'), ctx, {
    unwatchedBy: env.userId,
  });
  await env.client.chat.update({
    channel: watch.channelId,
    ts: card.ts,
    text: message.text,
    blocks: message.blocks,
    ...(message.metadata ? { metadata: message.metadata } : {}),
  });
}

/** Ephemeral in the watch's channel, else a DM: the creator may have left the channel. */
async function tellUser(env: CommandEnv, userId: string, channelId: string, message: Message): Promise<void> {
  try {
    await env.client.chat.postEphemeral({
      channel: channelId,
      user: userId,
      text: message.text,
      blocks: message.blocks,
    });
  } catch {
    await env.client.chat.postMessage({ channel: userId, text: message.text, blocks: message.blocks });
  }
}

/** To a watch's creator: who removed it, where, and how to start it again. */
export function removedNotice(watch: Watch, byUserId: string): Message {
  const who = mention(byUserId) ?? 'Someone';
  const where = /^[A-Z0-9]{2,40}$/.test(watch.channelId) ? `<#${watch.channelId}>` : escapeMrkdwn(watch.channelId);
  const what = escapeMrkdwn(describeWatchTarget(watch.target, watch.projectId));
  const text = `🔕 ${who} removed your watch on ${what} in ${where}. \`/modelarts watch …\` there starts it again.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** Everything after a watch was removed by `env.userId`. */
export async function afterUnwatch(env: CommandEnv, watch: Watch, call: CallOptions): Promise<void> {
  const tasks: Array<Promise<void>> = [markCardUnwatched(env, watch, call)];
  if (watch.creatorUserId !== env.userId) {
    tasks.push(tellUser(env, watch.creatorUserId, watch.channelId, removedNotice(watch, env.userId)));
  }
  const results = await Promise.allSettled(tasks);
  for (const r of results) {
    if (r.status === 'rejected') env.deps.logger.warn({ err: r.reason, watchId: watch.id }, 'after unwatch');
  }
}
