/**
 * The real app in Socket Mode against the fake Slack's Socket Mode: apps.connections.open with the app-level token,
 * a WebSocket to the fake, envelopes in and acks out. The fake has no bot URL at all, so every interaction below
 * can only have travelled over the socket. ModelArts is the simulator, the store in-memory SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { createModelArtsApi, type ModelArtsApi } from '../../../src/modelarts/index.js';
import { createSlackApp, type SlackApp } from '../../../src/slack/app.js';
import { openStore } from '../../../src/store/index.js';
import type { Store, Watch } from '../../../src/store/types.js';
import { type DeliveryResult, type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';
import { SEEDED, type Simulator, startSimulator } from '../../../tools/simulator/index.js';
import { captureLogger, TEST_BOT_TOKEN, TEST_SIGNING_SECRET, testConfig } from '../../support/app-fakes.js';
import { eventually } from '../../support/app-harness.js';

const APP_TOKEN = 'xapp-1-A0APP00001-1234567890-socketmodetest';
const CHANNEL = 'C0MLOPS001';
const USER = 'U0DEMO0001';

interface AckBody {
  response_type?: string;
  text?: string;
  blocks?: unknown[];
}

/** The ack of a socket delivery, checked to have come over the socket in time. */
function socketAck(res: DeliveryResult): AckBody {
  expect(res.transport).toBe('socket');
  expect(res.outcome).toBe('ok');
  return res.body as AckBody;
}
const textOf = (m: { text?: string; blocks?: unknown[] } | undefined): string =>
  `${m?.text ?? ''} ${JSON.stringify(m?.blocks ?? [])}`;

