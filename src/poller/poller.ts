/**
 * The poll loop: one process per project at a time (a store lease used as a fencing token), a cycle every interval,
 * every decision compared with the last-seen states in the store and written back with the alerts it causes in one
 * transaction. Nothing alert-worthy lives only in memory, so a restart or a takeover by another replica neither
 * loses nor repeats a transition.
 */
import type { Logger } from 'pino';
import {
  diffVersionStates,
  indexStates,
  type ObservedVersion,
  type VersionChange,
  versionKey,
} from '../alerts/diff.js';
import { type AlertIntent, planAlerts } from '../alerts/plan.js';
import {
  type AlertFacts,
  cardRow,
  factsFromVersion,
  opsNoticeRow,
  projectFailureRow,
  terminalReplyRow,
} from '../alerts/rows.js';
import {
  type CallOptions,
  ConnectionError,
  type ModelArtsApi,
  ModelArtsError,
  RateLimitError,
  ServerError,
  TimeoutError,
  type TrainingJobVersion,
  trainingJobStatus,
} from '../modelarts/index.js';
import type { NewOutboxRow, PollHealth, Store, VersionState, Watch } from '../store/types.js';
import { type Observation, type ObserveMode, Observer } from './observe.js';

export interface PollerTuning {
  /** Detail and log calls in flight at once when many versions change together. */
  detailConcurrency: number;
  /** Stay on the fallback path this long before probing the all-versions endpoint again. */
  fallbackRecheckMs: number;
  /** Longest wait between failing cycles. */
  maxBackoffMs: number;
  /** Versions-of-job calls per cycle spent on finding the job of an unmapped failed version. */
  maxMappingCallsPerCycle: number;
  /** Detail calls per cycle spent on dating first-seen fallback versions for project watches. */
  maxTimingCallsPerCycle: number;
  /** Cycles a version's alert may wait for a detail call that keeps failing transiently before it goes out without. */
  maxDetailDeferrals: number;
  /** Log lines attached to a failure alert. */
  logTailLines: number;
  /** Rows per all-versions request (0: `limit=0`, everything in one answer; see Observer). */
  statusPageSize: number;
  /**
   * Re-read the active watches at most this often (and always on gaining the lease). Reading 10,000 watches every
   * 2-second cycle was the largest share of the bot's memory churn (bench/poller.ts); a new watch's first card never
   * waits for this (the watch command queues it), only the poller's first look at it may, by up to this long.
   */
  watchRefreshMs: number;
  /** Sent and dead outbox rows older than this are deleted (by the lease holder, at most every pruneEveryMs). */
  outboxRetentionMs: number;
  pruneEveryMs: number;
}

export const DEFAULT_POLLER_TUNING: PollerTuning = {
  detailConcurrency: 8,
  fallbackRecheckMs: 15 * 60_000,
  maxBackoffMs: 5 * 60_000,
  maxMappingCallsPerCycle: 10,
  maxTimingCallsPerCycle: 20,
  maxDetailDeferrals: 3,
  logTailLines: 20,
  statusPageSize: 1000,
  watchRefreshMs: 10_000,
  outboxRetentionMs: 30 * 24 * 60 * 60_000,
  pruneEveryMs: 60 * 60_000,
};

export interface PollerDeps {
  modelarts: ModelArtsApi;
  store: Store;
  logger: Logger;
  now: () => Date;
  projectId: string;
  intervalSeconds: number;
  alertAfterMinutes: number;
  opsChannelId?: string | undefined;
  /** Workspace of the ops channel. */
  teamId: string;
  instanceId: string;
  /** Jitter source (tests pass a fixed one). */
  random?: () => number;
  tuning?: Partial<PollerTuning>;
}

export type PollerRole = 'leader' | 'standby' | 'stopped';

export interface PollCycleResult {
  role: 'leader' | 'standby';
  ok: boolean;
  mode: ObserveMode | null;
  /** Versions observed this cycle (relevant to some watch or stored state). */
  observed: number;
  /** Versions whose status differs from the stored one (first sights included). */
  changes: number;
  /** Outbox rows the commit inserted (duplicates by key are not counted). */
  alertsQueued: number;
  /** Changes left for the next cycle because their detail call failed transiently. */
  deferred: number;
  /** ModelArts calls made, by facade method. */
  calls: Record<string, number>;
  error: string | null;
}

