/**
 * The ModelArts simulator: a real HTTP server speaking ModelArts' wire formats, with IAM token issuing, AK/SK signature
 * verification, a seeded project whose jobs move through statuses on a schedule, and fault injection. It serves the
 * old-version (v1) training API and the new-version (v2) one, or only one of them, with OTC's or Huawei Cloud's
 * gateway codes. Used by the integration tests, the end-to-end tests, the benchmarks and `npm run demo`;
 * `npm run simulator` runs it alone.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type IamUser, SimAuth } from './auth.js';
import type { ControlDeps } from './control.js';
import { ENDPOINT_NAMES, type EndpointName, type FaultInput, Faults } from './faults.js';
import type { SimData } from './model.js';
import { createRandom } from './random.js';
import { SEEDED, seedData } from './seed.js';
import { createRequestHandler, type SimAccount } from './server.js';
import {
  type AddJobInput,
  type AddVersionsOptions,
  type ScheduleStepInput,
  SimState,
  type StatusChange,
} from './state.js';
import type { SimV2Job, V2Phase } from './v2/model.js';
import { ObsLinks } from './v2/obs.js';
import type { SearchOffsetMode } from './v2/routes.js';
import { seedV2Jobs, type V2JobInput } from './v2/seed.js';
import { type PhaseChange, V2State, type V2StepInput } from './v2/state.js';

export type { IamUser } from './auth.js';
export type { EndpointName, Fault, FaultInput, FaultKind } from './faults.js';
export { ENDPOINT_NAMES, Faults } from './faults.js';
export type {
  SimConfig,
  SimData,
  SimJob,
  SimProcessorTask,
  SimVersion,
  SimVizJob,
} from './model.js';
export { SEEDED } from './seed.js';
export type { SimAccount } from './server.js';
export type { AddJobInput, AddVersionsOptions, ScheduleStepInput, StatusChange } from './state.js';
export { SimulatorError } from './state.js';
export type { SimV2Event, SimV2Failure, SimV2Job, V2Phase } from './v2/model.js';
export { V2_PHASES } from './v2/model.js';
export type { SearchOffsetMode } from './v2/routes.js';
export type { V2JobInput } from './v2/seed.js';
export { SEEDED_V2 } from './v2/seed.js';
export type { PhaseChange, V2StepInput } from './v2/state.js';

export const DEFAULT_CREDENTIALS = Object.freeze({
  projectId: 'sim-project',
  projectName: 'eu-de_sim',
  accessKey: 'SIMACCESSKEY',
  secretKey: 'sim-secret-key',
  token: 'sim-token',
  iamUser: Object.freeze({ domain: 'sim-domain', name: 'sim-user', password: 'sim-password' }),
});

export const DEFAULT_SEED = 42;
export const DEFAULT_GENERATED_JOBS = 30;
export const DEFAULT_GENERATED_V2_JOBS = 20;
/** The v2 log preview returns at most this much of a log, its newest part (notes v2 §7). */
export const LOG_PREVIEW_CAP_BYTES = 5 * 1024 * 1024;

export interface SimulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  auth?: {
    projectId?: string;
    projectName?: string;
    accessKey?: string;
    secretKey?: string;
    /** Require this X-Security-Token with AK/SK (temporary credentials). */
    securityToken?: string;
    token?: string;
    iamUsers?: IamUser[];
    /** Lifetime of IAM-issued tokens (default 24 h). */
    tokenTtlMs?: number;
  };
  /** Simulator time (job schedules, durations, logs). Default Date.now. */
  clock?: () => number;
  /** Time for X-Sdk-Date skew and token expiry: the clients' real clock, so a fake `clock` does not break signing. */
  authClock?: () => number;
  /** Settle due transitions on a timer (real time). Default: on when no `clock` is given. */
  autoSettle?: boolean;
  /** Latency before every ModelArts answer. */
  latencyMs?: number;
  generatedJobs?: number;
  /** Faults active from the start. */
  faults?: FaultInput[];
  allVersionsOff?: boolean;
  /** Send job_id/job_name in all-versions rows (not in the 2019 docs; default true). */
  allVersionsJobFields?: boolean;
  /** Serve /__sim/ (default true). */
  control?: boolean;
  /** Start a new run (spawnRun) every this many ms of real time, so a long demo keeps changing (default off). */
  churnEveryMs?: number;
  /** Which training APIs the account has (default both); the other answers 404 APIG(W).0101. */
  apis?: 'v1' | 'v2' | 'both';
  /** Gateway error prefix: `APIG.` (OTC, default) or `APIGW.` (Huawei Cloud). */
  cloud?: 'otc' | 'huawei';
  /** Generated v2 jobs besides the showcase ones (default 20). */
  generatedV2Jobs?: number;
  /** How the v2 search reads `offset`: a page index (the docs, default) or a record offset (some sources). */
  searchOffset?: SearchOffsetMode;
  /** Largest v2 log preview (default 5 MB); longer logs send their newest part. */
  logPreviewCapBytes?: number;
}

