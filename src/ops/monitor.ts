/**
 * What readiness and the state gauges report, read from the database on the monitor's schedule, never per scrape:
 *
 * - a probe (one indexed query: the oldest due outbox row) tells whether the database answers within a short
 *   timeout and how long the oldest due alert has waited; /readyz runs it at most once a second, however often it
 *   is asked, and the timer runs it too so the lag gauge stays fresh;
 * - the outbox depth (a COUNT, which grows with the outbox) is refreshed at most once per `depthEveryMs`, under a
 *   timeout, by the timer alone.
 *
 * A scrape or a readiness flood therefore costs the database at most one cheap query a second.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';

export type CheckWord = 'ok' | 'unreachable' | 'lagging' | 'unknown' | 'refused';

/** Status words and numbers only: this is what the public /readyz shows. */
export interface Readiness {
  ready: boolean;
  /** `slack: refused`: Slack refuses the bot token; alerts are held until it is fixed. */
  checks: { database: CheckWord; poll: CheckWord; outbox: CheckWord; slack: CheckWord };
  /** Seconds since the last successful poll by any replica (since this process started, before the first). */
  pollLagSeconds: number;
  /** Seconds the oldest due alert has been waiting; 0 when none is due; null when the database did not answer. */
  outboxLagSeconds: number | null;
}

export interface OpsMonitorDeps {
  store: Pick<Store, 'oldestDueOutboxRunAt' | 'outboxDepth'>;
  /** Seconds since the last successful poll by any replica; null before the first. */
  pollLagSeconds: () => number | null;
  now: () => Date;
  logger: Logger;
  /** Poll lag and outbox lag above this make the replica unready. */
  maxLagSeconds: number;
  /** The timer's period: the depth COUNT runs at most this often (the poll interval). */
  refreshEveryMs: number;
  probeTimeoutMs?: number;
  depthTimeoutMs?: number;
  /** A probe younger than this answers /readyz without asking the database again. */
  probeMaxAgeMs?: number;
  /** Whether Slack refuses the bot token right now. */
  slackAuthFailing?: () => boolean;
}

export interface OpsMonitor {
  start(): void;
  stop(): void;
  readiness(): Promise<Readiness>;
  /** The last outbox depth read; null before the first read and after a failed one (the gauge then disappears). */
  outboxDepth(): { pending: number; dead: number } | null;
  /** The outbox lag of the last probe; null when it failed. */
  outboxLagSeconds(): number | null;
}

class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Probe {
  at: number;
  ok: boolean;
  outboxLagSeconds: number | null;
}

export function createOpsMonitor(deps: OpsMonitorDeps): OpsMonitor {
  const probeTimeoutMs = deps.probeTimeoutMs ?? 2_000;
  const depthTimeoutMs = deps.depthTimeoutMs ?? 5_000;
  const probeMaxAgeMs = deps.probeMaxAgeMs ?? 1_000;
  const startedAt = deps.now().getTime();
  let last: Probe | null = null;
  let probing: Promise<Probe> | null = null;
  let depth: { pending: number; dead: number } | null = null;
  let depthRunning = false;
  let timer: NodeJS.Timeout | null = null;
  let databaseWasDown = false;

  async function runProbe(): Promise<Probe> {
    const now = deps.now();
    try {
      const oldest = await within(deps.store.oldestDueOutboxRunAt(now), probeTimeoutMs, 'the readiness query');
      if (databaseWasDown) deps.logger.info('database answers again');
      databaseWasDown = false;
      const lag = oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0;
      return { at: Date.now(), ok: true, outboxLagSeconds: lag };
    } catch (err) {
      if (!databaseWasDown) deps.logger.warn({ err }, 'database did not answer the readiness query');
      databaseWasDown = true;
      return { at: Date.now(), ok: false, outboxLagSeconds: null };
    }
  }

  /** One probe at a time; a recent one is reused. */
  function probe(): Promise<Probe> {
    if (last && Date.now() - last.at < probeMaxAgeMs) return Promise.resolve(last);
    probing ??= runProbe().then((result) => {
      last = result;
      probing = null;
      return result;
    });
    return probing;
  }

  async function refreshDepth(): Promise<void> {
    if (depthRunning) return;
    depthRunning = true;
    try {
      depth = await within(deps.store.outboxDepth(), depthTimeoutMs, 'counting the outbox');
    } catch (err) {
      depth = null;
      deps.logger.warn({ err }, 'could not count the outbox');
    } finally {
      depthRunning = false;
    }
  }

  const tick = () => {
    void refreshDepth();
    void probe();
  };

  return {
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, Math.max(1_000, deps.refreshEveryMs));
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    async readiness(): Promise<Readiness> {
      const result = await probe();
      const lag = deps.pollLagSeconds() ?? (deps.now().getTime() - startedAt) / 1000;
      const pollLagSeconds = Math.round(lag * 10) / 10;
      const outboxLagSeconds = result.outboxLagSeconds === null ? null : Math.round(result.outboxLagSeconds * 10) / 10;
      const checks = {
        database: result.ok ? 'ok' : 'unreachable',
        poll: pollLagSeconds > deps.maxLagSeconds ? 'lagging' : 'ok',
        outbox: outboxLagSeconds === null ? 'unknown' : outboxLagSeconds > deps.maxLagSeconds ? 'lagging' : 'ok',
        slack: deps.slackAuthFailing?.() ? 'refused' : 'ok',
      } as const;
      const ready = Object.values(checks).every((c) => c === 'ok');
      return { ready, checks, pollLagSeconds, outboxLagSeconds };
    },
    outboxDepth: () => depth,
    outboxLagSeconds: () => last?.outboxLagSeconds ?? null,
  };
}
