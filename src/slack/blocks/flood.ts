/**
 * The summary a project-wide failure watch posts once failures come in a burst (alerts/flood.ts): one message, edited
 * in place as the burst grows, with the count, each run's name and reason, and the most common reasons. Each
 * failure's own message goes into the summary's thread.
 */
import type { KnownBlock } from '@slack/types';
import type { JobAlert } from '../../alerts/job-alert.js';
import { codeSpan, escapeInline, truncate } from '../mrkdwn.js';
import { alertRun } from './alerts.js';
import { runFailure } from './failure.js';
import { formatDateTime } from './format.js';
import { plainRunTitle, runTitle } from './job-parts.js';
import { context, fallbackText, section } from './kit.js';
import type { Message, RenderContext } from './types.js';

/** Runs named in the summary; the rest are counted (their details are in the thread all the same). */
const NAMED_MAX = 12;
const REASON_CHARS = 140;

function reasonOf(alert: JobAlert): string | null {
  return runFailure(alertRun(alert))?.reason?.trim() || null;
}

/** "`CUDA out of memory` ×4 · `No module named 'timm'` ×2": reasons more than one run shares, commonest first. */
function commonReasons(reasons: ReadonlyArray<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const reason of reasons) if (reason) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const shared = [...counts].filter(([, n]) => n > 1).sort((a, b) => b[1] - a[1]);
  if (shared.length === 0) return null;
  return `Most common: ${shared
    .slice(0, 3)
    .map(([reason, n]) => `${codeSpan(reason, 80)} ×${n}`)
    .join(' · ')}`;
}

export function renderFloodSummary(alerts: readonly JobAlert[], ctx: RenderContext): Message {
  const count = alerts.length;
  // Each alert's reason once: reading it from a log tail is the costly part of this card.
  const reasons = alerts.map(reasonOf);
  const since = alerts.reduce<number | null>((min, a) => {
    const at = a.run.endedAt ?? a.run.startedAt ?? a.run.createdAt;
    return at !== null && (min === null || at < min) ? at : min;
  }, null);
  const sinceText = formatDateTime(since, ctx.timeZone);
  const head = `🔴 *${count} runs failed* in project ${escapeInline(ctx.projectId, 80)}${sinceText ? ` since ${sinceText}` : ''}`;
  // Newest first: an edit adds at the top, where the eye is.
  const rows = [...alerts.keys()]
    .reverse()
    .slice(0, NAMED_MAX)
    .map((i) => {
      const alert = alerts[i] as JobAlert;
      const reason = reasons[i];
      return `• ${runTitle(alert.run)}${reason ? ` — ${codeSpan(reason, REASON_CHARS)}` : ''}`;
    });
  const more = count > NAMED_MAX ? `… and ${count - NAMED_MAX} more` : null;
  const blocks: KnownBlock[] = [section([head, ...rows, ...(more ? [more] : [])].join('\n'), { max: 3000 })];
  const common = commonReasons(reasons);
  const quiet = context([
    common,
    `Each failure’s details are in the thread · ${codeSpan('/modelarts unwatch failures', 40)} stops these`,
  ]);
  if (quiet) blocks.push(quiet);
  const names = [...alerts]
    .reverse()
    .slice(0, 5)
    .map((a) => plainRunTitle(a.run));
  return {
    text: fallbackText(truncate(`🔴 ${count} runs failed in project ${ctx.projectId}: ${names.join(', ')}`, 500)),
    blocks,
  };
}
