/**
 * Human numbers for cards: "8 min 52 s", "about 4 h ago", "15 Jul 2019 08:32" in the viewer's zone, "0.58%", "2 × P100",
 * "5.8 MB/s", sparklines. Pure: the current time and the zone come from the caller. Output is plain text (digits,
 * units, our own words); a caller that mixes in data still escapes that data.
 *
 * Zones go through Intl (date-fns-tz is not installed), asked once per zone and quarter hour for the offset; the
 * rest is arithmetic on UTC fields, which does not depend on the host's zone.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A finite, non-negative number, or null. */
function amount(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/** "52 s", "8 min 52 s", "2 h 4 min", "3 d 5 h"; null for a missing, negative or non-finite duration. */
export function formatDuration(ms: number | null | undefined): string | null {
  const value = amount(ms);
  if (value === null) return null;
  if (value < SECOND) return value === 0 ? '0 s' : 'under 1 s';
  if (value < MINUTE) return `${Math.floor(value / SECOND)} s`;
  if (value < HOUR) {
    const s = Math.floor((value % MINUTE) / SECOND);
    return `${Math.floor(value / MINUTE)} min${s > 0 ? ` ${s} s` : ''}`;
  }
  if (value < DAY) {
    const m = Math.floor((value % HOUR) / MINUTE);
    return `${Math.floor(value / HOUR)} h${m > 0 ? ` ${m} min` : ''}`;
  }
  const days = Math.floor(value / DAY);
  if (days >= 1000) return `${formatInteger(days)} d`;
  const h = Math.floor((value % DAY) / HOUR);
  return `${days} d${h > 0 ? ` ${h} h` : ''}`;
}

/**
 * How long something took, after its status word: "in 8 min 52 s", "for 2 h", "after 3 min". Under a second
 * (ModelArts reports 0 for a version that never ran) reads "at once" after a failure and is left out otherwise,
 * never "after 0 s"; null when unknown.
 */
export function formatTook(ms: number | null | undefined, preposition: 'in' | 'for' | 'after'): string | null {
  const value = amount(ms);
  if (value === null) return null;
  if (value < SECOND) return preposition === 'after' ? 'at once' : null;
  return `${preposition} ${formatDuration(value)}`;
}

function validDate(value: Date | number | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const d = typeof value === 'number' ? new Date(value) : value;
  const t = d.getTime();
  return Number.isFinite(t) ? d : null;
}

const FORMAT_OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
};

/** One formatter per zone (creating one costs far more than using it); null marks a zone Intl does not know. */
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function cachedFormatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f !== undefined) return f;
  try {
    f = new Intl.DateTimeFormat('en-GB', { ...FORMAT_OPTIONS, timeZone });
  } catch {
    f = null;
  }
  // Zones come from users' profiles: bound the cache so odd input cannot grow it without end.
  if (formatters.size >= 500) formatters.clear();
  formatters.set(timeZone, f);
  return f;
}

/** True when Intl knows the zone (e.g. `Europe/Berlin`). */
export function isValidTimeZone(timeZone: string): boolean {
  return cachedFormatter(timeZone) !== null;
}

/** The formatter for the zone; an unknown zone falls back to UTC rather than throwing. */
function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  return cachedFormatter(timeZone) ?? (cachedFormatter('UTC') as Intl.DateTimeFormat);
}

const QUARTER_HOUR = 15 * MINUTE;
/** Zone offsets per 15-minute slice of UTC: every modern offset and transition instant falls on such a boundary. */
const offsets = new Map<string, number>();

