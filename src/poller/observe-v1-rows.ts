/**
 * What the v1 observer asks of the watches and of the all-versions rows: which versions matter to someone, which
 * changed since the poller last looked, and how a bare listing row becomes a run.
 */
import { stateKey } from '../alerts/diff.js';
import { endedAfterWatch, filterMatches } from '../alerts/plan.js';
import {
  fillRun,
  type JobRun,
  type JobVersionStatus,
  runFromV1StatusRow,
  type TrainingJobSummary,
} from '../modelarts/index.js';
import type { RunState, Watch } from '../store/types.js';

export interface SplitWatches {
  /** Watched v1 job versions, as [job id, version id] (v2 runs are another observer's). */
  runTargets: Array<[string, string]>;
  job: Watch[];
  project: Watch[];
  jobIds: Set<string>;
  /** Watched version keys → the status their watches last recorded (NaN-like '\u0000' when several disagree). */
  versionKeys: Map<string, string | null>;
}

const DISAGREE = '\u0000';

export function splitWatches(watches: readonly Watch[]): SplitWatches {
  const out: SplitWatches = { runTargets: [], job: [], project: [], jobIds: new Set(), versionKeys: new Map() };
  for (const w of watches) {
    const t = w.target;
    if (t.kind === 'run') {
      if (t.versionId === null) continue;
      out.runTargets.push([t.jobId, t.versionId]);
      const key = stateKey(t);
      const seen = out.versionKeys.get(key);
      out.versionKeys.set(key, seen === undefined || seen === w.lastStatus ? w.lastStatus : DISAGREE);
    } else if (t.kind === 'job') {
      out.job.push(w);
      out.jobIds.add(t.jobId);
    } else out.project.push(w);
  }
  return out;
}

export function isRelevant(w: SplitWatches, jobId: string, key: string, states: ReadonlyMap<string, unknown>): boolean {
  return w.project.length > 0 || w.jobIds.has(jobId) || w.versionKeys.has(key) || states.has(key);
}

/** Whether the poller must look at this observation (see Observation.runs). */
export function needsLook(
  w: SplitWatches,
  key: string,
  status: string,
  states: ReadonlyMap<string, RunState>,
): boolean {
  if (states.get(key)?.status !== status) return true;
  const last = w.versionKeys.get(key);
  return last !== undefined && last !== status;
}

/** An unmapped all-versions row a project watch would report once its job is known. */
export function projectWantsUnmapped(project: readonly Watch[], row: JobVersionStatus, marginMs: number): boolean {
  const v = fromStatusRow(row, '0', null);
  return project.some((w) => filterMatches(w, v.status) && endedAfterWatch(w, v, false, marginMs));
}

export function lowerBoundEnd(jobs: ReadonlyMap<string, TrainingJobSummary>, v: JobRun): number {
  const job = jobs.get(v.ref.jobId);
  return (job?.create_time ?? 0) + (job?.duration ?? 0);
}

export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** An all-versions row of a known job, completed by the version's record when one was fetched on the way. */
export function fromStatusRow(row: JobVersionStatus, jobId: string, detail: JobRun | null): JobRun {
  const run = runFromV1StatusRow(row, jobId);
  // The listing's end time is the only one there is; the record fills names, times and resources it lacks.
  return detail ? fillRun(run, detail) : run;
}
