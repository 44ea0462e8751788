/**
 * The single mapping from an error answer (ModelArts', its gateway's, IAM's) to a typed error of errors.ts, and the one
 * rule the client retries by.
 */
import {
  type ApiError,
  type ApiErrorInit,
  ApiUnavailableError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  EndpointNotFoundError,
  MAX_UPSTREAM_MESSAGE,
  NotFoundError,
  oneLine,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  type TrainingApi,
  truncate,
} from './errors.js';
import { isRecord, toStringOrNull } from './lenient.js';

const AUTH_CODES = new Set([
  'ModelArts.0201',
  'ModelArts.0202',
  'ModelArts.0203',
  'ModelArts.0204',
  'ModelArts.0205',
  'ModelArts.0206',
  'ModelArts.0207',
  'ModelArts.0208',
  'ModelArts.0212',
  'ModelArts.2784',
  'ModelArts.4127',
  'ModelArts.4201',
  'ModelArts.5001',
  'ModelArts.5002',
  'ModelArts.6620',
  'APIG.0301',
  'APIG.0303',
  'APIG.0307',
]);

/** Codes that mean "this token is stale, get a new one": a refreshing provider retries once. */
export const TOKEN_EXPIRED_CODES: ReadonlySet<string> = new Set([
  'ModelArts.0202',
  'ModelArts.4127',
  'ModelArts.4201',
  'ModelArts.5001',
  'ModelArts.5002',
  'ModelArts.6620',
  'APIG.0307',
]);

const PERMISSION_CODES = new Set([
  'ModelArts.0108',
  'ModelArts.0112',
  'ModelArts.0210',
  'ModelArts.2785',
  'ModelArts.2786',
  'ModelArts.2837',
  'ModelArts.2838',
  'ModelArts.4116',
  'ModelArts.4118',
  'ModelArts.6201',
  'ModelArts.6203',
  'APIG.0302',
  'APIG.0306',
  'APIG.0802',
]);

const RATE_LIMIT_CODES = new Set(['APIG.0308', 'ModelArts.2799', 'ModelArts.4206', 'ModelArts.6101', 'ModelArts.4395']);
/** 2775: training job; 4612, 4338: processor task (they arrive as 400, like 2775). */
const NOT_FOUND_CODES = new Set(['ModelArts.2775', 'ModelArts.4612', 'ModelArts.4338']);
/** "No such API": the gateway's wrong path or method, and ModelArts' own (as a 404 only; 4204 has other meanings). */
const NO_SUCH_API_CODE = 'APIG.0101';

/**
 * Huawei Cloud's gateway says `APIGW.` where OTC's says `APIG.` (notes §5.1) with the same numbers and meanings, so
 * codes are looked up in the APIG. form; the error keeps the code as sent.
 */
export function gatewayCode(code: string): string {
  return code.startsWith('APIGW.') ? `APIG.${code.slice(6)}` : code;
}

/** How "not here" answers read on one endpoint (errorFromResponse's context, from the request spec). */
export interface AvailabilityRule {
  /** The training API every account with it can answer this endpoint for: its absence means the API is missing. */
  api?: TrainingApi;
  /**
   * A listing without ids in its path: nothing in it can be "not found", so a bare 404 (no error code) means the
   * endpoint is not offered, and a "not found" code in a 400 means nothing.
   */
  listing?: boolean;
  /** Further codes that mean "not offered" here (the all-versions listing answers 400 ModelArts.2775). */
  unavailableCodes?: readonly string[];
}
const SERVER_TIMEOUT_CODES = new Set(['ModelArts.4205', 'ModelArts.6100']);

export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? (value[0] ?? null) : value;
  }
  return null;
}

/** Retry-After as ms: delta-seconds or an HTTP date (relative to `now`); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Pulls code, message and request id out of any of the three error shapes (notes §5.1): v1 `error_code` +
 * `error_message`, v2/gateway `error_code` + `error_msg` (+ `request_id`), and IAM/OpenStack `error.{code,message}`.
 */
