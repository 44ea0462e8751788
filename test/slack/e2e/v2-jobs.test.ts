/**
 * New-version (v2) training jobs on every Slack surface, end to end: the real Bolt receiver fed signed requests by the
 * fake Slack, the simulator's v2 API over HTTP. Then the whole command set on an account with only v1 jobs and on one
 * with only v2 jobs: neither ever shows an error for the API it lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLimits } from '../../../src/slack/blocks/index.js';
import { BLOCK, INPUT } from '../../../src/slack/ids.js';
import type { DeliveryResult } from '../../../tools/fake-slack/index.js';
import { SEEDED, SEEDED_V2 } from '../../../tools/simulator/index.js';
import { type AppHarness, eventually, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';
const USER = 'U0DEMO0001';

interface Body {
  text?: string;
  blocks?: Array<Record<string, unknown>>;
}

function bodyOf(res: DeliveryResult): Body {
  expect(res.status).toBe(200);
  const body = res.body as Body;
  expect(checkLimits(body)).toEqual([]);
  return body;
}

const textOf = (body: Body): string => `${body.text ?? ''} ${JSON.stringify(body.blocks ?? [])}`;

/** The run_command buttons of a message: their command texts. */
const commandsOf = (body: Body): string[] =>
  [...textOf(body).matchAll(/"action_id":"run_command[^"]*","value":"\{\\"c\\":\\"([^\\]+)\\"\}"/g)].map(
    (m) => m[1] ?? '',
  );

