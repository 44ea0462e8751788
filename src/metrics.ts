/**
 * Prometheus metrics, added at the composition root by decorating the collaborators (ModelArts facade, Bolt app,
 * the outbox's WebClient, poller, store) so no other module has to know metrics exist.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, type WebAPICallResult, WebClient } from '@slack/web-api';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { ACTION, CALLBACK } from './slack/ids.js';
import { SUBCOMMANDS } from './slack/use-cases/parser.js';

const PREFIX = 'modelarts_chatops_';
/** Slack gives 3 s to ack; the buckets resolve the interesting range around it. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30];

export interface Metrics {
  readonly registry: Registry;
  readonly interactions: Counter<'kind' | 'subcommand' | 'outcome'>;
  readonly ackSeconds: Histogram<'kind' | 'subcommand'>;
  readonly handlerSeconds: Histogram<'kind' | 'subcommand'>;
  readonly modelartsRequests: Counter<'endpoint' | 'outcome'>;
  readonly modelartsErrors: Counter<'endpoint' | 'code'>;
  readonly modelartsSeconds: Histogram<'endpoint'>;
  readonly lookupReads: Counter<'result'>;
  readonly slackCalls: Counter<'method'>;
  readonly slackFailures: Counter<'method' | 'error'>;
  readonly pollCycleSeconds: Histogram<'outcome'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const registers = [registry];
  return {
    registry,
    interactions: new Counter({
      name: `${PREFIX}interactions_total`,
      help: 'Slack requests handled (slash commands by subcommand, actions, shortcuts, views, events)',
      labelNames: ['kind', 'subcommand', 'outcome'],
      registers,
    }),
    ackSeconds: new Histogram({
      name: `${PREFIX}interaction_ack_seconds`,
      help: 'Time from receiving a Slack request to acknowledging it (Slack gives up after 3 s)',
      labelNames: ['kind', 'subcommand'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    handlerSeconds: new Histogram({
      name: `${PREFIX}interaction_duration_seconds`,
      help: 'Time until every listener of a Slack request finished, including follow-ups after the ack',
      labelNames: ['kind', 'subcommand'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    modelartsRequests: new Counter({
      name: `${PREFIX}modelarts_requests_total`,
      help: 'ModelArts API calls by endpoint and outcome (ok or error), retries counted as one call',
      labelNames: ['endpoint', 'outcome'],
      registers,
    }),
    modelartsErrors: new Counter({
      name: `${PREFIX}modelarts_errors_total`,
      help: 'Failed ModelArts API calls by endpoint and error code (ModelArts/APIG code, else the error class)',
      labelNames: ['endpoint', 'code'],
      registers,
    }),
    modelartsSeconds: new Histogram({
      name: `${PREFIX}modelarts_request_duration_seconds`,
      help: 'ModelArts API call latency by endpoint, retries included',
      labelNames: ['endpoint'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    lookupReads: new Counter({
      name: `${PREFIX}lookup_cache_reads_total`,
      help: 'ModelArts reads made for Slack lookups, by how they were served: hit (kept answer), shared (joined a request in flight), miss (asked ModelArts)',
      labelNames: ['result'],
      registers,
    }),
    slackCalls: new Counter({
      name: `${PREFIX}slack_delivery_calls_total`,
      help: 'Slack Web API calls made by the alert sender',
      labelNames: ['method'],
      registers,
    }),
    slackFailures: new Counter({
      name: `${PREFIX}slack_delivery_failures_total`,
      help: 'Slack Web API calls of the alert sender that failed, by Slack error (ratelimited, channel_not_found, http_503, …)',
      labelNames: ['method', 'error'],
      registers,
    }),
    pollCycleSeconds: new Histogram({
      name: `${PREFIX}poll_cycle_duration_seconds`,
      help: 'Duration of one poll cycle',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// ModelArts facade

/** What the ModelArts client reports after each call (its `onRequest` option); the endpoint is the path template. */
export interface ModelArtsRequestEvent {
  endpoint: string;
  status: number | null;
  outcome: string;
  errorCode: string | null;
  durationMs: number;
}

/**
 * The ModelArts client's `onRequest` hook: one count, one latency observation and, on failure, one error count per
 * call (retries included), by endpoint template (`GET /v1/{project_id}/training-jobs/versions`) and error code.
 */
export function modelArtsRequestObserver(metrics: Metrics): (event: ModelArtsRequestEvent) => void {
  return (event) => {
    const endpoint = event.endpoint.length <= 120 ? event.endpoint : 'other';
    const ok = event.outcome === 'ok';
    metrics.modelartsRequests.inc({ endpoint, outcome: ok ? 'ok' : 'error' });
    metrics.modelartsSeconds.observe({ endpoint }, event.durationMs / 1000);
    if (!ok) {
      const code = event.errorCode ?? event.outcome;
      metrics.modelartsErrors.inc({ endpoint, code: /^[A-Za-z0-9._-]{1,40}$/.test(code) ? code : 'unknown' });
    }
  };
}

