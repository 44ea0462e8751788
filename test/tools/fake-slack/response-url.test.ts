import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';

const SECRET = 'response-url-test-secret';

let fake: FakeSlack;
let bot: Server;
let now = 1_800_000_000_000;
/** The payloads the bot received, newest last. */
const received: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  bot = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      const params = new URLSearchParams(raw);
      const payload = params.get('payload');
      received.push(payload ? (JSON.parse(payload) as Record<string, unknown>) : Object.fromEntries(params));
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
  fake = await startFakeSlack({
    signingSecret: SECRET,
    now: () => now,
    botUrl: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/`,
  });
});

afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => bot.close(() => resolve()));
});

async function commandResponseUrl(userId = 'U0DEMO0001', channelId = 'C0MLOPS001'): Promise<string> {
  await fake.sendSlashCommand({ text: 'jobs', userId, channelId });
  return String(received.at(-1)!.response_url);
}

async function respond(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const section = (text: string) => [{ type: 'section', text: { type: 'mrkdwn', text } }];

describe('response_url', () => {
  it('posts ephemeral answers by default and in-channel ones when asked, recording each post', async () => {
    const url = await commandResponseUrl('U0DEMO0002', 'C0GENERAL1');
    expect(await respond(url, { text: 'just you', blocks: section('*just you*') })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(fake.ephemerals('U0DEMO0002', 'C0GENERAL1').at(-1)).toMatchObject({
      text: 'just you',
      via: 'response_url',
      blocks: [{ type: 'section', block_id: expect.any(String) }],
    });
    await respond(url, { response_type: 'in_channel', text: 'everyone' });
    expect(fake.messages('C0GENERAL1').at(-1)).toMatchObject({ text: 'everyone', user: fake.identity.botUserId });
    expect(fake.responseUrlPosts.filter((p) => p.url === url).map((p) => p.applied.kind)).toEqual([
      'ephemeral',
      'channel',
    ]);
  });

  it('replaces and deletes the ephemeral message an action came from', async () => {
    const url = await commandResponseUrl();
    await respond(url, { text: 'page 1', blocks: section('page 1') });
    const card = fake.ephemerals('U0DEMO0001', 'C0MLOPS001').at(-1)!;
    await fake.sendBlockAction({ actionId: 'jobs_page', value: '2', message: card });
    const actionUrl = String(received.at(-1)!.response_url);
    await respond(actionUrl, { replace_original: true, text: 'page 2', blocks: section('page 2') });
    const replaced = fake.ephemerals('U0DEMO0001', 'C0MLOPS001').find((e) => e.id === card.id)!;
    expect(replaced.text).toBe('page 2');
    expect(replaced.history.map((v) => v.text)).toEqual(['page 1']);

    await respond(actionUrl, { delete_original: true });
    expect(fake.ephemerals('U0DEMO0001', 'C0MLOPS001').some((e) => e.id === card.id)).toBe(false);
  });

  it('replaces a channel message of the app in place', async () => {
    const url = await commandResponseUrl('U0DEMO0003', 'C0MLOPS001');
    await respond(url, { response_type: 'in_channel', text: 'shared card' });
    const msg = fake.messages('C0MLOPS001').at(-1)!;
    await fake.sendBlockAction({ actionId: 'job_refresh', message: msg, userId: 'U0DEMO0003' });
    await respond(String(received.at(-1)!.response_url), { replace_original: true, text: 'refreshed card' });
    const after = fake.message('C0MLOPS001', msg.ts)!;
    expect(after.text).toBe('refreshed card');
    expect(after.edited).toBeUndefined();
  });

  it('allows five uses in thirty minutes, like Slack', async () => {
    const url = await commandResponseUrl();
    for (let i = 0; i < 5; i++) expect((await respond(url, { text: `use ${i}` })).status).toBe(200);
    expect(await respond(url, { text: 'sixth' })).toEqual({ status: 404, body: { ok: false, error: 'used_url' } });

    const late = await commandResponseUrl();
    now += 30 * 60 * 1000 + 1;
    expect(await respond(late, { text: 'too late' })).toEqual({
      status: 404,
      body: { ok: false, error: 'expired_url' },
    });
    expect(fake.responseUrlPosts.at(-1)?.applied).toEqual({ kind: 'rejected', error: 'expired_url' });
  });

  it('rejects bodies Slack would reject', async () => {
    const url = await commandResponseUrl();
    expect((await respond(url, { text: '' })).body.error).toBe('no_text');
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(await respond(url, { text: 'x', blocks: many })).toMatchObject({
      status: 400,
      body: { error: 'invalid_blocks' },
    });
    const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(bad.status).toBe(400);
  });

  it('can be made to fail for the next posts', async () => {
    const url = await commandResponseUrl();
    fake.failNext('response_url', { status: 500 });
    const failed = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"x"}',
    });
    expect(failed.status).toBe(500);
    fake.failNext('response_url', { status: 429, retryAfter: 3 });
    const limited = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"x"}',
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await respond(url, { text: 'fine now' })).status).toBe(200);
  });
});