export function extractErrorFields(body: unknown): {
  errorCode: string | null;
  errorMessage: string | null;
  requestId: string | null;
} {
  if (!isRecord(body)) {
    const text = typeof body === 'string' ? oneLine(body).trim() : '';
    return { errorCode: null, errorMessage: text ? truncate(text, MAX_UPSTREAM_MESSAGE) : null, requestId: null };
  }
  const nested = isRecord(body.error) ? body.error : null;
  const errorCode =
    toStringOrNull(body.error_code) ?? toStringOrNull(body.errorCode) ?? toStringOrNull(nested?.code) ?? null;
  const message =
    toStringOrNull(body.error_msg) ??
    toStringOrNull(body.error_message) ??
    toStringOrNull(nested?.message) ??
    toStringOrNull(body.message) ??
    null;
  const requestId = toStringOrNull(body.request_id) ?? null;
  return {
    errorCode: errorCode?.trim() || null,
    errorMessage: message ? truncate(oneLine(message).trim(), MAX_UPSTREAM_MESSAGE) || null : null,
    requestId,
  };
}

/**
 * The single mapping from an error response to a typed error. `body` is the parsed JSON (or the raw text when it was
 * not JSON); `status` may be 2xx when ModelArts said `is_success: false`.
 */
export function errorFromResponse(
  status: number,
  body: unknown,
  headers: HeaderBag,
  endpoint: string,
  now: number = Date.now(),
  availability: AvailabilityRule = {},
): ApiError {
  const fields = extractErrorFields(body);
  const init: ApiErrorInit = {
    status,
    endpoint,
    errorCode: fields.errorCode,
    errorMessage: fields.errorMessage,
    requestId: fields.requestId ?? header(headers, 'x-request-id') ?? header(headers, 'x-openstack-request-id'),
  };
  const code = gatewayCode(init.errorCode ?? '');

  // Paths are built from validated ids, so a 405 is a method the gateway does not route here. A 404 that carries a
  // ModelArts code came from ModelArts itself (the path is routed); a bare one on a listing means nothing is there.
  const absent =
    code === NO_SUCH_API_CODE ||
    (code === 'ModelArts.4204' && status === 404) ||
    status === 405 ||
    (availability.listing === true && status === 404 && code === '');
  if (absent)
    return availability.api ? new ApiUnavailableError(init, availability.api) : new EndpointNotFoundError(init);
  if (availability.unavailableCodes?.includes(code)) return new EndpointNotFoundError(init);
  if (status === 429 || RATE_LIMIT_CODES.has(code)) {
    return new RateLimitError(init, parseRetryAfter(header(headers, 'retry-after'), now));
  }
  if (AUTH_CODES.has(code) || (status === 401 && !PERMISSION_CODES.has(code))) {
    return new AuthenticationError(init, { tokenExpired: TOKEN_EXPIRED_CODES.has(code) });
  }
  if (status === 403 || PERMISSION_CODES.has(code)) return new PermissionDeniedError(init);
  if (status === 404 || (NOT_FOUND_CODES.has(code) && availability.listing !== true)) return new NotFoundError(init);
  if (status >= 500 || status === 408 || SERVER_TIMEOUT_CODES.has(code)) return new ServerError(init);
  return new BadRequestError(init);
}

/**
 * Whether a failed GET may be sent again: 408, 429 and 5xx (by HTTP status or by the code ModelArts put in it), an
 * attempt that timed out, and a network failure. Never auth, validation or parse errors.
 */
export function isRetryableError(err: unknown): boolean {
  if (err instanceof RateLimitError || err instanceof ServerError || err instanceof TimeoutError) return true;
  if (err instanceof ConnectionError) {
    // Invalid arguments and unmatched mocks are bugs, not a flaky network.
    return !(err.code?.startsWith('UND_ERR_INVALID') || err.code?.startsWith('UND_MOCK'));
  }
  return false;
}
