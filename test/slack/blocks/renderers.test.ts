/**
 * Snapshot tests of every renderer (doc samples, empty and 1000-item lists, hostile strings, unknown statuses, nulls).
 * Every payload goes through expectSafe: Slack's limits, and no `<!…>`/`<@…>` that did not come from us.
 */

import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { parseJobAlert } from '../../../src/alerts/index.js';
import { type ProcessorTask, runFromV1JobSummary, type TrainingJobConfig } from '../../../src/modelarts/index.js';
import {
  alertMetadata,
  JOBS_MAX_PAGE_SIZE,
  type JobsOverviewOptions,
  jobsPageValue,
  renderAlertCard,
  renderConfigs,
  renderErrorMessage,
  renderHelp,
  renderHome,
  renderJobsOverview,
  renderLookupModal,
  renderOpsNotice,
  renderProcessorTask,
  renderProcessorTasks,
  renderProjectFailure,
  renderRunCard,
  renderTerminalReply,
  renderUnfurl,
  renderVisualizationJob,
  renderVisualizationJobs,
  renderWatches,
} from '../../../src/slack/blocks/index.js';
import { USAGE } from '../../../src/slack/use-cases/parser.js';
import {
  alertFor,
  analysisTask,
  asRun,
  CTX,
  ctxAt,
  docConfigs,
  docJobSummaries,
  docTasks,
  docVersion,
  docVersionStatuses,
  docViz,
  failedTask,
  HOSTILE,
  HOSTILE_STRINGS,
  hostileAlert,
  hostileStatusRow,
  hostileVersion,
  hostileWatch,
  listed,
  nullVersion,
  sampleWatches,
  TENSORBOARD,
  V2_JOB,
  v2AlertFor,
  v2Run,
  versionStatusRows,
  watch,
} from './fixtures.js';
import { compactText, expectSafe } from './helpers.js';

function allText(payload: unknown): string {
  return JSON.stringify(payload);
}

function buttons(payload: {
  blocks: KnownBlock[];
}): Array<{ action_id?: string; value?: string; url?: string; text: string }> {
  const out: Array<{ action_id?: string; value?: string; url?: string; text: string }> = [];
  for (const b of payload.blocks) {
    const elements = b.type === 'actions' ? b.elements : b.type === 'section' && b.accessory ? [b.accessory] : [];
    for (const e of elements) {
      if (e.type === 'button') out.push({ action_id: e.action_id, value: e.value, url: e.url, text: e.text.text });
    }
  }
  return out;
}

