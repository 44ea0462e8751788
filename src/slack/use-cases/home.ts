/**
 * The App Home tab: the user's watches, the project's running jobs of both training APIs with GPU/NPU totals and its
 * failures of the last day with their reasons. Shared by the
 * app_home_opened event and the Refresh button.
 */

import type { HomeView } from '@slack/types';
import {
  type JobRun,
  type ListedRun,
  type RunFilter,
  statusCodesForCategory,
  v2PhasesOf,
} from '../../modelarts/index.js';
import { acceleratorsInUse, renderHome } from '../blocks/index.js';
import { toUserMessage } from '../errors.js';
import type { CallOptions } from '../listeners/common/answer.js';
import { type CommandEnv, renderContext, renderContextIn } from './context.js';
import { withFailureReason } from './lookups.js';

/** Home lists failures of the last day, newest first, at most this many (each reads its log's reason). */
const RECENT_FAILURES = 5;
const RECENT_FAILURES_MS = 24 * 60 * 60_000;
/** Newest failed runs read to find those of the last day: a day rarely has more failures than this. */
const FAILURES_SCANNED = 50;
const FAILED: RunFilter = {
  v1Codes: new Set(statusCodesForCategory('failed')),
  v2Phases: new Set(v2PhasesOf(['failed'])),
};

const isRun = (run: ListedRun): run is JobRun => run.ref !== null;

/**
 * The project's newest failures of the last day in both training APIs, each with the reason its log gives; when the
 * listing fails there are none to show (Home still opens).
 */
export async function recentFailures(env: CommandEnv, call: CallOptions, now: Date): Promise<ListedRun[]> {
  const { deps } = env;
  const since = now.getTime() - RECENT_FAILURES_MS;
  const endOf = (run: ListedRun) =>
    run.endedAt ?? (run.createdAt !== null ? run.createdAt + (run.durationMs ?? 0) : null);
  try {
    const list = await deps.training.listRuns({ filter: FAILED, limit: FAILURES_SCANNED }, call);
    const failed = list.runs
      .filter((run) => run.status.category === 'failed' && (endOf(run) ?? 0) >= since)
      .sort((a, b) => (endOf(b) ?? 0) - (endOf(a) ?? 0))
      .slice(0, RECENT_FAILURES);
    return await Promise.all(failed.map((run) => (isRun(run) ? withFailureReason(deps, run, call) : run)));
  } catch (err) {
    deps.logger.debug({ err }, 'no recent failures for the Home tab');
    return [];
  }
}

/** The project's running runs of both training APIs; a failure becomes the Home tab's notice, never an error page. */
export async function runningRuns(
  env: CommandEnv,
  call: CallOptions,
): Promise<{ rows: ListedRun[]; error: string | null }> {
  const { deps } = env;
  const ctx = { projectId: deps.projectId, subject: { kind: 'list', what: 'running jobs' } } as const;
  try {
    const list = await deps.training.runningRuns(call);
    return {
      rows: list.runs,
      error:
        list.v1Source === 'jobs'
          ? 'GPU and NPU counts of old-version jobs need the ModelArts all-versions listing, which this region does not offer.'
          : null,
    };
  } catch (err) {
    return { rows: [], error: toUserMessage(err, ctx, deps.logger) };
  }
}

export async function homeView(env: CommandEnv, call: CallOptions): Promise<HomeView> {
  const { deps } = env;
  const [watches, running, failed, ctx] = await Promise.all([
    deps.store.listUserWatches(env.teamId, env.userId),
    runningRuns(env, call),
    recentFailures(env, call, deps.now()),
    renderContext(env),
  ]);
  const { gpus, npus } = acceleratorsInUse(running.rows);
  return renderHome(
    {
      userId: env.userId,
      watches,
      running: running.rows,
      failed,
      gpuTotal: gpus,
      npuTotal: npus,
      error: running.error,
    },
    ctx,
  );
}

/** The Home tab for someone the access rules keep out: the refusal, nothing fetched (not even users.info). */
export function refusedHomeView(env: CommandEnv, sentence: string): HomeView {
  return renderHome(
    { userId: env.userId, watches: [], running: [], gpuTotal: 0, npuTotal: 0, error: sentence },
    renderContextIn(env.deps, 'UTC'),
  );
}
