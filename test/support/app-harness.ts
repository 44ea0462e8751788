/**
 * The whole Slack app on loopback: the real Bolt app with its HTTP receiver on port 0, the fake Slack as Web API,
 * response_url target and signed-request driver, the ModelArts simulator behind the real API client, and an
 * in-memory SQLite store. Nothing talks to slack.com.
 */
import type { Config } from '../../src/config.js';
import { createModelArtsApi, type ModelArtsApi, withReadCache } from '../../src/modelarts/index.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import type { AppTuning } from '../../src/slack/deps.js';
import { openStore } from '../../src/store/index.js';
import type { Store, Watch } from '../../src/store/types.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../../tools/fake-slack/index.js';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../tools/simulator/index.js';
import { type CapturedLines, captureLogger, TEST_BOT_TOKEN, TEST_SIGNING_SECRET, testConfig } from './app-fakes.js';

export interface AppHarness {
  slack: FakeSlack;
  sim: Simulator;
  store: Store;
  modelarts: ModelArtsApi;
  bot: SlackApp;
  config: Config;
  /** http://127.0.0.1:PORT of the bot. */
  url: string;
  logs: CapturedLines;
  /** Watches the app reported through onWatchCreated, in order. */
  created: Watch[];
  close(): Promise<void>;
}

export interface AppHarnessOptions {
  env?: Record<string, string | undefined>;
  tuning?: Partial<AppTuning>;
  simulator?: SimulatorOptions;
  fakeSlack?: Partial<FakeSlackOptions>;
  /** ModelArts client retry settings (tests keep them short so failures answer quickly). */
  retry?: { maxAttempts?: number; deadlineMs?: number };
}

export async function startAppHarness(options: AppHarnessOptions = {}): Promise<AppHarness> {
  const slack = await startFakeSlack({
    signingSecret: TEST_SIGNING_SECRET,
    botToken: TEST_BOT_TOKEN,
    chatWritePublic: true,
    ...options.fakeSlack,
  });
  const sim = await startSimulator({ generatedJobs: 8, ...options.simulator });
  const config = testConfig({
    MODELARTS_ENDPOINT: sim.url,
    MODELARTS_PROJECT_ID: sim.projectId,
    MODELARTS_AUTH_TOKEN: sim.credentials.token,
    SLACK_API_URL: slack.apiUrl,
    MODELARTS_TIMEOUT_MS: '5000',
    MODELARTS_CONSOLE_JOB_URL:
      'https://console.otc.t-systems.com/modelarts/?region={region}&locale=en-us#/trainingJobs/details/{job_id}?versionId={version_id}',
    ...options.env,
  });
  const logs = captureLogger({
    level: 'debug',
    secrets: [TEST_BOT_TOKEN, TEST_SIGNING_SECRET, sim.credentials.token],
  });
  const store = await openStore('sqlite::memory:');
  const modelarts = createModelArtsApi({
    endpoint: config.modelarts.endpoint,
    projectId: config.modelarts.projectId,
    auth: config.modelarts.auth,
    timeoutMs: config.modelarts.timeoutMs,
    logger: logs.logger,
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50, deadlineMs: 5_000, ...options.retry },
  });
  const created: Watch[] = [];
  const bot = createSlackApp(
    {
      config,
      // As in production: lookups read through the short cache, so a test that changes the simulator and expects to
      // see it at once uses Refresh (or MODELARTS_LOOKUP_CACHE_MS=0).
      modelarts: withReadCache(modelarts, { ttlMs: config.modelarts.lookupCacheMs }),
      store,
      logger: logs.logger,
      now: () => new Date(),
      botToken: config.slack.botToken,
      slackApiUrl: config.slack.apiUrl,
      onWatchCreated: (watch) => {
        created.push(watch);
      },
    },
    { mode: 'http', signingSecret: TEST_SIGNING_SECRET, tuning: options.tuning },
  );
  const { port } = await bot.start(0);
  const url = `http://127.0.0.1:${port}`;
  slack.setBotUrl(`${url}/slack/events`);
  return {
    slack,
    sim,
    store,
    modelarts,
    bot,
    config,
    url,
    logs,
    created,
    async close() {
      await bot.stop();
      await modelarts.close();
      await store.close();
      await sim.close();
      await slack.close();
    },
  };
}

/** The text and blocks of a slash command's ack body, as one string to search. */
export const ackText = (body: unknown): string => {
  const b = body as { text?: string; blocks?: unknown[] };
  return `${b.text ?? ''} ${JSON.stringify(b.blocks ?? [])}`;
};

/** The interaction log lines written so far. */
export function interactionLines(h: AppHarness): Array<Record<string, unknown>> {
  return h.logs.lines().filter((l) => l.msg === 'interaction');
}

/** Waits (polling, bounded) until `check` returns a value; for effects that happen after the ack. */
export async function eventually<T>(check: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
