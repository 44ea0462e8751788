/**
 * Renders a processor task's `result`, which ModelArts documents only as "Object" (meaningful for feature analysis).
 * Known-looking parts get a readable form: metric statistics as "mean 0.52 · std 0.12", distributions (arrays of
 * buckets with a count) as a sparkline with their range and mode. Everything else is shown generically as key/value
 * lines, so no shape is ever dropped, only cut to the space there is.
 */
import { codeSpan, escapeInline, truncateMrkdwn } from '../mrkdwn.js';
import { formatNumber, sparkline } from './format.js';

type Json = unknown;

const MAX_DEPTH = 3;
/** Lines are cut to the budget anyway; this only bounds the work for huge results. */
const MAX_ITEMS = 60;
const COUNT_KEYS = ['count', 'value', 'num', 'number', 'frequency', 'freq', 'ratio', 'percent', 'percentage'];
const LOWER_KEYS = ['lower', 'min', 'start', 'from', 'low', 'left'];
const UPPER_KEYS = ['upper', 'max', 'end', 'to', 'high', 'right'];
const LABEL_KEYS = ['label', 'bucket', 'range', 'name', 'key', 'bin'];

const isRecord = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: Json): boolean => v === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof v);

function scalarText(v: Json): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v.trim() === '' ? '“”' : escapeInline(v, 120);
  return '?';
}

/**
 * The console's names for feature-analysis metrics (MA data_feature_analysis page) and the result's own fields;
 * other keys are read as words (`blur_score` → "Blur score").
 */
const KEY_NAMES: Readonly<Record<string, string>> = {
  resolution: 'Resolution',
  aspect_ratio: 'Aspect ratio',
  brightness: 'Brightness',
  saturation: 'Saturation',
  blur_score: 'Blur score',
  colorfulness: 'Colorfulness',
  bbox_count: 'Boxes per image',
  bbox_area_std: 'Box area spread',
  bbox_aspect_ratio: 'Box aspect ratio',
  bbox_area_ratio: 'Box area ratio',
  bbox_marginalization: 'Box marginalization',
  bbox_overlap: 'Box overlap',
  bbox_brightness: 'Box brightness',
  bbox_blur: 'Box blur',
  sample_count: 'Samples',
  task_type: 'Dataset type',
  is_normed: 'Normalised',
  metrics: 'Features',
};

