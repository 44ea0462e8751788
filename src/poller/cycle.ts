/**
 * One poll cycle: hold the lease (or stand by), observe ModelArts, compare with the last-seen states, plan the alerts,
 * gather their facts, and commit states, alerts and watch statuses in one fenced transaction. What a cycle remembers
 * between runs (the states, the watch cache) is only trusted while the lease is held; it is reloaded on regaining it,
 * since another replica wrote meanwhile.
 */
import type { Logger } from 'pino';
import { diffRunStates, indexStates, type RunChange, stateKey } from '../alerts/diff.js';
import { type AlertIntent, planAlerts } from '../alerts/plan.js';
import { type AlertFacts, cardRow, factsFromRun, projectFailureRow, terminalReplyRow } from '../alerts/rows.js';
import {
  isApiUnavailable,
  type JobRun,
  type ModelArtsApi,
  RateLimitError,
  type RunRef,
  refParts,
  statusFromKey,
  type TrainingApiAvailability,
} from '../modelarts/index.js';
import type { NewOutboxRow, RunState, Store, Watch } from '../store/types.js';
import { countingApi, describeError } from './api-calls.js';
import { type CycleCall, gatherFacts, keyOf } from './facts.js';
import type { PollHealthTracker } from './health.js';
import { V1Observer } from './observe.js';
import { V2Observer } from './observe-v2.js';
import type { Observation, RunObserver } from './observer.js';
import type { PollCycleResult, PollerRole, PollerTuning } from './types.js';

export interface PollCycleDeps {
  modelarts: ModelArtsApi;
  store: Store;
  logger: Logger;
  now: () => Date;
  projectId: string;
  instanceId: string;
  tuning: PollerTuning;
  leaseTtlMs: number;
  health: PollHealthTracker;
  /** Which training APIs to ask; an observer whose API is unavailable is skipped until its re-probe. */
  availability: TrainingApiAvailability;
  /** Consecutive failed cycles, this one included when it fails (for the log). */
  failures: () => number;
}

export class PollCycle {
  /** What health() reports; the poller sets 'standby' on start and 'stopped' on stop, cycles the rest. */
  role: PollerRole = 'stopped';
  /** The Retry-After of the last failure, while polling fails; the loop never backs off for less. */
  retryAfterMs: number | null = null;
  /** The v1 observer; its mode is what health() reports. */
  readonly observer: V1Observer;
  /** One observer per available API, run in this order every cycle. */
  readonly observers: readonly RunObserver[];
  readonly leaseName: string;
  readonly #deps: PollCycleDeps;
  readonly #api: ModelArtsApi;
  #calls: Record<string, number> = {};
  #leader = false;
  /** Last-seen states while we hold the lease; reloaded whenever we (re)gain it, since others wrote meanwhile. */
  #states: Map<string, RunState> | null = null;
  #watchCache: { watches: Watch[]; version: string } | null = null;
  /**
   * When the stored states were last confirmed by a successful observation, while we hold the lease (seeded from the
   * store's poll health on gaining it): changes from them happened after it (alerts/plan.ts, observedAt).
   */
  #observedAt: number | null = null;
  readonly #detailDeferrals = new Map<string, number>();
  #prunedAt = Number.NEGATIVE_INFINITY;
  /** Why the last API found missing is missing, for the cycle that has no API left to ask. */
  #unavailable: unknown = null;

