/**
 * The bot's one model of a training run, whichever ModelArts API it came from.
 *
 * ModelArts has two training APIs. The old one (v1) has jobs with numbered versions: a run is a job version, named by
 * two decimal ids, with a numeric status code (0–22). The new one (v2) has jobs that run once: a run is a job, named
 * by a lowercase UUID, with a string phase (Creating, Pending, Running, …). The two id forms cannot be mistaken for
 * each other, and neither can the two status forms (digits vs a word), which is what lets storage, dedupe keys and
 * button values carry either without a separate "which API" field.
 *
 * Mapping from the wire happens in this folder (`from-v1.ts`, `from-v2.ts`); everything above (alerts, the poller,
 * Slack renderers, watches) works on these types and never branches on the wire format, only on the domain
 * (a v1 job has versions, a v2 job has tasks).
 */
import { CATEGORY_EMOJI, type StatusCategory, trainingJobStatus } from './statuses.js';

export type TrainingApiVersion = 'v1' | 'v2';

/** Names one run: a v1 job version, or a v2 job. */
export type RunRef = { api: 'v1'; jobId: string; versionId: string } | { api: 'v2'; jobId: string };

const V1_ID = /^\d{1,19}$/;
/** v2 job ids as ModelArts issues them: lowercase UUIDs. */
export const V2_JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isV2JobId(id: string): boolean {
  return V2_JOB_ID.test(id);
}

/**
 * The ref named by a (job id, version id) pair as storage and button values keep it: a UUID job id without a version
 * is a v2 job; two decimal ids are a v1 job version; anything else is not a run.
 */
export function refFromParts(jobId: string, versionId: string | null): RunRef | null {
  if (versionId === null || versionId === '') return isV2JobId(jobId) ? { api: 'v2', jobId } : null;
  return V1_ID.test(jobId) && V1_ID.test(versionId) ? { api: 'v1', jobId, versionId } : null;
}

/** The (job id, version id) pair of a ref; v2 runs have no version. */
export function refParts(ref: RunRef): { jobId: string; versionId: string | null } {
  return ref.api === 'v1' ? { jobId: ref.jobId, versionId: ref.versionId } : { jobId: ref.jobId, versionId: null };
}

/** One string per run, for maps and logs: `10/12` for a v1 job version, the UUID for a v2 job. */
export function runKey(ref: RunRef): string {
  return ref.api === 'v1' ? `${ref.jobId}/${ref.versionId}` : ref.jobId;
}

export function sameRun(a: RunRef, b: RunRef): boolean {
  return runKey(a) === runKey(b);
}

// -------------------------------------------------------------------------------------------------------------------
// Status

export interface RunStatus {
  api: TrainingApiVersion;
  /**
   * The status's identity for change detection, storage and dedupe keys: the v1 code in decimal digits (`"11"`), or
   * the v2 phase (`"Failed"`). Two observations are the same status exactly when their keys are equal.
   */
  key: string;
  /** The platform's own word: `JOBSTAT_IMAGE_FAILED`, `Failed`. Shown quietly, for people who search the docs. */
  name: string;
  /** Short lower-case label for sentences: `image build failed`, `queuing`, `running`. */
  label: string;
  /**
   * More detail from the platform where it adds something (v2 secondary phase such as `Queuing` or `CreateFailed`);
   * display only, never part of the identity (ModelArts says not to rely on it).
   */
  detail: string | null;
  category: StatusCategory;
  terminal: boolean;
  emoji: string;
}

const TERMINAL: ReadonlySet<StatusCategory> = new Set(['succeeded', 'failed', 'cancelled']);

function status(
  api: TrainingApiVersion,
  key: string,
  name: string,
  label: string,
  category: StatusCategory,
  detail: string | null = null,
): RunStatus {
  return Object.freeze({
    api,
    key,
    name,
    label,
    detail,
    category,
    terminal: TERMINAL.has(category),
    emoji: CATEGORY_EMOJI[category],
  });
}

/** The statuses of the table's codes, built once: lists map thousands of rows, and statuses are frozen. */
const V1_STATUSES = new Map<number, RunStatus>();

/** A v1 status code as a run status (codes outside the table read "unknown (N)"). */
export function v1Status(code: number): RunStatus {
  const known = V1_STATUSES.get(code);
  if (known) return known;
  const info = trainingJobStatus(code);
  const built = status('v1', String(info.code), info.name, info.label, info.category);
  if (info.category !== 'unknown' || code === 0) V1_STATUSES.set(code, built);
  return built;
}

/**
 * v2 phases (notes/modelarts-v2-api.md §5). `Terminating` stays "running" (the job still holds its resources);
 * `Abnormal` is a failure (creation failed, lost); `Terminated` is a stop, by a person or the maximum run time.
 */
