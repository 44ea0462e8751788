/**
 * The real poller and outbox sender over an app harness, driven by hand (`runOnce`) so a test decides when a cycle
 * runs and when the outbox is drained.
 */
import { WebClient } from '@slack/web-api';
import { createPoller, type Poller } from '../../src/poller/poller.js';
import { createOutboxSender, type OutboxSender } from '../../src/slack/delivery/index.js';
import { TEST_BOT_TOKEN } from './app-fakes.js';
import type { AppHarness } from './app-harness.js';

export function alertWorkers(h: AppHarness, instanceId: string): { poller: Poller; sender: OutboxSender } {
  const poller = createPoller({
    modelarts: h.modelarts,
    store: h.store,
    logger: h.logs.logger,
    now: () => new Date(),
    projectId: h.sim.projectId,
    intervalSeconds: 60,
    alertAfterMinutes: 10,
    teamId: h.slack.identity.teamId,
    instanceId,
  });
  const sender = createOutboxSender({
    store: h.store,
    slack: new WebClient(TEST_BOT_TOKEN, { slackApiUrl: h.slack.apiUrl, retryConfig: { retries: 0 } }),
    logger: h.logs.logger,
    now: () => new Date(),
    instanceId,
    channelSpacingMs: 0,
  });
  return { poller, sender };
}