/** The zone's offset from UTC in ms at `ms`, asking Intl once per zone and quarter hour. */
function zoneOffset(ms: number, timeZone: string): number {
  const slice = Math.floor(ms / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${timeZone}\u0000${slice}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const p: Record<string, number> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(slice)) p[part.type] = Number(part.value);
  const local = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  // Years before 100 and odd parts make Date.UTC unreliable: treat them as UTC rather than guess.
  const offset = Number.isFinite(local) && (p.year ?? 0) >= 100 ? local - slice : 0;
  if (offsets.size >= 2000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function zoneParts(
  date: Date,
  timeZone: string,
): { day: string; month: string; year: string; hour: string; minute: string } {
  const local = new Date(date.getTime() + zoneOffset(date.getTime(), timeZone));
  return {
    day: String(local.getUTCDate()),
    month: MONTHS[local.getUTCMonth()] ?? '',
    year: String(local.getUTCFullYear()),
    hour: String(local.getUTCHours()).padStart(2, '0'),
    minute: String(local.getUTCMinutes()).padStart(2, '0'),
  };
}

/** "15 Jul 2019 08:32" in the zone; null for a missing or invalid time. */
export function formatDateTime(value: Date | number | null | undefined, timeZone: string): string | null {
  const d = validDate(value);
  if (!d) return null;
  const p = zoneParts(d, timeZone);
  return `${p.day} ${p.month} ${p.year} ${p.hour}:${p.minute}`;
}

/** "15 Jul 2019" in the zone. */
export function formatDate(value: Date | number | null | undefined, timeZone: string): string | null {
  const d = validDate(value);
  if (!d) return null;
  const p = zoneParts(d, timeZone);
  return `${p.day} ${p.month} ${p.year}`;
}

/**
 * "just now", "42 s ago", "12 min ago", "about 4 h ago", "about 5 d ago"; older than 60 days: "on 15 Jul 2019" (in the
 * zone). Future times (clock skew) read "in 3 min". Rounded to the nearest unit, never down: next to a duration such
 * as "running 3 h 57 min" a floored "3 h ago" reads as a contradiction; "about" marks an hour or day count that was
 * rounded.
 */
export function formatRelative(value: Date | number | null | undefined, now: Date, timeZone: string): string | null {
  const d = validDate(value);
  if (!d || !Number.isFinite(now.getTime())) return null;
  const diff = d.getTime() - now.getTime();
  const future = diff > 0;
  const ms = Math.abs(diff);
  let phrase: string;
  if (ms < 10 * SECOND) return 'just now';
  if (ms < MINUTE - SECOND / 2) phrase = `${Math.round(ms / SECOND)} s`;
  else if (ms < HOUR - MINUTE / 2) phrase = `${Math.round(ms / MINUTE)} min`;
  else if (ms < 48 * HOUR - HOUR / 2) phrase = rounded(ms, HOUR, 'h');
  else if (ms < 60 * DAY) phrase = rounded(ms, DAY, 'd');
  else return `on ${formatDate(d, timeZone)}`;
  return future ? `in ${phrase}` : `${phrase} ago`;
}

/** "3 h" when `ms` is within a minute of whole units, otherwise "about 4 h". */
function rounded(ms: number, unit: number, symbol: string): string {
  const n = Math.round(ms / unit);
  return Math.abs(ms - n * unit) < MINUTE ? `${n} ${symbol}` : `about ${n} ${symbol}`;
}

/** Recent times relative ("3 h ago"), older ones absolute ("15 Jul 2019 08:32"). */
export function formatWhen(value: Date | number | null | undefined, now: Date, timeZone: string): string | null {
  const d = validDate(value);
  if (!d) return null;
  const age = now.getTime() - d.getTime();
  if (age >= -MINUTE && age < DAY) return formatRelative(d, now, timeZone);
  return formatDateTime(d, timeZone);
}

/** `toLocaleString` builds a formatter on every call; cards format dozens of numbers. */
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatInteger(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1e15) return value.toExponential(2);
  return INTEGER.format(Math.round(value));
}

/** Compact general number: integers with separators, decimals to 3 significant digits, huge ones exponential. */
export function formatNumber(value: number | null | undefined): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return formatInteger(value);
  const abs = Math.abs(value);
  if (abs >= 1e15 || (abs > 0 && abs < 1e-4)) return value.toExponential(2);
  if (abs >= 1000) return formatInteger(value);
  return String(Number(value.toPrecision(3)));
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/**
 * A metric fraction (0..1, as ModelArts sends accuracy etc.) as a percentage with sensible precision: "93.4%",
 * "0.58%", "under 0.01%", "100%". A value in (1, 100] can only be a percentage already and is shown as such; anything else
 * out of range is shown as the raw number.
 */
export function formatPercent(value: number | null | undefined): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (value < 0 || value > 100) return formatNumber(value);
  const pct = value <= 1 ? value * 100 : value;
  if (pct === 0) return '0%';
  if (pct === 100) return '100%';
  // Words, not `<`/`>`: the result goes into mrkdwn where those are control characters.
  if (pct < 0.01) return 'under 0.01%';
  const digits = pct >= 10 ? 1 : 2;
  const text = trimZeros(pct.toFixed(digits));
  if (text === '100') return 'over 99.9%';
  return `${text}%`;
}

