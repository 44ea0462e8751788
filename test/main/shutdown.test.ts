/**
 * Graceful stop (what SIGTERM runs): a lookup still in flight when the stop begins finishes and its answer reaches
 * Slack through response_url; nothing new is accepted afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOKING_UP } from '../../src/slack/listeners/common/answer.js';
import { CHANNEL, type Stack, startStack } from '../security/harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await stack.quiesce();
});

afterAll(async () => {
  await stack?.close();
});

describe('stop()', () => {
  it('lets an in-flight lookup answer through response_url, then refuses new requests', async () => {
    // Slower than the 2 s ack budget: the ack says "Looking up…" and the card follows through response_url.
    stack.sim.faults.setLatency(2_600, 'getTrainingJobVersion');
    const ack = await stack.slack.sendSlashCommand({ text: 'job 10 10', channelId: CHANNEL });
    expect(ack.status).toBe(200);
    expect((ack.body as { text?: string }).text).toBe(LOOKING_UP);
    expect(stack.slack.responseUrlPosts).toHaveLength(0);

    await stack.bot.stop();

    const answer = stack.slack.responseUrlPosts.at(-1);
    expect(answer?.status).toBe(200);
    expect(JSON.stringify(answer?.body)).toContain('TestModelArtsJob');
    const late = await stack.slack.sendSlashCommand({ text: 'help', channelId: CHANNEL });
    expect(late.status).toBe(0);
    expect(late.outcome).toBe('dispatch_failed');
  });
});
