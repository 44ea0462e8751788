/**
 * Pieces shared by every card about a training job version (lookup card, unfurl, overview rows, alerts): the status
 * phrase, titles, metric lines. Each returns escaped mrkdwn.
 */
import type { MetricValues, ModelMetrics, SystemMetrics } from '../../modelarts/index.js';
import { type StatusInfo, trainingJobStatus } from '../../modelarts/statuses.js';
import { codeSpan, escapeInline } from '../mrkdwn.js';
import { jobRefValue } from './action-values.js';
import {
  formatBytesRate,
  formatDateTime,
  formatNumber,
  formatPercent,
  formatPercentValue,
  formatRelative,
  formatTook,
  sparkline,
} from './format.js';
import { joinParts } from './kit.js';
import type { RenderContext } from './types.js';

/** An id for display: digits as they are, anything odd (NaN, 1e+300) still readable. */
export function showId(id: number | string | null | undefined): string {
  if (id === null || id === undefined) return '?';
  if (typeof id === 'number')
    return Number.isFinite(id) ? (Number.isSafeInteger(id) ? String(id) : id.toExponential()) : '?';
  return escapeInline(id, 40);
}

/** A usable decimal id (for button values and links), or null. */
export function idString(id: number | string | null | undefined): string | null {
  if (typeof id === 'number') return Number.isSafeInteger(id) && id >= 0 ? String(id) : null;
  if (typeof id === 'string') return /^\d{1,19}$/.test(id) ? id : null;
  return null;
}

/** The Refresh/Watch value for a job version, or null when the ids are not usable. */
export function jobRefFor(jobId: number | string | null | undefined, versionId: number | string | null | undefined) {
  const j = idString(jobId);
  const v = idString(versionId);
  return j !== null && v !== null
    ? { jobId: j, versionId: v, value: jobRefValue.encode({ jobId: j, versionId: v }) }
    : null;
}

export function capitalize(text: string): string {
  return text.length > 0 ? `${text[0]?.toUpperCase()}${text.slice(1)}` : text;
}

/** "*TestModelArtsJob* · jobVersion", names escaped and capped. */
export function jobTitle(
  jobName: string | null | undefined,
  versionName: string | null | undefined,
  jobId: number | string | null | undefined,
  versionId: number | string | null | undefined,
): string {
  const name = jobName && jobName.trim() !== '' ? escapeInline(jobName, 150) : `job ${showId(jobId)}`;
  const version =
    versionName && versionName.trim() !== '' ? escapeInline(versionName, 80) : `version ${showId(versionId)}`;
  return `*${name}* · ${version}`;
}

/** Plain (unescaped) title for fallback texts and headers. */
export function plainJobTitle(
  jobName: string | null | undefined,
  versionName: string | null | undefined,
  jobId: number | string | null | undefined,
  versionId: number | string | null | undefined,
): string {
  const name = jobName && jobName.trim() !== '' ? jobName.slice(0, 150) : `job ${showId(jobId)}`;
  const version = versionName && versionName.trim() !== '' ? versionName.slice(0, 80) : `version ${showId(versionId)}`;
  return `${name} · ${version}`;
}

export interface Timing {
  status: number;
  durationMs: number | null | undefined;
  startTime: number | null | undefined;
  createTime: number | null | undefined;
}

/** The running time: the reported duration, or (while running) the time since start. */
export function elapsed(t: Timing, info: StatusInfo, now: Date): number | null {
  if (typeof t.durationMs === 'number' && Number.isFinite(t.durationMs) && t.durationMs > 0) return t.durationMs;
  if (info.category === 'running' && typeof t.startTime === 'number' && Number.isFinite(t.startTime)) {
    const ms = now.getTime() - t.startTime;
    return ms >= 0 ? ms : null;
  }
  return typeof t.durationMs === 'number' && t.durationMs === 0 && info.terminal ? 0 : null;
}

/** "*Completed* in 8 min 52 s", "*Running* for 2 h 4 min", "*Failed* after 3 min", "*Waiting*". */
export function statusPhrase(t: Timing, now: Date): string {
  const info = trainingJobStatus(t.status);
  const label = `*${capitalize(info.label)}*`;
  const ms = elapsed(t, info, now);
  const took =
    info.category === 'succeeded'
      ? formatTook(ms, 'in')
      : info.category === 'running'
        ? formatTook(ms, 'for')
        : info.category === 'failed' || info.category === 'cancelled'
          ? formatTook(ms, 'after')
          : null;
  return took ? `${label} ${took}` : label;
}

/** "started 15 Jul 2019 08:32" or "created 3 h ago". */
export function startedPhrase(t: Timing, ctx: RenderContext): string | null {
  const at = (ms: number | null | undefined) => {
    const absolute = formatDateTime(ms ?? null, ctx.timeZone);
    if (absolute === null) return null;
    const age = ctx.now.getTime() - (ms ?? 0);
    const relative = age >= 0 && age < 48 * 3600_000 ? formatRelative(ms ?? null, ctx.now, ctx.timeZone) : null;
    return relative ? `${absolute} (${relative})` : absolute;
  };
  const started = at(t.startTime);
  if (started) return `started ${started}`;
  const created = at(t.createTime);
  return created ? `created ${created}` : null;
}

export function statusInfo(code: number): StatusInfo {
  return trainingJobStatus(code);
}

const METRIC_NAMES: ReadonlyArray<[keyof MetricValues, string, string]> = [
  ['accuracy', 'Accuracy', 'acc'],
  ['precision', 'Precision', 'P'],
  ['recall', 'Recall', 'R'],
  ['f1_score', 'F1', 'F1'],
];

