/**
 * Fault injection: rules matched per request in the order they were added. Latency rules add up; the first matching
 * failure rule decides the answer. A rule with `times` is consumed by that many matching requests, then removed.
 */

export const ENDPOINT_NAMES = [
  'listTrainingJobs',
  'listTrainingJobVersions',
  'getTrainingJobVersion',
  'listJobVersionStatuses',
  'getLogFileNames',
  'getAomLog',
  'listTrainingJobConfigs',
  'listVisualizationJobs',
  'getVisualizationJob',
  'listProcessorTasks',
  'getProcessorTask',
  'searchTrainingJobs',
  'getTrainingJob',
  'stopTrainingJob',
  'getTaskLogPreview',
  'getTaskLogUrl',
  'listTrainingJobEvents',
  'getTrainingJobMetrics',
  'iamTokens',
] as const;

export type EndpointName = (typeof ENDPOINT_NAMES)[number];

export type FaultKind =
  | 'latency'
  | 'rateLimit'
  | 'serverError'
  | 'hang'
  | 'malformed'
  | 'endpointOff'
  | 'reset'
  | 'hugeBody';

export interface FaultInput {
  kind: FaultKind;
  /** One endpoint, or '*' (default) for every ModelArts endpoint; IAM (`iamTokens`) is only hit when named. */
  endpoint?: EndpointName | '*';
  /** Only the next N matching requests; default: until removed. */
  times?: number;
  /** latency: delay before answering. */
  ms?: number;
  /** rateLimit: Retry-After in seconds (default 1); null sends no Retry-After. */
  retryAfterSeconds?: number | null;
  /** serverError: 500 (default), 502, 503 or 504. */
  status?: number;
  /** rateLimit/serverError: error_code to send instead of the default (APIG.0308, ModelArts.0010, …). */
  code?: string;
  /** malformed: the exact body to send; default the real answer with the docs' `"engine_type": ,` spliced in. */
  body?: string;
  /** hugeBody: how many bytes to stream (default 64 MiB); sent without ever holding them in memory. */
  bytes?: number;
  /** hugeBody: announce the size in Content-Length up front (default: chunked, size unknown until the end). */
  declareLength?: boolean;
}

export interface Fault extends Required<Pick<FaultInput, 'kind' | 'endpoint'>> {
  id: number;
  /** Requests left; null = unlimited. */
  remaining: number | null;
  ms?: number;
  retryAfterSeconds?: number | null;
  status?: number;
  code?: string;
  body?: string;
  bytes?: number;
  declareLength?: boolean;
}

export class FaultInputError extends Error {}

const KINDS: readonly FaultKind[] = [
  'latency',
  'rateLimit',
  'serverError',
  'hang',
  'malformed',
  'endpointOff',
  'reset',
  'hugeBody',
];

function validate(input: FaultInput): Fault {
  if (!input || typeof input !== 'object') throw new FaultInputError('a fault must be an object');
  if (!KINDS.includes(input.kind)) throw new FaultInputError(`kind must be one of ${KINDS.join(', ')}`);
  const endpoint = input.endpoint ?? '*';
  if (endpoint !== '*' && !(ENDPOINT_NAMES as readonly string[]).includes(endpoint)) {
    throw new FaultInputError(`endpoint must be '*' or one of ${ENDPOINT_NAMES.join(', ')}`);
  }
  if (input.times !== undefined && (!Number.isInteger(input.times) || input.times < 1)) {
    throw new FaultInputError('times must be a positive integer');
  }
  if (input.kind === 'latency' && (typeof input.ms !== 'number' || !(input.ms >= 0) || input.ms > 600_000)) {
    throw new FaultInputError('latency needs ms from 0 to 600000');
  }
  if (input.status !== undefined && (!Number.isInteger(input.status) || input.status < 500 || input.status > 599)) {
    throw new FaultInputError('status must be a 5xx code');
  }
  if (
    input.retryAfterSeconds !== undefined &&
    input.retryAfterSeconds !== null &&
    (typeof input.retryAfterSeconds !== 'number' || input.retryAfterSeconds < 0)
  ) {
    throw new FaultInputError('retryAfterSeconds must be a non-negative number or null');
  }
  if (input.bytes !== undefined && (!Number.isSafeInteger(input.bytes) || input.bytes < 1 || input.bytes > 2 ** 40)) {
    throw new FaultInputError('bytes must be a positive whole number (at most 1 TiB)');
  }
  const fault: Fault = { id: 0, kind: input.kind, endpoint, remaining: input.times ?? null };
  if (input.ms !== undefined) fault.ms = input.ms;
  if (input.retryAfterSeconds !== undefined) fault.retryAfterSeconds = input.retryAfterSeconds;
  if (input.status !== undefined) fault.status = input.status;
  if (input.code !== undefined) fault.code = String(input.code);
  if (input.body !== undefined) fault.body = String(input.body);
  if (input.kind === 'hugeBody') {
    fault.bytes = input.bytes ?? 64 * 1024 * 1024;
    fault.declareLength = input.declareLength === true;
  }
  return fault;
}

