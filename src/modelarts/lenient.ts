/**
 * Lenient zod building blocks for ModelArts' wire formats. The docs type the same field as String, Integer or Byte on
 * different pages and the samples send numbers as strings and objects as JSON strings (notes §6), so every schema
 * here accepts the sloppy forms and normalises them to one shape. Strict where we are: ids and statuses must still be
 * numbers after normalisation, or the response is rejected as unreadable.
 */
import { z } from 'zod';

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A number, or a numeric string, as a finite number; anything else (null, '', 'abc', objects) as null. */
export function toNumberOrNull(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (!NUMERIC.test(trimmed)) return null;
    const n = Number(trimmed);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Strings stay strings; numbers and booleans become their text; null, '', objects and arrays become null. */
export function toStringOrNull(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return null;
}

export function toBooleanOrNull(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 1 || value === '1') return true;
  if (value === 'false' || value === 0 || value === '0') return false;
  return null;
}

/** Parses a JSON-encoded string into a value; other values pass through; unreadable strings become null. */
export function fromJsonString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return null;
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `number | null`, from numbers or numeric strings; missing or unreadable → null. */
export const optNumber = () => z.preprocess((v) => toNumberOrNull(v), z.number().nullable());

/** A required number (ids, statuses); numeric strings accepted, anything else fails validation. */
export const reqNumber = () =>
  z.preprocess((v) => {
    const n = toNumberOrNull(v);
    return n === null ? v : n;
  }, z.number());

/** A required integer id (job_id, version_id …), numeric strings accepted. */
export const reqId = () =>
  z.preprocess((v) => {
    const n = toNumberOrNull(v);
    return n === null ? v : n;
  }, z.number().int().nonnegative());

/** An optional integer id: a number or null. */
export const optId = () =>
  z.preprocess((v) => {
    const n = toNumberOrNull(v);
    return n !== null && Number.isInteger(n) && n >= 0 ? n : null;
  }, z.number().nullable());

/**
 * Epoch-millisecond timestamps; 0 and negatives mean "not set" on this API (a version that has not started yet), so
 * they become null rather than 1970.
 */
export const optTime = () =>
  z.preprocess((v) => {
    const n = toNumberOrNull(v);
    if (n !== null) return n > 0 ? n : null;
    if (typeof v === 'string' && v.trim() !== '') {
      const parsed = Date.parse(v);
      return Number.isNaN(parsed) ? null : parsed;
    }
    return null;
  }, z.number().nullable());

/** Durations in ms (or seconds where the field says so); negative values are nonsense and become null. */
export const optDuration = () =>
  z.preprocess((v) => {
    const n = toNumberOrNull(v);
    return n !== null && n >= 0 ? n : null;
  }, z.number().nullable());

/** `string | null`; numbers become their text (core/cpu/parameter values arrive as numbers). */
export const optString = () => z.preprocess((v) => toStringOrNull(v), z.string().nullable());

export const optBoolean = () => z.preprocess((v) => toBooleanOrNull(v), z.boolean().nullable());

/** Arrays: missing or null → []; a JSON-encoded array string is decoded. */
export const arrayOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => {
    const decoded = fromJsonString(v);
    return Array.isArray(decoded) ? decoded : [];
  }, z.array(item));

/** An object with unknown keys kept, or null when missing / not an object (JSON strings decoded). */
export const optLooseRecord = () =>
  z.preprocess((v) => {
    const decoded = fromJsonString(v);
    return isRecord(decoded) ? decoded : null;
  }, z.record(z.string(), z.unknown()).nullable());

/**
 * A parsed list answer. `dropped` counts the rows that failed their schema and were left out (the client also logs and
 * reports it); a caller that decides from absence (a job no longer listed) must not when rows were dropped. Optional
 * in the type so lists built by hand (tests, renderers' fixtures) need not say 0.
 */
export type ListAnswer<T extends { dropped: number }> = Omit<T, 'dropped'> & { dropped?: number };

/** The rows of a list answer that parsed, and how many did not. */
export interface Rows<T> {
  items: T[];
  dropped: number;
}

/**
 * A list field parsed row by row: a row that fails its schema (a null status, a missing id) is dropped and counted
 * instead of failing the whole answer, so one bad job never hides the others. Missing or null → no rows; a
 * JSON-encoded array string is decoded. `prepare` may complete a row from its context first (e.g. the path's job id).
 */
export const rowsOf = <T extends z.ZodType>(item: T, prepare?: (row: unknown) => unknown) =>
  z
    .unknown()
    .optional()
    .transform((value): Rows<z.output<T>> => {
      const decoded = fromJsonString(value);
      const items: z.output<T>[] = [];
      let dropped = 0;
      for (const row of Array.isArray(decoded) ? decoded : []) {
        const parsed = item.safeParse(prepare ? prepare(row) : row);
        if (parsed.success) items.push(parsed.data);
        else dropped++;
      }
      return { items, dropped };
    });

/** Beyond this an epoch value cannot be seconds (it would be the year 5138): it is already milliseconds. */
const MAX_EPOCH_SECONDS = 1e11;

/**
 * An epoch timestamp the wire gives in **seconds** (v2 `running_records[].start_at`), as milliseconds like every other
 * time in the parsed data. 0 and negatives mean "not set"; ISO strings are read; a value already in ms is kept.
 */
export const optSecondsAsMs = () =>
  z.preprocess((v) => {
    const n = toNumberOrNull(v);
    if (n !== null) return n > 0 ? (n >= MAX_EPOCH_SECONDS ? n : Math.round(n * 1000)) : null;
    if (typeof v === 'string' && v.trim() !== '') {
      const parsed = Date.parse(v);
      return Number.isNaN(parsed) ? null : parsed;
    }
    return null;
  }, z.number().nullable());

/** A nested array inside one record: entries that fail their schema are left out silently (the record stays). */
export const nestedList = <T extends z.ZodType>(item: T) => rowsOf(item).transform((rows) => rows.items);

/** A map of strings (annotations, environment variables); numbers and booleans become text, other values go. */
export function toStringMap(value: unknown): Record<string, string> {
  const decoded = fromJsonString(value);
  const out: Record<string, string> = {};
  // Some sources send one map, others a list of maps (notes v2 §4 `environments`): both merge into one.
  for (const map of Array.isArray(decoded) ? decoded : [decoded]) {
    if (!isRecord(map)) continue;
    for (const [key, entry] of Object.entries(map)) {
      const text = toStringOrNull(entry);
      if (text !== null) out[key] = text;
    }
  }
  return out;
}

export const stringMap = () => z.unknown().optional().transform(toStringMap);
