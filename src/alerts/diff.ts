/**
 * Pure comparison of what the store last saw with what ModelArts reports now. No I/O, no clock: the poller feeds it
 * the stored `RunState`s and the runs it observed this cycle and gets back the runs that are new or moved.
 */
import { type JobRun, runKey } from '../modelarts/index.js';
import type { RunState } from '../store/types.js';

/**
 * What a poll cycle knows of a run: its ref and status and the times the listing gives. Observers hand over whole
 * runs (a listing row mapped, perhaps completed by a detail record); this is the part the alert rules read.
 */
export type ObservedRun = Pick<JobRun, 'ref' | 'status' | 'createdAt' | 'startedAt' | 'endedAt' | 'durationMs'>;

export interface RunChange<R extends ObservedRun = ObservedRun> {
  /** null: first sight (nothing stored for this run yet). */
  previous: RunState | null;
  current: R;
}

/**
 * The key of a stored state, equal to `runKey` of its ref (`10/12` for a v1 job version, the UUID for a v2 job), so
 * stored states and observed runs meet in one map.
 */
export const stateKey = (s: { jobId: string; versionId: string | null }): string =>
  s.versionId === null ? s.jobId : `${s.jobId}/${s.versionId}`;

/**
 * Changes between stored and observed states: a run is reported when nothing was stored for it or its status key
 * differs. Runs that were stored but not observed are not reported (the observation may be partial, e.g. in
 * fallback mode, and a vanished run is never a reason to alert). Duplicate observations of one run keep the last.
 * The output follows the order of `observed`.
 */
export function diffRunStates<R extends ObservedRun>(
  previous: Iterable<RunState> | ReadonlyMap<string, RunState>,
  observed: Iterable<R>,
): RunChange<R>[] {
  const stored = isMap(previous) ? previous : indexStates(previous);
  const latest = new Map<string, R>();
  for (const run of observed) {
    const key = runKey(run.ref);
    latest.delete(key);
    latest.set(key, run);
  }
  const changes: RunChange<R>[] = [];
  for (const [key, current] of latest) {
    const prior = stored.get(key) ?? null;
    if (prior === null || prior.status !== current.status.key) changes.push({ previous: prior, current });
  }
  return changes;
}

export function indexStates(states: Iterable<RunState>): Map<string, RunState> {
  const map = new Map<string, RunState>();
  for (const s of states) map.set(stateKey(s), s);
  return map;
}

function isMap(value: unknown): value is ReadonlyMap<string, RunState> {
  return value instanceof Map;
}