export const V2_PHASES: ReadonlyArray<{ phase: string; label: string; category: StatusCategory }> = Object.freeze([
  { phase: 'Creating', label: 'creating', category: 'waiting' },
  { phase: 'Pending', label: 'pending', category: 'waiting' },
  { phase: 'Running', label: 'running', category: 'running' },
  { phase: 'Terminating', label: 'stopping', category: 'running' },
  { phase: 'Completed', label: 'completed', category: 'succeeded' },
  { phase: 'Failed', label: 'failed', category: 'failed' },
  { phase: 'Abnormal', label: 'abnormal', category: 'failed' },
  { phase: 'Terminated', label: 'stopped', category: 'cancelled' },
]);

/** The phases a v2 job can still leave: the poller's active set. */
export const V2_ACTIVE_PHASES: readonly string[] = Object.freeze(
  V2_PHASES.filter((p) => !TERMINAL.has(p.category)).map((p) => p.phase),
);

const SECONDARY_LABELS: Readonly<Record<string, string>> = {
  Queuing: 'queuing',
  CreateFailed: 'creation failed',
  TerminatedFailed: 'stop failed',
  Lost: 'lost',
};

/** A v2 phase (and secondary phase) as a run status; unknown phases are "unknown", never an error. */
export function v2Status(phase: string, secondaryPhase: string | null = null): RunStatus {
  const known = V2_PHASES.find((p) => p.phase.toLowerCase() === phase.trim().toLowerCase());
  const secondary = secondaryPhase?.trim() || null;
  const detail = secondary && secondary.toLowerCase() !== phase.trim().toLowerCase() ? secondary : null;
  if (!known) {
    const word = phase.trim() || 'Unknown';
    return status('v2', word, word, `unknown (${word})`, 'unknown', detail);
  }
  const label = (detail && SECONDARY_LABELS[detail]) || known.label;
  return status('v2', known.phase, known.phase, label, known.category, detail);
}

/** The status a stored key names (see `RunStatus.key`): decimal digits are v1 codes, words are v2 phases. */
export function statusFromKey(key: string): RunStatus {
  return /^\d{1,6}$/.test(key) ? v1Status(Number(key)) : v2Status(key);
}

// -------------------------------------------------------------------------------------------------------------------
// Runs

/** A run's GPUs or NPUs. `count` 0 means the platform says there are none (a CPU job); no object: not reported. */
export interface Accelerators {
  kind: 'GPU' | 'NPU';
  /** Cards across all nodes; null when the platform does not say. */
  count: number | null;
  /** Product name as ModelArts gives it (`V100`, `GP-Vnt1`, `ascend-snt9b`); null when unknown. */
  type: string | null;
}

export interface RunResources {
  /** Flavor / spec code (`modelarts.p3.large.public`, `modelarts.vm.gpu.p100`). */
  flavor: string | null;
  /** The flavor's human name (`Computing GPU(Vnt1) instance`), when the platform gives one. */
  flavorName: string | null;
  /** Nodes (v2 node_count) or workers (v1 worker_server_num). */
  nodes: number | null;
  accelerators: Accelerators | null;
  /** CPU cores per node, as the platform counts them. */
  cpuCores: number | null;
  /** Memory per node in bytes, when known. */
  memoryBytes: number | null;
  /** Dedicated resource pool (name, else id). */
  pool: string | null;
}

export interface RunParameter {
  name: string;
  value: string;
}

/** An input or output: a dataset or an OBS location. */
export interface RunLocation {
  /** The channel's name (`data_url`, `train_url`, `outputs`), when the platform names it. */
  name: string | null;
  /** `obs://bucket/path/`, `/bucket/path/`, or a dataset label such as `dataset flowers / V003`. */
  location: string;
}

/** Why a run failed, as far as ModelArts tells: one line first, then the evidence. */
export interface RunFailure {
  /** One line a person reads first: `RuntimeError: CUDA out of memory…`, `image build failed`. Null: unknown. */
  reason: string | null;
  /** Where the reason comes from (the strongest source wins: log > task > record > event > status). */
  source: 'log' | 'task' | 'record' | 'event' | 'status' | null;
  exitCode: number | null;
  /** The task (node) that failed first, e.g. `worker-0`. */
  task: string | null;
  /** At most a handful of log lines around the error (not the tail of INFO noise); null when no log was read. */
  excerpt: string[] | null;
}

/** Resource usage series (one value per interval), keyed like ModelArts: cpuUsage, memUsage, gpuUtil, … */
export interface RunUsage {
  series: Record<string, number[]>;
  /** Seconds between points, when known. */
  intervalSeconds: number | null;
}

/** Fractions 0..1 as ModelArts reports them (v1 model metrics). */
export interface RunMetricValues {
  accuracy?: number;
  precision?: number;
  recall?: number;
  f1_score?: number;
}