describe('job version card', () => {
  it('renders the doc sample status first, with human numbers (snapshot)', () => {
    const m = expectSafe(
      renderRunCard(asRun(docVersion), CTX, { tensorboardUrl: `${TENSORBOARD}197/`, ephemeral: true }),
    );
    const first = m.blocks[0];
    expect(first?.type === 'section' && first.text?.text).toBe(
      '🟢 *TestModelArtsJob* · jobVersion  (job 10, version 10)\n*Completed* in 8 min 52 s · started 15 Jul 2019 08:32 (about 3 h ago)\nTensorFlow 1.4.0 python2.7 · 2 × P100 · 2 cores · 8 GB · 1 worker · pool p100',
    );
    const text = allText(m);
    expect(text).toContain('Accuracy 0.09% · Precision 0.02% · Recall 0.58%');
    expect(text).toContain('*CPU*\\n`▁▅█▁▁▁▁` peak 5.76%');
    expect(text).toContain('`learning_rate = 0.01`');
    expect(text).toContain('output `/usr/train/` · logs `/usr/log/`');
    // A completed run: its logs, not a watch.
    expect(buttons(m).map((b) => b.text)).toEqual([
      '↻ Refresh',
      '📄 Logs',
      'Open TensorBoard',
      'Console',
      'Share in channel',
    ]);
    expect(buttons(m)[0]?.value).toBe('{"j":10,"v":10}');
    expect(m.text).toBe('🟢 TestModelArtsJob · jobVersion: completed (8 min 52 s) · job 10, version 10');
    expect(m).toMatchSnapshot();
  });

  it('leaves out Share when not ephemeral, TensorBoard without a URL and Console without a link', () => {
    const m = expectSafe(renderRunCard({ ...asRun(docVersion), consoleUrl: null }, CTX));
    expect(buttons(m).map((b) => b.text)).toEqual(['↻ Refresh', '📄 Logs']);
    const bad = expectSafe(renderRunCard(asRun(docVersion), CTX, { tensorboardUrl: 'javascript:alert(1)' }));
    expect(buttons(bad).map((b) => b.text)).toEqual(['↻ Refresh', '📄 Logs', 'Console']);
  });

  it('says how long a running version has been running', () => {
    const running = { ...docVersion, status: 8, duration: null, start_time: CTX.now.getTime() - 7_440_000 };
    const m = expectSafe(renderRunCard(asRun(running), CTX));
    expect(allText(m)).toContain('🔵 *TestModelArtsJob* · jobVersion');
    expect(allText(m)).toContain('*Running* for 2 h 4 min · started 15 Jul 2019 09:31 (about 2 h ago)');
  });

  it('shows no GPU sparklines for a CPU-only job', () => {
    const series = docVersion.system_metric_list?.series ?? {};
    const zeros = { ...series, gpuUtil: [0, 0, 0], gpuMemUsage: [0, 0] };
    const interval = docVersion.system_metric_list?.interval ?? null;
    const cases = [
      { ...docVersion, gpu_num: 0 },
      { ...docVersion, gpu_num: null, system_metric_list: { series: zeros, interval } },
      { ...docVersion, gpu_num: 2, system_metric_list: { series: zeros, interval } },
    ];
    for (const v of cases) {
      const text = allText(expectSafe(renderRunCard(asRun(v), CTX)));
      expect(text).toContain('*CPU*');
      expect(text).not.toContain('*GPU');
    }
    // Not reported is not "none": GPU series with data still show.
    const unreported = allText(expectSafe(renderRunCard(asRun({ ...docVersion, gpu_num: null }), CTX)));
    expect(unreported).toContain('peak 0.88%');
    expect(unreported).toContain('*GPU memory*');
  });

  it('survives hostile strings (snapshot)', () => {
    const m = expectSafe(renderRunCard(asRun(hostileVersion()), CTX, { ephemeral: true }));
    const text = allText(m);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;@U123&gt;');
    expect(text).toContain('… 990 more classes');
    expect(compactText(m)).toMatchSnapshot();
  });

  it('renders every status code and an unknown one with nulls everywhere (snapshot)', () => {
    for (let status = -1; status <= 23; status++) expectSafe(renderRunCard(asRun(nullVersion(status)), CTX));
    const m = expectSafe(renderRunCard(asRun(nullVersion(99)), CTX, { ephemeral: true }));
    expect(allText(m)).toContain('❔ *job 42* · version 7');
    expect(allText(m)).toContain('*Unknown (99)*');
    expect(compactText(m)).toMatchSnapshot();
  });

  it('handles ids that cannot be put in a button value', () => {
    const m = expectSafe(renderRunCard(asRun({ ...nullVersion(10), job_id: 1e300, version_id: Number.NaN }), CTX));
    expect(buttons(m).map((b) => b.text)).toEqual(['Console']);
  });

  it('never says a run took 0 s: a failure that never ran failed at once', () => {
    const m = expectSafe(renderRunCard(asRun({ ...nullVersion(11), duration: 0 }), CTX));
    expect(allText(m)).toContain('*Failed* at once');
    expect(allText(m)).not.toContain('0 s');
  });

  it('renders a v2 job: no version, a short id in the title, the full id below, the phase as its status (snapshot)', () => {
    const m = expectSafe(renderRunCard(v2Run('Running'), CTX, { ephemeral: true }));
    const first = m.blocks[0];
    expect(first?.type === 'section' && first.text?.text).toBe(
      '🔵 *bert-finetune*  (job 6f1c2a3e)\n*Running* for 50 min · started 15 Jul 2019 08:32 (about 3 h ago)\nPyTorch 1.11.0 · 16 × ascend-snt9 · 192 cores · 720 GB · 2 workers · modelarts.kat1.8xlarge',
    );
    expect(allText(m)).toContain(`job ${V2_JOB} · status Running · project eu-de_ml`);
    expect(buttons(m).map((b) => [b.text, b.value ?? b.url])).toEqual([
      ['↻ Refresh', `{"j":"${V2_JOB}"}`],
      ['👁 Watch', `{"j":"${V2_JOB}"}`],
      ['Open TensorBoard', 'https://tb.example.com/v2/bert/'],
      ['Console', `https://console.example.com/modelarts/?region=eu-de#/training/detail/${V2_JOB}`],
      ['Share in channel', `{"k":"job","j":"${V2_JOB}"}`],
    ]);
    expect(m.text).toBe('🔵 bert-finetune: running (50 min) · job 6f1c2a3e');
    const queued = expectSafe(renderRunCard(v2Run('Pending', 'Queuing'), CTX));
    expect(allText(queued)).toContain('*Queuing*');
    expect(allText(queued)).toContain('status Pending (Queuing)');
    expect(compactText(m)).toMatchSnapshot();
  });

  it('says why a failed run failed: the reason, the task and its exit code; nothing when it is not failed', () => {
    const failure = {
      reason: 'RuntimeError: CUDA out of memory <!channel>',
      source: 'log' as const,
      exitCode: 1,
      task: 'worker-0',
      excerpt: null,
    };
    const failed = expectSafe(renderRunCard({ ...v2Run('Failed'), failure }, CTX));
    expect(allText(failed)).toContain(
      '*Why:* `RuntimeError: CUDA out of memory &lt;!channel&gt;` · exit code 1 · worker-0',
    );
    expect(allText(expectSafe(renderRunCard({ ...v2Run('Running'), failure }, CTX)))).not.toContain('*Why:*');
    const bare = expectSafe(renderRunCard({ ...v2Run('Abnormal'), failure: { ...failure, reason: null } }, CTX));
    expect(allText(bare)).toContain('*Why:* exit code 1');
  });
});

