/**
 * Which watch hears about which run change, decided without I/O. The poller fetches details only for the runs this
 * returns intents for, then turns intents into outbox rows (rows.ts). Runs of both APIs follow the same rules; only
 * job watches (a v1 job with all its versions) and "newest version" are v1 notions.
 */
import { type RunRef, type RunStatus, refParts } from '../modelarts/index.js';
import type { Watch, WatchFilter } from '../store/types.js';
import type { ObservedRun, RunChange } from './diff.js';

/**
 * How far before a watch's creation a first-seen run may have finished and still be reported. Covers clock skew
 * between ModelArts and the bot and the gap between the watch command and the next poll; anything older is history
 * the user did not ask about (a project-wide watch must not replay every failure of the past).
 */
export const FIRST_SIGHT_MARGIN_MS = 5 * 60_000;

export type AlertIntentKind = 'card' | 'terminal_reply' | 'project_failure';

export interface AlertIntent<R extends ObservedRun = ObservedRun> {
  kind: AlertIntentKind;
  change: RunChange<R>;
  watch: Watch;
}

export interface PlanInput<R extends ObservedRun> {
  changes: readonly RunChange<R>[];
  watches: readonly Watch[];
  /** The newest version id of each v1 job, when known (job list, versions-of-job). */
  latestVersionByJob: ReadonlyMap<string, string>;
  /**
   * When the stored states were last confirmed by a successful observation (the previous cycle), or null when unknown.
   * A change from a state confirmed after a watch began happened while that watch was listening: it is news, never
   * history, whatever the run's own times say (a job queued for days that fails before it starts has old times).
   */
  observedAt?: number | null;
  marginMs?: number;
}

/** True when a terminal status passes the watch's outcome filter (see WatchFilter). */
export function filterMatches(watch: Pick<Watch, 'filter' | 'target'>, info: RunStatus): boolean {
  if (!info.terminal) return false;
  const filter: WatchFilter = watch.filter;
  switch (filter) {
    case 'all':
      return true;
    case 'failed':
      return info.category === 'failed';
    case 'completed':
      return info.category === 'succeeded';
    case 'cancelled':
      return info.category === 'cancelled';
    case 'default':
      return watch.target.kind === 'project' ? info.category === 'failed' : true;
  }
}

export function watchCovers(watch: Watch, ref: RunRef): boolean {
  const t = watch.target;
  if (t.kind === 'project') return true;
  if (t.kind === 'job') return ref.api === 'v1' && t.jobId === ref.jobId;
  const { jobId, versionId } = refParts(ref);
  return t.jobId === jobId && t.versionId === versionId;
}

/** When a run reached its current status, as far as the listing tells: end time, else start + duration. */
export function finishedAt(v: ObservedRun): number | null {
  if (v.endedAt !== null) return v.endedAt;
  if (v.startedAt !== null && v.durationMs !== null) return v.startedAt + v.durationMs;
  if (v.createdAt !== null && v.durationMs !== null) return v.createdAt + v.durationMs;
  return null;
}

/**
 * For a run seen for the first time in a terminal state: did it end after the watch began (so the watch must hear
 * about it), or is it history? Unknown end times are decided by the watch kind: an explicitly watched run is
 * reported, a job watch reports versions created after it, a project watch stays quiet rather than flood a channel.
 */
export function endedAfterWatch(watch: Watch, v: ObservedRun, isLatest: boolean, marginMs: number): boolean {
  const since = watch.createdAt.getTime() - marginMs;
  const end = finishedAt(v);
  if (end !== null) return end >= since;
  if (watch.target.kind === 'run') return true;
  if (v.createdAt !== null) return v.createdAt >= since;
  return watch.target.kind === 'job' && isLatest;
}

/**
 * Whether a change from a stored state happened while the watch was listening: the state was confirmed by a poll
 * after the watch began. Without that (states left from before the watch, a poller that was down), the run's times
 * decide as for a first sight.
 */