/** The lookup read cache's `onRead` hook. */
export function lookupReadObserver(metrics: Metrics): (result: 'hit' | 'shared' | 'miss') => void {
  return (result) => metrics.lookupReads.inc({ result });
}

// ---------------------------------------------------------------------------------------------------------------
// Bolt

const KNOWN_SUBCOMMANDS = new Set<string>(SUBCOMMANDS);
const KNOWN_ACTIONS = new Set<string>(Object.values(ACTION));
const KNOWN_CALLBACKS = new Set<string>(Object.values(CALLBACK));
const known = (set: Set<string>, value: unknown): string =>
  typeof value === 'string' && set.has(value) ? value : 'other';

/** Kind and subcommand labels of a Slack request body, from bounded sets so labels cannot explode. */
export function interactionLabels(body: Record<string, unknown>): { kind: string; subcommand: string } {
  if (typeof body.command === 'string') {
    const first = typeof body.text === 'string' ? (body.text.trim().split(/\s+/)[0] ?? '').toLowerCase() : '';
    return { kind: 'command', subcommand: first === '' ? 'help' : known(KNOWN_SUBCOMMANDS, first) };
  }
  switch (body.type) {
    case 'block_actions': {
      const actions = Array.isArray(body.actions) ? (body.actions as Array<{ action_id?: unknown }>) : [];
      return { kind: 'action', subcommand: known(KNOWN_ACTIONS, actions[0]?.action_id) };
    }
    case 'shortcut':
    case 'message_action':
      return { kind: 'shortcut', subcommand: known(KNOWN_CALLBACKS, body.callback_id) };
    case 'view_submission':
    case 'view_closed':
      return {
        kind: 'view',
        subcommand: known(KNOWN_CALLBACKS, (body.view as { callback_id?: unknown } | undefined)?.callback_id),
      };
    case 'event_callback': {
      const type = (body.event as { type?: unknown } | undefined)?.type;
      return { kind: 'event', subcommand: typeof type === 'string' && /^[a-z_]{1,40}$/.test(type) ? type : 'other' };
    }
    case 'block_suggestion':
      return { kind: 'options', subcommand: 'other' };
    default:
      return { kind: 'other', subcommand: 'other' };
  }
}

interface ProcessEventTarget {
  processEvent(event: { body: Record<string, unknown>; ack: (response?: unknown) => Promise<void> }): Promise<void>;
}

export interface BoltTracking {
  /** Requests whose listeners are still running (work after the ack included). */
  inFlight(): number;
  /** Resolves when every request accepted so far has been fully handled (shutdown waits for follow-ups). */
  idle(): Promise<void>;
}

/**
 * Decorates `app.processEvent`, the single door every receiver (HTTP and Socket Mode) uses: counts each request by
 * subcommand, times its ack (what Slack's 3-second limit is about) and the whole handling including follow-ups, and
 * tracks requests in flight so shutdown can let their response_url follow-ups finish.
 * Global middleware would miss the ack, which Bolt hands to listeners outside the middleware arguments.
 */
