/**
 * Refresh on an alert card: the card is rendered again from ModelArts' current state, as the poller would, with the
 * channel's watch that keeps it (its Unwatch) or, when none is left, as no longer watched.
 */
import { watchCovers } from '../../alerts/plan.js';
import { factsFromRun, jobAlert } from '../../alerts/rows.js';
import { type RunRef, refParts } from '../../modelarts/index.js';
import { renderAlertCard } from '../blocks/alerts.js';
import type { Message } from '../blocks/index.js';
import type { CallOptions } from '../listeners/common/answer.js';
import { type CommandEnv, renderContext } from './context.js';
import { fetchRun } from './lookups.js';

export async function refreshedAlertCard(env: CommandEnv, ref: RunRef, call: CallOptions): Promise<Message> {
  const { deps } = env;
  const { jobId, versionId } = refParts(ref);
  const [run, watches, ctx] = await Promise.all([
    fetchRun(deps, jobId, versionId, call),
    env.channelId === null ? Promise.resolve([]) : deps.store.listChannelWatches(env.teamId, env.channelId),
    renderContext(env),
  ]);
  const watch = watches.find((w) => !w.endedAt && !w.disabledAt && w.target.kind !== 'project' && watchCovers(w, ref));
  const alert = jobAlert(factsFromRun(deps.projectId, run), watch ?? null, 'status');
  return renderAlertCard(alert, ctx, watch ? {} : { unwatchedBy: null });
}
