/**
 * Which watch hears about which version change, decided without I/O. The poller fetches details only for the
 * versions this returns intents for, then turns intents into outbox rows (alert-rows.ts).
 */
import { trainingJobStatus } from '../modelarts/statuses.js';
import type { Watch, WatchFilter } from '../store/types.js';
import type { ObservedVersion, VersionChange } from './diff.js';

/**
 * How far before a watch's creation a first-seen version may have finished and still be reported. Covers clock skew
 * between ModelArts and the bot and the gap between the watch command and the next poll; anything older is history
 * the user did not ask about (a project-wide watch must not replay every failure of the past).
 */
export const FIRST_SIGHT_MARGIN_MS = 5 * 60_000;

export type AlertIntentKind = 'card' | 'terminal_reply' | 'project_failure';

export interface AlertIntent {
  kind: AlertIntentKind;
  change: VersionChange;
  watch: Watch;
}

export interface PlanInput {
  changes: readonly VersionChange[];
  watches: readonly Watch[];
  /** The newest version id of each job, when known (job list, versions-of-job). */
  latestVersionByJob: ReadonlyMap<string, string>;
  marginMs?: number;
}

/** True when a terminal status passes the watch's outcome filter (see WatchFilter). */
export function filterMatches(watch: Pick<Watch, 'filter' | 'target'>, status: number): boolean {
  const info = trainingJobStatus(status);
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

export function watchCovers(watch: Watch, jobId: string, versionId: string): boolean {
  const t = watch.target;
  if (t.kind === 'project') return true;
  if (t.kind === 'job') return t.jobId === jobId;
  return t.jobId === jobId && t.versionId === versionId;
}

/** When a version reached its current status, as far as the listing tells: end time, else start + duration. */
export function finishedAt(v: ObservedVersion): number | null {
  if (v.endTime !== null) return v.endTime;
  if (v.startTime !== null && v.durationMs !== null) return v.startTime + v.durationMs;
  if (v.createTime !== null && v.durationMs !== null) return v.createTime + v.durationMs;
  return null;
}

/**
 * For a version seen for the first time in a terminal state: did it end after the watch began (so the watch must hear
 * about it), or is it history? Unknown end times are decided by the watch kind: an explicitly watched version is
 * reported, a job watch reports versions created after it, a project watch stays quiet rather than flood a channel.
 */
export function endedAfterWatch(watch: Watch, v: ObservedVersion, isLatest: boolean, marginMs: number): boolean {
  const since = watch.createdAt.getTime() - marginMs;
  const end = finishedAt(v);
  if (end !== null) return end >= since;
  if (watch.target.kind === 'version') return true;
  if (v.createTime !== null) return v.createTime >= since;
  return watch.target.kind === 'job' && isLatest;
}

/** Whether a job watch shows a card for a version it sees for the first time: current or new work, not history. */
function jobWatchWantsCard(watch: Watch, v: ObservedVersion, isLatest: boolean, marginMs: number): boolean {
  if (isLatest || !trainingJobStatus(v.status).terminal) return true;
  const since = watch.createdAt.getTime() - marginMs;
  if (v.createTime !== null && v.createTime >= since) return true;
  return endedAfterWatch(watch, v, isLatest, marginMs);
}

/**
 * Alert intents for the changes. Rules (issue 4):
 * - version and job watches: a card on every status change (first sight included, deduplicated against the card the
 *   watch command queued), a terminal thread reply when the status is terminal and passes the filter;
 * - project watches: one standalone message per version reaching a terminal status that passes the filter (failures
 *   by default), and none for a channel that already gets a terminal reply for that version;
 * - a version seen for the first time is reported to a watch only if it is current for it (see endedAfterWatch);
 * - one intent per (channel, version, kind): the oldest watch of the channel speaks for the others.
 */
export function planAlerts(input: PlanInput): AlertIntent[] {
  const marginMs = input.marginMs ?? FIRST_SIGHT_MARGIN_MS;
  const watches = [...input.watches].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  // Indexed by job: a cycle with thousands of changes must not compare each with thousands of watches.
  const byJob = new Map<string, Watch[]>();
  const projectWide: Watch[] = [];
  for (const watch of watches) {
    if (watch.target.kind === 'project') projectWide.push(watch);
    else byJob.set(watch.target.jobId, [...(byJob.get(watch.target.jobId) ?? []), watch]);
  }
  const intents: AlertIntent[] = [];
  for (const change of input.changes) {
    const v = change.current;
    const firstSight = change.previous === null;
    const terminal = trainingJobStatus(v.status).terminal;
    const isLatest = input.latestVersionByJob.get(v.jobId) === v.versionId;
    const taken = new Set<string>();
    const add = (kind: AlertIntentKind, watch: Watch) => {
      const slot = `${watch.teamId}\u0000${watch.channelId}\u0000${kind}`;
      if (taken.has(slot)) return;
      taken.add(slot);
      intents.push({ kind, change, watch });
    };
    // Cards and thread replies first, so a project watch in the same channel can defer to them.
    for (const watch of byJob.get(v.jobId) ?? []) {
      const kind = watch.target.kind;
      if (!watchCovers(watch, v.jobId, v.versionId)) continue;
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
      // A project watch never reports history, even when a stored state exists from another watch.
      if (!endedAfterWatch(watch, v, isLatest, marginMs)) continue;
      if (taken.has(`${watch.teamId}\u0000${watch.channelId}\u0000terminal_reply`)) continue;
      add('project_failure', watch);
    }
  }
  return intents;
}
