/**
 * The ModelArts endpoints: routing, query validation, filtering, sorting and paging per the API pages, each with the
 * pagination convention of its page (per_page/page, offset/limit with 0 = all, offset as a page index) and its error
 * shape (v1 `error_message`, v2 `error_msg`).
 */

import { aomPage, hasLog, logFileNames, versionLog } from './logs.js';
import type { SimJob, SimProcessorTask, SimVersion } from './model.js';
import { HttpError, type Route, type RouteContext, type RouteResult } from './route-types.js';
import { V2_ROUTES } from './v2/routes.js';
import {
  configEntry,
  durationOf,
  jobSummary,
  processorTaskWire,
  versionDetail,
  versionListEntry,
  versionStatusRow,
  vizJobDetail,
  vizJobEntry,
} from './wire.js';

export { type ApiFamily, HttpError, type Route, type RouteContext, type RouteResult } from './route-types.js';

// ---------------------------------------------------------------------------------------------------------------
// Query helpers

const invalid = (message: string, code = 'ModelArts.2764') => new HttpError(400, code, message);

function single(q: URLSearchParams, name: string): string | undefined {
  const all = q.getAll(name);
  if (all.length > 1) throw invalid(`Parameter ${name} must be given once`);
  const v = all[0];
  return v === undefined || v === '' ? undefined : v;
}

function intParam(q: URLSearchParams, name: string, def: number, min: number, max: number, code?: string): number {
  const raw = single(q, name);
  if (raw === undefined) return def;
  if (!/^-?\d{1,10}$/.test(raw)) throw invalid(`Parameter ${name} must be an integer`, code);
  const n = Number(raw);
  if (n < min || n > max) throw invalid(`Parameter ${name} must be in [${min},${max}]`, code);
  return n;
}

function orderParam(q: URLSearchParams, def: 'asc' | 'desc', code?: string): 'asc' | 'desc' {
  const raw = single(q, 'order');
  if (raw === undefined) return def;
  if (raw !== 'asc' && raw !== 'desc') throw invalid('Parameter order must be asc or desc', code);
  return raw;
}

function enumParam<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[], def: T, code: string): T {
  const raw = single(q, name);
  if (raw === undefined) return def;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw invalid(`Parameter ${name} must be one of ${allowed.join(', ')}`, code);
  }
  return raw as T;
}

function boolParam(q: URLSearchParams, name: string, def: boolean, code?: string): boolean {
  const raw = single(q, name);
  if (raw === undefined) return def;
  if (raw !== 'true' && raw !== 'false') throw invalid(`Parameter ${name} must be true or false`, code);
  return raw === 'true';
}

/** `status=8` or `status=3,5,6,13` (the docs' hint for failed jobs); null when absent. */
function statusSet(q: URLSearchParams, code?: string): Set<number> | null {
  const values = q
    .getAll('status')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (values.length === 0) return null;
  const out = new Set<number>();
  for (const v of values) {
    if (!/^\d{1,3}$/.test(v)) throw invalid('Parameter status must be job status codes', code);
    out.add(Number(v));
  }
  return out;
}

function searchParam(q: URLSearchParams, max: number, code: string): string | undefined {
  const raw = single(q, 'search_content');
  if (raw !== undefined && raw.length > max)
    throw invalid(`The length of search content should be in [0,${max}]`, code);
  return raw?.toLowerCase();
}

function longId(raw: string, what: string): number {
  if (!/^\d{1,19}$/.test(raw)) throw invalid(`Invalid ${what}: ${raw.slice(0, 40)}`, 'ModelArts.0101');
  return Number(raw);
}

type Key = string | number;
function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** Sorts by a precomputed key, ties broken by a numeric id in the same direction, so pages never overlap. */
function sortBy<T>(items: T[], key: (t: T) => Key, id: (t: T) => Key, order: 'asc' | 'desc'): T[] {
  const dir = order === 'asc' ? 1 : -1;
  const keyed = items.map((item) => ({ item, k: key(item), i: id(item) }));
  keyed.sort((a, b) => dir * (compareKeys(a.k, b.k) || compareKeys(a.i, b.i)));
  return keyed.map((x) => x.item);
}

