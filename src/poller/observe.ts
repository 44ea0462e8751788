/**
 * The v1 observer: what ModelArts' old training API says about the job versions the watches care about, gathered in
 * as few calls as possible, as runs (from-v1.ts maps the wire).
 *
 * Primary path: one all-versions listing (`limit=0` = every version of the project). Its documented rows carry a
 * version_id but no job_id, so versions are tied to jobs through what we already know (version watches, stored
 * states, earlier cycles) and, only when a version id we never saw turns up while job or project watches exist,
 * through the job list (each row names its job's newest version) and versions-of-job for the jobs that grew.
 *
 * Fallback path (the all-versions endpoint is gone, EndpointNotFoundError): the job list (one row per job with its
 * newest version's status) plus versions-of-job for watched jobs whose interesting versions are not the newest.
 *
 * The observer keeps learned version→job mappings in memory; they are a cache (stored states seed it after a
 * restart), never the source of truth for alerting.
 */

import { stateKey } from '../alerts/diff.js';
import { FIRST_SIGHT_MARGIN_MS, filterMatches } from '../alerts/plan.js';
import {
  type CallOptions,
  collect,
  EndpointNotFoundError,
  InvalidIdError,
  iterateTrainingJobs,
  iterateTrainingJobVersions,
  type JobRun,
  type JobVersionStatus,
  type ModelArtsApi,
  NotFoundError,
  type RunRef,
  readLogTail,
  runFromV1JobSummary,
  runFromV1Version,
  runKey,
  statusFromKey,
  type TrainingJobSummary,
  v1Status,
} from '../modelarts/index.js';
import type { RunState, Watch } from '../store/types.js';
import {
  compareIds,
  fromStatusRow,
  isRelevant,
  lowerBoundEnd,
  needsLook,
  projectWantsUnmapped,
  splitWatches,
} from './observe-v1-rows.js';
import type { Observation, ObserveMode, RunObserver } from './observer.js';

export interface ObserverOptions {
  api: ModelArtsApi;
  now: () => Date;
  /** How long to stay on the fallback path before probing the all-versions endpoint again. */
  fallbackRecheckMs: number;
  /** Versions-of-job calls spent per cycle on finding the job of an unmapped failed version (project watches). */
  maxMappingCallsPerCycle: number;
  /** Rows per all-versions request; 0 asks for everything in one answer (`limit=0`). */
  statusPageSize: number;
  /** Detail calls spent per cycle on finding when a first-seen fallback version ended (project watches). */
  maxTimingCallsPerCycle: number;
  marginMs?: number;
}

const JOB_LIST_PAGE = 1000;

const VERSIONS_PAGE = 1000;

export class V1Observer implements RunObserver {
  readonly api = 'v1';
  private readonly jobOfVersion = new Map<string, string>();
  private readonly versionsByJob = new Map<string, Set<string>>();
  /** Jobs whose every version we listed, with the version count at that time. */
  private readonly enumerated = new Map<string, number>();
  private readonly latestByJob = new Map<string, string>();
  /** Status of every all-versions row in the previous cycle: a new id means a new version somewhere. */
  private seenRows = new Map<string, number>();
  /** Unmapped versions a project watch must hear about, waiting for their job to be found. */
  private readonly pendingMapping = new Set<string>();
  private fallbackUntil = 0;
  private currentMode: ObserveMode = 'all-versions';

  constructor(private readonly options: ObserverOptions) {}

  get mode(): ObserveMode {
    return this.currentMode;
  }

  /** Seeds mappings from stored states (after a restart or a lease takeover). */
  learnStates(states: Iterable<RunState>): void {
    for (const s of states) if (s.versionId !== null) this.learn(s.jobId, s.versionId);
  }

