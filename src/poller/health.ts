/**
 * Poll health: how polling the project went lately, stored so every replica (and /healthz) sees the same, and the
 * operators' notices when polling has been failing for a while and when it recovers.
 */
import type { Logger } from 'pino';
import { opsNoticeRow } from '../alerts/rows.js';
import type { PollHealth, Store } from '../store/types.js';

export interface PollHealthDeps {
  store: Store;
  logger: Logger;
  projectId: string;
  /** Workspace of the ops channel. */
  teamId: string;
  opsChannelId?: string | undefined;
  /** How long polling may fail before the operators are told. */
  alertAfterMs: number;
}

export class PollHealthTracker {
  readonly #deps: PollHealthDeps;
  /** The last health read or written, for health() without a store round trip. */
  #cached: PollHealth | null = null;

  constructor(deps: PollHealthDeps) {
    this.#deps = deps;
  }

  get cached(): PollHealth | null {
    return this.#cached;
  }

  /** Re-reads what the lease holder wrote (a standby replica reports the holder's health); keeps the cache on error. */
  async refresh(): Promise<void> {
    this.#cached = await this.#deps.store.getPollHealth(this.#deps.projectId).catch(() => this.#cached);
  }

  /** A failed cycle: starts or extends the failing streak, and tells the operators once it has lasted long enough. */
  async recordFailure(error: string, now: Date, failures: number): Promise<void> {
    const { store, logger, projectId } = this.#deps;
    const previous = (await store.getPollHealth(projectId)) ?? emptyHealth(projectId);
    const failingSince = previous.failingSince ?? now;
    let warnedAt = previous.warnedAt;
    const failingFor = now.getTime() - failingSince.getTime();
    if (warnedAt === null && failingFor >= this.#deps.alertAfterMs) {
      await this.#notify('failing', failingSince, error, now);
      logger.error({ failingSince, error }, 'polling ModelArts has been failing; operators notified');
      warnedAt = now;
    } else {
      logger.warn({ error, failures }, 'poll failed; keeping last known state');
    }
    const next: PollHealth = { ...previous, lastAttemptAt: now, failingSince, lastError: error, warnedAt };
    await store.savePollHealth(next);
    this.#cached = next;
  }

  /** A successful cycle: ends a failing streak (telling the operators when they were told it began). */
  async recordSuccess(now: Date): Promise<void> {
    const { store, logger, projectId } = this.#deps;
    const previous = await store.getPollHealth(projectId);
    if (previous?.failingSince && previous.warnedAt) {
      await this.#notify('recovered', previous.failingSince, previous.lastError, now);
      logger.info({ failingSince: previous.failingSince }, 'polling ModelArts recovered');
    }
    const next: PollHealth = {
      projectId,
      lastSuccessAt: now,
      lastAttemptAt: now,
      failingSince: null,
      lastError: null,
      warnedAt: null,
    };
    await store.savePollHealth(next);
    this.#cached = next;
  }

  async #notify(kind: 'failing' | 'recovered', failingSince: Date, error: string | null, now: Date): Promise<void> {
    const { store, teamId, opsChannelId, projectId } = this.#deps;
    if (!opsChannelId) return;
    await store.enqueue([opsNoticeRow({ teamId, channelId: opsChannelId, projectId, kind, failingSince, error, now })]);
  }
}

function emptyHealth(projectId: string): PollHealth {
  return { projectId, lastSuccessAt: null, lastAttemptAt: null, failingSince: null, lastError: null, warnedAt: null };
}
