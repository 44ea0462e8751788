/**
 * Operations surface of one replica, composed here so main.ts only starts and stops it:
 *
 * - public Slack port: GET /healthz (liveness, served by the Slack app) and GET /readyz (readiness: database answers,
 *   polling and the outbox keep up), both status words and numbers only;
 * - operations listener (METRICS_HOST:METRICS_PORT, loopback by default): GET /metrics and GET /health (the
 *   detailed report with instance id, poller role and last error), behind METRICS_TOKEN when it is set, which also
 *   serves them on the Slack port.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { type Metrics, metricsHandler, registerStateGauges } from '../metrics.js';
import type { PollerHealth } from '../poller/index.js';
import type { Store } from '../store/types.js';
import { createOpsMonitor, type OpsMonitor, type Readiness } from './monitor.js';
import { type OpsRoute, type OpsServer, sendHealth, startOpsServer, withBearerToken } from './server.js';

export type { OpsMonitor, Readiness } from './monitor.js';
export type Phase = 'starting' | 'ready' | 'stopping';

/** GET /health on the operations listener (and `RunningBot.health()`); not public: it names the instance. */
export interface HealthReport {
  ok: boolean;
  status: Phase;
  instanceId: string;
  startedAt: string;
  poller: PollerHealth | null;
  outbox: { depth: { pending: number; dead: number } | null; lagSeconds: number | null };
}

export interface OpsDeps {
  config: Config;
  store: Store;
  metrics: Metrics;
  logger: Logger;
  now: () => Date;
  instanceId: string;
  pollerHealth: () => PollerHealth | null;
  /** When Slack started refusing the bot token (the sender holds alerts meanwhile); null while it accepts it. */
  slackAuthFailingSince?: () => Date | null;
  phase: () => Phase;
}

export interface Ops {
  readonly monitor: OpsMonitor;
  /** For the Slack app's server: GET /readyz, plus the operations endpoints when METRICS_TOKEN guards them. */
  readonly publicRoutes: Array<OpsRoute & { method: string[] }>;
  health(): HealthReport;
  /** Starts the monitor's refreshes and the operations listener. */
  start(): Promise<OpsServer>;
  stop(): Promise<void>;
}

export function createOps(deps: OpsDeps): Ops {
  const { config } = deps;
  const startedAt = deps.now().toISOString();
  const monitor = createOpsMonitor({
    store: deps.store,
    pollLagSeconds: () => deps.pollerHealth()?.lagSeconds ?? null,
    now: deps.now,
    logger: deps.logger,
    maxLagSeconds: config.ops.readyMaxLagSeconds,
    refreshEveryMs: config.poll.intervalSeconds * 1000,
    slackAuthFailing: () => (deps.slackAuthFailingSince?.() ?? null) !== null,
  });
  registerStateGauges(deps.metrics, {
    pollHealth: () => deps.pollerHealth() ?? { lagSeconds: null, failingSince: null },
    outboxDepth: () => monitor.outboxDepth(),
    outboxLagSeconds: () => monitor.outboxLagSeconds(),
    slackAuthFailing: () => (deps.slackAuthFailingSince?.() ?? null) !== null,
  });

  const health = (): HealthReport => {
    const status = deps.phase();
    return {
      ok: status === 'ready',
      status,
      instanceId: deps.instanceId,
      startedAt,
      poller: deps.pollerHealth(),
      outbox: { depth: monitor.outboxDepth(), lagSeconds: monitor.outboxLagSeconds() },
    };
  };

  const readyz = (_req: IncomingMessage, res: ServerResponse) => {
    const phase = deps.phase();
    if (phase !== 'ready') {
      sendHealth(res, false, { ok: false, status: phase });
      return;
    }
    monitor.readiness().then(
      ({ ready, checks, pollLagSeconds, outboxLagSeconds }: Readiness) =>
        sendHealth(res, ready, {
          ok: ready,
          status: ready ? 'ready' : 'not_ready',
          checks,
          pollLagSeconds,
          outboxLagSeconds,
        }),
      (err: unknown) => {
        deps.logger.error({ err }, 'readiness check failed');
        sendHealth(res, false, { ok: false, status: 'not_ready' });
      },
    );
  };

  const opsRoutes: OpsRoute[] = [
    { path: '/metrics', handler: metricsHandler(deps.metrics.registry) },
    { path: '/health', handler: (_req: IncomingMessage, res: ServerResponse) => sendHealth(res, true, health()) },
  ].map((route) => withBearerToken(route, config.ops.token));

  let server: OpsServer | null = null;
  return {
    monitor,
    publicRoutes: [{ path: '/readyz', handler: readyz }, ...(config.ops.token ? opsRoutes : [])].map((r) => ({
      ...r,
      method: ['GET'],
    })),
    health,
    async start() {
      monitor.start();
      server = await startOpsServer({ host: config.ops.host, port: config.ops.port, routes: opsRoutes });
      if (!config.ops.token && !/^(127\.|::1$|localhost$)/.test(server.host)) {
        deps.logger.warn(
          { host: server.host, port: server.port },
          'the operations listener (/metrics, /health) is exposed beyond loopback without METRICS_TOKEN',
        );
      }
      return server;
    },
    async stop() {
      monitor.stop();
      await server?.close();
      server = null;
    },
  };
}