  async observe(
    watches: readonly Watch[],
    states: ReadonlyMap<string, RunState>,
    call: CallOptions,
  ): Promise<Observation> {
    const now = this.options.now().getTime();
    if (this.currentMode === 'fallback' && now < this.fallbackUntil) return this.observeFallback(watches, states, call);
    try {
      const obs = await this.observeAllVersions(watches, states, call);
      this.currentMode = 'all-versions';
      return obs;
    } catch (err) {
      if (!(err instanceof EndpointNotFoundError)) throw err;
      this.currentMode = 'fallback';
      this.fallbackUntil = now + this.options.fallbackRecheckMs;
      this.seenRows = new Map();
      return this.observeFallback(watches, states, call);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** A version's detail record, as a run. */
  async detail(ref: RunRef, call: CallOptions): Promise<JobRun> {
    if (ref.api !== 'v1') throw new Error('the v1 observer cannot read a v2 job');
    return runFromV1Version(await this.options.api.getTrainingJobVersion(ref.jobId, ref.versionId, call));
  }

  /** The last `lines` lines of the version's first log file; null when it has none yet. */
  async logTail(ref: RunRef, lines: number, call: CallOptions): Promise<string[] | null> {
    if (ref.api !== 'v1') throw new Error('the v1 observer cannot read a v2 job');
    return readLogTail(this.options.api, ref, lines, call);
  }

  // ---------------------------------------------------------------------------------------------------------------

  private async observeAllVersions(
    watches: readonly Watch[],
    states: ReadonlyMap<string, RunState>,
    call: CallOptions,
  ): Promise<Observation> {
    const w = splitWatches(watches);
    for (const [jobId, versionId] of w.runTargets) this.learn(jobId, versionId);

    const rows = await this.listAllVersionStatuses(call);
    const details = new Map<string, JobRun>();
    for (const row of rows) if (row.job_id !== null) this.learn(String(row.job_id), String(row.version_id));

    const needsJobs = w.job.length > 0 || w.project.length > 0;
    // Job watches: list each watched job's versions once, so its old and running versions are known.
    for (const jobId of w.jobIds) {
      if (!this.enumerated.has(jobId)) await this.enumerateJob(jobId, details, call);
    }

    const prevSeen = this.seenRows;
    const unseenUnmapped = needsJobs && rows.some((r) => !prevSeen.has(String(r.version_id)) && !this.jobOf(r));
    if (w.project.length > 0) {
      for (const row of rows) {
        const id = String(row.version_id);
        if (this.jobOf(row)) continue;
        if (prevSeen.get(id) === row.status && !this.pendingMapping.has(id)) continue;
        if (projectWantsUnmapped(w.project, row, this.options.marginMs ?? FIRST_SIGHT_MARGIN_MS)) {
          this.pendingMapping.add(id);
        }
      }
    }
    if (needsJobs && (unseenUnmapped || this.pendingMapping.size > 0)) {
      const jobs = await this.listJobs(call);
      for (const jobId of w.jobIds) {
        const job = jobs.get(jobId);
        const known = this.enumerated.get(jobId) ?? 0;
        if (job && (job.version_count ?? 0) > known) await this.enumerateJob(jobId, details, call);
      }
      await this.resolvePending(rows, jobs, details, call);
    }
    this.rememberRows(rows, needsJobs);

    const runs: JobRun[] = [];
    let observedCount = 0;
    for (const row of rows) {
      const jobId = this.jobOf(row);
      if (!jobId) continue;
      const key = stateKey({ jobId, versionId: String(row.version_id) });
      if (!isRelevant(w, jobId, key, states)) continue;
      observedCount++;
      if (!needsLook(w, key, v1Status(row.status).key, states)) continue;
      runs.push(fromStatusRow(row, jobId, details.get(key) ?? null));
    }
    for (const id of this.pendingMapping) if (this.jobOfVersion.has(id)) this.pendingMapping.delete(id);
    return { mode: 'all-versions', runs, observedCount, latestVersionByJob: this.latestMap(), details };
  }

  private async observeFallback(
    watches: readonly Watch[],
    states: ReadonlyMap<string, RunState>,
    call: CallOptions,
  ): Promise<Observation> {
    const w = splitWatches(watches);
    const details = new Map<string, JobRun>();
    const jobs = await this.listJobs(call);
    const observed = new Map<string, JobRun>();

    // Which jobs need their versions listed: those with an interesting version that is not the job's newest.
    const interesting = new Map<string, Set<string>>();
    const want = (jobId: string, versionId: string) => {
      const set = interesting.get(jobId) ?? new Set<string>();
      interesting.set(jobId, set);
      set.add(versionId);
    };
    for (const [jobId, versionId] of w.runTargets) want(jobId, versionId);
    for (const s of states.values()) {
      if (s.versionId === null || statusFromKey(s.status).terminal) continue;
      if (w.project.length > 0 || w.jobIds.has(s.jobId)) want(s.jobId, s.versionId);
    }
    const toList = new Set<string>();
    for (const jobId of w.jobIds) {
      const job = jobs.get(jobId);
      if (job && (job.version_count ?? 0) > (this.enumerated.get(jobId) ?? 0)) toList.add(jobId);
    }
    for (const [jobId, versionIds] of interesting) {
      const job = jobs.get(jobId);
      if (!job) continue; // deleted: nothing to observe
      const latest = job.version_id === null ? null : String(job.version_id);
      for (const versionId of versionIds) {
        const stored = states.get(stateKey({ jobId, versionId }));
        if (versionId !== latest && !(stored && statusFromKey(stored.status).terminal)) toList.add(jobId);
      }
    }
    for (const jobId of toList) await this.enumerateJob(jobId, details, call);

    const relevantJob = (jobId: string) =>
      w.project.length > 0 || w.jobIds.has(jobId) || interesting.has(jobId) || toList.has(jobId);
    for (const job of jobs.values()) {
      const run = runFromV1JobSummary(job);
      if (run.ref === null || !relevantJob(run.ref.jobId)) continue;
      const key = runKey(run.ref);
      if (!isRelevant(w, run.ref.jobId, key, states)) continue;
      observed.set(key, run);
    }
    for (const [key, detail] of details) {
      if (!isRelevant(w, detail.ref.jobId, key, states)) continue;
      observed.set(key, detail);
    }

    // A first-seen terminal version from the job list has no end time; a project watch must know whether it is
    // history before it speaks, so ask for the detail of the few that would otherwise alert.
    if (w.project.length > 0) {
      let budget = this.options.maxTimingCallsPerCycle;
      const undecided = [...observed]
        .filter(([key, v]) => !states.has(key) && !details.has(key) && v.startedAt === null)
        .filter(([, v]) => w.project.some((pw) => filterMatches(pw, v.status)))
        // Newest first (by the job row's lower bound of the end), so a fresh failure is not queued behind history.
        .sort(([, a], [, b]) => lowerBoundEnd(jobs, b) - lowerBoundEnd(jobs, a));
      for (const [key, v] of undecided) {
        if (budget-- <= 0) {
          observed.delete(key); // decided next cycle, once its timing is known
          continue;
        }
        try {
          const detail = await this.detail(v.ref, call);
          details.set(key, detail);
          observed.set(key, detail);
        } catch (err) {
          // Deleted between the two calls: nothing to report. Anything else fails the cycle (retried, never alerted).
          if (!(err instanceof NotFoundError)) throw err;
          observed.delete(key);
        }
      }
    }
    const runs = [...observed].filter(([key, v]) => needsLook(w, key, v.status.key, states)).map(([, v]) => v);
    return {
      mode: 'fallback',
      runs,
      observedCount: observed.size,
      latestVersionByJob: this.latestMap(),
      details,
    };
  }

  // ---------------------------------------------------------------------------------------------------------------

  /**
   * Every row of the all-versions listing. `limit=0` would return them in one answer, but one 10,000-row body costs
   * the process some 50 MB of resident memory it never gives back (measured: bench/poller.ts), while pages of
   * `statusPageSize` rows keep it flat; a project of up to one page still takes one call. Oldest first, so versions
   * created meanwhile land on the last page instead of shifting the others; a row seen twice is harmless, and one
   * missed because a version was deleted meanwhile is only seen a cycle later (absence never alerts).
   */
  private async listAllVersionStatuses(call: CallOptions): Promise<JobVersionStatus[]> {
    const api = this.options.api;
    const limit = this.options.statusPageSize;
    const query = { sort_by: 'create_time', order: 'asc' } as const;
    if (limit <= 0) return (await api.listJobVersionStatuses({ ...query, limit: 0 }, call)).versions;
    const rows: JobVersionStatus[] = [];
    for (let page = 0; page < 10_000; page++) {
      const answer = await api.listJobVersionStatuses({ ...query, offset: rows.length, limit }, call);
      rows.push(...answer.versions);
      if (answer.versions.length < limit || rows.length >= answer.total_count) break;
    }
    return rows;
  }

  private async listJobs(call: CallOptions): Promise<Map<string, TrainingJobSummary>> {
    const jobs = await collect(iterateTrainingJobs(this.options.api, { per_page: JOB_LIST_PAGE }, call));
    const byId = new Map<string, TrainingJobSummary>();
    for (const job of jobs) {
      const jobId = String(job.job_id);
      byId.set(jobId, job);
      if (job.version_id !== null) {
        this.learn(jobId, String(job.version_id));
        this.latestByJob.set(jobId, String(job.version_id));
      }
    }
    return byId;
  }

  private async enumerateJob(jobId: string, details: Map<string, JobRun>, call: CallOptions) {
    let versions: JobRun[];
    try {
      const records = await collect(
        iterateTrainingJobVersions(this.options.api, jobId, { per_page: VERSIONS_PAGE }, call),
      );
      versions = records.map(runFromV1Version);
    } catch (err) {
      // A deleted job (or an id ModelArts cannot have) has nothing to observe; it must not fail every cycle.
      if (!(err instanceof NotFoundError) && !(err instanceof InvalidIdError)) throw err;
      this.enumerated.set(jobId, 0);
      return;
    }
    let newest: string | null = null;
    for (const v of versions) {
      if (v.ref.api !== 'v1') continue;
      // Keyed by the job asked for: versions-of-job entries may leave their own job_id out.
      const versionId = v.ref.versionId;
      const run: JobRun = v.ref.jobId === jobId ? v : { ...v, ref: { api: 'v1', jobId, versionId } };
      this.learn(jobId, versionId);
      details.set(runKey(run.ref), run);
      if (newest === null || compareIds(versionId, newest) > 0) newest = versionId;
    }
    if (newest !== null) this.latestByJob.set(jobId, newest);
    this.enumerated.set(jobId, versions.length);
  }

  /** Finds the jobs of unmapped versions a project watch must hear about, within a per-cycle call budget. */
  private async resolvePending(
    rows: readonly JobVersionStatus[],
    jobs: ReadonlyMap<string, TrainingJobSummary>,
    details: Map<string, JobRun>,
    call: CallOptions,
  ): Promise<void> {
    const pending = rows.filter((r) => this.pendingMapping.has(String(r.version_id)) && !this.jobOf(r));
    if (pending.length === 0) {
      this.pendingMapping.clear();
      return;
    }
    let budget = this.options.maxMappingCallsPerCycle;
    for (const row of pending) {
      if (this.jobOf(row)) continue;
      const created = row.create_time ?? Number.POSITIVE_INFINITY;
      // Likeliest first: same job name (when the row has one), then the newest jobs created before the version.
      const candidates = [...jobs.values()]
        .filter((j) => (j.version_count ?? 0) > (this.versionsByJob.get(String(j.job_id))?.size ?? 0))
        .filter((j) => j.create_time === null || j.create_time <= created)
        .sort((a, b) => {
          const an = row.job_name !== null && a.job_name === row.job_name ? 0 : 1;
          const bn = row.job_name !== null && b.job_name === row.job_name ? 0 : 1;
          return an - bn || (b.create_time ?? 0) - (a.create_time ?? 0);
        });
      if (candidates.length === 0) {
        this.pendingMapping.delete(String(row.version_id)); // its job is gone; nothing can name it
        continue;
      }
      for (const job of candidates) {
        if (budget <= 0 || this.jobOf(row)) break;
        budget--;
        await this.enumerateJob(String(job.job_id), details, call);
      }
      if (budget <= 0) break;
    }
  }

  /**
   * Remembers each row's status for the next cycle, updated in place: a fresh 10,000-entry map per cycle would be
   * old-generation garbage every cycle. Only job and project watches need it (new ids, unmapped changes).
   */
  private rememberRows(rows: readonly JobVersionStatus[], needed: boolean): void {
    if (!needed) {
      this.seenRows.clear();
      return;
    }
    for (const r of rows) this.seenRows.set(String(r.version_id), r.status);
    if (this.seenRows.size > rows.length) {
      const present = new Set(rows.map((r) => String(r.version_id)));
      for (const id of this.seenRows.keys()) if (!present.has(id)) this.seenRows.delete(id);
    }
  }

  private jobOf(row: JobVersionStatus): string | undefined {
    return row.job_id !== null ? String(row.job_id) : this.jobOfVersion.get(String(row.version_id));
  }

  private learn(jobId: string, versionId: string): void {
    this.jobOfVersion.set(versionId, jobId);
    const set = this.versionsByJob.get(jobId) ?? new Set<string>();
    this.versionsByJob.set(jobId, set);
    set.add(versionId);
  }

  private latestMap(): Map<string, string> {
    const out = new Map(this.latestByJob);
    for (const [jobId, versions] of this.versionsByJob) {
      let best = out.get(jobId);
      for (const v of versions) if (best === undefined || compareIds(v, best) > 0) best = v;
      if (best !== undefined) out.set(jobId, best);
    }
    return out;
  }
}
