/**
 * The read-only subcommands: fetch from ModelArts, render with the pure renderers. Each function takes the whole
 * lookup state (what a button's value carries), so slash commands, Refresh and pagination share one code path.
 */
import {
  ANY_RUN,
  type JobRun,
  type ListedRun,
  type RunFilter,
  refForIds,
  type VisualizationJob,
  v1Status,
  v2PhasesOf,
  withLogFailure,
} from '../../modelarts/index.js';
import {
  CONFIGS_PAGE_SIZE,
  JOBS_PAGE_SIZE,
  type Message,
  type RenderContext,
  renderConfigs,
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
import { type Answer, type ErrorContext, withUserErrors } from '../errors.js';
import type { CallOptions } from '../listeners/common/answer.js';
import { type ParsedCommand, TASK_TYPES, USAGE } from './parser.js';
import { parseJobStatusWord, v2PhaseNamed } from './vocabulary.js';

export const PAGE_SIZE = {
  jobs: JOBS_PAGE_SIZE,
  configs: CONFIGS_PAGE_SIZE,
  tasks: TASKS_PAGE_SIZE,
  viz: VIZ_PAGE_SIZE,
} as const;

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

/**
 * The run a (job, version) names, as the product sees it, with its console link: a UUID is a v2 job, digits a v1 job
 * version (the job's newest when `versionId` is null). Every surface gets its runs here, so all link the same way;
 * a failed run comes with the reason its log gives.
 */
export async function fetchRun(
  deps: AppDeps,
  jobId: string,
  versionId: string | null,
  call: CallOptions,
): Promise<JobRun> {
  return withFailureReason(deps, await deps.training.getRun(refForIds(jobId, versionId), call), call);
}

/**
 * The log lines a lookup reads for a failed run: the card's reason and the Logs modal read the same page, so the read
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
 * Rendered cards per run. The training service hands lookups sharing one cached answer the same run object, and the
 * renderer is pure: for the same viewer time zone, card options and second of the clock it gives the same blocks, so
 * a card is rendered once per second rather than once per viewer.
 */
const renderedCards = new WeakMap<JobRun, Map<string, { second: number; message: Message }>>();
const RENDERED_VARIANTS_PER_RUN = 16;

function renderCard(
  run: JobRun,
  ctx: RenderContext,
  options: { tensorboardUrl: string | null; ephemeral: boolean },
): Message {
  const second = Math.floor(ctx.now.getTime() / 1000);
  const key = `${ctx.timeZone} ${ctx.projectId} ${options.ephemeral} ${options.tensorboardUrl ?? ''}`;
  let variants = renderedCards.get(run);
  const kept = variants?.get(key);
  if (kept?.second === second) return kept.message;
  const message = renderRunCard(run, ctx, options);
  if (!variants) {
    variants = new Map();
    renderedCards.set(run, variants);
  }
  if (variants.size >= RENDERED_VARIANTS_PER_RUN && !variants.has(key)) variants.clear();
  variants.set(key, { second, message });
  return message;
}

/** Where a run writes what a TensorBoard would read: its `train_url` output, else its first output. */
function outputPath(run: JobRun): string | null {
  return (run.outputs.find((o) => o.name === 'train_url') ?? run.outputs[0])?.location ?? null;
}

export async function jobCard(
  deps: AppDeps,
  ctx: Ctx,
  jobId: string,
  versionId: string | null,
  call: CallOptions,
  options: LookupOptions,
): Promise<Message> {
  const ref = refForIds(jobId, versionId);
  // v1 runs find their TensorBoard among the visualization jobs (asked alongside); v2 jobs carry their own.
  const tensorboards = ref.api === 'v1' ? listTensorboards(deps, call) : Promise.resolve([]);
  const run = await withFailureReason(deps, await deps.training.getRun(ref, call), call);
  const tensorboardUrl = run.tensorboardUrl ?? matchTensorboard(await tensorboards, outputPath(run));
  return renderCard(run, await ctx, { tensorboardUrl, ephemeral: options.ephemeral });
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

/**
 * The runs a list asks for. A category word (`failed`) or phase (`Abnormal`) picks v2 phases by meaning; a v1 status
 * name (`JOBSTAT_IMAGE_FAILED`) picks the v2 phases of its category, the nearest v2 can say.
 */
export function runFilterFor(statuses: readonly number[], statusWords: readonly string[]): RunFilter {
  if (statuses.length === 0 && statusWords.length === 0) return ANY_RUN;
  const phases = new Set<string>();
  for (const word of statusWords) {
    const phase = v2PhaseNamed(word);
    if (phase) phases.add(phase);
    else for (const p of v2PhasesOf((parseJobStatusWord(word) ?? []).map((c) => v1Status(c).category))) phases.add(p);
  }
  return { v1Codes: new Set(statuses), v2Phases: phases };
}

/** Rows fetched for the header's counts and GPU totals even on page 1 (two v2 search pages). */
const OVERVIEW_MIN_ROWS = 100;

export async function jobsOverview(
  deps: AppDeps,
  ctx: Ctx,
  cmd: { statuses: number[]; statusWords: string[]; page: number },
  call: CallOptions,
  options: LookupOptions,
): Promise<Message> {
  const pageSize = PAGE_SIZE.jobs;
  const list = await deps.training.listRuns(
    { filter: runFilterFor(cmd.statuses, cmd.statusWords), limit: Math.max(OVERVIEW_MIN_ROWS, cmd.page * pageSize) },
    call,
  );
  // Only the failed rows of the page shown read their logs for a reason.
  const runs = await withPageFailureReasons(deps, list.runs, cmd.page, pageSize, call);
  return renderJobsOverview(runs, await ctx, {
    page: cmd.page,
    pageSize,
    total: list.total,
    statusFilter: cmd.statusWords,
    source: list.v1Source === 'jobs' ? 'jobs' : 'versions',
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
