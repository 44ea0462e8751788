/**
 * `/modelarts viz`: visualization (TensorBoard) jobs, newest first, each with an Open TensorBoard button while it
 * is up; `/modelarts viz ID`: one of them as a card.
 */
import type { KnownBlock } from '@slack/types';
import type { VisualizationJob, VisualizationJobList } from '../../modelarts/index.js';
import type { StatusInfo } from '../../modelarts/statuses.js';
import { ACTION } from '../ids.js';
import { codeSpan, escapeInline, safeUrl } from '../mrkdwn.js';
import { linkActionId, shareValue, vizPageValue } from './action-values.js';
import { formatDateTime, formatDuration, plural } from './format.js';
import { idString, showId, statusInfo } from './job-parts.js';
import {
  actions,
  button,
  context,
  fallbackText,
  header,
  joinParts,
  pagedList,
  pageOf,
  runButton,
  section,
} from './kit.js';
import type { Message, RenderContext } from './types.js';

export const VIZ_PAGE_SIZE = 10;
export const VIZ_MAX_PAGE_SIZE = 20;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/**
 * Visualization jobs reuse the training status table, where 7 is "waiting"; for them it means the TensorBoard is
 * being deployed (modelarts-api notes §1.2), so it reads "starting".
 */
function vizStatus(code: number): StatusInfo {
  const info = statusInfo(code);
  return code === 7 ? { ...info, label: 'starting' } : info;
}

type TensorboardState = 'up' | 'starting' | 'off' | 'none';

/** A TensorBoard is up only while its job runs and has a service URL; a deploying job's link may not answer yet. */
function tensorboardState(job: VisualizationJob): TensorboardState {
  const url = safeUrl(job.service_url);
  if (job.status === 8 && url) return 'up';
  if (job.status === 7) return 'starting';
  return url ? 'off' : 'none';
}

/** The job's status as far as its TensorBoard goes: "TensorBoard is up", "starting", "cancelled". */
function stateText(job: VisualizationJob): string {
  switch (tensorboardState(job)) {
    case 'up':
      return 'TensorBoard is up';
    case 'starting':
      return 'TensorBoard is starting';
    default:
      return job.status === 8 ? 'running, no TensorBoard link yet' : escapeInline(vizStatus(job.status).label, 40);
  }
}

function jobName(job: VisualizationJob): string {
  return str(job.job_name) ? escapeInline(job.job_name ?? '', 150) : `visualization job ${showId(job.job_id)}`;
}

function tensorboardButton(job: VisualizationJob, style?: 'primary') {
  if (tensorboardState(job) !== 'up') return null;
  return button({
    text: 'Open TensorBoard',
    actionId: linkActionId('tensorboard'),
    url: job.service_url,
    ...(style ? { style } : {}),
  });
}

export function renderVisualizationJob(
  job: VisualizationJob,
  ctx: RenderContext,
  opts: { ephemeral?: boolean } = {},
): Message {
  const info = vizStatus(job.status);
  const duration = formatDuration(job.duration);
  const created = formatDateTime(job.create_time, ctx.timeZone);
  const lines = [
    `${info.emoji} *${jobName(job)}* — ${stateText(job)}`,
    joinParts([
      created ? `created ${created}` : null,
      duration ? (info.category === 'running' ? `running for ${duration}` : `ran ${duration}`) : null,
    ]),
    str(job.train_url) ? `logs from ${codeSpan(job.train_url ?? '', 400)}` : null,
    str(job.job_desc) ? `_${escapeInline(job.job_desc ?? '', 300)}_` : null,
  ];
  const blocks: KnownBlock[] = [section(joinParts(lines, '\n'), { max: 1500 })];
  const quiet = context([
    joinParts([
      `visualization job ${showId(job.job_id)}`,
      `status ${showId(job.status)} ${escapeInline(info.name, 40)}`,
      `project ${escapeInline(ctx.projectId, 80)}`,
    ]),
  ]);
  if (quiet) blocks.push(quiet);
  const id = idString(job.job_id);
  const bar = actions([
    tensorboardButton(job, 'primary'),
    opts.ephemeral && id
      ? button({
          text: 'Share in channel',
          actionId: ACTION.share,
          value: shareValue.encode({ kind: 'viz', jobId: id }),
        })
      : null,
  ]);
  if (bar) blocks.push(bar);
  const up = tensorboardState(job) === 'up';
  return {
    text: fallbackText(
      `${info.emoji} ${job.job_name ?? `visualization job ${showId(job.job_id)}`}: ${info.label}${up ? ' · TensorBoard is up' : ''}`,
    ),
    blocks,
  };
}

export interface VisualizationJobsOptions {
  page: number;
  pageSize: number;
  ephemeral?: boolean;
}

function rowText(job: VisualizationJob, ctx: RenderContext): string {
  const info = vizStatus(job.status);
  const created = formatDateTime(job.create_time, ctx.timeZone);
  return joinParts(
    [
      `${info.emoji} *${jobName(job)}* — ${stateText(job)}`,
      joinParts([created ? `created ${created}` : null, `id ${showId(job.job_id)}`]),
    ],
    '\n',
  );
}

/** The row's button: the TensorBoard while it is up, otherwise the job's card. */
function rowButton(job: VisualizationJob) {
  const tensorboard = tensorboardButton(job);
  if (tensorboard) return tensorboard;
  const id = idString(job.job_id);
  return id ? runButton('Details', `viz ${id}`) : null;
}

export function renderVisualizationJobs(
  list: VisualizationJobList,
  ctx: RenderContext,
  opts: VisualizationJobsOptions,
): Message {
  const jobs = Array.isArray(list.jobs) ? list.jobs : [];
  const slice = pageOf(jobs, opts.page, opts.pageSize, list.job_total_count ?? jobs.length, VIZ_MAX_PAGE_SIZE);
  const title = 'Visualization jobs';
  const head: KnownBlock[] = [header(title)];
  if (slice.total === 0 || (slice.rows.length === 0 && slice.page === 1)) {
    head.push(
      section(
        `No visualization jobs in project ${escapeInline(ctx.projectId, 100)}. Create one in the ModelArts console to get a TensorBoard for a training job’s output.`,
      ),
    );
    return { text: fallbackText(`${title}: none`), blocks: head };
  }
  const up = slice.rows.filter((j) => tensorboardState(j) === 'up').length;
  const top = context([
    joinParts([plural(slice.total, 'visualization job'), `${plural(up, 'TensorBoard')} up on this page`]),
  ]);
  if (top) head.push(top);
  const { blocks, shown } = pagedList({
    head,
    slice,
    rows: slice.rows.map((job) => (max: number) => {
      const accessory = rowButton(job);
      return section(rowText(job, ctx), { max, ...(accessory ? { accessory } : {}) });
    }),
    pageAction: ACTION.vizPage,
    pageValue: (page) => vizPageValue.encode({ page }),
    shareValue: opts.ephemeral ? shareValue.encode({ kind: 'vizList', page: slice.page }) : null,
    rowChars: { min: 200, max: 800 },
  });
  return {
    text: fallbackText(
      `${title}: ${slice.total} · ${plural(up, 'TensorBoard')} up · showing ${shown} (page ${slice.page} of ${slice.pages})`,
    ),
    blocks,
  };
}
