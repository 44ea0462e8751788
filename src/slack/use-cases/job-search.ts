/**
 * The lookup modal's job picker: what the user typed, searched by name in both training APIs (exact or prefix
 * matches first, then names that contain it), as picker options. A typed id is offered even when no name matches
 * it; the submission checks that the job exists.
 */
import type { PlainTextOption } from '@slack/types';
import { listedIds } from '../../modelarts/index.js';
import { type JobChoice, jobOptions } from '../blocks/lookup-modal.js';
import type { AppDeps } from '../deps.js';
import type { CallOptions } from '../listeners/common/answer.js';

/** Longer queries cannot be a name prefix anyone types; they are cut rather than sent whole. */
const MAX_QUERY = 64;

export async function searchJobOptions(deps: AppDeps, typed: string, call: CallOptions): Promise<PlainTextOption[]> {
  const query = typed.trim().slice(0, MAX_QUERY);
  if (query.length === 0) return [];
  const found = await deps.training.findRunsByName(query, call);
  const jobs: JobChoice[] = [];
  for (const run of [...found.matches, ...found.near]) {
    const { jobId } = listedIds(run);
    if (jobId !== null) jobs.push({ jobId, name: run.name, versionCount: null });
  }
  return jobOptions(query, jobs);
}
