/**
 * The `channel_pacing` table: one row per channel with outbox rows. It holds the earliest time the channel's next send
 * may start (`next_at`) and doubles as the channel's mutex for claimers (see outbox-claim.ts).
 */
import { type Kysely, sql } from 'kysely';
import { type Channel, chunks } from './batch.js';
import type { Database } from './schema.js';

/**
 * Creates the pacing rows of channels that have none yet (free to send at once). An existing row's next_at is raised
 * to at least `touchedAt` - 1 ms: no send waits for that (it is already past), but it takes the row's lock and moves
 * it out of the retention window, so a retention pass deleting the channel's pacing row meanwhile either waits for
 * this transaction and then spares the row, or deletes it first and this insert creates it again.
 */
export async function ensureChannelPacing(
  db: Kysely<Database>,
  channels: readonly Channel[],
  touchedAt: number,
): Promise<void> {
  const floor = touchedAt - 1;
  for (const part of chunks(channels)) {
    await db
      .insertInto('channel_pacing')
      .values(part.map((c) => ({ ...c, next_at: 0, spacing_ms: 0 })))
      .onConflict((oc) =>
        oc.columns(['team_id', 'channel_id']).doUpdateSet({
          next_at: sql<number>`case when channel_pacing.next_at < ${floor} then ${floor} else channel_pacing.next_at end`,
        }),
      )
      .execute();
  }
}

/** Pushes the channel's next send to at least `now` + its spacing, `now` being when a send finished. */
export async function paceAfterSend(db: Kysely<Database>, channel: Channel, now: number): Promise<void> {
  await db
    .updateTable('channel_pacing')
    .set({
      next_at: sql<number>`case when next_at < ${now} + spacing_ms then ${now} + spacing_ms else next_at end`,
    })
    .where('team_id', '=', channel.team_id)
    .where('channel_id', '=', channel.channel_id)
    .execute();
}
