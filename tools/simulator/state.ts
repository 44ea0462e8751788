/**
 * The simulator's mutable world and its clock. Status changes are planned as absolute times and applied lazily (on
 * every request, on `advance`, and by a timer in real-time mode) at their planned time, so the data a client sees does
 * not depend on how often it polls. Lookups go through maps and the schedule through a heap: nothing scans all
 * versions per request except the listings that have to.
 */
import { trainingJobStatus } from '../../src/modelarts/statuses.js';
import { DATASETS, ENGINES, FLAVORS, POOLS } from './catalog.js';
import { type JobTheme, makeJobName, makeVersion, pickTheme, type VersionPlan } from './generate.js';
import { MinHeap } from './heap.js';
import type { SimData, SimEngine, SimFlavor, SimJob, SimPool, SimVersion } from './model.js';
import type { Random } from './random.js';
import { queuedPlan, SEEDED } from './seed.js';

export interface StatusChange {
  jobId: number;
  versionId: number;
  from: number;
  to: number;
  /** Simulator time of the change (the planned time for scheduled steps). */
  at: number;
}

export interface ScheduleStepInput {
  /** Milliseconds from now (not from the previous step). */
  afterMs: number;
  status: number;
}

export interface AddJobInput {
  name: string;
  desc?: string;
  /** How many versions (default 1). Older ones are completed unless `statuses` says otherwise. */
  versions?: number;
  /** Status of the newest version (default 8, running). */
  status?: number;
  /** Explicit status per version, oldest first; overrides `versions` and `status`. */
  statuses?: number[];
  /** Planned transitions of the newest version. */
  schedule?: ScheduleStepInput[];
  /** Engine name as on the wire (`PyTorch`, `TensorFlow`, `Ascend-Powered-Engine`, …). */
  engine?: string;
  /** Flavor spec_code (`modelarts.p3.large`, …). */
  flavor?: string;
  /** A pool id from the catalog, or null for the public pool. */
  poolId?: string | null;
  /** OBS output path of the newest version (a visualization job reading it gets the same path). */
  trainUrl?: string;
  workspaceId?: string;
}

export interface AddVersionsOptions {
  status?: number;
  /** Versions per new job (default 10); ignored with `jobId`. */
  perJob?: number;
  /** Add every version to this existing job instead of new jobs. */
  jobId?: number;
  schedule?: ScheduleStepInput[];
}

/** Another schedule on the same clock (the v2 jobs): settled, timed and watched together with this one. */
export interface CompanionSchedule {
  settle(): unknown;
  nextTransitionAt(): number | null;
  onScheduleChange(listener: () => void): () => void;
}

export class SimulatorError extends Error {
  constructor(
    readonly kind: 'not_found' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}

function assertStatus(status: unknown): number {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 0 || status > 255) {
    throw new SimulatorError('invalid', `status must be an integer from 0 to 255, got ${JSON.stringify(status)}`);
  }
  return status;
}

function assertDelay(ms: unknown, what: string): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new SimulatorError('invalid', `${what} must be a non-negative number of milliseconds`);
  }
  return ms;
}

export class SimState {
  readonly data: SimData;
  private offsetMs = 0;
  private readonly queue = new MinHeap<{ versionId: number; token: number }>();
  private readonly listeners = new Set<(change: StatusChange) => void>();
  private readonly scheduleListeners = new Set<() => void>();
  private nextJobId: number;
  private nextVersionId: number;
  private readonly rnd: Random;
  private readonly companions: CompanionSchedule[] = [];

  constructor(
    data: SimData,
    private readonly clock: () => number,
    rnd: Random,
  ) {
    this.data = data;
    this.rnd = rnd.fork('runtime');
    let maxJob = 0;
    let maxVersion = 0;
    for (const id of data.jobs.keys()) maxJob = Math.max(maxJob, id);
    for (const v of data.versions.values()) {
      maxVersion = Math.max(maxVersion, v.version_id);
      this.enqueue(v);
    }
    this.nextJobId = maxJob + 1;
    this.nextVersionId = maxVersion + 1;
  }

  now(): number {
    return this.clock() + this.offsetMs;
  }

