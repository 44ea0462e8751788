/**
 * The ModelArts HTTP client: builds URLs from validated ids, authenticates every attempt, parses bodies losslessly,
 * validates them with the endpoint's zod schema and maps every failure to the typed errors of errors.ts.
 *
 * Retries are our own loop rather than undici's RetryAgent/RetryHandler, deliberately:
 * - every attempt must be authenticated afresh (a new X-Sdk-Date signature; a refreshed IAM token after
 *   ModelArts.0202/APIG.0307), while RetryHandler replays the first attempt's headers unchanged;
 * - we need full jitter, an overall deadline spanning attempts *and* body reads, a cap on Retry-After, and an
 *   injectable sleep/random so tests run instantly; RetryHandler has a fixed exponential schedule, no deadline and
 *   real timers only;
 * - the decision depends on the parsed body (`is_success:false` with a 429-class code inside a 200, ModelArts.4205),
 *   which RetryHandler cannot see.
 * undici still provides the keep-alive pool per origin, the connect/headers/body timeouts and abort handling.
 *
 * POST is signed like GET (the AK/SK signature covers the exact JSON body bytes). Only a POST that merely reads (the v2
 * job search, `readOnly`) is retried; any other POST is sent once, since repeating it could repeat what it did.
 */
import type { Agent, Dispatcher } from 'undici';
import type { z } from 'zod';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../config.js';
import type { AuthProvider } from './auth/types.js';
import { type AvailabilityRule, errorFromResponse, gatewayCode, isRetryableError } from './error-mapping.js';
import { type ApiError, AuthenticationError, RateLimitError, ResponseParseError, TimeoutError } from './errors.js';
import {
  buildPath,
  createDefaultDispatcher,
  defaultSleep,
  encodeQuery,
  type QueryScalar,
  type QueryValue,
  type RawResponse,
  sendOnce,
} from './http.js';
import { validateId } from './ids.js';
import { parseJson } from './json.js';
import { isRecord } from './lenient.js';

export interface CallOptions {
  signal?: AbortSignal;
  /** Overall limit for this call, retries included (default: the client's retry deadline). */
  timeoutMs?: number;
  /**
   * Accept an answer at most this old from the lookup read cache (withReadCache); 0 asks ModelArts now. The client
   * itself always asks ModelArts.
   */
  maxAgeMs?: number;
}

export type { QueryScalar, QueryValue };

export interface RequestSpec<T> {
  /** Path template, e.g. `/v1/{project_id}/training-jobs/{job_id}`; `{project_id}` is filled in by the client. */
  template: string;
  /** Values for the other placeholders, already validated. */
  params?: Readonly<Record<string, string>>;
  /** Undefined and null values are left out; arrays repeat the name. */
  query?: Readonly<Record<string, QueryValue>>;
  schema: z.ZodType<T>;
  /** Value for an empty 2xx body (e.g. aom-log's 204 while a job has not logged yet); otherwise it is an error. */
  onEmpty?: () => T;
  /**
   * Error codes that mean "nothing yet" here (the v2 log preview's 204 ModelArts.2776): answered with `onEmpty()`
   * whatever the HTTP status that carries them.
   */
  emptyCodes?: readonly string[];
  /** Extra request headers (the v2 log URL chooses its link by Content-Type); signed with the rest. */
  headers?: Readonly<Record<string, string>>;
  /** How "not here" answers read on this endpoint (a whole API missing, a switched-off listing). */
  availability?: AvailabilityRule;
  /** A list answer: rows that failed their schema are counted in its `dropped`, which the client logs and reports. */
  list?: boolean;
}

/** A POST: its JSON body, and whether it only reads (then it is retried like a GET). */
export interface PostSpec<T> extends RequestSpec<T> {
  body: unknown;
  readOnly?: boolean;
}

export interface ModelArtsClient {
  readonly endpoint: string;
  readonly projectId: string;
  get<T>(spec: RequestSpec<T>, options?: CallOptions): Promise<T>;
  post<T>(spec: PostSpec<T>, options?: CallOptions): Promise<T>;
  /** Closes the connection pool the client created (an injected dispatcher is left open). */
  close(): Promise<void>;
}

