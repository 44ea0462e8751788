/**
 * The Bolt app: HTTP mode (POST /slack/events, GET /healthz and the given routes on the same server) or Socket Mode. Every Web API call,
 * including the per-request clients Bolt hands to listeners, goes to `slackApiUrl` with short retries: a slow Slack
 * must not hold an interaction past its deadline, and the outbox owns retrying for alerts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  App,
  type AuthorizeResult,
  type AuthorizeSourceData,
  type Logger as BoltLogger,
  type CustomRoute,
  HTTPReceiver,
  LogLevel,
  type Receiver,
  SocketModeReceiver,
} from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { type AppDeps, type AppTuning, resolveDeps, type SlackDeps } from './deps.js';
import { registerListeners } from './listeners/index.js';
import { guardHttpReceiver, skipRedeliveredEvents } from './request-guard.js';

export type SlackAppOptions = (
  | { mode: 'http'; signingSecret: string; port?: number | undefined }
  | { mode: 'socket'; appToken: string; port?: number | undefined }
) & {
  /** Shorter budgets for tests; defaults fit Slack's 3 s limits. */
  tuning?: Partial<AppTuning> | undefined;
  /** More routes on the same HTTP server (e.g. GET /readyz). */
  routes?: CustomRoute[] | undefined;
};

/** A request from a workspace (or Grid organisation) other than the one the bot is installed in. */
export class ForeignWorkspaceError extends Error {
  constructor(
    readonly teamId: string | undefined,
    readonly enterpriseId: string | undefined,
  ) {
    super('request from another workspace');
    this.name = 'ForeignWorkspaceError';
  }
}

/** The extended error handler's argument (the last `app.error` overload; Bolt does not export the type). */
type ErrorHandlerArgs = Parameters<Parameters<App['error']>[0]>[0];

export interface SlackApp {
  app: App;
  deps: AppDeps;
  /** Starts the receiver; resolves with the bound HTTP port (Socket Mode: the port of GET /healthz and the routes). */
  start(port?: number): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/** Bolt's logger interface on top of pino (pino's own level and redaction apply). */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const text = (msg: unknown[]): string =>
    msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  const toBolt = (level: string): LogLevel =>
    level === 'debug' || level === 'trace'
      ? LogLevel.DEBUG
      : level === 'info'
        ? LogLevel.INFO
        : level === 'warn'
          ? LogLevel.WARN
          : LogLevel.ERROR;
  return {
    debug: (...msg: unknown[]) => child.debug(text(msg)),
    info: (...msg: unknown[]) => child.info(text(msg)),
    warn: (...msg: unknown[]) => child.warn(text(msg)),
    error: (...msg: unknown[]) => child.error(text(msg)),
    // The level is pino's (LOG_LEVEL); Bolt's defaults must not override it.
    setLevel: () => {},
    getLevel: () => toBolt(logger.level),
    setName: () => {},
  };
}

export function slackClientOptions(slackApiUrl: string | undefined, logger: BoltLogger): WebClientOptions {
  return {
    ...(slackApiUrl ? { slackApiUrl: `${slackApiUrl.replace(/\/+$/, '')}/` } : {}),
    logger,
    // Interactive calls either work quickly or fail visibly; a 429 must not pause the client for a minute.
    retryConfig: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1_000 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  };
}

/**
 * GET /healthz, liveness: 200 while the app serves, 503 once it is stopping. Public, so only a status word; whether
 * the bot can do its job (database, polling, outbox) is GET /readyz, passed in as a route by the composition root.
 */
function livenessRoute(isStarted: () => boolean): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      const live = isStarted();
      res.writeHead(live ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ ok: live, status: live ? 'ok' : 'stopping' }));
    },
  };
}

