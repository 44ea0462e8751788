/**
 * Retention: every table that grows with use is pruned of what is older than the retention window and no longer
 * needed, a bounded batch per table per pass, so a pass is cheap however large the backlog (it catches up over passes).
 *
 * - outbox: sent and dead rows. Sent rows are also the record of what was posted (their dedupe keys keep a re-derived
 *   alert from being queued twice), so the window must be far longer than any poll or retry could re-derive one.
 * - watches: ended and disabled ones (they only still show in `/modelarts watches` as history).
 * - version_states: last-seen states of runs no active watch of their project or job covers.
 * - alert_cards: cards of runs no active watch in their channel covers and no pending row will edit or reply to.
 * - channel_pacing: channels with no outbox rows left. insertOutboxRows touches a channel's pacing row in the
 *   transaction that queues its rows (ensureChannelPacing), which moves next_at out of this window, so a channel that
 *   is queued to while being pruned keeps (or gets back) its row.
 * - request_signatures prune themselves as they are written (request-signatures.ts); leases and poll_health hold one
 *   row per project.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { PruneCounts } from './types.js';

export async function pruneStore(db: Kysely<Database>, before: Date, limit: number): Promise<PruneCounts> {
  const cutoff = before.getTime();
  const outbox = await db
    .deleteFrom('outbox')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('state', 'in', ['sent', 'dead'])
        .where('created_at', '<', cutoff)
        .limit(limit),
    )
    .executeTakeFirst();

  const watches = await db
    .deleteFrom('watches')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('watches')
        .select('id')
        .where((w) => w.or([w('ended_at', '<', cutoff), w('disabled_at', '<', cutoff)]))
        .limit(limit),
    )
    .executeTakeFirst();

  const versionStates = await db
    .deleteFrom('version_states')
    .where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('project_id', 'job_id', 'version_id'),
        'in',
        selectFrom('version_states as s')
          .select(['s.project_id', 's.job_id', 's.version_id'])
          .where('s.updated_at', '<', cutoff)
          .where(({ not, exists, selectFrom: from }) =>
            not(
              exists(
                from('watches as w')
                  .select('w.id')
                  .where('w.ended_at', 'is', null)
                  .where('w.disabled_at', 'is', null)
                  .whereRef('w.project_id', '=', 's.project_id')
                  .where((w) => w.or([w('w.target_kind', '=', 'project'), w('w.job_id', '=', w.ref('s.job_id'))])),
              ),
            ),
          )
          .limit(limit)
          .$asTuple('project_id', 'job_id', 'version_id'),
      ),
    )
    .executeTakeFirst();

  const alertCards = await db
    .deleteFrom('alert_cards')
    .where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('team_id', 'channel_id', 'job_id', 'version_id'),
        'in',
        selectFrom('alert_cards as c')
          .select(['c.team_id', 'c.channel_id', 'c.job_id', 'c.version_id'])
          .where('c.updated_at', '<', cutoff)
          .where(({ not, exists, selectFrom: from }) =>
            not(
              exists(
                from('watches as w')
                  .select('w.id')
                  .where('w.ended_at', 'is', null)
                  .where('w.disabled_at', 'is', null)
                  .whereRef('w.team_id', '=', 'c.team_id')
                  .whereRef('w.channel_id', '=', 'c.channel_id')
                  .where((w) => w.or([w('w.target_kind', '=', 'project'), w('w.job_id', '=', w.ref('c.job_id'))])),
              ),
            ),
          )
          .where(({ not, exists, selectFrom: from }) =>
            not(
              exists(
                from('outbox as o')
                  .select('o.id')
                  .where('o.state', '=', 'pending')
                  .whereRef('o.team_id', '=', 'c.team_id')
                  .whereRef('o.channel_id', '=', 'c.channel_id')
                  .whereRef('o.job_id', '=', 'c.job_id'),
              ),
            ),
          )
          .limit(limit)
          .$asTuple('team_id', 'channel_id', 'job_id', 'version_id'),
      ),
    )
    .executeTakeFirst();

  const channelPacing = await db
    .deleteFrom('channel_pacing')
    .where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('team_id', 'channel_id'),
        'in',
        selectFrom('channel_pacing as p')
          .select(['p.team_id', 'p.channel_id'])
          .where('p.next_at', '<', cutoff)
          .where(({ not, exists, selectFrom: from }) =>
            not(
              exists(
                from('outbox as o')
                  .select('o.id')
                  .whereRef('o.team_id', '=', 'p.team_id')
                  .whereRef('o.channel_id', '=', 'p.channel_id'),
              ),
            ),
          )
          .limit(limit)
          .$asTuple('team_id', 'channel_id'),
      ),
    )
    .where('next_at', '<', cutoff)
    .executeTakeFirst();

  return {
    outbox: Number(outbox.numDeletedRows),
    watches: Number(watches.numDeletedRows),
    versionStates: Number(versionStates.numDeletedRows),
    alertCards: Number(alertCards.numDeletedRows),
    channelPacing: Number(channelPacing.numDeletedRows),
  };
}
