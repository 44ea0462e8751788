/**
 * Composition root: the only module that reads process.env, builds clients and owns process lifetime.
 * Metrics are added here by decorating collaborators, so the modules themselves stay unaware of them.
 *
 * `node dist/main.js` / `tsx src/main.ts` run `main()`; tests and benchmarks import `startBot` to run the same
 * composition in-process (with their own log destination) without touching the process's signals or exit code.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FetchFunction } from '@slack/web-api';
import type { DestinationStream } from 'pino';
import { type Config, ConfigError, configSecrets, loadConfig } from './config.js';
import { isEntryModule } from './entry.js';
import { addSecret, createLogger, exitAfterLogs, flushLogs, type Logger } from './logger.js';
import {
  createMetrics,
  instrumentBolt,
  lookupReadObserver,
  MeteredWebClient,
  type Metrics,
  modelArtsRequestObserver,
  timePollCycles,
} from './metrics.js';
import { createModelArtsApi, createTrainingApiAvailability, withReadCache } from './modelarts/index.js';
import { createOps, type HealthReport, type Phase } from './ops/index.js';
import type { OpsServer } from './ops/server.js';
import { createPoller, type PollerHealth } from './poller/index.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { createOutboxSender } from './slack/delivery/index.js';
import { openStore, type Store } from './store/index.js';

/**
 * Shutdown timing. Docker and Kubernetes send SIGKILL 10 s after SIGTERM; the process exits by
 * SHUTDOWN_DEADLINE_MS plus at most 0.5 s of log draining. An alert post in flight at SIGTERM gets SENDER_DRAIN_MS
 * to finish (then it is recorded as sent); one still running then is cancelled and its row released for a retry,
 * never recorded as sent. The remaining 4 s cover that bookkeeping and closing the database.
 */
export const SHUTDOWN_DEADLINE_MS = 9_000;
export const SENDER_DRAIN_MS = 5_000;

/** Per Web API call of the outbox sender in normal operation; its claims (30 s) leave room for one call plus the
 * bookkeeping. At shutdown SENDER_DRAIN_MS cuts it short. */
const SENDER_CALL_TIMEOUT_MS = 15_000;

export interface StartBotOptions {
  /** Where log lines go (default stdout). Secrets are scrubbed before they reach it. */
  logDestination?: DestinationStream;
}

export interface RunningBot {
  readonly config: Config;
  readonly port: number;
  /** Port of the operations listener (GET /metrics, GET /health). */
  readonly metricsPort: number;
  readonly instanceId: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly store: Store;
  readonly slack: SlackApp;
  health(): HealthReport;
  /** Stops taking work, finishes in-flight requests and posts, releases the poll lease, closes connections. */
  stop(): Promise<void>;
}

/**
 * Builds and starts everything from an environment object. Throws ConfigError (naming every bad variable) before
 * anything is opened; other failures close what was opened before rethrowing.
 */