  /** Settles `schedule` whenever this state settles, and counts its transitions in nextTransitionAt. */
  attach(schedule: CompanionSchedule): void {
    this.companions.push(schedule);
    for (const listener of this.scheduleListeners) schedule.onScheduleChange(listener);
  }

  /** Moves simulated time forward and applies every transition that became due. */
  advance(ms: number): StatusChange[] {
    this.offsetMs += assertDelay(ms, 'advance');
    return this.settle();
  }

  /** Applies every scheduled transition whose time has come, in time order. */
  settle(): StatusChange[] {
    const now = this.now();
    const changes: StatusChange[] = [];
    for (let key = this.queue.peekKey(); key !== undefined && key <= now; key = this.queue.peekKey()) {
      const entry = this.queue.pop()!;
      const version = this.data.versions.get(entry.value.versionId);
      if (!version || version.scheduleToken !== entry.value.token) continue;
      const step = version.schedule[0];
      if (!step || step.at !== entry.key) continue;
      version.schedule.shift();
      const change = this.apply(version, step.status, step.at);
      if (change) changes.push(change);
      this.enqueue(version);
    }
    for (const companion of this.companions) companion.settle();
    return changes;
  }

  /** Simulator time of the next planned transition, or null when nothing is planned. */
  nextTransitionAt(): number | null {
    // Stale heap entries (replaced schedules) may sit on top; they are harmless for a timer that just settles.
    const times = [this.queue.peekKey(), ...this.companions.map((c) => c.nextTransitionAt())].filter(
      (t): t is number => typeof t === 'number',
    );
    return times.length > 0 ? Math.min(...times) : null;
  }

