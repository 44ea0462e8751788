/**
 * The job version card (`/modelarts job`, the lookup shortcut, Refresh) and its compact sibling for unfurls. Status
 * first, then human numbers, then the quieter paths and ids (ux.md "job version card").
 */
import type { Button, KnownBlock, SectionBlock } from '@slack/types';
import type { TrainingJobVersion } from '../../modelarts/index.js';
import { ACTION } from '../ids.js';
import { codeSpan, escapeInline } from '../mrkdwn.js';
import { linkActionId, shareValue } from './action-values.js';
import { formatAccelerators, formatCores, formatDateTime, formatDuration, formatMemory, plural } from './format.js';
import {
  classMetricLines,
  elapsed,
  jobRefFor,
  jobTitle,
  parameterLines,
  plainJobTitle,
  showId,
  startedPhrase,
  statusInfo,
  statusPhrase,
  systemMetricEntries,
  totalMetricsLine,
} from './job-parts.js';
import { actions, button, compact, context, fallbackText, joinParts, mrkdwnText, section } from './kit.js';
import type { Message, RenderContext } from './types.js';

export interface JobCardOptions {
  /** TensorBoard of a visualization job reading this version's output path; shown as a button when usable. */
  tensorboardUrl?: string | null;
  /** The card answers one person (ephemeral): offer Share to post it to the channel. */
  ephemeral?: boolean;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function engineText(v: TrainingJobVersion): string | null {
  const engine = joinParts([str(v.engine_name), str(v.engine_version)], ' ');
  if (engine !== '') return escapeInline(engine, 120);
  if (str(v.user_image_url)) return `custom image ${codeSpan(v.user_image_url ?? '', 160)}`;
  return null;
}

/** "2 × P100 · 2 cores · 8 GB · 1 worker · pool p100 · modelarts.p3.large" */
export function specLine(v: TrainingJobVersion): string {
  const workers =
    typeof v.worker_server_num === 'number' && Number.isFinite(v.worker_server_num) && v.worker_server_num > 0
      ? plural(v.worker_server_num, 'worker')
      : null;
  const accelerators = formatAccelerators(v.gpu_num, v.gpu_type, 'GPU');
  return joinParts([
    accelerators ? escapeInline(accelerators, 60) : null,
    formatCores(v.core) ? escapeInline(formatCores(v.core) ?? '', 40) : null,
    formatMemory(v.cpu) ? escapeInline(formatMemory(v.cpu) ?? '', 40) : null,
    workers,
    str(v.pool_name)
      ? `pool ${escapeInline(v.pool_name ?? '', 60)}`
      : str(v.pool_id)
        ? `pool ${escapeInline(v.pool_id ?? '', 60)}`
        : null,
    str(v.spec_code) ? escapeInline(v.spec_code ?? '', 60) : null,
  ]);
}

/** Data source entries ({type, data_url} or dataset references), generic for shapes we do not know. */
function dataSourceText(entry: Record<string, unknown>): string | null {
  const type = str(entry.type);
  const url = str(entry.data_url) ?? str(entry.url) ?? str(entry.path);
  if (url) return joinParts([type ? escapeInline(type, 20) : null, codeSpan(url, 160)], ' ');
  const dataset = str(entry.dataset_name) ?? str(entry.dataset_id);
  if (dataset) {
    const version = str(entry.dataset_version_name) ?? str(entry.dataset_version) ?? str(entry.dataset_version_id);
    return `dataset ${escapeInline(dataset, 60)}${version ? ` / ${escapeInline(version, 60)}` : ''}`;
  }
  const pairs = Object.entries(entry)
    .filter(([, value]) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    .slice(0, 4)
    .map(([k, value]) => `${escapeInline(k, 30)} ${escapeInline(String(value), 80)}`);
  return pairs.length > 0 ? pairs.join(', ') : null;
}

function dataLine(v: TrainingJobVersion): string | null {
  const dataset = str(v.dataset_name)
    ? `*${escapeInline(v.dataset_name ?? '', 80)}*${str(v.dataset_version_name) ? ` / ${escapeInline(v.dataset_version_name ?? '', 80)}` : ''}`
    : null;
  const sources = (Array.isArray(v.data_source) ? v.data_source : []).slice(0, 3).map(dataSourceText);
  const extra = Array.isArray(v.data_source) && v.data_source.length > 3 ? `+${v.data_source.length - 3} more` : null;
  const data = str(v.data_url) ? `data ${codeSpan(v.data_url ?? '', 160)}` : null;
  const parts = compact([dataset, ...sources, extra, sources.length === 0 ? data : null]);
  return parts.length > 0 ? `Data ${parts.join(' · ')}` : null;
}

function pathsLine(v: TrainingJobVersion): string | null {
  const line = joinParts([
    str(v.train_url) ? `output ${codeSpan(v.train_url ?? '', 200)}` : null,
    str(v.log_url) ? `logs ${codeSpan(v.log_url ?? '', 200)}` : null,
    str(v.boot_file_url)
      ? `boot file ${codeSpan(v.boot_file_url ?? '', 200)}`
      : str(v.app_url)
        ? `code ${codeSpan(v.app_url ?? '', 200)}`
        : null,
  ]);
  return line === '' ? null : line;
}

function commandLine(v: TrainingJobVersion): string | null {
  const line = joinParts([
    str(v.user_image_url) && str(v.engine_name) ? `image ${codeSpan(v.user_image_url ?? '', 200)}` : null,
    str(v.user_command) ? `command ${codeSpan(v.user_command ?? '', 300)}` : null,
  ]);
  return line === '' ? null : line;
}

function idsLine(v: TrainingJobVersion, ctx: RenderContext): string {
  const id = (label: string, value: unknown) =>
    typeof value === 'number' || (typeof value === 'string' && value !== '')
      ? `${label} ${showId(value as number | string)}`
      : null;
  return joinParts([
    `job ${showId(v.job_id)}`,
    `version ${showId(v.version_id)}`,
    id('previous version', v.pre_version_id),
    id('model', v.model_id),
    str(v.dataset_id) ? `dataset ${escapeInline(v.dataset_id ?? '', 60)}` : null,
    str(v.dataset_version_id) ? `dataset version ${escapeInline(v.dataset_version_id ?? '', 60)}` : null,
    id('spec', v.spec_id),
    str(v.pool_id) && str(v.pool_name) ? `pool ${escapeInline(v.pool_id ?? '', 60)}` : null,
    `status ${showId(v.status)} ${escapeInline(statusInfo(v.status).name, 40)}`,
    `project ${escapeInline(ctx.projectId, 60)}`,
  ]);
}

function timing(v: TrainingJobVersion) {
  return { status: v.status, durationMs: v.duration, startTime: v.start_time, createTime: v.create_time };
}

/** Title + status lines shared by the card and the unfurl. */
function headline(v: TrainingJobVersion, ctx: RenderContext): string {
  const info = statusInfo(v.status);
  const title = `${info.emoji} ${jobTitle(v.job_name, v.version_name, v.job_id, v.version_id)}  (job ${showId(v.job_id)}, version ${showId(v.version_id)})`;
  const status = joinParts([statusPhrase(timing(v), ctx.now), startedPhrase(timing(v), ctx), engineText(v)]);
  return `${title}\n${status}`;
}

function fallbackFor(v: TrainingJobVersion, ctx: RenderContext): string {
  const info = statusInfo(v.status);
  const d = formatDuration(elapsed(timing(v), info, ctx.now));
  return fallbackText(
    `${info.emoji} ${plainJobTitle(v.job_name, v.version_name, v.job_id, v.version_id)}: ${info.label}${d ? ` (${d})` : ''} · job ${showId(v.job_id)}, version ${showId(v.version_id)}`,
  );
}

function consoleLink(v: TrainingJobVersion, ctx: RenderContext): string | null {
  if (!ctx.consoleUrl) return null;
  try {
    return ctx.consoleUrl(v.job_id, v.version_id);
  } catch {
    return null;
  }
}

export function renderJobVersionCard(v: TrainingJobVersion, ctx: RenderContext, opts: JobCardOptions = {}): Message {
  const blocks: KnownBlock[] = [];
  const spec = specLine(v);
  blocks.push(section(joinParts([headline(v, ctx), spec === '' ? null : spec], '\n'), { max: 1500 }));
  const desc = str(v.job_desc);
  const created = formatDateTime(v.create_time, ctx.timeZone);
  const about = context([desc ? `_${escapeInline(desc, 300)}_` : null, created ? `created ${created}` : null]);
  if (about) blocks.push(about);

  const total = totalMetricsLine(v.model_metric_list);
  const classes = classMetricLines(v.model_metric_list, 10);
  if (total || classes.length > 0) {
    blocks.push(section(joinParts([`*Model metrics*${total ? `  ${total}` : ''}`, ...classes], '\n'), { max: 1800 }));
  }

  const series = systemMetricEntries(v.system_metric_list, 10, v.gpu_num);
  if (series.length > 0) {
    const metricsSection: SectionBlock = {
      type: 'section',
      fields: series.map((s) => mrkdwnText(`*${s.label}*\n${s.text}`, 200)),
    };
    blocks.push(metricsSection);
  }

  const params = Array.isArray(v.parameter) ? v.parameter : [];
  if (params.length > 0) {
    blocks.push(section(`*Parameters*  ${parameterLines(params, 1500).join('  ')}`, { max: 1500 }));
  }

  const quiet = context(
    [dataLine(v), pathsLine(v), commandLine(v), idsLine(v, ctx)].map((p) => p ?? null),
    600,
  );
  if (quiet) blocks.push(quiet);

  const ref = jobRefFor(v.job_id, v.version_id);
  const buttons: Array<Button | null> = [
    ref ? button({ text: '↻ Refresh', actionId: ACTION.jobRefresh, value: ref.value }) : null,
    ref ? button({ text: '👁 Watch', actionId: ACTION.jobWatch, value: ref.value }) : null,
    opts.tensorboardUrl
      ? button({
          text: 'Open TensorBoard',
          actionId: linkActionId('tensorboard'),
          url: opts.tensorboardUrl,
          style: 'primary',
        })
      : null,
    button({ text: 'Console', actionId: linkActionId('console'), url: consoleLink(v, ctx) ?? '' }),
    opts.ephemeral && ref
      ? button({
          text: 'Share in channel',
          actionId: ACTION.share,
          value: shareValue.encode({ kind: 'job', jobId: ref.jobId, versionId: ref.versionId }),
        })
      : null,
  ];
  const bar = actions(buttons);
  if (bar) blocks.push(bar);
  return { text: fallbackFor(v, ctx), blocks };
}

/** The compact card chat.unfurl shows under a console link: headline, spec and ids, one Watch button. */
export function renderUnfurl(v: TrainingJobVersion, ctx: RenderContext): Message {
  const ref = jobRefFor(v.job_id, v.version_id);
  const watch = ref ? button({ text: '👁 Watch', actionId: ACTION.jobWatch, value: ref.value }) : null;
  const spec = specLine(v);
  const blocks: KnownBlock[] = [
    section(joinParts([headline(v, ctx), spec === '' ? null : spec], '\n'), {
      max: 1200,
      ...(watch ? { accessory: watch } : {}),
    }),
  ];
  const total = totalMetricsLine(v.model_metric_list);
  const quiet = context([
    total,
    `job ${showId(v.job_id)} · version ${showId(v.version_id)} · project ${escapeInline(ctx.projectId, 60)}`,
  ]);
  if (quiet) blocks.push(quiet);
  return { text: fallbackFor(v, ctx), blocks };
}
