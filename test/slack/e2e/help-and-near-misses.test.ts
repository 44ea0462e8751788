/**
 * The smaller surfaces end to end, through the real HTTP receiver and the fake Slack: near misses answered with the
 * corrected command and a button that runs it, the help's sections and buttons, the visualization job list and the
 * compact task list with its Details. ModelArts is the simulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkLimits } from '../../../src/slack/blocks/index.js';
import type { EphemeralMessage } from '../../../tools/fake-slack/index.js';
import { SEEDED } from '../../../tools/simulator/index.js';
import { type AppHarness, eventually, interactionLines, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';
const USER = 'U0DEMO0001';

interface Element {
  type?: string;
  action_id?: string;
  value?: string;
  url?: string;
  text?: { text?: string };
}
interface Block {
  type: string;
  text?: { text?: string };
  accessory?: Element;
  elements?: Element[];
}

const blocksOf = (m: { blocks?: unknown[] }) => (m.blocks ?? []) as Block[];
const buttonsOf = (m: { blocks?: unknown[] }): Element[] =>
  blocksOf(m).flatMap((b) => [
    ...(b.type === 'actions' ? (b.elements ?? []) : []),
    ...(b.accessory ? [b.accessory] : []),
  ]);
const textOf = (m: { text?: string; blocks?: unknown[] } | undefined) =>
  `${m?.text ?? ''} ${JSON.stringify(m?.blocks ?? [])}`;

describe('help, near misses, viz and tasks end to end', () => {
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

  async function ask(text: string): Promise<EphemeralMessage> {
    const res = await h.slack.sendSlashCommand({ text, channelId: CHANNEL, userId: USER });
    expect(res.outcome).toBe('ok');
    const last = h.slack.ephemerals(USER, CHANNEL).at(-1);
    if (!last) throw new Error('no ephemeral answer');
    expect(checkLimits({ text: last.text, blocks: last.blocks })).toEqual([]);
    return last;
  }

  /** Clicks a button of `message` and waits for the next private message it brings. */
  async function click(message: EphemeralMessage, button: Element): Promise<EphemeralMessage> {
    const before = h.slack.ephemerals(USER, CHANNEL).length;
    const res = await h.slack.sendBlockAction({
      actionId: button.action_id ?? '',
      ...(button.value !== undefined ? { value: button.value } : {}),
      message,
      userId: USER,
    });
    expect(res.status).toBe(200);
    const answer = await eventually(() => h.slack.ephemerals(USER, CHANNEL)[before]);
    expect(checkLimits({ text: answer.text, blocks: answer.blocks })).toEqual([]);
    return answer;
  }

  it('answers `status 10` with one fix, and its button runs the fixed command privately', async () => {
    const near = await ask('status 10');
    expect(textOf(near)).toContain('Did you mean `/modelarts job 10`?');
    // One fix, not the whole help.
    expect(textOf(near)).not.toContain('/modelarts configs');
    const [run, ...others] = buttonsOf(near);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ action_id: 'run_command', text: { text: 'Run /modelarts job 10' } });

    const card = await click(near, run as Element);
    expect(card.text).toContain('TestModelArtsJob');
    expect(textOf(card)).toContain(`job ${SEEDED.docJobId}, version ${SEEDED.docVersionId}`);
    // Beside the suggestion, not instead of it, and logged as the command it ran.
    expect(h.slack.ephemerals(USER, CHANNEL).map((e) => e.id)).toContain(near.id);
    await eventually(() =>
      interactionLines(h).find((l) => l.interaction === 'action' && l.subcommand === 'job' && l.outcome === 'ok'),
    );
  });

  it('fixes typos, synonyms, ids before the subcommand and filter words in the wrong place', async () => {
    const cases: Array<[string, string]> = [
      ['jbo 10', 'job 10'],
      ['jbos running', 'jobs running'],
      ['list failed page 1x', ''],
      ['running', 'jobs running'],
      ['ls', 'jobs'],
      ['follow 10', 'watch 10'],
      ['10 watch', 'watch 10'],
      ['watch failed 10', 'watch 10 failed'],
      ['jobs runing', 'jobs running'],
    ];
    for (const [typed, meant] of cases) {
      const answer = await ask(typed);
      const runs = buttonsOf(answer).filter((b) => b.action_id === 'run_command');
      if (meant === '') {
        expect([typed, runs]).toEqual([typed, []]);
        continue;
      }
      expect([typed, textOf(answer)]).toEqual([
        typed,
        expect.stringContaining(`Did you mean \`/modelarts ${meant}\`?`),
      ]);
      expect(runs.map((b) => b.value)).toEqual([JSON.stringify({ c: meant })]);
    }
  });

  it('runs a suggested watch exactly as the slash command would: the watch is stored for this channel', async () => {
    const near = await ask(`watch failed ${SEEDED.docJobId}`);
    const run = buttonsOf(near).find((b) => b.action_id === 'run_command') as Element;
    const confirmation = await click(near, run);
    expect(confirmation.text).toContain('Watching');
    const watches = await h.store.listChannelWatches(h.slack.identity.teamId, CHANNEL);
    expect(watches).toEqual([
      expect.objectContaining({ target: { kind: 'job', jobId: String(SEEDED.docJobId) }, filter: 'failed' }),
    ]);
    expect(h.created.map((w) => w.id)).toContain(watches[0]?.id);
    await h.store.deleteWatch(watches[0]?.id ?? 0);
  });

  it('answers a forged or stale command button without running anything else', async () => {
    const near = await ask('status 10');
    const wrong = await click(near, { action_id: 'run_command', value: JSON.stringify({ c: 'job te/n' }) });
    expect(wrong.text).toContain('is not a job id');
    const stale = await click(near, { action_id: 'run_command', value: '{"c":"job 10\\n"}' });
    expect(stale.text).toContain('out of date');
  });

  it('`help` is short sections with buttons for the common commands', async () => {
    const help = await ask('help');
    const sections = blocksOf(help).filter((b) => b.type === 'section');
    expect(sections.map((b) => b.text?.text?.split('\n')[0])).toEqual([
      expect.stringContaining('Look up training jobs'),
      '*Look up*',
      '*Watch* (alerts in this channel)',
      '*Other*',
    ]);
    const quick = buttonsOf(help);
    expect(quick.map((b) => b.text?.text)).toEqual(['Jobs', 'Running jobs', 'Watches']);
    const running = await click(help, quick[1] as Element);
    expect(textOf(running)).toContain('filter: running');
    const watches = await click(help, quick[2] as Element);
    expect(watches.text).toMatch(/watch/i);
  });

  it('`help viz` shows that command with examples and a button to run it', async () => {
    const topic = await ask('help viz');
    expect(textOf(topic)).toContain('/modelarts viz [VIZ_JOB_ID] [page N]');
    expect(textOf(topic)).toContain('*Examples*');
    const run = buttonsOf(topic)[0] as Element;
    expect(run.value).toBe(JSON.stringify({ c: 'viz' }));
    const list = await click(topic, run);
    expect(list.text).toContain('Visualization jobs');
  });

  it('`viz` lists visualization jobs newest first with TensorBoard buttons, pages, and opens one', async () => {
    const list = await ask('viz');
    expect(list.text).toMatch(/^Visualization jobs: \d+/);
    const rows = blocksOf(list).filter((b) => b.type === 'section');
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      const up = row.text?.text?.includes('TensorBoard is up');
      expect([row.text?.text, row.accessory?.text?.text]).toEqual([
        row.text?.text,
        up ? 'Open TensorBoard' : 'Details',
      ]);
      if (up) expect(row.accessory?.url).toContain(h.sim.url);
    }
    const next = buttonsOf(list).find((b) => b.action_id === 'viz_page:next');
    if (next) {
      await h.slack.sendBlockAction({ actionId: 'viz_page:next', value: next.value, message: list, userId: USER });
      const paged = await eventually(() => {
        const e = h.slack.ephemerals(USER, CHANNEL).find((x) => x.id === list.id);
        return e && e.history.length > 0 ? e : undefined;
      });
      expect(textOf(paged)).toContain('page 2 of');
    }
    const card = await ask(`viz ${SEEDED.docTensorboardVizJobId}`);
    expect(buttonsOf(card).map((b) => b.action_id)).toContain('open_link:tensorboard');
    const details = rows.find((r) => r.accessory?.text?.text === 'Details')?.accessory;
    if (details) {
      const opened = await click(list, details);
      expect(textOf(opened)).toContain('visualization job');
    }
  });

  it('`tasks` is two lines a task without raw keys; Details shows the whole result with readable names', async () => {
    const list = await ask(`tasks ${SEEDED.docDatasetId} analysis completed`);
    const rows = blocksOf(list).filter((b) => b.type === 'section');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.text?.text?.split('\n').length).toBeLessThanOrEqual(2);
    expect(textOf(list)).toContain('Feature analysis');
    expect(textOf(list)).not.toMatch(/sys_data_|sample_count|is_normed|task_type/);
    const details = rows[0]?.accessory as Element;
    expect(details.action_id).toBe('task_details');
    const full = await click(list, details);
    expect(full.text).toContain('Feature analysis');
    expect(textOf(full)).not.toMatch(/sys_data_|sample_count|is_normed/);
  });
});
