/**
 * Access rules that need Slack's word, end to end (real Bolt receiver, signed requests from the Slack stand-in with
 * guests, people of another organisation, Slack Connect channels and requests from another workspace):
 *
 * - with only a channel allowlist, App Home, the global shortcut and Home buttons show job data to members of an
 *   allowed channel only;
 * - guests and external users are refused unless ALLOW_GUESTS;
 * - the lookup modal posts only into channels the user is in, never into shared channels unless
 *   ALLOW_SHARED_CHANNELS (checked on submission, whatever the picker offered); Share and watch follow the same rule;
 * - a request from another workspace runs nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK, CALLBACK } from '../../../src/slack/ids.js';
import type { FakeChannelInit, FakeUserInit } from '../../../tools/fake-slack/index.js';
import { SEEDED } from '../../../tools/simulator/index.js';
import { type AppHarness, ackText, eventually, interactionLines, startAppHarness } from '../../support/app-harness.js';

const ALLOWED_CHANNEL = 'C0MLOPS001';
const SHARED = 'C0SHARED01';
const MEMBER = 'U0DEMO0001';
const OUTSIDER = 'U0DEMO0002';
const GUEST = 'U0GUEST001';
const EXTERNAL = 'U0EXTERN01';
const JOB = `job ${SEEDED.docJobId} ${SEEDED.docVersionId}`;

const USERS: FakeUserInit[] = [
  { id: MEMBER, name: 'ada' },
  { id: OUTSIDER, name: 'grace' },
  { id: GUEST, name: 'guest', guest: 'multi' },
  { id: EXTERNAL, name: 'partner', teamId: 'T0PARTNER1' },
];
const CHANNELS: FakeChannelInit[] = [
  { id: ALLOWED_CHANNEL, name: 'ml-ops', members: [MEMBER, GUEST, EXTERNAL] },
  { id: 'C0GENERAL1', name: 'general' },
  { id: 'C0LONELY01', name: 'lonely', members: [OUTSIDER] },
  { id: SHARED, name: 'with-partner', shared: 'external', members: [MEMBER, EXTERNAL] },
];

let h: AppHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** A harness with the users and channels above, closed after the test. */
async function open(env: Record<string, string> = {}): Promise<AppHarness> {
  h = await startAppHarness({ env, fakeSlack: { users: USERS, channels: CHANNELS } });
  return h;
}
const fetched = (x: AppHarness) => Object.values(x.sim.requestCounts()).reduce((a, b) => a + b, 0);

describe('surfaces without a channel, with only ALLOWED_CHANNEL_IDS set', () => {
  it('App Home shows job data to a member of an allowed channel and the refusal to anyone else', async () => {
    const x = await open({ ALLOWED_CHANNEL_IDS: ALLOWED_CHANNEL });
    await x.slack.sendAppHomeOpened({ userId: MEMBER });
    const home = await eventually(() => x.slack.homeView(MEMBER));
    expect(JSON.stringify(home.view.blocks)).not.toContain('Sorry');
    expect(fetched(x)).toBeGreaterThan(0);

    x.sim.resetRequestCounts();
    await x.slack.sendAppHomeOpened({ userId: OUTSIDER });
    const refused = await eventually(() => x.slack.homeView(OUTSIDER));
    expect(JSON.stringify(refused.view.blocks)).toContain('members of the channels this ModelArts bot works in');
    expect(fetched(x)).toBe(0);
  });

  it('the global shortcut and a Home button refuse a user who is in no allowed channel', async () => {
    const x = await open({ ALLOWED_CHANNEL_IDS: ALLOWED_CHANNEL });
    await x.slack.sendShortcut({ callbackId: CALLBACK.lookupShortcut, userId: OUTSIDER });
    const modal = await eventually(() => x.slack.modals(OUTSIDER).at(-1));
    expect(JSON.stringify(modal.view.blocks)).toContain('Sorry');
    expect(modal.view.callback_id).not.toBe(CALLBACK.lookupModal);

    await x.slack.sendShortcut({ callbackId: CALLBACK.lookupShortcut, userId: MEMBER });
    const form = await eventually(() => x.slack.modals(MEMBER).at(-1));
    expect(form.view.callback_id).toBe(CALLBACK.lookupModal);

    x.sim.resetRequestCounts();
    await x.slack.sendAppHomeOpened({ userId: OUTSIDER });
    await eventually(() => x.slack.homeView(OUTSIDER));
    const home = x.slack.homeView(OUTSIDER)!;
    await x.slack.sendBlockAction({ actionId: 'home_refresh', view: home, userId: OUTSIDER });
    await eventually(() => interactionLines(x).find((l) => l.name === 'home_refresh' && l.outcome === 'refused'));
    expect(fetched(x)).toBe(0);
  });
});

