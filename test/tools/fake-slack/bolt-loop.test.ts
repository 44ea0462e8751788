/**
 * The whole loop with a real Bolt app on its real HTTP receiver: the fake signs and sends what Slack would, Bolt
 * verifies and dispatches, the listeners answer through ack, response_url and the Web API — all into the fake.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';

const SECRET = 'bolt-loop-signing-secret';

let fake: FakeSlack;
let app: App;
let server: Server;

const modal = {
  type: 'modal' as const,
  callback_id: 'lookup_modal',
  title: { type: 'plain_text' as const, text: 'Look up a job' },
  submit: { type: 'plain_text' as const, text: 'Show' },
  blocks: [
    {
      type: 'input' as const,
      block_id: 'job',
      label: { type: 'plain_text' as const, text: 'Job id' },
      element: { type: 'plain_text_input' as const, action_id: 'job_input' },
    },
    {
      type: 'input' as const,
      block_id: 'where',
      label: { type: 'plain_text' as const, text: 'Post in' },
      element: { type: 'conversations_select' as const, action_id: 'conversation' },
    },
  ],
};

beforeAll(async () => {
  fake = await startFakeSlack({ signingSecret: SECRET });
  const receiver = new HTTPReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR });
  app = new App({
    token: fake.botToken,
    receiver,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
  });

  app.command('/modelarts', async ({ command, ack, respond }) => {
    await ack({ text: 'Looking up…' });
    await respond({
      replace_original: false,
      text: `Jobs for ${command.text}`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `*Jobs* for \`${command.text}\`` } },
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'refresh', text: { type: 'plain_text', text: 'Refresh' }, value: '{"p":1}' },
          ],
        },
      ],
    });
  });
  app.action('refresh', async ({ ack, respond, body }) => {
    await ack();
    const value = body.type === 'block_actions' && body.actions[0]?.type === 'button' ? body.actions[0].value : '';
    await respond({ replace_original: true, text: `Refreshed ${value}` });
  });
  app.shortcut('lookup', async ({ ack, shortcut, client }) => {
    await ack();
    await client.views.open({ trigger_id: shortcut.trigger_id, view: modal });
  });
  app.view('lookup_modal', async ({ ack, view, client }) => {
    const job = view.state.values.job?.job_input?.value ?? '';
    const channel = view.state.values.where?.conversation?.selected_conversation ?? '';
    if (!/^\d+$/.test(job)) {
      await ack({ response_action: 'errors', errors: { job: 'A job id is a number, like 10.' } });
      return;
    }
    await ack();
    await client.chat.postMessage({ channel, text: `Job ${job}` });
  });
  app.event('app_home_opened', async ({ event, client }) => {
    await client.views.publish({
      user_id: event.user,
      view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Hello <@${event.user}>` } }] },
    });
  });
  app.event('link_shared', async ({ event, client }) => {
    const unfurls = Object.fromEntries(
      event.links.map((l) => [l.url, { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Job 10 card' } }] }]),
    );
    await client.chat.unfurl({ channel: event.channel, ts: event.message_ts, unfurls });
  });

  server = (await app.start(0)) as Server;
  fake.setBotUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
});

afterAll(async () => {
  await app.stop();
  await fake.close();
});

describe('a real Bolt app driven by the fake Slack', () => {
  it('acks a slash command, answers through response_url, and a button replaces the answer', async () => {
    const res = await fake.sendSlashCommand({ text: 'running', userId: 'U0DEMO0001', channelId: 'C0MLOPS001' });
    expect(res).toMatchObject({ status: 200, outcome: 'ok', body: { text: 'Looking up…' } });
    const post = await fake.waitForResponse((p) => p.body.text === 'Jobs for running');
    expect(post).toMatchObject({ status: 200, applied: { kind: 'ephemeral', replaced: false } });

    const answers = fake.ephemerals('U0DEMO0001', 'C0MLOPS001');
    expect(answers.map((e) => e.text)).toEqual(['Looking up…', 'Jobs for running']);
    const card = answers[1]!;

    await fake.sendBlockAction({ actionId: 'refresh', message: card, userId: 'U0DEMO0001' });
    await fake.waitForResponse((p) => p.body.text === 'Refreshed {"p":1}');
    const after = fake.ephemerals('U0DEMO0001', 'C0MLOPS001');
    expect(after.map((e) => e.text)).toEqual(['Looking up…', 'Refreshed {"p":1}']);
    expect(after[1]).toMatchObject({ id: card.id, history: [{ text: 'Jobs for running' }] });
    expect(fake.serverErrors).toEqual([]);
  });

  it('gets 401 for unsigned, wrongly signed or stale requests, and nothing happens', async () => {
    const before = { posts: fake.responseUrlPosts.length, calls: fake.calls.length, eph: fake.ephemerals().length };
    for (const options of [{ unsigned: true }, { wrongSignature: true }, { stale: true }]) {
      const res = await fake.sendSlashCommand({ text: 'running' }, options);
      expect(res.status).toBe(401);
    }
    // Give a wrongly accepted request every chance to show up before checking that none did.
    await fake.sendEvent({ type: 'app_home_opened', user: 'U0DEMO0003' });
    await fake.waitUntil(() => fake.homeView('U0DEMO0003'));
    expect(fake.responseUrlPosts.length).toBe(before.posts);
    expect(fake.calls.filter((c) => c.method !== 'views.publish').length).toBe(before.calls);
    expect(fake.ephemerals().length).toBe(before.eph);
  });

  it('opens the shortcut modal, shows field errors, and closes it on a valid submission', async () => {
    await fake.sendShortcut({ callbackId: 'lookup', userId: 'U0DEMO0002' });
    const opened = await fake.waitUntil(() => fake.modals('U0DEMO0002')[0]);
    expect(opened.view.callback_id).toBe('lookup_modal');

    const bad = await fake.sendViewSubmission({ userId: 'U0DEMO0002', values: { job: 'ten', where: 'C0MLOPS001' } });
    expect(bad.body).toEqual({ response_action: 'errors', errors: { job: 'A job id is a number, like 10.' } });
    expect(fake.modals('U0DEMO0002')[0]?.errors).toEqual({ job: 'A job id is a number, like 10.' });

    await fake.sendViewSubmission({ userId: 'U0DEMO0002', values: { job: '10', where: 'C0MLOPS001' } });
    expect(fake.modals('U0DEMO0002')).toEqual([]);
    await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.text === 'Job 10');
    expect(fake.messages('C0MLOPS001').at(-1)?.text).toBe('Job 10');
  });

  it('publishes the Home tab on app_home_opened and unfurls shared links', async () => {
    await fake.sendAppHomeOpened({ userId: 'U0DEMO0001' });
    const home = await fake.waitUntil(() => fake.homeView('U0DEMO0001'));
    expect(home.view.blocks[0]).toMatchObject({ text: { text: 'Hello <@U0DEMO0001>' } });

    const url = 'https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs/10/10';
    await fake.postUserMessage({ channelId: 'C0MLOPS001', userId: 'U0DEMO0001', text: `look at ${url}` });
    await fake.waitFor((c) => c.method === 'chat.unfurl');
    const shared = fake.messages('C0MLOPS001').find((m) => m.user === 'U0DEMO0001' && m.unfurls);
    expect(shared?.unfurls?.[url]).toMatchObject({ blocks: [{ type: 'section' }] });
  });
});
