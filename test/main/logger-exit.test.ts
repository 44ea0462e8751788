import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/log-then-exit.ts', import.meta.url));

/** Runs the fixture with a reader that only starts reading once the child has had time to exit. */
function run(mode: 'flushed' | 'raw'): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.pause();
    setTimeout(() => {
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stdout.resume();
    }, 500).unref();
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ code, lines: text.split('\n').filter((l) => l !== '') });
    });
  });
}

describe('logger: the asynchronous destination loses nothing at process exit', () => {
  it('exitAfterLogs: a slow reader still gets every line whole, the last one included, secrets scrubbed', async () => {
    const { code, lines } = await run('flushed');
    expect(code).toBe(3);
    expect(lines).toHaveLength(2);
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; token?: string });
    expect(parsed.map((p) => p.msg)).toEqual(['large line', 'last words before exit [Redacted]']);
    expect(lines.join('\n')).not.toContain('fixture-secret-value');
  }, 30_000);
});