/** A minimal structural logger; pino's Logger satisfies it. */
export interface LoggerLike {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface RetryOptions {
  /** Attempts per call including the first (default 4). */
  maxAttempts?: number;
  /** Backoff base: attempt n waits random(0, min(maxDelayMs, baseDelayMs · 2^(n-1))) (default 250). */
  baseDelayMs?: number;
  /** Backoff cap (default 8000). */
  maxDelayMs?: number;
  /** Overall limit for one call across all attempts (default 30 000, never below timeoutMs). */
  deadlineMs?: number;
  /** A Retry-After longer than this is not waited for; the RateLimitError goes to the caller (default 30 000). */
  maxRetryAfterMs?: number;
  /** Injectable for tests. Must reject with the signal's reason when it aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable for tests; [0, 1). */
  random?: () => number;
}

/** One finished call, for metrics (requests, latency and errors by endpoint and code). */
export interface RequestEvent {
  endpoint: string;
  status: number | null;
  /** `ok`, or the error class name (`RateLimitError`, `TimeoutError` …). */
  outcome: string;
  errorCode: string | null;
  attempts: number;
  durationMs: number;
  /** Rows of a list answer left out because they failed their schema (0 for everything else). */
  droppedRows: number;
}

export interface ClientOptions {
  /** Base URL, e.g. https://modelarts.eu-de.otc.t-systems.com (no trailing path). */
  endpoint: string;
  projectId: string;
  auth: AuthProvider;
  /** Per attempt: connect + headers + body (default 10 000). */
  timeoutMs?: number;
  /** Injected dispatcher (MockAgent in tests); default a keep-alive Agent (one pool per origin) owned by the client. */
  dispatcher?: Dispatcher;
  logger?: LoggerLike;
  retry?: RetryOptions;
  /** Clock for deadlines (ms). */
  now?: () => number;
  onRequest?: (event: RequestEvent) => void;
  userAgent?: string;
  /** Largest answer read (bytes, default 8 MiB: a 5 MB v2 log preview with room for JSON escaping). */
  maxResponseBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Replaces every configured secret value with [REDACTED]; upstream text passes through here before errors/logs. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}

function summariseIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

export function createModelArtsClient(options: ClientOptions): ModelArtsClient {
  const base = new URL(options.endpoint);
  const basePath = base.pathname.replace(/\/+$/, '');
  const projectId = validateId('project_id', options.projectId);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const ownedDispatcher = options.dispatcher ? null : createDefaultDispatcher(timeoutMs);
  const dispatcher: Dispatcher = options.dispatcher ?? (ownedDispatcher as Agent);
  const now = options.now ?? Date.now;
  const retry = {
    maxAttempts: Math.max(1, options.retry?.maxAttempts ?? 4),
    baseDelayMs: options.retry?.baseDelayMs ?? 250,
    maxDelayMs: options.retry?.maxDelayMs ?? 8_000,
    deadlineMs: Math.max(options.retry?.deadlineMs ?? 30_000, 1),
    maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 30_000,
    sleep: options.retry?.sleep ?? defaultSleep,
    random: options.retry?.random ?? Math.random,
  };
  const auth = options.auth;
  const userAgent = options.userAgent ?? 'modelarts-chatops';
  const logger = options.logger;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  const scrub = (text: string): string => scrubSecrets(text, auth.secrets());

  function parseBody(text: string): unknown {
    return parseJson(text);
  }

  /** The typed error for an error answer, or the endpoint's empty value when its code means "nothing yet". */
  function failure<T>(spec: RequestSpec<T>, endpoint: string, raw: RawResponse, body: unknown): { value: T } {
    const err = errorFromResponse(raw.status, body, raw.headers, endpoint, now(), spec.availability);
    if (spec.onEmpty && err.errorCode && spec.emptyCodes?.includes(gatewayCode(err.errorCode))) {
      return { value: spec.onEmpty() };
    }
    throw err;
  }

  /** Turns one raw response into a value or a typed error (thrown). */
  function interpret<T>(spec: RequestSpec<T>, endpoint: string, raw: RawResponse): T {
    const ok = raw.status >= 200 && raw.status < 300;
    const text = raw.text.trim();
    if (!ok) {
      let body: unknown = scrub(raw.text);
      try {
        body = parseBody(scrub(raw.text));
      } catch {
        // Gateways answer HTML or plain text; errorFromResponse reads the text.
      }
      return failure(spec, endpoint, raw, body).value;
    }
    if (text === '') {
      if (spec.onEmpty) return spec.onEmpty();
      throw new ResponseParseError(endpoint, raw.status, 'empty body');
    }
    let body: unknown;
    try {
      body = parseBody(raw.text);
    } catch (err) {
      // No `cause`: a SyntaxError quotes the body, and serialisers (pino's err) print causes unscrubbed.
      throw new ResponseParseError(endpoint, raw.status, scrub(`not JSON: ${(err as Error).message}`));
    }
    // v1 endpoints report failures inside a 200 as well; both the HTTP status and is_success count.
    const emptyCode = isRecord(body) && typeof body.error_code === 'string' ? gatewayCode(body.error_code) : null;
    if (
      (isRecord(body) && (body.is_success === false || body.is_success === 'false')) ||
      (emptyCode !== null && spec.emptyCodes?.includes(emptyCode))
    ) {
      return failure(spec, endpoint, raw, parseBody(scrub(raw.text))).value;
    }
    if (isRecord(body)) {
      // A transport flag, not data: callers never need it once it said "success".
      const { is_success: _transport, ...data } = body;
      body = data;
    }
    const parsed = spec.schema.safeParse(body);
    if (!parsed.success) {
      throw new ResponseParseError(endpoint, raw.status, scrub(summariseIssues(parsed.error)));
    }
    return parsed.data;
  }

  async function request<T>(
    method: 'GET' | 'POST',
    spec: RequestSpec<T>,
    payload: { body: string; retryable: boolean },
    callOptions: CallOptions,
  ): Promise<T> {
    const endpoint = `${method} ${spec.template}`;
    const path = buildPath(spec.template, { ...spec.params, project_id: projectId });
    const url = new URL(`${base.origin}${basePath}${path}${encodeQuery(spec.query)}`);
    const started = now();
    const budgetMs = callOptions.timeoutMs ?? Math.max(retry.deadlineMs, timeoutMs);
    const deadline = started + budgetMs;
    const signal = callOptions.signal;
    let attempts = 0;
    let refreshed = false;
    let lastStatus: number | null = null;

    const report = (outcome: string, errorCode: string | null, droppedRows = 0) => {
      options.onRequest?.({
        endpoint,
        status: lastStatus,
        outcome,
        errorCode,
        attempts,
        durationMs: now() - started,
        droppedRows,
      });
    };

    for (;;) {
      const remaining = deadline - now();
      if (remaining <= 0) {
        const err = new TimeoutError(endpoint, budgetMs);
        report(err.name, null);
        throw err;
      }
      attempts++;
      let credential: string | undefined;
      try {
        const headers: Record<string, string> = {
          accept: 'application/json',
          'user-agent': userAgent,
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
          ...spec.headers,
        };
        const authorization = await auth.authorize({ method, url, headers, body: payload.body }, signal);
        credential = authorization.credential;
        const raw = await sendOnce({
          dispatcher,
          url,
          method,
          headers: { ...headers, ...authorization.headers },
          ...(method === 'POST' ? { body: payload.body } : {}),
          timeoutMs: Math.max(1, Math.min(timeoutMs, remaining)),
          signal,
          endpoint,
          maxBytes: maxResponseBytes,
        });
        lastStatus = raw.status;
        const value = interpret(spec, endpoint, raw);
        const dropped = spec.list && isRecord(value) && typeof value.dropped === 'number' ? value.dropped : 0;
        if (dropped > 0) logger?.warn({ endpoint, dropped }, 'modelarts list rows dropped: they failed their schema');
        logger?.debug({ endpoint, status: raw.status, attempts, durationMs: now() - started }, 'modelarts request');
        report('ok', null, dropped);
        return value;
      } catch (err) {
        if (signal?.aborted) {
          report('aborted', null);
          throw err;
        }
        const apiError = err as Partial<ApiError>;
        const code = typeof apiError.errorCode === 'string' ? apiError.errorCode : null;
        // Expired, and any other 401: a revoked IAM token (password change, permissions edited) is refused with the
        // same codes as a bad one. One fresh token, one more try; a second refusal means the credentials are wrong.
        // (Not IAM refusing to issue one: that answer names IAM's endpoint.)
        const renewable =
          err instanceof AuthenticationError && err.endpoint === endpoint && (err.tokenExpired || err.status === 401);
        if (renewable && !refreshed && auth.invalidate(credential)) {
          refreshed = true;
          logger?.warn({ endpoint, errorCode: code }, 'modelarts refused the token; renewing it once');
          attempts--;
          continue;
        }
        const timeLeft = deadline - now();
        if (!payload.retryable || !isRetryableError(err) || attempts >= retry.maxAttempts || timeLeft <= 0) {
          report((err as Error).name ?? 'Error', code);
          throw err;
        }
        const retryAfter = err instanceof RateLimitError ? err.retryAfterMs : null;
        let delay: number;
        if (retryAfter !== null) {
          if (retryAfter > retry.maxRetryAfterMs) {
            report((err as Error).name, code);
            throw err;
          }
          delay = retryAfter;
        } else {
          // Full jitter: spreads a burst of clients hitting the same 503 instead of synchronising their retries.
          const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempts - 1));
          delay = Math.floor(retry.random() * cap);
        }
        if (delay >= timeLeft) {
          report((err as Error).name, code);
          throw err;
        }
        logger?.warn(
          {
            endpoint,
            attempt: attempts,
            delayMs: delay,
            status: lastStatus,
            errorCode: code,
            error: (err as Error).name,
          },
          'modelarts request failed; retrying',
        );
        await retry.sleep(delay, signal);
      }
    }
  }

  return {
    endpoint: `${base.origin}${basePath}`,
    projectId,
    get: (spec, callOptions = {}) => request('GET', spec, { body: '', retryable: true }, callOptions),
    // The exact bytes sent are the bytes signed: serialised once, before the first attempt.
    post: (spec, callOptions = {}) =>
      request('POST', spec, { body: JSON.stringify(spec.body), retryable: spec.readOnly === true }, callOptions),
    async close() {
      await auth.close?.();
      if (ownedDispatcher) await ownedDispatcher.close();
    },
  };
}