export interface FaultDecision {
  delayMs: number;
  fault: Fault | null;
}

export class Faults {
  private rules: Fault[] = [];
  private nextId = 1;

  /** Adds a rule and returns it (with its id, for removal). */
  add(input: FaultInput): Fault {
    const fault = validate(input);
    fault.id = this.nextId++;
    this.rules.push(fault);
    return { ...fault };
  }

  list(): Fault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  /** Removes every rule, or every rule for one endpoint ('*' rules included only when clearing '*'). */
  clear(endpoint?: EndpointName | '*'): void {
    this.rules = endpoint === undefined ? [] : this.rules.filter((r) => r.endpoint !== endpoint);
  }

  /** A persistent latency for every ModelArts endpoint (or one), replacing the previous such setting. */
  setLatency(ms: number, endpoint: EndpointName | '*' = '*'): void {
    this.rules = this.rules.filter((r) => !(r.kind === 'latency' && r.endpoint === endpoint && r.remaining === null));
    if (ms > 0) this.add({ kind: 'latency', ms, endpoint });
  }

  /** The all-versions endpoint answers 404 APIG.0101 like a gateway without that API (or is back). */
  setAllVersionsOff(off: boolean): void {
    this.rules = this.rules.filter((r) => !(r.kind === 'endpointOff' && r.endpoint === 'listJobVersionStatuses'));
    if (off) this.add({ kind: 'endpointOff', endpoint: 'listJobVersionStatuses' });
  }

  get allVersionsOff(): boolean {
    return this.rules.some(
      (r) => r.kind === 'endpointOff' && r.endpoint === 'listJobVersionStatuses' && r.remaining === null,
    );
  }

  rateLimit(options: Omit<FaultInput, 'kind'> = {}): Fault {
    return this.add({ ...options, kind: 'rateLimit' });
  }

  serverError(options: Omit<FaultInput, 'kind'> = {}): Fault {
    return this.add({ ...options, kind: 'serverError' });
  }

  hang(options: Omit<FaultInput, 'kind'> = {}): Fault {
    return this.add({ ...options, kind: 'hang' });
  }

  malformed(options: Omit<FaultInput, 'kind'> = {}): Fault {
    return this.add({ ...options, kind: 'malformed' });
  }

  reset(options: Omit<FaultInput, 'kind'> = {}): Fault {
    return this.add({ ...options, kind: 'reset' });
  }

  /** The answer becomes `bytes` of JSON-looking text, streamed (to test a client's response size cap). */
  hugeBody(options: Omit<FaultInput, 'kind'> = {}): Fault {
    return this.add({ ...options, kind: 'hugeBody' });
  }

  /** Decides (and consumes) the faults for one request to `endpoint`. */
  match(endpoint: EndpointName): FaultDecision {
    let delayMs = 0;
    let fault: Fault | null = null;
    for (const rule of this.rules) {
      const applies = rule.endpoint === endpoint || (rule.endpoint === '*' && endpoint !== 'iamTokens');
      if (!applies) continue;
      if (rule.kind === 'latency') {
        delayMs += rule.ms ?? 0;
      } else if (fault === null) {
        fault = { ...rule };
      } else {
        continue;
      }
      if (rule.remaining !== null) rule.remaining--;
    }
    this.rules = this.rules.filter((r) => r.remaining === null || r.remaining > 0);
    return { delayMs, fault };
  }
}