function pageOf<T>(items: T[], page: number, perPage: number): T[] {
  return items.slice((page - 1) * perPage, page * perPage);
}

// ---------------------------------------------------------------------------------------------------------------
// Training jobs

const JOB_QUOTA = 20_000;

function requireJob(ctx: RouteContext, raw: string): SimJob {
  const id = longId(raw, 'job_id');
  const job = ctx.state.job(id);
  if (!job) throw new HttpError(400, 'ModelArts.2775', `The training job (ID: ${id}) does not exist.`);
  return job;
}

function requireVersion(ctx: RouteContext, job: SimJob, raw: string): SimVersion {
  const id = longId(raw, 'version_id');
  const v = ctx.state.version(job.job_id, id);
  if (!v) {
    throw new HttpError(
      400,
      'ModelArts.2775',
      `The training job version (job ID: ${job.job_id}, version ID: ${id}) does not exist.`,
    );
  }
  return v;
}

function listTrainingJobs(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const statuses = statusSet(q);
  const perPage = intParam(q, 'per_page', 10, 1, 1000);
  const page = intParam(q, 'page', 1, 1, 65535);
  const sortKey = enumParam(
    q,
    'sortBy',
    ['job_name', 'job_desc', 'status', 'duration', 'version_count', 'create_time'] as const,
    'job_name',
    'ModelArts.2790',
  );
  const order = orderParam(q, 'asc');
  const search = searchParam(q, 64, 'ModelArts.2764');
  const workspace = single(q, 'workspace_id') ?? '0';
  const rows: Array<{ job: SimJob; latest: SimVersion | undefined }> = [];
  for (const job of ctx.state.data.jobs.values()) {
    if (job.workspace_id !== workspace) continue;
    if (search !== undefined && !job.job_name.toLowerCase().includes(search)) continue;
    const latest = ctx.state.latestVersion(job);
    if (statuses && !statuses.has(latest?.status ?? 0)) continue;
    rows.push({ job, latest });
  }
  const keyOf = (r: (typeof rows)[number]): Key => {
    switch (sortKey) {
      case 'job_name':
        return r.job.job_name;
      case 'job_desc':
        return r.job.job_desc;
      case 'status':
        return r.latest?.status ?? 0;
      case 'duration':
        return r.latest ? durationOf(r.latest, ctx.now) : 0;
      case 'version_count':
        return r.job.versionIds.length;
      case 'create_time':
        return r.job.create_time;
    }
  };
  const sorted = sortBy(rows, keyOf, (r) => r.job.job_id, order);
  return {
    status: 200,
    body: {
      is_success: true,
      job_total_count: sorted.length,
      job_count_limit: Math.max(0, JOB_QUOTA - ctx.state.data.jobs.size),
      quotas: JOB_QUOTA,
      jobs: pageOf(sorted, page, perPage).map((r) => jobSummary(r.job, r.latest, ctx.now)),
    },
  };
}

function listTrainingJobVersions(ctx: RouteContext): RouteResult {
  const job = requireJob(ctx, ctx.params[1]!);
  // page 0 (the default) means no paging on this endpoint.
  const page = intParam(ctx.query, 'page', 0, 0, 65535);
  const perPage = intParam(ctx.query, 'per_page', 10, 1, 1000);
  const ids = [...job.versionIds].reverse();
  const shown = page === 0 ? ids : pageOf(ids, page, perPage);
  return {
    status: 200,
    body: {
      is_success: true,
      job_id: job.job_id,
      job_name: job.job_name,
      job_desc: job.job_desc,
      version_count: job.versionIds.length,
      versions: shown.map((id) => versionListEntry(job, ctx.state.data.versions.get(id)!, ctx.now)),
    },
  };
}

function getTrainingJobVersion(ctx: RouteContext): RouteResult {
  const job = requireJob(ctx, ctx.params[1]!);
  const v = requireVersion(ctx, job, ctx.params[2]!);
  return { status: 200, body: versionDetail(job, v, ctx.now) };
}

