/**
 * Training runs of both ModelArts training APIs behind one facade, in JobRun terms: what every Slack surface (and the
 * poller, later) asks for, without knowing which API answers.
 *
 * It consults the TrainingApiAvailability before each request and reports each outcome back, so an account that has
 * only one of the APIs pays one failing request per re-probe interval and never shows an error for the missing side:
 * lists and name searches leave the missing API out silently. A direct lookup (a UUID, a v1 id) always asks the API
 * its id belongs to unless the operator pinned that API off, which gets its own sentence.
 */
import type { ModelArtsApi } from './api.js';
import type { TrainingApiAvailability } from './api-availability.js';
import type { CallOptions } from './client.js';
import { EndpointNotFoundError, isApiUnavailable, ModelArtsError, NotFoundError, type TrainingApi } from './errors.js';
import { listedFromV1StatusRow, runFromV1JobSummary, runFromV1Version } from './from-v1.js';
import { runFromV2Job } from './from-v2.js';
import { isV2JobId, type JobRun, type ListedRun, type RunRef, V2_PHASES } from './job-run.js';
import { paginateSearch } from './pagination.js';
import type { TrainingJobSummary, TrainingJobVersion } from './resources/training-jobs.js';
import { MAX_SEARCH_LIMIT, type TrainingJobV2 } from './resources/training-jobs-v2.js';
import { logTask, readLogTail } from './run-log.js';
import type { StatusCategory } from './statuses.js';

/** The operator pinned the API an id belongs to off (MODELARTS_TRAINING_API): asking it would be refused anyway. */
export class TrainingApiOffError extends ModelArtsError {
  readonly api: TrainingApi;
  constructor(api: TrainingApi) {
    const other = api === 'v1' ? 'v2' : 'v1';
    const what =
      api === 'v2'
        ? 'a job of the new-version (v2) training API (its id is a UUID)'
        : 'a job of the old-version (v1) training API (its id is a number)';
    super(
      `training API ${api} is switched off by MODELARTS_TRAINING_API=${other}`,
      `That is ${what}, and this bot is set to read only the ${other} API (MODELARTS_TRAINING_API=${other}). Ask whoever runs the bot to set MODELARTS_TRAINING_API=auto`,
    );
    this.api = api;
  }
}

/** Which runs a list wants: v1 status codes and v2 phases (null: any). */
export interface RunFilter {
  v1Codes: ReadonlySet<number> | null;
  v2Phases: ReadonlySet<string> | null;
}

export const ANY_RUN: RunFilter = Object.freeze({ v1Codes: null, v2Phases: null });

/** The v2 phases of status categories (`running` → Running, Terminating). */
export function v2PhasesOf(categories: Iterable<StatusCategory>): string[] {
  const wanted = new Set(categories);
  return V2_PHASES.filter((p) => wanted.has(p.category)).map((p) => p.phase);
}

export interface RunList {
  /** Newest first, both APIs merged; at most the limit asked for. */
  runs: ListedRun[];
  /** How many runs match in all (at least `runs.length`). */
  total: number;
  /**
   * Where the v1 rows came from: the all-versions listing (one row per version, with GPU counts), the job list (one
   * row per job, its newest version; the all-versions listing is switched off here), or nowhere (v1 not asked).
   */
  v1Source: 'versions' | 'jobs' | null;
}

export interface NameMatches {
  /** Exact names when there are any, else names starting with the text; newest first. */
  matches: ListedRun[];
  /** Names that contain the text elsewhere (for a "did you mean" answer when nothing matched). */
  near: ListedRun[];
}

export interface TrainingService {
  /** One run; a v1 ref with a null version is the job's newest version. */
  getRun(ref: RunRef | { api: 'v1'; jobId: string; versionId: null }, call?: CallOptions): Promise<JobRun>;
  /** The newest version of a v1 job (NotFoundError when the job has none). */
  latestRun(jobId: string, call?: CallOptions): Promise<JobRun>;
  listRuns(query: { filter?: RunFilter; limit: number }, call?: CallOptions): Promise<RunList>;
  findRunsByName(name: string, call?: CallOptions): Promise<NameMatches>;
  runningRuns(call?: CallOptions): Promise<RunList>;
  /** The last lines of a run's log (v1 AOM log, v2 log preview of its first task); null when there is none. */
  logTail(ref: RunRef, lines: number, call?: CallOptions): Promise<string[] | null>;
}

export interface TrainingServiceOptions {
  api: ModelArtsApi;
  availability: TrainingApiAvailability;
  /** Epoch ms, for the availability memory. */
  now: () => number;
  /** Fills in the run's console link (ConsoleLinks.withConsoleUrl). */
  withConsoleUrl?: <R extends JobRun>(run: R) => R;
}

