/** The sender's loop runs the retention pass: an old alert, once sent, is pruned by a later turn. */
import { WebClient } from '@slack/web-api';
import { afterEach, expect, it } from 'vitest';
import { createOutboxSender, type OutboxSender } from '../../../src/slack/delivery/outbox-sender.js';
import { openStore } from '../../../src/store/index.js';
import type { Store } from '../../../src/store/types.js';
import { type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';
import { silent } from '../../poller/helpers.js';

let slack: FakeSlack | undefined;
let store: Store | undefined;
let sender: OutboxSender | undefined;

afterEach(async () => {
  await sender?.stop();
  await store?.close();
  await slack?.close();
});

it('prunes sent rows older than the retention window from the sender loop', async () => {
  slack = await startFakeSlack({ signingSecret: 's', channels: [{ id: 'C0RET00001', name: 'ret' }] });
  store = await openStore('sqlite::memory:');
  const longAgo = new Date(Date.now() - 3 * 86_400_000);
  await store.commitPollCycle({
    projectId: 'p',
    now: longAgo,
    states: [],
    alerts: [
      {
        teamId: slack.identity.teamId,
        channelId: 'C0RET00001',
        dedupeKey: 'ops-1',
        kind: 'ops_notice',
        watchId: null,
        jobId: null,
        versionId: null,
        payload: { kind: 'recovered', since: longAgo.toISOString(), error: null, projectId: 'p' },
        runAt: longAgo,
      },
    ],
    watchStatuses: [],
  });
  sender = createOutboxSender({
    store,
    slack: new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
    logger: silent,
    now: () => new Date(),
    instanceId: 'retention',
    idlePollMs: 20,
    retentionMs: 86_400_000,
    pruneEveryMs: 0,
  });
  sender.start();
  const deadline = Date.now() + 10_000;
  while ((await store.listOutbox()).length > 0) {
    if (Date.now() > deadline) throw new Error('the sent row was not pruned');
    await new Promise((r) => setTimeout(r, 25));
  }
  expect(slack.messages('C0RET00001')).toHaveLength(1);
});
