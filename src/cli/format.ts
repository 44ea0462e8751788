/** Plain-text rendering for the operator CLI (a terminal, not Slack: no mrkdwn, control characters stripped). */
import { processorTaskStatus, type StatusInfo, trainingJobStatus } from '../modelarts/index.js';

/** Removes terminal control sequences an upstream string could carry. */
export function clean(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return String(value).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

export function formatTime(ms: number | null): string {
  if (ms === null) return '-';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '-' : `${d.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

const statusText = (s: StatusInfo): string => `${s.emoji} ${s.label}`;
export const jobStatus = (code: number): string => statusText(trainingJobStatus(code));
export const taskStatus = (code: number): string => statusText(processorTaskStatus(code));

/** Left-aligned columns separated by two spaces; cells are cleaned and cut at 60 characters. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  const cells = [header.map(String), ...rows.map((r) => r.map((c) => truncate(clean(c), 60)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - [...c].length)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function keyValues(pairs: ReadonlyArray<readonly [string, unknown]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${clean(v)}`).join('\n');
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
