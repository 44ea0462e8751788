/**
 * Pure comparison of what the store last saw with what ModelArts reports now. No I/O, no clock: the poller feeds it
 * the stored `VersionState`s and the versions it observed this cycle and gets back the versions that are new or moved.
 */
import type { VersionState } from '../store/types.js';

/** One job version as observed in a poll cycle, normalised from whichever listing reported it. */
export interface ObservedVersion {
  jobId: string;
  versionId: string;
  status: number;
  jobName: string | null;
  versionName: string | null;
  /** Epoch ms as ModelArts reports them; null when the listing does not carry them. */
  createTime: number | null;
  startTime: number | null;
  endTime: number | null;
  durationMs: number | null;
  flavor: string | null;
  gpuNum: number | null;
}

export interface VersionChange {
  /** null: first sight (nothing stored for this version yet). */
  previous: VersionState | null;
  current: ObservedVersion;
}

/** Identity of a version in both inputs; job and version id together, because that is the store's key. */
export const versionKey = (jobId: string, versionId: string): string => `${jobId}/${versionId}`;

/**
 * Changes between stored and observed states: a version is reported when nothing was stored for it or its status
 * differs. Versions that were stored but not observed are not reported (the observation may be partial, e.g. in
 * fallback mode, and a vanished version is never a reason to alert). Duplicate observations of one version keep the
 * last. The output follows the order of `observed`.
 */
export function diffVersionStates(
  previous: Iterable<VersionState> | ReadonlyMap<string, VersionState>,
  observed: Iterable<ObservedVersion>,
): VersionChange[] {
  const stored = isMap(previous) ? previous : indexStates(previous);
  const latest = new Map<string, ObservedVersion>();
  for (const version of observed) {
    const key = versionKey(version.jobId, version.versionId);
    latest.delete(key);
    latest.set(key, version);
  }
  const changes: VersionChange[] = [];
  for (const [key, current] of latest) {
    const prior = stored.get(key) ?? null;
    if (prior === null || prior.status !== current.status) changes.push({ previous: prior, current });
  }
  return changes;
}

export function indexStates(states: Iterable<VersionState>): Map<string, VersionState> {
  const map = new Map<string, VersionState>();
  for (const s of states) map.set(versionKey(s.jobId, s.versionId), s);
  return map;
}

function isMap(value: unknown): value is ReadonlyMap<string, VersionState> {
  return value instanceof Map;
}
