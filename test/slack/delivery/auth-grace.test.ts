/**
 * Slack refusing the bot token (a rotation an hour late, a reinstall) must not lose alerts or disable watches at once:
 * rows are retried with backoff for SLACK_AUTH_GRACE_SECONDS, the operator hears of it once, and only after the grace
 * do rows die and watches get disabled.
 */
import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardRow, factsFromRun } from '../../../src/alerts/rows.js';
import { emptyRun, v1Status } from '../../../src/modelarts/index.js';
import { createOutboxSender, type OutboxSender } from '../../../src/slack/delivery/outbox-sender.js';
import { openStore } from '../../../src/store/index.js';
import type { Store, Watch } from '../../../src/store/types.js';
import { type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';

const TEAM = 'T0AUTH0001';
const CHANNEL = 'C0AUTH0001';

let slack: FakeSlack;
let store: Store;
let watch: Watch;
let sender: OutboxSender | null = null;
let logs: Array<{ level: number; msg: string }>;

beforeEach(async () => {
  slack = await startFakeSlack({ signingSecret: 's', teamId: TEAM, channels: [{ id: CHANNEL, name: 'auth' }] });
  store = await openStore('sqlite::memory:');
  ({ watch } = await store.createWatch({
    teamId: TEAM,
    channelId: CHANNEL,
    projectId: 'sim-project',
    creatorUserId: 'U0AUTH0001',
    target: { kind: 'run', jobId: '7', versionId: '70' },
    filter: 'default',
    now: new Date(),
  }));
  logs = [];
});

afterEach(async () => {
  await sender?.stop();
  await store.close();
  await slack.close();
});

function start(authGraceMs: number): OutboxSender {
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => logs.push(JSON.parse(line) as { level: number; msg: string }) },
  );
  sender = createOutboxSender({
    store,
    slack: new WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    }),
    logger,
    now: () => new Date(),
    instanceId: 'auth-test',
    random: () => 0.05,
    idlePollMs: 20,
    channelSpacingMs: 0,
    authGraceMs,
  });
  sender.start();
  return sender;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function card() {
  const run = emptyRun({ api: 'v1', jobId: '7', versionId: '70' }, v1Status(8));
  return cardRow(
    watch,
    factsFromRun('sim-project', { ...run, name: 'resnet50', versionName: 'V0001' }),
    null,
    new Date(),
  );
}

describe('Slack refusing the bot token', () => {
  it('invalid_auth for a while, then accepted: the alert arrives once, the watch stays enabled, one error logged', async () => {
    // Every call fails while the token is refused, searches included.
    slack.failNext('*', { error: 'invalid_auth', times: 6 });
    await store.enqueue([card()]);
    const s = start(60_000);
    await slack.waitUntil(() => s.authFailingSince() !== null || undefined, 10_000);
    await slack.waitUntil(() => slack.messages(CHANNEL).length > 0, 20_000);
    await until(async () => (await store.listOutbox())[0]?.state === 'sent', 5_000);

    expect(slack.messages(CHANNEL)).toHaveLength(1);
    expect((await store.getWatch(watch.id))?.disabledAt).toBeNull();
    expect(await store.listOutbox()).toMatchObject([{ kind: 'card', state: 'sent' }]);
    expect(s.authFailingSince()).toBeNull();
    const refused = logs.filter((l) => l.msg.startsWith('Slack refuses the bot token'));
    expect(refused).toHaveLength(1);
    expect(refused[0]?.level).toBe(50);
    expect(logs.some((l) => l.msg === 'Slack accepts the bot token again')).toBe(true);
  });

  it('refused past the grace: the row dies and the watch is disabled, as for any refusal for good', async () => {
    slack.failNext('*', { error: 'token_revoked', times: 1000 });
    await store.enqueue([card()]);
    start(0);
    await until(async () => (await store.getWatch(watch.id))?.disabledAt !== null, 10_000);
    expect((await store.listOutbox({ state: 'dead' }))[0]).toMatchObject({ kind: 'card', lastError: 'token_revoked' });
    expect(slack.messages(CHANNEL)).toHaveLength(0);
  });
});
