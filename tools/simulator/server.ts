/**
 * The HTTP pipeline: route → count → is that API routed on this account → settle the schedule → faults → IAM or
 * credentials → project → handler → (malformed) → answer, with X-Request-Id on every response. Gateway-level failures
 * (unknown API, credentials, throttling, backend errors) use the gateway body, with OTC's `APIG.` or Huawei's
 * `APIGW.` prefix by the account's cloud; ModelArts errors use the endpoint family's shape.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimAuth } from './auth.js';
import { type ControlDeps, handleControl } from './control.js';
import type { EndpointName, Fault, Faults } from './faults.js';
import { type ApiFamily, HttpError, matchRoute, type RouteResult } from './routes.js';
import type { SimState } from './state.js';
import type { ObsLinks } from './v2/obs.js';
import type { V2Context } from './v2/routes.js';

const MAX_BODY_BYTES = 12 * 1024 * 1024;

/** What the simulated account offers; mutable at run time through /__sim/apis. */
export interface SimAccount {
  /** Gateway error prefix: OTC's `APIG.` or Huawei Cloud's `APIGW.`. */
  cloud: 'otc' | 'huawei';
  /** Which training APIs the gateway routes; the other answers 404 APIG(W).0101 like any unknown path. */
  apis: { v1: boolean; v2: boolean };
}

export interface PipelineDeps {
  state: SimState;
  auth: SimAuth;
  faults: Faults;
  control: ControlDeps | null;
  baseUrl: () => string;
  allVersionsJobFields: boolean;
  count: (endpoint: EndpointName | 'unmatched') => void;
  /** Responses held open by the hang fault; destroyed on close. */
  hung: Set<ServerResponse>;
  /** Pending latency timers; cleared on close. */
  timers: Set<NodeJS.Timeout>;
  account: SimAccount;
  v2: V2Context;
  obs: ObsLinks;
  /** Bytes the hugeBody fault has written so far (it stops when the client goes away). */
  stats: { hugeBodyBytesSent: number };
}

function familyError(family: ApiFamily, code: string, message: string): unknown {
  return family === 'v1'
    ? { is_success: false, error_code: code, error_message: message }
    : { error_code: code, error_msg: message };
}

type Gateway = (code: string, message: string) => unknown;

/** The gateway's error body; codes are written `APIG.` here and sent with the account's prefix. */
function gatewayErrorFor(account: SimAccount, requestId: string): Gateway {
  return (code, message) => ({
    error_msg: message,
    error_code: account.cloud === 'huawei' && code.startsWith('APIG.') ? `APIGW.${code.slice(5)}` : code,
    request_id: requestId,
  });
}

const NO_SUCH_API = 'The API does not exist or has not been published in the environment';

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
  contentType = 'application/json;charset=UTF-8',
): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function delay(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t);
      resolve();
    }, ms);
    timers.add(t);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function faultAnswer(
  fault: Fault,
  family: ApiFamily | 'iam',
  gatewayError: Gateway,
): { status: number; body: unknown; headers: Record<string, string> } | null {
  const fam: ApiFamily = family === 'v2' ? 'v2' : 'v1';
  switch (fault.kind) {
    case 'endpointOff':
      return {
        status: 404,
        body: gatewayError('APIG.0101', NO_SUCH_API),
        headers: {},
      };
    case 'rateLimit': {
      const headers: Record<string, string> = {};
      const retryAfter = fault.retryAfterSeconds === undefined ? 1 : fault.retryAfterSeconds;
      if (retryAfter !== null) headers['retry-after'] = String(retryAfter);
      const code = fault.code ?? 'APIG.0308';
      const message = 'The throttling threshold has been reached: policy user over ratelimit';
      return {
        status: 429,
        body: code.startsWith('APIG.') ? gatewayError(code, message) : familyError(fam, code, 'Too many requests.'),
        headers,
      };
    }
    case 'serverError': {
      const status = fault.status ?? 500;
      if (status === 502 || status === 504) {
        const message = status === 502 ? 'Backend unavailable' : 'Backend timeout';
        return { status, body: gatewayError(fault.code ?? 'APIG.0201', message), headers: {} };
      }
      const code = fault.code ?? (status === 503 ? 'ModelArts.4503' : 'ModelArts.0010');
      const message = status === 503 ? 'The system is busy. Try again later.' : 'Internal server error.';
      return {
        status,
        body: code.startsWith('APIG.') ? gatewayError(code, message) : familyError(fam, code, message),
        headers: {},
      };
    }
    default:
      return null;
  }
}

