/** The `version_states` table: the last-seen status of each job version, so a change made while we were down is seen. */
import type { Kysely } from 'kysely';
import { chunks } from './batch.js';
import { versionStateFromRow } from './rows.js';
import type { Database } from './schema.js';
import type { VersionState } from './types.js';

export async function getVersionStates(db: Kysely<Database>, projectId: string): Promise<VersionState[]> {
  const rows = await db
    .selectFrom('version_states')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('job_id')
    .orderBy('version_id')
    .execute();
  return rows.map(versionStateFromRow);
}

/** Inserts or updates states; a state without a project id is stored under `projectId`. */
export async function upsertVersionStates(
  db: Kysely<Database>,
  projectId: string,
  states: readonly VersionState[],
): Promise<void> {
  // Postgres refuses to update one row twice in a single upsert; the last state given for a version wins.
  const byKey = new Map<string, VersionState>();
  for (const s of states) byKey.set(JSON.stringify([s.projectId, s.jobId, s.versionId]), s);
  for (const part of chunks([...byKey.values()])) {
    await db
      .insertInto('version_states')
      .values(
        part.map((s) => ({
          project_id: s.projectId || projectId,
          job_id: s.jobId,
          version_id: s.versionId,
          status: s.status,
          job_name: s.jobName,
          version_name: s.versionName,
          updated_at: s.updatedAt.getTime(),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['project_id', 'job_id', 'version_id']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          job_name: eb.ref('excluded.job_name'),
          version_name: eb.ref('excluded.version_name'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
