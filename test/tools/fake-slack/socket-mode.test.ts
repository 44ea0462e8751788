/**
 * The fake's Socket Mode on its own: apps.connections.open token rules, the WebSocket handshake and framing (with
 * undici's WebSocket, the client @slack/socket-mode uses, and with hand-made frames for what undici never sends),
 * envelopes and acks through the driver, disconnect and lost connections.
 */
import { createHash, randomBytes } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { connect, type Socket } from 'node:net';
import { ping, WebSocket } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DriverError, type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';

const APP_TOKEN = 'xapp-1-A0APP00001-111-fakesockettest';
const CHANNEL = 'C0MLOPS001';
const USER = 'U0DEMO0001';

type Msg = Record<string, unknown>;

/** An undici WebSocket with its messages queued, as the Socket Mode client sees them. */
interface Client {
  ws: WebSocket;
  next(): Promise<Msg>;
  closed: Promise<{ code: number; reason: string }>;
}

function open(url: string): Promise<Client> {
  const ws = new WebSocket(url);
  const queue: Msg[] = [];
  const waiting: Array<(m: Msg) => void> = [];
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data)) as Msg;
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })),
  );
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () =>
      resolve({
        ws,
        next: () => {
          const m = queue.shift();
          return m ? Promise.resolve(m) : new Promise<Msg>((r) => waiting.push(r));
        },
        closed,
      }),
    );
    ws.addEventListener('error', () => reject(new Error('WebSocket refused')));
  });
}

