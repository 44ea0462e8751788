/**
 * The global shortcut and its modal, App Home and unfurls, end to end through the fake Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLimits } from '../../../src/slack/blocks/index.js';
import { BLOCK } from '../../../src/slack/ids.js';
import { SEEDED } from '../../../tools/simulator/index.js';
import { type AppHarness, eventually, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';
const USER = 'U0DEMO0001';

describe('shortcut, modal, App Home and unfurls end to end', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness({ tuning: { viewSubmissionBudgetMs: 300 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function openModal() {
    const res = await h.slack.sendShortcut({ callbackId: 'modelarts_lookup', userId: USER });
    expect(res.status).toBe(200);
    expect(res.outcome).toBe('ok');
    return eventually(() => h.slack.modals(USER).at(-1));
  }

  it('the global shortcut opens the lookup modal at once, before any ModelArts call', async () => {
    h.sim.resetRequestCounts();
    const modal = await openModal();
    expect(modal.view.callback_id).toBe('modelarts_lookup_modal');
    expect(checkLimits(h.slack.callsTo('views.open').at(-1)?.args.view)).toEqual([]);
    const counts = h.sim.requestCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    await h.slack.sendViewClosed({ userId: USER });
  });

  it('shows field errors for ids that are not numbers', async () => {
    await openModal();
    await h.slack.sendViewSubmission({
      userId: USER,
      values: { [BLOCK.lookupJobId]: 'ten', [BLOCK.lookupVersionId]: 'v-1', [BLOCK.lookupConversation]: CHANNEL },
    });
    const modal = h.slack.modals(USER).at(-1);
    expect(modal?.errors[BLOCK.lookupJobId]).toContain('numbers');
    expect(modal?.errors[BLOCK.lookupVersionId]).toContain('numbers');
    expect(modal?.problem).toBeNull();
  });

  it('shows "No training job …" on the field when the job does not exist', async () => {
    await h.slack.sendViewSubmission({
      userId: USER,
      values: { [BLOCK.lookupJobId]: '10', [BLOCK.lookupVersionId]: '777', [BLOCK.lookupConversation]: CHANNEL },
    });
    const modal = h.slack.modals(USER).at(-1);
    expect(modal?.errors[BLOCK.lookupVersionId]).toContain(
      `No training job 10 version 777 in project ${h.sim.projectId}`,
    );
  });

  it('a valid submission closes the modal and answers privately in the chosen conversation, with Share', async () => {
    const posted = h.slack.messages(CHANNEL).length;
    await h.slack.sendViewSubmission({
      userId: USER,
      values: {
        [BLOCK.lookupJobId]: String(SEEDED.docJobId),
        [BLOCK.lookupVersionId]: '',
        [BLOCK.lookupConversation]: CHANNEL,
      },
    });
    expect(h.slack.modals(USER)).toHaveLength(0);
    const card = await eventually(() =>
      h.slack.ephemerals(USER, CHANNEL).find((e) => e.text.includes('TestModelArtsJob')),
    );
    expect(JSON.stringify(card.blocks)).toContain('"action_id":"share"');
    expect(h.slack.messages(CHANNEL)).toHaveLength(posted);
    // Share is what makes it public.
    await h.slack.sendBlockAction({ actionId: 'share', message: card, userId: USER });
    await eventually(() =>
      h.slack.messages(CHANNEL).find((m) => JSON.stringify(m.blocks).includes(`Shared by <@${USER}>`)),
    );
  });

  it('App Home shows the user’s watches and the running versions with GPU totals', async () => {
    await h.slack.sendSlashCommand({ text: `watch ${SEEDED.docJobId}`, channelId: CHANNEL, userId: USER });
    const res = await h.slack.sendAppHomeOpened({ userId: USER });
    expect(res.status).toBe(200);
    const home = await eventually(() => h.slack.homeView(USER));
    expect(home.view.type).toBe('home');
    expect(checkLimits(h.slack.callsTo('views.publish').at(-1)?.args.view)).toEqual([]);
    const raw = JSON.stringify(home.view.blocks);
    expect(raw).toContain(`job ${SEEDED.docJobId} (every version)`);
    expect(raw).toMatch(/GPU/);
    expect(raw).toContain('home_refresh');
  });

  it('unfurls ModelArts console links into a compact job card', async () => {
    const url = `https://console.otc.t-systems.com/modelarts/?region=eu-de&locale=en-us#/trainingJobs/details/${SEEDED.docJobId}?versionId=${SEEDED.docVersionId}`;
    const message = await h.slack.postUserMessage({ channelId: CHANNEL, userId: USER, text: `see ${url}` });
    const call = await h.slack.waitFor((c) => c.method === 'chat.unfurl', 10_000);
    const unfurls = call.args.unfurls as Record<string, { blocks: unknown[] }>;
    expect(Object.keys(unfurls)).toEqual([url]);
    expect(JSON.stringify(unfurls[url]?.blocks)).toContain('TestModelArtsJob');
    expect(checkLimits(unfurls[url]?.blocks)).toEqual([]);
    expect(call.args.ts ?? call.args.unfurl_id).toBeTruthy();
    expect(message.ts).toBeTruthy();
  });

  it('does not unfurl links that name no job, or a job that does not exist', async () => {
    const before = h.slack.callsTo('chat.unfurl').length;
    await h.slack.sendLinkShared({
      channelId: CHANNEL,
      userId: USER,
      urls: [
        'https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs',
        'https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs/details/424242',
      ],
    });
    await eventually(() =>
      h.logs.lines().find((l) => l.msg === 'interaction' && l.name === 'link_shared' && l.outcome !== 'ok'),
    );
    expect(h.slack.callsTo('chat.unfurl').length).toBe(before);
  });

  it('Unwatch on the Home tab removes the user’s watch and republishes the tab', async () => {
    const { jobId } = h.sim.addJob({ name: 'home-unwatch' });
    await h.slack.sendSlashCommand({ text: `watch ${jobId}`, channelId: CHANNEL, userId: USER });
    const before = await h.store.listUserWatches(h.slack.identity.teamId, USER);
    const watch = before.find((w) => w.target.kind === 'job' && w.target.jobId === String(jobId));
    expect(watch).toBeDefined();
    await h.slack.sendAppHomeOpened({ userId: USER });
    const home = await eventually(() => {
      const view = h.slack.homeView(USER);
      return view && JSON.stringify(view.view.blocks).includes(`job ${jobId} (every version)`) ? view : undefined;
    });
    const publishes = h.slack.callsTo('views.publish').length;
    await h.slack.sendBlockAction({
      actionId: 'unwatch',
      value: JSON.stringify({ w: watch?.id }),
      view: home,
      userId: USER,
    });
    await eventually(() => (h.slack.callsTo('views.publish').length > publishes ? true : undefined));
    const after = await h.store.listUserWatches(h.slack.identity.teamId, USER);
    expect(after.some((w) => w.id === watch?.id)).toBe(false);
    expect(JSON.stringify(h.slack.homeView(USER)?.view.blocks)).not.toContain(`job ${jobId} (every version)`);
  });

  it('a forged Unwatch from someone else’s Home tab removes nothing and tells them why in a DM', async () => {
    const { jobId } = h.sim.addJob({ name: 'home-forged-unwatch' });
    await h.slack.sendSlashCommand({ text: `watch ${jobId}`, channelId: CHANNEL, userId: USER });
    const watch = (await h.store.listUserWatches(h.slack.identity.teamId, USER)).find(
      (w) => w.target.kind === 'job' && w.target.jobId === String(jobId),
    );
    expect(watch).toBeDefined();
    const intruder = 'U0DEMO0003';
    await h.slack.sendAppHomeOpened({ userId: intruder });
    const home = await eventually(() => h.slack.homeView(intruder));
    const dms = h.slack.callsTo('chat.postMessage').length;
    await h.slack.sendBlockAction({
      actionId: 'unwatch',
      value: JSON.stringify({ w: watch?.id }),
      view: home,
      userId: intruder,
    });
    const dm = await eventually(() =>
      h.slack
        .callsTo('chat.postMessage')
        .slice(dms)
        .find((c) => c.args.channel === intruder),
    );
    expect(String(dm.args.text)).toContain('only they or an admin');
    expect(await h.store.getWatch(watch?.id ?? 0)).not.toBeNull();
  });

  it('when ModelArts is slow the modal closes at once and the card (or the problem) arrives afterwards', async () => {
    h.sim.faults.setLatency(800);
    try {
      await openModal();
      const ok = await h.slack.sendViewSubmission({
        userId: USER,
        values: { [BLOCK.lookupJobId]: '10', [BLOCK.lookupVersionId]: '10', [BLOCK.lookupConversation]: CHANNEL },
      });
      expect(ok.outcome).toBe('ok');
      expect(h.slack.modals(USER)).toHaveLength(0);
      const shown = h.slack.ephemerals(USER, CHANNEL).filter((e) => e.text.includes('TestModelArtsJob')).length;
      await eventually(() =>
        h.slack.ephemerals(USER, CHANNEL).filter((e) => e.text.includes('TestModelArtsJob')).length > shown
          ? true
          : undefined,
      );

      await openModal();
      await h.slack.sendViewSubmission({
        userId: USER,
        values: { [BLOCK.lookupJobId]: '10', [BLOCK.lookupVersionId]: '777', [BLOCK.lookupConversation]: CHANNEL },
      });
      expect(h.slack.modals(USER)).toHaveLength(0);
      await eventually(() =>
        h.slack.ephemerals(USER, CHANNEL).find((e) => e.text.includes('No training job 10 version 777')),
      );
    } finally {
      h.sim.faults.clear();
    }
  });
});