/** The v2 jobs, in process (the control API has the same under /__sim/v2/). */
export interface SimulatorV2 {
  readonly jobs: ReadonlyMap<string, SimV2Job>;
  setPhase(jobId: string, phase: V2Phase, secondaryPhase?: string): PhaseChange | null;
  /** Replaces a job's planned transitions (steps relative to now). */
  schedule(jobId: string, steps: V2StepInput[]): void;
  addJob(input: V2JobInput): SimV2Job;
  spawnRun(): SimV2Job;
  onPhaseChange(listener: (change: PhaseChange) => void): () => void;
  setSearchOffset(mode: SearchOffsetMode): void;
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:8700 (MODELARTS_ENDPOINT). */
  readonly url: string;
  /** IAM URL ending in /v3 (OS_AUTH_URL). */
  readonly iamUrl: string;
  readonly port: number;
  readonly projectId: string;
  readonly credentials: {
    projectId: string;
    projectName: string;
    accessKey: string;
    secretKey: string;
    token: string;
    iamUsers: IamUser[];
  };
  /** The seeded world (mutable; prefer the methods, which keep indexes and schedules consistent). */
  readonly state: SimData;
  readonly faults: Faults;
  now(): number;
  /** Moves simulated time forward; returns the transitions that happened. */
  advance(ms: number): StatusChange[];
  /** Applies transitions that are due at the current time. */
  settle(): StatusChange[];
  setVersionStatus(jobId: number, versionId: number, status: number): StatusChange | null;
  /** Replaces a version's planned transitions (steps relative to now). */
  schedule(jobId: number, versionId: number, steps: ScheduleStepInput[]): void;
  addJob(input: AddJobInput): { jobId: number; versionIds: number[] };
  addVersions(count: number, options?: AddVersionsOptions): Array<{ jobId: number; versionId: number }>;
  /** One more run of a generated job (or a new job): queued now, running soon, an outcome minutes later. */
  spawnRun(): { jobId: number; versionId: number };
  onStatusChange(listener: (change: StatusChange) => void): () => void;
  /** Requests per endpoint name since start (or the last reset); `unmatched` counts unknown paths. */
  requestCounts(): Record<EndpointName | 'unmatched', number>;
  resetRequestCounts(): void;
  /** IAM-issued tokens stop working (APIG.0307), as after a password change. */
  revokeTokens(token?: string): number;
  tokensIssued(): number;
  /** The values of the IAM tokens issued so far. */
  issuedTokens(): string[];
  readonly v2: SimulatorV2;
  /** The account's cloud and training APIs; `setApis` switches an API off or on at run time. */
  readonly account: Readonly<SimAccount>;
  setApis(apis: Partial<SimAccount['apis']>): void;
  /** Bytes written by hugeBody faults so far. */
  hugeBodyBytesSent(): number;
  close(): Promise<void>;
}