/** Job list rows scanned for names or when the all-versions listing is missing. */
const V1_SCAN_PAGE = 100;
const V1_SCAN_PAGES = 10;
/** Name searches are answered from this many rows per API; a name that common needs more letters. */
const NAME_SCAN_LIMIT = 100;

function newestFirst(a: ListedRun, b: ListedRun): number {
  return (b.createdAt ?? 0) - (a.createdAt ?? 0);
}

export function createTrainingService(options: TrainingServiceOptions): TrainingService {
  const { api, availability, now } = options;
  const link = <R extends JobRun>(run: R): R => (options.withConsoleUrl ? options.withConsoleUrl(run) : run);
  /**
   * The run mapped from each detail answer. Behind a read cache many lookups share one answer object; giving them
   * one run object too lets the renderers' memo (keyed by the run) render a card once rather than once per viewer.
   */
  const runs = new WeakMap<object, Promise<JobRun>>();
  const once = (answer: object, build: () => Promise<JobRun>): Promise<JobRun> => {
    let run = runs.get(answer);
    if (!run) {
      run = build();
      runs.set(answer, run);
      // A failed build is not kept: the next lookup tries again.
      run.catch(() => runs.delete(answer));
    }
    return run;
  };

  /** Asks `which`, telling the availability memory how it went. */
  async function ask<T>(which: TrainingApi, request: () => Promise<T>): Promise<T> {
    try {
      const answer = await request();
      availability.report(which, null, now());
      return answer;
    } catch (err) {
      availability.report(which, err, now());
      throw err;
    }
  }

  /** For lists: null when `which` is off or turns out to be missing here, never its error. */
  async function askList<T>(which: TrainingApi, request: () => Promise<T>): Promise<T | null> {
    if (!availability.isEnabled(which, now())) return null;
    try {
      return await ask(which, request);
    } catch (err) {
      if (isApiUnavailable(err, which)) return null;
      throw err;
    }
  }

  function requireEnabled(which: TrainingApi): void {
    // Only a pinned mode refuses; in auto a direct lookup is also a re-probe.
    if (availability.mode !== 'auto' && availability.mode !== which) throw new TrainingApiOffError(which);
  }

  async function latestVersion(jobId: string, call?: CallOptions): Promise<TrainingJobVersion> {
    const list = await api.listTrainingJobVersions(jobId, { page: 1, per_page: 1 }, call);
    const latest = list.versions.reduce<TrainingJobVersion | null>(
      (best, v) => (best === null || v.version_id > best.version_id ? v : best),
      null,
    );
    if (!latest) {
      throw new NotFoundError({
        status: 404,
        endpoint: 'training job versions',
        errorCode: null,
        errorMessage: `job ${jobId} has no versions`,
        requestId: null,
      });
    }
    return latest;
  }

  async function v2Run(job: TrainingJobV2, call?: CallOptions): Promise<JobRun> {
    const run = runFromV2Job(job);
    if (run.status.category !== 'failed' || !job.metadata.id) return link(run);
    // The events say why a job failed when its tasks do not; a failure to read them never fails the card.
    const events = await api
      .listTrainingJobEvents(job.metadata.id, { level: 'Error' }, call)
      .then((list) => list.events)
      .catch(() => []);
    return link(runFromV2Job(job, { events }));
  }

  async function getRun(ref: RunRef | { api: 'v1'; jobId: string; versionId: null }, call?: CallOptions) {
    requireEnabled(ref.api);
    if (ref.api === 'v2') {
      const job = await ask('v2', () => api.getTrainingJob(ref.jobId, call));
      return once(job, () => v2Run(job, call));
    }
    const { jobId, versionId } = ref;
    const version = await ask('v1', () =>
      versionId === null ? latestVersion(jobId, call) : api.getTrainingJobVersion(jobId, versionId, call),
    );
    return once(version, async () => link(runFromV1Version(version)));
  }

  /** v1 runs matching the filter, newest first: the all-versions listing, else a bounded scan of the job list. */
  async function v1Runs(
    filter: RunFilter,
    call?: CallOptions,
  ): Promise<{ runs: ListedRun[]; source: 'versions' | 'jobs' }> {
    const wanted = filter.v1Codes;
    try {
      // limit=0 returns every version in one call; filtering here keeps the counts exact.
      const all = await api.listJobVersionStatuses({ offset: 0, limit: 0 }, call);
      const rows = wanted ? all.versions.filter((v) => wanted.has(v.status)) : all.versions;
      return { runs: rows.map(listedFromV1StatusRow), source: 'versions' };
    } catch (err) {
      if (!(err instanceof EndpointNotFoundError) || isApiUnavailable(err, 'v1')) throw err;
    }
    const jobs: TrainingJobSummary[] = [];
    for (let page = 1; page <= V1_SCAN_PAGES; page++) {
      const list = await api.listTrainingJobs(
        { per_page: V1_SCAN_PAGE, page, sortBy: 'create_time', order: 'desc' },
        call,
      );
      jobs.push(...(wanted ? list.jobs.filter((j) => wanted.has(j.status)) : list.jobs));
      if (list.jobs.length < V1_SCAN_PAGE || page * V1_SCAN_PAGE >= list.job_total_count) break;
    }
    return { runs: jobs.map(runFromV1JobSummary), source: 'jobs' };
  }

  /** The newest `limit` v2 jobs matching the filter, and how many match in all. */
  async function v2Runs(
    query: { phases: readonly string[] | null; name?: string; limit: number },
    call?: CallOptions,
  ): Promise<{ runs: JobRun[]; total: number }> {
    if (query.phases !== null && query.phases.length === 0) return { runs: [], total: 0 };
    let count: number | null = null;
    const pages = paginateSearch(
      async (offset, limit) => {
        const page = await api.searchTrainingJobs(
          {
            offset,
            limit,
            ...(query.phases ? { phases: query.phases } : {}),
            ...(query.name ? { name: query.name } : {}),
          },
          call,
        );
        count ??= page.count;
        return { items: page.items, count: page.count };
      },
      (job) => job.metadata.id ?? '',
      { limit: Math.min(MAX_SEARCH_LIMIT, Math.max(1, query.limit)) },
    );
    const runs: JobRun[] = [];
    for await (const job of pages) {
      runs.push(link(runFromV2Job(job)));
      if (runs.length >= query.limit) break;
    }
    return { runs, total: Math.max(count ?? 0, runs.length) };
  }

  async function listRuns(query: { filter?: RunFilter; limit: number }, call?: CallOptions): Promise<RunList> {
    const filter = query.filter ?? ANY_RUN;
    const phases = filter.v2Phases ? [...filter.v2Phases] : null;
    const [v1, v2] = await Promise.all([
      askList('v1', () => v1Runs(filter, call)),
      askList('v2', () => v2Runs({ phases, limit: query.limit }, call)),
    ]);
    const merged = [...(v1?.runs ?? []), ...(v2?.runs ?? [])].sort(newestFirst);
    const total = (v1?.runs.length ?? 0) + (v2?.total ?? 0);
    return { runs: merged.slice(0, Math.max(0, query.limit)), total, v1Source: v1?.source ?? null };
  }

  async function findRunsByName(name: string, call?: CallOptions): Promise<NameMatches> {
    const text = name.trim();
    const lower = text.toLowerCase();
    const [v1, v2] = await Promise.all([
      askList('v1', async () => {
        const list = await api.listTrainingJobs(
          { per_page: NAME_SCAN_LIMIT, page: 1, sortBy: 'create_time', order: 'desc', search_content: text },
          call,
        );
        return list.jobs.map(runFromV1JobSummary);
      }),
      askList('v2', async () => (await v2Runs({ phases: null, name: text, limit: NAME_SCAN_LIMIT }, call)).runs),
    ]);
    const all = [...(v1 ?? []), ...(v2 ?? [])].sort(newestFirst);
    const nameOf = (run: ListedRun) => (run.name ?? '').toLowerCase();
    const exact = all.filter((run) => nameOf(run) === lower);
    const prefixed = all.filter((run) => nameOf(run).startsWith(lower));
    const matches = exact.length > 0 ? exact : prefixed;
    const near = all.filter((run) => !matches.includes(run) && nameOf(run).includes(lower));
    return { matches, near };
  }

  async function runningRuns(call?: CallOptions): Promise<RunList> {
    const running: RunFilter = {
      v1Codes: null,
      v2Phases: new Set(v2PhasesOf(['running'])),
    };
    const list = await listRuns({ filter: running, limit: Number.MAX_SAFE_INTEGER }, call);
    const runs = list.runs.filter((run) => run.status.category === 'running');
    return { ...list, runs, total: runs.length };
  }

  async function logTail(ref: RunRef, lines: number, call?: CallOptions): Promise<string[] | null> {
    requireEnabled(ref.api);
    // The one log reader the cards and the Logs modal use; a v2 job is read on the task its record blames.
    const task = ref.api === 'v2' ? logTask(await getRun(ref, call)) : null;
    return ask(ref.api, () => readLogTail(api, ref, lines, call, task));
  }

  return {
    getRun,
    latestRun: (jobId, call) => getRun({ api: 'v1', jobId, versionId: null }, call),
    listRuns,
    findRunsByName,
    runningRuns,
    logTail,
  };
}

/** The ref a command's id names: a UUID is a v2 job, digits a v1 job (its newest version unless one is given). */
export function refForIds(
  jobId: string,
  versionId: string | null,
): RunRef | { api: 'v1'; jobId: string; versionId: null } {
  if (isV2JobId(jobId)) return { api: 'v2', jobId };
  return versionId === null ? { api: 'v1', jobId, versionId: null } : { api: 'v1', jobId, versionId };
}
