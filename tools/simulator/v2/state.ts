/**
 * The v2 jobs and their schedule, on the simulator's clock. Like the v1 state, phase changes are planned as absolute
 * times on a heap and applied lazily (every request, `advance`, a timer in real-time mode) at their planned time.
 * Entering a phase records what ModelArts would show: start and end times, the failure, and the events.
 */
import { MinHeap } from '../heap.js';
import type { Random } from '../random.js';
import { SimulatorError } from '../state.js';
import { V2_FLAVORS } from './catalog.js';
import {
  DEFAULT_SECONDARY,
  type SimV2Event,
  type SimV2Job,
  STOPPABLE_PHASES,
  TERMINAL_PHASES,
  V2_PHASES,
  type V2Phase,
} from './model.js';
import { makeV2Job, queuedRun, stepAt, type V2JobInput } from './seed.js';

export interface PhaseChange {
  jobId: string;
  from: V2Phase;
  to: V2Phase;
  secondaryPhase: string;
  at: number;
}

export interface V2StepInput {
  afterMs: number;
  phase: V2Phase;
  secondaryPhase?: string;
}

const STOP_DELAY_MS = 5_000;

function assertPhase(phase: unknown): V2Phase {
  if (!(V2_PHASES as readonly unknown[]).includes(phase)) {
    throw new SimulatorError('invalid', `phase must be one of ${V2_PHASES.join(', ')}`);
  }
  return phase as V2Phase;
}

function tasksOf(job: SimV2Job): string[] {
  return Array.from({ length: job.node_count }, (_, i) => `worker-${i}`);
}

/** What ModelArts logs as events when a job enters `phase` (texts after the reference's samples, notes v2 §9). */
function eventsOnEntering(job: SimV2Job, phase: V2Phase, at: number): SimV2Event[] {
  const job_ = (level: SimV2Event['level'], message: string): SimV2Event => ({
    time: at,
    level,
    message,
    source: 'Job',
  });
  // Tasks start a moment after the job, and finish a moment before it (as in the reference's sample).
  const task = (message: string, offsetMs: number): SimV2Event[] =>
    tasksOf(job).map((t) => ({ time: at + offsetMs, level: 'Info', message: `[${t}] ${message}`, source: 'Task' }));
  switch (phase) {
    case 'Creating':
      return [job_('Info', 'Training job created.')];
    case 'Pending':
      return [job_('Info', 'The job is queuing for resources.')];
    case 'Running':
      return [
        { time: at, level: 'Info', message: `Successfully assigned ${job.node_count} node(s).`, source: 'K8S' },
        job_('Info', 'Training job started.'),
        ...task('Task started.', 1_000),
      ];
    case 'Terminating':
      return [job_('Info', 'Stopping the training job as requested by the user.')];
    case 'Completed':
      return [...task('Training finished. Exit code 0.', -1_000), job_('Info', 'Training job completed.')];
    case 'Failed': {
      const failed = job.failure ?? job.failurePlan;
      return [
        {
          time: at - 1_000,
          level: 'Info',
          message: `[${failed.task}] Training finished. Exit code ${failed.exit_code}.`,
          source: 'Task',
        },
        job_('Error', 'Training job failed.'),
      ];
    }
    case 'Abnormal':
      return [job_('Error', `Training job is abnormal (${job.secondary_phase}): failed to pull the image.`)];
    case 'Terminated':
      return [job_('Warning', 'Training job stopped by the user.')];
  }
}

/** The events of a job seeded in some phase, as if it had gone through the usual phases to get there. */
function backfill(job: SimV2Job): SimV2Event[] {
  const out = eventsOnEntering(job, 'Creating', job.create_time);
  if (job.phase === 'Creating') return out;
  out.push(...eventsOnEntering(job, 'Pending', job.create_time + 5_000));
  if (job.start_time > 0) out.push(...eventsOnEntering(job, 'Running', job.start_time));
  if (TERMINAL_PHASES.has(job.phase) && job.phase !== 'Abnormal')
    out.push(...eventsOnEntering(job, job.phase, job.end_time));
  if (job.phase === 'Abnormal') out.push(...eventsOnEntering(job, 'Abnormal', job.end_time || job.create_time));
  return out;
}

export class V2State {
  private readonly queue = new MinHeap<{ id: string; token: number }>();
  private readonly listeners = new Set<(change: PhaseChange) => void>();
  private readonly scheduleListeners = new Set<() => void>();

  constructor(
    readonly jobs: Map<string, SimV2Job>,
    private readonly now: () => number,
    private readonly rnd: Random,
  ) {
    for (const job of jobs.values()) {
      if (job.events.length === 0) job.events = backfill(job);
      this.enqueue(job);
    }
  }

  job(id: string): SimV2Job | undefined {
    return this.jobs.get(id);
  }

  private require(id: string): SimV2Job {
    const job = this.jobs.get(id);
    if (!job) throw new SimulatorError('not_found', `no v2 training job ${id}`);
    return job;
  }