function metricParts(values: MetricValues | null | undefined, short: boolean): string[] {
  if (!values) return [];
  const out: string[] = [];
  for (const [key, long, brief] of METRIC_NAMES) {
    const p = formatPercent(values[key]);
    if (p !== null) out.push(`${short ? brief : long} ${p}`);
  }
  return out;
}

/** "Accuracy 0.09% · Precision 0.02% · Recall 0.58%", or null. */
export function totalMetricsLine(metrics: ModelMetrics | null | undefined): string | null {
  const parts = metricParts(metrics?.total, false);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** One line per class (at most `maxClasses`), then "… N more classes". */
export function classMetricLines(metrics: ModelMetrics | null | undefined, maxClasses = 10): string[] {
  const classes = metrics?.classes ?? [];
  const lines: string[] = [];
  for (const c of classes.slice(0, maxClasses)) {
    const parts = metricParts(c, true);
    if (parts.length === 0) continue;
    const className = c.class_name?.trim() ? c.class_name.trim() : null;
    const hasId = c.class_id !== null && c.class_id !== undefined;
    // ModelArts often names classes by number ("class_name": 0): "class 0" reads better than a bare "0".
    const name =
      className === null
        ? `class ${hasId ? showId(c.class_id) : '?'}`
        : /^\d+$/.test(className)
          ? `class ${className}`
          : escapeInline(className, 60);
    const id = hasId && className !== null && className !== String(c.class_id) ? ` (#${showId(c.class_id)})` : '';
    lines.push(`• ${name}${id}: ${parts.join(' · ')}`);
  }
  if (classes.length > maxClasses) lines.push(`… ${classes.length - maxClasses} more classes`);
  return lines;
}

const SERIES: ReadonlyArray<[string, string, 'percent' | 'rate']> = [
  ['cpuUsage', 'CPU', 'percent'],
  ['memUsage', 'Memory', 'percent'],
  ['gpuUtil', 'GPU', 'percent'],
  ['gpuMemUsage', 'GPU memory', 'percent'],
  ['npuUtil', 'NPU', 'percent'],
  ['npuMemUsage', 'NPU memory', 'percent'],
  ['diskReadRate', 'Disk read', 'rate'],
  ['diskWriteRate', 'Disk write', 'rate'],
  ['recvBytesRate', 'Network in', 'rate'],
  ['sendBytesRate', 'Network out', 'rate'],
];

/** Accelerator series: on a job without that accelerator they are flat zeros, and "peak 0%" only adds noise. */
const ACCELERATOR_SERIES = /^(gpu|npu)/i;

/** False for a CPU-only job: `gpu_num` 0, or every GPU (NPU) series all zeros. */
function showsAccelerator(kind: string, series: Record<string, number[]>, gpuNum: number | null | undefined): boolean {
  if (kind === 'gpu' && gpuNum === 0) return false;
  return Object.entries(series).some(
    ([key, values]) => key.toLowerCase().startsWith(kind) && values.some((n) => Number.isFinite(n) && n !== 0),
  );
}

/**
 * One entry per non-empty series: label and "`▁▅█▁` peak 5.76%"; known series first, at most `max`. GPU and NPU
 * series are left out when the job has none of them (`gpuNum` 0, or the series are zeros throughout). A `gpuNum` of
 * null is "not reported", so non-zero GPU series still show.
 */
export function systemMetricEntries(
  metrics: SystemMetrics | null | undefined,
  max = 10,
  gpuNum: number | null | undefined = null,
): Array<{ label: string; text: string }> {
  const series = metrics?.series ?? {};
  const known = new Map(SERIES.map(([key, label, unit]) => [key, { label, unit }]));
  const accelerators = new Map(['gpu', 'npu'].map((kind) => [kind, showsAccelerator(kind, series, gpuNum)]));
  const keys = [
    ...SERIES.map(([key]) => key).filter((k) => Object.hasOwn(series, k)),
    ...Object.keys(series)
      .filter((k) => !known.has(k))
      .sort(),
  ].filter((k) => {
    const kind = ACCELERATOR_SERIES.exec(k)?.[1]?.toLowerCase();
    return kind === undefined || accelerators.get(kind) === true;
  });
  const out: Array<{ label: string; text: string }> = [];
  for (const key of keys) {
    if (out.length >= max) break;
    const values = (series[key] ?? []).filter((n) => typeof n === 'number' && Number.isFinite(n));
    if (values.length === 0) continue;
    const spec = known.get(key);
    const unit = spec?.unit ?? (/rate$/i.test(key) ? 'rate' : /(usage|util)$/i.test(key) ? 'percent' : 'number');
    const peak = values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
    const peakText =
      unit === 'percent' ? formatPercentValue(peak) : unit === 'rate' ? formatBytesRate(peak) : formatNumber(peak);
    const line = sparkline(values, 24);
    out.push({
      label: spec?.label ?? escapeInline(key, 40),
      text: joinParts([line ? `\`${line}\`` : null, peakText ? `peak ${peakText}` : null], ' '),
    });
  }
  return out;
}

/** "`learning_rate = 0.01`" pieces, capped. */
export function parameterLines(params: ReadonlyArray<{ label: string; value: string }>, maxChars: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const [i, p] of params.entries()) {
    const piece = codeSpan(`${p.label} = ${p.value}`, 200);
    if (used + piece.length + 3 > maxChars - 40) {
      out.push(`… ${params.length - i} more`);
      break;
    }
    out.push(piece);
    used += piece.length + 3;
  }
  return out;
}
