/**
 * The compact JSON state buttons carry in `value` (≤ 2000 characters), so listeners stay stateless: a Next button
 * says which page and filter to fetch, a Refresh button which job version. Renderers encode, listeners decode; decode
 * validates with zod and answers null for anything stale or forged (values come back from the client).
 */
import { z } from 'zod';
import { isV2JobId, type RunRef } from '../../modelarts/index.js';
import { ACTION } from '../ids.js';
import { LIMITS } from './limits.js';

/** Decimal ids as strings (19 digits exceed a JS number); numbers are accepted when they are safe integers. */
const WireId = z.union([
  z.string().regex(/^\d{1,19}$/),
  z
    .number()
    .int()
    .nonnegative()
    .refine((n) => Number.isSafeInteger(n))
    .transform((n) => String(n)),
]);
const Page = z.number().int().min(1).max(1_000_000);

function compactId(id: string | number): string | number {
  const s = String(id);
  const n = Number(s);
  return /^\d{1,15}$/.test(s) && Number.isSafeInteger(n) ? n : s;
}

function parseJson(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw.length > LIMITS.buttonValue) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

export interface ValueCodec<T> {
  encode(value: T): string;
  /** The decoded value, or null when the raw value is not one of ours (stale, forged, cut). */
  decode(raw: unknown): T | null;
}

/**
 * JSON with `<`, `>` and `&` as \u escapes: a value is never rendered, but it is still our text travelling through
 * Slack, and user input inside it (a search) must not look like a mention. JSON.parse restores the characters.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function codec<T, W>(schema: z.ZodType<T, W>, toWire: (value: T) => W): ValueCodec<T> {
  return {
    encode(value) {
      return safeJson(toWire(value));
    },
    decode(raw) {
      const result = schema.safeParse(parseJson(raw));
      return result.success ? result.data : null;
    },
  };
}

// --- one run (Refresh, Watch, Share of a card, Details of a list row) ----------------------------------------------

/** A v1 job version as `{"j":10,"v":12}` (the form buttons always had), a v2 job as `{"j":"<uuid>"}`. */
export type JobRefValue = RunRef;

const V2Id = z.string().refine(isV2JobId);
const RunRefWire = z.union([
  z.strictObject({ j: WireId, v: WireId }).transform((w): RunRef => ({ api: 'v1', jobId: w.j, versionId: w.v })),
  z.strictObject({ j: V2Id }).transform((w): RunRef => ({ api: 'v2', jobId: w.j })),
]);

type RunRefWireShape = { j: string | number; v: string | number } | { j: string };

function runRefWire(ref: RunRef): RunRefWireShape {
  return ref.api === 'v1' ? { j: compactId(ref.jobId), v: compactId(ref.versionId) } : { j: ref.jobId };
}

export const jobRefValue = codec<RunRef, RunRefWireShape>(RunRefWire, runRefWire);

// --- list pages -------------------------------------------------------------------------------------------------

/** Status words as the grammar accepts them (`running`, `JOBSTAT_FAILED`, `image-failed`, `11`); re-parsed by the
 * listener. Anything else cannot have come from the parser and is not carried. */
const STATUS_WORD = /^[A-Za-z0-9_-]{1,40}$/;
const StatusWord = z.string().regex(STATUS_WORD);

export interface JobsPageValue {
  page: number;
  statusFilter: string[];
}

/** Keeps a word list short enough for the value limit; a user can type hundreds of words. */
function capWords(words: readonly string[]): string[] {
  const out: string[] = [];
  let size = 0;
  for (const word of words) {
    if (!STATUS_WORD.test(word) || out.length >= 20) continue;
    size += word.length + 3;
    if (size > 1200) break;
    out.push(word);
  }
  return out;
}

export const jobsPageValue = codec(
  z
    .strictObject({ p: Page, s: z.array(StatusWord).max(20).optional() })
    .transform((w): JobsPageValue => ({ page: w.p, statusFilter: w.s ?? [] })),
  (v: JobsPageValue) => {
    const s = capWords(v.statusFilter);
    return s.length > 0 ? { p: v.page, s } : { p: v.page };
  },
);

export interface ConfigsPageValue {
  page: number;
  search: string | null;
}

export const configsPageValue = codec(
  z
    .strictObject({ p: Page, q: z.string().max(200).optional() })
    .transform((w): ConfigsPageValue => ({ page: w.p, search: w.q === undefined || w.q === '' ? null : w.q })),
  (v: ConfigsPageValue) => (v.search ? { p: v.page, q: Array.from(v.search).slice(0, 100).join('') } : { p: v.page }),
);

export interface TaskFilters {
  /** Dataset id (the tasks' source). */
  datasetId?: string | null;
  /** Task type word of the grammar (`analysis`, `cleaning`, …) or a template id (`sys_data_analyse`). */
  taskType?: string | null;
  /** Processor task status 0..4. */
  status?: number | null;
}

export interface TasksPageValue {
  page: number;
  filters: TaskFilters;
}