async function apiCall(fake: FakeSlack, method: string, token: string): Promise<Msg> {
  const res = await fetch(`${fake.apiUrl}${method}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as Msg;
}

async function socketUrl(fake: FakeSlack): Promise<string> {
  const r = await apiCall(fake, 'apps.connections.open', APP_TOKEN);
  expect(r.ok).toBe(true);
  return String(r.url);
}

/** A masked client frame, built by hand. */
function frame(opcode: number, payload: Buffer, { fin = true, masked = true } = {}): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const head =
    len < 126 ? Buffer.from([0, len]) : Buffer.concat([Buffer.from([0, 126]), Buffer.from([len >> 8, len & 0xff])]);
  head[0] = (fin ? 0x80 : 0) | opcode;
  if (masked) head[1] = head[1]! | 0x80;
  const body = Buffer.from(payload);
  if (masked) for (let i = 0; i < body.length; i++) body[i] = body[i]! ^ mask[i & 3]!;
  return Buffer.concat(masked ? [head, mask, body] : [head, body]);
}

/** A raw TCP client that did the opening handshake; collects every byte the server sends after it. */
async function rawClient(url: string): Promise<{ sock: Socket; received: () => Buffer; ended: Promise<void> }> {
  const u = new URL(url);
  const sock = connect(Number(u.port), u.hostname);
  const key = randomBytes(16).toString('base64');
  let data = Buffer.alloc(0);
  sock.on('data', (c: Buffer) => {
    data = Buffer.concat([data, c]);
  });
  const ended = new Promise<void>((resolve) => sock.on('close', () => resolve()));
  sock.write(
    `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const headEnd = await new Promise<number>((resolve) => {
    const check = () => {
      const i = data.indexOf('\r\n\r\n');
      if (i >= 0) resolve(i + 4);
      else sock.once('data', check);
    };
    check();
  });
  const head = data.subarray(0, headEnd).toString();
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  expect(head).toMatch(/^HTTP\/1\.1 101 /);
  expect(head).toContain(`Sec-WebSocket-Accept: ${accept}`);
  return { sock, received: () => data.subarray(headEnd), ended };
}

describe('fake Slack Socket Mode', () => {
  let fake: FakeSlack;
  const clients: Client[] = [];
  const connectClient = async () => {
    const c = await open(await socketUrl(fake));
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    fake = await startFakeSlack({
      signingSecret: 'socket-test-secret',
      appToken: APP_TOKEN,
      socketPingIntervalMs: 0,
      socketDisconnectGraceMs: 50,
    });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      c.ws.close();
      await c.closed;
    }
    fake.reset();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('apps.connections.open takes only the app-level token, other methods refuse it', async () => {
    expect(await apiCall(fake, 'apps.connections.open', 'xoxb-some-bot-token')).toEqual({
      ok: false,
      error: 'not_allowed_token_type',
    });
    expect(await apiCall(fake, 'apps.connections.open', 'xapp-1-another-app')).toEqual({
      ok: false,
      error: 'invalid_auth',
    });
    expect(await apiCall(fake, 'chat.postMessage', APP_TOKEN)).toEqual({ ok: false, error: 'not_allowed_token_type' });
    const url = await socketUrl(fake);
    expect(url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${fake.port}/socket-mode/[0-9a-f]{32}$`));
  });

  it('greets with hello, refuses a reused or unknown URL', async () => {
    const url = await socketUrl(fake);
    const c = await open(url);
    clients.push(c);
    const hello = await c.next();
    expect(hello).toMatchObject({
      type: 'hello',
      num_connections: 1,
      connection_info: { app_id: fake.identity.appId },
      debug_info: { host: expect.stringMatching(/^applink-/) },
    });
    await expect(open(url)).rejects.toThrow('refused');
    await expect(open(url.replace(/[0-9a-f]{32}$/, '0'.repeat(32)))).rejects.toThrow('refused');
    const second = await connectClient();
    expect(await second.next()).toMatchObject({ type: 'hello', num_connections: 2 });
    expect(fake.socketConnections().filter((x) => x.state === 'open')).toHaveLength(2);
  });

  it('delivers a slash command as an envelope and shows the ack payload like an HTTP answer', async () => {
    const c = await connectClient();
    await c.next();
    const pending = fake.sendSlashCommand({ text: 'job 10 10', channelId: CHANNEL, userId: USER });
    const env = await c.next();
    expect(env).toMatchObject({
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: { command: '/modelarts', text: 'job 10 10', channel_id: CHANNEL, user_id: USER },
    });
    expect(typeof env.envelope_id).toBe('string');
    expect((env.payload as Msg).response_url).toMatch(/\/response\//);
    c.ws.send(
      JSON.stringify({ envelope_id: env.envelope_id, payload: { response_type: 'ephemeral', text: 'the card' } }),
    );
    const res = await pending;
    expect(res).toMatchObject({
      transport: 'socket',
      status: 200,
      outcome: 'ok',
      body: { response_type: 'ephemeral', text: 'the card' },
      envelopeId: env.envelope_id,
    });
    expect(JSON.parse(res.request.rawBody)).toEqual(env);
    expect(fake.ephemerals(USER, CHANNEL).at(-1)).toMatchObject({ text: 'the card', via: 'ack' });
    expect(fake.deliveries.at(-1)?.transport).toBe('socket');
  });

  it('an empty ack is an empty answer; interactions and events carry their own envelope types', async () => {
    const c = await connectClient();
    await c.next();
    const click = fake.sendBlockAction({ actionId: 'job_refresh', value: '{"j":10,"v":10}', channelId: CHANNEL });
    const env = await c.next();
    expect(env).toMatchObject({
      type: 'interactive',
      accepts_response_payload: false,
      payload: { type: 'block_actions', actions: [{ action_id: 'job_refresh' }] },
    });
    c.ws.send(JSON.stringify({ envelope_id: env.envelope_id, payload: {} }));
    expect(await click).toMatchObject({ outcome: 'ok', body: '', text: '' });

    const event = fake.sendAppHomeOpened({ userId: USER }, { headers: { 'x-slack-retry-num': '1' } });
    const ev = await c.next();
    expect(ev).toMatchObject({
      type: 'events_api',
      accepts_response_payload: false,
      retry_attempt: 1,
      payload: { type: 'event_callback', event: { type: 'app_home_opened', user: USER } },
    });
    c.ws.send(JSON.stringify({ envelope_id: ev.envelope_id }));
    expect((await event).outcome).toBe('ok');
  });

  it('goes over HTTP when asked (or for signing faults), and fails without a connection', async () => {
    const c = await connectClient();
    await c.next();
    await expect(fake.sendSlashCommand({ text: 'help' }, { mode: 'http' })).rejects.toThrow(DriverError);
    await expect(fake.sendSlashCommand({ text: 'help' }, { unsigned: true })).rejects.toThrow(DriverError);
    c.ws.close();
    await c.closed;
    await fake.waitUntil(() => fake.socketConnections().every((x) => x.state === 'closed'));
    const res = await fake.sendSlashCommand({ text: 'help', channelId: CHANNEL, userId: USER }, { mode: 'socket' });
    expect(res).toMatchObject({ transport: 'socket', outcome: 'dispatch_failed', status: 0 });
    expect(fake.ephemerals(USER, CHANNEL).at(-1)?.text).toBe('/modelarts failed with the error "dispatch_failed"');
    await expect(fake.sendSlashCommand({ text: 'help' })).rejects.toThrow(/no Socket Mode connection/);
  });

  it('a connection lost before the ack is dispatch_failed', async () => {
    const c = await connectClient();
    await c.next();
    const pending = fake.sendSlashCommand({ text: 'help', channelId: CHANNEL, userId: USER });
    await c.next();
    expect(fake.dropSocket()).toBe(1);
    expect(await pending).toMatchObject({ transport: 'socket', outcome: 'dispatch_failed' });
    expect((await c.closed).code).toBe(1006);
  });

  it('disconnect tells the client to reconnect and closes the connection after the grace period', async () => {
    const c = await connectClient();
    await c.next();
    expect(fake.disconnectSocket('warning')).toBe(1);
    expect(await c.next()).toMatchObject({ type: 'disconnect', reason: 'warning' });
    expect(fake.socketConnections().at(-1)?.state).toBe('draining');
    expect((await c.closed).code).toBe(1001);
    await fake.waitUntil(() => fake.socketConnections().at(-1)?.state === 'closed');
    expect(fake.socketConnections().at(-1)?.closeCode).toBe(1001);
  });

  it('answers pings with pongs carrying the same data', async () => {
    const c = await connectClient();
    await c.next();
    const pongs = channel('undici:websocket:pong');
    const got = new Promise<string>((resolve) => {
      const onPong = (m: unknown) => {
        const { websocket, payload } = m as { websocket: unknown; payload: Buffer };
        if (websocket !== c.ws) return;
        pongs.unsubscribe(onPong);
        resolve(payload.toString());
      };
      pongs.subscribe(onPong);
    });
    ping(c.ws, Buffer.from('are you there'));
    expect(await got).toBe('are you there');
    expect(fake.socketConnections().at(-1)?.pingsReceived).toBe(1);
  });

  it('reassembles fragmented acks and closes with 1002 on an unmasked frame', async () => {
    const { sock, received, ended } = await rawClient(await socketUrl(fake));
    await fake.waitUntil(() => received().length > 0);
    const pending = fake.sendSlashCommand({ text: 'help', channelId: CHANNEL, userId: USER });
    const envelopeId = await fake.waitUntil(() => /"envelope_id":"([^"]+)"/.exec(received().toString())?.[1]);
    const ack = Buffer.from(JSON.stringify({ envelope_id: envelopeId, payload: { text: 'ünïcode ack' } }));
    sock.write(frame(0x1, ack.subarray(0, 10), { fin: false }));
    sock.write(frame(0x9, Buffer.from('mid-message ping')));
    sock.write(frame(0x0, ack.subarray(10)));
    expect(await pending).toMatchObject({ outcome: 'ok', body: { text: 'ünïcode ack' } });
    // The pong (0x8a) was written before the ack was read; it may still be on its way to the client.
    await fake.waitUntil(() =>
      received().includes(Buffer.concat([Buffer.from([0x8a, 16]), Buffer.from('mid-message ping')])),
    );

    const errorsBefore = fake.serverErrors.length;
    sock.write(frame(0x1, Buffer.from('{}'), { masked: false }));
    await ended;
    const tail = received();
    const close = tail.subarray(tail.lastIndexOf(0x88));
    expect(close.readUInt16BE(2)).toBe(1002);
    expect(fake.serverErrors.slice(errorsBefore)).toEqual([expect.objectContaining({ code: 'WS_ERR_EXPECTED_MASK' })]);
  });
});