/** Socket Mode: serves the custom routes (GET /healthz, …) on a plain HTTP server; exact paths only. */
function listenRoutes(routes: CustomRoute[], port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const route = routes.find(
      (r) =>
        r.path === path && (Array.isArray(r.method) ? r.method : [r.method]).some((m) => m.toUpperCase() === method),
    );
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"ok":false,"error":"not_found"}');
      return;
    }
    route.handler(Object.assign(req, { params: {} }), res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function createSlackApp(slackDeps: SlackDeps, options: SlackAppOptions): SlackApp {
  const deps = resolveDeps(slackDeps, options.tuning);
  const logger = boltLogger(deps.logger);
  const clientOptions = slackClientOptions(deps.slackApiUrl, logger);
  let started = false;
  const routes = [livenessRoute(() => started), ...(options.routes ?? [])];

  // auth.test once (retried on the next request if it failed), so listeners know the bot's ids and Bolt can
  // ignore the bot's own events.
  const authClient = new WebClient(deps.botToken, clientOptions);
  let identity: Promise<AuthorizeResult> | null = null;
  const whoAmI = (): Promise<AuthorizeResult> => {
    identity ??= authClient.auth.test().then(
      (r) => {
        deps.identity.botUserId = r.user_id ?? null;
        deps.identity.botId = r.bot_id ?? null;
        deps.identity.teamId = r.team_id ?? null;
        deps.identity.enterpriseId = r.enterprise_id ?? null;
        deps.identity.botName = r.user ?? null;
        return {
          botToken: deps.botToken,
          botId: r.bot_id,
          botUserId: r.user_id,
          teamId: r.team_id,
          enterpriseId: r.enterprise_id,
        };
      },
      (err: unknown) => {
        identity = null;
        throw err;
      },
    );
    return identity;
  };
  // Every request names the workspace (and Grid organisation) it comes from; one other than the installed one is
  // refused before any listener runs (Bolt acks it empty and calls the error handler, which logs it).
  const authorize = async (source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult> => {
    const installed = await whoAmI();
    const foreignTeam = source.teamId !== installed.teamId;
    const foreignOrg = (source.enterpriseId ?? null) !== (installed.enterpriseId ?? null);
    if (foreignTeam || foreignOrg) throw new ForeignWorkspaceError(source.teamId, source.enterpriseId);
    return installed;
  };

  const guardDeps = {
    remember: (key: string, expiresAt: Date, now: Date) => deps.store.rememberRequest(key, expiresAt, now),
    logger: deps.logger.child({ component: 'slack-requests' }),
    now: deps.now,
  };
  let receiver: Receiver;
  let httpReceiver: HTTPReceiver | null = null;
  if (options.mode === 'http') {
    httpReceiver = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: '/slack/events',
      customRoutes: routes,
      logger,
      processBeforeResponse: false,
    });
    guardHttpReceiver(httpReceiver, { ...guardDeps, signingSecret: options.signingSecret, endpoint: '/slack/events' });
    receiver = httpReceiver;
  } else {
    // The routes get their own small server (started with the port given to start()), not the receiver's OAuth
    // server, whose port is fixed at construction.
    receiver = new SocketModeReceiver({ appToken: options.appToken, logger, installerOptions: { clientOptions } });
  }

  const app = new App({
    receiver,
    authorize,
    logger,
    clientOptions,
    convoStore: false,
    extendedErrorHandler: true,
  });
  app.error(async ({ error, body }: ErrorHandlerArgs) => {
    const b = (body ?? {}) as { type?: unknown; command?: unknown };
    const type = b.type ?? b.command ?? null;
    const foreign = (error as { original?: unknown }).original;
    if (foreign instanceof ForeignWorkspaceError) {
      deps.logger.warn(
        { team: foreign.teamId ?? null, enterprise: foreign.enterpriseId ?? null, type },
        'request from another workspace refused',
      );
      return;
    }
    deps.logger.error({ err: error, type }, 'unhandled error in a Slack listener');
  });
  registerListeners(app, deps);
  skipRedeliveredEvents(app, guardDeps);

  let server: Server | null = null;
  return {
    app,
    deps,
    async start(port?: number) {
      await whoAmI();
      const wanted = port ?? options.port ?? 3000;
      if (httpReceiver) {
        server = (await httpReceiver.start(wanted)) as Server;
        started = true;
        return { port: (server.address() as AddressInfo).port };
      }
      server = await listenRoutes(routes, wanted);
      try {
        await receiver.start();
      } catch (err) {
        const failed = server;
        server = null;
        await new Promise<void>((resolve) => failed.close(() => resolve()));
        throw err;
      }
      started = true;
      return { port: (server.address() as AddressInfo).port };
    },
    async stop() {
      started = false;
      const current = server;
      server = null;
      if (httpReceiver) {
        const stopping = httpReceiver.stop();
        // Keep-alive sockets would hold server.close() open until they time out.
        current?.closeIdleConnections();
        await stopping;
        return;
      }
      await receiver.stop();
      if (current) {
        const closed = new Promise<void>((resolve) => current.close(() => resolve()));
        current.closeIdleConnections();
        await closed;
      }
    },
  };
}
