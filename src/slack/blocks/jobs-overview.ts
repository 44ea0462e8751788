/**
 * `/modelarts jobs`: a header with counts per status category and accelerators in use, one row per job version,
 * Previous/Next with the page and filter in the button value. Falls back to the job list (one row per job, latest
 * version) where the all-versions endpoint is switched off.
 */
import type { Button, KnownBlock } from '@slack/types';
import { type ListedRun, listedIds } from '../../modelarts/index.js';
import { CATEGORY_EMOJI, type StatusCategory } from '../../modelarts/statuses.js';
import { ACTION } from '../ids.js';
import { escapeInline } from '../mrkdwn.js';
import { jobsPageValue, shareValue } from './action-values.js';
import { reasonLine } from './failure.js';
import { formatInteger, formatRelative, formatTook, plural } from './format.js';
import { acceleratorText, detailsButton, elapsed, listedIdWords, runTime } from './job-parts.js';
import {
  actions,
  button,
  context,
  fallbackText,
  fitRows,
  header,
  joinParts,
  pageOf,
  pageRangeLine,
  pagerButtons,
  pastEndNotice,
  section,
} from './kit.js';
import { LIMITS } from './limits.js';
import type { Message, RenderContext } from './types.js';

export interface JobsOverviewOptions {
  page: number;
  pageSize: number;
  /** Total rows matching the filter (the API's total_count); the header counts `rows` when they are the whole list. */
  total: number;
  /** Status words as the user typed them; carried in the page buttons. */
  statusFilter: string[];
  /** `jobs`: rows were assembled from the job list because the all-versions endpoint is missing. */
  source: 'versions' | 'jobs';
  ephemeral?: boolean;
}

/** Rows per page the listeners should ask for, and the most a page can show. */
export const JOBS_PAGE_SIZE = 10;
export const JOBS_MAX_PAGE_SIZE = 20;

interface Row {
  run: ListedRun;
  /** Extra quiet words (e.g. "3 versions"), already escaped. */
  note: string | null;
  latest: boolean;
}

const CATEGORY_ORDER: ReadonlyArray<[StatusCategory, string]> = [
  ['running', 'running'],
  ['waiting', 'waiting'],
  ['failed', 'failed'],
  ['succeeded', 'completed'],
  ['cancelled', 'cancelled'],
  ['unknown', 'unknown'],
];

function description(run: ListedRun): string | null {
  return run.description ? `_${escapeInline(run.description, 120)}_` : null;
}

function rowTitle(row: Row): string {
  const { run } = row;
  const { jobId, versionId } = listedIds(run);
  const version = run.versionName
    ? escapeInline(run.versionName, 80)
    : versionId !== null
      ? `${row.latest ? 'latest version' : 'version'} ${escapeInline(versionId, 30)}`
      : null;
  if (run.name) return joinParts([`*${escapeInline(run.name, 120)}*`, version]);
  if (run.versionName) return `*${escapeInline(run.versionName, 120)}*`;
  const job = run.ref?.api === 'v2' ? run.ref.jobId.slice(0, 8) : (jobId ?? '?');
  return `*job ${escapeInline(job, 40)}*${version ? ` · ${version}` : ''}`;
}

function rowText(row: Row, ctx: RenderContext): string {
  const { run } = row;
  const { status } = run;
  const d = runTime(run, ctx.now);
  const took = formatTook(elapsed(run, ctx.now), 'after');
  let when: string | null;
  if (status.terminal && run.endedAt !== null) {
    when = `ended ${formatRelative(run.endedAt, ctx.now, ctx.timeZone)}${took ? ` ${took}` : ''}`;
  } else if (run.startedAt !== null) {
    when = `started ${formatRelative(run.startedAt, ctx.now, ctx.timeZone)}${d ? ` · ${status.terminal ? 'ran' : 'running'} ${d}` : ''}`;
  } else {
    const created = formatRelative(run.createdAt, ctx.now, ctx.timeZone);
    when = joinParts([created ? `created ${created}` : null, d ? `ran ${d}` : null]);
  }
  const accel = acceleratorText(run.resources.accelerators);
  const line1 = `${status.emoji} ${rowTitle(row)} — ${escapeInline(status.label, 40)}`;
  const line2 = joinParts([
    accel ? escapeInline(accel, 60) : null,
    run.resources.flavor ? escapeInline(run.resources.flavor, 60) : null,
    when || null,
    listedIdWords(run),
    row.note,
  ]);
  // A failed run says why before anything else about it.
  const why = reasonLine(run, 160);
  return joinParts([line1, why, line2 === '' ? null : line2], '\n');
}

/** GPUs and NPUs held by the running rows. */
export function acceleratorsInUse(runs: Iterable<ListedRun>): { gpus: number; npus: number } {
  let gpus = 0;
  let npus = 0;
  for (const run of runs) {
    const acc = run.resources.accelerators;
    if (run.status.category !== 'running' || acc === null || acc.count === null || !(acc.count > 0)) continue;
    if (acc.kind === 'GPU') gpus += acc.count;
    else npus += acc.count;
  }
  return { gpus, npus };
}

