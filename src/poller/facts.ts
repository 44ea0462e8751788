/**
 * What an alert says about a run beyond the listing: its full record and, for failures, the tail of its log. Both
 * are best effort: a detail call that fails transiently defers the run's alert a few cycles, a log that cannot be
 * read leaves the alert without one.
 */
import type { Logger } from 'pino';
import type { RunChange } from '../alerts/diff.js';
import type { AlertIntent } from '../alerts/plan.js';
import { type AlertFacts, factsFromRun } from '../alerts/rows.js';
import { type CallOptions, fillRun, type JobRun, type RunRef, runKey } from '../modelarts/index.js';
import { describeError, isTransient, mapLimit } from './api-calls.js';
import type { Observation, RunObserver } from './observer.js';
import type { PollerTuning } from './types.js';

export interface FactsDeps {
  /** The observer of the run's API (it knows how to read the run's record and log). */
  observerFor: (ref: RunRef) => RunObserver | undefined;
  logger: Logger;
  projectId: string;
  tuning: Pick<PollerTuning, 'detailConcurrency' | 'maxDetailDeferrals' | 'logTailLines'>;
  /** Cycles each run's alert has waited for its detail so far, kept across cycles. */
  detailDeferrals: Map<string, number>;
}

/** The call options of a cycle: its signal aborts when the poller stops. */
export type CycleCall = CallOptions & { signal: AbortSignal };

export const keyOf = (run: { ref: RunRef }): string => runKey(run.ref);

/**
 * Detail (and, for failures, log) calls for the runs that will alert; transient failures defer the run. A first-seen
 * run that only gets a card needs no detail: that card usually repeats the one the watch command queued (same key,
 * dropped by the outbox), so the listing's facts do, and 10,000 new watches cost no detail calls.
 */
export async function gatherFacts(
  deps: FactsDeps,
  intents: readonly AlertIntent<JobRun>[],
  observation: Pick<Observation, 'details'>,
  call: CycleCall,
): Promise<{ facts: Map<string, AlertFacts>; deferred: Set<string> }> {
  const { logger, tuning, detailDeferrals } = deps;
  const facts = new Map<string, AlertFacts>();
  const deferred = new Set<string>();
  const byRun = new Map<string, { change: RunChange<JobRun>; wantsDetail: boolean; wantsLog: boolean }>();
  for (const intent of intents) {
    const key = keyOf(intent.change.current);
    const entry = byRun.get(key) ?? { change: intent.change, wantsDetail: false, wantsLog: false };
    if (intent.kind !== 'card' || intent.change.previous !== null) entry.wantsDetail = true;
    if (intent.kind !== 'card' && intent.change.current.status.category === 'failed') entry.wantsLog = true;
    byRun.set(key, entry);
  }
  await mapLimit([...byRun.entries()], tuning.detailConcurrency, async ([key, entry]) => {
    const { change, wantsDetail, wantsLog } = entry;
    const listed = change.current;
    const observer = deps.observerFor(listed.ref);
    let detail: JobRun | null = observation.details.get(key) ?? null;
    if (!detail && wantsDetail && observer) {
      try {
        detail = await observer.detail(listed.ref, call);
      } catch (err) {
        if (call.signal.aborted) throw err;
        const tries = (detailDeferrals.get(key) ?? 0) + 1;
        if (isTransient(err) && tries < tuning.maxDetailDeferrals) {
          detailDeferrals.set(key, tries);
          deferred.add(key);
          return;
        }
        logger.warn({ run: key, err: describeError(err) }, 'alert goes out without detail');
      }
    }
    const logTail = wantsLog && observer ? await fetchLogTail(deps, observer, listed.ref, call) : null;
    // The record wins where it knows more, but the listing's status is the one the change (and its dedupe key) is
    // about, even if the record moved on meanwhile; what the record lacks, the listing fills.
    const run = detail ? { ...fillRun(detail, listed), status: listed.status } : listed;
    facts.set(key, factsFromRun(deps.projectId, run, { previousStatus: change.previous?.status ?? null, logTail }));
  });
  return { facts, deferred };
}

/** Best effort: a failure alert without its log is better than a late one. */
async function fetchLogTail(
  deps: FactsDeps,
  observer: RunObserver,
  ref: RunRef,
  call: CycleCall,
): Promise<string[] | null> {
  try {
    return await observer.logTail(ref, deps.tuning.logTailLines, call);
  } catch (err) {
    if (call.signal.aborted) throw err;
    deps.logger.debug({ run: runKey(ref), err: describeError(err) }, 'no log tail for alert');
    return null;
  }
}
