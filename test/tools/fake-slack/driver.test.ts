import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySlackRequest } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, signSlackRequest, startFakeSlack } from '../../../tools/fake-slack/index.js';
import { signSlackRequest as reexported } from '../../support/slack-signing.js';

const SECRET = 'driver-test-signing-secret';

/** A stand-in bot endpoint that records what Slack (the fake) sends and answers a programmable response. */
interface Captured {
  rawBody: string;
  headers: IncomingHttpHeaders;
}

let fake: FakeSlack;
let bot: Server;
let captured: Captured[] = [];
let answer: { status: number; body: string; contentType?: string } = { status: 200, body: '' };

beforeAll(async () => {
  bot = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({ rawBody: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(answer.status, answer.contentType ? { 'content-type': answer.contentType } : {});
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
  fake = await startFakeSlack({
    signingSecret: SECRET,
    botUrl: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`,
  });
});

afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => bot.close(() => resolve()));
});

beforeEach(() => {
  captured = [];
  answer = { status: 200, body: '' };
});

const last = (): Captured => captured.at(-1)!;

function verify(c: Captured, secret = SECRET): void {
  verifySlackRequest({
    signingSecret: secret,
    body: c.rawBody,
    headers: {
      'x-slack-signature': String(c.headers['x-slack-signature']),
      'x-slack-request-timestamp': Number(c.headers['x-slack-request-timestamp']),
    },
  });
}

function interactionPayload(c: Captured): Record<string, unknown> {
  expect(c.headers['content-type']).toBe('application/x-www-form-urlencoded');
  const params = new URLSearchParams(c.rawBody);
  expect([...params.keys()]).toEqual(['payload']);
  return JSON.parse(params.get('payload')!) as Record<string, unknown>;
}

describe('signing', () => {
  it('computes Slack v0 signatures (the documented example)', () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack — the example request.
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const sig = signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618);
    expect(sig.signature).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
    expect(sig.headers).toEqual({
      'x-slack-signature': sig.signature,
      'x-slack-request-timestamp': '1531420618',
    });
    expect(reexported).toBe(signSlackRequest);
  });

  it('signs every request so that Bolt’s verifySlackRequest accepts it', async () => {
    await fake.sendSlashCommand({ text: 'jobs' });
    await fake.sendShortcut({ callbackId: 'lookup' });
    await fake.sendEvent({ type: 'app_home_opened', user: 'U0DEMO0002' });
    expect(captured).toHaveLength(3);
    for (const c of captured) expect(() => verify(c)).not.toThrow();
  });

  it('can send stale, wrongly signed and unsigned requests for security tests', async () => {
    await fake.sendSlashCommand({ text: 'jobs' }, { stale: true });
    expect(() => verify(last())).toThrow(/stale/);
    await fake.sendSlashCommand({ text: 'jobs' }, { wrongSignature: true });
    expect(() => verify(last())).toThrow(/signature mismatch/);
    await fake.sendSlashCommand({ text: 'jobs' }, { unsigned: true });
    expect(last().headers['x-slack-signature']).toBeUndefined();
    expect(last().headers['x-slack-request-timestamp']).toBeUndefined();
    // Replaying a captured body verbatim with its original, now stale, timestamp.
    const ts = Math.floor(Date.now() / 1000) - 301;
    await fake.sendRaw(captured[0]!.rawBody, 'application/x-www-form-urlencoded', { timestamp: ts });
    expect(() => verify(last())).toThrow(/stale/);
    // None of these showed anything in the channel: Slack only shows answers to requests it really sent.
    expect(fake.ephemerals()).toEqual([]);
  });
});

describe('payload shapes', () => {
  it('sends slash commands form-encoded with Slack’s fields and a response_url into the fake', async () => {
    await fake.sendSlashCommand({ text: 'job 10 10', userId: 'U0DEMO0002', channelId: 'C0MLOPS001' });
    const c = last();
    expect(c.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const f = Object.fromEntries(new URLSearchParams(c.rawBody));
    expect(f).toMatchObject({
      command: '/modelarts',
      text: 'job 10 10',
      user_id: 'U0DEMO0002',
      user_name: 'grace',
      channel_id: 'C0MLOPS001',
      channel_name: 'ml-ops',
      team_id: fake.identity.teamId,
      api_app_id: fake.identity.appId,
      is_enterprise_install: 'false',
    });
    expect(f.response_url).toMatch(new RegExp(`^${fake.url}/response/[A-Za-z0-9]+$`));
    expect(f.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
  });

  it('shows a slash command’s ack body, ephemeral by default or in the channel', async () => {
    answer = { status: 200, body: JSON.stringify({ text: 'Looking up…' }), contentType: 'application/json' };
    await fake.sendSlashCommand({ text: 'jobs', userId: 'U0DEMO0003', channelId: 'C0GENERAL1' });
    expect(fake.ephemerals('U0DEMO0003', 'C0GENERAL1').map((e) => [e.text, e.via])).toEqual([['Looking up…', 'ack']]);

    answer = {
      status: 200,
      body: JSON.stringify({ response_type: 'in_channel', text: 'Shared card' }),
      contentType: 'application/json',
    };
    await fake.sendSlashCommand({ text: 'jobs', userId: 'U0DEMO0003', channelId: 'C0GENERAL1' });
    expect(fake.messages('C0GENERAL1').at(-1)).toMatchObject({ text: 'Shared card', via: 'ack' });

    answer = { status: 200, body: 'plain text ack' };
    await fake.sendSlashCommand({ text: 'jobs', userId: 'U0DEMO0003', channelId: 'C0GENERAL1' });
    expect(fake.ephemerals('U0DEMO0003', 'C0GENERAL1').at(-1)?.text).toBe('plain text ack');
  });

  it('reports a failed command like Slack does, from Slackbot', async () => {
    answer = { status: 500, body: 'boom' };
    const res = await fake.sendSlashCommand({ text: 'jobs', userId: 'U0DEMO0002', channelId: 'C0RANDOM01' });
    expect(res).toMatchObject({ status: 500, outcome: 'http_error', body: 'boom' });
    expect(fake.ephemerals('U0DEMO0002', 'C0RANDOM01').at(-1)).toMatchObject({
      author: 'USLACKBOT',
      text: '/modelarts failed with the error "dispatch_failed"',
    });
  });

  it('sends block_actions for a channel message with the message, container and a fresh response_url', async () => {
    const blocks = [
      {
        type: 'actions',
        block_id: 'nav',
        elements: [
          // Slack rejects two elements with one action_id in a block, so pagination buttons differ.
          {
            type: 'button',
            action_id: 'jobs_page_prev',
            text: { type: 'plain_text', text: 'Previous' },
            value: '{"p":1}',
          },
          {
            type: 'button',
            action_id: 'jobs_page_next',
            text: { type: 'plain_text', text: 'Next' },
            value: '{"p":3}',
            style: 'primary',
          },
          {
            type: 'overflow',
            action_id: 'card_overflow',
            options: [
              { text: { type: 'plain_text', text: 'Copy id' }, value: 'copy' },
              { text: { type: 'plain_text', text: 'Console' }, value: 'console', url: 'https://console.example.com' },
            ],
          },
        ],
      },
    ];
    const posted = await postAsBot('C0MLOPS001', 'jobs page 2', blocks);
    const m = fake.message('C0MLOPS001', posted)!;

    await fake.sendBlockAction({ actionId: 'jobs_page_next', message: m, userId: 'U0DEMO0002' });
    const p = interactionPayload(last());
    expect(() => verify(last())).not.toThrow();
    expect(p).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0DEMO0002', username: 'grace', team_id: fake.identity.teamId },
      team: { id: fake.identity.teamId, domain: fake.identity.teamDomain },
      api_app_id: fake.identity.appId,
      channel: { id: 'C0MLOPS001', name: 'ml-ops' },
      container: { type: 'message', message_ts: posted, channel_id: 'C0MLOPS001', is_ephemeral: false },
      message: { ts: posted, text: 'jobs page 2', bot_id: fake.identity.botId },
      actions: [
        {
          type: 'button',
          action_id: 'jobs_page_next',
          block_id: 'nav',
          value: '{"p":3}',
          style: 'primary',
          text: { type: 'plain_text', text: 'Next' },
        },
      ],
    });
    expect(p.response_url).toMatch(new RegExp(`^${fake.url}/response/`));
    expect(p.trigger_id).toEqual(expect.any(String));

    await fake.sendBlockAction({ actionId: 'card_overflow', value: 'console', message: m });
    const o = interactionPayload(last());
    expect((o.actions as unknown[])[0]).toMatchObject({
      type: 'overflow',
      selected_option: { value: 'console', url: 'https://console.example.com' },
    });
  });

  it('marks actions on ephemeral messages as such, without the message', async () => {
    answer = {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: 'Job *10*' },
            accessory: { type: 'button', action_id: 'share', text: { type: 'plain_text', text: 'Share' }, value: 'x' },
          },
        ],
        text: 'Job 10',
      }),
    };
    await fake.sendSlashCommand({ text: 'job 10', userId: 'U0DEMO0001', channelId: 'C0MLOPS001' });
    const e = fake.ephemerals('U0DEMO0001', 'C0MLOPS001').at(-1)!;
    answer = { status: 200, body: '' };
    await fake.sendBlockAction({ actionId: 'share', message: e });
    const p = interactionPayload(last());
    expect(p.container).toEqual({ type: 'message', message_ts: e.ts, channel_id: 'C0MLOPS001', is_ephemeral: true });
    expect(p).not.toHaveProperty('message');
    expect((p.actions as Array<{ block_id: string }>)[0]!.block_id).toBe(
      (e.blocks![0] as { block_id: string }).block_id,
    );
  });

  it('wraps events in the event_callback envelope', async () => {
    await fake.sendEvent({ type: 'app_home_opened', user: 'U0DEMO0002' });
    const c = last();
    expect(c.headers['content-type']).toBe('application/json');
    const env = JSON.parse(c.rawBody) as Record<string, unknown>;
    expect(env).toMatchObject({
      type: 'event_callback',
      team_id: fake.identity.teamId,
      api_app_id: fake.identity.appId,
      event: { type: 'app_home_opened', user: 'U0DEMO0002', tab: 'home', channel: 'D0DEMO0002' },
      authorizations: [{ user_id: fake.identity.botUserId, is_bot: true }],
    });
    expect(env.event_id).toMatch(/^EV/);

    await fake.sendLinkShared({
      channelId: 'C0MLOPS001',
      userId: 'U0DEMO0002',
      urls: ['https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs/10'],
    });
    const link = JSON.parse(last().rawBody) as { event: Record<string, unknown> };
    expect(link.event).toMatchObject({
      type: 'link_shared',
      channel: 'C0MLOPS001',
      user: 'U0DEMO0002',
      source: 'conversations_history',
      links: [{ domain: 'console.otc.t-systems.com' }],
    });
    expect(fake.message('C0MLOPS001', String(link.event.message_ts))?.user).toBe('U0DEMO0002');
  });

  it('turns a person’s links on unfurl domains into link_shared', async () => {
    const before = captured.length;
    const msg = await fake.postUserMessage({
      channelId: 'C0GENERAL1',
      userId: 'U0DEMO0001',
      text: 'look: https://console.huaweicloud.com/modelarts/?a=1&b=2#/job/5 & <b>not html</b>',
    });
    expect(msg.text).toBe(
      'look: <https://console.huaweicloud.com/modelarts/?a=1&amp;b=2#/job/5> &amp; &lt;b&gt;not html&lt;/b&gt;',
    );
    expect(captured.length).toBe(before + 1);
    const env = JSON.parse(last().rawBody) as { event: { links: Array<{ url: string }> } };
    expect(env.event.links).toEqual([
      { domain: 'console.huaweicloud.com', url: 'https://console.huaweicloud.com/modelarts/?a=1&b=2#/job/5' },
    ]);
    await fake.postUserMessage({ channelId: 'C0GENERAL1', text: 'see https://example.com/' });
    expect(captured.length).toBe(before + 1);
  });

  it('reports an unreachable bot as dispatch_failed', async () => {
    const lonely = await startFakeSlack({ signingSecret: SECRET, botUrl: 'http://127.0.0.1:9/slack/events' });
    try {
      const res = await lonely.sendShortcut({ callbackId: 'x' });
      expect(res).toMatchObject({ status: 0, outcome: 'dispatch_failed' });
    } finally {
      await lonely.close();
    }
  });
});

async function postAsBot(channel: string, text: string, blocks: unknown[]): Promise<string> {
  const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.botToken}` },
    body: JSON.stringify({ channel, text, blocks }),
  });
  const body = (await res.json()) as { ok: boolean; ts: string; error?: string };
  expect(body.error).toBeUndefined();
  return body.ts;
}