function listJobVersionStatuses(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const offset = intParam(q, 'offset', 0, 0, 2_000_000_000);
  const limit = intParam(q, 'limit', 20, 0, 2_000_000_000);
  const statuses = statusSet(q);
  const sortKey = enumParam(
    q,
    'sort_by',
    ['create_time', 'job_desc', 'status', 'duration', 'job_name'] as const,
    'create_time',
    'ModelArts.2790',
  );
  const order = orderParam(q, 'desc');
  const poolId = single(q, 'pool_id');
  const workspace = single(q, 'workspace_id') ?? '0';
  const jobs = ctx.state.data.jobs;
  const rows: SimVersion[] = [];
  for (const v of ctx.state.data.versions.values()) {
    if (statuses && !statuses.has(v.status)) continue;
    if (poolId !== undefined && v.pool?.pool_id !== poolId) continue;
    if (jobs.get(v.job_id)?.workspace_id !== workspace) continue;
    rows.push(v);
  }
  const keyOf = (v: SimVersion): Key => {
    switch (sortKey) {
      case 'create_time':
        return v.create_time;
      case 'status':
        return v.status;
      case 'duration':
        return durationOf(v, ctx.now);
      case 'job_desc':
        return jobs.get(v.job_id)?.job_desc ?? '';
      case 'job_name':
        return jobs.get(v.job_id)?.job_name ?? '';
    }
  };
  const sorted = sortBy(rows, keyOf, (v) => v.version_id, order);
  const shown = limit === 0 ? sorted.slice(offset) : sorted.slice(offset, offset + limit);
  return {
    status: 200,
    body: {
      versions: shown.map((v) => versionStatusRow(jobs.get(v.job_id)!, v, ctx.now, ctx.allVersionsJobFields)),
      offset,
      limit,
      total_count: sorted.length,
      is_success: true,
    },
  };
}

function getLogFileNames(ctx: RouteContext): RouteResult {
  const job = requireJob(ctx, ctx.params[1]!);
  const v = requireVersion(ctx, job, ctx.params[2]!);
  if (!hasLog(v)) throw new HttpError(400, 'ModelArts.2818', 'The log file has not been generated.');
  return { status: 200, body: { is_success: true, log_file_list: logFileNames(job, v) } };
}

function getAomLog(ctx: RouteContext): RouteResult {
  const job = requireJob(ctx, ctx.params[1]!);
  const v = requireVersion(ctx, job, ctx.params[2]!);
  const q = ctx.query;
  const file = single(q, 'log_file');
  if (file === undefined) throw invalid('Parameter log_file is required');
  const lines = intParam(q, 'lines', 50, 0, 500);
  const order = orderParam(q, 'desc');
  const rawBase = single(q, 'base_line');
  if (rawBase !== undefined && !/^\d{1,19}$/.test(rawBase)) throw invalid('Parameter base_line must be a log cursor');
  // ModelArts.2776 NotReadyToFetchLog arrives as HTTP 204 with no body while the job has not logged yet.
  if (!hasLog(v)) return { status: 204, body: null, rawJson: '' };
  const worker = logFileNames(job, v).indexOf(file);
  if (worker < 0) throw new HttpError(400, 'ModelArts.2820', `The log file ${file.slice(0, 80)} does not exist.`);
  const base = rawBase === undefined ? null : BigInt(rawBase);
  const page = aomPage(versionLog(job, v, worker, ctx.now), lines, base, order);
  const first = page[0]?.cursor ?? base ?? 0n;
  const last = page[page.length - 1]?.cursor ?? base ?? 0n;
  // start_line is a bare 19-digit number (beyond Number.MAX_SAFE_INTEGER), end_line a string, lines a string.
  const text = JSON.stringify({
    is_success: true,
    content: page.map((l) => l.text).join('\n'),
    lines: String(page.length),
    start_line: '\u0000START\u0000',
    end_line: last.toString(),
  }).replace('"\\u0000START\\u0000"', first.toString());
  return { status: 200, body: null, rawJson: text };
}

// ---------------------------------------------------------------------------------------------------------------
// Configs and visualization jobs

