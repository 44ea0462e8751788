/** `/modelarts watches`: the channel's watches with creator, filter, last status, disabled reason and Unwatch. */
import type { KnownBlock } from '@slack/types';
import { type JobRun, statusFromKey } from '../../modelarts/index.js';
import type { Watch, WatchFilter, WatchTarget } from '../../store/types.js';
import { ACTION } from '../ids.js';
import { codeSpan, escapeInline, mention } from '../mrkdwn.js';
import { unwatchValue } from './action-values.js';
import { formatInteger, formatRelative, formatWhen, plural } from './format.js';
import { plainOutcome } from './job-parts.js';
import { button, context, fallbackText, fitRows, header, joinParts, section } from './kit.js';
import { LIMITS } from './limits.js';
import { fitLines } from './task-result.js';
import type { Message, RenderContext } from './types.js';

/** Job and version of a run target in words (a v2 job has no version). */
function runWords(target: { jobId: string; versionId: string | null }, sep: string): string {
  return target.versionId === null ? `job ${target.jobId}` : `job ${target.jobId}${sep}version ${target.versionId}`;
}

/** "job 10 · version 10", "job 10 (every version)", "every training job in the project". */
export function watchTargetText(target: WatchTarget): string {
  switch (target.kind) {
    case 'run':
      return escapeInline(runWords(target, ' · '), 100);
    case 'job':
      return `job ${escapeInline(target.jobId, 30)} (every version)`;
    case 'project':
      return 'every training job in the project';
    default:
      return 'unknown target';
  }
}

/**
 * A watch's target as words for sentences ("Watching …", "Stopped watching …", the poller's disabled-watch notice).
 * Plain text: the caller escapes it for where it goes (escapeMrkdwn in mrkdwn; notice() and renderErrorMessage()
 * encode entities themselves). Ids are digits by the time they are stored, the project id is validated.
 */
export function describeWatchTarget(target: WatchTarget, projectId: string): string {
  switch (target.kind) {
    case 'run':
      return `training ${runWords(target, ' ')}`;
    case 'job':
      return `every version of training job ${target.jobId}`;
    case 'project':
      return `every failed training job in project ${projectId}`;
  }
}

/**
 * How a finished run ended, in plain words for a notice: "failed after 3 min (ended 2 h ago)". Plain text: the
 * caller's notice() encodes it; status labels are ours.
 */
export function endedPhrase(
  run: Pick<JobRun, 'status' | 'createdAt' | 'startedAt' | 'endedAt' | 'durationMs'>,
  ctx: RenderContext,
): string {
  const end =
    run.endedAt ?? (run.startedAt !== null && run.durationMs !== null ? run.startedAt + run.durationMs : null);
  const when = formatWhen(end, ctx.now, ctx.timeZone);
  const outcome = plainOutcome(run, ctx.now);
  return when ? `${outcome} (ended ${when})` : outcome;
}

/** What a watch alerts on, in words. */
export function watchFilterText(filter: WatchFilter, target: WatchTarget): string {
  switch (filter) {
    case 'failed':
      return 'failures';
    case 'completed':
      return 'completions';
    case 'cancelled':
      return 'cancellations';
    case 'all':
      return 'every outcome';
    default:
      return target.kind === 'project' ? 'failures' : 'every outcome';
  }
}

/** The `/modelarts unwatch …` command that removes this watch. */
export function unwatchCommand(target: WatchTarget): string {
  switch (target.kind) {
    case 'run':
      return `/modelarts unwatch ${target.jobId}${target.versionId === null ? '' : ` ${target.versionId}`}`;
    case 'job':
      return `/modelarts unwatch ${target.jobId}`;
    default:
      return '/modelarts unwatch failures';
  }
}

function when(d: Date | null, ctx: RenderContext): string | null {
  return d instanceof Date ? formatRelative(d, ctx.now, ctx.timeZone) : null;
}

export function watchState(w: Watch, ctx: RenderContext): string | null {
  if (w.disabledAt) {
    return `⛔ *Disabled* ${when(w.disabledAt, ctx) ?? ''}${w.disabledReason ? `: ${escapeInline(w.disabledReason, 300)}` : ''}`;
  }
  if (w.endedAt) return `✓ Ended ${when(w.endedAt, ctx) ?? ''} after its final alert`;
  return null;
}

/** One watch as mrkdwn: target and filter, then creator, age and last status, then the disabled/ended state. */
export function watchText(w: Watch, ctx: RenderContext, options: { showCreator?: boolean } = {}): string {
  const emoji = w.disabledAt ? '⛔' : w.endedAt ? '✓' : '👁';
  const status = w.lastStatus === null ? null : statusFromKey(w.lastStatus);
  const last = status ? `last status ${status.emoji} ${escapeInline(status.label, 40)}` : 'no status seen yet';
  const line2 = joinParts([
    options.showCreator === false ? null : `by ${mention(w.creatorUserId) ?? escapeInline(w.creatorUserId, 40)}`,
    when(w.createdAt, ctx) ? `created ${when(w.createdAt, ctx)}` : null,
    last,
  ]);
  return joinParts(
    [
      `${emoji} *${watchTargetText(w.target)}* · alerts on ${watchFilterText(w.filter, w.target)}`,
      line2,
      watchState(w, ctx),
    ],
    '\n',
  );
}

