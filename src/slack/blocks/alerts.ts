/**
 * Alert messages: the durable per-version card (posted once, edited in place), the terminal reply in its thread,
 * the project-wide failure message and the operator notices. Channel posts have many readers, so times use Slack's
 * `<!date>` token (each reader's own zone) with a fallback in `ctx.timeZone`.
 */
import type { Button, KnownBlock, MessageMetadata } from '@slack/types';
import type { JobAlert } from '../../alerts/job-alert.js';
import { ACTION } from '../ids.js';
import {
  codeBlock,
  codeSpan,
  escapeEntities,
  escapeInline,
  mention,
  slackDate,
  stripControls,
  truncate,
} from '../mrkdwn.js';
import { linkActionId, unwatchValue } from './action-values.js';
import { formatAccelerators, formatDateTime, formatDuration, formatTook } from './format.js';
import {
  capitalize,
  classMetricLines,
  elapsed,
  jobTitle,
  plainJobTitle,
  showId,
  statusInfo,
  totalMetricsLine,
} from './job-parts.js';
import { actions, button, context, fallbackText, joinParts, section } from './kit.js';
import type { Message, RenderContext } from './types.js';

function metaText(text: string, max: number): string {
  return truncate(escapeEntities(stripControls(text)), max);
}

/** Slack message metadata naming the job version and event (for search, workflows and our own dedupe checks). */
export function alertMetadata(alert: JobAlert, kind: 'card' | 'terminal_reply' | 'project_failure'): MessageMetadata {
  return {
    event_type: 'modelarts_job_version',
    event_payload: {
      // Metadata is not rendered, but it is our text in someone's channel: no raw control characters either.
      project_id: metaText(alert.projectId, 200),
      job_id: metaText(alert.jobId, 40),
      version_id: metaText(alert.versionId, 40),
      status: alert.status,
      status_name: statusInfo(alert.status).name,
      event: alert.event,
      kind,
    },
  };
}

/** Failure replies are broadcast back to the channel (reply_broadcast); the others stay in the thread. */
export function isBroadcastReply(alert: JobAlert): boolean {
  return statusInfo(alert.status).category === 'failed';
}

function dateToken(ms: number | null, ctx: RenderContext): string | null {
  const fallback = formatDateTime(ms, ctx.timeZone);
  return fallback === null ? null : slackDate(ms, '{date_short_pretty} {time}', fallback);
}

function titleLine(alert: JobAlert): string {
  const info = statusInfo(alert.status);
  return `${info.emoji} ${jobTitle(alert.jobName, alert.versionName, alert.jobId, alert.versionId)}  (job ${escapeInline(alert.jobId, 30)}, version ${escapeInline(alert.versionId, 30)})`;
}

/** "after 3 min", "in 8 min 52 s", "at once": how long the version ran, after its status word. */
function tookOf(alert: JobAlert, ctx: RenderContext, preposition: 'in' | 'after' = 'after'): string | null {
  const info = statusInfo(alert.status);
  const ms = elapsed(
    { status: alert.status, durationMs: alert.durationMs, startTime: alert.startTime, createTime: alert.createTime },
    info,
    ctx.now,
  );
  return formatTook(ms, preposition);
}

/** Status words that stay true until the next edit: "Running since …", "Completed in 8 min 52 s". */
function cardStatus(alert: JobAlert, ctx: RenderContext): string {
  const info = statusInfo(alert.status);
  const label = `*${capitalize(info.label)}*`;
  const started = dateToken(alert.startTime, ctx);
  if (!info.terminal) {
    if (info.category === 'running' && started) return `${label} since ${started}`;
    const created = dateToken(alert.createTime, ctx);
    return created ? `${label} · created ${created}` : label;
  }
  const took = tookOf(alert, ctx, info.category === 'succeeded' ? 'in' : 'after');
  return joinParts([took ? `${label} ${took}` : label, started ? `started ${started}` : null]);
}

function specParts(alert: JobAlert): string | null {
  const line = joinParts([
    alert.engine ? escapeInline(alert.engine, 100) : null,
    formatAccelerators(alert.gpuNum, null, 'GPU'),
    alert.flavor ? escapeInline(alert.flavor, 80) : null,
  ]);
  return line === '' ? null : line;
}

function consoleButton(alert: JobAlert, ctx: RenderContext, label = 'Open job'): Button | null {
  if (!ctx.consoleUrl) return null;
  let url: string | null = null;
  try {
    url = ctx.consoleUrl(alert.jobId, alert.versionId);
  } catch {
    url = null;
  }
  return url ? button({ text: label, actionId: linkActionId('console'), url }) : null;
}