export function instrumentBolt(app: ProcessEventTarget, metrics: Metrics): BoltTracking {
  const original = app.processEvent.bind(app);
  const pending = new Set<Promise<void>>();
  app.processEvent = (event) => {
    const handling = handle(event);
    pending.add(handling);
    const forget = () => pending.delete(handling);
    handling.then(forget, forget);
    return handling;
  };
  return {
    inFlight: () => pending.size,
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };

  async function handle(event: Parameters<ProcessEventTarget['processEvent']>[0]): Promise<void> {
    const labels = interactionLabels(event.body);
    const endAck = metrics.ackSeconds.startTimer(labels);
    const endHandler = metrics.handlerSeconds.startTimer(labels);
    let acked = false;
    const ack = async (response?: unknown) => {
      if (!acked) {
        acked = true;
        endAck();
      }
      return event.ack(response);
    };
    let outcome = 'ok';
    try {
      await original({ ...event, ack });
    } catch (err) {
      outcome = 'error';
      throw err;
    } finally {
      endHandler();
      metrics.interactions.inc({ ...labels, outcome });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Slack Web API (the outbox sender's client)

/** A bounded label for a failed Web API call. */
export function slackErrorLabel(err: unknown): string {
  const e = err as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown } | null;
  switch (e?.code) {
    case ErrorCode.PlatformError: {
      const error = e.data?.error;
      return typeof error === 'string' && /^[a-z0-9_]{1,60}$/.test(error) ? error : 'platform_error';
    }
    case ErrorCode.RateLimitedError:
      return 'ratelimited';
    case ErrorCode.HTTPError:
      return typeof e.statusCode === 'number' ? `http_${e.statusCode}` : 'http_error';
    case ErrorCode.RequestError:
      return 'request_error';
    default:
      return 'unknown';
  }
}

/** The sender's WebClient with every call and every failure counted (by Slack's error, e.g. channel_not_found). */
export class MeteredWebClient extends WebClient {
  readonly #metrics: Metrics;

  constructor(token: string, options: ConstructorParameters<typeof WebClient>[1], metrics: Metrics) {
    super(token, options);
    this.#metrics = metrics;
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    const label = /^[a-zA-Z.]{1,60}$/.test(method) ? method : 'other';
    this.#metrics.slackCalls.inc({ method: label });
    try {
      return await super.apiCall(method, options);
    } catch (err) {
      this.#metrics.slackFailures.inc({ method: label, error: slackErrorLabel(err) });
      throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Poller, outbox

/** The part of the poller's health the metrics read. */
export interface PollHealthView {
  /** Seconds since the last successful poll by any replica; null before the first. */
  lagSeconds: number | null;
  failingSince: string | Date | null;
}

/**
 * Gauges read at scrape time from values already in memory: poll lag (seconds since the last successful cycle, by
 * any replica), whether polling is failing, and the outbox depth and lag the ops monitor last read (shared by all
 * replicas). A scrape never queries the database: with a large outbox a COUNT per scrape let a scrape flood slow
 * every Slack answer, so the monitor refreshes the depth on its own schedule.
 */
export function registerStateGauges(
  metrics: Metrics,
  sources: {
    pollHealth: () => PollHealthView;
    /** The last depth read; null before the first read or after a failed one. */
    outboxDepth: () => { pending: number; dead: number } | null;
    /** Seconds the oldest due row has waited (0: none due); null when unknown. */
    outboxLagSeconds: () => number | null;
    /** Whether Slack refuses the bot token right now (alerts are held). */
    slackAuthFailing?: () => boolean;
  },
): void {
  const registers = [metrics.registry];
  new Gauge({
    name: `${PREFIX}poll_lag_seconds`,
    help: 'Seconds since the last successful poll cycle by any replica (absent until one succeeded)',
    registers,
    collect() {
      this.reset();
      const lag = sources.pollHealth().lagSeconds;
      if (lag !== null) this.set(lag);
    },
  });
  new Gauge({
    name: `${PREFIX}poll_failing`,
    help: '1 while poll cycles are failing, else 0',
    registers,
    collect() {
      this.set(sources.pollHealth().failingSince ? 1 : 0);
    },
  });
  new Gauge({
    name: `${PREFIX}outbox_depth`,
    help: 'Outbox rows by state (pending: waiting to be posted; dead: given up), all replicas, refreshed once per poll interval',
    labelNames: ['state'],
    registers,
    collect() {
      // A depth that could not be read leaves no series (an `absent()` alert notices) rather than a stale number.
      this.reset();
      const depth = sources.outboxDepth();
      if (!depth) return;
      this.set({ state: 'pending' }, depth.pending);
      this.set({ state: 'dead' }, depth.dead);
    },
  });
  new Gauge({
    name: `${PREFIX}outbox_lag_seconds`,
    help: 'Seconds the oldest due outbox row has waited to be posted (0 when none is due, NaN when the database did not answer), all replicas',
    registers,
    collect() {
      // A gauge without labels cannot be absent; NaN fails every threshold comparison instead of passing as 0.
      this.set(sources.outboxLagSeconds() ?? Number.NaN);
    },
  });
  new Gauge({
    name: `${PREFIX}slack_auth_failing`,
    help: '1 while Slack refuses the bot token (alerts are held for SLACK_AUTH_GRACE_SECONDS), else 0',
    registers,
    collect() {
      this.set(sources.slackAuthFailing?.() ? 1 : 0);
    },
  });
}

interface PollerStoreCalls {
  tryAcquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean>;
  savePollHealth(health: { failingSince: Date | null }): Promise<void>;
}

/**
 * Times poll cycles from the store calls that open and close them, for a poller that offers no cycle hook: a cycle
 * of the lease holder starts with `tryAcquireLease` and ends with `savePollHealth` (success or failure). A lost lease
 * ends a cycle unrecorded (standby cycles do no polling). A second `tryAcquireLease` within one cycle (the renewal
 * before the commit) does not restart the clock unless the open cycle is older than `maxCycleMs`, which covers a
 * cycle that died on a store error before recording its health.
 */
export function timePollCycles<S extends object>(store: S & PollerStoreCalls, metrics: Metrics, maxCycleMs: number): S {
  let openedAt: number | null = null;
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'tryAcquireLease') {
        return async (...args: Parameters<PollerStoreCalls['tryAcquireLease']>) => {
          const t = performance.now();
          if (openedAt === null || t - openedAt > maxCycleMs) openedAt = t;
          const held = await target.tryAcquireLease(...args);
          if (!held) openedAt = null;
          return held;
        };
      }
      if (prop === 'savePollHealth') {
        return async (health: Parameters<PollerStoreCalls['savePollHealth']>[0]) => {
          await target.savePollHealth(health);
          if (openedAt !== null) {
            metrics.pollCycleSeconds.observe(
              { outcome: health.failingSince ? 'error' : 'ok' },
              (performance.now() - openedAt) / 1000,
            );
            openedAt = null;
          }
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

/** GET /metrics handler for Bolt's customRoutes or a plain http server. */
export function metricsHandler(registry: Registry): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(text);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('metrics collection failed\n');
      },
    );
  };
}