/** Splices the docs' own invalid JSON (`"engine_type": ,`) into an otherwise real answer. */
function corrupt(body: string, fault: Fault): string {
  if (fault.body !== undefined) return fault.body;
  return body.startsWith('{') ? `{"engine_type": ,${body.slice(1)}` : `${body},`;
}

export function createRequestHandler(deps: PipelineDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomBytes(16).toString('hex');
    res.setHeader('x-request-id', requestId);
    const gatewayError = gatewayErrorFor(deps.account, requestId);
    try {
      await handle(deps, req, res, gatewayError);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      send(res, 500, JSON.stringify(gatewayError('APIG.0201', `Simulator error: ${message}`)));
    }
  };
}

async function handle(
  deps: PipelineDeps,
  req: IncomingMessage,
  res: ServerResponse,
  gatewayError: Gateway,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  const body = await readBody(req);
  if (body === null) {
    send(res, 413, JSON.stringify(gatewayError('APIG.0201', 'Request entity too large')));
    return;
  }

  if (deps.control && (path === '/__sim' || path.startsWith('/__sim/'))) {
    const answer = handleControl(deps.control, method, path, query, body);
    send(res, answer.status, JSON.stringify(answer.body));
    return;
  }
  if (method === 'GET' && path.startsWith('/tensorboard/')) {
    tensorboardPage(deps, path, res);
    return;
  }
  if (method === 'GET' && deps.obs.handles(path)) {
    deps.state.settle();
    const answer = deps.obs.serve(path, query, deps.v2.state.jobs);
    send(res, answer.status, answer.body, answer.headers, answer.headers['content-type']);
    return;
  }

  const matched = matchRoute(method, path);
  if (!matched) {
    deps.count('unmatched');
    send(res, 404, JSON.stringify(gatewayError('APIG.0101', NO_SUCH_API)));
    return;
  }
  const { route, params } = matched;
  deps.count(route.endpoint);
  if (route.api && !deps.account.apis[route.api]) {
    // This account or region has no such API: the gateway does not route the path at all.
    send(res, 404, JSON.stringify(gatewayError('APIG.0101', NO_SUCH_API)));
    return;
  }
  deps.state.settle();

  const decision = deps.faults.match(route.endpoint);
  if (decision.delayMs > 0) await delay(decision.delayMs, deps.timers);
  const fault = decision.fault;
  if (fault?.kind === 'hang') {
    deps.hung.add(res);
    res.on('close', () => deps.hung.delete(res));
    return;
  }
  if (fault?.kind === 'reset') {
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'hugeBody') {
    streamHugeBody(res, fault.bytes ?? 0, fault.declareLength === true, deps.stats);
    return;
  }
  if (fault) {
    const answer = faultAnswer(fault, route.family, gatewayError);
    if (answer) {
      send(res, answer.status, JSON.stringify(answer.body), answer.headers);
      return;
    }
  }

  let status: number;
  let text: string;
  let headers: Record<string, string> = {};
  if (route.family === 'iam') {
    const answer = deps.auth.issueToken(body, query, deps.baseUrl());
    status = answer.status;
    text = JSON.stringify(answer.body);
    headers = answer.headers;
  } else {
    const family = route.family;
    const outcome = deps.auth.check(method, target, req.headers, body);
    if (!outcome.ok) {
      send(res, outcome.status, JSON.stringify(gatewayError(outcome.code, outcome.message)));
      return;
    }
    const projectId = params[0] ?? '';
    if (outcome.projectId === null && outcome.via === 'iam') {
      send(res, 401, JSON.stringify(familyError(family, 'ModelArts.0212', 'The token does not contain a project.')));
      return;
    }
    if (projectId !== deps.auth.config.projectId || (outcome.projectId !== null && outcome.projectId !== projectId)) {
      send(
        res,
        403,
        JSON.stringify(
          familyError(
            family,
            'ModelArts.0210',
            'The project ID in the URL is invalid or does not match the credentials.',
          ),
        ),
      );
      return;
    }
    let result: RouteResult;
    try {
      result = route.handle!({
        state: deps.state,
        now: deps.state.now(),
        query,
        params,
        baseUrl: deps.baseUrl(),
        allVersionsJobFields: deps.allVersionsJobFields,
        body,
        headers: req.headers,
        v2: deps.v2,
      });
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      result = { status: err.status, body: familyError(family, err.code, err.message) };
    }
    status = result.status;
    text = result.rawJson ?? JSON.stringify(result.body);
  }
  if (fault?.kind === 'malformed') text = corrupt(text, fault);
  send(res, status, text, headers);
}

