/** While Slack refuses the bot token the replica is unready (with the reason) and the gauge says so. */
import pino from 'pino';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, registerStateGauges } from '../../src/metrics.js';
import { createOpsMonitor } from '../../src/ops/monitor.js';

const store = {
  oldestDueOutboxRunAt: async () => null,
  outboxDepth: async () => ({ pending: 0, dead: 0 }),
};

describe('Slack auth failures in readiness and metrics', () => {
  it('readiness names slack: refused while the token is refused, ok again after', async () => {
    let refused = true;
    const monitor = createOpsMonitor({
      store,
      pollLagSeconds: () => 0,
      now: () => new Date(),
      logger: pino({ level: 'silent' }),
      maxLagSeconds: 30,
      refreshEveryMs: 60_000,
      slackAuthFailing: () => refused,
    });
    expect(await monitor.readiness()).toMatchObject({ ready: false, checks: { slack: 'refused', database: 'ok' } });
    refused = false;
    expect(await monitor.readiness()).toMatchObject({ ready: true, checks: { slack: 'ok' } });
  });

  it('the slack_auth_failing gauge is 1 while refused', async () => {
    const metrics = createMetrics();
    let refused = true;
    registerStateGauges(metrics, {
      pollHealth: () => ({ lagSeconds: 0, failingSince: null }),
      outboxDepth: () => null,
      outboxLagSeconds: () => 0,
      slackAuthFailing: () => refused,
    });
    const text = async () => (metrics.registry as Registry).metrics();
    expect(await text()).toMatch(/slack_auth_failing 1/);
    refused = false;
    expect(await text()).toMatch(/slack_auth_failing 0/);
  });
});
