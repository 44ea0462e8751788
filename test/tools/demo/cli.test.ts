/**
 * `npm run demo` as a user meets it: one banner naming the page and what to type, Ctrl-C (SIGINT) stops the bot,
 * the Slack stand-in and the simulator, and a port in use is one clear line, not a stack trace.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../tools/demo/bot-process.js';

const children: ChildProcess[] = [];
// Its own database and log, so a demo someone is running in this checkout is left alone.
const scratch = mkdtempSync(join(tmpdir(), 'mac-demo-cli-'));
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function demo(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'tools/demo/index.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
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
  return { child, output: () => out, exited };
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm run demo', () => {
  it('prints one banner with the page and the commands, and Ctrl-C stops everything', async () => {
    const d = demo(['--port', '0', '--db', join(scratch, 'demo.db')]);
    await until(() => d.output().includes('Ctrl-C stops everything'), 45_000);
    const text = d.output();
    const page = /Open {2}(http:\/\/127\.0\.0\.1:\d+) /.exec(text)?.[1];
    expect(page).toBeDefined();
    expect(text).toContain('/modelarts jobs');
    expect(text).toMatch(/\/modelarts watch \d+ \d+ +demo-resnet50-finetune completes/);
    const bot = /Bot (http:\/\/127\.0\.0\.1:\d+) /.exec(text)?.[1];
    expect((await fetch(page!)).status).toBe(200);
    expect((await fetch(`${bot}/healthz`)).status).toBe(200);

    d.child.kill('SIGINT');
    expect(await d.exited).toBe(0);
    // Everything it started is gone: the page and the bot no longer answer.
    await expect(fetch(page!)).rejects.toThrow();
    await expect(fetch(`${bot}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('a port in use is one clear line and exit code 1', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const { port } = busy.address() as AddressInfo;
    try {
      const d = demo(['--port', String(port), '--db', join(scratch, 'demo.db')]);
      expect(await d.exited).toBe(1);
      const lines = d
        .output()
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('Starting'));
      expect(lines).toEqual([expect.stringContaining(`port ${port} is in use`)]);
    } finally {
      busy.close();
    }
  }, 60_000);
});