describe('guests and people of other organisations', () => {
  it('a guest and an external user are refused in an allowed channel; members are answered', async () => {
    const x = await open();
    const member = await x.slack.sendSlashCommand({ text: JOB, channelId: ALLOWED_CHANNEL, userId: MEMBER });
    expect(ackText(member.body)).toContain('TestModelArtsJob');
    x.sim.resetRequestCounts();
    const guest = await x.slack.sendSlashCommand({ text: JOB, channelId: ALLOWED_CHANNEL, userId: GUEST });
    expect(ackText(guest.body)).toContain('not available to guest accounts');
    const external = await x.slack.sendSlashCommand({ text: JOB, channelId: ALLOWED_CHANNEL, userId: EXTERNAL });
    expect(ackText(external.body)).toContain('not of other organisations');
    await x.slack.sendBlockAction({
      actionId: 'job_refresh',
      value: '{"j":10,"v":10}',
      channelId: ALLOWED_CHANNEL,
      userId: EXTERNAL,
    });
    await eventually(() => x.slack.ephemerals(EXTERNAL, ALLOWED_CHANNEL).find((e) => e.text.includes('organisations')));
    await x.slack.sendAppHomeOpened({ userId: GUEST });
    const home = await eventually(() => x.slack.homeView(GUEST));
    expect(JSON.stringify(home.view.blocks)).toContain('guest');
    expect(fetched(x)).toBe(0);
    expect(x.slack.callsTo('users.info').length).toBeGreaterThan(0);
  });

  it('ALLOW_GUESTS=true lets them in', async () => {
    const x = await open({ ALLOW_GUESTS: 'true' });
    const guest = await x.slack.sendSlashCommand({ text: JOB, channelId: ALLOWED_CHANNEL, userId: GUEST });
    expect(ackText(guest.body)).toContain('TestModelArtsJob');
    const external = await x.slack.sendSlashCommand({ text: JOB, channelId: ALLOWED_CHANNEL, userId: EXTERNAL });
    expect(ackText(external.body)).toContain('TestModelArtsJob');
  });
});

