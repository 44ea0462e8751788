/**
 * Property tests: random TrainingJobVersion-like data (hostile strings, huge numbers, NaN, nulls, long lists) through
 * every renderer: nothing throws, every payload is within Slack's limits and nothing from the data forms a mention.
 */

import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { JobAlert } from '../../../src/alerts/index.js';
import {
  type JobRun,
  type JobVersionStatus,
  listedFromV1StatusRow,
  type ModelMetrics,
  type ProcessorTask,
  runFromV1JobSummary,
  runFromV1Version,
  type SystemMetrics,
  statusFromKey,
  type TrainingJobConfig,
  type TrainingJobVersion,
  type VisualizationJob,
} from '../../../src/modelarts/index.js';
import {
  renderAlertCard,
  renderConfigs,
  renderErrorMessage,
  renderHelp,
  renderHome,
  renderJobsOverview,
  renderLookupModal,
  renderOpsNotice,
  renderProcessorTasks,
  renderProjectFailure,
  renderRunCard,
  renderTerminalReply,
  renderUnfurl,
  renderVisualizationJob,
  renderWatches,
} from '../../../src/slack/blocks/index.js';
import type { Watch, WatchFilter } from '../../../src/store/types.js';
import { CTX, HOSTILE, HOSTILE_STRINGS, LINKS, LONG, TENSORBOARD } from './fixtures.js';
import { expectSafe } from './helpers.js';

const RUNS = { numRuns: 40 };

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS, HOSTILE, '') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 300, maxLength: 1200 }) },
  { weight: 1, arbitrary: fc.constant(LONG) },
);
const optText = fc.option(text, { nil: null });
const num = fc.oneof(
  fc.integer({ min: -5, max: 30 }),
  fc.double(),
  fc.constantFrom(0, 1, 1e300, -1e300, Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY, 0.000937),
);
const optNum = fc.option(num, { nil: null });
const time = fc.option(
  fc.oneof(fc.integer({ min: 1_500_000_000_000, max: 1_700_000_000_000 }), fc.constantFrom(-1, 0, 8.64e15, Number.NaN)),
  { nil: null },
);
const id = fc.oneof(fc.nat({ max: 1_000_000 }), fc.constantFrom(0, Number.MAX_SAFE_INTEGER, 1e300, Number.NaN));
const status = fc.oneof(fc.integer({ min: -2, max: 25 }), fc.constantFrom(99, 1e9, Number.NaN));
const short = <T>(arb: fc.Arbitrary<T>, max = 30) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.array(arb, { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.array(arb, { maxLength: max }) },
  );

const metricValues = fc.record({ accuracy: num, precision: num, recall: num, f1_score: num }, { requiredKeys: [] });
const modelMetrics: fc.Arbitrary<ModelMetrics | null> = fc.option(
  fc.record({
    total: fc.option(metricValues, { nil: null }),
    classes: short(
      fc.record({
        accuracy: num,
        class_name: optText,
        class_id: fc.option(fc.integer(), { nil: null }),
      }),
      1000,
    ),
  }),
  { nil: null },
);
const systemMetrics: fc.Arbitrary<SystemMetrics | null> = fc.option(
  fc.record({
    series: fc.dictionary(
      fc.oneof(fc.constantFrom('cpuUsage', 'memUsage', 'gpuUtil', 'recvBytesRate', 'diskReadRate'), text),
      fc.array(num, { maxLength: 300 }),
      { maxKeys: 15 },
    ),
    interval: optNum,
  }),
  { nil: null },
);

const version: fc.Arbitrary<TrainingJobVersion> = fc.record({
  job_id: id,
  job_name: optText,
  job_desc: optText,
  version_id: id,
  version_name: optText,
  pre_version_id: fc.option(id, { nil: null }),
  status,
  create_time: time,
  start_time: time,
  duration: optNum,
  engine_type: optNum,
  engine_name: optText,
  engine_id: fc.option(id, { nil: null }),
  engine_version: optText,
  app_url: optText,
  boot_file_url: optText,
  data_url: optText,
  train_url: optText,
  log_url: optText,
  data_source: short(fc.dictionary(text, fc.oneof(text, num, fc.boolean(), fc.constant(null)), { maxKeys: 5 })),
  dataset_id: optText,
  dataset_version_id: optText,
  dataset_name: optText,
  dataset_version_name: optText,
  spec_id: fc.option(id, { nil: null }),
  spec_code: optText,
  core: optText,
  cpu: optText,
  gpu_num: optNum,
  gpu_type: optText,
  worker_server_num: optNum,
  pool_id: optText,
  pool_name: optText,
  parameter: short(fc.record({ label: text, value: text }), 1000),
  user_image_url: optText,
  user_command: optText,
  model_id: fc.option(id, { nil: null }),
  model_metric_list: modelMetrics,
  system_metric_list: systemMetrics,
  resource_id: optText,
});

