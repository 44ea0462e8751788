/**
 * Every `/modelarts` subcommand through the real HTTP receiver: signed form-encoded slash commands from the fake
 * Slack, ModelArts answered by the simulator. The ack body is the answer (the simulator answers in milliseconds).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLimits } from '../../../src/slack/blocks/index.js';
import type { DeliveryResult } from '../../../tools/fake-slack/index.js';
import { SEEDED } from '../../../tools/simulator/index.js';
import { type AppHarness, interactionLines, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';

interface AckBody {
  response_type?: string;
  text?: string;
  blocks?: Array<Record<string, unknown>>;
}

function ackOf(res: DeliveryResult): AckBody {
  expect(res.status).toBe(200);
  expect(res.outcome).toBe('ok');
  const body = res.body as AckBody;
  expect(body.response_type).toBe('ephemeral');
  expect(checkLimits(body)).toEqual([]);
  return body;
}

const allText = (body: AckBody): string => JSON.stringify(body.blocks ?? []) + (body.text ?? '');
const actionIds = (body: AckBody): string[] =>
  (body.blocks ?? []).flatMap((b) =>
    [...((b.elements as Array<{ action_id?: string }> | undefined) ?? []), b.accessory as { action_id?: string }]
      .map((e) => e?.action_id)
      .filter((id): id is string => typeof id === 'string'),
  );

describe('/modelarts subcommands end to end', () => {
  let h: AppHarness;
  const send = (text: string, userId?: string) =>
    h.slack.sendSlashCommand({ text, channelId: CHANNEL, ...(userId ? { userId } : {}) });

  beforeAll(async () => {
    // Tests switch simulator features on and off between lookups of the same thing: no answers kept.
    h = await startAppHarness({ env: { MODELARTS_LOOKUP_CACHE_MS: '0' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers an empty command and `help` with the grammar', async () => {
    for (const text of ['', 'help']) {
      const body = ackOf(await send(text));
      for (const sub of ['jobs', 'job', 'configs', 'viz', 'tasks', 'watch', 'unwatch', 'watches']) {
        expect(allText(body)).toContain(sub);
      }
    }
    expect(allText(ackOf(await send('help tasks')))).toContain('analysis|cleaning');
  });

  it('suggests the closest subcommand for a typo', async () => {
    const body = ackOf(await send('jbos running'));
    expect(allText(body)).toContain('Did you mean');
    expect(allText(body)).toContain('/modelarts jobs');
  });

  it('shows the relevant usage line for a bad argument', async () => {
    const body = ackOf(await send('job te/n'));
    expect(allText(body)).toContain('is not a job id');
    expect(allText(body)).toContain('/modelarts job JOB_ID [VERSION_ID]');
  });

  it('`job JOB_ID VERSION_ID` renders the version card with Refresh, Logs, TensorBoard, Console and Share', async () => {
    const body = ackOf(await send(`job ${SEEDED.docJobId} ${SEEDED.docVersionId}`));
    expect(body.text).toContain('TestModelArtsJob');
    expect(allText(body)).toContain('Accuracy');
    const ids = actionIds(body);
    // The doc version has completed: its logs, not a watch.
    expect(ids).toEqual(
      expect.arrayContaining(['job_refresh', 'job_logs', 'open_link:tensorboard', 'open_link:console', 'share']),
    );
    expect(ids).not.toContain('job_watch');
    const tb = JSON.stringify(body.blocks).match(/"url":"([^"]*tensorboard[^"]*)"/)?.[1];
    expect(tb).toContain(h.sim.url);
    expect(JSON.stringify(body.blocks)).toContain('trainingJobs/details/10?versionId=10');
  });

  it('`job JOB_ID` shows the latest version', async () => {
    const body = ackOf(await send(`job ${SEEDED.docJobId}`));
    expect(body.text).toContain(`version ${SEEDED.docVersionId}`);
  });

  it('a bad id gets a sentence naming the job, version and project, not an error code', async () => {
    const missingVersion = ackOf(await send('job 10 777'));
    expect(missingVersion.text).toContain(`No training job 10 version 777 in project ${h.sim.projectId}`);
    expect(allText(missingVersion)).not.toMatch(/ModelArts\.\d{4}|HTTP 4\d\d/);
    const missingJob = ackOf(await send('job 987654'));
    expect(missingJob.text).toContain(`No training job 987654 in project ${h.sim.projectId}`);
    expect(missingJob.text).toContain('/modelarts jobs');
  });

  it('`jobs` lists versions with counts, GPU totals and a Next button', async () => {
    const body = ackOf(await send('jobs'));
    expect(allText(body)).toContain('Training jobs in');
    expect(allText(body)).toMatch(/GPU/);
    expect(actionIds(body)).toContain('jobs_page:next');
    expect(actionIds(body)).toContain('share');
  });

  it('`jobs STATUS… page N` filters and pages', async () => {
    const body = ackOf(await send('jobs completed failed page 1'));
    expect(allText(body)).toContain('filter: completed, failed');
    const running = ackOf(await send('jobs running'));
    // Every row of a running filter is running: no completed/failed emoji in the rows.
    expect(allText(running)).not.toContain('🔴 *');
  });

  it('`jobs` falls back to the job list when the all-versions endpoint is switched off', async () => {
    h.sim.faults.setAllVersionsOff(true);
    try {
      const body = ackOf(await send('jobs'));
      expect(allText(body)).toContain('Training jobs in');
      expect(allText(body)).toContain('all-versions status API is not available');
      const filtered = ackOf(await send('jobs failed'));
      expect(filtered.text).toBeTruthy();
    } finally {
      h.sim.faults.setAllVersionsOff(false);
    }
  });

  it('`configs [SEARCH] [page N]` lists training job configs', async () => {
    const body = ackOf(await send('configs'));
    expect(allText(body)).toContain(SEEDED.docConfigName);
    const searched = ackOf(await send(`configs ${SEEDED.docConfigName}`));
    expect(allText(searched)).toContain(SEEDED.docConfigName);
    const none = ackOf(await send('configs no-such-config-anywhere'));
    expect(none.text).toBeTruthy();
  });

  it('`viz VIZ_JOB_ID` shows the visualization job with its TensorBoard link', async () => {
    const body = ackOf(await send(`viz ${SEEDED.docTensorboardVizJobId}`));
    expect(actionIds(body)).toContain('open_link:tensorboard');
    const missing = ackOf(await send('viz 424242'));
    expect(missing.text).toContain(`No visualization job 424242 in project ${h.sim.projectId}`);
  });

  it('`tasks` lists processing tasks, filtered by dataset, type and status', async () => {
    const all = ackOf(await send('tasks'));
    expect(all.text).toBeTruthy();
    const filtered = ackOf(await send(`tasks ${SEEDED.docDatasetId} analysis completed`));
    expect(allText(filtered)).toMatch(/feature analysis/i);
    expect(ackOf(await send('tasks cleaning page 2')).text).toBeTruthy();
  });

  it('`watches` lists the channel’s watches (none yet)', async () => {
    const body = ackOf(await send('watches'));
    expect(allText(body)).toContain('watches nothing yet');
  });

  it('renders hostile job names escaped: nobody is mentioned', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: '<!channel> *x* <https://evil.example|ok>' });
    const body = ackOf(await send(`job ${jobId} ${versionIds[0]}`));
    const raw = JSON.stringify(body);
    expect(raw).not.toContain('<!channel>');
    expect(raw).not.toContain('<https://evil.example');
    expect(raw).toContain('&lt;!channel&gt;');
  });

  it('logs one JSON line per interaction with user, channel, subcommand, latency and outcome', async () => {
    const before = interactionLines(h).length;
    await send('job 10 10');
    await send('job 10 777');
    const lines = interactionLines(h).slice(before);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ interaction: 'command', subcommand: 'job', channel: CHANNEL, outcome: 'ok' });
    expect(lines[1]).toMatchObject({ subcommand: 'job', outcome: 'user_error' });
    expect(typeof lines[0]?.latencyMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('job 10 777');
  });

  it('every input gets an answer through the real receiver, never an error or a timeout', async () => {
    const word = fc.oneof(
      fc.constantFrom('jobs', 'job', 'configs', 'viz', 'tasks', 'watches', 'help', 'page', '10', '777', 'running', 'x'),
      fc.string({ maxLength: 10 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 5 }), async (words) => {
        const res = await h.slack.sendSlashCommand({ text: words.join(' '), channelId: 'C0GENERAL1' });
        expect(res.status).toBe(200);
        expect(res.outcome).toBe('ok');
        const body = res.body as AckBody;
        expect(body.text?.length ?? 0).toBeGreaterThan(0);
        expect(checkLimits(body)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
