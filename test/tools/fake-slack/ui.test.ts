import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySlackRequest } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';
import { resolveUiDir } from '../../../tools/fake-slack/ui-server.js';

const SECRET = 'ui-test-signing-secret';

let fake: FakeSlack;
let bot: Server;
const received: Array<{ raw: string; payload: Record<string, unknown> }> = [];

beforeAll(async () => {
  bot = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      verifySlackRequest({
        signingSecret: SECRET,
        body: raw,
        headers: {
          'x-slack-signature': String(req.headers['x-slack-signature']),
          'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
        },
      });
      const params = new URLSearchParams(raw);
      const payload =
        req.headers['content-type'] === 'application/json'
          ? (JSON.parse(raw) as Record<string, unknown>)
          : params.has('payload')
            ? (JSON.parse(params.get('payload')!) as Record<string, unknown>)
            : Object.fromEntries(params);
      received.push({ raw, payload });
      const isCommand = payload.command !== undefined;
      res.writeHead(200, isCommand ? { 'content-type': 'application/json' } : {});
      res.end(isCommand ? JSON.stringify({ text: `ack for ${String(payload.text)}` }) : '');
    });
  });
  await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
  fake = await startFakeSlack({ signingSecret: SECRET });
});

afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => bot.close(() => resolve()));
});

const connect = () => fake.setBotUrl(`http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`);