describe('unfurl', () => {
  it('is compact (snapshot)', () => {
    const m = expectSafe(renderUnfurl(asRun(docVersion), CTX));
    expect(m.blocks.length).toBeLessThanOrEqual(2);
    expect(compactText(m)).toMatchSnapshot();
    expectSafe(renderUnfurl(asRun(hostileVersion()), CTX));
    expect(compactText(expectSafe(renderUnfurl(asRun(nullVersion()), CTX)))).toMatchSnapshot();
    expect(compactText(expectSafe(renderUnfurl(v2Run('Completed'), CTX)))).toContain(`job ${V2_JOB} · project`);
  });
});

describe('jobs overview', () => {
  const opts = { page: 1, pageSize: 10, total: 1, statusFilter: [], source: 'versions' as const };

  it('renders the doc sample (snapshot)', () => {
    const m = expectSafe(renderJobsOverview(listed(docVersionStatuses), CTX, opts));
    expect(compactText(m)).toMatchSnapshot();
    expect(allText(m)).toContain('⚪ 1 cancelled');
  });

  it('pages a complete list of 1000 versions with counts over all of them (snapshot)', () => {
    const rows = listed(versionStatusRows(1000));
    const ctx = ctxAt('2019-07-20T12:00:00Z');
    const m = expectSafe(
      renderJobsOverview(rows, ctx, {
        page: 1,
        pageSize: 20,
        total: 1000,
        statusFilter: [],
        source: 'versions',
        ephemeral: true,
      }),
    );
    const text = allText(m);
    expect(text).toContain('page 1 of 50 · 1–20 of 1,000 job versions');
    expect(text).toContain('🔵 143 running');
    expect(text).toContain('*856 GPUs* · *72 NPUs* in use');
    const pager = buttons(m).filter((b) => b.action_id?.startsWith('jobs_page'));
    expect(pager.map((b) => [b.text, b.action_id, b.value])).toEqual([['Next ▶', 'jobs_page:next', '{"p":2}']]);
    expect(compactText(m)).toMatchSnapshot();

    const middle = expectSafe(
      renderJobsOverview(rows, ctx, {
        page: 25,
        pageSize: 20,
        total: 1000,
        statusFilter: ['running', 'failed'],
        source: 'versions',
      }),
    );
    const values = buttons(middle)
      .filter((b) => b.action_id?.startsWith('jobs_page'))
      .map((b) => jobsPageValue.decode(b.value));
    expect(values).toEqual([
      { page: 24, statusFilter: ['running', 'failed'] },
      { page: 26, statusFilter: ['running', 'failed'] },
    ]);
  });

  it('shows a page the API already cut, and clamps oversized pages', () => {
    const rows = listed(versionStatusRows(10));
    const m = expectSafe(renderJobsOverview(rows, CTX, { ...opts, page: 3, total: 1000 }));
    expect(allText(m)).toContain('page 3 of 100 · 21–30 of 1,000');
    expect(allText(m)).toContain('(on this page, of 1,000)');
    const huge = expectSafe(
      renderJobsOverview(listed(versionStatusRows(1000)), CTX, { ...opts, pageSize: 1000, total: 1000 }),
    );
    expect(huge.blocks.filter((b) => b.type === 'section').length).toBeLessThanOrEqual(JOBS_MAX_PAGE_SIZE + 1);
  });

  it('says when a page is past the end', () => {
    const m = expectSafe(renderJobsOverview(listed(versionStatusRows(30)), CTX, { ...opts, page: 9, total: 30 }));
    expect(allText(m)).toContain('Page 9 is past the end: there are 3 pages.');
    expect(buttons(m).map((b) => b.value)).toContain('{"p":3}');
  });

  it('has an empty state with a next step (snapshot)', () => {
    const none = expectSafe(renderJobsOverview([], CTX, { ...opts, total: 0 }));
    expect(allText(none)).toContain('`/modelarts watch JOB_ID`');
    const filtered = expectSafe(
      renderJobsOverview([], CTX, { ...opts, total: 0, statusFilter: ['<!channel>', 'failed'] }),
    );
    expect(allText(filtered)).toContain('Try `/modelarts jobs` to see every status');
    expect(`${compactText(none)}\n\n${compactText(filtered)}`).toMatchSnapshot();
  });

  it('survives hostile rows and unknown statuses (snapshot)', () => {
    const rows = listed(Array.from({ length: 40 }, (_, i) => hostileStatusRow(i * 3)));
    const m = expectSafe(
      renderJobsOverview(rows, CTX, {
        page: 1,
        pageSize: 20,
        total: 40,
        statusFilter: [...HOSTILE_STRINGS],
        source: 'jobs',
      }),
    );
    expect(allText(m)).toContain('not available for this project');
    expect(compactText(m)).toMatchSnapshot();
  });

  it('falls back to the job list: one row per job, its newest version (snapshot)', () => {
    const rows = (jobs: typeof docJobSummaries) => jobs.map(runFromV1JobSummary);
    const opts: JobsOverviewOptions = { page: 1, pageSize: 10, total: 1, statusFilter: [], source: 'jobs' };
    const m = expectSafe(renderJobsOverview(rows(docJobSummaries), CTX, opts));
    expect(allText(m)).toContain('latest version 10');
    expect(compactText(m)).toMatchSnapshot();
    const many = Array.from({ length: 1000 }, (_, i) => ({
      ...(docJobSummaries[0] as (typeof docJobSummaries)[number]),
      job_id: i,
      job_name: i % 2 ? HOSTILE : null,
      status: i % 25,
    }));
    expectSafe(
      renderJobsOverview(rows(many), CTX, { ...opts, page: 7, pageSize: 20, total: 1000, statusFilter: ['failed'] }),
    );
    expectSafe(renderJobsOverview([], CTX, { ...opts, total: 0 }));
  });
});

