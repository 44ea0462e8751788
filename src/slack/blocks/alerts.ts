/**
 * Alert messages: the durable per-run card (posted once, edited in place), the terminal reply in its thread,
 * the project-wide failure message and the operator notices. Channel posts have many readers, so times use Slack's
 * `<!date>` token (each reader's own zone) with a fallback in `ctx.timeZone`.
 */
import type { Button, KnownBlock, MessageMetadata } from '@slack/types';
import type { JobAlert } from '../../alerts/job-alert.js';
import { failureFromLog, type JobRun, refParts, statusFromKey } from '../../modelarts/index.js';
import { ACTION } from '../ids.js';
import { codeSpan, escapeEntities, escapeInline, mention, slackDate, stripControls, truncate } from '../mrkdwn.js';
import { unwatchValue } from './action-values.js';
import { excerptBlock, logsButton, reasonLine, runFailure } from './failure.js';
import { formatDateTime, formatDuration } from './format.js';
import {
  capitalize,
  consoleButton,
  idWords,
  plainOutcome,
  plainRunTitle,
  refreshButton,
  runTitle,
  specLine,
  statusIdText,
  titleLine,
  tookPhrase,
} from './job-parts.js';
import { actions, button, context, fallbackText, joinParts, section } from './kit.js';
import { classMetricLines, totalMetricsLine } from './run-metrics.js';
import type { Message, RenderContext } from './types.js';

function metaText(text: string, max: number): string {
  return truncate(escapeEntities(stripControls(text)), max);
}

/**
 * The alert's run with its failure completed from the log lines the alert carries: what every alert renderer shows,
 * whatever built the alert (the poller's facts, a row queued before the reason was read).
 */
export function alertRun(alert: Pick<JobAlert, 'run' | 'logTail'>): JobRun {
  const { run } = alert;
  // A failure that already has its lines (the poller read them) is taken as it is.
  if (run.status.category !== 'failed' || run.failure?.excerpt) return run;
  return { ...run, failure: failureFromLog(alert.logTail, run) };
}

/** Slack message metadata naming the run and event (for search, workflows and our own dedupe checks). */
export function alertMetadata(alert: JobAlert, kind: 'card' | 'terminal_reply' | 'project_failure'): MessageMetadata {
  const { jobId, versionId } = refParts(alert.run.ref);
  const status = alert.run.status;
  return {
    event_type: 'modelarts_job_version',
    event_payload: {
      // Metadata is not rendered, but it is our text in someone's channel: no raw control characters either.
      project_id: metaText(alert.projectId, 200),
      job_id: metaText(jobId, 40),
      // A v2 job has no version; the field is left out rather than sent empty.
      ...(versionId === null ? {} : { version_id: metaText(versionId, 40) }),
      status: metaText(status.key, 64),
      status_name: metaText(status.name, 64),
      event: alert.event,
      kind,
    },
  };
}

function dateToken(ms: number | null, ctx: RenderContext): string | null {
  const fallback = formatDateTime(ms, ctx.timeZone);
  return fallback === null ? null : slackDate(ms, '{date_short_pretty} {time}', fallback);
}

/** Status words that stay true until the next edit: "Running since …", "Completed in 8 min 52 s". */
function cardStatus(alert: JobAlert, ctx: RenderContext): string {
  const { run } = alert;
  const label = `*${capitalize(run.status.label)}*`;
  const started = dateToken(run.startedAt, ctx);
  if (!run.status.terminal) {
    // Elapsed as of this render: the card's "updated" time says when that was.
    const took = tookPhrase(run, ctx.now);
    if (run.status.category === 'running' && started)
      return joinParts([took ? `${label} ${took}` : label, `since ${started}`]);
    const created = dateToken(run.createdAt, ctx);
    return created ? `${label} · created ${created}` : label;
  }
  const took = tookPhrase(run, ctx.now);
  return joinParts([took ? `${label} ${took}` : label, started ? `started ${started}` : null]);
}

/**
 * Unwatch under an alert. Anyone in the channel may click it, so it always asks first. On a project-wide alert it
 * ends every failure alert of the project here, not only this job's, and says so.
 */