  onStatusChange(listener: (change: StatusChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called whenever new transitions are planned (real-time mode re-arms its timer). */
  onScheduleChange(listener: () => void): () => void {
    this.scheduleListeners.add(listener);
    const off = this.companions.map((c) => c.onScheduleChange(listener));
    return () => {
      this.scheduleListeners.delete(listener);
      for (const stop of off) stop();
    };
  }

  job(jobId: number): SimJob | undefined {
    return this.data.jobs.get(jobId);
  }

  /** The version, only if it belongs to that job. */
  version(jobId: number, versionId: number): SimVersion | undefined {
    const v = this.data.versions.get(versionId);
    return v && v.job_id === jobId ? v : undefined;
  }

  latestVersion(job: SimJob): SimVersion | undefined {
    const id = job.versionIds[job.versionIds.length - 1];
    return id === undefined ? undefined : this.data.versions.get(id);
  }

  private requireVersion(jobId: number, versionId: number): SimVersion {
    if (!this.data.jobs.has(jobId)) throw new SimulatorError('not_found', `no training job ${jobId}`);
    const v = this.version(jobId, versionId);
    if (!v) throw new SimulatorError('not_found', `training job ${jobId} has no version ${versionId}`);
    return v;
  }

  /** Sets a status now; an explicit change cancels the version's planned transitions. */
  setVersionStatus(jobId: number, versionId: number, status: number): StatusChange | null {
    this.settle();
    const v = this.requireVersion(jobId, versionId);
    const code = assertStatus(status);
    this.replaceSchedule(v, []);
    return this.apply(v, code, this.now());
  }

  /** Replaces the version's planned transitions; steps are relative to now. */
  schedule(jobId: number, versionId: number, steps: readonly ScheduleStepInput[]): void {
    this.settle();
    const v = this.requireVersion(jobId, versionId);
    this.replaceSchedule(v, this.toSteps(steps));
  }

  private toSteps(steps: readonly ScheduleStepInput[]): SimVersion['schedule'] {
    const now = this.now();
    return steps
      .map((s) => ({ at: now + assertDelay(s.afterMs, 'afterMs'), status: assertStatus(s.status) }))
      .sort((a, b) => a.at - b.at);
  }

  private replaceSchedule(v: SimVersion, steps: SimVersion['schedule']): void {
    v.schedule = steps;
    v.scheduleToken++;
    this.enqueue(v);
  }

  private enqueue(v: SimVersion): void {
    const step = v.schedule[0];
    if (!step) return;
    this.queue.push(step.at, { versionId: v.version_id, token: v.scheduleToken });
    for (const listener of this.scheduleListeners) listener();
  }

  private apply(v: SimVersion, status: number, at: number): StatusChange | null {
    const from = v.status;
    if (from === status) return null;
    const info = trainingJobStatus(status);
    if (info.category === 'running' && v.start_time === 0) v.start_time = at;
    if (info.terminal) {
      // A version that completes without a running phase still ran; failures before start (image, submit) did not.
      if (info.category === 'succeeded' && v.start_time === 0) v.start_time = at;
      v.end_time = at;
    } else {
      v.end_time = 0;
    }
    v.status = status;
    const change: StatusChange = { jobId: v.job_id, versionId: v.version_id, from, to: status, at };
    for (const listener of this.listeners) listener(change);
    return change;
  }

  /** A plan for a version created now with the given status. */
  private planFor(status: number, createTime: number): VersionPlan {
    const now = this.now();
    const info = trainingJobStatus(status);
    if (info.category === 'waiting' || info.category === 'unknown') {
      return { status, createTime, startTime: 0, endTime: 0 };
    }
    const startTime = Math.min(now, createTime + 5_000);
    if (info.terminal) {
      const neverStarted = info.category === 'failed' && (status === 3 || status === 5);
      return { status, createTime, startTime: neverStarted ? 0 : startTime, endTime: now };
    }
    return { status, createTime, startTime, endTime: 0 };
  }

  private themeFor(input: { engine?: string | undefined; trainUrl?: string | undefined }): JobTheme {
    const theme = pickTheme(this.rnd);
    if (input.engine !== undefined) {
      const engine = Object.values(ENGINES).find((e) => e.engine_name === input.engine);
      if (!engine) throw new SimulatorError('invalid', `unknown engine ${JSON.stringify(input.engine)}`);
      theme.engine = engine;
    }
    return theme;
  }

  addJob(input: AddJobInput): { jobId: number; versionIds: number[] } {
    this.settle();
    if (typeof input.name !== 'string' || input.name.length === 0 || input.name.length > 64) {
      throw new SimulatorError('invalid', 'name must be a string of 1 to 64 characters');
    }
    const count = input.statuses?.length ?? input.versions ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 1000) {
      throw new SimulatorError('invalid', 'versions must be an integer from 1 to 1000');
    }
    const statuses =
      input.statuses?.map(assertStatus) ??
      Array.from({ length: count }, (_, i) => (i === count - 1 ? assertStatus(input.status ?? 8) : 10));
    let flavor: SimFlavor | undefined;
    if (input.flavor !== undefined) {
      flavor = Object.values(FLAVORS).find((f) => f.spec_code === input.flavor);
      if (!flavor) throw new SimulatorError('invalid', `unknown flavor ${JSON.stringify(input.flavor)}`);
    }
    let pool: SimPool | null | undefined;
    if (input.poolId !== undefined) {
      pool = input.poolId === null ? null : Object.values(POOLS).find((p) => p.pool_id === input.poolId);
      if (pool === undefined) throw new SimulatorError('invalid', `unknown pool ${JSON.stringify(input.poolId)}`);
    }
    const theme = this.themeFor(input);
    const now = this.now();
    const job: SimJob = {
      job_id: this.nextJobId++,
      job_name: input.name,
      job_desc: input.desc ?? '',
      workspace_id: input.workspaceId ?? '0',
      create_time: now - count * 60_000,
      versionIds: [],
    };
    this.data.jobs.set(job.job_id, job);
    statuses.forEach((status, i) => {
      const newest = i === statuses.length - 1;
      const createTime = now - (statuses.length - i) * 60_000 + 1_000;
      const v = this.createVersion(job, theme, this.planFor(status, createTime), {
        flavor,
        pool,
        trainUrl: newest ? input.trainUrl : undefined,
      });
      if (newest && input.schedule) this.replaceSchedule(v, this.toSteps(input.schedule));
    });
    return { jobId: job.job_id, versionIds: [...job.versionIds] };
  }

  private createVersion(
    job: SimJob,
    theme: JobTheme,
    plan: VersionPlan,
    overrides: { flavor?: SimFlavor | undefined; pool?: SimPool | null | undefined; trainUrl?: string | undefined },
  ): SimVersion {
    const versionId = this.nextVersionId++;
    const pre = job.versionIds[job.versionIds.length - 1] ?? 0;
    const v = makeVersion(this.rnd, job, theme, versionId, pre, job.versionIds.length + 1, {
      ...plan,
      flavor: overrides.flavor,
      pool: overrides.pool,
      trainUrl: overrides.trainUrl,
    });
    job.versionIds.push(versionId);
    this.data.versions.set(versionId, v);
    return v;
  }

  /** Bulk creation for benchmarks: `count` versions, in new jobs of `perJob` versions or in one existing job. */
  addVersions(count: number, options: AddVersionsOptions = {}): Array<{ jobId: number; versionId: number }> {
    this.settle();
    if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
      throw new SimulatorError('invalid', 'count must be an integer from 1 to 1000000');
    }
    const status = assertStatus(options.status ?? 8);
    const perJob = options.perJob ?? 10;
    if (!Number.isInteger(perJob) || perJob < 1)
      throw new SimulatorError('invalid', 'perJob must be a positive integer');
    const steps = options.schedule ? this.toSteps(options.schedule) : [];
    const now = this.now();
    const out: Array<{ jobId: number; versionId: number }> = [];
    let job: SimJob | undefined;
    let theme: JobTheme | undefined;
    if (options.jobId !== undefined) {
      job = this.data.jobs.get(options.jobId);
      if (!job) throw new SimulatorError('not_found', `no training job ${options.jobId}`);
      theme = pickTheme(this.rnd);
    }
    for (let i = 0; i < count; i++) {
      if (options.jobId === undefined && (job === undefined || job.versionIds.length >= perJob)) {
        theme = pickTheme(this.rnd);
        const jobId = this.nextJobId++;
        job = {
          job_id: jobId,
          job_name: `bulk-${makeJobName(this.rnd, theme)}-${jobId}`,
          job_desc: 'bulk job',
          workspace_id: '0',
          create_time: now - 3_600_000,
          versionIds: [],
        };
        this.data.jobs.set(jobId, job);
      }
      const v = this.createVersion(job!, theme!, this.planFor(status, now - 600_000 + i), {});
      if (steps.length > 0)
        this.replaceSchedule(
          v,
          steps.map((s) => ({ ...s })),
        );
      out.push({ jobId: v.job_id, versionId: v.version_id });
    }
    return out;
  }