/** A value already in percent (system metrics such as cpuUsage): "5.76%". */
export function formatPercentValue(value: number | null | undefined): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return `${formatNumber(Number(value.toFixed(2)))}%`;
}

/** "2 × P100", "1 GPU", "8 NPUs"; null when there are none. */
export function formatAccelerators(
  count: number | null | undefined,
  type: string | null | undefined,
  unit: 'GPU' | 'NPU' = 'GPU',
): string | null {
  const n = amount(count);
  if (n === null || n === 0) return null;
  const shown = formatInteger(n);
  const kind = typeof type === 'string' ? type.trim() : '';
  if (kind !== '') return `${shown} × ${kind}`;
  return `${shown} ${unit}${n === 1 ? '' : 's'}`;
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;

/** Decimal units: "512 B", "5.77 MB", "1.2 GB". */
export function formatBytes(value: number | null | undefined): string | null {
  const n = amount(value);
  if (n === null) return null;
  let v = n;
  let unit = 0;
  while (v >= 1000 && unit < BYTE_UNITS.length - 1) {
    v /= 1000;
    unit++;
  }
  const digits = unit === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${trimZeros(v.toFixed(digits))} ${BYTE_UNITS[unit]}`;
}

export function formatBytesRate(value: number | null | undefined): string | null {
  const b = formatBytes(value);
  return b === null ? null : `${b}/s`;
}

/** "8 GB" for a bare number (ModelArts' `cpu` is the memory size in GB), otherwise the text as given. */
export function formatMemory(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const t = value.trim();
  return /^\d+(\.\d+)?$/.test(t) ? `${formatNumber(Number(t))} GB` : t;
}

/** "2 cores" / "1 core" for a bare number, otherwise the text as given. */
export function formatCores(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const t = value.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return t;
  const n = Number(t);
  return `${formatNumber(n)} core${n === 1 ? '' : 's'}`;
}

const SPARKS = '▁▂▃▄▅▆▇█';

/**
 * A sparkline of at most `width` (≤ 24) characters. Longer series are downsampled by bucket maxima, so a short spike
 * stays visible. Non-finite values are skipped; an empty series gives ''. The scale starts at 0 for non-negative
 * series (usage metrics), at the minimum otherwise.
 */
export function sparkline(values: readonly number[], width = 24): string {
  const finite = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return '';
  const w = Math.max(1, Math.min(24, Math.floor(width)));
  let points = finite;
  if (finite.length > w) {
    points = [];
    for (let i = 0; i < w; i++) {
      const from = Math.floor((i * finite.length) / w);
      const to = Math.max(from + 1, Math.floor(((i + 1) * finite.length) / w));
      let max = Number.NEGATIVE_INFINITY;
      for (let j = from; j < to; j++) max = Math.max(max, finite[j] as number);
      points.push(max);
    }
  }
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of points) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const low = Math.min(min, 0);
  const span = max - low;
  return points
    .map((v) => {
      if (!(span > 0) || !Number.isFinite(span)) return max > 0 ? SPARKS[SPARKS.length - 1] : SPARKS[0];
      const idx = Math.round(((v - low) / span) * (SPARKS.length - 1));
      return SPARKS[Math.max(0, Math.min(SPARKS.length - 1, idx))];
    })
    .join('');
}

/** A horizontal bar of `width` cells for a share 0..1 ("███▌      "), for distributions. */
export function bar(share: number, width = 10): string {
  const s = Number.isFinite(share) ? Math.max(0, Math.min(1, share)) : 0;
  const eighths = Math.round(s * width * 8);
  const full = Math.floor(eighths / 8);
  const part = eighths % 8;
  const partial = part === 0 ? '' : (['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'][part] ?? '');
  return `${'█'.repeat(full)}${partial}`.padEnd(width, ' ');
}

/** "1 worker" / "4 workers". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatInteger(n)} ${n === 1 ? word : many}`;
}
