/**
 * Liveness and readiness of the whole bot on its public Slack port: /healthz answers 200 while the process serves,
 * /readyz 503 when the database does not answer (PostgreSQL behind a TCP proxy that is cut), when polling stopped
 * succeeding (the simulator failing every call) or when the oldest due alert waits too long (Slack stuck), and both
 * answer status words and numbers only: no host name, no instance id, no upstream error text.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL, type Stack, startStack, TEAM } from '../security/harness.js';
import { probePostgres } from '../support/store-databases.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

let stack: Stack | null = null;
let proxy: TcpProxy | null = null;
afterEach(async () => {
  await stack?.close();
  stack = null;
  await proxy?.close();
  proxy = null;
});

async function get(s: Stack, path: string): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const res = await fetch(`http://127.0.0.1:${s.bot.port}${path}`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, text };
}

/** Public answers: only these keys, and nothing that names the host or the instance or repeats an upstream error. */
function expectPublic(s: Stack, text: string): void {
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(
    Object.keys(body).every((k) => ['ok', 'status', 'checks', 'pollLagSeconds', 'outboxLagSeconds'].includes(k)),
  ).toBe(true);
  expect(text).not.toContain(hostname());
  expect(text).not.toContain(s.bot.instanceId);
  expect(text).not.toMatch(/error|ModelArts|ECONN|timeout/i);
}

describe('/healthz and /readyz', () => {
  it('ready: /healthz 200 and /readyz 200 with every check ok, nothing about the host', async () => {
    stack = await startStack({ env: { INSTANCE_ID: `${hostname()}-1234-abcdef` } });
    await stack.quiesce();
    const live = await get(stack, '/healthz');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ ok: true, status: 'ok' });
    expectPublic(stack, live.text);
    const ready = await get(stack, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      ok: true,
      status: 'ready',
      checks: { database: 'ok', poll: 'ok', outbox: 'ok' },
      outboxLagSeconds: 0,
    });
    expectPublic(stack, ready.text);
  });

  it('polling that stopped succeeding for longer than READY_MAX_LAG_SECONDS: /readyz 503, /healthz still 200', async () => {
    stack = await startStack({ env: { POLL_INTERVAL_SECONDS: '1', READY_MAX_LAG_SECONDS: '2' } });
    await stack.quiesce();
    // With nothing watched the poller has nothing to ask ModelArts.
    await stack.slack.sendSlashCommand({ text: 'watch failures', channelId: CHANNEL });
    await stack.idle();
    expect((await get(stack, '/readyz')).status).toBe(200);
    stack.sim.faults.add({ kind: 'serverError', endpoint: '*' });
    const s = stack;
    await vi.waitFor(async () => expect((await get(s, '/readyz')).status).toBe(503), {
      timeout: 15_000,
      interval: 200,
    });
    const ready = await get(stack, '/readyz');
    expect(ready.body).toMatchObject({ ok: false, status: 'not_ready', checks: { poll: 'lagging', database: 'ok' } });
    expect(ready.body.pollLagSeconds).toBeGreaterThan(2);
    expectPublic(stack, ready.text);
    expect((await get(stack, '/healthz')).status).toBe(200);
    // The detailed report, off the public port, does name the failure.
    const detail = await fetch(`http://127.0.0.1:${stack.bot.metricsPort}/health`);
    expect(JSON.stringify(await detail.json())).toMatch(/lastError/);
    stack.sim.faults.clear();
    await vi.waitFor(async () => expect((await get(s, '/readyz')).status).toBe(200), {
      timeout: 15_000,
      interval: 200,
    });
  }, 45_000);

  it('an alert due for longer than READY_MAX_LAG_SECONDS (Slack stuck): /readyz 503 with outbox lagging', async () => {
    stack = await startStack({ env: { POLL_INTERVAL_SECONDS: '1', READY_MAX_LAG_SECONDS: '2' } });
    await stack.quiesce();
    stack.slack.delayNext('chat.postMessage', 20_000);
    await stack.bot.store.enqueue([
      {
        teamId: TEAM,
        channelId: CHANNEL,
        dedupeKey: 'stuck',
        kind: 'ops_notice',
        watchId: null,
        jobId: null,
        versionId: null,
        payload: { kind: 'failing', projectId: 'p', since: new Date().toISOString(), error: 'x' },
        runAt: new Date(),
      },
    ]);
    const s = stack;
    await vi.waitFor(async () => expect((await get(s, '/readyz')).status).toBe(503), {
      timeout: 15_000,
      interval: 200,
    });
    const ready = await get(stack, '/readyz');
    expect(ready.body).toMatchObject({ checks: { outbox: 'lagging', database: 'ok', poll: 'ok' } });
    expect(ready.body.outboxLagSeconds).toBeGreaterThan(2);
    expectPublic(stack, ready.text);
  }, 30_000);
});

const pgSkip = await probePostgres(process.env.TEST_DATABASE_URL);

describe('database unreachable', () => {
  it.skipIf(pgSkip !== undefined)(
    'PostgreSQL cut off behind a proxy: /readyz 503 (database unreachable) within seconds, /healthz 200; back: 200',
    async () => {
      const target = new URL(process.env.TEST_DATABASE_URL!);
      proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      const url = new URL(target);
      url.host = `127.0.0.1:${proxy.port}`;
      url.searchParams.set('schema', `ready_${process.pid}_${randomBytes(3).toString('hex')}`);
      stack = await startStack({ databaseUrl: url.toString() });
      await stack.quiesce();
      expect((await get(stack, '/readyz')).status).toBe(200);

      proxy.blackhole();
      const started = Date.now();
      const s = stack;
      // A probe younger than a second is reused; the next one times out after two.
      await vi.waitFor(async () => expect((await get(s, '/readyz')).status).toBe(503), {
        timeout: 6_000,
        interval: 100,
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      const ready = await get(stack, '/readyz');
      expect(ready.body).toMatchObject({ checks: { database: 'unreachable', outbox: 'unknown' } });
      expectPublic(stack, ready.text);
      expect((await get(stack, '/healthz')).status).toBe(200);

      proxy.restore();
      await vi.waitFor(async () => expect((await get(s, '/readyz')).status).toBe(200), {
        timeout: 20_000,
        interval: 250,
      });
    },
    45_000,
  );
});
