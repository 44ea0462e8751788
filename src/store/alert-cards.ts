/** The `alert_cards` table: the one card a channel has for a run, which edits and thread replies target. */
import type { Kysely } from 'kysely';
import { cardFromRow, versionColumn } from './rows.js';
import type { Database } from './schema.js';
import type { AlertCard } from './types.js';

export async function getCard(
  db: Kysely<Database>,
  teamId: string,
  channelId: string,
  jobId: string,
  versionId: string | null,
): Promise<AlertCard | null> {
  const row = await db
    .selectFrom('alert_cards')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('channel_id', '=', channelId)
    .where('job_id', '=', jobId)
    .where('version_id', '=', versionColumn(versionId))
    .executeTakeFirst();
  return row ? cardFromRow(row) : null;
}

/** Records the card's ts; a fresh post of a card whose old one could not be edited replaces it. */
export async function saveCard(db: Kysely<Database>, card: AlertCard): Promise<void> {
  await db
    .insertInto('alert_cards')
    .values({
      team_id: card.teamId,
      channel_id: card.channelId,
      job_id: card.jobId,
      version_id: versionColumn(card.versionId),
      ts: card.ts,
      updated_at: card.updatedAt.getTime(),
    })
    .onConflict((oc) =>
      oc.columns(['team_id', 'channel_id', 'job_id', 'version_id']).doUpdateSet((eb) => ({
        ts: eb.ref('excluded.ts'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}
