/**
 * One HTTP exchange over undici, with the error translation every caller needs: our per-attempt timer and undici's
 * headers/body timeouts → TimeoutError, socket-level failures → ConnectionError, the caller's abort → the caller's
 * abort reason (never wrapped, so `AbortSignal` users see what they expect).
 */
import type { Dispatcher } from 'undici';
import { ConnectionError, TimeoutError } from './errors.js';

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
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  } catch (err) {
    if (callerSignal?.aborted) throw abortReason(callerSignal);
    const code = errorCode(err);
    if (timer.signal.aborted || (code !== null && TIMEOUT_CODES.has(code))) {
      throw new TimeoutError(endpoint, timeoutMs, { cause: err });
    }
    throw new ConnectionError(endpoint, code, { cause: err });
  } finally {
    clearTimeout(handle);
  }
}