function unwatch(alert: JobAlert): Button | null {
  return typeof alert.watchId === 'number' && Number.isSafeInteger(alert.watchId) && alert.watchId > 0
    ? button({ text: 'Unwatch', actionId: ACTION.unwatch, value: unwatchValue.encode({ watchId: alert.watchId }) })
    : null;
}

function plainTitle(alert: JobAlert): string {
  return plainJobTitle(alert.jobName, alert.versionName, alert.jobId, alert.versionId);
}

/** The durable card: posted when a watch starts, edited in place (chat.update) on every status change. */
export function renderAlertCard(alert: JobAlert, ctx: RenderContext): Message {
  const info = statusInfo(alert.status);
  const blocks: KnownBlock[] = [
    section(joinParts([titleLine(alert), cardStatus(alert, ctx), specParts(alert)], '\n'), { max: 1500 }),
  ];
  const previous =
    alert.previousStatus !== null && alert.previousStatus !== alert.status ? statusInfo(alert.previousStatus) : null;
  const updated = slackDate(
    ctx.now.getTime(),
    '{date_short_pretty} {time}',
    formatDateTime(ctx.now, ctx.timeZone) ?? '',
  );
  const quiet = context([
    joinParts([
      previous ? `was ${previous.emoji} ${escapeInline(previous.label, 40)}` : null,
      `updated ${updated}`,
      `status ${showId(alert.status)} ${escapeInline(info.name, 40)}`,
      `project ${escapeInline(alert.projectId, 80)}`,
    ]),
  ]);
  if (quiet) blocks.push(quiet);
  if (info.terminal) {
    const done = context(['The outcome is in the thread below.']);
    if (done) blocks.push(done);
  }
  const bar = actions([consoleButton(alert, ctx), unwatch(alert)]);
  if (bar) blocks.push(bar);
  return {
    text: fallbackText(`${info.emoji} ${plainTitle(alert)}: ${info.label}`),
    blocks,
    metadata: alertMetadata(alert, 'card'),
  };
}

function logBlock(alert: JobAlert, max: number): KnownBlock[] {
  const lines = (alert.logTail ?? []).filter((l) => typeof l === 'string');
  if (lines.length === 0) return [];
  // Keep the end of the log (where the error is); long single lines are cut from the front as well.
  const body = codeBlock(lines.slice(-200).join('\n'), max - 20, 'end');
  return body ? [section(`Last log lines:\n${body}`, { max })] : [];
}

/**
 * The reply in the card's thread when the version reaches a terminal state. Completed: duration and final metrics.
 * Failed: status name, duration, the last log lines and a mention of the watch's creator (the reply is broadcast).
 * Cancelled: who-knows-why, with the duration.
 */
export function renderTerminalReply(alert: JobAlert, ctx: RenderContext): Message {
  const info = statusInfo(alert.status);
  const title = jobTitle(alert.jobName, alert.versionName, alert.jobId, alert.versionId);
  const took = tookOf(alert, ctx);
  const blocks: KnownBlock[] = [];
  let text: string;
  switch (info.category) {
    case 'succeeded': {
      const tookIn = tookOf(alert, ctx, 'in');
      const total = totalMetricsLine(alert.metrics);
      const classes = classMetricLines(alert.metrics, 5);
      blocks.push(
        section(
          joinParts(
            [
              `${info.emoji} ${title} ${escapeInline(info.label, 40)}${tookIn ? ` ${tookIn}` : ''}`,
              total ? `Final metrics: ${total}` : 'No model metrics were reported.',
              ...classes,
            ],
            '\n',
          ),
          { max: 2000 },
        ),
      );
      text = fallbackText(`${info.emoji} ${plainTitle(alert)} ${info.label}${tookIn ? ` ${tookIn}` : ''}`);
      break;
    }
    case 'failed': {
      const who = mention(alert.creatorUserId);
      blocks.push(
        section(
          `${info.emoji} ${title} ${escapeInline(info.label, 40)}${took ? ` ${took}` : ''} (${codeSpan(info.name, 60)})${who ? ` · ${who}` : ''}`,
          { max: 1000 },
        ),
      );
      blocks.push(...logBlock(alert, 2600));
      if ((alert.logTail ?? []).length === 0) {
        const none = context(['No log lines were available for this version.']);
        if (none) blocks.push(none);
      }
      text = `${fallbackText(`${info.emoji} ${plainTitle(alert)} ${info.label}${took ? ` ${took}` : ''} (${info.name})`)}${who ? ` ${who}` : ''}`;
      break;
    }
    case 'cancelled': {
      blocks.push(
        section(
          `${info.emoji} ${title} was ${escapeInline(info.label, 40)}${took ? ` ${took}` : ''} (${codeSpan(info.name, 60)})`,
          {
            max: 1000,
          },
        ),
      );
      text = fallbackText(`${info.emoji} ${plainTitle(alert)} ${info.label}${took ? ` ${took}` : ''}`);
      break;
    }
    default: {
      blocks.push(section(`${info.emoji} ${title} is now ${escapeInline(info.label, 40)}`, { max: 1000 }));
      text = fallbackText(`${info.emoji} ${plainTitle(alert)}: ${info.label}`);
    }
  }
  const bar = actions([consoleButton(alert, ctx), unwatch(alert)]);
  if (bar) blocks.push(bar);
  return { text, blocks, metadata: alertMetadata(alert, 'terminal_reply') };
}