export interface PollerHealth {
  role: PollerRole;
  mode: ObserveMode;
  intervalSeconds: number;
  lastSuccessAt: string | null;
  /** Seconds since the last successful poll (by any replica). */
  lagSeconds: number | null;
  failingSince: string | null;
  lastError: string | null;
}

export interface Poller {
  start(): void;
  /** Stops the loop, waits for a running cycle and releases the lease. */
  stop(): Promise<void>;
  /** One cycle now (serialised with the loop). */
  runOnce(): Promise<PollCycleResult>;
  health(): PollerHealth;
}

const TRANSIENT = [RateLimitError, ServerError, TimeoutError, ConnectionError] as const;
const isTransient = (err: unknown) => TRANSIENT.some((cls) => err instanceof cls);

/** A ModelArts facade that counts calls per method into whatever counter is current. */
function countingApi(api: ModelArtsApi, count: (method: string) => void): ModelArtsApi {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close') return value;
      return (...args: unknown[]) => {
        count(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function describeError(err: unknown): string {
  if (err instanceof ModelArtsError) return err.userMessage;
  return err instanceof Error ? err.name : 'unknown error';
}

export function createPoller(deps: PollerDeps): Poller {
  const tuning: PollerTuning = { ...DEFAULT_POLLER_TUNING, ...deps.tuning };
  const intervalMs = Math.max(1, deps.intervalSeconds) * 1000;
  const leaseName = `poll:${deps.projectId}`;
  // Two intervals: a holder that died is replaced within two cycles of the others.
  const leaseTtlMs = 2 * intervalMs;
  const alertAfterMs = Math.max(1, deps.alertAfterMinutes) * 60_000;
  const random = deps.random ?? Math.random;
  const { store, logger } = deps;

  let calls: Record<string, number> = {};
  const api = countingApi(deps.modelarts, (method) => {
    calls[method] = (calls[method] ?? 0) + 1;
  });
  const observer = new Observer({
    api,
    now: deps.now,
    fallbackRecheckMs: tuning.fallbackRecheckMs,
    maxMappingCallsPerCycle: tuning.maxMappingCallsPerCycle,
    maxTimingCallsPerCycle: tuning.maxTimingCallsPerCycle,
    statusPageSize: tuning.statusPageSize,
  });

  let role: PollerRole = 'stopped';
  let leader = false;
  /** Last-seen states while we hold the lease; reloaded whenever we (re)gain it, since others wrote meanwhile. */
  let states: Map<string, VersionState> | null = null;
  let healthCache: PollHealth | null = null;
  let watchCache: { watches: Watch[]; at: number } | null = null;
  let consecutiveFailures = 0;
  let lastRetryAfterMs: number | null = null;
  const detailDeferrals = new Map<string, number>();

  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let abort = new AbortController();
  let chain: Promise<unknown> = Promise.resolve();

  const emptyResult = (r: 'leader' | 'standby', extra: Partial<PollCycleResult> = {}): PollCycleResult => ({
    role: r,
    ok: true,
    mode: null,
    observed: 0,
    changes: 0,
    alertsQueued: 0,
    deferred: 0,
    calls: { ...calls },
    error: null,
    ...extra,
  });

  async function loseLeadership(): Promise<PollCycleResult> {
    if (leader) logger.info({ lease: leaseName }, 'poll lease lost; standing by');
    leader = false;
    states = null;
    watchCache = null;
    role = 'standby';
    healthCache = await store.getPollHealth(deps.projectId).catch(() => healthCache);
    return emptyResult('standby');
  }

  let prunedAt = Number.NEGATIVE_INFINITY;
  /** Housekeeping rides on the lease so one replica does it; a failure is logged and tried again next time. */
  async function pruneOutbox(now: Date): Promise<void> {
    if (now.getTime() - prunedAt < tuning.pruneEveryMs) return;
    prunedAt = now.getTime();
    try {
      const removed = await store.pruneOutbox(new Date(now.getTime() - tuning.outboxRetentionMs));
      if (removed > 0) logger.info({ removed }, 'pruned old outbox rows');
    } catch (err) {
      logger.warn({ err }, 'could not prune old outbox rows');
    }
  }

  async function cycle(): Promise<PollCycleResult> {
    calls = {};
    const startedAt = deps.now();
    if (!(await store.tryAcquireLease(leaseName, deps.instanceId, leaseTtlMs, startedAt))) return loseLeadership();
    if (!leader || states === null) {
      watchCache = null;
      states = indexStates(await store.getVersionStates(deps.projectId));
      observer.learnStates(states.values());
      if (!leader) logger.info({ lease: leaseName, states: states.size }, 'poll lease acquired');
      leader = true;
    }
    role = 'leader';
    await pruneOutbox(startedAt);
    const known = states;
    const watches = await activeWatches(startedAt);
    if (watches.length === 0) {
      // Nobody listens: nothing to ask ModelArts. States stay as stored; a watch created later compares with them.
      await recordSuccess(startedAt);
      return emptyResult('leader');
    }
    const call: CallOptions = { signal: abort.signal };

    let observation: Observation;
    try {
      observation = await observer.observe(watches, known, call);
    } catch (err) {
      if (abort.signal.aborted) throw err;
      return recordFailure(err, startedAt);
    }

    const changes = diffVersionStates(known, observation.versions);
    const intents = planAlerts({ changes, watches, latestVersionByJob: observation.latestVersionByJob });
    const { facts, deferred } = await gatherFacts(intents, observation, call);

    const now = deps.now();
    const committed = changes.filter((c) => !deferred.has(keyOf(c.current)));
    const live = intents.filter((i) => !deferred.has(keyOf(i.change.current)));
    const alerts: NewOutboxRow[] = live.map((i) => buildRow(i, facts.get(keyOf(i.change.current)), now));
    const newStates = committed
      .filter(storeFilter(watches))
      .map((c): VersionState => toState(deps.projectId, c.current, now));
    const watchStatuses = watchStatusUpdates(watches, live, observation.versions, deferred);

    let inserted = 0;
    if (newStates.length > 0 || alerts.length > 0 || watchStatuses.length > 0) {
      // Renew first: a slow cycle may have outlived the lease, and the fence below would then refuse the commit.
      if (!(await store.tryAcquireLease(leaseName, deps.instanceId, leaseTtlMs, now))) return loseLeadership();
      const result = await store.commitPollCycle({
        projectId: deps.projectId,
        now,
        states: newStates,
        alerts,
        watchStatuses,
        fence: { name: leaseName, holder: deps.instanceId },
      });
      if (result === null) return loseLeadership();
      inserted = result.inserted;
      for (const s of newStates) known.set(versionKey(s.jobId, s.versionId), s);
      // Keep the cached watches in step with what was just committed for them.
      if (watchCache && watchStatuses.length > 0) {
        const updated = new Map(watchStatuses.map((u) => [u.watchId, u.status]));
        watchCache.watches = watchCache.watches.map((w) =>
          updated.has(w.id) ? { ...w, lastStatus: updated.get(w.id) ?? w.lastStatus } : w,
        );
      }
      for (const c of committed) detailDeferrals.delete(keyOf(c.current));
    }
    await endFinishedVersionWatches(watches, watchStatuses, now);
    if (changes.length > 0 || inserted > 0) {
      logger.info(
        {
          changes: changes.length,
          alerts: alerts.length,
          inserted,
          deferred: deferred.size,
          mode: observation.mode,
          calls,
        },
        'poll cycle',
      );
    }
    await recordSuccess(now);
    return {
      role: 'leader',
      ok: true,
      mode: observation.mode,
      observed: observation.observedCount,
      changes: changes.length,
      alertsQueued: inserted,
      deferred: deferred.size,
      calls: { ...calls },
      error: null,
    };
  }

  async function activeWatches(now: Date): Promise<Watch[]> {
    const age = watchCache ? now.getTime() - watchCache.at : Number.POSITIVE_INFINITY;
    if (!watchCache || age >= tuning.watchRefreshMs || age < 0) {
      watchCache = { watches: await store.listActiveWatches(deps.projectId), at: now.getTime() };
    }
    return watchCache.watches;
  }

  /**
   * Detail (and, for failures, log) calls for the versions that will alert; transient failures defer the version.
   * A first-seen version that only gets a card needs no detail: that card usually repeats the one the watch command
   * queued (same key, dropped by the outbox), so the listing's facts do, and 10,000 new watches cost no detail calls.
   */
  async function gatherFacts(intents: readonly AlertIntent[], observation: Observation, call: CallOptions) {
    const facts = new Map<string, AlertFacts>();
    const deferred = new Set<string>();
    const byVersion = new Map<string, { change: VersionChange; wantsDetail: boolean; wantsLog: boolean }>();
    for (const intent of intents) {
      const key = keyOf(intent.change.current);
      const entry = byVersion.get(key) ?? { change: intent.change, wantsDetail: false, wantsLog: false };
      if (intent.kind !== 'card' || intent.change.previous !== null) entry.wantsDetail = true;
      if (intent.kind !== 'card' && trainingJobStatus(intent.change.current.status).category === 'failed') {
        entry.wantsLog = true;
      }
      byVersion.set(key, entry);
    }
    await mapLimit([...byVersion.entries()], tuning.detailConcurrency, async ([key, entry]) => {
      const { change, wantsDetail, wantsLog } = entry;
      const v = change.current;
      const previousStatus = change.previous?.status ?? null;
      let detail: TrainingJobVersion | null = observation.details.get(key) ?? null;
      if (!detail && wantsDetail) {
        try {
          detail = await api.getTrainingJobVersion(v.jobId, v.versionId, call);
        } catch (err) {
          if (abort.signal.aborted) throw err;
          const tries = (detailDeferrals.get(key) ?? 0) + 1;
          if (isTransient(err) && tries < tuning.maxDetailDeferrals) {
            detailDeferrals.set(key, tries);
            deferred.add(key);
            return;
          }
          logger.warn(
            { jobId: v.jobId, versionId: v.versionId, err: describeError(err) },
            'alert goes out without detail',
          );
        }
      }
      const logTail = wantsLog ? await fetchLogTail(v, call) : null;
      const f = detail ? factsFromVersion(deps.projectId, detail, { previousStatus, logTail }) : factsFromObserved(v);
      // The listing's status is the one the change (and its dedupe key) is about, even if the detail moved on.
      facts.set(key, {
        ...f,
        status: v.status,
        previousStatus,
        logTail,
        jobName: f.jobName ?? v.jobName,
        versionName: f.versionName ?? v.versionName,
        flavor: f.flavor ?? v.flavor,
        gpuNum: f.gpuNum ?? v.gpuNum,
      });
    });
    return { facts, deferred };
  }

  function factsFromObserved(v: ObservedVersion): AlertFacts {
    return {
      projectId: deps.projectId,
      jobId: v.jobId,
      versionId: v.versionId,
      jobName: v.jobName,
      versionName: v.versionName,
      status: v.status,
      previousStatus: null,
      createTime: v.createTime,
      startTime: v.startTime,
      durationMs: v.durationMs,
      engine: null,
      flavor: v.flavor,
      gpuNum: v.gpuNum,
      metrics: null,
      logTail: null,
    };
  }

  /** Best effort: a failure alert without its log is better than a late one. */
  async function fetchLogTail(v: ObservedVersion, call: CallOptions): Promise<string[] | null> {
    try {
      const files = await api.getLogFileNames(v.jobId, v.versionId, call);
      const file = files[0];
      if (!file) return null;
      const log = await api.getAomLog(v.jobId, v.versionId, { log_file: file, lines: tuning.logTailLines }, call);
      const lines = log.content
        .split(/\r?\n/)
        .map((l) => l.trimEnd())
        .filter((l) => l !== '');
      return lines.length > 0 ? lines.slice(-tuning.logTailLines).map((l) => l.slice(0, 500)) : null;
    } catch (err) {
      if (abort.signal.aborted) throw err;
      logger.debug({ jobId: v.jobId, versionId: v.versionId, err: describeError(err) }, 'no log tail for alert');
      return null;
    }
  }

  function buildRow(intent: AlertIntent, f: AlertFacts | undefined, now: Date): NewOutboxRow {
    const facts = f ?? factsFromObserved(intent.change.current);
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
   * A version watch ends once its target is terminal and that status is committed on the watch (with the terminal
   * alert, when one was due). Re-checked every cycle, so a crash between commit and endWatch only delays it.
   */
  async function endFinishedVersionWatches(
    watches: readonly Watch[],
    updates: ReadonlyArray<{ watchId: number; status: number }>,
    now: Date,
  ): Promise<void> {
    const updated = new Map(updates.map((u) => [u.watchId, u.status]));
    for (const w of watches) {
      if (w.target.kind !== 'version') continue;
      const status = updated.get(w.id) ?? w.lastStatus;
      if (status === null || !trainingJobStatus(status).terminal) continue;
      await store.endWatch(w.id, now);
      logger.info({ watchId: w.id, status }, 'version watch ended');
      if (watchCache) watchCache.watches = watchCache.watches.filter((x) => x.id !== w.id);
    }
  }

  async function recordFailure(err: unknown, now: Date): Promise<PollCycleResult> {
    consecutiveFailures++;
    lastRetryAfterMs = err instanceof RateLimitError ? err.retryAfterMs : null;
    const error = describeError(err);
    const previous = (await store.getPollHealth(deps.projectId)) ?? emptyHealth(deps.projectId);
    const failingSince = previous.failingSince ?? now;
    let warnedAt = previous.warnedAt;
    const failingFor = now.getTime() - failingSince.getTime();
    if (warnedAt === null && failingFor >= alertAfterMs) {
      if (deps.opsChannelId) {
        await store.enqueue([
          opsNoticeRow({
            teamId: deps.teamId,
            channelId: deps.opsChannelId,
            projectId: deps.projectId,
            kind: 'failing',
            failingSince,
            error,
            now,
          }),
        ]);
      }
      logger.error({ failingSince, error }, 'polling ModelArts has been failing; operators notified');
      warnedAt = now;
    } else {
      logger.warn({ error, failures: consecutiveFailures }, 'poll failed; keeping last known state');
    }
    const next: PollHealth = { ...previous, lastAttemptAt: now, failingSince, lastError: error, warnedAt };
    await store.savePollHealth(next);
    healthCache = next;
    return emptyResult('leader', { ok: false, error, mode: observer.mode });
  }

  async function recordSuccess(now: Date): Promise<void> {
    consecutiveFailures = 0;
    lastRetryAfterMs = null;
    const previous = await store.getPollHealth(deps.projectId);
    if (previous?.failingSince && previous.warnedAt) {
      if (deps.opsChannelId) {
        await store.enqueue([
          opsNoticeRow({
            teamId: deps.teamId,
            channelId: deps.opsChannelId,
            projectId: deps.projectId,
            kind: 'recovered',
            failingSince: previous.failingSince,
            error: previous.lastError,
            now,
          }),
        ]);
      }
      logger.info({ failingSince: previous.failingSince }, 'polling ModelArts recovered');
    }
    const next: PollHealth = {
      projectId: deps.projectId,
      lastSuccessAt: now,
      lastAttemptAt: now,
      failingSince: null,
      lastError: null,
      warnedAt: null,
    };
    await store.savePollHealth(next);
    healthCache = next;
  }

  function serialised(): Promise<PollCycleResult> {
    const run = chain.then(async () => {
      try {
        return await cycle();
      } catch (err) {
        if (abort.signal.aborted) return emptyResult(leader ? 'leader' : 'standby', { ok: false, error: 'stopped' });
        // Store trouble (or a bug): nothing was committed, the next cycle starts over from the store.
        consecutiveFailures++;
        states = null;
        watchCache = null;
        logger.error({ err }, 'poll cycle failed');
        return emptyResult(leader ? 'leader' : 'standby', { ok: false, error: describeError(err) });
      }
    });
    chain = run;
    return run;
  }

  function nextDelay(result: PollCycleResult, elapsedMs: number): number {
    if (result.ok) return Math.max(0, intervalMs - elapsedMs);
    const base = Math.min(tuning.maxBackoffMs, intervalMs * 2 ** Math.min(20, consecutiveFailures - 1));
    const jittered = base / 2 + (random() * base) / 2;
    return Math.max(jittered, lastRetryAfterMs ?? 0);
  }

  function schedule(delayMs: number): void {
    if (!running) return;
    timer = setTimeout(async () => {
      timer = null;
      const t0 = Date.now();
      const result = await serialised();
      schedule(nextDelay(result, Date.now() - t0));
    }, delayMs);
  }

  return {
    start() {
      if (running) return;
      running = true;
      abort = new AbortController();
      role = 'standby';
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      abort.abort();
      await chain.catch(() => undefined);
      if (leader) await store.releaseLease(leaseName, deps.instanceId).catch(() => undefined);
      leader = false;
      states = null;
      watchCache = null;
      role = 'stopped';
    },
    runOnce: serialised,
    health(): PollerHealth {
      const last = healthCache?.lastSuccessAt ?? null;
      return {
        role,
        mode: observer.mode,
        intervalSeconds: intervalMs / 1000,
        lastSuccessAt: last ? last.toISOString() : null,
        lagSeconds: last ? Math.max(0, (deps.now().getTime() - last.getTime()) / 1000) : null,
        failingSince: healthCache?.failingSince ? healthCache.failingSince.toISOString() : null,
        lastError: healthCache?.lastError ?? null,
      };
    },
  };
}

// -------------------------------------------------------------------------------------------------------------------

const keyOf = (v: { jobId: string; versionId: string }) => versionKey(v.jobId, v.versionId);

function emptyHealth(projectId: string): PollHealth {
  return { projectId, lastSuccessAt: null, lastAttemptAt: null, failingSince: null, lastError: null, warnedAt: null };
}

function toState(projectId: string, v: ObservedVersion, now: Date): VersionState {
  return {
    projectId,
    jobId: v.jobId,
    versionId: v.versionId,
    status: v.status,
    jobName: v.jobName,
    versionName: v.versionName,
    updatedAt: now,
  };
}

/**
 * Which changes become stored states: every update, and a first sight when some watch covers the version (a project
 * watch covers them all). Finished history is stored too: recorded once, it is never looked at again, where leaving it
 * out would make every cycle re-judge it. Versions nobody watches stay out of the store.
 */
function storeFilter(watches: readonly Watch[]): (change: VersionChange) => boolean {
  const project = watches.some((w) => w.target.kind === 'project');
  const jobs = new Set<string>();
  const versions = new Set<string>();
  for (const { target: t } of watches) {
    if (t.kind === 'job') jobs.add(t.jobId);
    else if (t.kind === 'version') versions.add(versionKey(t.jobId, t.versionId));
  }
  return (change) =>
    change.previous !== null || project || jobs.has(change.current.jobId) || versions.has(keyOf(change.current));
}

/**
 * Status each watch last saw: the version's for version watches (also when nothing changed, which keeps `watches`
 * listings current and lets finished version watches end), the alerted version's for job and project watches.
 */
function watchStatusUpdates(
  watches: readonly Watch[],
  intents: readonly AlertIntent[],
  observed: readonly ObservedVersion[],
  deferred: ReadonlySet<string>,
): Array<{ watchId: number; status: number }> {
  const next = new Map<number, number>();
  for (const i of intents) next.set(i.watch.id, i.change.current.status);
  // `observed` holds only the versions worth a look (Observation.versions): a version watch missing from it has
  // already recorded the status it would get.
  const byKey = new Map(observed.map((v) => [keyOf(v), v]));
  for (const w of watches) {
    if (w.target.kind !== 'version') continue;
    const key = versionKey(w.target.jobId, w.target.versionId);
    const v = byKey.get(key);
    if (v && !deferred.has(key)) next.set(w.id, v.status);
  }
  if (next.size === 0) return [];
  const byId = new Map(watches.map((w) => [w.id, w]));
  return [...next]
    .filter(([id, status]) => byId.get(id)?.lastStatus !== status)
    .map(([watchId, status]) => ({ watchId, status }));
}
