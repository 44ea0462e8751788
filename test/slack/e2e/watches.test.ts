/**
 * `watch`, `unwatch`, `watches` and the "Watch this ModelArts job" message shortcut, end to end: channel checks
 * against the fake Slack's conversations.info, existence checks against the simulator, watches in SQLite, and the
 * first card queued in the outbox and delivered by the poller's real sender.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxSender } from '../../../src/slack/delivery/index.js';
import type { DeliveryResult } from '../../../tools/fake-slack/index.js';
import { SEEDED } from '../../../tools/simulator/index.js';
import { TEST_BOT_TOKEN } from '../../support/app-fakes.js';
import { type AppHarness, eventually, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';
const USER = 'U0DEMO0001';
const OTHER = 'U0DEMO0002';
const ADMIN = 'U0DEMO0003';

const textOf = (res: DeliveryResult): string => {
  expect(res.outcome).toBe('ok');
  const body = res.body as { text?: string; blocks?: unknown[] };
  return `${body.text ?? ''} ${JSON.stringify(body.blocks ?? [])}`;
};

describe('watches end to end', () => {
  let h: AppHarness;
  const team = () => h.slack.identity.teamId;
  const send = (text: string, channelId = CHANNEL, userId = USER) =>
    h.slack.sendSlashCommand({ text, channelId, userId });

  beforeAll(async () => {
    h = await startAppHarness({ env: { ADMIN_USER_IDS: ADMIN } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('`watch JOB_ID VERSION_ID` creates a version watch and queues the first card, which the sender posts', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'watched-version', status: 8 });
    const versionId = String(versionIds[0]);
    const answer = textOf(await send(`watch ${jobId} ${versionId}`));
    expect(answer).toContain(`Watching training job ${jobId} version ${versionId}`);
    const watches = await h.store.listChannelWatches(team(), CHANNEL);
    const watch = watches.find((w) => w.target.kind === 'run' && w.target.jobId === String(jobId));
    expect(watch).toMatchObject({ teamId: team(), channelId: CHANNEL, creatorUserId: USER, filter: 'default' });
    expect(h.created.map((w) => w.id)).toContain(watch?.id);
    const rows = await h.store.listOutbox({ channelId: CHANNEL, state: 'pending' });
    expect(rows.filter((r) => r.jobId === String(jobId))).toHaveLength(1);

    const sender = createOutboxSender({
      store: h.store,
      slack: new WebClient(TEST_BOT_TOKEN, { slackApiUrl: h.slack.apiUrl, retryConfig: { retries: 0 } }),
      logger: h.logs.logger,
      now: () => new Date(),
      instanceId: 'watches-test',
      channelSpacingMs: 0,
    });
    await sender.runOnce();
    const card = await eventually(() =>
      h.slack.messages(CHANNEL).find((m) => m.metadata?.event_payload && JSON.stringify(m).includes('watched-version')),
    );
    expect(card.user).toBe(h.slack.identity.botUserId);

    // Watching the same version again neither duplicates the watch nor the card.
    const reported = h.created.length;
    expect(textOf(await send(`watch ${jobId} ${versionId}`))).toContain('already watches');
    expect(h.created).toHaveLength(reported);
    expect((await h.store.listChannelWatches(team(), CHANNEL)).filter((w) => w.id === watch?.id)).toHaveLength(1);
    const again = await h.store.listOutbox({ channelId: CHANNEL });
    expect(again.filter((r) => r.jobId === String(jobId) && r.kind === 'card')).toHaveLength(1);

    // The message shortcut on our own card finds the job version in its metadata.
    const shortcut = await h.slack.sendMessageShortcut({
      callbackId: 'modelarts_watch_message',
      message: card,
      userId: USER,
    });
    expect(shortcut.outcome).toBe('ok');
    await eventually(() =>
      h.slack.ephemerals(USER, CHANNEL).find((e) => e.text.includes(`already watches training job ${jobId}`)),
    );
  });

  it('`watch JOB_ID [FILTER]` watches every version of a job with a filter', async () => {
    const answer = textOf(await send(`watch ${SEEDED.docJobId} failed`));
    expect(answer).toContain(`every version of training job ${SEEDED.docJobId}`);
    expect(answer).toContain('when it fails');
    const watches = await h.store.listChannelWatches(team(), CHANNEL);
    expect(watches.find((w) => w.target.kind === 'job' && w.target.jobId === String(SEEDED.docJobId))).toMatchObject({
      filter: 'failed',
    });
  });

  it('`watch failures` watches the whole project for failures', async () => {
    const answer = textOf(await send('watch failures'));
    expect(answer).toContain('every failed training job');
    const watches = await h.store.listChannelWatches(team(), CHANNEL);
    expect(watches.find((w) => w.target.kind === 'project')).toMatchObject({ filter: 'default' });
  });

  it('refuses to watch a job that does not exist', async () => {
    const answer = textOf(await send('watch 999999 1'));
    expect(answer).toContain(`No training job 999999 version 1 in project ${h.sim.projectId}`);
    const watches = await h.store.listChannelWatches(team(), CHANNEL);
    expect(watches.some((w) => w.target.kind !== 'project' && w.target.jobId === '999999')).toBe(false);
  });

  it('says how to fix a channel the bot cannot post in, and stores nothing', async () => {
    const archived = textOf(await send(`watch ${SEEDED.docJobId}`, 'C0ARCHIVE1'));
    expect(archived).toContain('archived');
    const privateChannel = textOf(await send(`watch ${SEEDED.docJobId}`, 'G0PRIVATE1'));
    expect(privateChannel).toContain('/invite @modelarts');
    h.slack.failNext('conversations.info', { error: 'channel_not_found' });
    const missing = textOf(await send(`watch ${SEEDED.docJobId}`, 'C0GENERAL1'));
    expect(missing).toContain('I can’t see');
    for (const channel of ['C0ARCHIVE1', 'G0PRIVATE1', 'C0GENERAL1']) {
      expect(await h.store.listChannelWatches(team(), channel)).toEqual([]);
    }
  });

  it('`watches` lists the channel’s watches with creator, filter and Unwatch buttons', async () => {
    const answer = textOf(await send('watches'));
    expect(answer).toContain(`<@${USER}>`);
    expect(answer).toContain('failures');
    expect(answer).toContain('"action_id":"unwatch');
  });

  it('`unwatch` removes watches; only the creator or an admin may remove someone else’s', async () => {
    const refused = textOf(await send(`unwatch ${SEEDED.docJobId}`, CHANNEL, OTHER));
    expect(refused).toContain('only they or an admin');
    expect(
      (await h.store.listChannelWatches(team(), CHANNEL)).some(
        (w) => w.target.kind === 'job' && w.target.jobId === String(SEEDED.docJobId),
      ),
    ).toBe(true);
    // An admin may remove it, but is asked first (unwatch.test.ts clicks through the question).
    const byAdmin = textOf(await send(`unwatch ${SEEDED.docJobId}`, CHANNEL, ADMIN));
    expect(byAdmin).toContain('Remove anyway?');
    expect(byAdmin).toContain('"action_id":"unwatch:confirmed"');
    const byCreator = textOf(await send('unwatch failures', CHANNEL, USER));
    expect(byCreator).toContain('Stopped watching every failed training job');
    const nothing = textOf(await send('unwatch 4242'));
    expect(nothing).toContain('does not watch');
    const left = await h.store.listChannelWatches(team(), CHANNEL);
    expect(left.some((w) => w.target.kind === 'project')).toBe(false);
  });

  it('the message shortcut finds console links and plain text, and says when it finds nothing', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'shortcut-target', status: 8 });
    const link = await h.slack.postUserMessage({
      channelId: CHANNEL,
      userId: OTHER,
      text: `look: https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs/details/${jobId}?versionId=${versionIds[0]}`,
    });
    await h.slack.sendMessageShortcut({ callbackId: 'modelarts_watch_message', message: link, userId: USER });
    await eventually(() =>
      h.slack.ephemerals(USER, CHANNEL).find((e) => e.text.includes(`Watching training job ${jobId} version`)),
    );

    const plain = await h.slack.postUserMessage({
      channelId: CHANNEL,
      userId: OTHER,
      text: `anyone looking at job ${SEEDED.docJobId} version ${SEEDED.docVersionId}?`,
    });
    await h.slack.sendMessageShortcut({ callbackId: 'modelarts_watch_message', message: plain, userId: USER });
    await eventually(() =>
      h.slack.ephemerals(USER, CHANNEL).find((e) =>
        // That version completed long ago: the answer is its outcome, not a watch.
        e.text.includes(`Training job ${SEEDED.docJobId} version ${SEEDED.docVersionId} already completed`),
      ),
    );

    const nothing = await h.slack.postUserMessage({ channelId: CHANNEL, userId: OTHER, text: 'lunch at noon?' });
    await h.slack.sendMessageShortcut({ callbackId: 'modelarts_watch_message', message: nothing, userId: USER });
    await eventually(() => h.slack.ephemerals(USER, CHANNEL).find((e) => e.text.includes('could not find')));
  });
});