function observedWhileWatching(watch: Watch, change: RunChange, observedAt: number | null): boolean {
  // Both times are the bot's own clock: no margin for skew with ModelArts is needed, and one would let states left
  // from before the watch pass as confirmed.
  return change.previous !== null && observedAt !== null && observedAt >= watch.createdAt.getTime();
}

/** Whether a job watch shows a card for a version it sees for the first time: current or new work, not history. */
function jobWatchWantsCard(watch: Watch, v: ObservedRun, isLatest: boolean, marginMs: number): boolean {
  if (isLatest || !v.status.terminal) return true;
  const since = watch.createdAt.getTime() - marginMs;
  if (v.createdAt !== null && v.createdAt >= since) return true;
  return endedAfterWatch(watch, v, isLatest, marginMs);
}

/** Whether the run is its v1 job's newest version (a v2 job has no versions). */
function isLatestVersion(ref: RunRef, latestVersionByJob: ReadonlyMap<string, string>): boolean {
  return ref.api === 'v1' && latestVersionByJob.get(ref.jobId) === ref.versionId;
}

/**
 * Alert intents for the changes. Rules (issue 4):
 * - run and job watches: a card on every status change (first sight included, deduplicated against the card the
 *   watch command queued), a terminal thread reply when the status is terminal and passes the filter;
 * - project watches: one standalone message per run reaching a terminal status that passes the filter (failures
 *   by default), and none for a channel that already gets a terminal reply for that run;
 * - a run seen for the first time is reported to a watch only if it is current for it (see endedAfterWatch); so is
 *   a change from a stored state the watch was not yet listening for, while a transition observed during the watch
 *   is always reported (see observedWhileWatching);
 * - one intent per (channel, run, kind): the oldest watch of the channel speaks for the others.
 */
export function planAlerts<R extends ObservedRun>(input: PlanInput<R>): AlertIntent<R>[] {
  const marginMs = input.marginMs ?? FIRST_SIGHT_MARGIN_MS;
  const watches = [...input.watches].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  // Indexed by job: a cycle with thousands of changes must not compare each with thousands of watches.
  const byJob = new Map<string, Watch[]>();
  const projectWide: Watch[] = [];
  for (const watch of watches) {
    if (watch.target.kind === 'project') projectWide.push(watch);
    else byJob.set(watch.target.jobId, [...(byJob.get(watch.target.jobId) ?? []), watch]);
  }
  const intents: AlertIntent<R>[] = [];
  for (const change of input.changes) {
    const v = change.current;
    const firstSight = change.previous === null;
    const terminal = v.status.terminal;
    const isLatest = isLatestVersion(v.ref, input.latestVersionByJob);
    const taken = new Set<string>();
    const add = (kind: AlertIntentKind, watch: Watch) => {
      const slot = `${watch.teamId}\u0000${watch.channelId}\u0000${kind}`;
      if (taken.has(slot)) return;
      taken.add(slot);
      intents.push({ kind, change, watch });
    };
    // Cards and thread replies first, so a project watch in the same channel can defer to them.
    for (const watch of byJob.get(v.ref.jobId) ?? []) {
      const kind = watch.target.kind;
      if (!watchCovers(watch, v.ref)) continue;
      if (firstSight && kind === 'job' && !jobWatchWantsCard(watch, v, isLatest, marginMs)) continue;
      add('card', watch);
      if (
        terminal &&
        filterMatches(watch, v.status) &&
        (!firstSight || endedAfterWatch(watch, v, isLatest, marginMs))
      ) {
        add('terminal_reply', watch);
      }
    }
    if (!terminal) continue;
    for (const watch of projectWide) {
      if (!filterMatches(watch, v.status)) continue;
      // A project watch never reports history, even when a stored state exists from another watch; a transition it
      // was listening for is not history.
      const observed = observedWhileWatching(watch, change, input.observedAt ?? null);
      if (!observed && !endedAfterWatch(watch, v, isLatest, marginMs)) continue;
      if (taken.has(`${watch.teamId}\u0000${watch.channelId}\u0000terminal_reply`)) continue;
      add('project_failure', watch);
    }
  }
  return intents;
}
