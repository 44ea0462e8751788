/**
 * Every command the README shows works right after the README's install command (`npm ci`): each `npm run X` names a
 * script that exists, no command relies on a bin that a fresh clone does not link (`npx modelarts-chatops` answers
 * "not found" there), and the commands that start something are run for real, through npm, as a user types them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../tools/demo/bot-process.js';
import { botEnvironment } from '../../tools/demo/demo.js';
import { type FakeSlack, startFakeSlack } from '../../tools/fake-slack/index.js';
import { type Simulator, startSimulator } from '../../tools/simulator/index.js';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const scripts = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: object })
  .scripts as Record<string, string>;

/** Command lines in code spans and code blocks that start with npm or npx. */
function readmeCommands(): string[] {
  const found = new Set<string>();
  for (const m of readme.matchAll(/```(?:sh|bash)?\n([\s\S]*?)```/g)) {
    for (const line of (m[1] ?? '').split('\n')) {
      const command = line.replace(/#.*$/, '').trim();
      for (const part of command.split('&&')) if (/^(npm|npx)\b/.test(part.trim())) found.add(part.trim());
    }
  }
  for (const m of readme.matchAll(/`((?:npm|npx) [^`]+)`/g)) found.add((m[1] ?? '').trim());
  return [...found];
}

describe('the commands the README shows', () => {
  const commands = readmeCommands();

  it('finds them (the README shows its commands in code)', () => {
    expect(commands).toEqual(expect.arrayContaining(['npm ci', 'npm run demo', 'npm run check', 'npm start']));
  });

  it('names only scripts that exist, and no bin a fresh clone does not link', () => {
    for (const command of commands) {
      expect(command, command).not.toMatch(/^npx modelarts-chatops\b/);
      const run = /^npm run ([\w:-]+)/.exec(command);
      if (run) expect(Object.keys(scripts), command).toContain(run[1]);
    }
  });
});

// ------------------------------------------------------------------------------------------------------------------

const signingSecret = 'readme-test-signing-secret-5c4b3a';
const botToken = 'xoxb-readme-test-token-9z8y7x';
let sim: Simulator;
let slack: FakeSlack;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mac-readme-'));
  sim = await startSimulator({ port: 0 });
  slack = await startFakeSlack({ signingSecret, botToken, chatWritePublic: true });
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(async () => {
  await Promise.allSettled([slack?.close(), sim?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `npm <args>` in the project, as a user would, with only the given environment (plus PATH and HOME). */
function npm(args: string[], env: Record<string, string> = {}) {
  const child = spawn('npm', args, {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited, ended };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function modelArtsEnv(): Record<string, string> {
  const env = botEnvironment({ simulator: sim, slack, signingSecret, botToken, databaseUrl: 'sqlite::memory:' });
  return Object.fromEntries(Object.entries(env).filter(([k]) => /^(MODELARTS_|HUAWEICLOUD_|OS_)/.test(k)));
}

describe('run through npm', () => {
  it('npm run cli -- api job 10 10 reads the job version with the bot’s own variables', async () => {
    expect(readme).toContain('npm run cli -- api job 10 10');
    const cli = npm(['run', '--silent', 'cli', '--', 'api', 'job', '10', '10'], modelArtsEnv());
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('TestModelArtsJob');
  });

  it('npm run preview -- "/modelarts help" prints the blocks and a Block Kit Builder link', async () => {
    expect(readme).toContain('npm run preview -- "/modelarts job 10 10"');
    const preview = npm(['run', '--silent', 'preview', '--', '/modelarts help']);
    expect(await preview.exited).toBe(0);
    expect(preview.output()).toContain('"blocks"');
    expect(preview.output()).toContain('https://app.slack.com/block-kit-builder/#');
  });

  it('npm run simulator -- --port 0 serves and stops on SIGTERM', async () => {
    const simulator = npm(['run', '--silent', 'simulator', '--', '--port', '0']);
    await until(() => /http:\/\/127\.0\.0\.1:\d+/.test(simulator.output()), 30_000, 'the simulator URL');
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(simulator.output())?.[1];
    expect((await fetch(`${url}/__sim/state`).catch(() => null))?.status).not.toBe(500);
    simulator.child.kill('SIGTERM');
    // tsx passes the signal on and ends the way its child did: a clean exit or the same signal, never a crash code.
    const { code, signal } = await simulator.ended;
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    await expect(fetch(`${url}/`)).rejects.toThrow();
  });

  it('npm start runs the compiled bot: ready, /healthz, SIGTERM stops it', async () => {
    const env = botEnvironment({
      simulator: sim,
      slack,
      signingSecret,
      botToken,
      databaseUrl: `sqlite:${join(dir, 'start.db')}`,
      extra: { PORT: '0', LOG_LEVEL: 'info', INSTANCE_ID: 'readme-start' },
    });
    const bot = npm(['start', '--silent'], env);
    await until(() => bot.output().includes('"msg":"ready"'), 60_000, 'the ready line');
    const port = /"port":(\d+)/.exec(bot.output())?.[1];
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain('"msg":"stopped"');
  });
});
