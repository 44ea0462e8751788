/**
 * The `version_states` table: the last-seen status of each run (v1 job version or v2 job), so a change made while we
 * were down is seen. The table keeps its 0001 name; rows.ts converts a v2 job's missing version.
 */
import type { Kysely } from 'kysely';
import { chunks } from './batch.js';
import { runStateFromRow, versionColumn } from './rows.js';
import type { Database } from './schema.js';
import type { RunState } from './types.js';

export async function getRunStates(db: Kysely<Database>, projectId: string): Promise<RunState[]> {
  const rows = await db
    .selectFrom('version_states')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('job_id')
    .orderBy('version_id')
    .execute();
  return rows.map(runStateFromRow);
}

/** Inserts or updates states; a state without a project id is stored under `projectId`. */
export async function upsertRunStates(
  db: Kysely<Database>,
  projectId: string,
  states: readonly RunState[],
): Promise<void> {
  // Postgres refuses to update one row twice in a single upsert; the last state given for a run wins.
  const byKey = new Map<string, RunState>();
  for (const s of states) byKey.set(JSON.stringify([s.projectId, s.jobId, s.versionId]), s);
  for (const part of chunks([...byKey.values()])) {
    await db
      .insertInto('version_states')
      .values(
        part.map((s) => ({
          project_id: s.projectId || projectId,
          job_id: s.jobId,
          version_id: versionColumn(s.versionId),
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