function unwatch(alert: JobAlert, scope: 'run' | 'project'): Button | null {
  if (typeof alert.watchId !== 'number' || !Number.isSafeInteger(alert.watchId) || alert.watchId <= 0) return null;
  const value = unwatchValue.encode({ watchId: alert.watchId });
  const project = alert.projectId.slice(0, 64);
  return scope === 'project'
    ? button({
        text: 'Stop all failure alerts',
        actionId: ACTION.unwatch,
        value,
        confirm: {
          title: 'Stop all failure alerts?',
          text: `Ends the failure alerts for every job in project ${project} in this channel, not only this one.${whoIsTold(alert)}`,
          confirm: 'Stop them',
          deny: 'Keep them',
        },
      })
    : button({
        text: 'Unwatch',
        actionId: ACTION.unwatch,
        value,
        confirm: {
          title: 'Stop watching?',
          text: `No more alerts for ${plainIds(alert)} in this channel.${whoIsTold(alert)}`,
          confirm: 'Unwatch',
          deny: 'Keep it',
        },
      });
}

function plainIds(alert: JobAlert): string {
  const { jobId, versionId } = refParts(alert.run.ref);
  return versionId === null
    ? `job ${jobId.slice(0, 40)}`
    : `job ${jobId.slice(0, 40)} version ${versionId.slice(0, 40)}`;
}

/** The confirm dialog is plain text and the same for every clicker: it cannot name the creator, only promise. */
function whoIsTold(alert: JobAlert): string {
  return alert.creatorUserId ? ' Whoever started the watch is told if it was not you.' : '';
}

/** The buttons under every alert message: Refresh while it runs, Logs once it ended, Unwatch while the watch is on. */
function alertActions(alert: JobAlert, scope: 'run' | 'project' = 'run'): KnownBlock | null {
  // A running card's times are those of its last render: Refresh renders it again from ModelArts.
  const refresh =
    scope === 'run' && !alert.run.status.terminal
      ? refreshButton(alert.run.ref, '↻ Refresh', ACTION.alertRefresh)
      : null;
  return actions([refresh, logsButton(alert.run), consoleButton(alert.run, 'Open job'), unwatch(alert, scope)]);
}

/** Shown on a card once its watch is removed, in place of the Unwatch button. */
export interface CardOptions {
  /** Who removed the watch that kept this card up to date. */
  unwatchedBy?: string | null;
}

/** "failed after 2 h 4 min" (escaped, and plain for fallback texts). */
function outcomeWords(alert: JobAlert, ctx: RenderContext): { text: string; plain: string } {
  const { run } = alert;
  const took = tookPhrase(run, ctx.now);
  return { text: `${escapeInline(run.status.label, 40)}${took ? ` ${took}` : ''}`, plain: plainOutcome(run, ctx.now) };
}

/** The durable card: posted when a watch starts, edited in place (chat.update) on every status change. */
export function renderAlertCard(alert: JobAlert, ctx: RenderContext, options: CardOptions = {}): Message {
  const run = alertRun(alert);
  const blocks: KnownBlock[] = [
    section(joinParts([titleLine(run), cardStatus(alert, ctx), reasonLine(run), specLine(run)], '\n'), {
      max: 1500,
    }),
  ];
  const previous =
    alert.previousStatus !== null && alert.previousStatus !== run.status.key
      ? statusFromKey(alert.previousStatus)
      : null;
  const updated = slackDate(
    ctx.now.getTime(),
    '{date_short_pretty} {time}',
    formatDateTime(ctx.now, ctx.timeZone) ?? '',
  );
  const quiet = context([
    joinParts([
      previous ? `was ${previous.emoji} ${escapeInline(previous.label, 40)}` : null,
      `updated ${updated}`,
      statusIdText(run.status),
      `project ${escapeInline(alert.projectId, 80)}`,
    ]),
  ]);
  if (quiet) blocks.push(quiet);
  // No promise of a thread reply here: whether one comes depends on the watch's filter, which the card cannot see.
  if (options.unwatchedBy !== undefined) {
    const who = options.unwatchedBy ? mention(options.unwatchedBy) : null;
    const gone = context([`🔕 No longer watched${who ? ` · removed by ${who}` : ''}`]);
    if (gone) blocks.push(gone);
  }
  const bar = alertActions(options.unwatchedBy === undefined ? alert : { ...alert, watchId: null });
  if (bar) blocks.push(bar);
  return {
    text: fallbackText(`${run.status.emoji} ${plainRunTitle(run)}: ${run.status.label}`),
    blocks,
    metadata: alertMetadata(alert, 'card'),
  };
}