function summary(rows: readonly Row[], complete: boolean, totalShown: number): string {
  const counts = new Map<StatusCategory, number>();
  for (const row of rows) {
    const category = row.run.status.category;
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  const { gpus, npus } = acceleratorsInUse(rows.map((r) => r.run));
  const parts = CATEGORY_ORDER.filter(([c]) => (counts.get(c) ?? 0) > 0).map(
    ([c, word]) => `${CATEGORY_EMOJI[c]} ${formatInteger(counts.get(c) ?? 0)} ${word}`,
  );
  const accel = joinParts([gpus > 0 ? `*${plural(gpus, 'GPU')}*` : null, npus > 0 ? `*${plural(npus, 'NPU')}*` : null]);
  const scope = complete ? '' : ` (on this page, of ${formatInteger(totalShown)})`;
  return joinParts([
    parts.join(' · ') + scope,
    accel ? `${accel} in use` : rows.length > 0 ? 'no GPUs or NPUs in use' : null,
  ]);
}

function filterText(words: readonly string[]): string | null {
  const shown = words.filter((w) => w.trim() !== '').slice(0, 10);
  if (shown.length === 0) return null;
  return `filter: ${shown.map((w) => escapeInline(w, 40)).join(', ')}${words.length > 10 ? ', …' : ''}`;
}

function renderOverview(
  all: readonly Row[],
  ctx: RenderContext,
  opts: Omit<JobsOverviewOptions, 'source'> & { mode: 'versions' | 'job-list' },
): Message {
  const slice = pageOf(all, opts.page, opts.pageSize, opts.total, JOBS_MAX_PAGE_SIZE);
  // v2 jobs have no versions: a list holding any is a list of training jobs.
  const jobs = opts.mode === 'job-list' || all.some((row) => row.run.status.api === 'v2');
  const noun = jobs ? 'training job' : 'job version';
  const title = jobs ? `Training jobs in ${ctx.projectId}` : `Job versions in ${ctx.projectId}`;
  const filter = filterText(opts.statusFilter);
  const valueFor = (page: number) => jobsPageValue.encode({ page, statusFilter: opts.statusFilter });

  const head: KnownBlock[] = [header(title)];
  const foot: KnownBlock[] = [];
  const note =
    opts.mode === 'versions'
      ? null
      : 'ⓘ The all-versions status API is not available for this project, so this list comes from the training job list.';

  if (slice.total === 0 || (slice.rows.length === 0 && slice.page === 1)) {
    const hint = filter
      ? `No ${noun}s match ${escapeInline(opts.statusFilter.join(' '), 200)} right now. Try \`/modelarts jobs\` to see every status.`
      : `No training jobs in project ${escapeInline(ctx.projectId, 100)} yet. Once a job is created in the ModelArts console, \`/modelarts jobs\` lists it here and \`/modelarts watch JOB_ID\` alerts this channel when it finishes.`;
    const blocks = [...head, section(hint)];
    const quiet = context([note]);
    if (quiet) blocks.push(quiet);
    return { text: fallbackText(`${title}: none${filter ? ` (${opts.statusFilter.join(' ')})` : ''}`), blocks };
  }

  const countRows = slice.complete ? all : slice.rows;
  head.push(section(joinParts([summary(countRows, slice.complete, slice.total), filter], '\n'), { max: 1000 }));
  if (note) {
    const quiet = context([note]);
    if (quiet) head.push(quiet);
  }

  if (slice.rows.length === 0) head.push(pastEndNotice(slice));

  const pager = pagerButtons(slice, ACTION.jobsPage, valueFor);
  const share =
    opts.ephemeral === true
      ? button({
          text: 'Share in channel',
          actionId: ACTION.share,
          value: shareValue.encode({ kind: 'jobs', page: slice.page, statusFilter: opts.statusFilter }),
        })
      : null;
  const pageContext = context([pageRangeLine(slice, noun)]);
  if (pageContext) foot.push(pageContext);
  const bar = actions([...pager, share]);
  if (bar) foot.push(bar);

  const rowRenderers = slice.rows.map((row) => (max: number) => {
    const details: Button | null = row.run.ref ? detailsButton(row.run.ref) : null;
    return section(rowText(row, ctx), { max, ...(details ? { accessory: details } : {}) });
  });
  const { blocks, shown } = fitRows(head, rowRenderers, foot, {
    maxBlocks: LIMITS.messageBlocks,
    maxChars: LIMITS.messageTextTotal,
    maxRowChars: 700,
    minRowChars: 200,
    more: (hidden) =>
      context([`… ${formatInteger(hidden)} more on this page did not fit in one message.`]) ?? section('…'),
  });
  const counts = summary(countRows, slice.complete, slice.total).replace(/\*/g, '');
  return {
    text: fallbackText(
      `${title}: ${counts} · showing ${shown} of ${slice.total} (page ${slice.page} of ${slice.pages})`,
    ),
    blocks,
  };
}

export function renderJobsOverview(runs: ListedRun[], ctx: RenderContext, opts: JobsOverviewOptions): Message {
  return renderOverview(
    // Rows from the job list stand for each job's newest version.
    runs.map((run) => ({ run, note: description(run), latest: opts.source === 'jobs' })),
    ctx,
    { ...opts, mode: opts.source === 'jobs' ? 'job-list' : 'versions' },
  );
}

/** One listed run as two lines of mrkdwn (the App Home lists running versions with it). */
export function runRowText(run: ListedRun, ctx: RenderContext): string {
  return rowText({ run, note: description(run), latest: false }, ctx);
}
