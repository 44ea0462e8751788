import {
  ErrorCode,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_BOT_TOKEN, type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';

const SECRET = 'fake-slack-test-secret';

let fake: FakeSlack;
let client: WebClient;

const newClient = (token: string = FAKE_BOT_TOKEN, extra: ConstructorParameters<typeof WebClient>[1] = {}) =>
  new WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR, ...extra });

async function platformError(p: Promise<unknown>): Promise<WebAPIPlatformError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebAPIPlatformError);
  return err as WebAPIPlatformError;
}

beforeAll(async () => {
  fake = await startFakeSlack({ signingSecret: SECRET });
  client = newClient();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.clearFailures();
  fake.reset();
});

describe('fake Slack Web API with the real @slack/web-api client', () => {
  it('answers auth.test with the bot identity and records the call', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({
      ok: true,
      team_id: fake.identity.teamId,
      user_id: fake.identity.botUserId,
      bot_id: fake.identity.botId,
    });
    const [call] = fake.callsTo('auth.test');
    expect(call?.token).toBe(FAKE_BOT_TOKEN);
    expect(call?.status).toBe(200);
    expect(call?.args).not.toHaveProperty('token');
  });

  it('rejects unknown and revoked tokens', async () => {
    expect((await platformError(newClient('not-a-slack-token').auth.test())).data.error).toBe('invalid_auth');
    fake.revokeToken('xoxb-revoked-1');
    expect((await platformError(newClient('xoxb-revoked-1').auth.test())).data.error).toBe('token_revoked');
  });

  it('accepts only the configured token when botToken is set', async () => {
    const strict = await startFakeSlack({ signingSecret: SECRET, botToken: 'xoxb-only-this' });
    try {
      const ok = new WebClient('xoxb-only-this', { slackApiUrl: strict.apiUrl, retryConfig: { retries: 0 } });
      await expect(ok.auth.test()).resolves.toMatchObject({ ok: true });
      const other = new WebClient('xoxb-other', { slackApiUrl: strict.apiUrl, retryConfig: { retries: 0 } });
      expect((await platformError(other.auth.test())).data.error).toBe('invalid_auth');
    } finally {
      await strict.close();
    }
  });

  it('posts a message with blocks and metadata, decoding the form-encoded nested arguments', async () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Job 10 · version 10' } },
      { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: '*running* &lt;!channel&gt;' } },
    ];
    const metadata = { event_type: 'modelarts_job_status', event_payload: { job_id: '10', version_id: '10' } };
    const res = await client.chat.postMessage({ channel: 'C0MLOPS001', text: 'Job 10 running', blocks, metadata });
    expect(res.ok).toBe(true);
    expect(res.channel).toBe('C0MLOPS001');
    expect(res.ts).toMatch(/^\d+\.\d{6}$/);
    expect(res.message).toMatchObject({ text: 'Job 10 running', bot_id: fake.identity.botId, metadata });

    const call = fake.callsTo('chat.postMessage')[0]!;
    expect(call.args.blocks).toEqual(blocks);
    expect(call.args.metadata).toEqual(metadata);

    const [stored] = fake.messages('C0MLOPS001').filter((m) => m.ts === res.ts);
    expect(stored).toMatchObject({
      text: 'Job 10 running',
      user: fake.identity.botUserId,
      metadata,
      via: 'chat.postMessage',
    });
    // Slack assigns block ids to blocks without one and keeps the given ones.
    expect((stored!.blocks as Array<{ block_id: string }>).map((b) => b.block_id)).toEqual([
      expect.any(String),
      'summary',
    ]);
  });

  it('accepts JSON bodies with the token in the Authorization header', async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${FAKE_BOT_TOKEN}` },
      body: JSON.stringify({ channel: 'C0GENERAL1', text: 'json body', reply_broadcast: false }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; ts: string };
    expect(body.ok).toBe(true);
    expect(fake.message('C0GENERAL1', body.ts)?.text).toBe('json body');
  });

  it('keeps threads: replies, broadcasts, reply bookkeeping on the parent', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0MLOPS001', text: 'card' });
    const r1 = await client.chat.postMessage({ channel: 'C0MLOPS001', text: 'completed', thread_ts: parent.ts! });
    const r2 = await client.chat.postMessage({
      channel: 'C0MLOPS001',
      text: 'failed <@U0DEMO0001>',
      thread_ts: parent.ts!,
      reply_broadcast: true,
    });
    expect(fake.callsTo('chat.postMessage')[2]!.args.reply_broadcast).toBe(true);

    const timeline = fake.messages('C0MLOPS001');
    const card = timeline.find((m) => m.ts === parent.ts)!;
    expect(card).toMatchObject({ thread_ts: parent.ts, reply_count: 2, latest_reply: r2.ts });
    expect(card.replies.map((r) => r.text)).toEqual(['completed', 'failed <@U0DEMO0001>']);
    // The broadcast reply shows in the channel too; the plain reply does not.
    expect(timeline.some((m) => m.ts === r2.ts && m.subtype === 'thread_broadcast')).toBe(true);
    expect(timeline.some((m) => m.ts === r1.ts)).toBe(false);
    expect(fake.thread('C0MLOPS001', parent.ts!).map((m) => m.ts)).toEqual([r1.ts, r2.ts]);

    const replies = await client.conversations.replies({ channel: 'C0MLOPS001', ts: parent.ts! });
    expect(replies.messages?.map((m) => m.ts)).toEqual([parent.ts, r1.ts, r2.ts]);
  });

  it('updates a message in place and keeps its earlier versions', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0MLOPS001', text: 'waiting' });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: ':large_blue_circle: running' } }];
    const res = await client.chat.update({ channel: 'C0MLOPS001', ts: posted.ts!, text: 'running', blocks });
    expect(res).toMatchObject({ ok: true, channel: 'C0MLOPS001', ts: posted.ts, text: 'running' });
    const m = fake.message('C0MLOPS001', posted.ts!)!;
    expect(m.text).toBe('running');
    expect(m.edited?.user).toBe(fake.identity.botUserId);
    expect(m.history.map((v) => v.text)).toEqual(['waiting']);
    expect((m.blocks as unknown[]).length).toBe(1);

    expect(
      (await platformError(client.chat.update({ channel: 'C0MLOPS001', ts: '1.000001', text: 'x' }))).data.error,
    ).toBe('message_not_found');
  });

  it('refuses to update or delete a human message', async () => {
    const human = await fake.postUserMessage({ channelId: 'C0GENERAL1', text: 'hello' });
    const upd = await platformError(client.chat.update({ channel: 'C0GENERAL1', ts: human.ts, text: 'x' }));
    expect(upd.data.error).toBe('cant_update_message');
    const del = await platformError(client.chat.delete({ channel: 'C0GENERAL1', ts: human.ts }));
    expect(del.data.error).toBe('cant_delete_message');
  });

  it('deletes messages; a thread parent becomes a tombstone', async () => {
    const lone = await client.chat.postMessage({ channel: 'C0GENERAL1', text: 'bye' });
    await client.chat.delete({ channel: 'C0GENERAL1', ts: lone.ts! });
    expect(fake.message('C0GENERAL1', lone.ts!)).toBeUndefined();
    expect(fake.deletedMessages('C0GENERAL1').some((m) => m.ts === lone.ts)).toBe(true);

    const parent = await client.chat.postMessage({ channel: 'C0GENERAL1', text: 'parent' });
    await client.chat.postMessage({ channel: 'C0GENERAL1', text: 'reply', thread_ts: parent.ts! });
    await client.chat.delete({ channel: 'C0GENERAL1', ts: parent.ts! });
    expect(fake.message('C0GENERAL1', parent.ts!)).toMatchObject({ subtype: 'tombstone', reply_count: 1 });
  });

  it('posts ephemeral messages to one user', async () => {
    const res = await client.chat.postEphemeral({ channel: 'C0MLOPS001', user: 'U0DEMO0002', text: 'only you' });
    expect(res.message_ts).toMatch(/^\d+\.\d{6}$/);
    const [e] = fake.ephemerals('U0DEMO0002', 'C0MLOPS001');
    expect(e).toMatchObject({ id: res.message_ts, text: 'only you', user: 'U0DEMO0002', via: 'chat.postEphemeral' });
    expect(fake.ephemerals('U0DEMO0001', 'C0MLOPS001')).toEqual([]);
    expect(fake.messages('C0MLOPS001').some((m) => m.text === 'only you')).toBe(false);
    const bad = await platformError(client.chat.postEphemeral({ channel: 'C0MLOPS001', user: 'U0NOBODY', text: 'x' }));
    expect(bad.data.error).toBe('user_not_found');
  });

  it('answers channel errors like Slack: unknown, private not joined, archived, not a member', async () => {
    const post = (channel: string) => platformError(client.chat.postMessage({ channel, text: 'x' }));
    expect((await post('C0DOESNOTEXIST')).data.error).toBe('channel_not_found');
    expect((await post('G0PRIVATE1')).data.error).toBe('channel_not_found');
    expect((await post('C0ARCHIVE1')).data.error).toBe('is_archived');
    expect((await post('C0RANDOM01')).data.error).toBe('not_in_channel');
    const err = await post('C0DOESNOTEXIST');
    expect(err.code).toBe(ErrorCode.PlatformError);
    // Posting by channel name works as in Slack.
    await expect(client.chat.postMessage({ channel: '#general', text: 'by name' })).resolves.toMatchObject({
      channel: 'C0GENERAL1',
    });
  });

  it('lets the bot post to public channels it is not in when chat:write.public is mimicked', async () => {
    const open = await startFakeSlack({ signingSecret: SECRET, chatWritePublic: true });
    try {
      const c = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: open.apiUrl, retryConfig: { retries: 0 } });
      await expect(c.chat.postMessage({ channel: 'C0RANDOM01', text: 'x' })).resolves.toMatchObject({ ok: true });
      const priv = await platformError(c.chat.postMessage({ channel: 'G0PRIVATE1', text: 'x' }));
      expect(priv.data.error).toBe('channel_not_found');
    } finally {
      await open.close();
    }
  });

  it('validates Block Kit loosely: too many blocks, long sections, bad buttons, empty messages', async () => {
    const before = fake.messages('C0GENERAL1').length;
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const tooMany = await platformError(client.chat.postMessage({ channel: 'C0GENERAL1', text: 'x', blocks: many }));
    expect(tooMany.data.error).toBe('invalid_blocks');
    expect(tooMany.data.response_metadata?.messages?.[0]).toContain('[json-pointer:/blocks]');

    const long = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }];
    const longErr = await platformError(client.chat.postMessage({ channel: 'C0GENERAL1', text: 'x', blocks: long }));
    expect(longErr.data.response_metadata?.messages?.[0]).toContain('/blocks/0/text/text');

    const button = [
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'a', text: { type: 'mrkdwn', text: 'y'.repeat(76) }, style: 'green' }],
      },
    ];
    const btnErr = await platformError(client.chat.postMessage({ channel: 'C0GENERAL1', text: 'x', blocks: button }));
    expect(btnErr.data.response_metadata?.messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/blocks/0/elements/0/text/type'),
        expect.stringContaining('/blocks/0/elements/0/text/text'),
        expect.stringContaining('/blocks/0/elements/0/style'),
      ]),
    );

    const empty = await platformError(client.chat.postMessage({ channel: 'C0GENERAL1', text: '' }));
    expect(empty.data.error).toBe('no_text');

    const huge = Array.from({ length: 5 }, () => ({
      type: 'section',
      text: { type: 'mrkdwn', text: 'z'.repeat(2900) },
    }));
    const tooLong = await platformError(client.chat.postMessage({ channel: 'C0GENERAL1', text: 'x', blocks: huge }));
    expect(tooLong.data.error).toBe('msg_blocks_too_long');
    expect(fake.messages('C0GENERAL1')).toHaveLength(before);
  });

  it('rejects malformed metadata', async () => {
    const err = await platformError(
      client.chat.postMessage({
        channel: 'C0GENERAL1',
        text: 'x',
        metadata: { event_type: '', event_payload: {} },
      }),
    );
    expect(err.data.error).toBe('invalid_metadata_format');
  });

  it('gives permalinks that open the fake page', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0MLOPS001', text: 'link me' });
    const res = await client.chat.getPermalink({ channel: 'C0MLOPS001', message_ts: posted.ts! });
    expect(res.permalink).toBe(`${fake.url}/archives/C0MLOPS001/p${posted.ts!.replace('.', '')}`);
    const page = await fetch(res.permalink!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app"');
  });

  it('reports channels, joins public ones, opens DMs and describes users with their time zone', async () => {
    const info = await client.conversations.info({ channel: 'C0RANDOM01' });
    expect(info.channel).toMatchObject({ id: 'C0RANDOM01', name: 'random', is_private: false, is_member: false });
    expect((await client.conversations.info({ channel: 'C0ARCHIVE1' })).channel?.is_archived).toBe(true);
    expect((await platformError(client.conversations.info({ channel: 'G0PRIVATE1' }))).data.error).toBe(
      'channel_not_found',
    );

    await client.conversations.join({ channel: 'C0RANDOM01' });
    expect((await client.conversations.info({ channel: 'C0RANDOM01' })).channel?.is_member).toBe(true);
    expect((await platformError(client.conversations.join({ channel: 'C0ARCHIVE1' }))).data.error).toBe('is_archived');

    const dm = await client.conversations.open({ users: 'U0DEMO0002' });
    const sent = await client.chat.postMessage({ channel: dm.channel!.id!, text: 'your watch was disabled' });
    expect(fake.message(dm.channel!.id!, sent.ts!)?.text).toBe('your watch was disabled');

    const user = await client.users.info({ user: 'U0DEMO0002' });
    expect(user.user).toMatchObject({ id: 'U0DEMO0002', tz: 'America/New_York', is_bot: false });
    expect([-18_000, -14_400]).toContain(user.user?.tz_offset);
    expect((await platformError(client.users.info({ user: 'U0MISSING' }))).data.error).toBe('user_not_found');
  });

  it('answers unknown methods ok:true and records them', async () => {
    const res = await client.apiCall('reactions.add', { channel: 'C0GENERAL1', name: 'eyes', timestamp: '1.000001' });
    expect(res.ok).toBe(true);
    expect(fake.callsTo('reactions.add')[0]?.args).toMatchObject({ name: 'eyes' });
  });
});

describe('views', () => {
  const modal = (title = 'Look up a job') => ({
    type: 'modal' as const,
    callback_id: 'lookup',
    title: { type: 'plain_text' as const, text: title },
    submit: { type: 'plain_text' as const, text: 'Show' },
    blocks: [
      {
        type: 'input',
        block_id: 'job',
        label: { type: 'plain_text', text: 'Job id' },
        element: { type: 'plain_text_input', action_id: 'job_input' },
      },
    ],
  });

  it('opens a modal with a fresh trigger, once, and updates it by id with hash checks', async () => {
    const stranger = await platformError(client.views.open({ trigger_id: '1.2.3', view: modal() }));
    expect(stranger.data.error).toBe('invalid_trigger_id');

    const triggerId = await issueTrigger();
    const opened = await client.views.open({ trigger_id: triggerId, view: modal() });
    expect(opened.view).toMatchObject({ type: 'modal', callback_id: 'lookup', id: expect.stringMatching(/^V/) });
    expect((await platformError(client.views.open({ trigger_id: triggerId, view: modal() }))).data.error).toBe(
      'exchanged_trigger_id',
    );
    const [top] = fake.modals('U0DEMO0001');
    expect(top?.view.id).toBe(opened.view!.id);

    const conflict = await platformError(
      client.views.update({ view_id: opened.view!.id!, hash: 'stale', view: modal('Other') }),
    );
    expect(conflict.data.error).toBe('hash_conflict');
    const updated = await client.views.update({
      view_id: opened.view!.id!,
      hash: opened.view!.hash!,
      view: modal('Found'),
    });
    expect(updated.view?.id).toBe(opened.view!.id);
    expect(fake.modals('U0DEMO0001')[0]?.view.title).toMatchObject({ text: 'Found' });
  });

  it('rejects invalid views with invalid_arguments', async () => {
    const triggerId = await issueTrigger();
    const err = await platformError(
      client.views.open({ trigger_id: triggerId, view: modal('A title that is far too long') }),
    );
    expect(err.data.error).toBe('invalid_arguments');
    expect(err.data.response_metadata?.messages?.[0]).toContain('/view/title/text');
  });

  it('expires triggers after 3 s on the fake clock', async () => {
    let now = Date.now();
    const timed = await startFakeSlack({ signingSecret: SECRET, now: () => now, botUrl: 'http://127.0.0.1:9/none' });
    try {
      await timed.sendSlashCommand({ text: 'x' });
      const payload = timed.deliveries[0]!.request.payload as { trigger_id: string };
      now += 3001;
      const c = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: timed.apiUrl, retryConfig: { retries: 0 } });
      const err = await platformError(c.views.open({ trigger_id: payload.trigger_id, view: modal() }));
      expect(err.data.error).toBe('expired_trigger_id');
    } finally {
      await timed.close();
    }
  });

  it('publishes Home views per user', async () => {
    const home = {
      type: 'home' as const,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Your watches*' } }],
    };
    const first = await client.views.publish({ user_id: 'U0DEMO0002', view: home });
    const again = await client.views.publish({ user_id: 'U0DEMO0002', view: home, hash: first.view!.hash! });
    expect(again.view?.id).toBe(first.view?.id);
    expect(fake.homeView('U0DEMO0002')?.view.blocks).toHaveLength(1);
    expect(fake.homeView('U0DEMO0003')).toBeUndefined();
    const wrongType = await platformError(
      client.views.publish({ user_id: 'U0DEMO0002', view: { ...home, type: 'modal' } as never }),
    );
    expect(wrongType.data.error).toBe('invalid_arguments');
  });
});

describe('failure injection', () => {
  it('answers 429 with Retry-After; the client surfaces retryAfter when rejecting rate-limited calls', async () => {
    fake.addChannel({ id: 'C0RATE0001', name: 'rate-limited' });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const c = newClient(FAKE_BOT_TOKEN, { rejectRateLimitedCalls: true });
    const err = await c.chat.postMessage({ channel: 'C0RATE0001', text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIRateLimitedError);
    expect((err as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(fake.callsTo('chat.postMessage')[0]).toMatchObject({ status: 429, response: { error: 'ratelimited' } });
    expect(fake.messages('C0RATE0001')).toEqual([]);
    // Only the next call failed.
    await c.chat.postMessage({ channel: 'C0RATE0001', text: 'y' });
    expect(fake.messages('C0RATE0001').map((m) => m.text)).toEqual(['y']);
  });

  it('answers 5xx the client reports as an HTTP error, for the given number of calls', async () => {
    fake.failNext('chat.update', { status: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      const err = await client.chat
        .update({ channel: 'C0GENERAL1', ts: '1.000001', text: 'x' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WebAPIHTTPError);
      expect((err as WebAPIHTTPError).statusCode).toBe(503);
    }
    const third = await platformError(client.chat.update({ channel: 'C0GENERAL1', ts: '1.000001', text: 'x' }));
    expect(third.data.error).toBe('message_not_found');
  });

  it('answers an injected ok:false error, and * matches any method', async () => {
    fake.failNext('*', { error: 'account_inactive' });
    expect((await platformError(client.auth.test())).data.error).toBe('account_inactive');
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
  });

  it('rate limits chat.postMessage per channel when asked to', async () => {
    let now = 1_700_000_000_000;
    const limited = await startFakeSlack({
      signingSecret: SECRET,
      now: () => now,
      rateLimit: { postMessagePerChannel: { perSecond: 1, burst: 2 } },
    });
    try {
      const c = new WebClient(FAKE_BOT_TOKEN, {
        slackApiUrl: limited.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      });
      await c.chat.postMessage({ channel: 'C0GENERAL1', text: '1' });
      await c.chat.postMessage({ channel: 'C0GENERAL1', text: '2' });
      await expect(c.chat.postMessage({ channel: 'C0GENERAL1', text: '3' })).rejects.toBeInstanceOf(
        WebAPIRateLimitedError,
      );
      // Another channel has its own budget; time refills it.
      await c.chat.postMessage({ channel: 'C0MLOPS001', text: 'other' });
      now += 1000;
      await c.chat.postMessage({ channel: 'C0GENERAL1', text: '3 again' });
      expect(limited.messages('C0GENERAL1').map((m) => m.text)).toEqual(['1', '2', '3 again']);
    } finally {
      await limited.close();
    }
  });
});

describe('waitFor', () => {
  it('resolves with calls already made and calls still to come', async () => {
    await client.chat.postMessage({ channel: 'C0GENERAL1', text: 'early' });
    await expect(fake.waitFor((c) => c.method === 'chat.postMessage')).resolves.toMatchObject({
      args: { text: 'early' },
    });
    const later = fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.text === 'later');
    await client.chat.postMessage({ channel: 'C0GENERAL1', text: 'later' });
    await expect(later).resolves.toMatchObject({ status: 200 });
  });

  it('rejects after the timeout naming the calls it saw', async () => {
    await client.auth.test();
    await expect(fake.waitFor((c) => c.method === 'views.open', 100)).rejects.toThrow(/auth\.test/);
  });
});

/** A trigger_id issued to U0DEMO0001, like Slack gives one with every interaction. */
async function issueTrigger(): Promise<string> {
  const before = fake.deliveries.length;
  fake.setBotUrl('http://127.0.0.1:9/unreachable');
  await fake.sendSlashCommand({ text: 'help', userId: 'U0DEMO0001' });
  const payload = fake.deliveries[before]!.request.payload as { trigger_id: string };
  return payload.trigger_id;
}
