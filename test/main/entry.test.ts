/**
 * The real entry point against the simulator and the Slack stand-in: it becomes ready, serves /healthz and /readyz on
 * its Slack port and /metrics on its operations port,
 * answers a signed slash command, and on SIGTERM stops cleanly (exit 0, poll lease released). The compiled entry the
 * Docker image runs (`node dist/main.js`) is built and started the same way.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledMain } from '../../bench/support/ops-procs.js';
import { openStore } from '../../src/store/index.js';
import {
  type BotProcess,
  type BotStartError,
  PROJECT_ROOT,
  RUNTIME_NODE_FLAGS,
  spawnBot,
} from '../../tools/demo/bot-process.js';
import { botEnvironment } from '../../tools/demo/demo.js';
import { type FakeSlack, startFakeSlack } from '../../tools/fake-slack/index.js';
import { type Simulator, startSimulator } from '../../tools/simulator/index.js';

const signingSecret = 'entry-test-signing-secret-0f9e8d';
const botToken = 'xoxb-entry-test-token-1a2b3c';

let sim: Simulator;
let slack: FakeSlack;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mac-entry-'));
  sim = await startSimulator({ port: 0 });
  slack = await startFakeSlack({ signingSecret, botToken, chatWritePublic: true });
});

afterAll(async () => {
  await Promise.allSettled([slack?.close(), sim?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function env(databaseFile: string, instanceId: string): Record<string, string> {
  return botEnvironment({
    simulator: sim,
    slack,
    signingSecret,
    botToken,
    databaseUrl: `sqlite:${databaseFile}`,
    extra: { INSTANCE_ID: instanceId, POLL_INTERVAL_SECONDS: '1', LOG_LEVEL: 'info' },
  });
}

async function expectServing(bot: BotProcess, instanceId: string): Promise<void> {
  expect(bot.ready).toMatchObject({ msg: 'ready', instanceId, mode: 'http' });
  const health = await fetch(`${bot.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ ok: true, status: 'ok' });
  const ready = await fetch(`${bot.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ ok: true, status: 'ready' });
  const opsUrl = `http://127.0.0.1:${bot.ready.metricsPort as number}`;
  expect(await (await fetch(`${opsUrl}/health`)).json()).toMatchObject({ ok: true, instanceId });
  expect((await fetch(`${bot.url}/metrics`)).status).toBe(404);

  slack.setBotUrl(`${bot.url}/slack/events`);
  const answer = await slack.sendSlashCommand({ text: 'job 10 10' });
  expect(answer.status).toBe(200);
  expect(JSON.stringify(answer.body)).toContain('TestModelArtsJob');

  const metrics = await fetch(`${opsUrl}/metrics`);
  expect(metrics.status).toBe(200);
  expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await metrics.text();
  expect(text).toMatch(/^modelarts_chatops_interactions_total\{kind="command",subcommand="job",outcome="ok"\} 1$/m);
  expect(text).toMatch(
    /^modelarts_chatops_modelarts_requests_total\{endpoint="GET \/v1\/\{project_id\}\/training-jobs\/\{job_id\}\/versions\/\{version_id\}",outcome="ok"\} [1-9]/m,
  );
  expect(text).toMatch(/^modelarts_chatops_outbox_depth\{state="pending"\} 0$/m);
  expect(text).toMatch(/^modelarts_chatops_process_resident_memory_bytes /m);
}

async function expectCleanStop(bot: BotProcess, databaseFile: string, instanceId: string): Promise<void> {
  // Polling runs every second: wait until this process holds the lease, so its release is what we observe.
  await slack.waitUntil(() => bot.lines.some((l) => l.includes('"poll lease acquired"')), 15_000);
  const exit = await bot.stop('SIGTERM', 10_000);
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(bot.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  expect(bot.lines.join('\n')).not.toContain(signingSecret);
  expect(bot.lines.join('\n')).not.toContain(sim.credentials.secretKey);

  // The lease was released on the way out: another replica takes it at once instead of waiting for expiry.
  const store = await openStore(`sqlite:${databaseFile}`);
  try {
    expect(await store.tryAcquireLease(`poll:${sim.projectId}`, `${instanceId}-successor`, 60_000, new Date())).toBe(
      true,
    );
  } finally {
    await store.close();
  }
}

describe('src/main.ts (tsx)', () => {
  it('starts, serves Slack, /healthz, /readyz and /metrics, and stops on SIGTERM', async () => {
    const db = join(dir, 'source.db');
    const bot = await spawnBot({ entry: 'source', env: env(db, 'entry-source') });
    try {
      await expectServing(bot, 'entry-source');
      await expectCleanStop(bot, db, 'entry-source');
    } finally {
      await bot.stop('SIGKILL');
    }
  });
});

describe('startup failures other than configuration', () => {
  it('a bot token Slack refuses: exit 1 naming the cause, the token nowhere in the output', async () => {
    const wrongToken = 'xoxb-revoked-token-9f8e7d6c5b4a';
    const failure = await spawnBot({
      entry: 'source',
      env: { ...env(join(dir, 'refused.db'), 'entry-refused'), SLACK_BOT_TOKEN: wrongToken },
    }).then(
      async (bot) => {
        await bot.stop('SIGKILL');
        throw new Error('the bot started with a token Slack refuses');
      },
      (err: unknown) => err as BotStartError,
    );
    expect(failure.exit).toEqual({ code: 1, signal: null });
    const output = failure.output.join('\n');
    expect(output).toMatch(/could not start/);
    expect(output).toMatch(/invalid_auth/);
    expect(output).not.toContain(wrongToken);
  });
});

describe('runtime flags', () => {
  it('the Docker image and npm start run node with RUNTIME_NODE_FLAGS, as the demo, tests and benchmarks do', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(['node', ...RUNTIME_NODE_FLAGS, 'dist/main.js']);
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe(
      ['node scripts/build-if-stale.mjs && exec node', ...RUNTIME_NODE_FLAGS, 'dist/main.js'].join(' '),
    );
  });
});

describe('compiled entry (node dist/main.js, as in the Docker image)', () => {
  it('builds with tsconfig.build.json and the compiled entry becomes ready', async () => {
    // `npm run check` builds dist/ before the tests; otherwise (or when sources changed since) build a scratch copy.
    const { main, output } = compiledMain('dist-entry');
    expect(output).toBe('');
    expect(main).not.toBeNull();

    const db = join(dir, 'dist.db');
    const bot = await spawnBot({ script: main!, env: env(db, 'entry-dist') });
    try {
      await expectServing(bot, 'entry-dist');
      await expectCleanStop(bot, db, 'entry-dist');
    } finally {
      await bot.stop('SIGKILL');
    }
  }, 120_000);
});
