/** `/modelarts viz`: a visualization (TensorBoard) job with its Open TensorBoard button. */
import type { KnownBlock } from '@slack/types';
import type { VisualizationJob } from '../../modelarts/index.js';
import { ACTION } from '../ids.js';
import { codeSpan, escapeInline, safeUrl } from '../mrkdwn.js';
import { linkActionId, shareValue } from './action-values.js';
import { formatDateTime, formatDuration } from './format.js';
import { idString, showId, statusInfo } from './job-parts.js';
import { actions, button, context, fallbackText, joinParts, section } from './kit.js';
import type { Message, RenderContext } from './types.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

export function renderVisualizationJob(
  job: VisualizationJob,
  ctx: RenderContext,
  opts: { ephemeral?: boolean } = {},
): Message {
  const info = statusInfo(job.status);
  const tensorboard = safeUrl(job.service_url);
  // Visualization jobs reuse the training status table; 7 (deploying/waiting) and 8 (running) serve TensorBoard once
  // service_url is set (modelarts-api notes §1.2).
  const active = job.status === 7 || job.status === 8;
  const name = str(job.job_name) ? escapeInline(job.job_name ?? '', 150) : `visualization job ${showId(job.job_id)}`;
  const duration = formatDuration(job.duration);
  const created = formatDateTime(job.create_time, ctx.timeZone);
  const state = tensorboard
    ? active
      ? 'TensorBoard is up'
      : `TensorBoard link present, but the job is ${escapeInline(info.label, 40)}`
    : `no TensorBoard link yet (the job is ${escapeInline(info.label, 40)})`;
  const lines = [
    `${info.emoji} *${name}* — ${escapeInline(info.label, 40)}`,
    joinParts([state, duration ? `running time ${duration}` : null, created ? `created ${created}` : null]),
    str(job.train_url) ? `OBS path ${codeSpan(job.train_url ?? '', 400)}` : null,
    str(job.job_desc) ? `_${escapeInline(job.job_desc ?? '', 300)}_` : null,
  ];
  const blocks: KnownBlock[] = [section(joinParts(lines, '\n'), { max: 1500 })];
  const quiet = context([
    joinParts([
      `visualization job ${showId(job.job_id)}`,
      str(job.resource_id) ? `resource ${escapeInline(job.resource_id ?? '', 80)}` : null,
      `status ${showId(job.status)} ${escapeInline(info.name, 40)}`,
      `project ${escapeInline(ctx.projectId, 80)}`,
    ]),
  ]);
  if (quiet) blocks.push(quiet);
  const id = idString(job.job_id);
  const bar = actions([
    tensorboard
      ? button({ text: 'Open TensorBoard', actionId: linkActionId('tensorboard'), url: tensorboard, style: 'primary' })
      : null,
    opts.ephemeral && id
      ? button({
          text: 'Share in channel',
          actionId: ACTION.share,
          value: shareValue.encode({ kind: 'viz', jobId: id }),
        })
      : null,
  ]);
  if (bar) blocks.push(bar);
  return {
    text: fallbackText(
      `${info.emoji} ${job.job_name ?? `visualization job ${showId(job.job_id)}`}: ${info.label}${tensorboard ? ' · TensorBoard available' : ''}`,
    ),
    blocks,
  };
}