function statusRow(
  v: TrainingJobVersion,
  extra: { end: number | null; npu: number | null; flavor: string | null },
): JobVersionStatus {
  return {
    version_id: v.version_id,
    version_name: v.version_name,
    job_id: v.job_id,
    job_name: v.job_name,
    status: v.status,
    create_time: v.create_time,
    start_time: v.start_time,
    end_time: extra.end,
    duration: v.duration,
    version_desc: v.job_desc,
    pool_id: v.pool_id,
    flavor_code: extra.flavor,
    npu_num: extra.npu,
    gpu_num: v.gpu_num,
  };
}

/** A run as the mapper makes it from the wire record, with one of the console links a renderer may meet. */
function runOf(v: TrainingJobVersion, consoleUrl: string | null | undefined): JobRun {
  const run = runFromV1Version(v);
  return consoleUrl === undefined ? LINKS.withConsoleUrl(run) : { ...run, consoleUrl };
}

function alertOf(
  v: TrainingJobVersion,
  consoleUrl: string | null | undefined,
  logTail: string[] | null,
  creator: string | null,
  watchId: number | null,
): JobAlert {
  return {
    projectId: v.pool_id ?? 'p',
    run: runOf(v, consoleUrl),
    previousStatus: v.engine_type === null ? null : statusFromKey(String(v.engine_type)).key,
    logTail,
    creatorUserId: creator,
    watchId,
    event: 'terminal',
  };
}

const consoleUrlArb = fc.constantFrom<string | null | undefined>(undefined, null, 'javascript:alert(1)', LONG);

const ctxArb = fc.record({
  now: fc.oneof(
    fc.constant(CTX.now),
    fc.integer({ min: 0, max: 4_000_000_000_000 }).map((t) => new Date(t)),
  ),
  timeZone: fc.constantFrom('Europe/Berlin', 'UTC', 'Asia/Kolkata', 'America/St_Johns', 'Not/AZone', ''),
  projectId: fc.oneof(fc.constant('eu-de_ml'), text),
});

const watchArb: fc.Arbitrary<Watch> = fc.record({
  id: fc.oneof(fc.integer({ min: -1, max: 1_000_000 }), fc.constant(Number.NaN)),
  teamId: text,
  channelId: fc.oneof(fc.constant('C0GENERAL'), text),
  projectId: text,
  creatorUserId: fc.oneof(fc.constant('UALICE01'), text),
  target: fc.oneof(
    fc.record({ kind: fc.constant('run' as const), jobId: text, versionId: optText }),
    fc.record({ kind: fc.constant('job' as const), jobId: text }),
    fc.constant({ kind: 'project' as const }),
  ),
  filter: fc.constantFrom<WatchFilter>('default', 'failed', 'completed', 'cancelled', 'all'),
  createdAt: fc.date({ noInvalidDate: false }),
  endedAt: fc.option(fc.date({ noInvalidDate: false }), { nil: null }),
  disabledAt: fc.option(fc.date({ noInvalidDate: false }), { nil: null }),
  disabledReason: optText,
  lastStatus: fc.option(fc.oneof(status.map(String), text), { nil: null }),
});