describe('posting on someone’s behalf', () => {
  async function submitLookup(x: AppHarness, userId: string, conversation: string) {
    await x.slack.sendShortcut({ callbackId: CALLBACK.lookupShortcut, userId });
    const modal = await eventually(() => x.slack.modals(userId).at(-1));
    const res = await x.slack.sendViewSubmission({
      userId,
      values: {
        [BLOCK.lookupJobId]: String(SEEDED.docJobId),
        [BLOCK.lookupVersionId]: String(SEEDED.docVersionId),
        [BLOCK.lookupConversation]: conversation,
      },
    });
    return { modal, res };
  }

  it('the picker offers channels only, none shared outside; the submission refuses a shared channel anyway', async () => {
    const x = await open();
    const { modal, res } = await submitLookup(x, MEMBER, SHARED);
    const picker = JSON.stringify(modal.view.blocks);
    expect(picker).toContain('"exclude_external_shared_channels":true');
    expect(picker).toContain('"include":["public","private"]');
    expect(res.body).toMatchObject({
      response_action: 'errors',
      errors: { [BLOCK.lookupConversation]: expect.stringContaining('shared with another organisation') },
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(x.slack.messages(SHARED)).toEqual([]);
  });

  it('the submission refuses a channel the user is not in (any public channel via chat:write.public before)', async () => {
    const x = await open();
    const { res } = await submitLookup(x, MEMBER, 'C0LONELY01');
    expect(res.body).toMatchObject({
      response_action: 'errors',
      errors: { [BLOCK.lookupConversation]: expect.stringContaining('channel you are a member of') },
    });
    expect(x.slack.messages('C0LONELY01')).toEqual([]);
    // Non-vacuous: a channel the user is in gets the card.
    const ok = await submitLookup(x, MEMBER, 'C0GENERAL1');
    expect(ok.res.text).toBe('');
    await eventually(() => x.slack.ephemerals(MEMBER, 'C0GENERAL1').find((e) => (e.text ?? '').length > 0));
  });

  it('ALLOW_SHARED_CHANNELS=true: the picker offers them and the card is shown there', async () => {
    const x = await open({ ALLOW_SHARED_CHANNELS: 'true' });
    const { modal, res } = await submitLookup(x, MEMBER, SHARED);
    expect(JSON.stringify(modal.view.blocks)).toContain('"exclude_external_shared_channels":false');
    expect(res.text).toBe('');
    await eventually(() => x.slack.ephemerals(MEMBER, SHARED)[0]);
  });

  it('Share and watch in a Slack Connect channel are refused, nothing posted or stored', async () => {
    const x = await open();
    await x.slack.sendSlashCommand({ text: JOB, channelId: SHARED, userId: MEMBER });
    const card = await eventually(() => x.slack.ephemerals(MEMBER, SHARED).at(-1));
    const share = JSON.stringify(card.blocks).match(/"action_id":"(share[^"]*)","value":"((?:[^"\\]|\\.)*)"/);
    expect(share).not.toBeNull();
    await x.slack.sendBlockAction({
      actionId: share![1]!,
      value: JSON.parse(`"${share![2]!}"`) as string,
      message: card,
      channelId: SHARED,
      userId: MEMBER,
    });
    await eventually(() => x.slack.ephemerals(MEMBER, SHARED).find((e) => e.text.includes('shared with another')));
    expect(x.slack.messages(SHARED)).toEqual([]);
    const watch = await x.slack.sendSlashCommand({ text: 'watch 10 10', channelId: SHARED, userId: MEMBER });
    expect(ackText(watch.body) + JSON.stringify(x.slack.responseUrlPosts.at(-1)?.body ?? {})).toContain(
      'shared with another',
    );
    expect(await x.store.listChannelWatches(x.slack.identity.teamId, SHARED)).toEqual([]);
  });
});

describe('another workspace', () => {
  it('commands, buttons, shortcuts and events from another workspace run nothing and are logged', async () => {
    const x = await open();
    const workspace = { teamId: 'T0ELSEWHERE', teamDomain: 'elsewhere' };
    const command = await x.slack.sendSlashCommand({ text: JOB, channelId: ALLOWED_CHANNEL }, { workspace });
    expect(command.status).toBe(200);
    expect(command.text).toBe('');
    await x.slack.sendBlockAction(
      { actionId: 'job_refresh', value: '{"j":10,"v":10}', channelId: ALLOWED_CHANNEL },
      { workspace },
    );
    await x.slack.sendShortcut({ callbackId: CALLBACK.lookupShortcut }, { workspace });
    await x.slack.sendAppHomeOpened({ userId: MEMBER }, { workspace });
    await x.slack.sendSlashCommand(
      { text: JOB, channelId: ALLOWED_CHANNEL },
      { workspace: { teamId: x.slack.identity.teamId, enterpriseId: 'E0OTHERORG' } },
    );
    await new Promise((r) => setTimeout(r, 150));
    expect(fetched(x)).toBe(0);
    expect(x.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(x.slack.modals(MEMBER)).toEqual([]);
    const refusals = x.logs.lines().filter((l) => l.msg === 'request from another workspace refused');
    expect(refusals).toHaveLength(5);
    expect(refusals[0]).toMatchObject({ team: 'T0ELSEWHERE' });
    expect(interactionLines(x)).toEqual([]);
  });
});
