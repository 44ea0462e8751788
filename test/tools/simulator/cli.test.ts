import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

/** Starts the CLI and waits until it has printed where it listens. */
async function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/simulator/cli.ts', '--port', '0', ...args], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && out.includes('control:')) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited early with ${code}: ${out}`)));
  });
  return { child, url, out };
}

describe('npm run simulator (tools/simulator/cli.ts)', () => {
  it('prints the URL and credentials, serves requests, and exits 0 on SIGTERM', async () => {
    const { child, url, out } = await startCli(['--seed', '5', '--jobs', '3']);
    expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(seed 5\)/);
    expect(out).toContain('MODELARTS_PROJECT_ID=sim-project');
    expect(out).toContain('HUAWEICLOUD_SDK_AK=SIMACCESSKEY');
    expect(out).toContain('MODELARTS_AUTH_TOKEN=sim-token');
    expect(out).toContain(`OS_AUTH_URL=${url}/v3`);
    const res = await fetch(`${url}/v1/sim-project/training-jobs?per_page=100`, {
      headers: { 'x-auth-token': 'sim-token' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { job_total_count: number }).job_total_count).toBe(2 + 3);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it('--apis v2 --cloud huawei: v1 paths answer like a Huawei gateway without them, v2 is served', async () => {
    const { child, url, out } = await startCli(['--apis', 'v2', '--cloud', 'huawei', '--v2-jobs', '2']);
    expect(out).toContain('training APIs: v2 (Huawei Cloud, APIGW. gateway codes)');
    const v1 = await fetch(`${url}/v1/sim-project/training-jobs`, { headers: { 'x-auth-token': 'sim-token' } });
    expect(v1.status).toBe(404);
    expect(((await v1.json()) as { error_code: string }).error_code).toBe('APIGW.0101');
    const v2 = await fetch(`${url}/v2/sim-project/training-job-searches`, {
      method: 'POST',
      headers: { 'x-auth-token': 'sim-token', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(((await v2.json()) as { total: number }).total).toBe(8 + 2);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  });

  it.each([
    [['--port', 'abc'], '--port'],
    [['--apis', 'v3'], '--apis must be one of v1, v2, both'],
    [['--cloud', 'aws'], '--cloud must be one of otc, huawei'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/simulator/cli.ts', ...args], {
      cwd: process.cwd(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      err += c;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err).toContain(message);
  });
});