  constructor(deps: PollCycleDeps) {
    this.#deps = deps;
    this.leaseName = `poll:${deps.projectId}`;
    this.#api = countingApi(deps.modelarts, (method) => {
      this.#calls[method] = (this.#calls[method] ?? 0) + 1;
    });
    this.observer = new V1Observer({
      api: this.#api,
      now: deps.now,
      fallbackRecheckMs: deps.tuning.fallbackRecheckMs,
      maxMappingCallsPerCycle: deps.tuning.maxMappingCallsPerCycle,
      maxTimingCallsPerCycle: deps.tuning.maxTimingCallsPerCycle,
      statusPageSize: deps.tuning.statusPageSize,
    });
    this.observers = [this.observer, new V2Observer({ api: this.#api })];
  }

  get leader(): boolean {
    return this.#leader;
  }

  /** Drops what is only trusted while holding the lease; the next cycle starts over from the store. */
  forget(): void {
    this.#states = null;
    this.#watchCache = null;
  }

  /** Gives the lease up (when held) so the next process takes over at once, and forgets what came with it. */
  async releaseLease(): Promise<void> {
    if (this.#leader) await this.#deps.store.releaseLease(this.leaseName, this.#deps.instanceId).catch(() => undefined);
    this.#leader = false;
    this.forget();
  }

  result(role: 'leader' | 'standby', extra: Partial<PollCycleResult> = {}): PollCycleResult {
    return {
      role,
      ok: true,
      mode: null,
      observed: 0,
      changes: 0,
      alertsQueued: 0,
      deferred: 0,
      calls: { ...this.#calls },
      error: null,
      ...extra,
    };
  }

  async run(signal: AbortSignal): Promise<PollCycleResult> {
    const { store, logger, projectId, instanceId, leaseTtlMs } = this.#deps;
    this.#calls = {};
    const startedAt = this.#deps.now();
    if (!(await store.tryAcquireLease(this.leaseName, instanceId, leaseTtlMs, startedAt))) return this.#standBy();
    if (!this.#leader || this.#states === null) {
      this.#watchCache = null;
      this.#states = indexStates(await store.getRunStates(projectId));
      this.#observedAt = (await store.getPollHealth(projectId))?.lastSuccessAt?.getTime() ?? null;
      for (const observer of this.observers) observer.learnStates(this.#states.values());
      if (!this.#leader) logger.info({ lease: this.leaseName, states: this.#states.size }, 'poll lease acquired');
      this.#leader = true;
    }
    this.role = 'leader';
    await this.#pruneOutbox(startedAt);
    const known = this.#states;
    const watches = await this.#activeWatches();
    if (watches.length === 0) {
      // Nobody listens: nothing to ask ModelArts. States stay as stored; a watch created later compares with them
      // (and, created after this, judges changes from them by the runs' times).
      this.#observedAt = startedAt.getTime();
      await this.#succeeded(startedAt);
      return this.result('leader');
    }
    const call: CycleCall = { signal };

    let observation: Observation;
    try {
      observation = await this.#observe(watches, known, call);
    } catch (err) {
      if (signal.aborted) throw err;
      return this.#failed(err, startedAt);
    }

    const changes = diffRunStates(known, observation.runs);
    const intents = planAlerts({
      changes,
      watches,
      latestVersionByJob: observation.latestVersionByJob,
      observedAt: this.#observedAt,
    });
    const { facts, deferred } = await gatherFacts(this.#factsDeps(), intents, observation, call);

    const now = this.#deps.now();
    const committed = changes.filter((c) => !deferred.has(keyOf(c.current)));
    const live = intents.filter((i) => !deferred.has(keyOf(i.change.current)));
    const alerts: NewOutboxRow[] = live.map((i) => this.#buildRow(i, facts.get(keyOf(i.change.current)), now));
    const newStates = committed.filter(storeFilter(watches)).map((c): RunState => toState(projectId, c.current, now));
    const watchStatuses = watchStatusUpdates(watches, live, observation.runs, deferred);

    let inserted = 0;
    if (newStates.length > 0 || alerts.length > 0 || watchStatuses.length > 0) {
      // Renew first: a slow cycle may have outlived the lease, and the fence below would then refuse the commit.
      if (!(await store.tryAcquireLease(this.leaseName, instanceId, leaseTtlMs, now))) return this.#standBy();
      const result = await store.commitPollCycle({
        projectId,
        now,
        states: newStates,
        alerts,
        watchStatuses,
        fence: { name: this.leaseName, holder: instanceId },
      });
      if (result === null) return this.#standBy();
      inserted = result.inserted;
      for (const s of newStates) known.set(stateKey(s), s);
      // Keep the cached watches in step with what was just committed for them.
      const cache = this.#watchCache;
      if (cache && watchStatuses.length > 0) {
        const updated = new Map(watchStatuses.map((u) => [u.watchId, u.status]));
        cache.watches = cache.watches.map((w) =>
          updated.has(w.id) ? { ...w, lastStatus: updated.get(w.id) ?? w.lastStatus } : w,
        );
      }
      for (const c of committed) this.#detailDeferrals.delete(keyOf(c.current));
    }
    await this.#endFinishedRunWatches(watches, watchStatuses, now);
    this.#observedAt = startedAt.getTime();
    if (changes.length > 0 || inserted > 0) {
      logger.info(
        {
          changes: changes.length,
          alerts: alerts.length,
          inserted,
          deferred: deferred.size,
          mode: observation.mode,
          calls: this.#calls,
        },
        'poll cycle',
      );
    }
    await this.#succeeded(now);
    return {
      role: 'leader',
      ok: true,
      mode: observation.mode,
      observed: observation.observedCount,
      changes: changes.length,
      alertsQueued: inserted,
      deferred: deferred.size,
      calls: { ...this.#calls },
      error: null,
    };
  }

  async #standBy(): Promise<PollCycleResult> {
    if (this.#leader) this.#deps.logger.info({ lease: this.leaseName }, 'poll lease lost; standing by');
    this.#leader = false;
    this.forget();
    this.role = 'standby';
    await this.#deps.health.refresh();
    return this.result('standby');
  }

  async #failed(err: unknown, now: Date): Promise<PollCycleResult> {
    this.retryAfterMs = err instanceof RateLimitError ? err.retryAfterMs : null;
    const error = describeError(err);
    await this.#deps.health.recordFailure(error, now, this.#deps.failures());
    return this.result('leader', { ok: false, error, mode: this.observer.mode });
  }

  async #succeeded(now: Date): Promise<void> {
    this.retryAfterMs = null;
    await this.#deps.health.recordSuccess(now);
  }

  /**
   * Every available API's view of this cycle, as one observation. An API the account lacks is skipped quietly (the
   * availability logs the discovery once); any other failure fails the cycle. With no API left to ask, the cycle
   * fails with the reason, so poll health says why nothing is watched.
   */
  async #observe(watches: readonly Watch[], known: ReadonlyMap<string, RunState>, call: CycleCall) {
    const { availability, now } = this.#deps;
    const parts: Observation[] = [];
    let missing: unknown = null;
    for (const observer of this.observers) {
      if (!availability.isEnabled(observer.api, now().getTime())) continue;
      try {
        parts.push(await observer.observe(watches, known, call));
        availability.report(observer.api, null, now().getTime());
      } catch (err) {
        availability.report(observer.api, err, now().getTime());
        if (!isApiUnavailable(err, observer.api)) throw err;
        missing = err;
        this.#unavailable = err;
      }
    }
    if (parts.length === 0) throw missing ?? this.#unavailable ?? new Error('no training API is enabled');
    const [first, ...rest] = parts;
    if (!first || rest.length === 0) return first ?? emptyObservation();
    return {
      mode: first.mode,
      runs: parts.flatMap((p) => p.runs),
      observedCount: parts.reduce((n, p) => n + p.observedCount, 0),
      latestVersionByJob: new Map(parts.flatMap((p) => [...p.latestVersionByJob])),
      details: new Map(parts.flatMap((p) => [...p.details])),
    };
  }

  #factsDeps() {
    const { logger, projectId, tuning } = this.#deps;
    const observerFor = (ref: RunRef) => this.observers.find((o) => o.api === ref.api);
    return { observerFor, logger, projectId, tuning, detailDeferrals: this.#detailDeferrals };
  }

  /** Housekeeping rides on the lease so one replica does it; a failure is logged and tried again next time. */
  async #pruneOutbox(now: Date): Promise<void> {
    const { store, logger, tuning } = this.#deps;
    if (now.getTime() - this.#prunedAt < tuning.pruneEveryMs) return;
    this.#prunedAt = now.getTime();
    try {
      const removed = await store.pruneOutbox(new Date(now.getTime() - tuning.outboxRetentionMs));
      if (removed > 0) logger.info({ removed }, 'pruned old outbox rows');
    } catch (err) {
      logger.warn({ err }, 'could not prune old outbox rows');
    }
  }

  /**
   * The active watches, re-read only when the store says they changed (a cheap version check every cycle), so a
   * watch created in any replica is polled at the next cycle while a quiet cycle does not re-read 10,000 rows.
   */
  async #activeWatches(): Promise<Watch[]> {
    const { store, projectId } = this.#deps;
    const version = await store.activeWatchesVersion(projectId);
    const cache = this.#watchCache;
    if (cache && cache.version === version) return cache.watches;
    const watches = await store.listActiveWatches(projectId);
    // Read after the list: a change between the two reads is seen again next cycle, never missed.
    this.#watchCache = { watches, version };
    return watches;
  }

  #buildRow(intent: AlertIntent<JobRun>, f: AlertFacts | undefined, now: Date): NewOutboxRow {
    const facts = f ?? factsFromRun(this.#deps.projectId, intent.change.current);
    switch (intent.kind) {
      case 'card':
        return cardRow(intent.watch, facts, intent.change.previous, now);
      case 'terminal_reply':
        return terminalReplyRow(intent.watch, facts, now);
      case 'project_failure':
        return projectFailureRow(intent.watch, facts, now);
    }
  }

  /**
   * A run watch ends once its target is terminal and that status is committed on the watch (with the terminal
   * alert, when one was due). Re-checked every cycle, so a crash between commit and endWatch only delays it.
   */
  async #endFinishedRunWatches(
    watches: readonly Watch[],
    updates: ReadonlyArray<{ watchId: number; status: string }>,
    now: Date,
  ): Promise<void> {
    const updated = new Map(updates.map((u) => [u.watchId, u.status]));
    for (const w of watches) {
      if (w.target.kind !== 'run') continue;
      const status = updated.get(w.id) ?? w.lastStatus;
      if (status === null || !statusFromKey(status).terminal) continue;
      await this.#deps.store.endWatch(w.id, now);
      this.#deps.logger.info({ watchId: w.id, status }, 'run watch ended');
      const cache = this.#watchCache;
      if (cache) cache.watches = cache.watches.filter((x) => x.id !== w.id);
    }
  }
}

// -------------------------------------------------------------------------------------------------------------------

function emptyObservation(): Observation {
  return { mode: 'all-versions', runs: [], observedCount: 0, latestVersionByJob: new Map(), details: new Map() };
}

function toState(projectId: string, run: JobRun, now: Date): RunState {
  const { jobId, versionId } = refParts(run.ref);
  return {
    projectId,
    jobId,
    versionId,
    status: run.status.key,
    jobName: run.name,
    versionName: run.versionName,
    updatedAt: now,
  };
}

/**
 * Which changes become stored states: every update, and a first sight when some watch covers the run (a project
 * watch covers them all). Finished history is stored too: recorded once, it is never looked at again, where leaving it
 * out would make every cycle re-judge it. Runs nobody watches stay out of the store.
 */
function storeFilter(watches: readonly Watch[]): (change: RunChange<JobRun>) => boolean {
  const project = watches.some((w) => w.target.kind === 'project');
  const jobs = new Set<string>();
  const runs = new Set<string>();
  for (const { target: t } of watches) {
    if (t.kind === 'job') jobs.add(t.jobId);
    else if (t.kind === 'run') runs.add(stateKey(t));
  }
  return (change) =>
    change.previous !== null ||
    project ||
    (change.current.ref.api === 'v1' && jobs.has(change.current.ref.jobId)) ||
    runs.has(keyOf(change.current));
}

/**
 * Status each watch last saw: the run's for run watches (also when nothing changed, which keeps `watches` listings
 * current and lets finished run watches end), the alerted run's for job and project watches.
 */
function watchStatusUpdates(
  watches: readonly Watch[],
  intents: readonly AlertIntent<JobRun>[],
  observed: readonly JobRun[],
  deferred: ReadonlySet<string>,
): Array<{ watchId: number; status: string }> {
  const next = new Map<number, string>();
  for (const i of intents) next.set(i.watch.id, i.change.current.status.key);
  // `observed` holds only the runs worth a look (Observation.runs): a run watch missing from it has already
  // recorded the status it would get.
  const byKey = new Map(observed.map((v) => [keyOf(v), v]));
  for (const w of watches) {
    if (w.target.kind !== 'run') continue;
    const key = stateKey(w.target);
    const v = byKey.get(key);
    if (v && !deferred.has(key)) next.set(w.id, v.status.key);
  }
  if (next.size === 0) return [];
  const byId = new Map(watches.map((w) => [w.id, w]));
  return [...next]
    .filter(([id, status]) => byId.get(id)?.lastStatus !== status)
    .map(([watchId, status]) => ({ watchId, status }));
}