export interface RunModelMetrics {
  total: RunMetricValues | null;
  classes: Array<RunMetricValues & { class_name: string | null; class_id: number | null }>;
}

/**
 * A run as the product sees it. Every field but `ref` and `status` may be unknown (null or empty): list rows carry
 * less than a detail answer, and the two APIs know different things. Renderers show what there is.
 */
export interface JobRun {
  ref: RunRef;
  /** Job name (v1 job_name, v2 metadata.name). */
  name: string | null;
  /** v1 version name (`V0003`); null for v2 jobs. */
  versionName: string | null;
  description: string | null;
  /** Who created it (v2 user_name), when known. */
  owner: string | null;
  status: RunStatus;
  /** Epoch milliseconds. */
  createdAt: number | null;
  startedAt: number | null;
  /** When it ended, when the platform says (or it can be derived from start + duration for an ended run). */
  endedAt: number | null;
  /** Run time as reported; while running the renderer counts from `startedAt`. */
  durationMs: number | null;
  /** One readable engine label, without repeating the engine name (`PyTorch 1.8.0`, `TensorFlow 1.4.0 python2.7`). */
  engine: string | null;
  /** A custom image (SWR URL), when one is used. */
  image: string | null;
  resources: RunResources;
  parameters: RunParameter[];
  inputs: RunLocation[];
  outputs: RunLocation[];
  /** Where the run writes its logs (v1 log_url, v2 log_export_path), when set. */
  logLocation: string | null;
  code: { dir: string | null; bootFile: string | null; command: string | null };
  modelMetrics: RunModelMetrics | null;
  usage: RunUsage | null;
  /** v2 tasks (`worker-0`, …): the log and metrics endpoints take one. Empty for v1. */
  tasks: string[];
  failure: RunFailure | null;
  tensorboardUrl: string | null;
  /** The run's page in the ModelArts console (a configured template filled in), when one can be built. */
  consoleUrl: string | null;
  /** Quieter identifiers for the bottom of a card (`dataset`, `model`, `pool` …). */
  extraIds: Array<{ label: string; value: string }>;
}

/**
 * A row of a listing that cannot name its run: the v1 all-versions listing documents no job id, so a row may know
 * only its version. Lists show these; nothing can act on them (no ref, so no buttons, no watches, no storage).
 */
export interface UnnamedRun extends Omit<JobRun, 'ref'> {
  ref: null;
  /** The ids the listing did give. */
  jobId: string | null;
  versionId: string | null;
}

/** What a list shows: a run, or a row that could not be tied to one. */
export type ListedRun = JobRun | UnnamedRun;

/** The job and version ids a listed run shows, named or not. */
export function listedIds(run: ListedRun): { jobId: string | null; versionId: string | null } {
  return run.ref === null ? { jobId: run.jobId, versionId: run.versionId } : refParts(run.ref);
}

/** Resources nobody reported. */
export function emptyResources(): RunResources {
  return {
    flavor: null,
    flavorName: null,
    nodes: null,
    accelerators: null,
    cpuCores: null,
    memoryBytes: null,
    pool: null,
  };
}

/** A run that is known by its ref and status only: the base every mapper fills in. */
export function emptyRun(ref: RunRef, status: RunStatus): JobRun {
  return {
    ref,
    name: null,
    versionName: null,
    description: null,
    owner: null,
    status,
    createdAt: null,
    startedAt: null,
    endedAt: null,
    durationMs: null,
    engine: null,
    image: null,
    resources: emptyResources(),
    parameters: [],
    inputs: [],
    outputs: [],
    logLocation: null,
    code: { dir: null, bootFile: null, command: null },
    modelMetrics: null,
    usage: null,
    tasks: [],
    failure: null,
    tensorboardUrl: null,
    consoleUrl: null,
    extraIds: [],
  };
}

function fillRecord<T extends object>(primary: T, fallback: T): T {
  const out = { ...primary } as Record<string, unknown>;
  for (const [key, value] of Object.entries(fallback)) {
    const own = out[key];
    if (own === null || own === undefined || (Array.isArray(own) && own.length === 0)) out[key] = value;
  }
  return out as T;
}

/**
 * `primary` with what it does not know taken from `fallback` (a listing row completed by a detail record, or the
 * other way round). Field by field, resources and code one level deeper; the ref and status stay `primary`'s: the
 * status is what a change is about, even when the other record has moved on.
 */
export function fillRun(primary: JobRun, fallback: JobRun): JobRun {
  return {
    ...fillRecord(primary, fallback),
    ref: primary.ref,
    status: primary.status,
    resources: fillRecord(primary.resources, fallback.resources),
    code: fillRecord(primary.code, fallback.code),
  };
}
