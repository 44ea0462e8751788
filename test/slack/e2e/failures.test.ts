/**
 * Failures that say why, end to end: the real receiver fed signed requests by the fake Slack, ModelArts answered by
 * the simulator. A failed run's card shows its reason first and a few lines around the error; the Logs button opens
 * the end of the log in a modal; actions follow the status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLimits } from '../../../src/slack/blocks/index.js';
import type { EphemeralMessage } from '../../../tools/fake-slack/index.js';
import { type AppHarness, eventually, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';
const USER = 'U0DEMO0001';

type Block = {
  type: string;
  text?: { text?: string };
  elements?: Array<{ action_id?: string }>;
  accessory?: { action_id?: string };
};

const actionIds = (blocks: unknown[] | undefined): string[] =>
  ((blocks ?? []) as Block[]).flatMap((b) =>
    [...(b.elements ?? []), b.accessory].map((e) => e?.action_id).filter((id): id is string => typeof id === 'string'),
  );

describe('failed runs end to end', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness({ simulator: { generatedJobs: 30 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function ask(text: string): Promise<EphemeralMessage> {
    const res = await h.slack.sendSlashCommand({ text, channelId: CHANNEL, userId: USER });
    expect(res.outcome).toBe('ok');
    const last = h.slack.ephemerals(USER, CHANNEL).at(-1);
    if (!last) throw new Error('no ephemeral answer');
    return last;
  }

  /** A failed version of the seeded world that ran and logged, with the exception its log ends with. */
  function failedVersion(nth = 0) {
    const v = [...h.sim.state.versions.values()].filter((x) => x.status === 11 && x.start_time > 0 && x.failureReason)[
      nth
    ];
    if (!v) throw new Error('the seed has no failed version with a log');
    return v;
  }

  it('`job` on a failed run shows the exception first, a few lines around it, Logs and no Watch', async () => {
    const v = failedVersion();
    const card = await ask(`job ${v.job_id} ${v.version_id}`);
    expect(checkLimits({ text: card.text, blocks: card.blocks })).toEqual([]);
    const first = (card.blocks as Block[])[0]?.text?.text ?? '';
    const lines = first.split('\n');
    // Title, status, then the reason: the third line a person reads.
    expect(lines[2]).toContain('*Why:*');
    expect(lines[2]).toContain(v.failureReason.replace(/'/g, '&#39;').slice(0, 40).replace(/&#39;/g, "'"));
    const excerpt = (card.blocks as Block[])[1]?.text?.text ?? '';
    expect(excerpt.startsWith('```Traceback (most recent call last):')).toBe(true);
    expect(excerpt.split('\n').length).toBeLessThanOrEqual(8);
    expect(excerpt).not.toMatch(/loss=/);
    const ids = actionIds(card.blocks);
    expect(ids).toContain('job_logs');
    expect(ids).not.toContain('job_watch');
  });

  it('`jobs failed` rows say why each run on the page failed, read from their logs', async () => {
    const list = await ask('jobs failed');
    expect(checkLimits({ text: list.text, blocks: list.blocks })).toEqual([]);
    const rows = (list.blocks as Block[]).filter((b) => b.accessory?.action_id === 'job_refresh:details');
    expect(rows.length).toBeGreaterThan(0);
    const withLog = rows.filter((b) => /\*Why:\* `[\w.]*(Error|Exception|Killed)/.test(b.text?.text ?? ''));
    expect(withLog.length).toBeGreaterThan(0);
    // The reason is the row's second line, before the spec and times.
    for (const b of withLog) expect((b.text?.text ?? '').split('\n')[1]).toMatch(/^\*Why:\*/);
  });

  it('an image build failure says so, with no TensorBoard, no Watch and no Logs', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'image-broken', status: 3 });
    const card = await ask(`job ${jobId} ${versionIds[0]}`);
    expect(JSON.stringify(card.blocks)).toContain('*Why:* The image build failed: the job never started');
    const ids = actionIds(card.blocks);
    expect(ids).not.toContain('job_watch');
    expect(ids).not.toContain('job_logs');
    expect(ids).not.toContain('open_link:tensorboard');
  });

  it('a running run keeps Watch and reads no log', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'still-running', status: 8 });
    h.sim.resetRequestCounts();
    const card = await ask(`job ${jobId} ${versionIds[0]}`);
    expect(actionIds(card.blocks)).toContain('job_watch');
    expect(JSON.stringify(card.blocks)).not.toContain('*Why:*');
    expect(h.sim.requestCounts().getAomLog ?? 0).toBe(0);
  });

  it('Logs opens a modal with the end of the log, read once for the card and the modal', async () => {
    // Another failed run than the first test's: its log page is not in the read cache yet.
    const v = failedVersion(1);
    h.sim.resetRequestCounts();
    const card = await ask(`job ${v.job_id} ${v.version_id}`);
    const res = await h.slack.sendBlockAction({ actionId: 'job_logs', message: card, userId: USER });
    expect(res.status).toBe(200);
    const modal = await eventually(() => {
      const open = h.slack.modals(USER).at(-1);
      return open && JSON.stringify(open.view.blocks).includes('Traceback') ? open : undefined;
    });
    const { type, title, close, blocks } = modal.view as unknown as Record<string, unknown>;
    expect(checkLimits({ type, title, close, blocks })).toEqual([]);
    const text = JSON.stringify(modal.view.blocks);
    expect(text).toContain('*Why:*');
    expect(text).toMatch(/The last \d+ lines, oldest first/);
    expect(text).toContain('loss=');
    expect(h.sim.requestCounts().getAomLog).toBe(1);
  });

  it('Logs on a run that cannot be found says so in the modal', async () => {
    const card = await ask(`job ${failedVersion().job_id}`);
    await h.slack.sendBlockAction({ actionId: 'job_logs', value: '{"j":987654,"v":1}', message: card, userId: USER });
    const modal = await eventually(() => {
      const open = h.slack.modals(USER).at(-1);
      return open && JSON.stringify(open.view.blocks).includes('⚠️') ? open : undefined;
    });
    expect(JSON.stringify(modal.view.blocks)).toMatch(/Not found in ModelArts/);
  });
});

describe('App Home end to end', () => {
  let h: AppHarness;

  beforeAll(async () => {
    // The Home tab reads the listing the test has just changed: no answers kept.
    h = await startAppHarness({ simulator: { generatedJobs: 30 }, env: { MODELARTS_LOOKUP_CACHE_MS: '0' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('App Home lists the last day’s failures, each with its reason', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'failed-today', status: 8 });
    h.sim.advance(60_000);
    h.sim.setVersionStatus(jobId, versionIds[0] as number, 11);
    const res = await h.slack.sendAppHomeOpened({ userId: USER });
    expect(res.status).toBe(200);
    const home = await eventually(() => {
      const view = h.slack.homeView(USER);
      return view && JSON.stringify(view.view.blocks).includes('Failed in the last day') ? view : undefined;
    });
    const text = JSON.stringify(home.view.blocks);
    const row = text.slice(text.indexOf('*failed-today*'));
    expect(row).toMatch(/^\*failed-today\*[^"]*\\n {4}\*Why:\* `/);
  });
});