/** A result key as words: the known name, or `some_key`/`someKey` as "Some key" (`bbox` reads "box"). */
export function readableKey(key: string): string {
  if (Object.hasOwn(KEY_NAMES, key)) return KEY_NAMES[key] ?? key;
  // Only identifiers read as words; a bucket label such as `0-10` or free text stays as it is.
  if (!/^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$/.test(key)) return key;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/\bbbox\b/g, 'box');
  return words === '' ? key : `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

function keyText(key: string): string {
  return escapeInline(readableKey(key), 40) || '“”';
}

/** Inside a one-line summary keys read lower case: "mean 0.52 · std 0.12". */
function innerKeyText(key: string): string {
  return escapeInline(readableKey(key).toLowerCase(), 40) || '“”';
}

/** A scalar as words: `object_detection` → "object detection". */
function valueWords(v: Json): string {
  return typeof v === 'string' && /^[a-z0-9]+(?:_[a-z0-9]+)+$/.test(v)
    ? escapeInline(v.replace(/_/g, ' '), 60)
    : scalarText(v);
}

/**
 * A few words for a list row: "object detection · 4,210 samples · 14 features". Scalars first (the known ones in
 * words, others as "Name value"), then each group as a count of what it holds; null for a missing result.
 */
export function taskResultSummary(result: Json, maxParts = 3): string | null {
  if (result === null || result === undefined) return null;
  if (!isRecord(result)) return isScalar(result) ? `result ${scalarText(result)}` : inline(result, 1, 120);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(result).slice(0, MAX_ITEMS)) {
    if (key === 'task_type' && typeof value === 'string') parts.push(valueWords(value));
    else if (key === 'sample_count' && finite(value) !== null) parts.push(`${formatNumber(finite(value))} samples`);
    else if (key === 'is_normed') {
      if (value === true) parts.push('normalised');
    } else if (isScalar(value)) parts.push(`${innerKeyText(key)} ${valueWords(value)}`);
    else if (isRecord(value) || Array.isArray(value)) {
      const n = Array.isArray(value) ? value.length : Object.keys(value).length;
      // "14 features" for the known group; "histogram (2)" for the rest, whose names may not take a plural.
      parts.push(key === 'metrics' ? `${formatNumber(n)} features` : `${innerKeyText(key)} (${formatNumber(n)})`);
    }
  }
  if (parts.length === 0) return null;
  return parts.length > maxParts ? `${parts.slice(0, maxParts).join(' · ')} · …` : parts.join(' · ');
}

function pick(record: Record<string, Json>, keys: readonly string[]): Json {
  for (const k of keys) if (Object.hasOwn(record, k)) return record[k];
  return undefined;
}

function finite(v: Json): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v.trim())) {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function bucketLabel(b: Record<string, Json>): string | null {
  const lo = finite(pick(b, LOWER_KEYS));
  const hi = finite(pick(b, UPPER_KEYS));
  if (lo !== null && hi !== null) return `${formatNumber(lo)}–${formatNumber(hi)}`;
  const label = pick(b, LABEL_KEYS);
  return isScalar(label) && label !== null && label !== undefined ? scalarText(label) : null;
}

/** A distribution: an array (≥ 2) of bucket objects that all carry a count-like number. */
function distribution(v: Json): string | null {
  if (!Array.isArray(v) || v.length < 2 || !v.every(isRecord)) return null;
  const counts = v.map((b) => finite(pick(b as Record<string, Json>, COUNT_KEYS)));
  if (counts.some((c) => c === null)) return null;
  const values = counts as number[];
  const first = bucketLabel(v[0] as Record<string, Json>);
  const last = bucketLabel(v[v.length - 1] as Record<string, Json>);
  let modeIndex = 0;
  values.forEach((c, i) => {
    if (c > (values[modeIndex] ?? Number.NEGATIVE_INFINITY)) modeIndex = i;
  });
  const mode = bucketLabel(v[modeIndex] as Record<string, Json>);
  const range =
    first && last ? `${first.split('–')[0]}–${last.split('–').slice(-1)[0]}` : `${formatNumber(v.length)} buckets`;
  return `\`${sparkline(values, 24)}\` ${range}${mode ? ` (mode ${mode})` : ''}`;
}

function numberSeries(v: Json): string | null {
  if (!Array.isArray(v) || v.length < 2 || !v.every((x) => finite(x) !== null)) return null;
  const values = v.map((x) => finite(x) as number);
  const min = values.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  const max = values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  return `\`${sparkline(values, 24)}\` ${formatNumber(min)}–${formatNumber(max)} (${formatNumber(values.length)} values)`;
}

/** A one-line summary of any value, at most `max` characters of mrkdwn. */
function inline(v: Json, depth: number, max: number): string {
  let out: string;
  if (isScalar(v)) out = scalarText(v);
  else if (Array.isArray(v)) {
    out =
      distribution(v) ??
      numberSeries(v) ??
      (v.length === 0
        ? 'none'
        : depth >= MAX_DEPTH
          ? codeSpan(safeJson(v), 120)
          : `${formatNumber(v.length)} items: ${v
              .slice(0, 3)
              .map((x) => inline(x, depth + 1, 120))
              .join(' | ')}${v.length > 3 ? ' | …' : ''}`);
  } else if (isRecord(v)) {
    const entries = Object.entries(v).slice(0, 30);
    if (entries.length === 0) out = 'none';
    else if (depth >= MAX_DEPTH) out = codeSpan(safeJson(v), 120);
    else {
      // Scalars first (statistics read best together), then the shapes.
      const scalars = entries.filter(([, x]) => isScalar(x)).map(([k, x]) => `${innerKeyText(k)} ${scalarText(x)}`);
      const others = entries
        .filter(([, x]) => !isScalar(x))
        .map(([k, x]) => `${innerKeyText(k)} ${inline(x, depth + 1, 200)}`);
      out = [...scalars, ...others].join(' · ');
    }
  } else out = '?';
  return truncateMrkdwn(out, max);
}

