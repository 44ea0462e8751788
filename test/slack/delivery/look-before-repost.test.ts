/**
 * Slack accepts a post but answers after the client gave up (a slow success): the row is retried, and before it is
 * posted again its channel (or thread) is searched for the message, by the row key in the message metadata. Exactly
 * one message must reach the channel, and the row records its ts.
 */
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardRow, factsFromRun, terminalReplyRow } from '../../../src/alerts/rows.js';
import { emptyRun, v1Status } from '../../../src/modelarts/index.js';
import { createOutboxSender, type OutboxSender } from '../../../src/slack/delivery/outbox-sender.js';
import { openStore } from '../../../src/store/index.js';
import type { Store, Watch } from '../../../src/store/types.js';
import { type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';
import { silent } from '../../poller/helpers.js';

const TEAM = 'T0LOOK0001';
const CHANNEL = 'C0LOOK0001';
/** The client's timeout; the fake answers a slow success after twice this. */
const TIMEOUT_MS = 400;

let slack: FakeSlack;
let store: Store;
let watch: Watch;
let sender: OutboxSender;

beforeEach(async () => {
  slack = await startFakeSlack({ signingSecret: 's', teamId: TEAM, channels: [{ id: CHANNEL, name: 'look' }] });
  store = await openStore('sqlite::memory:');
  ({ watch } = await store.createWatch({
    teamId: TEAM,
    channelId: CHANNEL,
    projectId: 'sim-project',
    creatorUserId: 'U0LOOK0001',
    target: { kind: 'run', jobId: '7', versionId: '70' },
    filter: 'default',
    now: new Date(),
  }));
  const client = new WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: TIMEOUT_MS,
  });
  sender = createOutboxSender({
    store,
    slack: client,
    logger: silent,
    now: () => new Date(),
    instanceId: 'look-test',
    random: () => 0.1,
    idlePollMs: 20,
    channelSpacingMs: 0,
    slackCallTimeoutMs: TIMEOUT_MS,
  });
});

afterEach(async () => {
  await sender.stop();
  await store.close();
  await slack.close();
});

function facts(status: number) {
  const run = emptyRun({ api: 'v1', jobId: '7', versionId: '70' }, v1Status(status));
  return factsFromRun('sim-project', { ...run, name: 'resnet50', versionName: 'V0001' });
}

async function drain(): Promise<void> {
  sender.start();
  const deadline = Date.now() + 15_000;
  while ((await store.outboxDepth()).pending > 0) {
    if (Date.now() > deadline) throw new Error('outbox did not drain');
    await new Promise((r) => setTimeout(r, 25));
  }
  await sender.stop();
  // Let the slow answers arrive, so nothing the fake still holds is missed.
  await new Promise((r) => setTimeout(r, 2 * TIMEOUT_MS));
}

describe('look before repost', () => {
  it('a slow success of the card and of its thread reply: exactly one of each in the channel, both recorded', async () => {
    slack.slowSuccessNext('chat.postMessage', 2 * TIMEOUT_MS, 2);
    const now = new Date();
    await store.enqueue([cardRow(watch, facts(8), null, now)]);
    await drain();
    await store.enqueue([terminalReplyRow(watch, facts(11), now)]);
    await drain();

    const top = slack.messages(CHANNEL);
    expect(top).toHaveLength(1); // the card; the failure reply is in its thread, not broadcast
    const card = top.find((m) => !m.thread_ts || m.thread_ts === m.ts)!;
    expect(card.replies ?? []).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(slack.callsTo('conversations.history')).toHaveLength(1);
    expect(slack.callsTo('conversations.replies')).toHaveLength(1);
    const rows = await store.listOutbox();
    expect(rows.map((r) => [r.kind, r.state, r.attempts])).toEqual([
      ['card', 'sent', 2],
      ['terminal_reply', 'sent', 2],
    ]);
    expect(rows[0]?.slackTs).toBe(card.ts);
    expect(rows[1]?.slackTs).toBe(card.replies?.[0]?.ts);
    expect(await store.getCard(TEAM, CHANNEL, '7', '70')).toMatchObject({ ts: card.ts });
  });

  it('a post that never happened (a 503) is searched for, not found, and posted once', async () => {
    slack.failNext('chat.postMessage', { status: 503 });
    await store.enqueue([cardRow(watch, facts(8), null, new Date())]);
    await drain();
    expect(slack.messages(CHANNEL)).toHaveLength(1);
    expect(slack.callsTo('conversations.history')).toHaveLength(1);
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('when the search itself fails the row is posted again (at least once): never lost', async () => {
    slack.slowSuccessNext('chat.postMessage', 2 * TIMEOUT_MS);
    slack.failNext('conversations.history', { error: 'missing_scope' });
    await store.enqueue([cardRow(watch, facts(8), null, new Date())]);
    await drain();
    expect(slack.messages(CHANNEL)).toHaveLength(2);
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'sent' });
  });

  it('a card edit answered late is simply made again: chat.update is idempotent, one card shows the new status', async () => {
    await store.enqueue([cardRow(watch, facts(8), null, new Date())]);
    await drain();
    slack.slowSuccessNext('chat.update', 2 * TIMEOUT_MS);
    await store.enqueue([cardRow(watch, facts(10), { status: '8', updatedAt: new Date(0) }, new Date())]);
    await drain();
    expect(slack.callsTo('chat.update')).toHaveLength(2);
    const top = slack.messages(CHANNEL);
    expect(top).toHaveLength(1);
    expect(top[0]?.metadata?.event_payload.status).toBe('10');
  });
});
