/**
 * Requests that are not from Slack (no signature, the wrong secret, or a signature older than five minutes: a replay)
 * get 401 and cause nothing: no store rows, no Slack Web API calls, no response_url posts, no ModelArts requests.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACTION, CALLBACK } from '../../src/slack/ids.js';
import type { DeliveryResult, SendOptions } from '../../tools/fake-slack/index.js';
import { CHANNEL, type Stack, startStack, TEAM, totalRequests } from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await stack.quiesce();
});

afterAll(async () => {
  await stack?.close();
});

const now = () => Math.floor(Date.now() / 1000);

const FORGERIES: Array<[string, () => SendOptions]> = [
  ['unsigned', () => ({ unsigned: true })],
  ['signed with the wrong secret', () => ({ wrongSignature: true })],
  ['replayed ten minutes later', () => ({ stale: true })],
  ['replayed five minutes and one second later', () => ({ timestamp: now() - 301 })],
];

const REQUESTS: Array<[string, (o: SendOptions) => Promise<DeliveryResult>]> = [
  ['/modelarts watch', (o) => stack.slack.sendSlashCommand({ text: 'watch 10 10', channelId: CHANNEL }, o)],
  ['/modelarts job', (o) => stack.slack.sendSlashCommand({ text: 'job 10 10', channelId: CHANNEL }, o)],
  [
    'Watch button',
    (o) => stack.slack.sendBlockAction({ actionId: ACTION.jobWatch, value: '{"j":10,"v":10}', channelId: CHANNEL }, o),
  ],
  ['global shortcut', (o) => stack.slack.sendShortcut({ callbackId: CALLBACK.lookupShortcut }, o)],
  ['app_home_opened', (o) => stack.slack.sendAppHomeOpened({}, o)],
  [
    'link_shared',
    (o) =>
      stack.slack.sendLinkShared(
        {
          urls: ['https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs/details/10'],
          channelId: CHANNEL,
        },
        o,
      ),
  ],
];

async function nothingHappened(): Promise<void> {
  expect(await stack.bot.store.listChannelWatches(TEAM, CHANNEL)).toEqual([]);
  expect(await stack.bot.store.listOutbox()).toEqual([]);
  expect(stack.slack.calls.map((c) => c.method)).toEqual([]);
  expect(stack.slack.responseUrlPosts).toEqual([]);
  expect(stack.slack.modals('U0DEMO0001')).toEqual([]);
  expect(stack.slack.homeView('U0DEMO0001')).toBeUndefined();
  expect(totalRequests(stack.sim)).toBe(0);
}

describe('forged Slack requests', () => {
  describe.each(FORGERIES)('%s', (_name, forge) => {
    it.each(REQUESTS)('%s → 401 and no effect', async (_request, send) => {
      const result = await send(forge());
      expect(result.status).toBe(401);
      expect(result.text).not.toMatch(/TestModelArtsJob|blocks/);
      // Listeners run after the ack; give a wrongly accepted request the time to do damage before looking.
      await new Promise((r) => setTimeout(r, 150));
      await nothingHappened();
    });
  });

  it('a request signed one second inside the window is accepted (the checks above can fail)', async () => {
    // A running version: watching one that already ended leaves no active watch to count.
    const { jobId, versionIds } = stack.sim.addJob({ name: 'signed-in-window', status: 8 });
    const result = await stack.slack.sendSlashCommand(
      { text: `watch ${jobId} ${versionIds[0]}`, channelId: CHANNEL },
      { timestamp: now() - 290 },
    );
    expect(result.status).toBe(200);
    await vi.waitFor(async () => expect(await stack.bot.store.listChannelWatches(TEAM, CHANNEL)).toHaveLength(1));
    expect(totalRequests(stack.sim)).toBeGreaterThan(0);
  });
});
