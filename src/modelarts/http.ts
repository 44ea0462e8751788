/**
 * One HTTP exchange over undici, with the error translation every caller needs: our per-attempt timer and undici's
 * headers/body timeouts → TimeoutError, socket-level failures → ConnectionError, the caller's abort → the caller's
 * abort reason (never wrapped, so `AbortSignal` users see what they expect), and a body past `maxBytes` →
 * ResponseTooLargeError. The body is streamed and the exchange aborted the moment the cap is passed (or at once when
 * Content-Length announces more), so a runaway answer costs at most the cap in memory, never its own size.
 */
import { Agent, type Dispatcher } from 'undici';
import { encodeRfc3986 } from './auth/signer.js';
import { ConnectionError, ModelArtsError, ResponseTooLargeError, TimeoutError } from './errors.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface SendOptions {
  dispatcher: Dispatcher;
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Limit for this exchange: connect + headers + body. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** For errors: `METHOD /template`. */
  endpoint: string;
  /** Largest body read (bytes); more aborts the exchange. Default: no cap. */
  maxBytes?: number | undefined;
}

export type QueryScalar = string | number | boolean;
export type QueryValue = QueryScalar | readonly QueryScalar[] | null | undefined;

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(handle);
      reject(signal ? abortReason(signal) : new Error('aborted'));
    };
    const handle = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A keep-alive Agent: undici keeps one connection pool per origin (ModelArts, IAM). */
export function createDefaultDispatcher(timeoutMs: number): Agent {
  return new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connections: 32,
    connect: { timeout: Math.min(timeoutMs, 10_000) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

/** Encodes the query in insertion order with the signer's RFC 3986 rules (space → %20, `,` → %2C). */
export function encodeQuery(query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? (value as readonly QueryScalar[]) : [value as QueryScalar];
    for (const v of values) parts.push(`${encodeRfc3986(name)}=${encodeRfc3986(String(v))}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** Fills `{name}` placeholders with percent-encoded values; a missing value is a programming error. */
export function buildPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name} for ${template}`);
    return encodeRfc3986(value);
  });
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(err: unknown): string | null {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export async function sendOnce(options: SendOptions): Promise<RawResponse> {
  const { signal: callerSignal, timeoutMs, endpoint } = options;
  if (callerSignal?.aborted) throw abortReason(callerSignal);
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(), timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, timer.signal]) : timer.signal;
  try {
    const response = await options.dispatcher.request({
      origin: options.url.origin,
      path: `${options.url.pathname}${options.url.search}`,
      method: options.method,
      headers: options.headers,
      body: options.body,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await readCapped(response, options.maxBytes ?? Number.POSITIVE_INFINITY, endpoint, timer);
    return { status: response.statusCode, headers: response.headers, text };
  } catch (err) {
    if (callerSignal?.aborted) throw abortReason(callerSignal);
    if (err instanceof ModelArtsError) throw err;
    const code = errorCode(err);
    if (timer.signal.aborted || (code !== null && TIMEOUT_CODES.has(code))) {
      throw new TimeoutError(endpoint, timeoutMs, { cause: err });
    }
    throw new ConnectionError(endpoint, code, { cause: err });
  } finally {
    clearTimeout(handle);
  }
}

function declaredLength(headers: Dispatcher.ResponseData['headers']): number | null {
  const raw = headers['content-length'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value);
}

/** The body as UTF-8 text, read chunk by chunk; past `maxBytes` the exchange is aborted and the chunks dropped. */
async function readCapped(
  response: Dispatcher.ResponseData,
  maxBytes: number,
  endpoint: string,
  timer: AbortController,
): Promise<string> {
  const tooLarge = (declared: number | null): never => {
    const err = new ResponseTooLargeError(endpoint, maxBytes, declared);
    // Aborting the request closes the connection: nothing more is received for this answer.
    timer.abort(err);
    response.body.destroy(err);
    throw err;
  };
  const declared = declaredLength(response.headers);
  if (declared !== null && declared > maxBytes) tooLarge(declared);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      chunks.length = 0;
      tooLarge(null);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
