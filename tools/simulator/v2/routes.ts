/**
 * The v2 training job endpoints (notes v2 §2–§12): the search with its filters and page-index `offset` (or, in the
 * record-offset mode, a record offset, to exercise the client's defensive pager), detail, stop, log preview (the
 * newest part under a 5 MB cap), log URL, events and metrics. Errors use the v2 shape (`error_code`, `error_msg`).
 */
import type { EndpointName } from '../faults.js';
import { HttpError, type RouteContext, type RouteResult } from '../route-types.js';
import { logPreview, taskIndex, taskLog, taskMetrics } from './logs.js';
import { type SimV2Job, V2_PHASES } from './model.js';
import type { V2State } from './state.js';
import { v2JobWire } from './wire.js';

export type SearchOffsetMode = 'page' | 'record';

export interface V2Context {
  state: V2State;
  searchOffset: SearchOffsetMode;
  logPreviewCapBytes: number;
  /** A signed link to the task's whole log, served by the simulator under /obs/ (valid 5 minutes). */
  logLink: (job: SimV2Job, task: string, contentType: string) => string;
}

const MAX_LIMIT = 50;
const bad = (code: string, message: string) => new HttpError(400, code, message);

function jsonBody(ctx: RouteContext): Record<string, unknown> {
  const text = ctx.body.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('ModelArts.2787', 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw bad('ModelArts.2787', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

function intField(body: Record<string, unknown>, name: string, def: number, min: number, max: number): number {
  const v = body[name];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad('ModelArts.2788', `Invalid parameter ${name}: must be an integer in [${min},${max}].`);
  }
  return v;
}

function requireJob(ctx: RouteContext): SimV2Job {
  const id = ctx.params[1] ?? '';
  const job = ctx.v2.state.job(id);
  if (!job) throw bad('ModelArts.2775', `Training job (ID: ${id.slice(0, 64)}) does not exist.`);
  return job;
}

function requireTask(job: SimV2Job, task: string): string {
  if (taskIndex(job, task) === null)
    throw bad('ModelArts.0104', `Task ${task.slice(0, 32)} does not exist in this job.`);
  return task;
}

/** A `create_time between` bound: epoch ms (as a number or digits) or an RFC 3339 time; the format is undocumented. */
function timeBound(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value);
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(parsed)) throw bad('ModelArts.2809', 'Unsupported condition value for create_time.');
  return parsed;
}

type Matcher = (job: SimV2Job) => boolean;

function filterOf(raw: unknown): Matcher {
  if (typeof raw !== 'object' || raw === null) throw bad('ModelArts.2788', 'Each filter must be an object.');
  const { key, operator, value } = raw as { key?: unknown; operator?: unknown; value?: unknown };
  if (!Array.isArray(value) || value.length > 10 || !value.every((v) => typeof v === 'string')) {
    throw bad('ModelArts.2809', 'Unsupported condition value: value must be a list of at most 10 strings.');
  }
  const values = value as string[];
  const unsupportedOperator = () =>
    bad('ModelArts.2808', `Unsupported condition operator ${String(operator)} for ${String(key)}.`);
  switch (key) {
    case 'phase': {
      if (values.some((v) => !(V2_PHASES as readonly string[]).includes(v))) {
        throw bad('ModelArts.2809', 'Unsupported condition value for phase.');
      }
      if (operator === 'in') return (job) => values.includes(job.phase);
      if (operator === 'not') return (job) => !values.includes(job.phase);
      throw unsupportedOperator();
    }
    case 'name': {
      if (operator !== 'like') throw unsupportedOperator();
      const needles = values.map((v) => v.toLowerCase());
      return (job) => needles.some((n) => job.name.toLowerCase().includes(n));
    }
    case 'create_time': {
      if (operator !== 'between') throw unsupportedOperator();
      if (values.length !== 2) throw bad('ModelArts.2809', 'create_time between takes a start and an end.');
      const [from, to] = values.map(timeBound) as [number, number];
      return (job) => job.create_time >= from && job.create_time <= to;
    }
    case 'id': {
      if (operator !== 'in') throw unsupportedOperator();
      return (job) => values.includes(job.id);
    }
    case 'user_name': {
      if (operator !== 'in' && operator !== 'like') throw unsupportedOperator();
      return (job) =>
        operator === 'in' ? values.includes(job.user_name) : values.some((v) => job.user_name.includes(v));
    }
    default:
      throw bad('ModelArts.2807', `Unsupported condition key ${String(key).slice(0, 40)}.`);
  }
}