/**
 * `bytes` of a JSON string that never ends, written in 64 KiB chunks as fast as the client reads them and never held
 * whole; stops as soon as the client goes away (a client with a size cap aborts early).
 */
function streamHugeBody(
  res: ServerResponse,
  bytes: number,
  declareLength: boolean,
  stats: { hugeBodyBytesSent: number },
) {
  const headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8' };
  if (declareLength) headers['content-length'] = String(bytes);
  res.writeHead(200, headers);
  const filler = Buffer.alloc(64 * 1024, 'x');
  let next: Buffer = Buffer.concat([Buffer.from('{"content":"'), filler]);
  let left = bytes;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const piece = next.subarray(0, Math.min(left, next.length));
      next = filler;
      left -= piece.length;
      stats.hugeBodyBytesSent += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (left === 0 && !res.destroyed) res.end();
  };
  pump();
}

function tensorboardPage(deps: PipelineDeps, path: string, res: ServerResponse): void {
  const wanted = path.endsWith('/') ? path : `${path}/`;
  const v2 = /^\/tensorboard\/v2\/([0-9a-f-]{36})\/$/.exec(wanted);
  const v2Job = v2 ? deps.v2.state.job(v2[1] ?? '') : undefined;
  if (v2Job) {
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>TensorBoard – ${escapeHtml(v2Job.name)}</title></head>
<body style="font-family:sans-serif;margin:2rem"><h1>TensorBoard (ModelArts simulator)</h1>
<p>Training job <b>${escapeHtml(v2Job.name)}</b> (${v2Job.id}), phase ${v2Job.phase}.</p>
<p>The simulator serves this placeholder where ModelArts would serve TensorBoard.</p></body></html>`;
    send(res, 200, html, {}, 'text/html;charset=UTF-8');
    return;
  }
  const job = [...deps.state.data.vizJobs.values()].find((z) => z.service_path === wanted);
  if (!job) {
    send(res, 404, 'No such TensorBoard', {}, 'text/plain;charset=UTF-8');
    return;
  }
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>TensorBoard – ${escapeHtml(job.job_name)}</title></head>
<body style="font-family:sans-serif;margin:2rem"><h1>TensorBoard (ModelArts simulator)</h1>
<p>Visualization job <b>${escapeHtml(job.job_name)}</b> (id ${job.job_id}) reading <code>${escapeHtml(job.train_url)}</code>.</p>
<p>The simulator serves this placeholder where ModelArts would serve TensorBoard.</p></body></html>`;
  send(res, 200, html, {}, 'text/html;charset=UTF-8');
}