describe('Socket Mode end to end', () => {
  let slack: FakeSlack;
  let sim: Simulator;
  let store: Store;
  let modelarts: ModelArtsApi;
  let bot: SlackApp;
  let config: Config;
  let healthPort: number;
  const created: Watch[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack({
      signingSecret: TEST_SIGNING_SECRET,
      botToken: TEST_BOT_TOKEN,
      appToken: APP_TOKEN,
      chatWritePublic: true,
      // Frequent server pings: the client must keep answering them while the tests run.
      socketPingIntervalMs: 250,
    });
    sim = await startSimulator({ generatedJobs: 8 });
    config = testConfig({
      MODELARTS_ENDPOINT: sim.url,
      MODELARTS_PROJECT_ID: sim.projectId,
      MODELARTS_AUTH_TOKEN: sim.credentials.token,
      SLACK_API_URL: slack.apiUrl,
      SLACK_APP_TOKEN: APP_TOKEN,
      MODELARTS_TIMEOUT_MS: '5000',
    });
    const logs = captureLogger({ secrets: [TEST_BOT_TOKEN, APP_TOKEN, sim.credentials.token] });
    store = await openStore('sqlite::memory:');
    modelarts = createModelArtsApi({
      endpoint: config.modelarts.endpoint,
      projectId: config.modelarts.projectId,
      auth: config.modelarts.auth,
      timeoutMs: config.modelarts.timeoutMs,
      logger: logs.logger,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50, deadlineMs: 5_000 },
    });
    bot = createSlackApp(
      {
        config,
        modelarts,
        store,
        logger: logs.logger,
        now: () => new Date(),
        botToken: config.slack.botToken,
        slackApiUrl: config.slack.apiUrl,
        onWatchCreated: (watch) => {
          created.push(watch);
        },
      },
      { mode: 'socket', appToken: APP_TOKEN, port: 0 },
    );
    ({ port: healthPort } = await bot.start(0));
  });

  afterAll(async () => {
    await bot?.stop();
    await modelarts?.close();
    await store?.close();
    await sim?.close();
    await slack?.close();
  });

  it('opens the connection with the app-level token and gets a one-time WebSocket URL', () => {
    const open = slack.callsTo('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.token).toBe(APP_TOKEN);
    const url = (open[0]?.response as { url?: string } | undefined)?.url;
    expect(url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${slack.port}/socket-mode/[0-9a-f]{32}$`));
    expect(slack.socketConnections().map((c) => c.state)).toEqual(['open']);
    // Web API calls still use the bot token.
    expect(slack.callsTo('auth.test')[0]?.token).toBe(TEST_BOT_TOKEN);
    expect(slack.serverErrors).toEqual([]);
  });

  it('answers `/modelarts job 10 10` with the card in the ack over the socket', async () => {
    const res = await slack.sendSlashCommand({
      text: `job ${SEEDED.docJobId} ${SEEDED.docVersionId}`,
      channelId: CHANNEL,
      userId: USER,
    });
    const body = socketAck(res);
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('TestModelArtsJob');
    expect(JSON.stringify(body.blocks)).toContain('job_refresh');
    const envelope = JSON.parse(res.request.rawBody) as Record<string, unknown>;
    expect(envelope).toMatchObject({ type: 'slash_commands', accepts_response_payload: true });
    expect(envelope.envelope_id).toBe(res.envelopeId);
    expect(envelope.payload).toMatchObject({ command: '/modelarts', text: 'job 10 10', user_id: USER });
    // The ack payload is shown like an HTTP answer: as the user's ephemeral card.
    const card = slack.ephemerals(USER, CHANNEL).at(-1);
    expect(card?.via).toBe('ack');
    expect(textOf(card)).toContain('TestModelArtsJob');
    expect(slack.deliveries.every((d) => d.transport === 'socket')).toBe(true);
  });

  it('a Refresh click arrives as an interactive envelope and replaces the card', async () => {
    const { jobId, versionIds } = sim.addJob({ name: 'socket-refresh', status: 8 });
    const versionId = versionIds[0]!;
    socketAck(await slack.sendSlashCommand({ text: `job ${jobId} ${versionId}`, channelId: CHANNEL, userId: USER }));
    const card = slack.ephemerals(USER, CHANNEL).at(-1);
    if (!card) throw new Error('no card');
    expect(textOf(card)).toMatch(/running/i);
    sim.setVersionStatus(jobId, versionId, 10);
    const res = await slack.sendBlockAction({ actionId: 'job_refresh', message: card, userId: USER });
    expect(socketAck(res)).toBe('');
    expect(JSON.parse(res.request.rawBody)).toMatchObject({ type: 'interactive', accepts_response_payload: false });
    const current = () => slack.ephemerals(USER, CHANNEL).find((e) => e.id === card.id);
    await eventually(() => (current()?.history.length === 1 ? true : undefined));
    expect(textOf(current())).toMatch(/completed/i);
  });

  it('`watch` creates the watch and `watches` lists it', async () => {
    const { jobId, versionIds } = sim.addJob({ name: 'socket-watched', status: 8 });
    const versionId = String(versionIds[0]);
    const answer = socketAck(
      await slack.sendSlashCommand({ text: `watch ${jobId} ${versionId}`, channelId: CHANNEL, userId: USER }),
    );
    expect(textOf(answer)).toContain(`Watching training job ${jobId} version ${versionId}`);
    const watches = await store.listChannelWatches(slack.identity.teamId, CHANNEL);
    const watch = watches.find((w) => w.target.kind === 'run' && w.target.jobId === String(jobId));
    expect(watch).toMatchObject({ channelId: CHANNEL, creatorUserId: USER });
    expect(created.map((w) => w.id)).toContain(watch?.id);
    const pending = await store.listOutbox({ channelId: CHANNEL, state: 'pending' });
    expect(pending.filter((r) => r.jobId === String(jobId))).toHaveLength(1);
    const list = socketAck(await slack.sendSlashCommand({ text: 'watches', channelId: CHANNEL, userId: USER }));
    expect(textOf(list)).toContain(String(jobId));
  });

  it('app_home_opened arrives as an events_api envelope and the app publishes the Home tab', async () => {
    const res = await slack.sendAppHomeOpened({ userId: USER });
    expect(socketAck(res)).toBe('');
    const envelope = JSON.parse(res.request.rawBody) as { type: string; payload: { event: { type: string } } };
    expect(envelope.type).toBe('events_api');
    expect(envelope.payload.event.type).toBe('app_home_opened');
    const home = await eventually(() => slack.homeView(USER));
    expect(home.view.type).toBe('home');
    expect(slack.callsTo('views.publish').at(-1)?.token).toBe(TEST_BOT_TOKEN);
    expect(JSON.stringify(home.view.blocks)).toContain('home_refresh');
  });

  it('an event Slack redelivers over the socket (retry_attempt, same event_id) is acked and not handled again', async () => {
    const publishes = () => slack.callsTo('views.publish').length;
    const initial = publishes();
    const first = await slack.sendAppHomeOpened({ userId: USER });
    await eventually(() => publishes() === initial + 1);
    const before = publishes();
    const retry = await slack.redeliver(first, 1, 'timeout');
    expect(socketAck(retry)).toBe('');
    expect(JSON.parse(retry.request.rawBody)).toMatchObject({ retry_attempt: 1, payload: first.request.payload });
    await new Promise((r) => setTimeout(r, 200));
    expect(publishes()).toBe(before);
  });

  it('serves /healthz on its own port in Socket Mode', async () => {
    expect(healthPort).toBeGreaterThan(0);
    expect(healthPort).not.toBe(slack.port);
    const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
    // Only the routes live there: no Events API endpoint in Socket Mode.
    const events = await fetch(`http://127.0.0.1:${healthPort}/slack/events`, { method: 'POST', body: '{}' });
    expect(events.status).toBe(404);
  });

  it('answers the client’s pings and keeps the connection through the server’s', async () => {
    const conn = await slack.waitUntil(() => slack.socketConnections().find((c) => c.pingsReceived > 0), 15_000);
    expect(conn.state).toBe('open');
    expect(conn.acksReceived).toBe(conn.envelopesSent);
  });

  it('reconnects after a `disconnect` message and keeps answering commands', async () => {
    const before = slack.socketConnections();
    expect(before.filter((c) => c.state === 'open')).toHaveLength(1);
    expect(slack.disconnectSocket('refresh_requested')).toBe(1);
    // Until the client is back there is no connection to deliver to: Slack reports dispatch_failed to the user.
    const lost = await slack.sendSlashCommand({ text: 'help', channelId: CHANNEL, userId: USER }, { mode: 'socket' });
    expect(lost).toMatchObject({ transport: 'socket', outcome: 'dispatch_failed' });
    expect(slack.ephemerals(USER, CHANNEL).at(-1)?.text).toBe('/modelarts failed with the error "dispatch_failed"');
    const reconnected = await slack.waitUntil(() => {
      const all = slack.socketConnections();
      return all.length === before.length + 1 && all.at(-1)?.state === 'open' ? all : undefined;
    }, 20_000);
    const old = reconnected[before.length - 1];
    expect(old?.state).toBe('closed');
    expect(old?.closeCode).toBe(1000);
    expect(slack.callsTo('apps.connections.open')).toHaveLength(2);

    const res = await slack.sendSlashCommand({
      text: `job ${SEEDED.docJobId} ${SEEDED.docVersionId}`,
      channelId: CHANNEL,
      userId: USER,
    });
    expect(socketAck(res).text).toContain('TestModelArtsJob');
    expect(res.connectionId).toBe(reconnected.at(-1)?.id);
    expect(slack.serverErrors).toEqual([]);
  });
});