function search(ctx: RouteContext): RouteResult {
  const body = jsonBody(ctx);
  const limit = intField(body, 'limit', 10, 1, MAX_LIMIT);
  const offset = intField(body, 'offset', 0, 0, 1_000_000);
  const sortBy = body.sort_by ?? 'create_time';
  if (sortBy !== 'create_time') throw bad('ModelArts.2790', `Unsupported sort by ${String(sortBy).slice(0, 40)}.`);
  const order = body.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw bad('ModelArts.2788', 'order must be asc or desc.');
  const workspace = typeof body.workspace_id === 'string' ? body.workspace_id : '0';
  const rawFilters = body.filters ?? [];
  if (!Array.isArray(rawFilters) || rawFilters.length > 20) throw bad('ModelArts.2788', 'filters: at most 20.');
  const matchers = rawFilters.map(filterOf);
  const mine = [...ctx.v2.state.jobs.values()].filter((j) => j.workspace_id === workspace);
  const dir = order === 'asc' ? 1 : -1;
  const matching = mine
    .filter((job) => matchers.every((m) => m(job)))
    .sort((a, b) => dir * (a.create_time - b.create_time || a.id.localeCompare(b.id)));
  const start = ctx.v2.searchOffset === 'page' ? offset * limit : offset;
  return {
    status: 200,
    body: {
      total: mine.length,
      count: matching.length,
      limit,
      offset,
      sort_by: 'create_time',
      order,
      group_by: '',
      workspace_id: workspace,
      ai_project: 'default-ai-project',
      items: matching.slice(start, start + limit).map((job) => v2JobWire(job, ctx.now, ctx.baseUrl)),
    },
  };
}

function detail(ctx: RouteContext): RouteResult {
  return { status: 200, body: v2JobWire(requireJob(ctx), ctx.now, ctx.baseUrl) };
}

function stop(ctx: RouteContext): RouteResult {
  const job = requireJob(ctx);
  const action = jsonBody(ctx).action_type;
  if (action !== 'terminate') throw bad('ModelArts.2812', `Unsupported action type ${String(action).slice(0, 40)}.`);
  if (!ctx.v2.state.stop(job.id)) {
    throw new HttpError(409, 'ModelArts.2796', `The training job in phase ${job.phase} cannot be terminated.`);
  }
  // 202 with the job, Terminating, node_count_metrics null (notes v2 §6).
  const wire = v2JobWire(job, ctx.now, ctx.baseUrl);
  wire.status = { ...(wire.status as Record<string, unknown>), node_count_metrics: null };
  return { status: 202, body: wire };
}

function preview(ctx: RouteContext): RouteResult {
  const job = requireJob(ctx);
  const log = taskLog(job, requireTask(job, ctx.params[2] ?? ''), ctx.now);
  // ModelArts.2776 NotReadyToFetchLog is a 204: nothing logged yet.
  if (log === null) return { status: 204, body: null, rawJson: '' };
  return { status: 200, body: logPreview(log, ctx.v2.logPreviewCapBytes) };
}

const LINK_TYPES = ['text/plain', 'application/octet-stream'];