function listTrainingJobConfigs(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const perPage = intParam(q, 'per_page', 10, 1, 1000);
  const page = intParam(q, 'page', 1, 1, 65535);
  const type = enumParam(q, 'config_type', ['custom', 'sample'] as const, 'custom', 'ModelArts.2764');
  const sortKey = enumParam(
    q,
    'sortBy',
    ['config_name', 'config_desc', 'create_time'] as const,
    'config_name',
    'ModelArts.2790',
  );
  if (type === 'sample' && sortKey === 'create_time') {
    throw invalid('Sorting by create_time is not supported for sample configurations', 'ModelArts.2790');
  }
  const order = orderParam(q, 'desc');
  const search = searchParam(q, 64, 'ModelArts.2764');
  const rows = ctx.state.data.configs.filter(
    (c) => c.config_type === type && (search === undefined || c.config_name.toLowerCase().includes(search)),
  );
  const sorted = sortBy(
    rows,
    (c) => c[sortKey],
    (c) => c.config_name,
    order,
  );
  return {
    status: 200,
    body: {
      is_success: true,
      config_total_count: sorted.length,
      configs: pageOf(sorted, page, perPage).map(configEntry),
    },
  };
}

function listVisualizationJobs(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const statuses = statusSet(q, 'ModelArts.0104');
  const perPage = intParam(q, 'per_page', 10, 1, 1000, 'ModelArts.0104');
  const page = intParam(q, 'page', 1, 1, 65535, 'ModelArts.0104');
  const sortKey = enumParam(
    q,
    'sortBy',
    ['job_id', 'job_name', 'job_desc', 'create_time', 'status'] as const,
    'job_id',
    'ModelArts.0104',
  );
  const order = orderParam(q, 'asc', 'ModelArts.0104');
  const search = searchParam(q, 100, 'ModelArts.0104');
  const workspace = single(q, 'workspace_id') ?? '0';
  const rows = [...ctx.state.data.vizJobs.values()].filter(
    (z) =>
      z.workspace_id === workspace &&
      (!statuses || statuses.has(z.status)) &&
      (search === undefined || z.job_name.toLowerCase().includes(search)),
  );
  const sorted = sortBy(
    rows,
    (z) => z[sortKey],
    (z) => z.job_id,
    order,
  );
  return {
    status: 200,
    body: {
      is_success: true,
      job_total_count: sorted.length,
      job_count_limit: Math.max(0, 50 - ctx.state.data.vizJobs.size),
      quotas: 50,
      jobs: pageOf(sorted, page, perPage).map((z) => vizJobEntry(z, ctx.baseUrl, ctx.now)),
    },
  };
}

function getVisualizationJob(ctx: RouteContext): RouteResult {
  const id = longId(ctx.params[1]!, 'job_id');
  const z = ctx.state.data.vizJobs.get(id);
  if (!z) throw new HttpError(404, 'ModelArts.0106', `The visualization job (ID: ${id}) does not exist.`);
  return { status: 200, body: vizJobDetail(z, ctx.baseUrl, ctx.now) };
}

// ---------------------------------------------------------------------------------------------------------------
// Processor tasks (v2)

function taskSources(t: SimProcessorTask) {
  return [...(t.data_source ? [t.data_source] : []), ...(t.inputs ?? [])];
}

function listProcessorTasks(ctx: RouteContext): RouteResult {
  const q = ctx.query;
  const code = 'ModelArts.0101';
  const limit = intParam(q, 'limit', 10, 1, 100, code);
  // offset is a page index on this endpoint (the docs: "start page of the paging list").
  const offset = intParam(q, 'offset', 0, 0, 1_000_000, code);
  const sortKey = enumParam(q, 'sort_by', ['create_time', 'name', 'duration_seconds'] as const, 'create_time', code);
  const order = orderParam(q, 'desc', code);
  const sourceType = single(q, 'source_type');
  if (sourceType !== undefined && !['OBS', 'TASK', 'DATASET', 'CUSTOM'].includes(sourceType)) {
    throw invalid('Parameter source_type must be OBS, TASK, DATASET or CUSTOM', code);
  }
  const source = single(q, 'source');
  const taskType = single(q, 'task_type');
  const status = single(q, 'status') === undefined ? undefined : intParam(q, 'status', 0, 0, 4, code);
  const name = single(q, 'task_name')?.toLowerCase();
  const versionIds = new Set(
    q
      .getAll('version_id')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean),
  );
  const current = boolParam(q, 'query_current', false, code);
  const returnResult = boolParam(q, 'return_result', true, code);
  const workspace = single(q, 'workspace_id') ?? '0';
  const rows = [...ctx.state.data.tasks.values()].filter((t) => {
    if (t.workspace_id !== workspace) return false;
    if (taskType !== undefined && t.template.id !== taskType) return false;
    if (status !== undefined && t.status !== status) return false;
    if (name !== undefined && !t.name.toLowerCase().includes(name)) return false;
    if (versionIds.size > 0 && !versionIds.has(t.version_id)) return false;
    if (current && !t.is_current) return false;
    if (sourceType !== undefined || source !== undefined) {
      const ok = taskSources(t).some(
        (s) => (sourceType === undefined || s.type === sourceType) && (source === undefined || s.source === source),
      );
      if (!ok) return false;
    }
    return true;
  });
  const sorted = sortBy(
    rows,
    (t) => t[sortKey],
    (t) => t.task_id,
    order,
  );
  return {
    status: 200,
    body: {
      count: sorted.length,
      tasks: sorted.slice(offset * limit, offset * limit + limit).map((t) => processorTaskWire(t, returnResult)),
    },
  };
}

