/**
 * Unwatch that behaves (issue 11): the card says it is no longer watched and by whom, the creator hears when someone
 * else removed the watch, and the command asks before removing someone else's. Real receiver, fake Slack, real
 * outbox sender.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxSender } from '../../../src/slack/delivery/index.js';
import type { SlackMessage } from '../../../tools/fake-slack/index.js';
import { TEST_BOT_TOKEN } from '../../support/app-fakes.js';
import { type AppHarness, eventually, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';
const CREATOR = 'U0DEMO0001';
const OTHER = 'U0DEMO0002';

const all = (m: { text?: string; blocks?: unknown[] } | undefined) =>
  `${m?.text ?? ''} ${JSON.stringify(m?.blocks ?? [])}`;

describe('unwatch end to end', () => {
  let h: AppHarness;
  const team = () => h.slack.identity.teamId;
  const deliver = async () => {
    const sender = createOutboxSender({
      store: h.store,
      slack: new WebClient(TEST_BOT_TOKEN, { slackApiUrl: h.slack.apiUrl, retryConfig: { retries: 0 } }),
      logger: h.logs.logger,
      now: () => new Date(),
      instanceId: 'unwatch-test',
      channelSpacingMs: 0,
    });
    while ((await sender.runOnce()).claimed > 0) {}
  };
  const cardOf = (jobId: number): SlackMessage | undefined =>
    h.slack
      .messages(CHANNEL)
      .find((m) => (m.metadata?.event_payload as { job_id?: string } | undefined)?.job_id === String(jobId));
  const watchOn = async (jobId: number) =>
    (await h.store.listChannelWatches(team(), CHANNEL)).find(
      (w) => w.target.kind !== 'project' && w.target.jobId === String(jobId),
    );

  beforeAll(async () => {
    h = await startAppHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('Unwatch on the card asks first, then edits the card and tells the creator', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'unwatched-from-card', status: 8 });
    await h.slack.sendSlashCommand({ text: `watch ${jobId} ${versionIds[0]}`, channelId: CHANNEL, userId: CREATOR });
    await deliver();
    const card = cardOf(jobId);
    if (!card) throw new Error('no card');
    expect(all(card)).toContain('"action_id":"unwatch"');
    expect(all(card)).toContain('"title":{"type":"plain_text","text":"Stop watching?"');

    await h.slack.sendBlockAction({ actionId: 'unwatch', message: card, userId: OTHER });
    const edited = await eventually(() => {
      const now = cardOf(jobId);
      return now && all(now).includes('No longer watched') ? now : undefined;
    });
    expect(all(edited)).toContain(`removed by <@${OTHER}>`);
    expect(all(edited)).not.toContain('"action_id":"unwatch');
    expect(edited.ts).toBe(card.ts);
    expect(await watchOn(jobId)).toBeUndefined();
    const told = await eventually(() =>
      h.slack.ephemerals(CREATOR, CHANNEL).find((e) => e.text.includes('removed your watch')),
    );
    expect(told.text).toContain(`<@${OTHER}> removed your watch on training job ${jobId} version ${versionIds[0]}`);
    await eventually(() => h.slack.ephemerals(OTHER, CHANNEL).find((e) => e.text.includes('Stopped watching')));
  });

  it('the command asks before removing someone else’s watch, and the click removes it', async () => {
    const { jobId } = h.sim.addJob({ name: 'unwatched-by-command', status: 8 });
    await h.slack.sendSlashCommand({ text: `watch ${jobId}`, channelId: CHANNEL, userId: CREATOR });
    await deliver();
    const asked = await h.slack.sendSlashCommand({ text: `unwatch ${jobId}`, channelId: CHANNEL, userId: OTHER });
    expect(asked.outcome).toBe('ok');
    const question = h.slack.ephemerals(OTHER, CHANNEL).at(-1);
    if (!question) throw new Error('no question');
    expect(all(question)).toContain('Remove anyway?');
    expect(all(question)).toContain(`started by <@${CREATOR}>`);
    expect(await watchOn(jobId)).toBeDefined();

    await h.slack.sendBlockAction({ actionId: 'unwatch:confirmed', message: question, userId: OTHER });
    const answered = await eventually(() => {
      const now = h.slack.ephemerals(OTHER, CHANNEL).find((e) => e.id === question.id);
      return now && now.history.length > 0 ? now : undefined;
    });
    expect(answered.text).toContain(`Stopped watching every version of training job ${jobId}`);
    expect(await watchOn(jobId)).toBeUndefined();
    await eventually(() =>
      h.slack.ephemerals(CREATOR, CHANNEL).find((e) => e.text.includes(`training job ${jobId} in`)),
    );
    await eventually(() => (all(cardOf(jobId)).includes(`removed by <@${OTHER}>`) ? true : undefined));
  });

  it('the creator’s own unwatch removes at once, edits the card and tells nobody else', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'unwatched-by-creator', status: 8 });
    await h.slack.sendSlashCommand({ text: `watch ${jobId} ${versionIds[0]}`, channelId: CHANNEL, userId: CREATOR });
    await deliver();
    const before = h.slack.ephemerals(CREATOR, CHANNEL).filter((e) => e.text.includes('removed your watch')).length;
    const res = await h.slack.sendSlashCommand({
      text: `unwatch ${jobId} ${versionIds[0]}`,
      channelId: CHANNEL,
      userId: CREATOR,
    });
    expect(all(res.body as { text?: string })).toContain('Stopped watching');
    await eventually(() => (all(cardOf(jobId)).includes(`removed by <@${CREATOR}>`) ? true : undefined));
    expect(h.slack.ephemerals(CREATOR, CHANNEL).filter((e) => e.text.includes('removed your watch'))).toHaveLength(
      before,
    );
  });
});
