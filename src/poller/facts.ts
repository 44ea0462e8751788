/**
 * What an alert says about a version beyond the listing: its detail record and, for failures, the tail of its log.
 * Both are best effort: a detail call that fails transiently defers the version's alert a few cycles, a log that
 * cannot be read leaves the alert without one.
 */
import type { Logger } from 'pino';
import type { ObservedVersion, VersionChange } from '../alerts/diff.js';
import { versionKey } from '../alerts/diff.js';
import type { AlertIntent } from '../alerts/plan.js';
import { type AlertFacts, factsFromVersion } from '../alerts/rows.js';
import { type CallOptions, type ModelArtsApi, type TrainingJobVersion, trainingJobStatus } from '../modelarts/index.js';
import { describeError, isTransient, mapLimit } from './api-calls.js';
import type { Observation } from './observe.js';
import type { PollerTuning } from './types.js';

export interface FactsDeps {
  api: ModelArtsApi;
  logger: Logger;
  projectId: string;
  tuning: Pick<PollerTuning, 'detailConcurrency' | 'maxDetailDeferrals' | 'logTailLines'>;
  /** Cycles each version's alert has waited for its detail so far, kept across cycles. */
  detailDeferrals: Map<string, number>;
}

/** The call options of a cycle: its signal aborts when the poller stops. */
export type CycleCall = CallOptions & { signal: AbortSignal };

export const keyOf = (v: { jobId: string; versionId: string }) => versionKey(v.jobId, v.versionId);

/**
 * Detail (and, for failures, log) calls for the versions that will alert; transient failures defer the version.
 * A first-seen version that only gets a card needs no detail: that card usually repeats the one the watch command
 * queued (same key, dropped by the outbox), so the listing's facts do, and 10,000 new watches cost no detail calls.
 */
export async function gatherFacts(
  deps: FactsDeps,
  intents: readonly AlertIntent[],
  observation: Observation,
  call: CycleCall,
): Promise<{ facts: Map<string, AlertFacts>; deferred: Set<string> }> {
  const { api, logger, tuning, detailDeferrals } = deps;
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
        if (call.signal.aborted) throw err;
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
    const logTail = wantsLog ? await fetchLogTail(deps, v, call) : null;
    const f = detail
      ? factsFromVersion(deps.projectId, detail, { previousStatus, logTail })
      : factsFromObserved(deps.projectId, v);
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

/** The facts the listing alone gives, for alerts that go out without a detail record. */
export function factsFromObserved(projectId: string, v: ObservedVersion): AlertFacts {
  return {
    projectId,
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
async function fetchLogTail(deps: FactsDeps, v: ObservedVersion, call: CycleCall): Promise<string[] | null> {
  const { api, tuning } = deps;
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
    if (call.signal.aborted) throw err;
    deps.logger.debug({ jobId: v.jobId, versionId: v.versionId, err: describeError(err) }, 'no log tail for alert');
    return null;
  }
}