export async function startBot(
  env: Readonly<Record<string, string | undefined>>,
  options: StartBotOptions = {},
): Promise<RunningBot> {
  const config = loadConfig(env);
  const logger: Logger = createLogger({
    level: config.logLevel,
    secrets: configSecrets(config),
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const instanceId = env.INSTANCE_ID?.trim() || `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const now = () => new Date();
  const metrics = createMetrics();

  const store = await openStore(config.databaseUrl, {
    logger: logger.child({ component: 'store' }),
    timeouts: config.databaseTimeouts,
    // Replicas' clocks disagree and step; claims, leases and pacing must not.
    clock: 'database',
  });
  const modelarts = createModelArtsApi({
    endpoint: config.modelarts.endpoint,
    projectId: config.modelarts.projectId,
    auth: config.modelarts.auth,
    timeoutMs: config.modelarts.timeoutMs,
    maxResponseBytes: config.modelarts.maxResponseBytes,
    logger: logger.child({ component: 'modelarts' }),
    onRequest: modelArtsRequestObserver(metrics),
    // IAM tokens issued at run time are secrets too: the log scrubber learns each one as it arrives.
    onSecret: (value) => addSecret(logger, value),
  });
  const closeModelArts = () => modelarts.close();
  // Slack lookups read through a short cache (identical reads share one request); the poller reads ModelArts directly.
  const lookups = withReadCache(modelarts, {
    ttlMs: config.modelarts.lookupCacheMs,
    onRead: lookupReadObserver(metrics),
  });

  // One memory per process of which training API this account lacks, shared by Slack and the poller, logged when it
  // changes rather than per request.
  const trainingApis = createTrainingApiAvailability({
    mode: config.modelarts.trainingApi,
    reprobeMs: config.modelarts.apiReprobeSeconds * 1000,
    onChange: (api, available) =>
      available
        ? logger.info({ api }, 'the ModelArts %s training API answers again; asking it', api)
        : logger.info(
            { api, reprobeSeconds: config.modelarts.apiReprobeSeconds },
            'the ModelArts %s training API is not available on this account; not asking it until the next re-probe',
            api,
          ),
  });

  let phase: Phase = 'starting';
  // Set once the poller exists.
  let pollerHealth: (() => PollerHealth) | null = null;
  // Set once the sender exists.
  let slackAuthFailingSince: (() => Date | null) | null = null;
  const ops = createOps({
    config,
    store,
    metrics,
    logger: logger.child({ component: 'ops' }),
    now,
    instanceId,
    pollerHealth: () => pollerHealth?.() ?? null,
    slackAuthFailingSince: () => slackAuthFailingSince?.() ?? null,
    phase: () => phase,
  });

  const slack = createSlackApp(
    {
      config,
      modelarts: lookups,
      trainingApis,
      store,
      logger,
      now,
      botToken: config.slack.botToken,
      slackApiUrl: config.slack.apiUrl,
    },
    {
      ...(config.slack.appToken
        ? { mode: 'socket' as const, appToken: config.slack.appToken, port: config.slack.port }
        : { mode: 'http' as const, signingSecret: config.slack.signingSecret ?? '', port: config.slack.port }),
      routes: ops.publicRoutes,
      tuning: { ackBudgetMs: config.slack.ackBudgetMs, maxLookupsInFlight: config.slack.maxLookupsInFlight },
    },
  );
  const interactions = instrumentBolt(slack.app, metrics);

  // The outbox owns retrying: this client fails fast on 429 and errors so a row is retried by the sender, never twice
  // by the SDK behind its back. Its requests can be cancelled at shutdown (see SENDER_DRAIN_MS).
  const cancelPosts = new AbortController();
  const senderClient = new MeteredWebClient(
    config.slack.botToken,
    {
      ...(config.slack.apiUrl ? { slackApiUrl: `${config.slack.apiUrl.replace(/\/+$/, '')}/` } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: SENDER_CALL_TIMEOUT_MS,
      fetch: (input, init) =>
        // The SDK's own Response type is a structural subset of the platform's.
        fetch(input, {
          ...init,
          signal: init?.signal ? AbortSignal.any([init.signal, cancelPosts.signal]) : cancelPosts.signal,
        }) as unknown as ReturnType<FetchFunction>,
    },
    metrics,
  );

  // Starting the app checks the bot token (auth.test) and learns the workspace the poller alerts in.
  let port: number;
  let opsServer: OpsServer;
  try {
    ({ port } = await slack.start(config.slack.port));
  } catch (err) {
    logger.error({ err }, 'could not start the Slack app (is the bot token valid and the port free?)');
    await slack.stop().catch(() => undefined);
    await Promise.allSettled([closeModelArts(), store.close()]);
    // The caller exits next: the details above must reach the log first.
    await flushLogs(logger);
    throw err;
  }
  try {
    opsServer = await ops.start();
  } catch (err) {
    logger.error({ err }, 'could not start the operations listener (is METRICS_PORT free?)');
    await Promise.allSettled([ops.stop(), slack.stop()]);
    await Promise.allSettled([closeModelArts(), store.close()]);
    // The caller exits next: the details above must reach the log first.
    await flushLogs(logger);
    throw err;
  }
  const teamId = slack.deps.identity.teamId ?? '';

  const poller = createPoller({
    modelarts,
    store: timePollCycles(store, metrics, config.poll.intervalSeconds * 1000),
    logger: logger.child({ component: 'poller' }),
    now,
    projectId: config.modelarts.projectId,
    intervalSeconds: config.poll.intervalSeconds,
    alertAfterMinutes: config.poll.alertAfterMinutes,
    opsChannelId: config.poll.opsChannelId,
    teamId,
    instanceId,
    availability: trainingApis,
  });
  const sender = createOutboxSender({
    store,
    slack: senderClient,
    logger: logger.child({ component: 'outbox' }),
    now,
    instanceId,
    consoleLinks: slack.deps.consoleLinks,
    slackCallTimeoutMs: SENDER_CALL_TIMEOUT_MS,
    authGraceMs: config.slack.authGraceSeconds * 1000,
    retentionMs: config.retentionDays * 86_400_000,
  });
  slackAuthFailingSince = () => sender.authFailingSince();
  pollerHealth = () => poller.health();

  poller.start();
  sender.start();
  phase = 'ready';
  logger.info(
    { port, metricsPort: opsServer.port, instanceId, mode: config.slack.appToken ? 'socket' : 'http', teamId },
    'ready',
  );

  /** Waits for the posts in flight up to SENDER_DRAIN_MS, then cancels the rest (their rows are retried later). */
  async function drainSender(): Promise<void> {
    const stopping = sender.stop();
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      stopping.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), SENDER_DRAIN_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!drained) {
      logger.warn(
        { drainMs: SENDER_DRAIN_MS },
        'alert posts still in flight at shutdown were cancelled; they will be retried',
      );
      cancelPosts.abort();
    }
    await stopping;
  }

  let stopped: Promise<void> | null = null;
  return {
    config,
    port,
    metricsPort: opsServer.port,
    instanceId,
    logger,
    metrics,
    store,
    slack,
    health: ops.health,
    stop() {
      stopped ??= (async () => {
        phase = 'stopping';
        // Stop taking work everywhere at once: no new Slack requests (those in flight finish, including their
        // response_url follow-ups after the ack), no new poll cycle (the running one is aborted and the lease
        // released), no new claims (posts in flight finish and are recorded).
        const results = await Promise.allSettled([
          slack.stop().then(() => interactions.idle()),
          poller.stop(),
          drainSender(),
        ]);
        await Promise.allSettled([closeModelArts(), ops.stop()]);
        await store.close();
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed.length > 0)
          throw new AggregateError(
            failed.map((r) => r.reason),
            'error while stopping',
          );
      })();
      return stopped;
    },
  };
}

function fail(message: string): never {
  process.stderr.write(`modelarts-chatops: ${message}\n`);
  process.exit(1);
}

/** The process: configuration errors exit 1 with one message; SIGTERM/SIGINT stop gracefully within the deadline. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let bot: RunningBot;
  try {
    bot = await startBot(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    // Other startup failures were logged with their details already; this line is scrubbed like the log.
    let secrets: string[] = [];
    try {
      secrets = configSecrets(loadConfig(env));
    } catch {
      // Unreachable in practice: the configuration loaded a moment ago.
    }
    const message = err instanceof Error ? err.message : String(err);
    fail(`could not start: ${secrets.reduce((out, secret) => out.split(secret).join('[Redacted]'), message)}`);
  }
  const { logger } = bot;
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void exitAfterLogs(logger, 1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled promise rejection');
    void exitAfterLogs(logger, 1);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // The log gets at most half a second to drain on every exit path: deadline + drain stays under Docker's 10 s.
    const force = setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long; exiting anyway');
      void exitAfterLogs(logger, 1, 500);
    }, SHUTDOWN_DEADLINE_MS);
    force.unref();
    bot.stop().then(
      () => {
        logger.info('stopped');
        void exitAfterLogs(logger, 0, 500);
      },
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        void exitAfterLogs(logger, 1, 500);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (isEntryModule(import.meta.url)) {
  main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
}
