/**
 * The operations endpoints live off the public Slack port: /metrics and /health answer on the operations listener
 * (loopback by default) and not on PORT, unless METRICS_TOKEN guards them (then on both, token required). A scrape
 * never queries the outbox: the depth comes from the monitor's periodic refresh.
 */
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Stack, startStack } from '../security/harness.js';

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.close();
  stack = null;
});

const TOKEN = 'ops-token-5d4c3b2a1f0e9d8c';

const slackPort = (s: Stack, path: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${s.bot.port}${path}`, { headers });
const opsPort = (s: Stack, path: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${s.bot.metricsPort}${path}`, { headers });

describe('operations listener', () => {
  it('by default /metrics and /health are on the loopback operations port only, not on the Slack port', async () => {
    stack = await startStack();
    expect(stack.bot.metricsPort).not.toBe(stack.bot.port);
    expect((await slackPort(stack, '/metrics')).status).toBe(404);
    expect((await slackPort(stack, '/health')).status).toBe(404);
    const metrics = await opsPort(stack, '/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^modelarts_chatops_poll_lag_seconds /m);
    const health = await opsPort(stack, '/health');
    expect(await health.json()).toMatchObject({ ok: true, status: 'ready', instanceId: 'security' });
    // Bound to loopback: another address of this machine is refused (when the machine has one).
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (other) await expect(fetch(`http://${other}:${stack.bot.metricsPort}/metrics`)).rejects.toThrow();
  });

  it('METRICS_TOKEN: served on the Slack port too, and on both only with the bearer token', async () => {
    stack = await startStack({ env: { METRICS_TOKEN: TOKEN } });
    for (const get of [slackPort, opsPort]) {
      expect((await get(stack, '/metrics')).status).toBe(401);
      expect((await get(stack, '/metrics', { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
      expect((await get(stack, '/metrics', { authorization: TOKEN })).status).toBe(401);
      const ok = await get(stack, '/metrics', { authorization: `Bearer ${TOKEN}` });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^modelarts_chatops_interactions_total|^# HELP/m);
      expect((await get(stack, '/health', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    }
    // Liveness and readiness stay public.
    expect((await slackPort(stack, '/healthz')).status).toBe(200);
    expect((await slackPort(stack, '/readyz')).status).toBe(200);
    expect(stack.logs.join('')).not.toContain(TOKEN);
  });

  it('a scrape flood never counts the outbox: the depth gauge comes from the periodic refresh', async () => {
    stack = await startStack();
    await stack.quiesce();
    const s = stack;
    // The monitor's first refresh has run (at start); the gauge shows its result.
    await vi.waitFor(async () =>
      expect(await (await opsPort(s, '/metrics')).text()).toMatch(
        /^modelarts_chatops_outbox_depth\{state="pending"\} 0$/m,
      ),
    );
    const counted = vi.spyOn(stack.bot.store, 'outboxDepth');
    const scrapes = await Promise.all(Array.from({ length: 40 }, () => opsPort(s, '/metrics').then((r) => r.text())));
    expect(scrapes.every((t) => /modelarts_chatops_outbox_depth\{state="pending"\} 0/.test(t))).toBe(true);
    expect(counted).not.toHaveBeenCalled();
  });
});
