/**
 * Failures that are neither Slack's platform errors nor our payload's fault must never lose an alert: a 429 without
 * a usable Retry-After (the SDK throws a plain Error for it) and a store hiccup while looking up the card are retried.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardRow, factsFromRun } from '../../../src/alerts/rows.js';
import { emptyRun, v1Status } from '../../../src/modelarts/index.js';
import { createOutboxSender } from '../../../src/slack/delivery/outbox-sender.js';
import { openStore } from '../../../src/store/index.js';
import type { Store, Watch } from '../../../src/store/types.js';
import { silent } from '../../poller/helpers.js';

const TEAM = 'T0FAIL0001';
const CHANNEL = 'C0FAIL0001';

/** A Slack Web API stand-in whose answers the test scripts, one per call. */
interface ScriptedSlack {
  url: string;
  calls: string[];
  script: Array<(res: import('node:http').ServerResponse) => void>;
  /** Per Web API method (e.g. `chat.update`), consumed before `script`. */
  byMethod: Map<string, Array<(res: import('node:http').ServerResponse) => void>>;
  close(): Promise<void>;
}

async function scriptedSlack(): Promise<ScriptedSlack> {
  const calls: string[] = [];
  const script: ScriptedSlack['script'] = [];
  const byMethod: ScriptedSlack['byMethod'] = new Map();
  let ts = 1000;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls.push(req.url ?? '');
      const method = (req.url ?? '').split('/').pop() ?? '';
      const next = byMethod.get(method)?.shift() ?? script.shift();
      if (next) return next(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, channel: CHANNEL, ts: `${ts++}.000100` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    script,
    byMethod,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let slack: ScriptedSlack;
let store: Store;
let watch: Watch;

beforeEach(async () => {
  slack = await scriptedSlack();
  store = await openStore('sqlite::memory:');
  ({ watch } = await store.createWatch({
    teamId: TEAM,
    channelId: CHANNEL,
    projectId: 'sim-project',
    creatorUserId: 'U0FAIL0001',
    target: { kind: 'run', jobId: '7', versionId: '70' },
    filter: 'default',
    now: new Date(),
  }));
});

afterEach(async () => {
  await store.close();
  await slack.close();
});

function facts(status: number) {
  const run = emptyRun({ api: 'v1', jobId: '7', versionId: '70' }, v1Status(status));
  return factsFromRun('sim-project', { ...run, name: 'resnet50', versionName: 'V0001' });
}

function answer(delayMs: number, body: Record<string, unknown>) {
  return (res: import('node:http').ServerResponse) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }, delayMs);
  };
}

function sender(s: Store, clock: { ms: number }) {
  return createOutboxSender({
    store: s,
    slack: new WebClient('xoxb-test-token', {
      slackApiUrl: slack.url,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 5_000,
    }),
    logger: silent,
    now: () => new Date(clock.ms),
    instanceId: 'failures-test',
    random: () => 0,
    channelSpacingMs: 0,
    claimLockMs: 600_000,
  });
}

describe('outbox sender: failures that are not the payload’s fault are retried, never dropped', () => {
  it('a 429 without a Retry-After header is retried, and the alert is posted once', async () => {
    const clock = { ms: Date.now() };
    await store.enqueue([cardRow(watch, facts(8), null, new Date(clock.ms))]);
    slack.script.push((res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    });
    const s = sender(store, clock);
    expect(await s.runOnce()).toMatchObject({ claimed: 1, sent: 0, retried: 1, dead: 0 });
    clock.ms += 60 * 60_000;
    expect(await s.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(slack.calls.filter((c) => c.includes('chat.postMessage'))).toHaveLength(2);
    expect(await store.outboxDepth()).toEqual({ pending: 0, dead: 0 });
  });

  it('a store error while looking up the card is retried, not turned into a dead row', async () => {
    const clock = { ms: Date.now() };
    await store.enqueue([cardRow(watch, facts(8), null, new Date(clock.ms))]);
    let failures = 1;
    const flaky = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'getCard' && failures > 0) {
          return async () => {
            failures--;
            throw new Error('connection terminated unexpectedly');
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const s = sender(flaky, clock);
    expect(await s.runOnce()).toMatchObject({ claimed: 1, sent: 0, dead: 0 });
    clock.ms += 60 * 60_000;
    expect(await s.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await store.outboxDepth()).toEqual({ pending: 0, dead: 0 });
    expect(slack.calls.filter((c) => c.includes('chat.postMessage'))).toHaveLength(1);
  });
});

describe('outbox sender: a claim never expires between two Slack calls of one row', () => {
  it('a slow failed chat.update does not lead to a post after the claim expired (no duplicate with a second sender)', async () => {
    const now = () => new Date();
    await store.enqueue([cardRow(watch, facts(8), null, now())]);
    const make = (instanceId: string) =>
      createOutboxSender({
        store,
        slack: new WebClient('xoxb-test-token', {
          slackApiUrl: slack.url,
          retryConfig: { retries: 0 },
          rejectRateLimitedCalls: true,
          timeout: 5_000,
        }),
        logger: silent,
        now,
        instanceId,
        random: () => 0,
        channelSpacingMs: 0,
        claimLockMs: 1_000,
        slackCallTimeoutMs: 500,
      });
    const a = make('sender-a');
    const b = make('sender-b');
    expect(await a.runOnce()).toMatchObject({ sent: 1 });

    // The card edit: chat.update answers late that the card is gone, so the sender would post a new card. By then
    // too little of its claim is left for that post; a second sender takes the row over once the claim expires.
    await store.enqueue([cardRow(watch, facts(10), { status: '8', updatedAt: new Date(1_700_000_000_000) }, now())]);
    slack.byMethod.set('chat.update', [
      answer(600, { ok: false, error: 'message_not_found' }),
      answer(0, { ok: false, error: 'message_not_found' }),
    ]);
    slack.byMethod.set('chat.postMessage', [answer(600, { ok: true, channel: CHANNEL, ts: '2000.000100' })]);
    const first = a.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const second = await b.runOnce();
    await first;
    expect(second).toMatchObject({ claimed: 1, sent: 1 });

    const posts = slack.calls.filter((c) => c.includes('chat.postMessage'));
    expect(posts).toHaveLength(2); // the first card, then exactly one new card for the edit
    expect(await store.outboxDepth()).toEqual({ pending: 0, dead: 0 });
  });
});
