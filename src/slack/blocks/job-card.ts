/**
 * The run card (`/modelarts job`, the lookup shortcut, Refresh) and its compact sibling for unfurls. Status first,
 * then human numbers, then the quieter paths and ids (ux.md "job version card"). The alert messages (alerts.ts) are
 * built from the same parts (job-parts.ts).
 */
import type { KnownBlock, SectionBlock } from '@slack/types';
import type { JobRun, RunLocation } from '../../modelarts/index.js';
import { codeSpan, escapeInline, slackDate } from '../mrkdwn.js';
import { canHaveTensorboard, canWatch, excerptBlock, logsButton, reasonLine, runFailure } from './failure.js';
import { formatDateTime } from './format.js';
import {
  consoleButton,
  idWords,
  plainRunTitle,
  refreshButton,
  runTime,
  shareRunButton,
  specLine,
  startedPhrase,
  statusIdText,
  statusPhrase,
  tensorboardButton,
  titleLine,
  watchButton,
} from './job-parts.js';
import { actions, compact, context, fallbackText, joinParts, mrkdwnText, section } from './kit.js';
import { classMetricLines, parameterLines, systemMetricEntries, totalMetricsLine } from './run-metrics.js';
import type { Message, RenderContext } from './types.js';

export interface JobCardOptions {
  /** TensorBoard serving this run's output (a v1 visualization job); the run's own TensorBoard otherwise. */
  tensorboardUrl?: string | null;
  /** The card answers one person (ephemeral): offer Share to post it to the channel. */
  ephemeral?: boolean;
}

/** A path as code, anything else (a dataset label) as text; the channel's name in front. */
function locationText(l: RunLocation, pathMax: number): string {
  const path = /^(?:[a-z][a-z0-9+.-]*:\/\/|\/)/i.test(l.location);
  const where = path ? codeSpan(l.location, pathMax) : escapeInline(l.location, 120);
  return l.name ? `${escapeInline(l.name, 20)} ${where}` : where;
}

function dataLine(run: JobRun): string | null {
  if (run.inputs.length === 0) return null;
  const shown = run.inputs.slice(0, 3).map((l) => locationText(l, 160));
  const extra = run.inputs.length > 3 ? `+${run.inputs.length - 3} more` : null;
  return `Data ${compact([...shown, extra]).join(' · ')}`;
}

function pathsLine(run: JobRun): string | null {
  const line = joinParts([
    ...run.outputs.slice(0, 2).map((o) => `output ${codeSpan(o.location, 200)}`),
    run.logLocation ? `logs ${codeSpan(run.logLocation, 200)}` : null,
    run.code.bootFile
      ? `boot file ${codeSpan(run.code.bootFile, 200)}`
      : run.code.dir
        ? `code ${codeSpan(run.code.dir, 200)}`
        : null,
  ]);
  return line === '' ? null : line;
}

function commandLine(run: JobRun): string | null {
  const line = joinParts([
    // Without an engine the image is already in the spec line.
    run.image && run.engine ? `image ${codeSpan(run.image, 200)}` : null,
    run.code.command ? `command ${codeSpan(run.code.command, 300)}` : null,
  ]);
  return line === '' ? null : line;
}

/** When the data on a card that can still change was read: a Refresh moves it, nothing else does. */
function updatedText(run: JobRun, ctx: RenderContext): string | null {
  if (run.status.terminal) return null;
  const fallback = formatDateTime(ctx.now, ctx.timeZone);
  return fallback === null ? null : `updated ${slackDate(ctx.now.getTime(), '{time}', fallback)}`;
}

function idsLine(run: JobRun, ctx: RenderContext): string {
  return joinParts([
    updatedText(run, ctx),
    idWords(run.ref),
    ...run.extraIds.map((x) => `${escapeInline(x.label, 30)} ${escapeInline(x.value, 60)}`),
    statusIdText(run.status),
    `project ${escapeInline(ctx.projectId, 60)}`,
  ]);
}

/** Title, status, the failure's reason and the spec line, shared by the card and the unfurl. */
function headline(run: JobRun, ctx: RenderContext): string {
  const status = joinParts([statusPhrase(run, ctx.now), startedPhrase(run, ctx)]);
  return joinParts([titleLine(run), status, reasonLine(run), specLine(run)], '\n');
}

function fallbackFor(run: JobRun, ctx: RenderContext): string {
  const d = runTime(run, ctx.now);
  return fallbackText(
    `${run.status.emoji} ${plainRunTitle(run)}: ${run.status.label}${d ? ` (${d})` : ''} · ${idWords(run.ref, { sep: ', ', short: true, plain: true })}`,
  );
}

export function renderRunCard(run: JobRun, ctx: RenderContext, opts: JobCardOptions = {}): Message {
  const blocks: KnownBlock[] = [section(headline(run, ctx), { max: 1500 })];
  const evidence = excerptBlock(runFailure(run), 1800);
  if (evidence) blocks.push(evidence);
  const created = formatDateTime(run.createdAt, ctx.timeZone);
  const about = context([
    run.description ? `_${escapeInline(run.description, 300)}_` : null,
    run.owner ? `by ${escapeInline(run.owner, 60)}` : null,
    created ? `created ${created}` : null,
  ]);
  if (about) blocks.push(about);

  const total = totalMetricsLine(run.modelMetrics);
  const classes = classMetricLines(run.modelMetrics, 10);
  if (total || classes.length > 0) {
    blocks.push(section(joinParts([`*Model metrics*${total ? `  ${total}` : ''}`, ...classes], '\n'), { max: 1800 }));
  }

  const series = systemMetricEntries(run.usage, 10, run.resources.accelerators);
  if (series.length > 0) {
    const metricsSection: SectionBlock = {
      type: 'section',
      fields: series.map((s) => mrkdwnText(`*${s.label}*\n${s.text}`, 200)),
    };
    blocks.push(metricsSection);
  }

  if (run.parameters.length > 0) {
    blocks.push(section(`*Parameters*  ${parameterLines(run.parameters, 1500).join('  ')}`, { max: 1500 }));
  }

  const quiet = context([dataLine(run), pathsLine(run), commandLine(run), idsLine(run, ctx)], 600);
  if (quiet) blocks.push(quiet);

  // Only what makes sense for the status: no Watch on an ended run, no TensorBoard for a run that never started.
  const bar = actions([
    refreshButton(run.ref),
    canWatch(run) ? watchButton(run.ref) : null,
    logsButton(run),
    canHaveTensorboard(run) ? tensorboardButton(opts.tensorboardUrl ?? run.tensorboardUrl) : null,
    consoleButton(run),
    opts.ephemeral ? shareRunButton(run.ref) : null,
  ]);
  if (bar) blocks.push(bar);
  return { text: fallbackFor(run, ctx), blocks };
}

/**
 * The compact card chat.unfurl shows under a console link: headline (a failure's reason included), spec and ids,
 * one button: Watch while the run can change, Logs once it ended.
 */
export function renderUnfurl(run: JobRun, ctx: RenderContext): Message {
  const accessory = canWatch(run) ? watchButton(run.ref) : logsButton(run);
  const blocks: KnownBlock[] = [section(headline(run, ctx), { max: 1200, ...(accessory ? { accessory } : {}) })];
  const quiet = context([
    totalMetricsLine(run.modelMetrics),
    `${idWords(run.ref)} · project ${escapeInline(ctx.projectId, 60)}`,
  ]);
  if (quiet) blocks.push(quiet);
  return { text: fallbackFor(run, ctx), blocks };
}
