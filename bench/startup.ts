/**
 * `npm run bench` (3/3): cold start (spawn → "ready" log line) and resident memory at idle and under load, for the bot
 * as the README starts it (`npm start`: npm, then the compiled bot in one Node process) and as the Docker image runs
 * it (`node dist/main.js`), beside a bare Bolt app (same receiver, no work) started the same two ways, and an empty
 * Node process, all measured in the same run. For `npm start` the RSS column counts npm and its children together
 * (what the machine pays), and the bot's own process separately.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// `npm start` of a package whose start script is the bare Bolt app: the same npm layer, so the two compare like for like.
const bareDir = mkdtempSync(join(tmpdir(), 'mac-bare-npm-'));
writeFileSync(
  join(bareDir, 'package.json'),
  JSON.stringify({
    name: 'bare-bolt',
    private: true,
    scripts: { start: `exec node ${join(PROJECT_ROOT, 'bench/support/bare-bolt.mjs')}` },
  }),
);
const bareEnv = { SLACK_SIGNING_SECRET: secret, PORT: '0' };

type Variant = { name: string; options: () => SpawnBotOptions; load: boolean };
const variants: Variant[] = [
  {
    // The reference of issue 9's targets: a bare Bolt app as anyone would start it, with Node's default flags.
    name: 'bare Bolt app: node bare-bolt.mjs',
    options: () => ({ script: join(PROJECT_ROOT, 'bench/support/bare-bolt.mjs'), execArgv: [], env: bareEnv }),
    load: true,
  },
  {
    // Like for like: the same app under the bot's memory flags, to show what the flags alone are worth.
    name: "bare Bolt app: node <bot's flags> bare-bolt.mjs",
    options: () => ({
      script: join(PROJECT_ROOT, 'bench/support/bare-bolt.mjs'),
      execArgv: [...RUNTIME_NODE_FLAGS],
      env: bareEnv,
    }),
    load: true,
  },
  {
    name: 'bare Bolt app: npm start',
    options: () => ({ command: { file: 'npm', args: ['start', '--silent', '--prefix', bareDir] }, env: bareEnv }),
    load: false,
  },
  ...(distMain
    ? [
        {
          name: `bot: node ${RUNTIME_NODE_FLAGS.join(' ')} dist/main.js`,
          options: () => ({ script: distMain, env: botEnv() }),
          load: true,
        },
      ]
    : []),
  {
    name: 'bot: npm start',
    options: () => ({ command: { file: 'npm', args: ['start', '--silent'] }, env: botEnv() }),
    load: false,
  },
  {
    name: 'bot: npm run dev (tsx src/main.ts)',
    options: () => ({ entry: 'source', env: botEnv() }),
    load: false,
  },
];

/** RSS of a process and all its descendants (npm → node), from /proc. */
function treeRssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop() as number;
    const rss = rssMb(p);
    if (Number.isFinite(rss)) total += rss;
    todo.push(...(children.get(p) ?? []));
  }
  return total;
}

/** The newest descendant that is a node process running the app (for npm start: the bot itself, not npm). */
function appPid(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  let current = pid;
  for (let depth = 0; depth < 4; depth++) {
    const next = readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .map(Number)
      .find((p) => {
        try {
          const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === current;
        } catch {
          return false;
        }
      });
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

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
rows.push(['empty node -e 0 (start+exit)', median(empty), '', '', '', '', '']);

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
  const tree = treeRssMb(bot.child.pid);
  const app = rssMb(appPid(bot.child.pid));
  let peak = app;
  let after = app;
  let rps: number | string = '';
  if (v.load) {
    // Under load: 50 connections of `job 10 10` for 5 s (the bare app just acks), sampling RSS.
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
    after = rssMb(bot.child.pid);
    rps = result.rps;
  }
  await bot.stop();
  rows.push([v.name, median(starts), tree, app, v.load ? peak : '', v.load ? after : '', rps]);
}

process.stdout.write(
  `${table(['process', 'cold start ms', 'RSS idle MB (whole tree)', 'RSS idle MB (app process)', 'RSS peak under load MB', 'RSS after load MB', 'load req/s'], rows)}\n`,
);
const bare = rows.find((r) => r[0] === 'bare Bolt app: node bare-bolt.mjs');
const bareFlags = rows.find((r) => String(r[0]).startsWith("bare Bolt app: node <bot's flags>"));
const dist = rows.find((r) => String(r[0]).endsWith('dist/main.js'));
const npmStart = rows.find((r) => r[0] === 'bot: npm start');
const bareNpm = rows.find((r) => r[0] === 'bare Bolt app: npm start');
if (bare && bareFlags && dist && npmStart && bareNpm) {
  const ratio = (a: unknown, b: unknown) => (Number(a) / Number(b)).toFixed(2);
  const check = (ok: boolean, text: string) => process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${text}\n`);
  process.stdout.write(
    `\nIdle RSS over a bare Bolt app (default flags): the bot process ${ratio(dist[3], bare[3])}× ` +
      `(${ratio(dist[3], bareFlags[3])}× the bare app under the same flags); npm start, whole tree, ` +
      `${ratio(npmStart[2], bare[2])}× (${ratio(npmStart[2], bareNpm[2])}× bare Bolt under npm start; npm's own process ` +
      `holds ${(Number(npmStart[2]) - Number(npmStart[3])).toFixed(0)} MB of it).\n\n`,
  );
  check(Number(dist[3]) <= 1.7 * Number(bare[3]), `bot process idle RSS ≤ 1.7× bare Bolt: ${ratio(dist[3], bare[3])}×`);
  check(
    Number(npmStart[2]) <= 1.7 * Number(bareNpm[2]),
    `npm start idle RSS (whole tree) ≤ 1.7× bare Bolt under npm start: ${ratio(npmStart[2], bareNpm[2])}×`,
  );
  check(
    Number(npmStart[2]) <= 1.7 * Number(bare[2]),
    `npm start idle RSS (whole tree) ≤ 1.7× the bare Bolt process: ${ratio(npmStart[2], bare[2])}× ` +
      `(the bare app itself under npm start: ${ratio(bareNpm[2], bare[2])}×)`,
  );
  check(Number(dist[1]) <= 1000, `node dist/main.js ready ≤ 1 s: ${Number(dist[1]).toFixed(0)} ms`);
  check(Number(npmStart[1]) <= 1000, `npm start ready ≤ 1 s: ${Number(npmStart[1]).toFixed(0)} ms`);
}
process.stdout.write(
  '\nCold start includes opening and migrating a new SQLite file and auth.test against the stand-in; for npm start also\n' +
    "npm's own start and the check that dist/ is current.\n",
);

await Promise.allSettled([sim.stop(), slack.close()]);
rmSync(dir, { recursive: true, force: true });
rmSync(bareDir, { recursive: true, force: true });
