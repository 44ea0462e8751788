/**
 * The poll loop: one process per project at a time (a store lease used as a fencing token), a cycle every interval,
 * every decision compared with the last-seen states in the store and written back with the alerts it causes in one
 * transaction. Nothing alert-worthy lives only in memory, so a restart or a takeover by another replica neither
 * loses nor repeats a transition.
 *
 * This file runs the cycles (cycle.ts) on the shared worker loop: every interval while they succeed, backing off
 * (interval × 2^n, capped, jittered, never shorter than a Retry-After) while they fail.
 */
import { WorkerLoop } from '../lib/worker-loop.js';
import { createTrainingApiAvailability } from '../modelarts/index.js';
import { describeError } from './api-calls.js';
import { PollCycle } from './cycle.js';
import { PollHealthTracker } from './health.js';
import {
  DEFAULT_POLLER_TUNING,
  type PollCycleResult,
  type Poller,
  type PollerDeps,
  type PollerHealth,
  type PollerTuning,
} from './types.js';

export type { PollCycleResult, Poller, PollerDeps, PollerHealth, PollerRole, PollerTuning } from './types.js';
export { DEFAULT_POLLER_TUNING } from './types.js';

export function createPoller(deps: PollerDeps): Poller {
  const tuning: PollerTuning = { ...DEFAULT_POLLER_TUNING, ...deps.tuning };
  const intervalMs = Math.max(1, deps.intervalSeconds) * 1000;
  const { logger } = deps;

  const health = new PollHealthTracker({
    store: deps.store,
    logger,
    projectId: deps.projectId,
    teamId: deps.teamId,
    opsChannelId: deps.opsChannelId,
    alertAfterMs: Math.max(1, deps.alertAfterMinutes) * 60_000,
  });
  const cycle = new PollCycle({
    modelarts: deps.modelarts,
    store: deps.store,
    logger,
    now: deps.now,
    projectId: deps.projectId,
    instanceId: deps.instanceId,
    tuning,
    // Two intervals: a holder that died is replaced within two cycles of the others.
    leaseTtlMs: 2 * intervalMs,
    health,
    availability: deps.availability ?? createTrainingApiAvailability({ mode: 'auto', reprobeMs: tuning.apiReprobeMs }),
    // The loop counts this cycle's failure once it returns.
    failures: () => loop.failures + 1,
  });

  async function runCycle(signal: AbortSignal): Promise<PollCycleResult> {
    try {
      return await cycle.run(signal);
    } catch (err) {
      const role = cycle.leader ? 'leader' : 'standby';
      if (signal.aborted) return cycle.result(role, { ok: false, error: 'stopped' });
      // Store trouble (or a bug): nothing was committed, the next cycle starts over from the store.
      cycle.forget();
      logger.error({ err }, 'poll cycle failed');
      return cycle.result(role, { ok: false, error: describeError(err) });
    }
  }

  const loop: WorkerLoop<PollCycleResult> = new WorkerLoop({
    run: runCycle,
    pace: (result, elapsedMs) =>
      result.ok
        ? { ok: true, waitMs: Math.max(0, intervalMs - elapsedMs) }
        : { ok: false, retryAfterMs: cycle.retryAfterMs },
    // runCycle turns every failure into a result; anything reaching here is a bug in that.
    onError: (err) => logger.error({ err }, 'poll cycle failed'),
    backoff: { initialMs: intervalMs, maxMs: tuning.maxBackoffMs },
    random: deps.random ?? Math.random,
  });

  return {
    start() {
      if (loop.state === 'active') return;
      cycle.role = 'standby';
      loop.start();
    },
    async stop() {
      await loop.stop();
      await cycle.releaseLease();
      cycle.role = 'stopped';
    },
    runOnce: () => loop.runOnce(),
    health(): PollerHealth {
      const cached = health.cached;
      const last = cached?.lastSuccessAt ?? null;
      return {
        role: cycle.role,
        mode: cycle.observer.mode,
        intervalSeconds: intervalMs / 1000,
        lastSuccessAt: last ? last.toISOString() : null,
        lagSeconds: last ? Math.max(0, (deps.now().getTime() - last.getTime()) / 1000) : null,
        failingSince: cached?.failingSince ? cached.failingSince.toISOString() : null,
        lastError: cached?.lastError ?? null,
      };
    },
  };
}