  /**
   * Starts one more run, as users keep doing: a new version of a generated job (or a new job), queued now, running
   * within a minute or two and finishing, failing or being cancelled minutes later. Keeps a long demo lively.
   */
  spawnRun(): { jobId: number; versionId: number } {
    this.settle();
    const generated: SimJob[] = [];
    for (const job of this.data.jobs.values()) {
      if (job.job_id >= SEEDED.firstGeneratedJobId && !job.job_name.startsWith('bulk-')) generated.push(job);
    }
    let job: SimJob;
    const theme = pickTheme(this.rnd);
    let like: SimVersion | undefined;
    if (generated.length === 0 || this.rnd.chance(0.3)) {
      job = {
        job_id: this.nextJobId++,
        job_name: makeJobName(this.rnd, theme),
        job_desc: `${theme.family} on ${theme.dataset.name}`,
        workspace_id: '0',
        create_time: this.now(),
        versionIds: [],
      };
      this.data.jobs.set(job.job_id, job);
    } else {
      job = this.rnd.pick(generated);
      // A new run of an existing job usually keeps its engine and resources.
      like = this.latestVersion(job);
      if (like) theme.engine = like.engine;
    }
    const { plan, schedule } = queuedPlan(this.rnd, this.now());
    plan.createTime = Math.max(plan.createTime, job.create_time);
    const v = this.createVersion(job, theme, plan, like ? { flavor: like.flavor, pool: like.pool } : {});
    this.replaceSchedule(v, schedule);
    return { jobId: job.job_id, versionId: v.version_id };
  }

  /** The engines, flavors and datasets the simulator knows, for control clients. */
  static catalog(): { engines: SimEngine[]; flavors: SimFlavor[]; pools: SimPool[]; datasets: string[] } {
    return {
      engines: Object.values(ENGINES),
      flavors: Object.values(FLAVORS),
      pools: Object.values(POOLS),
      datasets: DATASETS.map((d) => d.id),
    };
  }
}