/** The reason (or, without one, a plain "no reason given") and the log lines around the error. */
function failureBlocks(run: JobRun, excerptMax: number): KnownBlock[] {
  const evidence = excerptBlock(runFailure(run), excerptMax);
  const blocks: KnownBlock[] = evidence ? [evidence] : [];
  if (!evidence) {
    const none = context([
      reasonLine(run) ? 'No log lines were available for this run.' : 'ModelArts gave no reason and no log lines.',
    ]);
    if (none) blocks.push(none);
  }
  return blocks;
}

/**
 * The reply in the card's thread when the run reaches a terminal state. Completed: duration and final metrics.
 * Failed: the reason first, then at most a handful of log lines around the error and a mention of the watch's
 * creator; it stays in the thread (the card in the channel already shows the reason).
 * Cancelled: who-knows-why, with the duration.
 */
export function renderTerminalReply(alert: JobAlert, ctx: RenderContext): Message {
  const run = alertRun(alert);
  const { emoji, name } = run.status;
  const title = runTitle(run);
  const plainTitle = plainRunTitle(run);
  const outcome = outcomeWords(alert, ctx);
  const blocks: KnownBlock[] = [];
  let text: string;
  switch (run.status.category) {
    case 'succeeded': {
      const total = totalMetricsLine(run.modelMetrics);
      const classes = classMetricLines(run.modelMetrics, 5);
      blocks.push(
        section(
          joinParts(
            [
              `${emoji} ${title} ${outcome.text}`,
              total ? `Final metrics: ${total}` : 'No model metrics were reported.',
              ...classes,
            ],
            '\n',
          ),
          { max: 2000 },
        ),
      );
      text = fallbackText(`${emoji} ${plainTitle} ${outcome.plain}`);
      break;
    }
    case 'failed': {
      const who = mention(alert.creatorUserId);
      const why = reasonLine(run, 500);
      blocks.push(
        section(
          joinParts([`${emoji} ${title} ${outcome.text} (${codeSpan(name, 60)})${who ? ` · ${who}` : ''}`, why], '\n'),
          { max: 1500 },
        ),
      );
      blocks.push(...failureBlocks(run, 2600));
      const plainWhy = runFailure(run)?.reason;
      text = `${fallbackText(`${emoji} ${plainTitle} ${outcome.plain} (${name})${plainWhy ? `: ${plainWhy}` : ''}`)}${who ? ` ${who}` : ''}`;
      break;
    }
    case 'cancelled': {
      blocks.push(section(`${emoji} ${title} was ${outcome.text} (${codeSpan(name, 60)})`, { max: 1000 }));
      text = fallbackText(`${emoji} ${plainTitle} ${outcome.plain}`);
      break;
    }
    default: {
      blocks.push(section(`${emoji} ${title} is now ${escapeInline(run.status.label, 40)}`, { max: 1000 }));
      text = fallbackText(`${emoji} ${plainTitle}: ${run.status.label}`);
    }
  }
  const bar = alertActions(alert);
  if (bar) blocks.push(bar);
  return { text, blocks, metadata: alertMetadata(alert, 'terminal_reply') };
}

/** A project-wide failure watch: one standalone message per failed run (no mention: nobody asked for this one). */
export function renderProjectFailure(alert: JobAlert, ctx: RenderContext): Message {
  const run = alertRun(alert);
  const outcome = outcomeWords(alert, ctx);
  const started = dateToken(run.startedAt, ctx);
  const blocks: KnownBlock[] = [
    section(
      joinParts(
        [
          `${run.status.emoji} ${runTitle(run)} ${outcome.text} (${codeSpan(run.status.name, 60)})`,
          reasonLine(run, 500),
          joinParts([idWords(run.ref, { sep: ', ' }), specLine(run), started ? `started ${started}` : null]),
        ],
        '\n',
      ),
      { max: 1500 },
    ),
    ...failureBlocks(run, 2000),
  ];
  const quiet = context([
    `Project-wide failure watch in this channel · ${codeSpan('/modelarts unwatch failures', 40)} stops these`,
  ]);
  if (quiet) blocks.push(quiet);
  const bar = alertActions(alert, 'project');
  if (bar) blocks.push(bar);
  return {
    text: fallbackText(`${run.status.emoji} ${plainRunTitle(run)} ${outcome.plain} (${run.status.name})`),
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
