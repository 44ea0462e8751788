/**
 * The metrics of a v1 training job version: `model_metric_list` (accuracy, precision, recall per class and in total)
 * and `system_metric_list` (CPU, memory, GPU, disk and network series), in whichever form the endpoint sends them
 * (an object, or a JSON-encoded string; numbers as numeric strings), normalised to one shape.
 */
import { z } from 'zod';
import { fromJsonString, isRecord, toNumberOrNull, toStringOrNull } from '../lenient.js';

/** Fractions 0..1, as ModelArts sends them. */
export interface MetricValues {
  accuracy?: number;
  precision?: number;
  recall?: number;
  f1_score?: number;
}

export interface ModelMetrics {
  total: MetricValues | null;
  classes: Array<MetricValues & { class_name: string | null; class_id: number | null }>;
}

export interface SystemMetrics {
  /** Keys as on the wire: cpuUsage, memUsage, gpuUtil, gpuMemUsage, diskReadRate, … */
  series: Record<string, number[]>;
  interval: number | null;
}

const METRIC_KEYS = ['accuracy', 'precision', 'recall', 'f1_score'] as const;

function metricValues(raw: unknown): MetricValues | null {
  if (!isRecord(raw)) return null;
  const out: MetricValues = {};
  for (const key of METRIC_KEYS) {
    const n = toNumberOrNull(raw[key]);
    if (n !== null) out[key] = n;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/**
 * `model_metric_list` is a JSON string in the docs (`{metric:[{metric_values, metric_meta}], total_metric:
 * {total_metric_values}}`) and sometimes an object; both normalise to `{ total, classes }`, anything else to null.
 */
export function normaliseModelMetrics(raw: unknown): ModelMetrics | null {
  const value = fromJsonString(raw);
  if (!isRecord(value)) return null;
  const totalMetric = isRecord(value.total_metric) ? value.total_metric : null;
  const total = metricValues(totalMetric?.total_metric_values);
  const list = fromJsonString(value.metric);
  const classes = (Array.isArray(list) ? list : []).filter(isRecord).map((entry) => {
    const meta = isRecord(entry.metric_meta) ? entry.metric_meta : {};
    const classId = toNumberOrNull(meta.class_id);
    return {
      ...(metricValues(entry.metric_values) ?? {}),
      class_name: toStringOrNull(meta.class_name),
      class_id: classId !== null && Number.isInteger(classId) ? classId : null,
    };
  });
  if (total === null && classes.length === 0) return null;
  return { total, classes };
}

/** `system_metric_list`: an object in the detail, a JSON string in the versions list; series values numeric strings. */
export function normaliseSystemMetrics(raw: unknown): SystemMetrics | null {
  const value = fromJsonString(raw);
  if (!isRecord(value)) return null;
  const series: Record<string, number[]> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (key === 'interval') continue;
    const list = fromJsonString(entry);
    if (!Array.isArray(list)) continue;
    series[key] = list.map((v) => toNumberOrNull(v)).filter((n): n is number => n !== null);
  }
  const interval = toNumberOrNull(value.interval);
  if (Object.keys(series).length === 0 && interval === null) return null;
  return { series, interval };
}

// `.optional()` before the transform: zod 4 treats a bare z.unknown() key as required, and these are often absent.
export const ModelMetricsSchema = z.unknown().optional().transform(normaliseModelMetrics);
export const SystemMetricsSchema = z.unknown().optional().transform(normaliseSystemMetrics);
