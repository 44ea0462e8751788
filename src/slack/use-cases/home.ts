/**
 * The App Home tab: the user's watches and the project's running jobs of both training APIs with GPU/NPU totals. Shared by the
 * app_home_opened event and the Refresh button.
 */

import type { HomeView } from '@slack/types';
import type { ListedRun } from '../../modelarts/index.js';
import { acceleratorsInUse, renderHome } from '../blocks/index.js';
import { toUserMessage } from '../errors.js';
import type { CallOptions } from '../listeners/common/answer.js';
import { type CommandEnv, renderContext, renderContextIn } from './context.js';

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
  const [watches, running, ctx] = await Promise.all([
    deps.store.listUserWatches(env.teamId, env.userId),
    runningRuns(env, call),
    renderContext(env),
  ]);
  const { gpus, npus } = acceleratorsInUse(running.rows);
  return renderHome(
    { userId: env.userId, watches, running: running.rows, gpuTotal: gpus, npuTotal: npus, error: running.error },
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
