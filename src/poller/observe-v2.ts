/**
 * The v2 observer: what ModelArts' new training API says about the jobs the watches care about, in as few calls as
 * the API allows (notes/modelarts-v2-api.md §3, §4, §7).
 *
 * A v2 job runs once and its phase only moves forward, so the active set (Creating, Pending, Running, Terminating) is
 * all that can still change. Each cycle asks for it with one search filtered to those phases, paged by 50 (the most
 * the API gives), defensively and de-duplicated by id (pagination.ts). A watched job that is not in it any more has
 * ended (or was deleted): only those, and only once each, get a detail call, which also carries the failure's facts.
 *
 * Project-wide watches also want jobs that were created and ended between two cycles, never seen active: one page of
 * the newest ended jobs (one call) covers them, the history rule (alerts/plan.ts) deciding which are news.
 */
import { stateKey } from '../alerts/diff.js';
import {
  type CallOptions,
  EndpointNotFoundError,
  emptyRun,
  InvalidIdError,
  isV2JobId,
  iterateTrainingJobsV2,
  type JobRun,
  MAX_SEARCH_LIMIT,
  type ModelArtsApi,
  NotFoundError,
  type RunRef,
  readLogTail,
  runFromV2Job,
  statusFromKey,
  type TrainingJobV2,
  V2_ACTIVE_PHASES,
} from '../modelarts/index.js';
import type { RunState, Watch } from '../store/types.js';
import type { Observation, RunObserver } from './observer.js';

export interface V2ObserverOptions {
  api: ModelArtsApi;
  /** Jobs per search page (at most 50, the API's limit). */
  pageSize?: number;
}

/** Search pages in flight at once: 500 active jobs take 3 round trips instead of 10. */
const SEARCH_CONCURRENCY = 4;

/** The v2 job of a watch or stored state, or null when it names a v1 version. */
const v2JobOf = (t: { jobId: string; versionId: string | null }): string | null =>
  t.versionId === null && isV2JobId(t.jobId) ? t.jobId : null;

/** Whether a stored v2 job is still to be followed to its end (a loop: states may number 10,000). */
function followsV2(states: ReadonlyMap<string, RunState>): boolean {
  for (const s of states.values()) if (v2JobOf(s) !== null && !statusFromKey(s.status).terminal) return true;
  return false;
}

function fromState(jobId: string, state: RunState): JobRun {
  return { ...emptyRun({ api: 'v2', jobId }, statusFromKey(state.status)), name: state.jobName };
}

export class V2Observer implements RunObserver {
  readonly api = 'v2';
  readonly mode = 'all-versions';
  /**
   * Jobs ModelArts no longer knows (deleted while watched): asked once, never again. In memory only: after a restart
   * one more detail call per such job finds them gone again.
   */
  private readonly gone = new Set<string>();
  /** The task a job's failure names, from this cycle's detail calls, so the log preview reads the right worker. */
  private readonly failedTask = new Map<string, string>();

  constructor(private readonly options: V2ObserverOptions) {}

  learnStates(): void {
    // Nothing to seed: v2 ids name their job, and stored states are passed to every observe().
  }