function logUrl(ctx: RouteContext): RouteResult {
  const job = requireJob(ctx);
  const task = requireTask(job, ctx.params[2] ?? '');
  const header = ctx.headers['content-type'];
  const wanted = (typeof header === 'string' ? header : undefined) ?? ctx.query.get('Content-Type') ?? 'text/plain';
  const type = wanted.split(';')[0]?.trim() ?? '';
  if (!LINK_TYPES.includes(type))
    throw bad('ModelArts.0104', 'Content-Type must be text/plain or application/octet-stream.');
  if (taskLog(job, task, ctx.now) === null) throw bad('ModelArts.2818', 'The log file has not been generated.');
  return { status: 200, body: { obs_url: ctx.v2.logLink(job, task, type) } };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

function events(ctx: RouteContext): RouteResult {
  const job = requireJob(ctx);
  const q = ctx.query;
  const num = (name: string, def: number, min: number, max: number): number => {
    const raw = q.get(name);
    if (raw === null || raw === '') return def;
    if (!/^\d{1,16}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw bad('ModelArts.2764', `Invalid query parameter ${name}.`);
    }
    return Number(raw);
  };
  const limit = num('limit', 50, 1, 100);
  // Taken as a page index, like the search (notes v2 §15: OTC says entry offset, the SDK says page).
  const offset = num('offset', 0, 0, 1_000_000);
  const order = q.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw bad('ModelArts.2764', 'order must be asc or desc.');
  const level = q.get('level');
  if (level !== null && !['Info', 'Warning', 'Error'].includes(level)) throw bad('ModelArts.2764', 'Invalid level.');
  const pattern = q.get('pattern');
  if (pattern !== null && pattern.length > 256) throw bad('ModelArts.2764', 'pattern is at most 256 characters.');
  const startRaw = q.get('start_time');
  const endRaw = q.get('end_time');
  if ((startRaw === null) !== (endRaw === null)) throw bad('ModelArts.2764', 'start_time and end_time go together.');
  const from = startRaw === null ? null : num('start_time', 0, 0, Number.MAX_SAFE_INTEGER);
  const to = endRaw === null ? null : num('end_time', 0, 0, Number.MAX_SAFE_INTEGER);
  const matching = job.events
    .filter(
      (e) =>
        (level === null || e.level === level) &&
        (pattern === null || e.message.includes(pattern)) &&
        (from === null || to === null || (e.time >= from && e.time <= to)),
    )
    .sort((a, b) => (order === 'asc' ? a.time - b.time : b.time - a.time));
  return {
    status: 200,
    body: {
      total: matching.length,
      limit,
      offset,
      order,
      start_time: iso(from ?? job.create_time),
      end_time: iso(to ?? ctx.now),
      events: matching
        .slice(offset * limit, offset * limit + limit)
        .map((e) => ({ time: iso(e.time), level: e.level, message: e.message, source: e.source })),
    },
  };
}

function metrics(ctx: RouteContext): RouteResult {
  const job = requireJob(ctx);
  const series = taskMetrics(job, requireTask(job, ctx.params[2] ?? ''), ctx.now);
  // ModelArts.2777 NotReadyToFetchMetric is a 204.
  if (series === null) return { status: 204, body: null, rawJson: '' };
  return { status: 200, body: { metrics: series } };
}

const P = '([^/]+)';

export const V2_ROUTES: ReadonlyArray<{
  method: 'GET' | 'POST';
  pattern: RegExp;
  endpoint: EndpointName;
  handle: (ctx: RouteContext) => RouteResult;
}> = [
  {
    method: 'POST',
    pattern: new RegExp(`^/v2/${P}/training-job-searches$`),
    endpoint: 'searchTrainingJobs',
    handle: search,
  },
  { method: 'GET', pattern: new RegExp(`^/v2/${P}/training-jobs/${P}$`), endpoint: 'getTrainingJob', handle: detail },
  {
    method: 'POST',
    pattern: new RegExp(`^/v2/${P}/training-jobs/${P}/actions$`),
    endpoint: 'stopTrainingJob',
    handle: stop,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/${P}/training-jobs/${P}/tasks/${P}/logs/preview$`),
    endpoint: 'getTaskLogPreview',
    handle: preview,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/${P}/training-jobs/${P}/tasks/${P}/logs/url$`),
    endpoint: 'getTaskLogUrl',
    handle: logUrl,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/${P}/training-jobs/${P}/events$`),
    endpoint: 'listTrainingJobEvents',
    handle: events,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/${P}/training-jobs/${P}/metrics/${P}$`),
    endpoint: 'getTrainingJobMetrics',
    handle: metrics,
  },
];