function getProcessorTask(ctx: RouteContext): RouteResult {
  const id = ctx.params[1]!;
  const t = /^[A-Za-z0-9]{1,64}$/.test(id) ? ctx.state.data.tasks.get(id) : undefined;
  if (!t) throw new HttpError(404, 'ModelArts.4352', `The processor task ${id.slice(0, 64)} does not exist.`);
  return { status: 200, body: processorTaskWire(t, true) };
}

// ---------------------------------------------------------------------------------------------------------------

const P = '([^/]+)';

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: /^\/v1\/([^/]+)\/training-jobs$/,
    endpoint: 'listTrainingJobs',
    family: 'v1',
    api: 'v1',
    handle: listTrainingJobs,
  },
  {
    method: 'GET',
    pattern: /^\/v1\/([^/]+)\/training-jobs\/versions$/,
    endpoint: 'listJobVersionStatuses',
    family: 'v1',
    api: 'v1',
    handle: listJobVersionStatuses,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/${P}/training-jobs/${P}/versions$`),
    endpoint: 'listTrainingJobVersions',
    family: 'v1',
    api: 'v1',
    handle: listTrainingJobVersions,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/${P}/training-jobs/${P}/versions/${P}$`),
    endpoint: 'getTrainingJobVersion',
    family: 'v1',
    api: 'v1',
    handle: getTrainingJobVersion,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/${P}/training-jobs/${P}/versions/${P}/log/file-names$`),
    endpoint: 'getLogFileNames',
    family: 'v1',
    api: 'v1',
    handle: getLogFileNames,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/${P}/training-jobs/${P}/versions/${P}/aom-log$`),
    endpoint: 'getAomLog',
    family: 'v1',
    api: 'v1',
    handle: getAomLog,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/${P}/training-job-configs$`),
    endpoint: 'listTrainingJobConfigs',
    family: 'v1',
    api: 'v1',
    handle: listTrainingJobConfigs,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/${P}/visualization-jobs$`),
    endpoint: 'listVisualizationJobs',
    family: 'v1',
    api: 'v1',
    handle: listVisualizationJobs,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/${P}/visualization-jobs/${P}$`),
    endpoint: 'getVisualizationJob',
    family: 'v1',
    api: 'v1',
    handle: getVisualizationJob,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/${P}/processor-tasks$`),
    endpoint: 'listProcessorTasks',
    family: 'v2',
    handle: listProcessorTasks,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/${P}/processor-tasks/${P}$`),
    endpoint: 'getProcessorTask',
    family: 'v2',
    handle: getProcessorTask,
  },
  ...V2_ROUTES.map((route): Route => ({ ...route, family: 'v2', api: 'v2' })),
  { method: 'POST', pattern: /^\/v3\/auth\/tokens$/, endpoint: 'iamTokens', family: 'iam' },
];

/** The route for a method and raw path, with its decoded path parameters; null when no API matches. */
export function matchRoute(method: string, path: string): { route: Route; params: string[] } | null {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    const params: string[] = [];
    for (const raw of m.slice(1)) {
      try {
        params.push(decodeURIComponent(raw ?? ''));
      } catch {
        params.push('\u0000');
      }
    }
    return { route, params };
  }
  return null;
}