const CHANGE_LOG_SIZE = 10_000;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? DEFAULT_SEED;
  const clock = options.clock ?? Date.now;
  const authClock = options.authClock ?? Date.now;
  const generatedJobs = options.generatedJobs ?? DEFAULT_GENERATED_JOBS;
  if (!Number.isInteger(generatedJobs) || generatedJobs < 0 || generatedJobs > 100_000) {
    throw new RangeError('generatedJobs must be an integer from 0 to 100000');
  }
  const credentials = {
    projectId: options.auth?.projectId ?? DEFAULT_CREDENTIALS.projectId,
    projectName: options.auth?.projectName ?? DEFAULT_CREDENTIALS.projectName,
    accessKey: options.auth?.accessKey ?? DEFAULT_CREDENTIALS.accessKey,
    secretKey: options.auth?.secretKey ?? DEFAULT_CREDENTIALS.secretKey,
    token: options.auth?.token ?? DEFAULT_CREDENTIALS.token,
    iamUsers: options.auth?.iamUsers ?? [{ ...DEFAULT_CREDENTIALS.iamUser }],
  };
  const auth = new SimAuth(
    {
      ...credentials,
      securityToken: options.auth?.securityToken,
      tokenTtlMs: options.auth?.tokenTtlMs ?? 24 * 60 * 60 * 1000,
    },
    authClock,
  );
  const generatedV2 = options.generatedV2Jobs ?? DEFAULT_GENERATED_V2_JOBS;
  if (!Number.isInteger(generatedV2) || generatedV2 < 0 || generatedV2 > 100_000) {
    throw new RangeError('generatedV2Jobs must be an integer from 0 to 100000');
  }
  const data = seedData({ seed, generatedJobs, now: clock() });
  const state = new SimState(data, clock, createRandom(seed));
  const v2Jobs = new Map(seedV2Jobs(createRandom(seed).fork('v2'), clock(), generatedV2).map((j) => [j.id, j]));
  const v2State = new V2State(v2Jobs, () => state.now(), createRandom(seed).fork('v2-runtime'));
  state.attach(v2State);
  const account: SimAccount = {
    cloud: options.cloud ?? 'otc',
    apis: { v1: options.apis !== 'v2', v2: options.apis !== 'v1' },
  };
  let searchOffset: SearchOffsetMode = options.searchOffset ?? 'page';
  const stats = { hugeBodyBytesSent: 0 };
  const faults = new Faults();
  if (options.latencyMs) faults.setLatency(options.latencyMs);
  if (options.allVersionsOff) faults.setAllVersionsOff(true);
  for (const f of options.faults ?? []) faults.add(f);

  const counts = new Map<string, number>();
  const requestCounts = () => {
    const out = { unmatched: 0 } as Record<EndpointName | 'unmatched', number>;
    for (const name of ENDPOINT_NAMES) out[name] = 0;
    for (const [name, n] of counts) out[name as EndpointName] = n;
    return out;
  };

  const changeLog: Array<StatusChange & { seq: number }> = [];
  let seq = 0;
  state.onStatusChange((change) => {
    changeLog.push({ ...change, seq: ++seq });
    if (changeLog.length > CHANGE_LOG_SIZE) changeLog.splice(0, changeLog.length - CHANGE_LOG_SIZE);
  });
  const v2ChangeLog: Array<PhaseChange & { seq: number }> = [];
  let v2Seq = 0;
  v2State.onPhaseChange((change) => {
    v2ChangeLog.push({ ...change, seq: ++v2Seq });
    if (v2ChangeLog.length > CHANGE_LOG_SIZE) v2ChangeLog.splice(0, v2ChangeLog.length - CHANGE_LOG_SIZE);
  });

  let baseUrl = '';
  const obs = new ObsLinks(
    () => state.now(),
    () => baseUrl,
  );
  const v2Context = {
    state: v2State,
    get searchOffset() {
      return searchOffset;
    },
    logPreviewCapBytes: options.logPreviewCapBytes ?? LOG_PREVIEW_CAP_BYTES,
    logLink: (job: SimV2Job, task: string, contentType: string) => obs.link(job, task, contentType),
  };
  const hung = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const control: ControlDeps | null =
    options.control === false
      ? null
      : {
          state,
          faults,
          auth,
          requestCounts,
          resetRequestCounts: () => counts.clear(),
          changesAfter: (after) => ({ last: seq, changes: changeLog.filter((c) => c.seq > after) }),
          summary: () => ({
            url: baseUrl,
            projectId: credentials.projectId,
            seed,
            now: state.now(),
            nextTransitionAt: state.nextTransitionAt(),
            jobs: data.jobs.size,
            versions: data.versions.size,
            configs: data.configs.length,
            visualizationJobs: data.vizJobs.size,
            processorTasks: data.tasks.size,
            allVersionsOff: faults.allVersionsOff,
            faults: faults.list(),
            seeded: SEEDED,
            v2Jobs: v2Jobs.size,
            cloud: account.cloud,
            apis: { ...account.apis },
            searchOffset,
            hugeBodyBytesSent: stats.hugeBodyBytesSent,
          }),
          v2: {
            state: v2State,
            account,
            searchOffset: () => searchOffset,
            setSearchOffset: (mode) => {
              searchOffset = mode;
            },
            changesAfter: (after) => ({ last: v2Seq, changes: v2ChangeLog.filter((c) => c.seq > after) }),
          },
        };

  const server: Server = createServer(
    { keepAliveTimeout: 30_000 },
    createRequestHandler({
      state,
      auth,
      faults,
      control,
      baseUrl: () => baseUrl,
      allVersionsJobFields: options.allVersionsJobFields ?? true,
      count: (endpoint) => counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1),
      hung,
      timers,
      account,
      v2: v2Context,
      obs,
      stats,
    }),
  );

  // Real time: settle at the next planned transition so listeners hear about changes when they happen.
  let settleTimer: NodeJS.Timeout | undefined;
  let armedFor = Number.POSITIVE_INFINITY;
  let closed = false;
  const arm = () => {
    if (closed) return;
    const next = state.nextTransitionAt();
    if (next === null || (settleTimer !== undefined && next >= armedFor)) return;
    if (settleTimer) clearTimeout(settleTimer);
    armedFor = next;
    const wait = Math.min(Math.max(0, next - state.now()), 60 * 60 * 1000);
    settleTimer = setTimeout(() => {
      settleTimer = undefined;
      armedFor = Number.POSITIVE_INFINITY;
      state.settle();
      arm();
    }, wait);
    settleTimer.unref();
  };
  if (options.autoSettle ?? options.clock === undefined) {
    state.onScheduleChange(arm);
    arm();
  }
  const churn =
    options.churnEveryMs && options.churnEveryMs > 0
      ? setInterval(() => {
          if (account.apis.v1) state.spawnRun();
          if (account.apis.v2) v2State.spawnRun();
        }, options.churnEveryMs)
      : undefined;
  churn?.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${shownHost}:${port}`;

  return {
    url: baseUrl,
    iamUrl: `${baseUrl}/v3`,
    port,
    projectId: credentials.projectId,
    credentials,
    state: data,
    faults,
    now: () => state.now(),
    advance: (ms) => state.advance(ms),
    settle: () => state.settle(),
    setVersionStatus: (jobId, versionId, status) => state.setVersionStatus(jobId, versionId, status),
    schedule: (jobId, versionId, steps) => state.schedule(jobId, versionId, steps),
    addJob: (input) => state.addJob(input),
    addVersions: (count, opts) => state.addVersions(count, opts),
    spawnRun: () => state.spawnRun(),
    onStatusChange: (listener) => state.onStatusChange(listener),
    requestCounts,
    resetRequestCounts: () => counts.clear(),
    revokeTokens: (token) => auth.revokeTokens(token),
    tokensIssued: () => auth.tokensIssued,
    issuedTokens: () => auth.issuedTokens(),
    v2: {
      jobs: v2Jobs,
      setPhase: (jobId, phase, secondaryPhase) => v2State.setPhase(jobId, phase, secondaryPhase),
      schedule: (jobId, steps) => v2State.schedule(jobId, steps),
      addJob: (input) => v2State.addJob(input),
      spawnRun: () => v2State.spawnRun(),
      onPhaseChange: (listener) => v2State.onPhaseChange(listener),
      setSearchOffset: (mode) => {
        searchOffset = mode;
      },
    },
    account,
    setApis: (apis) => {
      if (apis.v1 !== undefined) account.apis.v1 = apis.v1;
      if (apis.v2 !== undefined) account.apis.v2 = apis.v2;
    },
    hugeBodyBytesSent: () => stats.hugeBodyBytesSent,
    close: async () => {
      if (closed) return;
      closed = true;
      if (settleTimer) clearTimeout(settleTimer);
      if (churn) clearInterval(churn);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const res of hung) res.destroy();
      hung.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
