/**
 * The whole bot in-process (src/main.ts's `startBot`: Slack app, poller, outbox sender, metrics) between the ModelArts
 * simulator and the Slack stand-in, with every log line captured from pino's destination.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBot, startBot } from '../../src/main.js';
import { botEnvironment } from '../../tools/demo/demo.js';
import { type FakeSlack, startFakeSlack } from '../../tools/fake-slack/index.js';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../tools/simulator/index.js';

export const TEAM = 'T0FAKE0001';
export const CHANNEL = 'C0MLOPS001';

export interface Stack {
  sim: Simulator;
  slack: FakeSlack;
  bot: RunningBot;
  signingSecret: string;
  botToken: string;
  /** Every log line the bot wrote. */
  logs: string[];
  /** The environment the bot was started with (a second replica starts from it). */
  env: Record<string, string>;
  /** Waits for the first poll cycle, then forgets every Slack call and ModelArts request made so far. */
  quiesce(): Promise<void>;
  /** Waits until the bot finished handling (all listeners, work after the ack included) every request it accepted. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(
  options: {
    env?: Record<string, string>;
    signingSecret?: string;
    botToken?: string;
    simulator?: SimulatorOptions;
    /** Replace the AK/SK credentials (e.g. by IAM password or static token variables). */
    auth?: (sim: Simulator) => Record<string, string>;
    /** Default: a fresh SQLite file. */
    databaseUrl?: string;
  } = {},
): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'mac-sec-'));
  const signingSecret = options.signingSecret ?? 'sec-signing-secret-5b4a39c8d7e6';
  const botToken = options.botToken ?? 'xoxb-sec-bot-token-77f3e2d1c0b9';
  const sim = await startSimulator({ ...options.simulator, port: 0 });
  const slack = await startFakeSlack({ signingSecret, botToken, chatWritePublic: true });
  const logs: string[] = [];
  let bot: RunningBot;
  const env = botEnvironment({
    simulator: sim,
    slack,
    signingSecret,
    botToken,
    databaseUrl: options.databaseUrl ?? `sqlite:${join(dir, 'bot.db')}`,
    extra: {
      INSTANCE_ID: 'security',
      // One cycle at start, then none during a test unless the test asks for it.
      POLL_INTERVAL_SECONDS: '86400',
      LOG_LEVEL: 'trace',
      ...options.env,
    },
  });
  if (options.auth) {
    delete env.HUAWEICLOUD_SDK_AK;
    delete env.HUAWEICLOUD_SDK_SK;
    Object.assign(env, options.auth(sim));
  }
  try {
    bot = await startBot(env, { logDestination: { write: (line: string) => void logs.push(line) } });
  } catch (err) {
    await Promise.allSettled([slack.close(), sim.close()]);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
  // Bolt counts a request in interactions_total once every listener settled; the stand-in records each delivery.
  const handled = async () => (await bot.metrics.interactions.get()).values.reduce((sum, v) => sum + v.value, 0);
  let handledBefore = 0;
  const accepted = () => slack.deliveries.filter((d) => d.status === 200).length;
  const idle = async () => {
    const deadline = Date.now() + 15_000;
    while ((await handled()) - handledBefore < accepted()) {
      if (Date.now() > deadline) throw new Error('the bot did not finish handling its requests within 15 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    sim,
    slack,
    bot,
    signingSecret,
    botToken,
    logs,
    env,
    async quiesce() {
      await slack.waitUntil(() => {
        const poller = bot.health().poller as { lastSuccessAt?: unknown } | null;
        return poller?.lastSuccessAt ? true : null;
      }, 15_000);
      await idle();
      slack.reset();
      sim.resetRequestCounts();
      handledBefore = await handled();
    },
    idle,
    async close() {
      await bot.stop().catch(() => undefined);
      await Promise.allSettled([slack.close(), sim.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Total ModelArts requests the simulator received (every endpoint, unknown paths included). */
export function totalRequests(sim: Simulator): number {
  return Object.values(sim.requestCounts()).reduce((a, b) => a + b, 0);
}