describe('renderers never throw and stay within limits', () => {
  it('job version card and unfurl', () => {
    fc.assert(
      fc.property(
        version,
        ctxArb,
        consoleUrlArb,
        fc.option(fc.constantFrom(`${TENSORBOARD}x/`, 'javascript:x', LONG), { nil: null }),
        fc.boolean(),
        (v, ctx, consoleUrl, tb, ephemeral) => {
          const run = runOf(v, consoleUrl);
          expectSafe(renderRunCard(run, ctx, { tensorboardUrl: tb, ephemeral }));
          expectSafe(renderUnfurl(run, ctx));
        },
      ),
      RUNS,
    );
  });

  it('jobs overview and job list fallback', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(version, time, optNum, optText), { maxLength: 60 }),
        ctxArb,
        fc.record({
          page: fc.oneof(fc.integer({ min: -3, max: 200 }), fc.constant(Number.NaN)),
          pageSize: fc.oneof(fc.integer({ min: -1, max: 2000 }), fc.constant(Number.POSITIVE_INFINITY)),
          total: fc.oneof(fc.integer({ min: -1, max: 100_000 }), fc.constant(Number.NaN)),
          statusFilter: fc.array(text, { maxLength: 30 }),
          source: fc.constantFrom('versions' as const, 'jobs' as const),
          ephemeral: fc.boolean(),
        }),
        (items, ctx, opts) => {
          const rows = items.map(([v, end, npu, flavor]) => statusRow(v, { end, npu, flavor }));
          expectSafe(renderJobsOverview(rows.map(listedFromV1StatusRow), ctx, opts));
          const jobs = items.map(([v]) => ({
            job_id: v.job_id,
            job_name: v.job_name,
            version_id: v.version_id,
            status: v.status,
            create_time: v.create_time,
            duration: v.duration,
            job_desc: v.job_desc,
            version_count: v.gpu_num,
          }));
          // The job-list fallback: one row per job, its newest version.
          expectSafe(renderJobsOverview(jobs.map(runFromV1JobSummary), ctx, { ...opts, source: 'jobs' }));
        },
      ),
      RUNS,
    );
  });

  it('alert card, terminal reply, project failure', () => {
    fc.assert(
      fc.property(
        version,
        ctxArb,
        consoleUrlArb,
        fc.option(fc.array(text, { maxLength: 300 }), { nil: null }),
        fc.option(fc.oneof(fc.constant('UALICE01'), text), { nil: null }),
        fc.option(fc.oneof(fc.integer(), fc.constant(Number.NaN)), { nil: null }),
        (v, ctx, consoleUrl, logTail, creator, watchId) => {
          const alert = alertOf(v, consoleUrl, logTail, creator, watchId);
          expectSafe(renderAlertCard(alert, ctx));
          expectSafe(renderTerminalReply(alert, ctx));
          expectSafe(renderProjectFailure(alert, ctx));
        },
      ),
      RUNS,
    );
  });

  it('configs, visualization jobs and processor tasks', () => {
    const config: fc.Arbitrary<TrainingJobConfig> = fc.record({
      config_name: text,
      config_desc: optText,
      create_time: time,
      engine_type: optNum,
      engine_name: optText,
      engine_id: fc.option(id, { nil: null }),
      engine_version: optText,
      user_image_url: optText,
      user_command: optText,
    });
    const viz: fc.Arbitrary<VisualizationJob> = fc.record({
      job_id: id,
      job_name: optText,
      job_desc: optText,
      status,
      create_time: time,
      duration: optNum,
      service_url: fc.option(fc.oneof(text, fc.constant(`${TENSORBOARD}1/`)), { nil: null }),
      train_url: optText,
      resource_id: optText,
    });
    const source = fc.option(
      fc.record({ type: optText, source: optText, name: optText, version_id: optText, version_name: optText }),
      { nil: null },
    );
    const task: fc.Arbitrary<ProcessorTask> = fc.record({
      task_id: text,
      name: optText,
      description: optText,
      status,
      error_msg: optText,
      create_time: time,
      duration_seconds: optNum,
      task_type: fc.option(fc.oneof(fc.constantFrom('sys_data_analyse', 'analysis', 'sys_data_cleaning'), text), {
        nil: null,
      }),
      data_source: source,
      inputs: fc.array(
        source.map((s) => s ?? { type: null, source: null, name: null, version_id: null, version_name: null }),
        {
          maxLength: 3,
        },
      ),
      template: fc.constant(null),
      version_id: optText,
      version_name: optText,
      version_count: optNum,
      is_current: fc.option(fc.boolean(), { nil: null }),
      work_path: fc.constant(null),
      workspace_id: optText,
      result: fc.oneof(
        fc.constant(null),
        fc.jsonValue({ maxDepth: 5 }),
        fc.dictionary(text, fc.array(fc.record({ lower: num, upper: num, count: num }), { maxLength: 30 }), {
          maxKeys: 8,
        }),
      ) as fc.Arbitrary<ProcessorTask['result']>,
    });
    const paging = fc.record({
      page: fc.integer({ min: 1, max: 60 }),
      pageSize: fc.integer({ min: 1, max: 100 }),
      ephemeral: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(config, { maxLength: 40 }),
        fc.array(task, { maxLength: 25 }),
        viz,
        ctxArb,
        paging,
        optText,
        fc.record({ datasetId: optText, taskType: optText, status: fc.option(status, { nil: null }) }),
        (configs, tasks, vizJob, ctx, p, search, filters) => {
          expectSafe(renderConfigs({ config_total_count: configs.length * 3, configs }, ctx, { ...p, search }));
          expectSafe(renderProcessorTasks({ count: tasks.length, tasks }, ctx, { ...p, filters }));
          expectSafe(renderVisualizationJob(vizJob, ctx, { ephemeral: p.ephemeral }));
        },
      ),
      RUNS,
    );
  });

  it('watches, App Home, help, errors, ops notices and the lookup modal', () => {
    fc.assert(
      fc.property(
        fc.array(watchArb, { maxLength: 80 }),
        fc.array(version, { maxLength: 40 }),
        ctxArb,
        fc.record({ problem: optText, usage: optText, didYouMean: optText }),
        fc.record({
          kind: fc.constantFrom('failing' as const, 'recovered' as const),
          since: fc.oneof(fc.date({ noInvalidDate: false }), text, num),
          error: optText,
          projectId: text,
        }),
        fc.option(fc.oneof(fc.constant('C0GENERAL'), text), { nil: null }),
        (watches, versions, ctx, help, notice, channel) => {
          expectSafe(renderWatches(watches, ctx));
          const running = versions.map((v) =>
            listedFromV1StatusRow(statusRow(v, { end: null, npu: v.gpu_num, flavor: v.spec_code })),
          );
          expectSafe(
            renderHome(
              {
                userId: 'UVIEWER1',
                watches,
                running,
                gpuTotal: running.length * 8,
                npuTotal: Number.NaN,
                error: help.problem,
              },
              ctx,
            ),
          );
          expectSafe(renderHelp(help));
          expectSafe(renderErrorMessage(help.problem ?? '', help.usage));
          expectSafe(renderOpsNotice(notice as Parameters<typeof renderOpsNotice>[0], ctx));
          expectSafe(renderLookupModal({ initialChannelId: channel, jobId: help.usage, versionId: help.problem }));
        },
      ),
      RUNS,
    );
  });
});
