/**
 * The read-only subcommands: fetch from ModelArts, render with the pure renderers. Each function takes the whole
 * lookup state (what a button's value carries), so slash commands, Refresh and pagination share one code path.
 */
import { EndpointNotFoundError } from '../../modelarts/errors.js';
import {
  type JobRun,
  type JobVersionStatus,
  type ListedRun,
  listedFromV1StatusRow,
  type ModelArtsApi,
  refFromParts,
  runFromV1JobSummary,
  runFromV1Version,
  type TrainingJobSummary,
  type TrainingJobVersion,
  type VisualizationJob,
  withLogFailure,
} from '../../modelarts/index.js';
import {
  CONFIGS_PAGE_SIZE,
  JOBS_PAGE_SIZE,
  type JobListRow,
  type Message,
  type RenderContext,
  renderConfigs,
  renderJobsFromJobList,
  renderJobsOverview,
  renderProcessorTask,
  renderProcessorTasks,
  renderRunCard,
  renderVisualizationJob,
  renderVisualizationJobs,
  TASKS_PAGE_SIZE,
  VIZ_PAGE_SIZE,
} from '../blocks/index.js';
import type { AppDeps } from '../deps.js';
import { type Answer, type ErrorContext, notFoundSentence, UserFacingError, withUserErrors } from '../errors.js';
import type { CallOptions } from '../listeners/common/answer.js';
import { type ParsedCommand, TASK_TYPES, USAGE } from './parser.js';

export const PAGE_SIZE = {
  jobs: JOBS_PAGE_SIZE,
  configs: CONFIGS_PAGE_SIZE,
  tasks: TASKS_PAGE_SIZE,
  viz: VIZ_PAGE_SIZE,
} as const;
/** Job-list fallback with several statuses: at most this many jobs are scanned (newest first). */
const FALLBACK_SCAN_PAGE_SIZE = 100;
const FALLBACK_SCAN_PAGES = 10;

/** Render contexts may still be resolving (users.info) while ModelArts answers. */
export type Ctx = RenderContext | Promise<RenderContext>;

export type LookupCommand = Extract<ParsedCommand, { kind: 'jobs' | 'job' | 'configs' | 'viz' | 'tasks' }>;

export interface LookupOptions {
  /** Ephemeral answers carry a Share button; shared channel copies do not. */
  ephemeral: boolean;
}

