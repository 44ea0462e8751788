/**
 * Flood control for `watch failures`, end to end: the watch made through the real receiver, ModelArts runs failing in
 * the simulator, the real poller queueing project failures, the real outbox sender posting them to the fake Slack.
 * A few failures get a message each; a burst becomes one summary message, edited in place, details in its thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Poller } from '../../../src/poller/poller.js';
import type { OutboxSender } from '../../../src/slack/delivery/index.js';
import { alertWorkers } from '../../support/alert-workers.js';
import { type AppHarness, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';
const FRESH = 'C0GENERAL1';
const USER = 'U0DEMO0001';

describe('project-wide failure flood', () => {
  let h: AppHarness;
  let poller: Poller;
  let sender: OutboxSender;

  beforeAll(async () => {
    h = await startAppHarness({ simulator: { generatedJobs: 0 } });
    ({ poller, sender } = alertWorkers(h, 'flood-test'));
    const res = await h.slack.sendSlashCommand({ text: 'watch failures', channelId: CHANNEL, userId: USER });
    expect(res.outcome).toBe('ok');
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Starts `n` runs, lets the poller see them running, then fails them all and lets it see that. */
  async function failRuns(n: number, prefix: string): Promise<void> {
    const runs = Array.from({ length: n }, (_, i) => h.sim.addJob({ name: `${prefix}-${i + 1}`, status: 8 }));
    await poller.runOnce();
    for (const { jobId, versionIds } of runs) h.sim.setVersionStatus(jobId, versionIds[0] as number, 11);
    await poller.runOnce();
  }

  async function drain(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const { claimed } = await sender.runOnce();
      if (claimed === 0 && (await h.store.listOutbox({ state: 'pending' })).length === 0) return;
    }
    throw new Error('the outbox did not drain');
  }

  const channelPosts = (channel = CHANNEL) =>
    h.slack.messages(channel).filter((m) => m.user === h.slack.identity.botUserId);

  it('three failures get a message each', async () => {
    await failRuns(3, 'first');
    await drain();
    const posts = channelPosts();
    expect(posts).toHaveLength(3);
    expect(posts.every((m) => JSON.stringify(m.blocks).includes('*Why:*'))).toBe(true);
  });

  it('ten more within minutes become one summary, edited in place, with each failure in its thread', async () => {
    const before = channelPosts().length;
    // A channel that starts watching now gets the ten as one message: nothing but the summary reaches the channel.
    const res = await h.slack.sendSlashCommand({ text: 'watch failures', channelId: FRESH, userId: USER });
    expect(res.outcome).toBe('ok');
    await failRuns(10, 'burst');
    await drain();
    const fresh = channelPosts(FRESH);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]?.text).toMatch(/^🔴 10 runs failed in project/);
    expect(h.slack.thread(FRESH, fresh[0]?.ts as string).filter((m) => m.ts !== fresh[0]?.ts)).toHaveLength(10);

    const posts = channelPosts();
    expect(posts).toHaveLength(before + 1);
    const summary = posts.at(-1);
    expect(summary?.text).toMatch(/^🔴 13 runs failed in project/);
    const blocks = JSON.stringify(summary?.blocks);
    for (let i = 1; i <= 10; i++) expect(blocks).toContain(`burst-${i}*`);
    expect(blocks).toContain('*burst-10* · V0001 — `');
    expect(blocks).toContain('… and 1 more');
    expect(blocks).toContain('Each failure’s details are in the thread');
    const replies = h.slack.thread(CHANNEL, summary?.ts as string).filter((m) => m.ts !== summary?.ts);
    expect(replies).toHaveLength(10);
    expect(replies.every((m) => JSON.stringify(m.blocks).includes('*Why:*'))).toBe(true);
    // Posted once, then edited for each further failure.
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === summary?.ts)).toHaveLength(9);
  });
});