export const tasksPageValue = codec(
  z
    .strictObject({
      p: Page,
      d: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/)
        .optional(),
      t: z
        .string()
        .regex(/^[a-z_]{1,40}$/)
        .optional(),
      st: z.number().int().min(0).max(99).optional(),
    })
    .transform(
      (w): TasksPageValue => ({
        page: w.p,
        filters: { datasetId: w.d ?? null, taskType: w.t ?? null, status: w.st ?? null },
      }),
    ),
  (v: TasksPageValue) => {
    const out: { p: number; d?: string; t?: string; st?: number } = { p: v.page };
    const { datasetId, taskType, status } = v.filters;
    if (datasetId && /^[A-Za-z0-9_-]{1,64}$/.test(datasetId)) out.d = datasetId;
    if (taskType && /^[a-z_]{1,40}$/.test(taskType)) out.t = taskType;
    if (typeof status === 'number' && Number.isInteger(status) && status >= 0 && status <= 99) out.st = status;
    return out;
  },
);

export interface VizPageValue {
  page: number;
}

export const vizPageValue = codec(
  z.strictObject({ p: Page }).transform((w): VizPageValue => ({ page: w.p })),
  (v: VizPageValue) => ({ p: v.page }),
);

// --- commands and details ------------------------------------------------------------------------------------------

/** Command text as a user could type it after `/modelarts`: one line, short. The listener parses it like a slash
 * command, so a forged value can do no more than the user's own typing. */
const COMMAND_TEXT = /^[^\r\n]{1,200}$/;

export interface RunCommandValue {
  /** The text after `/modelarts`, e.g. `job 10`. */
  command: string;
}

export const runCommandValue = codec(
  z.strictObject({ c: z.string().regex(COMMAND_TEXT) }).transform((w): RunCommandValue => ({ command: w.c })),
  (v: RunCommandValue) => ({ c: v.command }),
);

export interface TaskDetailsValue {
  taskId: string;
}

export const taskDetailsValue = codec(
  z
    .strictObject({ t: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) })
    .transform((w): TaskDetailsValue => ({ taskId: w.t })),
  (v: TaskDetailsValue) => ({ t: v.taskId }),
);

// --- watches ----------------------------------------------------------------------------------------------------

export interface UnwatchValue {
  watchId: number;
}

export const unwatchValue = codec(
  z
    .strictObject({ w: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) })
    .transform((w): UnwatchValue => ({ watchId: w.w })),
  (v: UnwatchValue) => ({ w: v.watchId }),
);

// --- Share: what to render again, in the channel ------------------------------------------------------------------

export type ShareValue =
  | { kind: 'job'; ref: RunRef }
  | { kind: 'viz'; jobId: string }
  | { kind: 'vizList'; page: number }
  | { kind: 'jobs'; page: number; statusFilter: string[] }
  | { kind: 'configs'; page: number; search: string | null }
  | { kind: 'tasks'; page: number; filters: TaskFilters };

const ShareWire = z.union([
  z.strictObject({ k: z.literal('job'), j: z.union([WireId, V2Id]), v: WireId.optional() }),
  z.strictObject({ k: z.literal('viz'), j: WireId }),
  z.strictObject({ k: z.literal('vizs'), p: Page }),
  z.strictObject({ k: z.literal('jobs'), p: Page, s: z.array(StatusWord).max(20).optional() }),
  z.strictObject({ k: z.literal('configs'), p: Page, q: z.string().max(200).optional() }),
  z.strictObject({
    k: z.literal('tasks'),
    p: Page,
    d: z.string().optional(),
    t: z.string().optional(),
    st: z.number().optional(),
  }),
]);

export const shareValue: ValueCodec<ShareValue> = {
  encode(value) {
    switch (value.kind) {
      case 'job':
        return safeJson({ k: 'job', ...runRefWire(value.ref) });
      case 'viz':
        return safeJson({ k: 'viz', j: compactId(value.jobId) });
      case 'vizList':
        return safeJson({ k: 'vizs', p: value.page });
      case 'jobs':
        return safeJson({ k: 'jobs', ...JSON.parse(jobsPageValue.encode(value)) });
      case 'configs':
        return safeJson({ k: 'configs', ...JSON.parse(configsPageValue.encode(value)) });
      case 'tasks':
        return safeJson({ k: 'tasks', ...JSON.parse(tasksPageValue.encode(value)) });
    }
  },
  decode(raw) {
    const parsed = ShareWire.safeParse(parseJson(raw));
    if (!parsed.success) return null;
    const w = parsed.data;
    const { k: _kind, ...rest } = w;
    const inner = JSON.stringify(rest);
    switch (w.k) {
      case 'job': {
        const ref = jobRefValue.decode(inner);
        return ref ? { kind: 'job', ref } : null;
      }
      case 'viz':
        return { kind: 'viz', jobId: w.j };
      case 'vizs':
        return { kind: 'vizList', page: w.p };
      case 'jobs': {
        const v = jobsPageValue.decode(inner);
        return v ? { kind: 'jobs', ...v } : null;
      }
      case 'configs': {
        const v = configsPageValue.decode(inner);
        return v ? { kind: 'configs', ...v } : null;
      }
      case 'tasks': {
        const v = tasksPageValue.decode(inner);
        return v ? { kind: 'tasks', ...v } : null;
      }
    }
  },
};

// --- URL buttons --------------------------------------------------------------------------------------------------

export type LinkKind = 'tensorboard' | 'console' | 'logs';

/**
 * URL buttons still send block_actions. Two of them in one actions block need distinct action_ids, so each is
 * `open_link:<kind>`; listeners match them all with OPEN_LINK_ACTION.
 */
export function linkActionId(kind: LinkKind): string {
  return `${ACTION.openLink}:${kind}`;
}

export const OPEN_LINK_ACTION = new RegExp(`^${ACTION.openLink}(?::[a-z]+)?$`);