function safeJson(v: Json): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? '?';
  } catch {
    return '?';
  }
}

/** An object whose values are (mostly) objects: a group of named metrics, one line each. */
function isGroup(v: Json): v is Record<string, Json> {
  if (!isRecord(v)) return false;
  const values = Object.values(v);
  return values.length > 0 && values.filter(isRecord).length >= Math.max(1, values.length / 2);
}

/**
 * Readable lines for a task result, within `maxChars` in total (the last line says how much was left out). Returns
 * [] for a missing result.
 */
export function taskResultLines(result: Json, maxChars: number): string[] {
  if (result === null || result === undefined) return [];
  const lines: string[] = [];
  if (isScalar(result)) {
    lines.push(`result ${typeof result === 'string' ? codeSpan(result, 300) : scalarText(result)}`);
  } else if (Array.isArray(result)) {
    const d = distribution(result) ?? numberSeries(result);
    if (d) lines.push(`result ${d}`);
    else {
      for (const [i, item] of result.slice(0, MAX_ITEMS).entries()) lines.push(`• [${i}] ${inline(item, 1, 300)}`);
      if (result.length > MAX_ITEMS) lines.push(`… ${formatNumber(result.length - MAX_ITEMS)} more items`);
    }
  } else if (isRecord(result)) {
    const entries = Object.entries(result);
    const scalars = entries.filter(([, x]) => isScalar(x));
    if (scalars.length > 0) {
      const shown = scalars.slice(0, MAX_ITEMS).map(([k, x]) => `${keyText(k)} ${valueWords(x)}`);
      if (scalars.length > MAX_ITEMS) shown.push(`… ${formatNumber(scalars.length - MAX_ITEMS)} more`);
      lines.push(shown.join(' · '));
    }
    const shapes = entries.filter(([, x]) => !isScalar(x));
    for (const [key, value] of shapes.slice(0, MAX_ITEMS)) {
      if (isGroup(value)) {
        lines.push(`*${keyText(key)}*`);
        const children = Object.entries(value);
        for (const [child, cv] of children.slice(0, MAX_ITEMS))
          lines.push(`• *${keyText(child)}* ${inline(cv, 2, 400)}`);
        if (children.length > MAX_ITEMS)
          lines.push(`… ${formatNumber(children.length - MAX_ITEMS)} more in ${keyText(key)}`);
      } else {
        lines.push(`• *${keyText(key)}* ${inline(value, 1, 400)}`);
      }
    }
    if (shapes.length > MAX_ITEMS) lines.push(`… ${formatNumber(shapes.length - MAX_ITEMS)} more entries`);
  }
  return fitLines(lines, maxChars);
}

/** Whole lines while they fit, then "… N more". */
export function fitLines(lines: readonly string[], maxChars: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const rest = lines.length - i;
    const reserve = rest > 1 ? 20 : 0;
    const cost = line.length + 1;
    if (used + cost > maxChars - reserve) {
      const room = maxChars - used - 20;
      if (out.length === 0 && room > 40) {
        out.push(truncateMrkdwn(line, room));
        if (rest > 1) out.push(`… ${rest - 1} more`);
      } else {
        out.push(`… ${rest} more`);
      }
      return out;
    }
    out.push(line);
    used += cost;
  }
  return out;
}