describe('v2 training jobs in Slack end to end', () => {
  let h: AppHarness;
  const send = async (text: string) =>
    bodyOf(await h.slack.sendSlashCommand({ text, channelId: CHANNEL, userId: USER }));

  beforeAll(async () => {
    h = await startAppHarness({ tuning: { viewSubmissionBudgetMs: 2_000 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('`job UUID` shows the v2 card: phase, GPUs, nodes, parameters, data, TensorBoard and console buttons', async () => {
    const body = await send(`job ${SEEDED_V2.runningGpuJobId.toUpperCase()}`);
    const all = textOf(body);
    expect(body.text).toContain('resnet50-ft');
    expect(all).toContain('status Running');
    expect(all).toMatch(/\d+ × \S+/);
    expect(all).toContain('Parameters');
    expect(all).toContain('Data');
    expect(all).toContain('open_link:tensorboard');
    expect(all).toContain(`#/training/detail/${SEEDED_V2.runningGpuJobId}`);
    expect(all).not.toContain('not supported');
  });

  it('Refresh and Watch on a v2 card (and Details on a v2 row) act on the v2 job', async () => {
    const value = JSON.stringify({ j: SEEDED_V2.terminatedJobId });
    const refreshed = await h.slack.sendBlockAction({
      actionId: 'job_refresh',
      value,
      channelId: CHANNEL,
      userId: USER,
    });
    expect(refreshed.status).toBe(200);
    await eventually(() => h.slack.ephemerals(USER, CHANNEL).find((e) => e.text.includes('wav2vec2-abandoned')));
    // Watch is offered while a run can still change: the running v2 job's button.
    const running = JSON.stringify({ j: SEEDED_V2.runningGpuJobId });
    await h.slack.sendBlockAction({ actionId: 'job_watch', value: running, channelId: CHANNEL, userId: USER });
    await eventually(() =>
      h.slack
        .ephemerals(USER, CHANNEL)
        .find((e) => e.text.includes(`Watching training job ${SEEDED_V2.runningGpuJobId}`)),
    );
    const watches = await h.store.listChannelWatches(h.slack.identity.teamId, CHANNEL);
    expect(watches.map((w) => w.target)).toContainEqual({
      kind: 'run',
      jobId: SEEDED_V2.runningGpuJobId,
      versionId: null,
    });
  });

  it('`job UUID` of a failed job says why it failed', async () => {
    const all = textOf(await send(`job ${SEEDED_V2.failedJobId}`));
    expect(all).toContain('*Why:*');
    expect(all).toMatch(/CUDA out of memory|exit code 1/);
  });

  it('`job NAME` shows the one job of that name; a prefix of several gives a pick list whose buttons work', async () => {
    expect((await send('job gpt-small-oom')).text).toContain('gpt-small-oom');
    h.sim.v2.addJob({ name: 'pick-alpha' });
    h.sim.v2.addJob({ name: 'pick-beta' });
    const list = await send('job pick-');
    expect(textOf(list)).toContain('2 training jobs match');
    const commands = commandsOf(list);
    expect(commands).toHaveLength(2);
    const clicked = await h.slack.sendBlockAction({
      actionId: 'run_command:0',
      value: JSON.stringify({ c: commands[0] }),
      channelId: CHANNEL,
      userId: USER,
    });
    expect(clicked.status).toBe(200);
    await eventually(() => h.slack.ephemerals(USER, CHANNEL).find((e) => /pick-(alpha|beta)/.test(e.text)));
    const none = textOf(await send('job no-such-job-anywhere'));
    expect(none).toContain('No training job named');
    expect(none).toContain('/modelarts jobs');
  });

  it('`jobs` lists v2 jobs and v1 versions together, newest first; status words filter both kinds', async () => {
    const all = textOf(await send('jobs'));
    expect(all).toContain('Training jobs in');
    expect(all).toMatch(/GPUs?\*|NPUs?\*/);
    const failed = textOf(await send('jobs failed'));
    expect(failed).toContain('gpt-small-oom');
    expect(failed).not.toContain('🔵');
    const abnormal = textOf(await send('jobs abnormal'));
    expect(abnormal).toContain('unet-bad-image');
  });

  it('`watch UUID` and `watch NAME` store the v2 job as a run (UUID, no version) and post its card', async () => {
    expect(textOf(await send(`watch ${SEEDED_V2.queuedJobId}`))).toContain('Watching');
    expect(textOf(await send('watch vit-b16-flowers failed'))).toContain('Watching');
    const watches = await h.store.listChannelWatches(h.slack.identity.teamId, CHANNEL);
    expect(watches.map((w) => w.target)).toEqual(
      expect.arrayContaining([
        { kind: 'run', jobId: SEEDED_V2.queuedJobId, versionId: null },
        { kind: 'run', jobId: SEEDED_V2.creatingJobId, versionId: null },
      ]),
    );
    expect(textOf(await send('watch failures'))).toContain('every failed training job');
  });

  it('the message shortcut watches the v2 job a console link names', async () => {
    const link = await h.slack.postUserMessage({
      channelId: CHANNEL,
      userId: USER,
      text: `look: https://console.otc.t-systems.com/modelarts/?region=eu-de#/training/detail/${SEEDED_V2.failingNpuJobId}`,
    });
    await h.slack.sendMessageShortcut({ callbackId: 'modelarts_watch_message', message: link, userId: USER });
    await eventually(() =>
      h.slack
        .ephemerals(USER, CHANNEL)
        .find((e) => e.text.includes(`Watching training job ${SEEDED_V2.failingNpuJobId}`)),
    );
    const watches = await h.store.listChannelWatches(h.slack.identity.teamId, CHANNEL);
    expect(watches.some((w) => w.target.kind === 'run' && w.target.jobId === SEEDED_V2.failingNpuJobId)).toBe(true);
  });

  it('the lookup modal takes a UUID and posts the v2 card', async () => {
    await h.slack.sendShortcut({ callbackId: 'modelarts_lookup', userId: USER });
    await eventually(() => h.slack.modals(USER).at(-1));
    await h.slack.sendViewSubmission({
      userId: USER,
      values: {
        [BLOCK.lookupJobId]: {
          [INPUT.jobId]: {
            type: 'external_select',
            selected_option: {
              text: { type: 'plain_text', text: 'llama-lora-support' },
              value: SEEDED_V2.completedJobId,
            },
          },
        },
        [BLOCK.lookupVersionId]: '',
        [BLOCK.lookupConversation]: CHANNEL,
      },
    });
    // The card arrives privately, with Share, like every other answer.
    const card = await eventually(() =>
      h.slack.ephemerals(USER, CHANNEL).find((e) => (e.text ?? '').includes('llama-lora-support')),
    );
    expect(JSON.stringify(card.blocks)).toContain(`#/training/detail/${SEEDED_V2.completedJobId}`);
  });

  it('unfurls a v2 console link into the compact card', async () => {
    const url = `https://console.otc.t-systems.com/modelarts/?region=eu-de&locale=en-us#/training/detail/${SEEDED_V2.runningGpuJobId}`;
    await h.slack.postUserMessage({ channelId: CHANNEL, userId: USER, text: `see ${url}` });
    const call = await h.slack.waitFor(
      (c) => c.method === 'chat.unfurl' && JSON.stringify(c.args).includes(SEEDED_V2.runningGpuJobId),
      10_000,
    );
    const unfurls = call.args.unfurls as Record<string, { blocks: unknown[] }>;
    expect(JSON.stringify(unfurls[url]?.blocks)).toContain('resnet50-ft');
  });

  it('App Home lists running jobs of both kinds with GPU and NPU totals', async () => {
    await h.slack.sendAppHomeOpened({ userId: USER });
    const home = await eventually(() => h.slack.homeView(USER));
    const raw = JSON.stringify(home.view.blocks);
    expect(raw).toContain('bert-large-pretrain');
    expect(raw).toMatch(/NPU/);
    expect(raw).toContain(`job ${SEEDED_V2.queuedJobId}`);
  });
});

/** Every command a team runs, on an account with one training API: no answer may carry a warning. */
describe.each(['v1', 'v2'] as const)('an account with only the %s training API', (only) => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startAppHarness({ simulator: { apis: only, cloud: only === 'v1' ? 'huawei' : 'otc' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers the whole command set without an error about the missing API', async () => {
    const job = only === 'v1' ? `${SEEDED.docJobId}` : SEEDED_V2.runningGpuJobId;
    const name = only === 'v1' ? 'TestModelArtsJob' : 'resnet50-ft';
    const commands = [
      'help',
      'jobs',
      'jobs running',
      'jobs failed',
      `job ${job}`,
      `job ${name}`,
      `watch ${job}`,
      'watch failures',
      'watches',
      `unwatch ${job}`,
    ];
    for (const text of commands) {
      const body = bodyOf(await h.slack.sendSlashCommand({ text, channelId: CHANNEL, userId: USER }));
      expect([text, textOf(body)]).not.toEqual([text, expect.stringContaining('⚠️')]);
      expect(textOf(body)).not.toMatch(/not available on this ModelArts account/);
    }
    await h.slack.sendAppHomeOpened({ userId: USER });
    const home = await eventually(() => h.slack.homeView(USER));
    expect(JSON.stringify(home.view.blocks)).not.toMatch(/not available|⚠️/);
  });
});

describe('MODELARTS_TRAINING_API=v1', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startAppHarness({ env: { MODELARTS_TRAINING_API: 'v1' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers a v2 job id with a sentence naming the setting, and lists only v1 versions', async () => {
    h.sim.resetRequestCounts();
    const body = bodyOf(
      await h.slack.sendSlashCommand({ text: `job ${SEEDED_V2.runningGpuJobId}`, channelId: CHANNEL, userId: USER }),
    );
    expect(textOf(body)).toContain('MODELARTS_TRAINING_API=v1');
    const list = textOf(bodyOf(await h.slack.sendSlashCommand({ text: 'jobs', channelId: CHANNEL, userId: USER })));
    expect(list).toContain('Job versions in');
    expect(list).not.toContain('resnet50-ft');
    expect(h.sim.requestCounts().searchTrainingJobs ?? 0).toBe(0);
  });
});
