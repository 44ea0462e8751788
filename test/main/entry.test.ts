/**
 * The real entry point against the simulator and the Slack stand-in: it becomes ready, serves /healthz and /readyz on
 * its Slack port and /metrics on its operations port,
 * answers a signed slash command, and on SIGTERM stops cleanly (exit 0, poll lease released). The compiled entry the
 * Docker image runs (`node dist/main.js`) is built and started the same way.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
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

describe('bundled entry (node dist/main.js, as npm start and the Docker image run it)', () => {
  let main: string;
  beforeAll(() => {
    // The same build as `npm run build`, into a scratch directory so a stale dist/ cannot pass for this code.
    const build = compiledMain('dist-entry');
    expect(build.output).toBe('');
    expect(build.main).not.toBeNull();
    main = build.main!;
  }, 60_000);

  it('takes from node_modules only the packages package.json lists as dependencies (what the image installs)', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const file of [main, join(main, '..', 'cli', 'index.js')]) {
      const code = readFileSync(file, 'utf8');
      // esbuild writes an external package as a static import at the top or as a dynamic import() at its use.
      const specifiers = [
        ...code.matchAll(/\bimport\s*[\w$]*\s*,?\s*(?:\{[^{}]*\}|\*\s*as\s+[\w$]+)?\s*from\s*["']([^"']+)["']/g),
        ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
      ].map((m) => m[1]!);
      expect(specifiers.length).toBeGreaterThan(0);
      const packages = new Set(
        specifiers
          .filter((s) => !s.startsWith('node:') && !s.startsWith('.') && !builtinModules.includes(s.split('/')[0]!))
          .map((s) =>
            s
              .split('/')
              .slice(0, s.startsWith('@') ? 2 : 1)
              .join('/'),
          ),
      );
      for (const name of packages) expect(Object.keys(pkg.dependencies), `${file} imports ${name}`).toContain(name);
    }
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['better-sqlite3', 'pg']);
  });

  it("runs from a folder holding only dist/, package.json and the production dependencies, like the image's /app", async () => {
    const app = mkdtempSync(join(tmpdir(), 'mac-image-app-'));
    try {
      cpSync(dirname(main), join(app, 'dist'), { recursive: true });
      cpSync(join(PROJECT_ROOT, 'package.json'), join(app, 'package.json'));
      const production = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
      });
      const packages = production.stdout
        .split('\n')
        .map((path) => relative(PROJECT_ROOT, path))
        .filter((path) => path.split('node_modules').length === 2);
      expect(packages).toContain(join('node_modules', 'better-sqlite3'));
      for (const path of packages) cpSync(join(PROJECT_ROOT, path), join(app, path), { recursive: true });

      const db = join(dir, 'image.db');
      const bot = await spawnBot({ script: join(app, 'dist', 'main.js'), cwd: app, env: env(db, 'entry-image') });
      try {
        await expectServing(bot, 'entry-image');
        await expectCleanStop(bot, db, 'entry-image');
      } finally {
        await bot.stop('SIGKILL');
      }
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  }, 60_000);

  it('the bundled CLI answers from its own file', () => {
    const cli = spawnSync(process.execPath, [join(main, '..', 'cli', 'index.js'), '--help'], { encoding: 'utf8' });
    expect(`${cli.stdout}${cli.stderr}`).toMatch(/modelarts-chatops/);
  });

  it('serves Slack over Socket Mode', async () => {
    const appToken = 'xapp-1-A0ENTRY001-1-entrysocketmode';
    const socketSlack = await startFakeSlack({ signingSecret, botToken, appToken, chatWritePublic: true });
    const db = join(dir, 'dist-socket.db');
    const bot = await spawnBot({
      script: main,
      env: { ...env(db, 'entry-socket'), SLACK_API_URL: socketSlack.apiUrl, SLACK_APP_TOKEN: appToken },
    });
    try {
      expect(bot.ready).toMatchObject({ msg: 'ready', mode: 'socket' });
      await socketSlack.waitUntil(() => socketSlack.socketConnections().some((c) => c.state === 'open'), 10_000);
      const answer = await socketSlack.sendSlashCommand({ text: 'job 10 10' });
      expect(answer.transport).toBe('socket');
      expect(JSON.stringify(answer.body)).toContain('TestModelArtsJob');
      expect(await bot.stop('SIGTERM', 10_000)).toMatchObject({ code: 0 });
    } finally {
      await bot.stop('SIGKILL');
      await socketSlack.close();
    }
  }, 60_000);

  it.runIf(process.env.TEST_DATABASE_URL)(
    'opens PostgreSQL through the pg package outside the bundle',
    async () => {
      const bot = await spawnBot({
        script: main,
        env: { ...env(join(dir, 'unused.db'), 'entry-pg'), DATABASE_URL: process.env.TEST_DATABASE_URL! },
      });
      try {
        expect(bot.ready).toMatchObject({ msg: 'ready' });
        expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
      } finally {
        await bot.stop('SIGTERM', 10_000);
      }
    },
    60_000,
  );

  it('becomes ready, serves and stops cleanly', async () => {
    const db = join(dir, 'dist.db');
    const bot = await spawnBot({ script: main, env: env(db, 'entry-dist') });
    try {
      await expectServing(bot, 'entry-dist');
      await expectCleanStop(bot, db, 'entry-dist');
    } finally {
      await bot.stop('SIGKILL');
    }
  }, 120_000);
});
