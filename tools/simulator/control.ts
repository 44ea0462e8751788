/**
 * The control API under /__sim/ (JSON in, JSON out, no credentials): what the in-process methods do, for other
 * processes (the demo, multi-process tests, benchmarks). Errors answer `{ error }` with 400 or 404.
 */

import type { SimAuth } from './auth.js';
import type { EndpointName, FaultInput, Faults } from './faults.js';
import { FaultInputError } from './faults.js';
import type { SimAccount } from './server.js';
import {
  type AddJobInput,
  type AddVersionsOptions,
  type ScheduleStepInput,
  type SimState,
  SimulatorError,
  type StatusChange,
} from './state.js';
import type { SearchOffsetMode } from './v2/routes.js';
import type { V2JobInput } from './v2/seed.js';
import type { PhaseChange, V2State, V2StepInput } from './v2/state.js';

/** The v2 side of the control API. */
export interface V2ControlDeps {
  state: V2State;
  account: SimAccount;
  searchOffset(): SearchOffsetMode;
  setSearchOffset(mode: SearchOffsetMode): void;
  changesAfter: (seq: number) => { last: number; changes: Array<PhaseChange & { seq: number }> };
}

export interface ControlDeps {
  state: SimState;
  faults: Faults;
  auth: SimAuth;
  requestCounts: () => Record<string, number>;
  resetRequestCounts: () => void;
  changesAfter: (seq: number) => { last: number; changes: Array<StatusChange & { seq: number }> };
  summary: () => Record<string, unknown>;
  v2: V2ControlDeps;
}

export interface ControlAnswer {
  status: number;
  body: unknown;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseBody(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ControlError(400, 'the body must be JSON');
  }
  if (typeof value !== 'object' || value === null)
    throw new ControlError(400, 'the body must be a JSON object or array');
  return value as Record<string, unknown>;
}

