/**
 * Recently seen request fingerprints (Slack request signatures, Events API event ids): the shared memory that lets
 * every replica refuse a replay, whichever replica saw the original.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Expired rows are deleted at most this often per process: pruning rides on the writes, never on every one. */
const PRUNE_EVERY_MS = 60_000;

export class RequestSignatures {
  readonly #db: Kysely<Database>;
  #prunedAt = Number.NEGATIVE_INFINITY;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * Records `key` until `expiresAt`. True when the key is new (or its earlier record expired); false when it is
   * recorded and unexpired, i.e. this is a repeat. One atomic upsert: two replicas racing on one key cannot both
   * see it as new.
   */
  async remember(key: string, expiresAt: Date, now: Date): Promise<boolean> {
    const at = now.getTime();
    const row = await this.#db
      .insertInto('request_signatures')
      .values({ key, expires_at: expiresAt.getTime() })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet((eb) => ({ expires_at: eb.ref('excluded.expires_at') }))
          .where('request_signatures.expires_at', '<=', at),
      )
      .returning('key')
      .executeTakeFirst();
    if (at - this.#prunedAt >= PRUNE_EVERY_MS) {
      this.#prunedAt = at;
      await this.#db.deleteFrom('request_signatures').where('expires_at', '<=', at).execute();
    }
    return row !== undefined;
  }
}
