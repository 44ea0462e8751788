/**
 * Replays and clock skew against the whole bot (signed HTTP requests from the Slack stand-in): the same signed
 * request runs once however often it is sent, to one replica or another sharing the database (SQLite file and
 * PostgreSQL); timestamps more than five minutes in the future are refused like stale ones; Slack's own retry of an
 * event already handled (same event_id, fresh signature) is acknowledged without running twice.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/main.js';
import { probePostgres } from '../support/store-databases.js';
import { CHANNEL, type Stack, startStack } from './harness.js';

const USER = 'U0DEMO0001';
const now = () => Math.floor(Date.now() / 1000);
const lookups = (s: Stack) => s.sim.requestCounts().getTrainingJobVersion ?? 0;

describe('one replica', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { MODELARTS_LOOKUP_CACHE_MS: '0' } });
    await stack.quiesce();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a signed slash command replayed three times runs once; the replays get 401', async () => {
    const first = await stack.slack.sendSlashCommand({ text: 'job 10 10', channelId: CHANNEL, userId: USER });
    expect(first.status).toBe(200);
    await stack.idle();
    const ran = lookups(stack);
    expect(ran).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect((await stack.slack.replay(first)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 150));
    expect(lookups(stack)).toBe(ran);
    // The same command sent again by Slack (a new request, a new signature) runs: the check is not on the body.
    expect((await stack.slack.sendSlashCommand({ text: 'job 10 10', channelId: CHANNEL })).status).toBe(200);
    await stack.idle();
    expect(lookups(stack)).toBeGreaterThan(ran);
  });

  it('a replayed button click and a replayed event are refused too', async () => {
    const click = await stack.slack.sendBlockAction({
      actionId: 'job_refresh',
      value: '{"j":10,"v":10}',
      channelId: CHANNEL,
    });
    expect(click.status).toBe(200);
    const home = await stack.slack.sendAppHomeOpened({ userId: USER });
    expect(home.status).toBe(200);
    await stack.idle();
    expect((await stack.slack.replay(click)).status).toBe(401);
    expect((await stack.slack.replay(home)).status).toBe(401);
  });

  it.each([
    ['ten minutes', 600],
    ['one hour', 3_600],
    ['thirty days', 30 * 86_400],
    ['five minutes and one second', 301],
  ])('a timestamp %s in the future → 401 and no effect', async (_name, ahead) => {
    const before = lookups(stack);
    const result = await stack.slack.sendSlashCommand(
      { text: 'job 10 10', channelId: CHANNEL },
      { timestamp: now() + ahead },
    );
    expect(result.status).toBe(401);
    await new Promise((r) => setTimeout(r, 150));
    expect(lookups(stack)).toBe(before);
  });

  it('a timestamp a little in the future (clock skew within the window) is accepted', async () => {
    const before = lookups(stack);
    const result = await stack.slack.sendSlashCommand(
      { text: 'job 10 10', channelId: CHANNEL },
      { timestamp: now() + 290 },
    );
    expect(result.status).toBe(200);
    await stack.idle();
    expect(lookups(stack)).toBeGreaterThan(before);
  });

  it("Slack's retry of an event already handled (same event_id, new signature) is acknowledged and not run again", async () => {
    const publishes = () => stack.slack.callsTo('views.publish').length;
    const before = publishes();
    const first = await stack.slack.sendAppHomeOpened({ userId: USER });
    await stack.idle();
    expect(publishes()).toBe(before + 1);
    const retry = await stack.slack.redeliver(first, 1, 'http_timeout');
    expect(retry.status).toBe(200);
    expect(retry.request.headers?.['x-slack-signature']).not.toBe(first.request.headers?.['x-slack-signature']);
    await stack.idle();
    expect(publishes()).toBe(before + 1);
    expect(stack.logs.join('')).toContain('Slack redelivered an event already handled');
    // A new event (new event_id) is handled.
    await stack.slack.sendAppHomeOpened({ userId: USER });
    await stack.idle();
    expect(publishes()).toBe(before + 2);
  });
});

const pgSkip = await probePostgres(process.env.TEST_DATABASE_URL);
const sharedDatabases: Array<[string, string | null, () => string]> = [
  ['SQLite file', null, () => ''],
  [
    'PostgreSQL',
    pgSkip ?? null,
    () => {
      const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://x');
      url.searchParams.set('schema', `replay_${process.pid}_${randomBytes(3).toString('hex')}`);
      return url.toString();
    },
  ],
];

describe.each(sharedDatabases)('two replicas sharing %s', (_name, skip, databaseUrl) => {
  let stack: Stack;
  let second: RunningBot | null = null;
  afterEach(async () => {
    await second?.stop();
    second = null;
    await stack?.close();
  });

  it.skipIf(skip !== null)('a request handled by one replica is refused when replayed to the other', async () => {
    const url = databaseUrl();
    stack = await startStack({ env: { MODELARTS_LOOKUP_CACHE_MS: '0' }, ...(url ? { databaseUrl: url } : {}) });
    await stack.quiesce();
    second = await startBot({ ...stack.env, INSTANCE_ID: 'replica-2' }, { logDestination: { write: () => {} } });
    const first = await stack.slack.sendSlashCommand({ text: 'job 10 10', channelId: CHANNEL });
    expect(first.status).toBe(200);
    await stack.idle();
    const ran = lookups(stack);
    stack.slack.setBotUrl(`http://127.0.0.1:${second.port}/slack/events`);
    expect((await stack.slack.replay(first)).status).toBe(401);
    // Non-vacuous: the second replica does serve fresh requests.
    expect((await stack.slack.sendSlashCommand({ text: 'job 10 10', channelId: CHANNEL })).status).toBe(200);
    expect(lookups(stack)).toBeGreaterThan(ran);
  });
});