/** Unwatch for a live watch; an ended or disabled watch has nothing to stop (its command line still removes it). */
export function unwatchButton(w: Watch) {
  if (!Number.isSafeInteger(w.id) || w.id <= 0 || w.endedAt || w.disabledAt) return null;
  const t = w.target;
  const project = t.kind === 'project';
  const ids = t.kind === 'project' ? '' : t.kind === 'job' ? `job ${t.jobId}` : runWords(t, ' ');
  return button({
    text: project ? 'Stop all failure alerts' : 'Unwatch',
    actionId: ACTION.unwatch,
    value: unwatchValue.encode({ watchId: w.id }),
    style: 'danger',
    confirm: {
      title: project ? 'Stop all failure alerts?' : 'Stop this watch?',
      text: project
        ? `Ends the failure alerts for every job in project ${w.projectId.slice(0, 64)} in this channel.`
        : `No more alerts for ${ids} in this channel.`,
      confirm: project ? 'Stop them' : 'Unwatch',
      deny: 'Keep it',
    },
  });
}

/**
 * `/modelarts unwatch …` when someone else started a matching watch: whose each one is, and a button to remove it.
 * Removing is one click away, but never happens without that click.
 */
export function renderUnwatchQuestion(watches: Watch[], userId: string): Message {
  const shown = watches.slice(0, 5);
  const rows = shown.map((w) => {
    const who = w.creatorUserId === userId ? 'you' : (mention(w.creatorUserId) ?? escapeInline(w.creatorUserId, 40));
    const b =
      Number.isSafeInteger(w.id) && w.id > 0
        ? button({
            text: 'Remove',
            actionId: ACTION.unwatchConfirmed,
            value: unwatchValue.encode({ watchId: w.id }),
            style: 'danger',
          })
        : null;
    return section(
      `*${watchTargetText(w.target)}* · alerts on ${watchFilterText(w.filter, w.target)} · started by ${who}`,
      {
        ...(b ? { accessory: b } : {}),
      },
    );
  });
  const others = watches.filter((w) => w.creatorUserId !== userId).length;
  const head = section(
    `Someone else started ${others === 1 ? 'this watch' : 'these watches'}. Remove anyway? Whoever started a watch is told when you remove it.`,
  );
  const more =
    watches.length > shown.length ? context([`${formatInteger(watches.length - shown.length)} more not shown`]) : null;
  return {
    text: fallbackText('Someone else started this watch. Remove it anyway?'),
    blocks: [head, ...rows, ...(more ? [more] : [])],
  };
}

/** Compact one-line form for watches that did not get their own block. */
function watchLine(w: Watch): string {
  return `• ${watchTargetText(w.target)} · ${watchFilterText(w.filter, w.target)}${w.disabledAt ? ' · disabled' : w.endedAt ? ' · ended' : ''} — ${codeSpan(unwatchCommand(w.target), 120)}`;
}

export function renderWatches(watches: Watch[], ctx: RenderContext): Message {
  const title = 'Watches in this channel';
  const active = watches.filter((w) => !w.disabledAt && !w.endedAt).length;
  const disabled = watches.filter((w) => w.disabledAt).length;
  const head: KnownBlock[] = [header(title)];
  if (watches.length === 0) {
    head.push(
      section(
        'This channel watches nothing yet.\n• `/modelarts watch JOB_ID VERSION_ID` (or a new-version job’s UUID, or a job’s name) posts a card here and reports how it ends.\n• `/modelarts watch JOB_ID` does the same for every current and future version of the job.\n• `/modelarts watch failures` reports every failed training job (old-version job versions too) in the project.',
      ),
    );
    return { text: 'This channel watches nothing yet. Try /modelarts watch JOB_ID.', blocks: head };
  }
  const summary = context([
    joinParts([
      `${formatInteger(active)} active`,
      disabled > 0 ? `${formatInteger(disabled)} disabled` : null,
      watches.length - active - disabled > 0 ? `${formatInteger(watches.length - active - disabled)} ended` : null,
      `project ${escapeInline(ctx.projectId, 80)}`,
    ]),
  ]);
  if (summary) head.push(summary);
  const foot: KnownBlock[] = [];
  const hint = context(['`/modelarts watch JOB_ID [VERSION_ID]` adds a watch · `/modelarts unwatch …` removes one']);
  if (hint) foot.push(hint);

  const { blocks } = fitRows(
    head,
    watches.map((w) => (max: number) => {
      const b = unwatchButton(w);
      return section(watchText(w, ctx), { max, ...(b ? { accessory: b } : {}) });
    }),
    foot,
    {
      maxBlocks: LIMITS.messageBlocks,
      maxChars: LIMITS.messageTextTotal - 2600,
      maxRowChars: 600,
      minRowChars: 200,
      // Watches past what fits get a compact line each (with the command that removes them) instead of a button.
      more: (hidden) =>
        section(
          fitLines(
            [
              `*${plural(hidden, 'more watch', 'more watches')}*`,
              ...watches.slice(watches.length - hidden).map(watchLine),
            ],
            2500,
          ).join('\n'),
        ),
    },
  );
  return {
    text: fallbackText(`${title}: ${watches.length} (${active} active${disabled > 0 ? `, ${disabled} disabled` : ''})`),
    blocks,
  };
}
