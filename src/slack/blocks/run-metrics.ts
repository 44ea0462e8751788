/**
 * The metric parts of a run's messages: model metrics (totals and per class), resource usage sparklines and the
 * parameters. Escaped mrkdwn out, like job-parts.ts.
 */
import type { Accelerators, RunMetricValues, RunModelMetrics, RunUsage } from '../../modelarts/index.js';
import { codeSpan, escapeInline } from '../mrkdwn.js';
import { formatBytesRate, formatNumber, formatPercent, formatPercentValue, sparkline } from './format.js';
import { showId } from './job-parts.js';
import { joinParts } from './kit.js';

const METRIC_NAMES: ReadonlyArray<[keyof RunMetricValues, string, string]> = [
  ['accuracy', 'Accuracy', 'acc'],
  ['precision', 'Precision', 'P'],
  ['recall', 'Recall', 'R'],
  ['f1_score', 'F1', 'F1'],
];

function metricParts(values: RunMetricValues | null | undefined, short: boolean): string[] {
  if (!values) return [];
  const out: string[] = [];
  for (const [key, long, brief] of METRIC_NAMES) {
    const p = formatPercent(values[key]);
    if (p !== null) out.push(`${short ? brief : long} ${p}`);
  }
  return out;
}

/** "Accuracy 0.09% · Precision 0.02% · Recall 0.58%", or null. */
export function totalMetricsLine(metrics: RunModelMetrics | null | undefined): string | null {
  const parts = metricParts(metrics?.total, false);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** One line per class (at most `maxClasses`), then "… N more classes". */
export function classMetricLines(metrics: RunModelMetrics | null | undefined, maxClasses = 10): string[] {
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

/** False for a job the platform says has none of `kind` (a count of 0), or whose series are all zeros. */
function showsAccelerator(kind: string, series: Record<string, number[]>, acc: Accelerators | null): boolean {
  if (acc !== null && acc.count === 0 && acc.kind.toLowerCase() === kind) return false;
  return Object.entries(series).some(
    ([key, values]) => key.toLowerCase().startsWith(kind) && values.some((n) => Number.isFinite(n) && n !== 0),
  );
}

/**
 * One entry per non-empty series: label and "`▁▅█▁` peak 5.76%"; known series first, at most `max`. GPU and NPU
 * series are left out when the run has none of them (a count of 0, or the series are zeros throughout); accelerators
 * that are not reported do not hide series with data.
 */
export function systemMetricEntries(
  usage: RunUsage | null | undefined,
  max = 10,
  accelerators: Accelerators | null = null,
): Array<{ label: string; text: string }> {
  const series = usage?.series ?? {};
  const known = new Map(SERIES.map(([key, label, unit]) => [key, { label, unit }]));
  const shown = new Map(['gpu', 'npu'].map((kind) => [kind, showsAccelerator(kind, series, accelerators)]));
  const keys = [
    ...SERIES.map(([key]) => key).filter((k) => Object.hasOwn(series, k)),
    ...Object.keys(series)
      .filter((k) => !known.has(k))
      .sort(),
  ].filter((k) => {
    const kind = ACCELERATOR_SERIES.exec(k)?.[1]?.toLowerCase();
    return kind === undefined || shown.get(kind) === true;
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
export function parameterLines(params: ReadonlyArray<{ name: string; value: string }>, maxChars: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const [i, p] of params.entries()) {
    const piece = codeSpan(`${p.name} = ${p.value}`, 200);
    if (used + piece.length + 3 > maxChars - 40) {
      out.push(`… ${params.length - i} more`);
      break;
    }
    out.push(piece);
    used += piece.length + 3;
  }
  return out;
}