describe('configs', () => {
  const opts = { page: 1, pageSize: 10, search: null };

  it('renders the doc sample (snapshot)', () => {
    const m = expectSafe(renderConfigs(docConfigs, CTX, { ...opts, ephemeral: true }));
    expect(allText(m)).toContain('boot `bash -x /home/work/run_train.sh python');
    expect(compactText(m)).toMatchSnapshot();
  });

  it('empty, with and without a search', () => {
    const a = expectSafe(renderConfigs({ config_total_count: 0, configs: [] }, CTX, opts));
    const b = expectSafe(renderConfigs({ config_total_count: 0, configs: [] }, CTX, { ...opts, search: '<!here>' }));
    expect(`${compactText(a)}\n\n${compactText(b)}`).toMatchSnapshot();
  });

  it('1000 hostile configs stay within limits with safely cut boot commands', () => {
    const configs: TrainingJobConfig[] = Array.from({ length: 1000 }, (_, i) => ({
      config_name: i % 2 ? HOSTILE : `cfg-${i}`,
      config_desc: HOSTILE,
      create_time: i % 3 ? 1524189990635 + i : null,
      engine_type: null,
      engine_name: i % 4 ? '<!channel>' : null,
      engine_id: null,
      engine_version: HOSTILE,
      user_image_url: '`img`',
      user_command: `\`${HOSTILE}\``,
    }));
    const m = expectSafe(
      renderConfigs({ config_total_count: 1000, configs }, CTX, { page: 3, pageSize: 20, search: 'x' }),
    );
    for (const b of m.blocks) {
      if (b.type === 'section' && b.text) expect((b.text.text.match(/`/g) ?? []).length % 2).toBe(0);
    }
    expect(compactText(m)).toMatchSnapshot();
  });
});

describe('a page past the end of a one-page list', () => {
  it('says so in good English on every paged list', () => {
    const oneConfig = { config_total_count: 1, configs: docConfigs.configs.slice(0, 1) };
    const configs = expectSafe(renderConfigs(oneConfig, CTX, { page: 5, pageSize: 10, search: null }));
    expect(allText(configs)).toContain('Page 5 is past the end: there is 1 page.');
    const oneTask = { count: 1, tasks: docTasks.tasks.slice(0, 1) };
    const tasks = expectSafe(renderProcessorTasks(oneTask, CTX, { page: 5, pageSize: 10, filters: {} }));
    expect(allText(tasks)).toContain('Page 5 is past the end: there is 1 page.');
  });
});

describe('visualization job', () => {
  it('renders a running job with its TensorBoard button (snapshot)', () => {
    const running = { ...docViz, status: 8 };
    const m = expectSafe(renderVisualizationJob(running, ctxAt('2019-08-07T12:00:00Z'), { ephemeral: true }));
    expect(buttons(m)[0]).toMatchObject({ text: 'Open TensorBoard', url: docViz.service_url });
    expect(allText(m)).toContain('TensorBoard is up');
    expect(compactText(m)).toMatchSnapshot();
  });

  it('calls a TensorBoard up only while its job runs: the doc sample (status 7) is starting', () => {
    const m = expectSafe(renderVisualizationJob(docViz, ctxAt('2019-08-07T12:00:00Z'), { ephemeral: true }));
    expect(allText(m)).toContain('TensorBoard is starting');
    expect(allText(m)).not.toContain('is up');
    expect(allText(m)).not.toContain('waiting');
    expect(buttons(m).map((b) => b.text)).toEqual(['Share in channel']);
    const stopped = expectSafe(renderVisualizationJob({ ...docViz, status: 13 }, CTX));
    expect(allText(stopped)).not.toContain('TensorBoard is');
    expect(buttons(stopped)).toEqual([]);
  });

  it('lists visualization jobs newest first with a TensorBoard button on the rows that are up (snapshot)', () => {
    const jobs = [
      { ...docViz, job_id: 3, job_name: 'tb-running', status: 8 },
      { ...docViz, job_id: 2, job_name: 'tb-starting', status: 7 },
      { ...docViz, job_id: 1, job_name: HOSTILE, status: 13, service_url: null },
    ];
    const m = expectSafe(
      renderVisualizationJobs({ jobs, job_total_count: 23, job_count_limit: null }, CTX, {
        page: 1,
        pageSize: 3,
        ephemeral: true,
      }),
    );
    const bs = buttons(m);
    expect(bs.filter((b) => b.text === 'Open TensorBoard')).toHaveLength(1);
    expect(bs.filter((b) => b.text === 'Details').map((b) => b.value)).toEqual(['{"c":"viz 2"}', '{"c":"viz 1"}']);
    expect(allText(m)).toContain('page 1 of 8');
    const none = expectSafe(
      renderVisualizationJobs({ jobs: [], job_total_count: 0, job_count_limit: null }, CTX, { page: 1, pageSize: 10 }),
    );
    expect(allText(none)).toContain('No visualization jobs');
    expect(`${compactText(m)}\n\n${compactText(none)}`).toMatchSnapshot();
  });

  it('has no button for an unusable link, and survives nulls and hostile strings (snapshot)', () => {
    const bad = expectSafe(
      renderVisualizationJob(
        {
          ...docViz,
          service_url: 'javascript:alert(1)',
          job_name: HOSTILE,
          train_url: HOSTILE,
          job_desc: HOSTILE,
          resource_id: '<@U123>',
          status: 99,
        },
        CTX,
      ),
    );
    expect(buttons(bad)).toEqual([]);
    const empty = expectSafe(
      renderVisualizationJob(
        {
          job_id: 5,
          job_name: null,
          job_desc: null,
          status: 3,
          create_time: null,
          duration: null,
          service_url: null,
          train_url: null,
          resource_id: null,
        },
        CTX,
      ),
    );
    expect(`${compactText(bad)}\n\n${compactText(empty)}`).toMatchSnapshot();
  });
});

describe('processor tasks', () => {
  const opts = { page: 1, pageSize: 5, filters: {} };
  const ctx = ctxAt('2020-11-26T09:00:00Z');

  it('renders the doc sample, a feature analysis result and a failure (snapshot)', () => {
    const m = expectSafe(
      renderProcessorTasks({ count: 3, tasks: [...docTasks.tasks, analysisTask, failedTask] }, ctx, {
        ...opts,
        filters: { datasetId: 'X6c3N3eztX7cr3Arvqu' },
        ephemeral: true,
      }),
    );
    const text = allText(m);
    expect(text).toContain('*Feature analysis* · dataset X6c3N3eztX7cr3Arvqu version V001 · completed');
    expect(text).toContain('started 26 Nov 2020 07:36 · took 11 s');
    expect(text).toContain('⚠️ OBS path s3://test-obs/classify/ does not exist');
    // Two lines a task, no raw keys.
    for (const b of m.blocks) if (b.type === 'section') expect(b.text?.text.split('\n').length).toBeLessThanOrEqual(2);
    expect(text).not.toMatch(/sys_data|sample_count|brightness/);
    expect(buttons(m).filter((b) => b.text === 'Details')).toHaveLength(3);
    expect(compactText(m)).toMatchSnapshot();
  });

  it('shows one task in full with readable names (snapshot)', () => {
    const m = expectSafe(renderProcessorTask(analysisTask, ctx));
    const text = allText(m);
    expect(text).toMatch(
      /• \*Brightness\* mean 0\.48 · std 0\.12 · min 0\.12 · max 0\.85 · distribution `[▁-█]{10}` 0–1 \(mode 0\.4–0\.5\)/,
    );
    expect(text).not.toContain('sys_data');
    const failed = expectSafe(renderProcessorTask(failedTask, ctx));
    expect(allText(failed)).toContain('⚠️ OBS path s3://test-obs/classify/ does not exist');
    expect(`${compactText(m)}\n\n${compactText(failed)}`).toMatchSnapshot();
  });

  it('renders unknown result shapes generically, never dropping them (snapshot)', () => {
    const shapes: unknown[] = [
      'xxx',
      42,
      [1, 5, 3, 9],
      [{ a: 1 }, { b: '<!channel>' }],
      { nested: { deeper: { deepest: { bottom: [1, 2, { x: 1 }] } } } },
      { histogram: { '0-10': 5, '10-20': 9 }, labels: ['cat', 'dog'], ok: true, none: null },
      { [HOSTILE]: HOSTILE, '<!here>': { '<@U123>': 1 } },
      Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])),
      Array.from({ length: 5000 }, (_, i) => ({ i, label: HOSTILE })),
    ];
    const tasks: ProcessorTask[] = shapes.map((result, i) => ({
      ...analysisTask,
      task_id: `shape${i}`,
      name: `shape-${i}`,
      result: result as ProcessorTask['result'],
    }));
    const list = expectSafe(renderProcessorTasks({ count: tasks.length, tasks }, ctx, { ...opts, pageSize: 20 }));
    expect(allText(list)).toContain('result xxx');
    const details = tasks.map((t) => expectSafe(renderProcessorTask(t, ctx)));
    const m = { text: 'details', blocks: details.flatMap((d) => d.blocks) };
    const text = allText(details);
    expect(text).toContain('result `xxx`');
    expect(text).toContain('result 42');
    expect(text).toContain('result `▂▅▃█` 1–9 (4 values)');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('deepest `{\\"bottom\\":[1,2,{\\"x\\":1}]}`');
    expect(text).toContain('• *Histogram* 0-10 5 · 10-20 9');
    expect(text).toContain('K0 0 · K1 1');
    expect(`${compactText(list)}\n\n${compactText(m)}`).toMatchSnapshot();
  });

  it('1000 tasks, empty lists and filters', () => {
    const tasks = Array.from({ length: 1000 }, (_, i) => ({
      ...(i % 2 ? analysisTask : failedTask),
      task_id: `t${i}`,
      name: i % 3 ? HOSTILE : null,
      error_msg: i % 2 ? null : HOSTILE,
      status: i % 6,
      task_type: i % 5 ? 'sys_data_analyse' : '<!channel>',
    }));
    const m = expectSafe(
      renderProcessorTasks({ count: 1000, tasks }, ctx, { page: 2, pageSize: 20, filters: { status: 3 } }),
    );
    expect(allText(m)).toContain('page 2 of 50');
    const none = expectSafe(renderProcessorTasks({ count: 0, tasks: [] }, ctx, opts));
    const filtered = expectSafe(
      renderProcessorTasks({ count: 0, tasks: [] }, ctx, {
        ...opts,
        filters: { datasetId: 'abc', taskType: 'cleaning', status: 1 },
      }),
    );
    expect(allText(filtered)).toContain('No tasks match dataset abc · data cleansing · running');
    expect(`${compactText(none)}\n\n${compactText(filtered)}`).toMatchSnapshot();
  });
});

describe('help and errors', () => {
  it('gives an overview in short sections with buttons for the common commands (snapshot)', () => {
    const m = expectSafe(renderHelp());
    const text = allText(m);
    for (const sub of ['jobs', 'job', 'viz', 'configs', 'tasks', 'watch', 'unwatch', 'watches']) {
      expect(text).toContain(`/modelarts ${sub}`);
    }
    expect(buttons(m).map((b) => [b.text, b.value])).toEqual([
      ['Jobs', '{"c":"jobs"}'],
      ['Running jobs', '{"c":"jobs running"}'],
      ['Watches', '{"c":"watches"}'],
    ]);
    // Short lines: nothing like the old wall of usage lines.
    for (const b of m.blocks) {
      if (b.type !== 'section') continue;
      for (const line of b.text?.text.split('\n') ?? []) expect(line.length).toBeLessThan(200);
    }
    expect(compactText(m)).toMatchSnapshot();
  });

  it('shows one subcommand with its usage and examples (snapshot)', () => {
    for (const sub of Object.keys(USAGE) as Array<keyof typeof USAGE>) {
      const m = expectSafe(renderHelp({ topic: sub }));
      expect(allText(m)).toContain(JSON.stringify(USAGE[sub]).slice(1, -1));
    }
    const jobs = renderHelp({ topic: 'jobs' });
    expect(buttons(jobs).map((b) => b.value)).toEqual(['{"c":"jobs"}']);
    // Watching has side effects: no button runs it from the help.
    expect(buttons(renderHelp({ topic: 'watch' }))).toEqual([]);
    expect(compactText(renderHelp({ topic: 'watch' }))).toMatchSnapshot();
  });

  it('answers a near miss with the corrected command and a button that runs it (snapshot)', () => {
    const typo = expectSafe(renderHelp({ problem: 'I don’t know `status`.', usage: null, suggestion: 'job 10' }));
    expect(allText(typo)).toContain('Did you mean `/modelarts job 10`?');
    expect(buttons(typo)).toEqual([
      expect.objectContaining({ text: 'Run /modelarts job 10', action_id: 'run_command', value: '{"c":"job 10"}' }),
    ]);
    const unknown = expectSafe(renderHelp({ problem: 'I don’t know `<!channel>`.' }));
    expect(allText(unknown)).toContain('&lt;!channel&gt;');
    expect(buttons(unknown).map((b) => b.value)).toEqual(['{"c":"help"}']);
    const usage = expectSafe(renderHelp({ problem: '`ten` is not a job id.', usage: USAGE.job }));
    expect(allText(usage)).toContain('Usage: `/modelarts job JOB_ID');
    const hostile = expectSafe(renderHelp({ problem: HOSTILE, usage: HOSTILE, suggestion: '`<@U123>`' }));
    expect(
      `${compactText(typo)}\n\n${compactText(unknown)}\n\n${compactText(usage)}\n\n${compactText(hostile).slice(0, 400)}`,
    ).toMatchSnapshot();
  });

  it('renders error sentences with the usage line (snapshot)', () => {
    const m = expectSafe(
      renderErrorMessage(
        'No training job 42 version 7 in project eu-de_ml. Try `/modelarts job 42` for its latest version.',
        USAGE.job,
      ),
    );
    const hostile = expectSafe(renderErrorMessage(HOSTILE, HOSTILE));
    const empty = expectSafe(renderErrorMessage(''));
    expect(`${compactText(m)}\n\n${compactText(empty)}`).toMatchSnapshot();
    expect(hostile.text.length).toBeLessThanOrEqual(1500);
  });
});

describe('watches', () => {
  it('lists creator, filter, last status, disabled reason and Unwatch (snapshot)', () => {
    const m = expectSafe(renderWatches(sampleWatches, CTX));
    const text = allText(m);
    expect(text).toContain('by <@UALICE01>');
    expect(text).toContain('⛔ *Disabled* about 3 h ago: channel_not_found');
    // Ended and disabled watches have nothing to stop: 6 watches, 4 buttons.
    expect(buttons(m).filter((b) => b.action_id === 'unwatch')).toHaveLength(4);
    expect(text).toContain('Stop all failure alerts');
    expect(text).toContain('job 6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b* · alerts on every outcome');
    expect(compactText(m)).toMatchSnapshot();
  });

  it('empty, 1000 and hostile watches', () => {
    expect(compactText(expectSafe(renderWatches([], CTX)))).toMatchSnapshot();
    const many = Array.from({ length: 1000 }, (_, i) => watch(i + 1));
    const m = expectSafe(renderWatches(many, CTX));
    expect(allText(m)).toMatch(/more watches/);
    expect(allText(m)).toContain('`/modelarts unwatch 10 46`');
    expectSafe(
      renderWatches(
        Array.from({ length: 300 }, (_, i) => hostileWatch(i + 1)),
        CTX,
      ),
    );
  });
});

describe('alerts', () => {
  it('renders the durable card for each state, with metadata (snapshot)', () => {
    const out: string[] = [];
    for (const status of [7, 8, 10, 11, 12, 99]) {
      const m = expectSafe(renderAlertCard(alertFor(status), CTX));
      expect(m.metadata?.event_payload).toMatchObject({ job_id: '10', version_id: '10', status: String(status) });
      out.push(compactText(m));
    }
    expect(out.join('\n\n')).toMatchSnapshot();
    expect(allText(renderAlertCard(alertFor(8), CTX))).toContain(
      '*Running* for 3 h 2 min · since <!date^1563172362^{date_short_pretty} {time}|15 Jul 2019 08:32>',
    );
  });

  it('replies in the thread on terminal states; failures mention the creator and show the log tail (snapshot)', () => {
    const done = expectSafe(renderTerminalReply(alertFor(10), CTX));
    expect(allText(done)).toContain('completed in 2 h 4 min');
    expect(allText(done)).toContain('Final metrics: Accuracy 0.09%');
    const failed = expectSafe(renderTerminalReply(alertFor(11), CTX));
    expect(allText(failed)).toContain('failed after 2 h 4 min (`JOBSTAT_FAILED`) · <@UALICE01>');
    expect(allText(failed)).toContain('RuntimeError: CUDA out of memory');
    expect(failed.text).toContain('<@UALICE01>');
    const cancelled = expectSafe(renderTerminalReply(alertFor(12), CTX));
    const noLog = expectSafe(renderTerminalReply(alertFor(11, { logTail: [] }), CTX));
    const other = expectSafe(renderTerminalReply(alertFor(8), CTX));
    expect([done, failed, cancelled, noLog, other].map((m) => compactText(m)).join('\n\n')).toMatchSnapshot();
  });

  it('says "at once" for a version that failed without running, never "after 0 s"', () => {
    const never = { run: { startedAt: null, durationMs: 0 } };
    const failed = expectSafe(renderTerminalReply(alertFor(11, never), CTX));
    expect(allText(failed)).toContain('failed at once');
    const card = expectSafe(renderAlertCard(alertFor(11, never), CTX));
    const project = expectSafe(renderProjectFailure(alertFor(11, never), CTX));
    const done = expectSafe(renderTerminalReply(alertFor(10, never), CTX));
    for (const m of [failed, card, project, done]) expect(allText(m)).not.toMatch(/\b0 s\b/);
    expect(allText(done)).toContain('completed');
  });

  it('project failures, hostile alerts and stored payloads', () => {
    const m = expectSafe(renderProjectFailure(alertFor(11, { watchId: 3, creatorUserId: null }), CTX));
    expect(allText(m)).not.toContain('<@');
    expect(compactText(m)).toMatchSnapshot();
    for (const status of [8, 10, 11, 12, 99]) {
      const a = hostileAlert(status);
      expectSafe(renderAlertCard(a, CTX));
      const reply = expectSafe(renderTerminalReply(a, CTX));
      expectSafe(renderProjectFailure(a, CTX));
      expect(allText(reply)).not.toContain('<@');
    }
    // The poller stores alerts as JSON and reads them back (the console link is filled again on delivery).
    const stored = JSON.parse(JSON.stringify(alertFor(11)));
    expect(parseJobAlert(stored)).toEqual(alertFor(11));
    expect(parseJobAlert({ ...stored, run: { ...stored.run, modelMetrics: 'garbage', resources: 'x' } })).toMatchObject(
      { run: { modelMetrics: null, resources: { accelerators: null } } },
    );
    expect(parseJobAlert({ jobId: '1' })).toBeNull();
    expect(alertMetadata(hostileAlert(11), 'card').event_type).toBe('modelarts_job_version');
  });

  it('renders a v2 job in every alert message, with its phase as the status (snapshot)', () => {
    const card = expectSafe(renderAlertCard(v2AlertFor('Running'), CTX));
    expect(card.metadata?.event_payload).toEqual({
      project_id: 'eu-de_ml',
      job_id: V2_JOB,
      status: 'Running',
      status_name: 'Running',
      event: 'status',
      kind: 'card',
    });
    const failed = v2AlertFor('Abnormal', 'CreateFailed');
    const reply = expectSafe(renderTerminalReply(failed, CTX));
    expect(allText(reply)).toContain('*bert-finetune* creation failed after 50 min (`Abnormal`)');
    const project = expectSafe(renderProjectFailure(failed, CTX));
    expect(allText(project)).toContain(`job ${V2_JOB} · PyTorch 1.11.0 · 16 × ascend-snt9`);
    expect([card, reply, project].map((m) => compactText(m)).join('\n\n')).toMatchSnapshot();
  });

  it('ops notices (snapshot)', () => {
    const since = new Date(CTX.now.getTime() - 12 * 60_000);
    const failing = expectSafe(
      renderOpsNotice(
        { kind: 'failing', since, error: 'ModelArts did not answer in time.', projectId: 'eu-de_ml' },
        CTX,
      ),
    );
    const recovered = expectSafe(
      renderOpsNotice({ kind: 'recovered', since: since.toISOString(), projectId: 'eu-de_ml' }, CTX),
    );
    expectSafe(renderOpsNotice({ kind: 'failing', since: Number.NaN, error: HOSTILE, projectId: HOSTILE }, CTX));
    expect(allText(failing)).toContain('(12 min)');
    expect(allText(failing)).not.toContain('<!here>');
    expect(`${compactText(failing)}\n\n${compactText(recovered)}`).toMatchSnapshot();
  });
});

describe('App Home', () => {
  it('shows the user’s watches and running versions with GPU totals (snapshot)', () => {
    const running = listed(versionStatusRows(14).filter((r) => r.status === 8));
    const v = expectSafe(
      renderHome({ userId: 'UVIEWER1', watches: sampleWatches, running, gpuTotal: 16, npuTotal: 2 }, CTX),
    );
    expect(v.type).toBe('home');
    expect(allText(v)).toContain('*16 GPUs* · *2 NPUs* in use');
    expect(buttons(v as { blocks: KnownBlock[] })[0]).toMatchObject({ text: '↻ Refresh', action_id: 'home_refresh' });
    expect(compactText(v)).toMatchSnapshot();
  });

  it('empty, error, 1000 of each and hostile', () => {
    const empty = expectSafe(
      renderHome({ userId: 'UVIEWER1', watches: [], running: [], gpuTotal: 0, npuTotal: 0 }, CTX),
    );
    const error = expectSafe(
      renderHome(
        { userId: 'UVIEWER1', watches: [], running: [], gpuTotal: 0, npuTotal: 0, error: 'ModelArts is down <!here>' },
        CTX,
      ),
    );
    expect(`${compactText(empty)}\n\n${compactText(error)}`).toMatchSnapshot();
    expectSafe(
      renderHome(
        {
          userId: 'UVIEWER1',
          watches: Array.from({ length: 1000 }, (_, i) => watch(i + 1)),
          running: listed(versionStatusRows(1000)),
          gpuTotal: 8000,
          npuTotal: 1e300,
        },
        CTX,
      ),
    );
    expectSafe(
      renderHome(
        {
          userId: '<!channel>',
          watches: Array.from({ length: 200 }, (_, i) => hostileWatch(i + 1)),
          running: listed(Array.from({ length: 200 }, (_, i) => hostileStatusRow(i))),
          gpuTotal: Number.NaN,
          npuTotal: -1,
          error: null,
        },
        { ...CTX, projectId: HOSTILE },
      ),
    );
  });
});

describe('lookup modal', () => {
  it('asks for job, optional version and a conversation (snapshot)', () => {
    const v = expectSafe(renderLookupModal());
    expect(v.callback_id).toBe('modelarts_lookup_modal');
    expect(v.blocks[2]).toMatchObject({
      block_id: 'lookup_conversation',
      element: { type: 'conversations_select', action_id: 'conversation_input', default_to_current_conversation: true },
    });
    expect(v.blocks[1]).toMatchObject({ optional: true, block_id: 'lookup_version_id' });
    expect(v).toMatchSnapshot();
    const pre = expectSafe(renderLookupModal({ initialChannelId: 'C0GENERAL', jobId: '10', versionId: 'abc' }));
    expect(JSON.stringify(pre)).toContain('"initial_conversation":"C0GENERAL"');
    expect(JSON.stringify(pre)).not.toContain('abc');
    expectSafe(renderLookupModal({ initialChannelId: '<!channel>', jobId: HOSTILE }));
  });
});
