/**
 * The lookup modal's job picker: what the user typed, searched in ModelArts' job list by name (`search_content`), as
 * picker options. A typed id is offered even when no name matches it; the submission checks that the job exists.
 */
import type { PlainTextOption } from '@slack/types';
import { type JobChoice, jobOptions, MAX_JOB_OPTIONS } from '../blocks/lookup-modal.js';
import type { AppDeps } from '../deps.js';
import type { CallOptions } from '../listeners/common/answer.js';

/** Longer queries cannot be a name prefix anyone types; they are cut rather than sent whole. */
const MAX_QUERY = 64;

export async function searchJobOptions(deps: AppDeps, typed: string, call: CallOptions): Promise<PlainTextOption[]> {
  const query = typed.trim().slice(0, MAX_QUERY);
  if (query.length === 0) return [];
  const list = await deps.modelarts.listTrainingJobs(
    { search_content: query, per_page: MAX_JOB_OPTIONS, page: 1, sortBy: 'create_time', order: 'desc' },
    call,
  );
  const jobs: JobChoice[] = list.jobs.map((j) => ({
    jobId: String(j.job_id),
    name: j.job_name ?? null,
    versionCount: j.version_count ?? null,
  }));
  return jobOptions(query, jobs);
}
