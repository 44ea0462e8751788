/**
 * `/modelarts jobs`: a header with counts per status category and accelerators in use, one row per job version,
 * Previous/Next with the page and filter in the button value. Falls back to the job list (one row per job, latest
 * version) where the all-versions endpoint is switched off.
 */
import type { Button, KnownBlock } from '@slack/types';
import type { JobVersionStatus, TrainingJobSummary } from '../../modelarts/index.js';
import { CATEGORY_EMOJI, type StatusCategory } from '../../modelarts/statuses.js';
import { ACTION } from '../ids.js';
import { escapeInline } from '../mrkdwn.js';
import { jobsPageValue, shareValue } from './action-values.js';
import { formatAccelerators, formatDuration, formatInteger, formatRelative, formatTook, plural } from './format.js';
import { elapsed, jobRefFor, showId, statusInfo } from './job-parts.js';
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
  jobId: number | null;
  versionId: number | null;
  jobName: string | null;
  versionName: string | null;
  status: number;
  createTime: number | null;
  startTime: number | null;
  endTime: number | null;
  durationMs: number | null;
  gpuNum: number | null;
  npuNum: number | null;
  flavor: string | null;
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

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function fromVersionStatus(r: JobVersionStatus): Row {
  return {
    jobId: num(r.job_id),
    versionId: num(r.version_id),
    jobName: text(r.job_name),
    versionName: text(r.version_name),
    status: r.status,
    createTime: num(r.create_time),
    startTime: num(r.start_time),
    endTime: num(r.end_time),
    durationMs: num(r.duration),
    gpuNum: num(r.gpu_num),
    npuNum: num(r.npu_num),
    flavor: text(r.flavor_code),
    note: text(r.version_desc) ? `_${escapeInline(r.version_desc ?? '', 120)}_` : null,
    latest: false,
  };
}

function fromJobSummary(r: TrainingJobSummary): Row {
  const count = num(r.version_count);
  return {
    jobId: num(r.job_id),
    versionId: num(r.version_id),
    jobName: text(r.job_name),
    versionName: null,
    status: r.status,
    createTime: num(r.create_time),
    startTime: null,
    endTime: null,
    durationMs: num(r.duration),
    gpuNum: null,
    npuNum: null,
    flavor: null,
    note:
      joinParts([
        count !== null && count > 0 ? plural(count, 'version') : null,
        text(r.job_desc) ? `_${escapeInline(r.job_desc ?? '', 120)}_` : null,
      ]) || null,
    latest: true,
  };
}

function rowTitle(row: Row): string {
  const version = row.versionName
    ? escapeInline(row.versionName, 80)
    : row.versionId !== null
      ? `${row.latest ? 'latest version' : 'version'} ${showId(row.versionId)}`
      : null;
  if (row.jobName) return joinParts([`*${escapeInline(row.jobName, 120)}*`, version]);
  if (row.versionName) return `*${escapeInline(row.versionName, 120)}*`;
  return `*job ${showId(row.jobId)}*${version ? ` · ${version}` : ''}`;
}

function rowText(row: Row, ctx: RenderContext): string {
  const info = statusInfo(row.status);
  const timing = {
    status: row.status,
    durationMs: row.durationMs,
    startTime: row.startTime,
    createTime: row.createTime,
  };
  const ms = elapsed(timing, info, ctx.now);
  // A zero duration (a version that never ran) is left out rather than shown as "0 s".
  const d = ms !== null && ms >= 1000 ? formatDuration(ms) : null;
  const took = formatTook(ms, 'after');
  let when: string | null;
  if (info.terminal && row.endTime !== null) {
    when = `ended ${formatRelative(row.endTime, ctx.now, ctx.timeZone)}${took ? ` ${took}` : ''}`;
  } else if (row.startTime !== null) {
    when = `started ${formatRelative(row.startTime, ctx.now, ctx.timeZone)}${d ? ` · ${info.terminal ? 'ran' : 'running'} ${d}` : ''}`;
  } else {
    const created = formatRelative(row.createTime, ctx.now, ctx.timeZone);
    when = joinParts([created ? `created ${created}` : null, d ? `ran ${d}` : null]);
  }
  const accel = joinParts([formatAccelerators(row.gpuNum, null, 'GPU'), formatAccelerators(row.npuNum, null, 'NPU')]);
  const ids = joinParts([
    row.jobId !== null ? `job ${showId(row.jobId)}` : null,
    row.versionId !== null ? `version ${showId(row.versionId)}` : null,
  ]);
  const line1 = `${info.emoji} ${rowTitle(row)} — ${escapeInline(info.label, 40)}`;
  const line2 = joinParts([
    accel || null,
    row.flavor ? escapeInline(row.flavor, 60) : null,
    when || null,
    ids || null,
    row.note,
  ]);
  return line2 === '' ? line1 : `${line1}\n${line2}`;
}

function summary(rows: readonly Row[], complete: boolean, totalShown: number): string {
  const counts = new Map<StatusCategory, number>();
  let gpus = 0;
  let npus = 0;
  for (const row of rows) {
    const info = statusInfo(row.status);
    counts.set(info.category, (counts.get(info.category) ?? 0) + 1);
    if (info.category === 'running') {
      gpus += row.gpuNum !== null && row.gpuNum > 0 ? row.gpuNum : 0;
      npus += row.npuNum !== null && row.npuNum > 0 ? row.npuNum : 0;
    }
  }
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
  opts: Omit<JobsOverviewOptions, 'source'> & { mode: 'versions' | 'jobs-fallback' | 'job-list' },
): Message {
  const slice = pageOf(all, opts.page, opts.pageSize, opts.total, JOBS_MAX_PAGE_SIZE);
  const noun = opts.mode === 'job-list' ? 'training job' : 'job version';
  const title = opts.mode === 'job-list' ? `Training jobs in ${ctx.projectId}` : `Job versions in ${ctx.projectId}`;
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
    const ref = jobRefFor(row.jobId, row.versionId);
    const details: Button | null = ref
      ? button({ text: 'Details', actionId: ACTION.jobRefresh, value: ref.value })
      : null;
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

export function renderJobsOverview(rows: JobVersionStatus[], ctx: RenderContext, opts: JobsOverviewOptions): Message {
  return renderOverview(rows.map(fromVersionStatus), ctx, {
    ...opts,
    mode: opts.source === 'jobs' ? 'jobs-fallback' : 'versions',
  });
}

/** The fallback list from the job list endpoint: one row per job with its latest version. */
export function renderJobsFromJobList(
  rows: TrainingJobSummary[],
  ctx: RenderContext,
  opts: Omit<JobsOverviewOptions, 'source'>,
): Message {
  return renderOverview(rows.map(fromJobSummary), ctx, { ...opts, mode: 'job-list' });
}

/** One all-versions row as two lines of mrkdwn (the App Home lists running versions with it). */
export function versionStatusText(row: JobVersionStatus, ctx: RenderContext): string {
  return rowText(fromVersionStatus(row), ctx);
}
