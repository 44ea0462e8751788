/**
 * `npm run bench` (3/3): cold start (spawn → "ready" log line) and resident memory at idle and under load, for the
 * bot as `npm start` runs it (tsx) and as the Docker image runs it (compiled, node dist/main.js), beside a bare Bolt
 * app (same receiver, no work) and an empty Node process measured in the same run.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BotProcess,
  PROJECT_ROOT,
  RUNTIME_NODE_FLAGS,
  type SpawnBotOptions,
  spawnBot,
} from '../tools/demo/bot-process.js';
import { botEnvironment } from '../tools/demo/demo.js';
import { startFakeSlack } from '../tools/fake-slack/index.js';
import { DEFAULT_CREDENTIALS } from '../tools/simulator/index.js';
import { buildForBench, load, rssMb, slashCommand, spawnSimulator, summarise, table } from './support/ops-procs.js';

const RUNS = 5;
const secret = randomBytes(16).toString('hex');
const botToken = `xoxb-bench-${randomBytes(8).toString('hex')}`;
const slack = await startFakeSlack({ signingSecret: secret, botToken });
const sim = await spawnSimulator();
const dir = mkdtempSync(join(tmpdir(), 'mac-startup-'));

// The image's entry, compiled like `npm run build`.
const distMain = buildForBench();

let run = 0;
const botEnv = () =>
  botEnvironment({
    simulator: { url: sim.url, credentials: { ...DEFAULT_CREDENTIALS, iamUsers: [] } },
    slack,
    signingSecret: secret,
    botToken,
    // A new SQLite file per start: cold includes creating and migrating the database.
    databaseUrl: `sqlite:${join(dir, `bot-${++run}.db`)}`,
    extra: { LOG_LEVEL: 'info', POLL_INTERVAL_SECONDS: '60', INSTANCE_ID: `startup-${run}` },
  });

type Variant = { name: string; options: () => SpawnBotOptions; loadable: boolean };
const variants: Variant[] = [
  {
    name: 'bare Bolt app (tsx)',
    options: () => ({
      script: join(PROJECT_ROOT, 'bench/support/ops-bare-bolt.ts'),
      execArgv: [...RUNTIME_NODE_FLAGS, '--import', 'tsx'],
      env: { SLACK_SIGNING_SECRET: secret, PORT: '0' },
    }),
    loadable: true,
  },
  { name: 'bot: npm start (tsx src/main.ts)', options: () => ({ entry: 'source', env: botEnv() }), loadable: true },
  ...(distMain
    ? [{ name: 'bot: node dist/main.js', options: () => ({ script: distMain, env: botEnv() }), loadable: true }]
    : []),
];

/** An empty Node process, the floor for any start time. */
async function emptyNode(): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve) => spawn(process.execPath, ['-e', '0']).once('exit', () => resolve()));
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(`bench/startup: ${cpus().length} CPUs, Node ${process.version}, median of ${RUNS} starts\n\n`);

const rows: Array<Array<string | number>> = [];
const empty: number[] = [];
for (let i = 0; i < RUNS; i++) empty.push(await emptyNode());
rows.push(['empty node -e 0 (start+exit)', median(empty), '', '', '', '']);

for (const v of variants) {
  const starts: number[] = [];
  let last: BotProcess | null = null;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const p = await spawnBot(v.options());
    starts.push(performance.now() - t0);
    if (i < RUNS - 1) await p.stop();
    else last = p;
  }
  const bot = last!;
  await new Promise((r) => setTimeout(r, 3000));
  const idle = rssMb(bot.child.pid);
  // Under load: 50 connections of `job 10 10` for 5 s (the bare app just acks), sampling RSS.
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(bot.child.pid));
    bot.lines.length = 0;
  }, 100);
  const result = summarise(
    await load({
      origin: bot.url,
      path: '/slack/events',
      connections: 50,
      durationMs: 5000,
      warmupMs: 500,
      request: slashCommand(secret, 'job 10 10', `${slack.url}/response/bench`),
    }),
  );
  clearInterval(sampler);
  const after = rssMb(bot.child.pid);
  await bot.stop();
  rows.push([v.name, median(starts), idle, peak, after, result.rps]);
}

process.stdout.write(
  `${table(['process', 'cold start ms', 'RSS idle MB', 'RSS peak under load MB', 'RSS after load MB', 'load req/s'], rows)}\n`,
);
process.stdout.write(
  '\nCold start includes opening and migrating a new SQLite file and auth.test against the stand-in.\n',
);

await Promise.allSettled([sim.stop(), slack.close()]);
rmSync(dir, { recursive: true, force: true });