  async observe(
    watches: readonly Watch[],
    states: ReadonlyMap<string, RunState>,
    call: CallOptions,
  ): Promise<Observation> {
    this.failedTask.clear();
    const project = watches.filter((w) => w.target.kind === 'project');
    /** Watched v2 jobs → the status their run watches last recorded (several watches: any that lags counts). */
    const watched = new Map<string, Set<string | null>>();
    for (const w of watches) {
      const jobId = w.target.kind === 'run' ? v2JobOf(w.target) : null;
      if (jobId === null) continue;
      const seen = watched.get(jobId) ?? new Set<string | null>();
      seen.add(w.lastStatus);
      watched.set(jobId, seen);
    }
    const wantsAll = project.length > 0;
    const relevant = (jobId: string) => wantsAll || watched.has(jobId) || states.has(jobId);
    const needsLook = (run: JobRun) => {
      const jobId = run.ref.jobId;
      if (states.get(jobId)?.status !== run.status.key) return true;
      const seen = watched.get(jobId);
      return seen !== undefined && [...seen].some((s) => s !== run.status.key);
    };

    const runs: JobRun[] = [];
    const details = new Map<string, JobRun>();
    // Only v1 versions watched (and no v2 job still to follow): nothing to ask.
    if (!wantsAll && watched.size === 0 && !followsV2(states)) {
      return { mode: 'all-versions', runs, observedCount: 0, latestVersionByJob: new Map(), details };
    }
    let observedCount = 0;
    const active = new Set<string>();
    const take = (run: JobRun) => {
      observedCount++;
      if (needsLook(run)) runs.push(run);
    };

    for await (const job of this.search({ phases: V2_ACTIVE_PHASES }, Number.POSITIVE_INFINITY, call)) {
      const run = runFromV2Job(job);
      active.add(run.ref.jobId);
      if (relevant(run.ref.jobId)) take(run);
    }

    // Ended since the last cycle, newest first: for project watches (first sights) and, for free, any known job
    // that left the active set and shows up here, which then needs no detail call.
    const ended = new Map<string, JobRun>();
    if (wantsAll) {
      for await (const job of this.search({ excludePhases: V2_ACTIVE_PHASES, order: 'desc' }, 1, call)) {
        const run = runFromV2Job(job);
        if (!active.has(run.ref.jobId)) ended.set(run.ref.jobId, run);
      }
    }

    // Known jobs that were active (or never seen) and are not any more: one look each, listing first, else detail.
    for (const jobId of this.leftActive(watched, states, active)) {
      const listed = ended.get(jobId);
      ended.delete(jobId);
      if (listed) {
        take(listed);
        continue;
      }
      const detail = await this.detailOrGone(jobId, call);
      if (!detail) continue;
      details.set(jobId, detail);
      take(detail);
    }
    for (const run of ended.values()) if (!states.has(run.ref.jobId)) take(run);
    // A run watch on a job whose end is already stored (another watch saw it) records it from the store: no call.
    for (const [jobId, seen] of watched) {
      const stored = states.get(jobId);
      if (active.has(jobId) || !stored || !statusFromKey(stored.status).terminal) continue;
      if ([...seen].some((s) => s !== stored.status)) runs.push(fromState(jobId, stored));
    }
    return { mode: 'all-versions', runs, observedCount, latestVersionByJob: new Map(), details };
  }

  async detail(ref: RunRef, call: CallOptions): Promise<JobRun> {
    if (ref.api !== 'v2') throw new Error('the v2 observer cannot read a v1 job version');
    const run = runFromV2Job(await this.options.api.getTrainingJob(ref.jobId, call));
    if (run.failure?.task) this.failedTask.set(ref.jobId, run.failure.task);
    return run;
  }

  /** The last `lines` lines of the failed task's log preview (worker-0 when the job names none). */
  async logTail(ref: RunRef, lines: number, call: CallOptions): Promise<string[] | null> {
    if (ref.api !== 'v2') throw new Error('the v2 observer cannot read a v1 job version');
    return readLogTail(this.options.api, ref, lines, call, this.failedTask.get(ref.jobId) ?? 'worker-0');
  }

  // ---------------------------------------------------------------------------------------------------------------

  private search(
    query: { phases?: readonly string[]; excludePhases?: readonly string[]; order?: 'asc' | 'desc' },
    maxPages: number,
    call: CallOptions,
  ): AsyncIterable<TrainingJobV2> {
    const limit = Math.min(MAX_SEARCH_LIMIT, Math.max(1, this.options.pageSize ?? MAX_SEARCH_LIMIT));
    const paging = { ...call, concurrency: SEARCH_CONCURRENCY, ...(Number.isFinite(maxPages) ? { maxPages } : {}) };
    return iterateTrainingJobsV2(this.options.api, { ...query, limit }, paging);
  }

  /**
   * v2 jobs that need a look beyond the search: watched or stored, not active now, and not known to have ended (a
   * stored terminal state is final; a run watch that already recorded it is done).
   */
  private leftActive(
    watched: ReadonlyMap<string, ReadonlySet<string | null>>,
    states: ReadonlyMap<string, RunState>,
    active: ReadonlySet<string>,
  ): string[] {
    const out = new Set<string>();
    const consider = (jobId: string) => {
      if (active.has(jobId) || this.gone.has(jobId)) return;
      const stored = states.get(jobId);
      if (!stored || !statusFromKey(stored.status).terminal) out.add(jobId);
    };
    for (const jobId of watched.keys()) consider(jobId);
    for (const s of states.values()) {
      const jobId = v2JobOf(s);
      if (jobId !== null) consider(stateKey(s));
    }
    return [...out];
  }

  private async detailOrGone(jobId: string, call: CallOptions): Promise<JobRun | null> {
    try {
      return await this.detail({ api: 'v2', jobId }, call);
    } catch (err) {
      // Deleted (or an id ModelArts cannot have): nothing to observe, and no reason to fail every cycle. A missing
      // endpoint or API says nothing about the job and fails the cycle (the cycle learns the API is gone).
      const jobGone =
        (err instanceof NotFoundError && !(err instanceof EndpointNotFoundError)) || err instanceof InvalidIdError;
      if (!jobGone) throw err;
      this.gone.add(jobId);
      return null;
    }
  }
}