/** A project-wide failure watch: one standalone message per failed version (no mention: nobody asked for this one). */
export function renderProjectFailure(alert: JobAlert, ctx: RenderContext): Message {
  const info = statusInfo(alert.status);
  const took = tookOf(alert, ctx);
  const blocks: KnownBlock[] = [
    section(
      joinParts(
        [
          `${info.emoji} ${jobTitle(alert.jobName, alert.versionName, alert.jobId, alert.versionId)} ${escapeInline(info.label, 40)}${took ? ` ${took}` : ''} (${codeSpan(info.name, 60)})`,
          joinParts([
            `job ${escapeInline(alert.jobId, 30)}, version ${escapeInline(alert.versionId, 30)}`,
            specParts(alert),
            dateToken(alert.startTime, ctx) ? `started ${dateToken(alert.startTime, ctx)}` : null,
          ]),
        ],
        '\n',
      ),
      { max: 1200 },
    ),
    ...logBlock(alert, 2000),
  ];
  const quiet = context([
    `Project-wide failure watch in this channel · ${codeSpan('/modelarts unwatch failures', 40)} stops these`,
  ]);
  if (quiet) blocks.push(quiet);
  const bar = actions([consoleButton(alert, ctx), unwatch(alert)]);
  if (bar) blocks.push(bar);
  return {
    text: fallbackText(`${info.emoji} ${plainTitle(alert)} ${info.label}${took ? ` ${took}` : ''} (${info.name})`),
    blocks,
    metadata: alertMetadata(alert, 'project_failure'),
  };
}

export interface OpsNotice {
  kind: 'failing' | 'recovered';
  /** Start of the failing streak (a Date; a stored payload may bring an ISO string or epoch ms). */
  since: Date | string | number;
  error?: string | null;
  projectId: string;
}

function toDate(v: Date | string | number): Date | null {
  const d = v instanceof Date ? v : new Date(v);
  return Number.isFinite(d.getTime()) ? d : null;
}

/** To OPS_CHANNEL_ID: polling has failed for a while, or has recovered. Never a mention, never @here. */
export function renderOpsNotice(notice: OpsNotice, ctx: RenderContext): Message {
  const since = toDate(notice.since);
  const sinceText = since
    ? slackDate(since.getTime(), '{date_short_pretty} {time}', formatDateTime(since, ctx.timeZone) ?? '')
    : null;
  const forText = since ? formatDuration(ctx.now.getTime() - since.getTime()) : null;
  const project = escapeInline(notice.projectId, 100);
  const blocks: KnownBlock[] = [];
  let text: string;
  if (notice.kind === 'failing') {
    blocks.push(
      section(
        joinParts(
          [
            `⚠️ *ModelArts polling is failing* for project ${project}${sinceText ? ` since ${sinceText}` : ''}${forText ? ` (${forText})` : ''}.`,
            notice.error ? `Last error: ${codeSpan(notice.error, 600)}` : null,
            'Job alerts are delayed, not lost: they go out once polling recovers. Check the ModelArts credentials, endpoint and service status.',
          ],
          '\n',
        ),
      ),
    );
    text = fallbackText(
      `ModelArts polling is failing for project ${notice.projectId}${forText ? ` (${forText})` : ''}`,
    );
  } else {
    blocks.push(
      section(
        `✅ *ModelArts polling recovered* for project ${project}.${sinceText ? ` It had been failing since ${sinceText}${forText ? ` (${forText})` : ''}.` : ''} Delayed alerts follow now.`,
      ),
    );
    text = fallbackText(`ModelArts polling recovered for project ${notice.projectId}`);
  }
  return { text, blocks };
}