/** An OBS path the way people mean it: with or without obs://, leading or trailing slashes, any case. */
function normObsPath(p: string): string {
  return p
    .trim()
    .replace(/^(?:obs|s3):\/\//i, '')
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase();
}

/**
 * Visualization jobs that could serve a card's TensorBoard: one bounded page of the list, newest first. Fetched
 * alongside the version (the list does not depend on it); failing to get it, or giving up on it when the caller's
 * signal aborts, never fails the card. Every card asks the same question whatever the job, so the lookup read
 * cache answers most of them from one request.
 */
export function listTensorboards(deps: AppDeps, call: CallOptions): Promise<VisualizationJob[]> {
  return deps.modelarts
    .listVisualizationJobs(
      { per_page: deps.tuning.tensorboardScanLimit, page: 1, sortBy: 'create_time', order: 'desc' },
      call,
    )
    .then(
      (list) => list.jobs,
      (err: unknown) => {
        deps.logger.debug({ err }, 'no TensorBoard lookup for this card');
        return [];
      },
    );
}

/**
 * Per list of visualization jobs (one cached answer serves many cards): normalized OBS path → the TensorBoard URL
 * that serves it. Built once per list rather than normalizing every path of the list for every card.
 */
const tensorboardIndexes = new WeakMap<readonly VisualizationJob[], Map<string, string>>();

function tensorboardIndex(jobs: readonly VisualizationJob[]): Map<string, string> {
  let index = tensorboardIndexes.get(jobs);
  if (index) return index;
  const best = new Map<string, { rank: number; url: string }>();
  for (const job of jobs) {
    if (!job.train_url || !job.service_url) continue;
    const path = normObsPath(job.train_url);
    if (path.length === 0) continue;
    // Running (8) beats starting (7) beats the newest of the rest; the list comes newest first.
    const rank = job.status === 8 ? 0 : job.status === 7 ? 1 : 2;
    const current = best.get(path);
    if (!current || rank < current.rank) best.set(path, { rank, url: job.service_url });
  }
  index = new Map([...best].map(([path, { url }]) => [path, url]));
  tensorboardIndexes.set(jobs, index);
  return index;
}

/** The TensorBoard URL of a visualization job reading `trainUrl`; running ones win. */
export function matchTensorboard(jobs: readonly VisualizationJob[], trainUrl: string | null): string | null {
  if (!trainUrl) return null;
  return tensorboardIndex(jobs).get(normObsPath(trainUrl)) ?? null;
}

/** What the bot can answer about a v2 job (a UUID) until the v2 API is wired in. */
export const V2_NOT_YET =
  'That is a job of the new ModelArts training API (its id is a UUID). This bot reads old-API training jobs ' +
  '(numeric job and version ids) so far; open the job in the ModelArts console meanwhile.';

/**
 * The v1 wire answer for a job version, or the job's latest version when `versionId` is null. A v2 job id is refused
 * with a sentence: the v2 API is not wired in yet.
 */
export async function fetchJobVersion(
  modelarts: ModelArtsApi,
  jobId: string,
  versionId: string | null,
  call: CallOptions,
): Promise<TrainingJobVersion> {
  if (refFromParts(jobId, versionId)?.api === 'v2') throw new UserFacingError(V2_NOT_YET);
  if (versionId !== null) return modelarts.getTrainingJobVersion(jobId, versionId, call);
  const list = await modelarts.listTrainingJobVersions(jobId, { page: 1, per_page: 1 }, call);
  const latest = list.versions.reduce<TrainingJobVersion | null>(
    (best, v) => (best === null || v.version_id > best.version_id ? v : best),
    null,
  );
  // A job without versions is as good as absent for a card; say so the same way as a 404.
  if (!latest) throw new UserFacingError(notFoundSentence({ kind: 'job', jobId }, modelarts.projectId));
  return latest;
}

/**
 * The run a (job, version) names, as the product sees it, with its console link (the one place a looked-up run gets
 * that link; outbox alerts get theirs when they are delivered, so every surface links the same way) and, when it
 * failed, the reason its log gives.
 */
export async function fetchRun(
  deps: AppDeps,
  jobId: string,
  versionId: string | null,
  call: CallOptions,
): Promise<JobRun> {
  return withFailureReason(deps, toRun(deps, await fetchJobVersion(deps.modelarts, jobId, versionId, call)), call);
}

function toRun(deps: AppDeps, version: TrainingJobVersion): JobRun {
  return deps.consoleLinks.withConsoleUrl(runFromV1Version(version));
}

/**
 * Log lines a lookup reads for a failed run: the card's reason and the Logs modal read the same page, so the read
 * cache answers the second from the first.
 */
export const LOOKUP_LOG_LINES = 300;

/** The run with the reason its log gives when it failed (others are returned as they are, with no log read). */
export function withFailureReason(deps: AppDeps, run: JobRun, call: CallOptions): Promise<JobRun> {
  return withLogFailure(deps.modelarts, run, LOOKUP_LOG_LINES, call, (err) =>
    deps.logger.debug({ err }, 'no log for this failed run; the card shows what its status says'),
  );
}

/**
 * Rendered cards per version answer. Through the lookup read cache, everyone opening one job version within a few
 * seconds gets the same answer object, and the renderer is pure: for the same viewer time zone, card options and
 * second of the clock it gives the same blocks, so a card is rendered once per second rather than once per viewer.
 */
const renderedCards = new WeakMap<TrainingJobVersion, Map<string, { second: number; message: Message }>>();
const RENDERED_VARIANTS_PER_VERSION = 16;

function renderCard(
  version: TrainingJobVersion,
  run: JobRun,
  ctx: RenderContext,
  options: { tensorboardUrl: string | null; ephemeral: boolean },
): Message {
  const second = Math.floor(ctx.now.getTime() / 1000);
  const key = `${ctx.timeZone} ${ctx.projectId} ${options.ephemeral} ${options.tensorboardUrl ?? ''}`;
  let variants = renderedCards.get(version);
  const kept = variants?.get(key);
  if (kept?.second === second) return kept.message;
  const message = renderRunCard(run, ctx, options);
  if (!variants) {
    variants = new Map();
    renderedCards.set(version, variants);
  }
  if (variants.size >= RENDERED_VARIANTS_PER_VERSION && !variants.has(key)) variants.clear();
  variants.set(key, { second, message });
  return message;
}

export async function jobCard(
  deps: AppDeps,
  ctx: Ctx,
  jobId: string,
  versionId: string | null,
  call: CallOptions,
  options: LookupOptions,
): Promise<Message> {
  const tensorboards = listTensorboards(deps, call);
  const version = await fetchJobVersion(deps.modelarts, jobId, versionId, call);
  const run = await withFailureReason(deps, toRun(deps, version), call);
  const tensorboardUrl = matchTensorboard(await tensorboards, version.train_url);
  return renderCard(version, run, await ctx, { tensorboardUrl, ephemeral: options.ephemeral });
}

/**
 * The listed runs with the reason of each failed run on the page shown, read from its log (in parallel, through the
 * read cache; a log that cannot be read leaves the row as it is). Rows on other pages are not read.
 */
async function withPageFailureReasons(
  deps: AppDeps,
  runs: ListedRun[],
  page: number,
  pageSize: number,
  call: CallOptions,
): Promise<ListedRun[]> {
  const start = (Math.max(1, Math.floor(page)) - 1) * pageSize;
  const shown = runs.slice(start, start + pageSize);
  const read = await Promise.all(
    shown.map((run) =>
      run.ref !== null && run.status.category === 'failed' ? withFailureReason(deps, run, call) : run,
    ),
  );
  return [...runs.slice(0, start), ...read, ...runs.slice(start + pageSize)];
}

function jobListRow(job: TrainingJobSummary): JobListRow {
  return { run: runFromV1JobSummary(job), versionCount: job.version_count };
}

function byNewest(a: JobVersionStatus, b: JobVersionStatus): number {
  return (b.create_time ?? 0) - (a.create_time ?? 0) || b.version_id - a.version_id;
}

export async function jobsOverview(
  deps: AppDeps,
  ctx: Ctx,
  cmd: { statuses: number[]; statusWords: string[]; page: number },
  call: CallOptions,
  options: LookupOptions,
): Promise<Message> {
  const pageSize = PAGE_SIZE.jobs;
  try {
    // limit=0 returns every version in one call; filtering and paging here keeps header counts exact.
    const all = await deps.modelarts.listJobVersionStatuses({ offset: 0, limit: 0 }, call);
    const wanted = new Set(cmd.statuses);
    // A copy: the answer may be shared with other lookups through the read cache.
    const rows = (wanted.size > 0 ? all.versions.filter((v) => wanted.has(v.status)) : [...all.versions]).sort(
      byNewest,
    );
    const listed = await withPageFailureReasons(deps, rows.map(listedFromV1StatusRow), cmd.page, pageSize, call);
    return renderJobsOverview(listed, await ctx, {
      page: cmd.page,
      pageSize,
      total: rows.length,
      statusFilter: cmd.statusWords,
      source: 'versions',
      ephemeral: options.ephemeral,
    });
  } catch (err) {
    if (!(err instanceof EndpointNotFoundError)) throw err;
    deps.logger.info('the all-versions endpoint is missing here; listing jobs instead');
  }
  // Without the all-versions endpoint: the job list. One status is filtered by ModelArts; several (a category) are
  // filtered here over a bounded scan, so the pager still counts right.
  const wanted = new Set(cmd.statuses);
  if (wanted.size <= 1) {
    const list = await deps.modelarts.listTrainingJobs(
      { per_page: pageSize, page: cmd.page, sortBy: 'create_time', order: 'desc', status: cmd.statuses[0] },
      call,
    );
    return renderJobsFromJobList(list.jobs.map(jobListRow), await ctx, {
      page: cmd.page,
      pageSize,
      total: list.job_total_count,
      statusFilter: cmd.statusWords,
      ephemeral: options.ephemeral,
    });
  }
  const jobs: TrainingJobSummary[] = [];
  for (let page = 1; page <= FALLBACK_SCAN_PAGES; page++) {
    const list = await deps.modelarts.listTrainingJobs(
      { per_page: FALLBACK_SCAN_PAGE_SIZE, page, sortBy: 'create_time', order: 'desc' },
      call,
    );
    jobs.push(...list.jobs.filter((j) => wanted.has(j.status)));
    if (list.jobs.length < FALLBACK_SCAN_PAGE_SIZE || page * FALLBACK_SCAN_PAGE_SIZE >= list.job_total_count) break;
  }
  return renderJobsFromJobList(jobs.map(jobListRow), await ctx, {
    page: cmd.page,
    pageSize,
    total: jobs.length,
    statusFilter: cmd.statusWords,
    ephemeral: options.ephemeral,
  });
}

export async function configsList(
  deps: AppDeps,
  ctx: Ctx,
  cmd: { search: string | null; page: number },
  call: CallOptions,
  options: LookupOptions,
): Promise<Message> {
  const list = await deps.modelarts.listTrainingJobConfigs(
    { per_page: PAGE_SIZE.configs, page: cmd.page, ...(cmd.search ? { search_content: cmd.search } : {}) },
    call,
  );
  return renderConfigs(list, await ctx, {
    page: cmd.page,
    pageSize: PAGE_SIZE.configs,
    search: cmd.search,
    ephemeral: options.ephemeral,
  });
}

/** One visualization job's card, or the list (newest first) when no id is given. */
export async function vizLookup(
  deps: AppDeps,
  ctx: Ctx,
  cmd: { jobId: string | null; page: number },
  call: CallOptions,
  options: LookupOptions,
): Promise<Message> {
  if (cmd.jobId !== null) {
    const job = await deps.modelarts.getVisualizationJob(cmd.jobId, call);
    return renderVisualizationJob(job, await ctx, { ephemeral: options.ephemeral });
  }
  const list = await deps.modelarts.listVisualizationJobs(
    { per_page: PAGE_SIZE.viz, page: cmd.page, sortBy: 'create_time', order: 'desc' },
    call,
  );
  return renderVisualizationJobs(list, await ctx, {
    page: cmd.page,
    pageSize: PAGE_SIZE.viz,
    ephemeral: options.ephemeral,
  });
}

export async function tasksList(
  deps: AppDeps,
  ctx: Ctx,
  cmd: Extract<ParsedCommand, { kind: 'tasks' }>,
  call: CallOptions,
  options: LookupOptions,
): Promise<Message> {
  const list = await deps.modelarts.listProcessorTasks(
    {
      // The processor-task API's offset is a page index (0-based), not an item offset.
      offset: cmd.page - 1,
      limit: PAGE_SIZE.tasks,
      sort_by: 'create_time',
      order: 'desc',
      return_result: true,
      ...(cmd.datasetId ? { source_type: 'DATASET' as const, source: cmd.datasetId } : {}),
      ...(cmd.taskType ? { task_type: TASK_TYPES[cmd.taskType] } : {}),
      ...(cmd.status !== null ? { status: cmd.status } : {}),
    },
    call,
  );
  return renderProcessorTasks(list, await ctx, {
    page: cmd.page,
    pageSize: PAGE_SIZE.tasks,
    filters: { datasetId: cmd.datasetId, taskType: cmd.taskType, status: cmd.status },
    ephemeral: options.ephemeral,
  });
}

/** One data processing task in full (Details on a row of `/modelarts tasks`). Never rejects. */
export function runTaskDetails(deps: AppDeps, ctx: Ctx, taskId: string, call: CallOptions): Promise<Answer> {
  return withUserErrors(
    { projectId: deps.projectId, subject: { kind: 'list', what: 'tasks' }, usage: USAGE.tasks },
    deps.logger,
    async () => renderProcessorTask(await deps.modelarts.getProcessorTask(taskId, call), await ctx),
  );
}

/** What a 404 means for each lookup. */
export function errorContextFor(cmd: LookupCommand, projectId: string): ErrorContext {
  switch (cmd.kind) {
    case 'job':
      return {
        projectId,
        subject:
          cmd.versionId === null
            ? { kind: 'job', jobId: cmd.jobId }
            : { kind: 'version', jobId: cmd.jobId, versionId: cmd.versionId },
        usage: USAGE.job,
      };
    case 'viz':
      return {
        projectId,
        subject: cmd.jobId === null ? { kind: 'list', what: 'viz' } : { kind: 'viz', jobId: cmd.jobId },
        usage: USAGE.viz,
      };
    case 'tasks':
      return {
        projectId,
        subject: cmd.datasetId ? { kind: 'dataset', datasetId: cmd.datasetId } : { kind: 'list', what: 'tasks' },
        usage: USAGE.tasks,
      };
    case 'configs':
      return { projectId, subject: { kind: 'list', what: 'configs' }, usage: USAGE.configs };
    case 'jobs':
      return { projectId, subject: { kind: 'list', what: 'jobs' }, usage: USAGE.jobs };
  }
}

export function renderLookup(
  deps: AppDeps,
  ctx: Ctx,
  cmd: LookupCommand,
  call: CallOptions,
  options: LookupOptions,
): Promise<Message> {
  switch (cmd.kind) {
    case 'jobs':
      return jobsOverview(deps, ctx, cmd, call, options);
    case 'job':
      return jobCard(deps, ctx, cmd.jobId, cmd.versionId, call, options);
    case 'configs':
      return configsList(deps, ctx, cmd, call, options);
    case 'viz':
      return vizLookup(deps, ctx, cmd, call, options);
    case 'tasks':
      return tasksList(deps, ctx, cmd, call, options);
  }
}

/** Runs a lookup; failures become the error message. Never rejects. */
export function runLookup(
  deps: AppDeps,
  ctx: Ctx,
  cmd: LookupCommand,
  call: CallOptions,
  options: LookupOptions,
): Promise<Answer> {
  return withUserErrors(errorContextFor(cmd, deps.projectId), deps.logger, () =>
    renderLookup(deps, ctx, cmd, call, options),
  );
}
