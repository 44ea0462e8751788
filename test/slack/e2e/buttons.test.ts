/**
 * Every button: pagination, Refresh, Details, Share, Watch, Unwatch, Home Refresh and URL buttons, clicked through
 * the fake Slack on the messages the bot really produced. State travels in the button values; ephemeral messages
 * are replaced through response_url, channel messages with chat.update.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkLimits, configsPageValue, shareValue, tasksPageValue } from '../../../src/slack/blocks/index.js';
import type { EphemeralMessage, SlackMessage } from '../../../tools/fake-slack/index.js';
import { SEEDED } from '../../../tools/simulator/index.js';
import { type AppHarness, eventually, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';
const USER = 'U0DEMO0001';
const OTHER = 'U0DEMO0002';

describe('buttons end to end', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  /** Runs a slash command and returns the ephemeral answer the user sees. */
  async function ask(text: string, userId = USER): Promise<EphemeralMessage> {
    const res = await h.slack.sendSlashCommand({ text, channelId: CHANNEL, userId });
    expect(res.outcome).toBe('ok');
    const mine = h.slack.ephemerals(userId, CHANNEL);
    const last = mine[mine.length - 1];
    if (!last) throw new Error('no ephemeral answer');
    return last;
  }
  const current = (e: EphemeralMessage) => h.slack.ephemerals(e.user, e.channel).find((x) => x.id === e.id);
  const text = (m: { text: string; blocks?: unknown[] } | undefined) =>
    `${m?.text ?? ''} ${JSON.stringify(m?.blocks ?? [])}`;

  it('Next and Previous page the jobs overview in place', async () => {
    const list = await ask('jobs');
    expect(text(list)).toContain('page 1 of');
    const res = await h.slack.sendBlockAction({ actionId: 'jobs_page:next', message: list, userId: USER });
    expect(res.status).toBe(200);
    const replaced = await eventually(() => {
      const e = current(list);
      return e && e.history.length > 0 ? e : undefined;
    });
    expect(text(replaced)).toContain('page 2 of');
    expect(checkLimits({ text: replaced.text, blocks: replaced.blocks })).toEqual([]);
    await h.slack.sendBlockAction({ actionId: 'jobs_page:prev', message: replaced, userId: USER });
    await eventually(() => (current(list)?.history.length === 2 ? true : undefined));
    expect(text(current(list))).toContain('page 1 of');
    const post = h.slack.responseUrlPosts.at(-1);
    expect(post?.body.replace_original).toBe(true);
  });

  it('pages configs and tasks from the state in the button value', async () => {
    const configs = await ask('configs');
    await h.slack.sendBlockAction({
      actionId: 'configs_page:next',
      value: configsPageValue.encode({ page: 2, search: null }),
      message: configs,
    });
    await eventually(() => (current(configs)?.history.length === 1 ? true : undefined));
    expect(text(current(configs))).toMatch(/[Cc]onfig/);

    const tasks = await ask('tasks');
    await h.slack.sendBlockAction({
      actionId: 'tasks_page:next',
      value: tasksPageValue.encode({ page: 2, filters: { taskType: 'analysis', status: null, datasetId: null } }),
      message: tasks,
    });
    await eventually(() => (current(tasks)?.history.length === 1 ? true : undefined));
    expect(current(tasks)?.text).toBeTruthy();
  });

  it('Refresh on a private card replaces it with fresh data', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'refresh-me', status: 8 });
    const versionId = versionIds[0]!;
    h.sim.resetRequestCounts();
    const card = await ask(`job ${jobId} ${versionId}`);
    expect(text(card)).toMatch(/running/i);
    h.sim.setVersionStatus(jobId, versionId, 10);
    // A second lookup within the read cache's life is answered from the first one's request...
    const again = await ask(`job ${jobId} ${versionId}`, OTHER);
    expect(text(again)).toMatch(/running/i);
    expect(h.sim.requestCounts().getTrainingJobVersion).toBe(1);
    // ...but Refresh asks ModelArts for the current state.
    await h.slack.sendBlockAction({ actionId: 'job_refresh', message: card });
    await eventually(() => (current(card)?.history.length === 1 ? true : undefined));
    expect(text(current(card))).toMatch(/completed/i);
    expect(h.sim.requestCounts().getTrainingJobVersion).toBe(2);
    // And its answer now serves everyone else's lookups.
    expect(text(await ask(`job ${jobId} ${versionId}`, OTHER))).toMatch(/completed/i);
    expect(h.sim.requestCounts().getTrainingJobVersion).toBe(2);
  });

  it('Details on a jobs row opens the job card beside the list, which stays', async () => {
    const list = await ask('jobs');
    const row = (list.blocks as Array<{ accessory?: { action_id?: string; value?: string } }>).find(
      (b) => b.accessory?.action_id === 'job_refresh:details',
    );
    expect(row).toBeDefined();
    await h.slack.sendBlockAction({ actionId: 'job_refresh:details', value: row?.accessory?.value, message: list });
    const card = await eventually(() =>
      h.slack.ephemerals(USER, CHANNEL).find((e) => e.id !== list.id && JSON.stringify(e.blocks).includes('job_watch')),
    );
    expect(card.text).not.toContain('Job versions');
    // The list is untouched: still there, never replaced.
    expect(current(list)?.history).toHaveLength(0);
    expect(text(current(list))).toContain('job_refresh:details');
  });

  it('Share reposts the card to the channel with attribution and removes the private copy', async () => {
    const card = await ask(`job ${SEEDED.docJobId} ${SEEDED.docVersionId}`);
    await h.slack.sendBlockAction({ actionId: 'share', message: card, userId: USER });
    const posted = await eventually(() => h.slack.messages(CHANNEL).find((m) => m.text.includes('TestModelArtsJob')));
    const raw = JSON.stringify(posted.blocks);
    expect(raw).toContain(`Shared by <@${USER}>`);
    expect(raw).not.toContain('"action_id":"share"');
    expect(raw).toContain('job_refresh');
    await eventually(() => (current(card) === undefined ? true : undefined));
  });

  it('Refresh and pagination on a shared channel message use chat.update and keep the attribution', async () => {
    const list = await ask('jobs');
    await h.slack.sendBlockAction({ actionId: 'share', message: list, userId: USER });
    const shared = await eventually(() => h.slack.messages(CHANNEL).find((m) => m.text.includes('Training jobs in')));
    await h.slack.sendBlockAction({ actionId: 'jobs_page:next', message: shared, userId: OTHER });
    await h.slack.waitFor((c) => c.method === 'chat.update');
    const updated = h.slack.message(CHANNEL, shared.ts) as SlackMessage;
    expect(text(updated)).toContain('page 2 of');
    expect(JSON.stringify(updated.blocks)).toContain(`Shared by <@${USER}>`);

    // Details on a shared list answers privately and leaves the channel message alone.
    const before = h.slack.callsTo('chat.update').length;
    const row = (updated.blocks as Array<{ accessory?: { action_id?: string; value?: string } }>).find(
      (b) => b.accessory?.action_id === 'job_refresh:details',
    );
    await h.slack.sendBlockAction({
      actionId: 'job_refresh:details',
      value: row?.accessory?.value,
      message: updated,
      userId: OTHER,
    });
    await eventually(() =>
      h.slack.ephemerals(OTHER, CHANNEL).find((e) => JSON.stringify(e.blocks).includes('job_watch')),
    );
    expect(h.slack.callsTo('chat.update').length).toBe(before);
  });

  it('Watch on a job card starts a version watch in that channel and queues its card', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'watch-button', status: 8 });
    const card = await ask(`job ${jobId} ${versionIds[0]}`);
    await h.slack.sendBlockAction({ actionId: 'job_watch', message: card, userId: USER });
    const confirmation = await eventually(() =>
      h.slack.ephemerals(USER, CHANNEL).find((e) => e.text.includes('Watching')),
    );
    expect(confirmation.text).toContain(`training job ${jobId} version ${versionIds[0]}`);
    const watches = await h.store.listChannelWatches(h.slack.identity.teamId, CHANNEL);
    const watch = watches.find((w) => w.target.kind === 'run' && w.target.jobId === String(jobId));
    expect(watch).toMatchObject({ creatorUserId: USER, filter: 'default' });
    const rows = await h.store.listOutbox({ channelId: CHANNEL });
    expect(rows.some((r) => r.kind === 'card' && r.jobId === String(jobId))).toBe(true);
    // The card stays as it was: a watch confirmation never replaces it.
    expect(current(card)?.history.length ?? 0).toBe(0);
  });

  it('Unwatch on the watches list removes the watch and redraws the list', async () => {
    const { jobId } = h.sim.addJob({ name: 'unwatch-button' });
    await ask(`watch ${jobId}`);
    const list = await ask('watches');
    expect(text(list)).toContain(`job ${jobId} (every version)`);
    const watches = await h.store.listChannelWatches(h.slack.identity.teamId, CHANNEL);
    const target = watches.find((w) => w.target.kind === 'job' && w.target.jobId === String(jobId));
    const value = JSON.stringify({ w: target?.id });
    expect(JSON.stringify(list.blocks)).toContain(JSON.stringify(value));
    await h.slack.sendBlockAction({ actionId: 'unwatch', value, message: list, userId: USER });
    await eventually(() => (current(list)?.history.length === 1 ? true : undefined));
    expect(text(current(list))).not.toContain(`job ${jobId} (every version)`);
    const after = await h.store.listChannelWatches(h.slack.identity.teamId, CHANNEL);
    expect(after.some((w) => w.id === target?.id)).toBe(false);
  });

  it('Refresh on the Home tab republishes it', async () => {
    await h.slack.sendAppHomeOpened({ userId: USER });
    const first = await eventually(() => h.slack.homeView(USER));
    const publishes = h.slack.callsTo('views.publish').length;
    await h.slack.sendBlockAction({ actionId: 'home_refresh', view: first, userId: USER });
    await eventually(() => (h.slack.callsTo('views.publish').length > publishes ? true : undefined));
  });

  it('URL buttons are acknowledged and change nothing', async () => {
    const card = await ask(`job ${SEEDED.docJobId} ${SEEDED.docVersionId}`);
    const calls = h.slack.calls.length;
    const res = await h.slack.sendBlockAction({ actionId: 'open_link:tensorboard', message: card });
    expect(res.status).toBe(200);
    expect(res.outcome).toBe('ok');
    expect(h.slack.calls.length).toBe(calls);
    expect(current(card)?.history.length ?? 0).toBe(0);
  });

  it('a forged or stale button value is answered politely and fetches nothing', async () => {
    const card = await ask(`job ${SEEDED.docJobId} ${SEEDED.docVersionId}`);
    h.sim.resetRequestCounts();
    await h.slack.sendBlockAction({ actionId: 'job_refresh', value: '{"j":"../10","v":1}', message: card });
    await eventually(() => h.slack.ephemerals(USER, CHANNEL).find((e) => e.text.includes('out of date')));
    expect(h.sim.requestCounts().getTrainingJobVersion).toBe(0);
  });

  it('the card overflow menu routes its options to the same handlers as the buttons', async () => {
    const card = await ask(`job ${SEEDED.docJobId} ${SEEDED.docVersionId}`);
    // Earlier tests shared cards too: wait for one more, not for any.
    const shared = () =>
      h.slack.messages(CHANNEL).filter((m) => JSON.stringify(m.blocks ?? []).includes(`Shared by <@${USER}>`)).length;
    const before = shared();
    await h.slack.sendBlockAction({
      actionId: 'card_overflow',
      value: shareValue.encode({ kind: 'viz', jobId: String(SEEDED.docTensorboardVizJobId) }),
      message: card,
      userId: USER,
    });
    await eventually(() => shared() > before);
    const calls = h.slack.calls.length;
    const res = await h.slack.sendBlockAction({
      actionId: 'card_overflow',
      value: 'https://example.com',
      message: card,
    });
    expect(res.status).toBe(200);
    expect(h.slack.calls.length).toBe(calls);
  });
});
