/**
 * One typed error hierarchy for everything the ModelArts layer can fail with. Callers branch on classes (never on
 * message text); `userMessage` is one human line the Slack layer can show after adding its own context. Which answer
 * becomes which class is decided in error-mapping.ts.
 * No message ever contains a credential: upstream strings are scrubbed by the client before they get here.
 */

/** Longest upstream message we keep; ModelArts sometimes returns stack-trace-like blobs. */
export const MAX_UPSTREAM_MESSAGE = 300;

export class ModelArtsError extends Error {
  /** One human sentence fragment, no secrets, no newlines. */
  readonly userMessage: string;

  constructor(message: string, userMessage: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.userMessage = oneLine(userMessage);
  }
}

export interface ApiErrorInit {
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  requestId: string | null;
  /** `METHOD /path/{template}`, e.g. `GET /v1/{project_id}/training-jobs/{job_id}/versions/{version_id}`. */
  endpoint: string;
}

/** ModelArts (or its gateway) answered with an error. */
export class ApiError extends ModelArtsError {
  readonly status: number;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly requestId: string | null;
  readonly endpoint: string;

  constructor(init: ApiErrorInit, userMessage?: string) {
    const code = init.errorCode ? ` ${init.errorCode}` : '';
    const detail = init.errorMessage ? `: ${init.errorMessage}` : '';
    const req = init.requestId ? ` (request ${init.requestId})` : '';
    super(
      `${init.endpoint} failed with HTTP ${init.status}${code}${detail}${req}`,
      userMessage ?? `ModelArts returned an error (HTTP ${init.status}${code})${detail}`,
    );
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.errorMessage = init.errorMessage;
    this.requestId = init.requestId;
    this.endpoint = init.endpoint;
  }
}

export class AuthenticationError extends ApiError {
  /** The token expired or must be renewed: a token provider may refresh once and retry. */
  readonly tokenExpired: boolean;
  constructor(init: ApiErrorInit, options: { tokenExpired?: boolean; userMessage?: string } = {}) {
    super(
      init,
      options.userMessage ??
        `ModelArts rejected the bot's credentials${codeSuffix(init)} — check the configured access key, token or IAM user`,
    );
    this.tokenExpired = options.tokenExpired ?? false;
  }
}

export class PermissionDeniedError extends ApiError {
  constructor(init: ApiErrorInit) {
    super(init, `The bot's ModelArts account is not allowed to do that${codeSuffix(init)}${upstream(init)}`);
  }
}

export class NotFoundError extends ApiError {
  constructor(init: ApiErrorInit, userMessage?: string) {
    super(init, userMessage ?? `Not found in ModelArts${codeSuffix(init)}`);
  }
}

/**
 * The API itself does not exist here (a gateway's APIG(W).0101, ModelArts.4204, and for listings a 405 or a bare 404):
 * e.g. the all-versions listing switched off. Says nothing about any job.
 */
export class EndpointNotFoundError extends NotFoundError {
  constructor(init: ApiErrorInit, userMessage?: string) {
    super(init, userMessage ?? `This ModelArts endpoint does not offer ${init.endpoint}${codeSuffix(init)}`);
  }
}

/** The two training job APIs: old-version (v1, numeric ids) and new-version (v2, UUIDs). */
export type TrainingApi = 'v1' | 'v2';

const API_NAMES: Readonly<Record<TrainingApi, string>> = {
  v1: 'old-version (v1) training API',
  v2: 'new-version (v2) training API',
};

/**
 * A whole training API is missing on this account or region: an endpoint every account with that API has (the job
 * list, the search, a job's detail) is not routed. Distinct from "this job does not exist" (NotFoundError) and from
 * one optional endpoint being switched off (a plain EndpointNotFoundError).
 */
export class ApiUnavailableError extends EndpointNotFoundError {
  readonly api: TrainingApi;
  constructor(init: ApiErrorInit, api: TrainingApi) {
    super(init, `The ${API_NAMES[api]} is not available on this ModelArts account or region${codeSuffix(init)}`);
    this.api = api;
  }
}

/** Whether `err` says the `api` training API is missing here (so asking it again is pointless). */
export function isApiUnavailable(err: unknown, api: TrainingApi): boolean {
  return err instanceof ApiUnavailableError && err.api === api;
}