async function ui(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${fake.url}/ui/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface UiState {
  me: string;
  hasBot: boolean;
  channels: Array<{ id: string; name: string; isIm: boolean }>;
  messages: Record<string, Array<{ text: string; ts: string }>>;
  ephemerals: Array<{ id: string; text: string; author: string; user: string }>;
  imChannel: string;
  shortcuts: Array<{ callbackId: string }>;
  modals: unknown[];
}

async function state(user = 'U0DEMO0001'): Promise<UiState> {
  const res = await fetch(`${fake.url}/ui/state?user=${user}`);
  expect(res.status).toBe(200);
  return (await res.json()) as UiState;
}

describe('static files', () => {
  it('finds the UI directory next to the sources', () => {
    expect(resolveUiDir()).toMatch(/tools[/\\]fake-slack[/\\]ui[/\\]?$/);
    expect(resolveUiDir('/definitely/not/here')).toBe(resolveUiDir());
  });

  it('serves the page and its scripts with a strict content security policy', async () => {
    const page = await fetch(`${fake.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/ui/app.js"></script>');
    for (const [file, type] of [
      ['app.js', 'text/javascript'],
      ['blocks.js', 'text/javascript'],
      ['mrkdwn.js', 'text/javascript'],
      ['app.css', 'text/css'],
      ['favicon.svg', 'image/svg+xml'],
    ] as const) {
      const res = await fetch(`${fake.url}/ui/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect((await res.text()).length).toBeGreaterThan(100);
    }
  });

  it('never renders with innerHTML, so bot text stays text', async () => {
    for (const file of ['app.js', 'blocks.js', 'mrkdwn.js']) {
      const src = await (await fetch(`${fake.url}/ui/${file}`)).text();
      expect(src, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
  });

  it('serves nothing else', async () => {
    for (const path of ['/ui/../index.ts', '/ui/%2e%2e/state.ts', '/ui/index.ts', '/ui/mrkdwn.d.ts', '/nope']) {
      expect((await fetch(`${fake.url}${path}`)).status, path).toBe(404);
    }
  });
});

describe('/ui endpoints', () => {
  it('describes the workspace for one user', async () => {
    const s = await state('U0DEMO0002');
    expect(s.me).toBe('U0DEMO0002');
    expect(s.hasBot).toBe(false);
    expect(s.channels.filter((c) => !c.isIm).map((c) => c.name)).toEqual([
      'general',
      'ml-ops',
      'random',
      'secret-models',
      'old-alerts',
    ]);
    expect(s.imChannel).toBe('D0DEMO0002');
    expect(s.channels.filter((c) => c.isIm).map((c) => c.id)).toEqual(['D0DEMO0002']);
    expect(s.shortcuts.map((x) => x.callbackId)).toEqual(['modelarts_lookup', 'modelarts_watch_message']);
  });

  it('explains a missing bot instead of failing silently', async () => {
    const res = await ui('command', { userId: 'U0DEMO0003', channelId: 'C0GENERAL1', text: '/modelarts jobs' });
    expect(res.body).toEqual({ ok: false, error: 'no_bot' });
    expect((await state('U0DEMO0003')).ephemerals.at(-1)).toMatchObject({ author: 'USLACKBOT' });
  });

  it('turns a typed command into a signed slash command and shows the ack', async () => {
    connect();
    const res = await ui('command', {
      userId: 'U0DEMO0001',
      channelId: 'C0MLOPS001',
      text: '/modelarts  jobs running',
    });
    expect(res).toMatchObject({ status: 200, body: { ok: true, status: 200, outcome: 'ok' } });
    expect(received.at(-1)!.payload).toMatchObject({
      command: '/modelarts',
      text: 'jobs running',
      user_id: 'U0DEMO0001',
    });
    const s = await state();
    expect(s.ephemerals.at(-1)).toMatchObject({ text: 'ack for jobs running', user: 'U0DEMO0001' });
  });

  it('answers unknown commands like Slack, without bothering the bot', async () => {
    const before = received.length;
    const res = await ui('command', { userId: 'U0DEMO0001', channelId: 'C0MLOPS001', text: '/giphy cats' });
    expect(res.body).toEqual({ ok: false, error: 'unknown_command' });
    expect(received.length).toBe(before);
    expect((await state()).ephemerals.at(-1)?.text).toContain('/giphy is not a valid command');
  });

  it('posts messages, sends actions, shortcuts, message shortcuts and home openings', async () => {
    const posted = await ui('message', { userId: 'U0DEMO0002', channelId: 'C0GENERAL1', text: 'hi <team>' });
    expect(posted.body.ok).toBe(true);
    const ts = String(posted.body.ts);
    expect(fake.message('C0GENERAL1', ts)?.text).toBe('hi &lt;team&gt;');

    const eph = (await state()).ephemerals.at(-1)!;
    expect(
      (
        await ui('action', {
          channelId: 'C0MLOPS001',
          messageTs: eph.id,
          ephemeral: true,
          actionId: 'refresh',
          value: '1',
        })
      ).body.ok,
    ).toBe(true);
    expect(received.at(-1)!.payload).toMatchObject({
      type: 'block_actions',
      container: { is_ephemeral: true, message_ts: eph.id },
      actions: [{ action_id: 'refresh', value: '1' }],
    });

    await ui('shortcut', { callbackId: 'modelarts_lookup' });
    expect(received.at(-1)!.payload).toMatchObject({ type: 'shortcut', callback_id: 'modelarts_lookup' });

    await ui('message-shortcut', { callbackId: 'modelarts_watch_message', channelId: 'C0GENERAL1', messageTs: ts });
    expect(received.at(-1)!.payload).toMatchObject({
      type: 'message_action',
      message_ts: ts,
      message: { text: 'hi &lt;team&gt;' },
    });

    await ui('home-opened', { userId: 'U0DEMO0003' });
    expect(received.at(-1)!.payload).toMatchObject({
      type: 'event_callback',
      event: { type: 'app_home_opened', user: 'U0DEMO0003' },
    });
  });

  it('dismisses ephemeral messages for their owner only', async () => {
    const eph = (await state()).ephemerals.at(-1)!;
    expect((await ui('dismiss', { userId: 'U0DEMO0002', ephemeralId: eph.id })).status).toBe(400);
    expect((await ui('dismiss', { userId: 'U0DEMO0001', ephemeralId: eph.id })).body.ok).toBe(true);
    expect((await state()).ephemerals.some((e) => e.id === eph.id)).toBe(false);
  });

  it('submits and closes modals through the driver', async () => {
    await ui('shortcut', { callbackId: 'modelarts_lookup' });
    const trigger = String(received.at(-1)!.payload.trigger_id);
    const opened = await fetch(`${fake.apiUrl}views.open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.botToken}` },
      body: JSON.stringify({
        trigger_id: trigger,
        view: {
          type: 'modal',
          callback_id: 'm',
          notify_on_close: true,
          title: { type: 'plain_text', text: 'Modal' },
          submit: { type: 'plain_text', text: 'Go' },
          blocks: [
            {
              type: 'input',
              block_id: 'b',
              label: { type: 'plain_text', text: 'Job' },
              element: { type: 'plain_text_input', action_id: 'a' },
            },
          ],
        },
      }),
    });
    const view = ((await opened.json()) as { view: { id: string } }).view;
    expect((await state()).modals).toHaveLength(1);
    await ui('view-submit', { viewId: view.id, values: { b: { a: { type: 'plain_text_input', value: '10' } } } });
    expect(received.at(-1)!.payload).toMatchObject({
      type: 'view_submission',
      view: { id: view.id, state: { values: { b: { a: { value: '10' } } } } },
    });
    // An empty 200 closes the modal, as in Slack.
    expect((await state()).modals).toHaveLength(0);
  });

  it('accepts only same-origin JSON posts', async () => {
    const text = await fetch(`${fake.url}/ui/command`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ channelId: 'C0GENERAL1', text: '/modelarts jobs' }),
    });
    expect(text.status).toBe(403);
    const cross = await ui(
      'command',
      { channelId: 'C0GENERAL1', text: '/modelarts jobs' },
      { origin: 'https://evil.example' },
    );
    expect(cross.status).toBe(403);
    expect((await ui('command', { userId: 'U0NOBODY', channelId: 'C0GENERAL1', text: '/modelarts x' })).status).toBe(
      400,
    );
    expect((await ui('nonsense', {})).status).toBe(404);
  });

  it('streams change notifications', async () => {
    const controller = new AbortController();
    const res = await fetch(`${fake.url}/ui/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const read = async (until: RegExp) => {
      while (!until.test(seen)) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += decoder.decode(value);
      }
    };
    await read(/event: change/);
    const first = Number(/"version":(\d+)/.exec(seen)![1]);
    await fake.postUserMessage({ channelId: 'C0GENERAL1', text: 'ping' });
    await read(new RegExp(`"version":${first + 1}`));
    expect(seen).toContain(`"version":${first + 1}`);
    controller.abort();
  });
});
