/**
 * The App Home tab: the user's watches and the project's running job versions with GPU/NPU totals. Shared by the
 * app_home_opened event and the Refresh button.
 */

import type { HomeView } from '@slack/types';
import { EndpointNotFoundError } from '../../modelarts/errors.js';
import type { JobVersionStatus, TrainingJobSummary } from '../../modelarts/index.js';
import { statusCodesForCategory } from '../../modelarts/statuses.js';
import { renderHome } from '../blocks/index.js';
import { toUserMessage } from '../errors.js';
import type { CallOptions } from '../listeners/common/answer.js';
import { type CommandEnv, renderContext, renderContextIn } from './context.js';

const RUNNING = new Set(statusCodesForCategory('running'));

/** A job-list row in the shape of an all-versions row (GPU counts unknown). */
function fromJobSummary(job: TrainingJobSummary): JobVersionStatus {
  return {
    version_id: job.version_id ?? 0,
    version_name: null,
    job_id: job.job_id,
    job_name: job.job_name,
    status: job.status,
    create_time: job.create_time,
    start_time: null,
    end_time: null,
    duration: job.duration,
    version_desc: null,
    pool_id: null,
    flavor_code: null,
    npu_num: null,
    gpu_num: null,
  };
}

export async function runningVersions(
  env: CommandEnv,
  call: CallOptions,
): Promise<{ rows: JobVersionStatus[]; error: string | null }> {
  const { deps } = env;
  const ctx = { projectId: deps.projectId, subject: { kind: 'list', what: 'running job versions' } } as const;
  try {
    const all = await deps.modelarts.listJobVersionStatuses({ offset: 0, limit: 0 }, call);
    return { rows: all.versions.filter((v) => RUNNING.has(v.status)), error: null };
  } catch (err) {
    if (!(err instanceof EndpointNotFoundError)) return { rows: [], error: toUserMessage(err, ctx, deps.logger) };
  }
  try {
    const list = await deps.modelarts.listTrainingJobs(
      { per_page: 100, page: 1, sortBy: 'create_time', order: 'desc' },
      call,
    );
    return {
      rows: list.jobs.filter((j) => RUNNING.has(j.status)).map(fromJobSummary),
      error: 'GPU and NPU counts need the ModelArts all-versions listing, which this region does not offer.',
    };
  } catch (err) {
    return { rows: [], error: toUserMessage(err, ctx, deps.logger) };
  }
}

export async function homeView(env: CommandEnv, call: CallOptions): Promise<HomeView> {
  const { deps } = env;
  const [watches, running, ctx] = await Promise.all([
    deps.store.listUserWatches(env.teamId, env.userId),
    runningVersions(env, call),
    renderContext(env),
  ]);
  const gpuTotal = running.rows.reduce((sum, v) => sum + (v.gpu_num ?? 0), 0);
  const npuTotal = running.rows.reduce((sum, v) => sum + (v.npu_num ?? 0), 0);
  return renderHome(
    { userId: env.userId, watches, running: running.rows, gpuTotal, npuTotal, error: running.error },
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
