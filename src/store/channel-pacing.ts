/**
 * The `channel_pacing` table: one row per channel with outbox rows. It holds the earliest time the channel's next send
 * may start (`next_at`) and doubles as the channel's mutex for claimers (see outbox-claim.ts).
 */
import { type Kysely, sql } from 'kysely';
import { type Channel, chunks } from './batch.js';
import type { Database } from './schema.js';

/** Creates the pacing rows of channels that have none yet (free to send at once); existing rows are left alone. */
export async function ensureChannelPacing(db: Kysely<Database>, channels: readonly Channel[]): Promise<void> {
  for (const part of chunks(channels)) {
    await db
      .insertInto('channel_pacing')
      .values(part.map((c) => ({ ...c, next_at: 0, spacing_ms: 0 })))
      .onConflict((oc) => oc.columns(['team_id', 'channel_id']).doNothing())
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
