/** The `poll_health` table: how polling a project went lately, shared by every replica (health checks, ops notices). */
import type { Kysely } from 'kysely';
import { millisOrNull, pollHealthFromRow } from './rows.js';
import type { Database } from './schema.js';
import type { PollHealth } from './types.js';

export async function getPollHealth(db: Kysely<Database>, projectId: string): Promise<PollHealth | null> {
  const row = await db.selectFrom('poll_health').selectAll().where('project_id', '=', projectId).executeTakeFirst();
  return row ? pollHealthFromRow(row) : null;
}

export async function savePollHealth(db: Kysely<Database>, health: PollHealth): Promise<void> {
  await db
    .insertInto('poll_health')
    .values({
      project_id: health.projectId,
      last_success_at: millisOrNull(health.lastSuccessAt),
      last_attempt_at: millisOrNull(health.lastAttemptAt),
      failing_since: millisOrNull(health.failingSince),
      last_error: health.lastError,
      warned_at: millisOrNull(health.warnedAt),
    })
    .onConflict((oc) =>
      oc.column('project_id').doUpdateSet((eb) => ({
        last_success_at: eb.ref('excluded.last_success_at'),
        last_attempt_at: eb.ref('excluded.last_attempt_at'),
        failing_since: eb.ref('excluded.failing_since'),
        last_error: eb.ref('excluded.last_error'),
        warned_at: eb.ref('excluded.warned_at'),
      })),
    )
    .execute();
}