  settle(): PhaseChange[] {
    const now = this.now();
    const changes: PhaseChange[] = [];
    for (let key = this.queue.peekKey(); key !== undefined && key <= now; key = this.queue.peekKey()) {
      const entry = this.queue.pop()!;
      const job = this.jobs.get(entry.value.id);
      if (!job || job.scheduleToken !== entry.value.token) continue;
      const step = job.schedule[0];
      if (!step || step.at !== entry.key) continue;
      job.schedule.shift();
      const change = this.apply(job, step.phase, step.secondary, step.at);
      if (change) changes.push(change);
      this.enqueue(job);
    }
    return changes;
  }

  nextTransitionAt(): number | null {
    return this.queue.peekKey() ?? null;
  }

  onPhaseChange(listener: (change: PhaseChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onScheduleChange(listener: () => void): () => void {
    this.scheduleListeners.add(listener);
    return () => this.scheduleListeners.delete(listener);
  }

  /** Sets a phase now; an explicit change cancels the job's planned transitions. */
  setPhase(id: string, phase: unknown, secondaryPhase?: string): PhaseChange | null {
    this.settle();
    const job = this.require(id);
    this.replaceSchedule(job, []);
    return this.apply(job, assertPhase(phase), secondaryPhase, this.now());
  }

  /** Replaces the job's planned transitions (steps relative to now). */
  schedule(id: string, steps: readonly V2StepInput[]): void {
    this.settle();
    const job = this.require(id);
    this.replaceSchedule(job, this.toSteps(steps));
  }

  /** POST …/actions terminate: Terminating now, Terminated shortly after; false when the phase cannot be stopped. */
  stop(id: string): boolean {
    this.settle();
    const job = this.require(id);
    if (!STOPPABLE_PHASES.has(job.phase)) return false;
    const now = this.now();
    this.replaceSchedule(job, [{ at: now + STOP_DELAY_MS, phase: 'Terminated' }]);
    this.apply(job, 'Terminating', undefined, now);
    return true;
  }

  addJob(input: V2JobInput & { phase?: unknown }): SimV2Job {
    this.settle();
    if (typeof input?.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(input.name)) {
      throw new SimulatorError('invalid', 'name must be 1 to 64 letters, digits, - or _');
    }
    if (input.phase !== undefined) assertPhase(input.phase);
    if (input.flavor !== undefined && !(input.flavor in V2_FLAVORS)) {
      throw new SimulatorError('invalid', `flavor must be one of ${Object.keys(V2_FLAVORS).join(', ')}`);
    }
    if (input.nodes !== undefined && (!Number.isInteger(input.nodes) || input.nodes < 1 || input.nodes > 64)) {
      throw new SimulatorError('invalid', 'nodes must be an integer from 1 to 64');
    }
    if (input.id !== undefined && this.jobs.has(input.id)) throw new SimulatorError('invalid', 'that id exists');
    const steps = this.toSteps(input.schedule ?? []);
    const job = makeV2Job(this.rnd.fork(`added-${this.jobs.size}`), this.now(), { ...input, schedule: [] });
    job.events = backfill(job);
    this.jobs.set(job.id, job);
    this.replaceSchedule(job, steps);
    return job;
  }

  /** One more run, queued now, running and finishing within minutes: keeps a long demo lively. */
  spawnRun(): SimV2Job {
    const rnd = this.rnd.fork(`spawn-${this.jobs.size}`);
    return this.addJob({ name: `run-${rnd.string(6, '0123456789abcdef')}`, ...queuedRun(rnd) });
  }

  private toSteps(steps: readonly V2StepInput[]): SimV2Job['schedule'] {
    if (!Array.isArray(steps)) throw new SimulatorError('invalid', 'steps must be an array of {afterMs, phase}');
    const now = this.now();
    return steps
      .map((s) => {
        if (typeof s?.afterMs !== 'number' || !(s.afterMs >= 0)) {
          throw new SimulatorError('invalid', 'afterMs must be a non-negative number of milliseconds');
        }
        return stepAt(now, { ...s, phase: assertPhase(s.phase) });
      })
      .sort((a, b) => a.at - b.at);
  }

  private replaceSchedule(job: SimV2Job, steps: SimV2Job['schedule']): void {
    job.schedule = steps;
    job.scheduleToken++;
    this.enqueue(job);
  }

  private enqueue(job: SimV2Job): void {
    const step = job.schedule[0];
    if (!step) return;
    this.queue.push(step.at, { id: job.id, token: job.scheduleToken });
    for (const listener of this.scheduleListeners) listener();
  }

  private apply(job: SimV2Job, phase: V2Phase, secondary: string | undefined, at: number): PhaseChange | null {
    const from = job.phase;
    const secondaryPhase = secondary ?? DEFAULT_SECONDARY[phase];
    if (from === phase && job.secondary_phase === secondaryPhase) return null;
    job.phase = phase;
    job.secondary_phase = secondaryPhase;
    if (phase === 'Running' && job.start_time === 0) job.start_time = at;
    if (TERMINAL_PHASES.has(phase)) {
      job.end_time = at;
      if (phase === 'Completed' && job.start_time === 0) job.start_time = at;
    } else {
      job.end_time = 0;
    }
    job.failure = phase === 'Failed' ? job.failurePlan : null;
    if (from !== phase) job.events.push(...eventsOnEntering(job, phase, at));
    const change: PhaseChange = { jobId: job.id, from, to: phase, secondaryPhase, at };
    for (const listener of this.listeners) listener(change);
    return change;
  }
}
