/**
 * Watching something that already ended (issue 11): the command, the card's Watch button and the message shortcut
 * answer with the outcome at once, and what they promise is what the channel gets, whenever the run ended and in
 * whichever channel. The outbox is delivered by the real sender into the fake Slack.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxSender } from '../../../src/slack/delivery/index.js';
import type { DeliveryResult, SlackMessage } from '../../../tools/fake-slack/index.js';
import { SEEDED } from '../../../tools/simulator/index.js';
import { TEST_BOT_TOKEN } from '../../support/app-fakes.js';
import { type AppHarness, eventually, startAppHarness } from '../../support/app-harness.js';

const CHANNELS = ['C0MLOPS001', 'C0GENERAL1'] as const;
const USER = 'U0DEMO0001';

const answerText = (res: DeliveryResult): string => {
  expect(res.outcome).toBe('ok');
  const body = res.body as { text?: string };
  return body.text ?? '';
};
const all = (m: SlackMessage | undefined) => `${m?.text ?? ''} ${JSON.stringify(m?.blocks ?? [])}`;

describe('watching a run that already ended', () => {
  let h: AppHarness;
  const team = () => h.slack.identity.teamId;
  const send = (text: string, channelId: string) => h.slack.sendSlashCommand({ text, channelId, userId: USER });
  const deliver = async () => {
    const sender = createOutboxSender({
      store: h.store,
      slack: new WebClient(TEST_BOT_TOKEN, { slackApiUrl: h.slack.apiUrl, retryConfig: { retries: 0 } }),
      logger: h.logs.logger,
      now: () => new Date(),
      instanceId: 'watch-finished-test',
      channelSpacingMs: 0,
    });
    while ((await sender.runOnce()).claimed > 0) {}
  };
  const cardOf = (channelId: string, jobId: number | string) =>
    h.slack
      .messages(channelId)
      .find((m) => (m.metadata?.event_payload as { job_id?: string } | undefined)?.job_id === String(jobId));

  beforeAll(async () => {
    h = await startAppHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers with the outcome and delivers the card and its thread reply, for an old and a fresh end alike', async () => {
    const fresh = h.sim.addJob({ name: 'just-failed', status: 11 });
    const runs = [
      { jobId: SEEDED.docJobId, versionId: SEEDED.docVersionId, word: 'already completed in 8 min 52 s' },
      { jobId: fresh.jobId, versionId: fresh.versionIds[0], word: 'already failed' },
    ];
    for (const channelId of CHANNELS) {
      for (const run of runs) {
        const answer = answerText(await send(`watch ${run.jobId} ${run.versionId}`, channelId));
        expect(answer).toContain(`Training job ${run.jobId} version ${run.versionId} ${run.word}`);
        expect(answer).toContain('Its card and outcome are posted in this channel');
        expect(answer).not.toContain('Watching');
      }
    }
    await deliver();
    for (const channelId of CHANNELS) {
      for (const run of runs) {
        const card = cardOf(channelId, run.jobId);
        expect(card).toBeDefined();
        // The card neither promises a reply nor offers to end a watch that already ended.
        expect(all(card)).not.toContain('thread below');
        expect(all(card)).not.toContain('"action_id":"unwatch');
        const replies = h.slack.thread(channelId, card?.ts ?? '').filter((m) => m.ts !== card?.ts);
        expect(replies).toHaveLength(1);
        expect(all(replies[0])).not.toContain('"action_id":"unwatch');
      }
      // The watches ended with their run: nothing left for the poller.
      const watches = await h.store.listChannelWatches(team(), channelId);
      expect(watches.filter((w) => w.target.kind === 'run')).toEqual([]);
    }
  });

  it('makes no watch when the filter does not want the outcome the run already has', async () => {
    const channelId = CHANNELS[0];
    const before = (await h.store.listOutbox({ channelId })).length;
    const answer = answerText(await send(`watch ${SEEDED.docJobId} ${SEEDED.docVersionId} failed`, channelId));
    expect(answer).toContain('already completed');
    expect(answer).toContain('would only report failures, so there is nothing to watch');
    expect(await h.store.listOutbox({ channelId })).toHaveLength(before);
  });

  it('the Watch button on a finished card and the message shortcut give the same answer', async () => {
    const failed = h.sim.addJob({ name: 'button-failed', status: 11 });
    const versionId = String(failed.versionIds[0]);
    const channelId = CHANNELS[1];
    const lookup = await h.slack.sendSlashCommand({
      text: `job ${failed.jobId} ${versionId}`,
      channelId,
      userId: USER,
    });
    expect(lookup.outcome).toBe('ok');
    const card = h.slack.ephemerals(USER, channelId).at(-1);
    if (!card) throw new Error('no card');
    // A finished run's card no longer offers Watch; cards posted before still carry the button, and it must answer.
    expect(JSON.stringify(card.blocks)).not.toContain('"job_watch"');
    await h.slack.sendBlockAction({
      actionId: 'job_watch',
      value: JSON.stringify({ j: Number(failed.jobId), v: Number(versionId) }),
      channelId,
      userId: USER,
    });
    const viaButton = await eventually(() =>
      h.slack.ephemerals(USER, channelId).find((e) => e.text.includes(`version ${versionId} already failed`)),
    );
    expect(viaButton.text).toContain('Its card and outcome are posted in this channel');

    await deliver();
    const posted = cardOf(channelId, failed.jobId);
    if (!posted) throw new Error('no posted card');
    const seen = h.slack.ephemerals(USER, channelId).length;
    await h.slack.sendMessageShortcut({ callbackId: 'modelarts_watch_message', message: posted, userId: USER });
    const viaShortcut = await eventually(() => h.slack.ephemerals(USER, channelId).slice(seen)[0]);
    expect(viaShortcut.text).toContain(`version ${versionId} already failed`);
    await deliver();
    // Asked twice, told once: one card, one reply.
    // A failure's reply is also broadcast to the channel; the card itself is posted once.
    const cards = h.slack
      .messages(channelId)
      .filter((m) => all(m).includes('button-failed') && m.subtype !== 'thread_broadcast');
    expect(cards).toHaveLength(1);
    expect(h.slack.thread(channelId, posted.ts).filter((m) => m.ts !== posted.ts)).toHaveLength(1);
  });

  it('a job watch whose newest version already ended says so and keeps watching for new versions', async () => {
    const job = h.sim.addJob({ name: 'job-ended', statuses: [10, 11] });
    const channelId = CHANNELS[0];
    const answer = answerText(await send(`watch ${job.jobId}`, channelId));
    expect(answer).toContain(`Watching every version of training job ${job.jobId}`);
    expect(answer).toContain('Its newest version already failed');
    expect(answer).toContain('its card and outcome are posted here');
    const watches = await h.store.listChannelWatches(team(), channelId);
    expect(watches.find((w) => w.target.kind === 'job' && w.target.jobId === String(job.jobId))?.endedAt).toBeNull();
    await deliver();
    const card = cardOf(channelId, job.jobId);
    expect(all(card)).toContain('"action_id":"unwatch');
    expect(h.slack.thread(channelId, card?.ts ?? '').filter((m) => m.ts !== card?.ts)).toHaveLength(1);
  });
});
