/**
 * The whole product on one machine: the ModelArts simulator (real time, seeded jobs that start, finish and fail over
 * the next minutes), the local Slack stand-in with its browser page, and the real bot process (src/main.ts) on SQLite
 * between them. `npm run demo` wraps this; the browser test drives it on free ports.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fake-slack/index.js';
import { type Simulator, startSimulator } from '../simulator/index.js';
import { type BotEntry, type BotProcess, PROJECT_ROOT, spawnBot } from './bot-process.js';

export interface DemoOptions {
  /** Port of the Slack stand-in's page (default 3000; 0 picks a free one). */
  port?: number;
  host?: string;
  /** SQLite file, recreated on every start (default ./data/demo.db). */
  databaseFile?: string;
  pollIntervalSeconds?: number;
  seed?: number;
  /** Which entry point runs the bot (default: the source under tsx, or dist when this file is compiled). */
  entry?: BotEntry;
  /** Each line the bot logs (JSON). */
  onBotLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Extra environment for the bot (LOG_LEVEL, …). */
  botEnv?: Record<string, string>;
}

/** Jobs added to the seeded project so the first minutes of a demo show a completion and a failure. */
export interface ShowcaseJob {
  name: string;
  jobId: number;
  versionId: number;
  /** What happens, and when (ms after the demo started). */
  outcome: 'completed' | 'failed';
  afterMs: number;
}

export interface Demo {
  /** The page to open. */
  readonly url: string;
  readonly slack: FakeSlack;
  readonly simulator: Simulator;
  readonly bot: BotProcess;
  readonly showcase: readonly ShowcaseJob[];
  readonly databaseFile: string;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} on ${host} is already in use`);
    this.name = 'PortInUseError';
  }
}

const SHOWCASE: ReadonlyArray<Omit<ShowcaseJob, 'jobId' | 'versionId'> & { engine: string; flavor?: string }> = [
  { name: 'demo-resnet50-finetune', outcome: 'completed', afterMs: 90_000, engine: 'PyTorch' },
  { name: 'demo-bert-pretrain', outcome: 'failed', afterMs: 150_000, engine: 'TensorFlow' },
];

const STATUS = { running: 8, completed: 10, failed: 11 } as const;

/** The bot's environment pointing at a simulator and a Slack stand-in (AK/SK auth, HTTP mode on a free port). */
export function botEnvironment(p: {
  simulator: Pick<Simulator, 'url' | 'credentials'>;
  slack: Pick<FakeSlack, 'apiUrl'>;
  signingSecret: string;
  botToken: string;
  databaseUrl: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: p.botToken,
    SLACK_SIGNING_SECRET: p.signingSecret,
    SLACK_API_URL: p.slack.apiUrl,
    PORT: '0',
    METRICS_PORT: '0',
    MODELARTS_ENDPOINT: p.simulator.url,
    MODELARTS_PROJECT_ID: p.simulator.credentials.projectId,
    HUAWEICLOUD_SDK_AK: p.simulator.credentials.accessKey,
    HUAWEICLOUD_SDK_SK: p.simulator.credentials.secretKey,
    DATABASE_URL: p.databaseUrl,
    ...p.extra,
  };
}

async function removeDatabase(file: string): Promise<void> {
  await Promise.all(['', '-wal', '-shm', '-journal'].map((suffix) => rm(`${file}${suffix}`, { force: true })));
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 3000;
  const file = options.databaseFile ?? 'data/demo.db';
  const databaseFile = isAbsolute(file) ? file : resolve(PROJECT_ROOT, file);
  // A fresh workspace every run: the simulator restarts its world too, so old watches would point at a past.
  await removeDatabase(databaseFile);

  const signingSecret = randomBytes(16).toString('hex');
  const botToken = `xoxb-demo-${randomBytes(12).toString('hex')}`;

  let slack: FakeSlack;
  try {
    slack = await startFakeSlack({ port, host, signingSecret, botToken, chatWritePublic: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(host, port);
    throw err;
  }

  let simulator: Simulator | null = null;
  try {
    simulator = await startSimulator({
      host: '127.0.0.1',
      port: 0,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    const showcase: ShowcaseJob[] = SHOWCASE.map((s) => {
      const { jobId, versionIds } = simulator!.addJob({
        name: s.name,
        versions: 2,
        status: STATUS.running,
        engine: s.engine,
        schedule: [{ afterMs: s.afterMs, status: STATUS[s.outcome] }],
      });
      return {
        name: s.name,
        jobId,
        versionId: versionIds[versionIds.length - 1]!,
        outcome: s.outcome,
        afterMs: s.afterMs,
      };
    });

    const bot = await spawnBot({
      ...(options.entry ? { entry: options.entry } : {}),
      env: botEnvironment({
        simulator,
        slack,
        signingSecret,
        botToken,
        databaseUrl: `sqlite:${databaseFile}`,
        extra: {
          POLL_INTERVAL_SECONDS: String(options.pollIntervalSeconds ?? 5),
          INSTANCE_ID: 'demo',
          LOG_LEVEL: 'info',
          ...options.botEnv,
        },
      }),
      ...(options.onBotLine ? { onLine: options.onBotLine } : {}),
    });
    slack.setBotUrl(`${bot.url}/slack/events`);

    const sim = simulator;
    let closed: Promise<void> | null = null;
    return {
      url: slack.url,
      slack,
      simulator: sim,
      bot,
      showcase,
      databaseFile,
      close() {
        closed ??= (async () => {
          // The bot first: it finishes in-flight posts against the stand-ins, which must still be there.
          await bot.stop('SIGTERM', 12_000);
          await Promise.allSettled([slack.close(), sim.close()]);
        })();
        return closed;
      },
    };
  } catch (err) {
    await Promise.allSettled([slack.close(), simulator?.close()]);
    throw err;
  }
}