export class RateLimitError extends ApiError {
  /** From Retry-After; null when ModelArts did not say. */
  readonly retryAfterMs: number | null;
  constructor(init: ApiErrorInit, retryAfterMs: number | null) {
    const wait = retryAfterMs !== null ? ` — try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s` : '';
    super(init, `ModelArts is rate limiting the bot${codeSuffix(init)}${wait}`);
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx, and 408 (ModelArts.4205/6100 "backend timeout"): the service failed, not the request. */
export class ServerError extends ApiError {
  constructor(init: ApiErrorInit) {
    super(init, `ModelArts is having trouble (HTTP ${init.status}${init.errorCode ? ` ${init.errorCode}` : ''})`);
  }
}

export class BadRequestError extends ApiError {
  constructor(init: ApiErrorInit) {
    super(init, `ModelArts refused the request${codeSuffix(init)}${upstream(init)}`);
  }
}

/** The answer was larger than the configured cap; the request was cut off before reading it all. */
export class ResponseTooLargeError extends ModelArtsError {
  readonly endpoint: string;
  readonly maxBytes: number;
  /** What Content-Length announced, or null when the body went past the cap while streaming. */
  readonly declaredBytes: number | null;
  constructor(endpoint: string, maxBytes: number, declaredBytes: number | null) {
    const size = declaredBytes === null ? `more than ${formatBytes(maxBytes)}` : formatBytes(declaredBytes);
    super(
      `${endpoint}: response of ${size} exceeds the ${maxBytes}-byte cap (MODELARTS_MAX_RESPONSE_BYTES)`,
      `ModelArts sent an answer larger than ${formatBytes(maxBytes)} for ${endpoint}; the bot stopped reading it`,
    );
    this.endpoint = endpoint;
    this.maxBytes = maxBytes;
    this.declaredBytes = declaredBytes;
  }
}

/** The IAM token is scoped to a project other than the one the bot addresses: every call would be refused. */
export class ProjectMismatchError extends ModelArtsError {
  readonly tokenProjectId: string;
  readonly configuredProjectId: string;
  constructor(tokenProjectId: string, configuredProjectId: string, scope: string) {
    super(
      `IAM token project ${tokenProjectId} differs from MODELARTS_PROJECT_ID ${configuredProjectId}`,
      `The IAM token is for project ${tokenProjectId} (${scope}), but MODELARTS_PROJECT_ID is ${configuredProjectId}: set MODELARTS_PROJECT_ID to ${tokenProjectId} or scope the token to ${configuredProjectId}`,
    );
    this.tokenProjectId = tokenProjectId;
    this.configuredProjectId = configuredProjectId;
  }
}

/** No complete answer within the time limit (per attempt or overall). */
export class TimeoutError extends ModelArtsError {
  readonly endpoint: string;
  readonly timeoutMs: number;
  constructor(endpoint: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      `${endpoint} timed out after ${timeoutMs} ms`,
      `ModelArts did not answer within ${formatSeconds(timeoutMs)}`,
      options,
    );
    this.endpoint = endpoint;
    this.timeoutMs = timeoutMs;
  }
}

/** Could not reach ModelArts (DNS, refused, reset, TLS). */
export class ConnectionError extends ModelArtsError {
  readonly endpoint: string;
  /** Node/undici error code, e.g. ECONNREFUSED, UND_ERR_SOCKET. */
  readonly code: string | null;
  constructor(endpoint: string, code: string | null, options?: { cause?: unknown }) {
    super(
      `${endpoint}: could not reach ModelArts${code ? ` (${code})` : ''}`,
      `Could not reach ModelArts${code ? ` (${code})` : ''}`,
      options,
    );
    this.endpoint = endpoint;
    this.code = code;
  }
}

/** The body was not JSON, or not the shape this endpoint returns. */
export class ResponseParseError extends ModelArtsError {
  readonly endpoint: string;
  readonly status: number;
  readonly detail: string;
  constructor(endpoint: string, status: number, detail: string, options?: { cause?: unknown }) {
    super(
      `${endpoint}: unreadable response (HTTP ${status}): ${truncate(oneLine(detail), 200)}`,
      'ModelArts sent a response the bot could not read',
      options,
    );
    this.endpoint = endpoint;
    this.status = status;
    this.detail = truncate(oneLine(detail), 500);
  }
}

export type IdKind =
  | 'job_id'
  | 'version_id'
  | 'task_id'
  | 'dataset_id'
  | 'workspace_id'
  | 'version_ids'
  | 'project_id'
  | 'training_job_id'
  | 'training_task_id';

const ID_DESCRIPTIONS: Readonly<Record<IdKind, string>> = {
  job_id: 'a training job id (digits only)',
  training_job_id: 'a new-version training job id (a UUID like 3faf5c03-aaa1-4cbe-879d-24b05d997347)',
  training_task_id: 'a training task id (worker-0, worker-1, …)',
  version_id: 'a version id (digits only)',
  task_id: 'a processing task id (letters and digits)',
  dataset_id: 'a dataset id (letters, digits and -)',
  workspace_id: 'a workspace id (letters, digits, - and _)',
  version_ids: 'a dataset version id (letters, digits and -)',
  project_id: 'a project id (letters, digits, - and _)',
};

/** Rejected before any request was sent. */
export class InvalidIdError extends ModelArtsError {
  readonly kind: IdKind;
  /** The offending input, quoted and truncated for display (still needs escaping before mrkdwn). */
  readonly shown: string;
  constructor(kind: IdKind, value: unknown) {
    const shown = truncate(JSON.stringify(typeof value === 'string' ? value : String(value)) ?? '""', 42);
    super(`Invalid ${kind}: ${shown}`, `${shown} is not ${ID_DESCRIPTIONS[kind]}`);
    this.kind = kind;
    this.shown = shown;
  }
}

function codeSuffix(init: ApiErrorInit): string {
  return init.errorCode ? ` (${init.errorCode})` : ` (HTTP ${init.status})`;
}

function upstream(init: ApiErrorInit): string {
  return init.errorMessage ? `: ${init.errorMessage}` : '';
}

/** One line without control characters: upstream text ends up in terminals, logs and Slack. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