function num(body: Record<string, unknown>, name: string): number {
  const v = body[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ControlError(400, `${name} must be a number`);
  return v;
}

export function handleControl(
  deps: ControlDeps,
  method: string,
  path: string,
  query: URLSearchParams,
  raw: Buffer,
): ControlAnswer {
  try {
    return route(deps, method, path.replace(/\/+$/, ''), query, raw);
  } catch (err) {
    if (err instanceof ControlError) return { status: err.status, body: { error: err.message } };
    if (err instanceof SimulatorError)
      return { status: err.kind === 'not_found' ? 404 : 400, body: { error: err.message } };
    if (err instanceof FaultInputError) return { status: 400, body: { error: err.message } };
    throw err;
  }
}

function afterParam(query: URLSearchParams): number {
  const after = Number(query.get('after') ?? '0');
  if (!Number.isInteger(after) || after < 0) throw new ControlError(400, 'after must be a sequence number');
  return after;
}

/** The account (which APIs it routes) and the v2 jobs: /__sim/apis and /__sim/v2/…; null for other paths. */
function routeV2(
  deps: V2ControlDeps,
  method: string,
  path: string,
  query: URLSearchParams,
  raw: Buffer,
): ControlAnswer | null {
  const { state, account } = deps;
  switch (`${method} ${path}`) {
    case 'GET /__sim/apis':
      return { status: 200, body: { cloud: account.cloud, ...account.apis } };
    case 'PUT /__sim/apis': {
      const body = parseBody(raw);
      for (const api of ['v1', 'v2'] as const) {
        if (body[api] === undefined) continue;
        if (typeof body[api] !== 'boolean') throw new ControlError(400, `${api} must be true or false`);
        account.apis[api] = body[api];
      }
      return { status: 200, body: { cloud: account.cloud, ...account.apis } };
    }
    case 'PUT /__sim/v2/search-offset': {
      const mode = parseBody(raw).mode;
      if (mode !== 'page' && mode !== 'record') throw new ControlError(400, 'mode must be page or record');
      deps.setSearchOffset(mode);
      return { status: 200, body: { mode } };
    }
    case 'POST /__sim/v2/phase': {
      const body = parseBody(raw);
      const items = Array.isArray(body.changes) ? (body.changes as Record<string, unknown>[]) : [body];
      const applied = items.map((item) => {
        if (typeof item.jobId !== 'string') throw new ControlError(400, 'jobId must be a string');
        const secondary = typeof item.secondaryPhase === 'string' ? item.secondaryPhase : undefined;
        return state.setPhase(item.jobId, item.phase, secondary);
      });
      return { status: 200, body: { changes: applied.filter((c) => c !== null) } };
    }
    case 'POST /__sim/v2/schedule': {
      const body = parseBody(raw);
      if (typeof body.jobId !== 'string') throw new ControlError(400, 'jobId must be a string');
      state.schedule(body.jobId, body.steps as V2StepInput[]);
      return { status: 200, body: { nextTransitionAt: state.nextTransitionAt() } };
    }
    case 'POST /__sim/v2/jobs': {
      const job = state.addJob(parseBody(raw) as unknown as V2JobInput);
      return { status: 200, body: { jobId: job.id, phase: job.phase } };
    }
    case 'POST /__sim/v2/spawn': {
      const job = state.spawnRun();
      return { status: 200, body: { jobId: job.id, phase: job.phase } };
    }
    case 'GET /__sim/v2/changes':
      return { status: 200, body: deps.changesAfter(afterParam(query)) };
  }
  const jobMatch = /^\/__sim\/v2\/jobs\/([0-9a-f-]{36})$/.exec(path);
  if (jobMatch && method === 'GET') {
    const job = state.job(jobMatch[1] ?? '');
    if (!job) throw new ControlError(404, `no v2 training job ${jobMatch[1]}`);
    return { status: 200, body: job };
  }
  return null;
}

function route(deps: ControlDeps, method: string, path: string, query: URLSearchParams, raw: Buffer): ControlAnswer {
  const v2 = routeV2(deps.v2, method, path, query, raw);
  if (v2) return v2;
  const { state, faults } = deps;
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET /__sim':
      return { status: 200, body: deps.summary() };
    case 'GET /__sim/clock':
      return { status: 200, body: { now: state.now(), nextTransitionAt: state.nextTransitionAt() } };
    case 'POST /__sim/advance': {
      const changes = state.advance(num(parseBody(raw), 'ms'));
      return { status: 200, body: { now: state.now(), changes } };
    }
    case 'GET /__sim/requests':
      return { status: 200, body: deps.requestCounts() };
    case 'DELETE /__sim/requests':
      deps.resetRequestCounts();
      return { status: 200, body: deps.requestCounts() };
    case 'GET /__sim/faults':
      return { status: 200, body: { faults: faults.list(), allVersionsOff: faults.allVersionsOff } };
    case 'POST /__sim/faults': {
      const body = parseBody(raw);
      const inputs = (Array.isArray(body) ? body : [body]) as FaultInput[];
      return { status: 200, body: { faults: inputs.map((f) => faults.add(f)) } };
    }
    case 'DELETE /__sim/faults': {
      const endpoint = query.get('endpoint');
      faults.clear(endpoint ? (endpoint as EndpointName | '*') : undefined);
      return { status: 200, body: { faults: faults.list() } };
    }
    case 'PUT /__sim/latency': {
      const body = parseBody(raw);
      const ms = num(body, 'ms');
      if (ms < 0 || ms > 600_000) throw new ControlError(400, 'ms must be from 0 to 600000');
      faults.setLatency(ms, (body.endpoint as EndpointName | '*' | undefined) ?? '*');
      return { status: 200, body: { faults: faults.list() } };
    }
    case 'PUT /__sim/all-versions': {
      const body = parseBody(raw);
      if (typeof body.enabled !== 'boolean') throw new ControlError(400, 'enabled must be true or false');
      faults.setAllVersionsOff(!body.enabled);
      return { status: 200, body: { enabled: !faults.allVersionsOff } };
    }
    case 'POST /__sim/status': {
      const body = parseBody(raw);
      const items = Array.isArray(body.changes) ? (body.changes as Record<string, unknown>[]) : [body];
      const applied = items.map((item) =>
        state.setVersionStatus(num(item, 'jobId'), num(item, 'versionId'), num(item, 'status')),
      );
      return { status: 200, body: { changes: applied.filter((c) => c !== null) } };
    }
    case 'POST /__sim/schedule': {
      const body = parseBody(raw);
      if (!Array.isArray(body.steps)) throw new ControlError(400, 'steps must be an array of {afterMs, status}');
      state.schedule(num(body, 'jobId'), num(body, 'versionId'), body.steps as ScheduleStepInput[]);
      return { status: 200, body: { nextTransitionAt: state.nextTransitionAt() } };
    }
    case 'POST /__sim/jobs':
      return { status: 200, body: state.addJob(parseBody(raw) as unknown as AddJobInput) };
    case 'POST /__sim/versions': {
      const body = parseBody(raw);
      const { count, ...options } = body;
      if (typeof count !== 'number') throw new ControlError(400, 'count must be a number');
      return { status: 200, body: { versions: state.addVersions(count, options as AddVersionsOptions) } };
    }
    case 'POST /__sim/spawn':
      return { status: 200, body: state.spawnRun() };
    case 'GET /__sim/changes':
      return { status: 200, body: deps.changesAfter(afterParam(query)) };
    case 'POST /__sim/tokens/revoke': {
      const body = parseBody(raw);
      const token = typeof body.token === 'string' ? body.token : undefined;
      return { status: 200, body: { revoked: deps.auth.revokeTokens(token) } };
    }
  }
  const faultMatch = /^\/__sim\/faults\/(\d+)$/.exec(path);
  if (faultMatch && method === 'DELETE') {
    if (!faults.remove(Number(faultMatch[1]))) throw new ControlError(404, `no fault ${faultMatch[1]}`);
    return { status: 200, body: { faults: faults.list() } };
  }
  const jobMatch = /^\/__sim\/jobs\/(\d+)$/.exec(path);
  if (jobMatch && method === 'GET') {
    const job = state.job(Number(jobMatch[1]));
    if (!job) throw new ControlError(404, `no training job ${jobMatch[1]}`);
    return {
      status: 200,
      body: {
        ...job,
        versions: job.versionIds.map((id) => {
          const v = state.data.versions.get(id)!;
          return {
            version_id: v.version_id,
            version_name: v.version_name,
            status: v.status,
            create_time: v.create_time,
            start_time: v.start_time,
            end_time: v.end_time,
            train_url: v.train_url,
            schedule: v.schedule,
          };
        }),
      },
    };
  }
  throw new ControlError(404, `no control endpoint ${method} ${path}`);
}
