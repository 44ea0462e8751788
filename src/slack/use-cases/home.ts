/**
 * The App Home tab: the user's watches, the project's running job versions with GPU/NPU totals and its failures of
 * the last day with their reasons. Shared by the
 * app_home_opened event and the Refresh button.
 */

import type { HomeView } from '@slack/types';
import { EndpointNotFoundError } from '../../modelarts/errors.js';
import { type ListedRun, listedFromV1StatusRow, runFromV1JobSummary } from '../../modelarts/index.js';
import { acceleratorsInUse, renderHome } from '../blocks/index.js';
import { toUserMessage } from '../errors.js';
import type { CallOptions } from '../listeners/common/answer.js';
import { type CommandEnv, renderContext, renderContextIn } from './context.js';
import { withFailureReason } from './lookups.js';

/** Home lists failures of the last day, newest first, at most this many (each reads its log's reason). */
const RECENT_FAILURES = 5;
const RECENT_FAILURES_MS = 24 * 60 * 60_000;

/**
 * The project's newest failures of the last day, each with the reason its log gives. Shares the all-versions answer
 * with runningVersions through the read cache; without that listing (or when it fails) there are none to show.
 */
export async function recentFailures(env: CommandEnv, call: CallOptions, now: Date): Promise<ListedRun[]> {
  const { deps } = env;
  const since = now.getTime() - RECENT_FAILURES_MS;
  const endOf = (run: ListedRun) =>
    run.endedAt ?? (run.createdAt !== null ? run.createdAt + (run.durationMs ?? 0) : null);
  try {
    const all = await deps.modelarts.listJobVersionStatuses({ offset: 0, limit: 0 }, call);
    const failed = all.versions
      .map(listedFromV1StatusRow)
      .filter((run) => run.status.category === 'failed' && (endOf(run) ?? 0) >= since)
      .sort((a, b) => (endOf(b) ?? 0) - (endOf(a) ?? 0))
      .slice(0, RECENT_FAILURES);
    return await Promise.all(failed.map((run) => (run.ref !== null ? withFailureReason(deps, run, call) : run)));
  } catch (err) {
    deps.logger.debug({ err }, 'no recent failures for the Home tab');
    return [];
  }
}

export async function runningVersions(
  env: CommandEnv,
  call: CallOptions,
): Promise<{ rows: ListedRun[]; error: string | null }> {
  const { deps } = env;
  const ctx = { projectId: deps.projectId, subject: { kind: 'list', what: 'running job versions' } } as const;
  const running = (run: ListedRun) => run.status.category === 'running';
  try {
    const all = await deps.modelarts.listJobVersionStatuses({ offset: 0, limit: 0 }, call);
    return { rows: all.versions.map(listedFromV1StatusRow).filter(running), error: null };
  } catch (err) {
    if (!(err instanceof EndpointNotFoundError)) return { rows: [], error: toUserMessage(err, ctx, deps.logger) };
  }
  try {
    const list = await deps.modelarts.listTrainingJobs(
      { per_page: 100, page: 1, sortBy: 'create_time', order: 'desc' },
      call,
    );
    return {
      rows: list.jobs.map(runFromV1JobSummary).filter(running),
      error: 'GPU and NPU counts need the ModelArts all-versions listing, which this region does not offer.',
    };
  } catch (err) {
    return { rows: [], error: toUserMessage(err, ctx, deps.logger) };
  }
}

export async function homeView(env: CommandEnv, call: CallOptions): Promise<HomeView> {
  const { deps } = env;
  const [watches, running, failed, ctx] = await Promise.all([
    deps.store.listUserWatches(env.teamId, env.userId),
    runningVersions(env, call),
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
