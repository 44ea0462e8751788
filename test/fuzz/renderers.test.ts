/**
 * Arbitrary wire data → the real zod parsers → every renderer: nothing throws, every payload is within Block Kit's
 * limits, nothing from the data becomes a mention or link in mrkdwn, every URL is http(s).
 * (test/slack/blocks/property.test.ts fuzzes the renderers with typed data; this goes through the parsers first, as
 * real responses do, and through the poller's alert builders.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { factsFromRun, jobAlert, parseJobAlert } from '../../src/alerts/index.js';
import {
  consoleLinks,
  type JobVersionStatus,
  listedFromV1StatusRow,
  type ProcessorTaskList,
  runFromV1JobSummary,
  runFromV1Version,
  statusFromKey,
  type TrainingJobConfigList,
  type TrainingJobVersion,
  type VisualizationJob,
} from '../../src/modelarts/index.js';
import { ProcessorTaskListSchema } from '../../src/modelarts/resources/processor-tasks.js';
import {
  TrainingJobConfigListSchema,
  TrainingJobConfigSchema,
} from '../../src/modelarts/resources/training-job-configs.js';
import {
  AomLogSchema,
  JobVersionStatusListSchema,
  JobVersionStatusSchema,
  TrainingJobListSchema,
  TrainingJobSummarySchema,
  TrainingJobVersionSchema,
} from '../../src/modelarts/resources/training-jobs.js';
import { VisualizationJobSchema } from '../../src/modelarts/resources/visualization-jobs.js';
import {
  checkLimits,
  type RenderContext,
  renderAlertCard,
  renderConfigs,
  renderHome,
  renderJobsOverview,
  renderProcessorTasks,
  renderProjectFailure,
  renderRunCard,
  renderTerminalReply,
  renderUnfurl,
  renderVisualizationJob,
} from '../../src/slack/blocks/index.js';
import type { Watch } from '../../src/store/types.js';
import { expectSafePayload } from './safety.js';
import { chaos, HOSTILE, wireList, wireObject } from './wire.js';

const RUNS = { numRuns: 150 };

const keysOf = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape);

const ctx: fc.Arbitrary<RenderContext> = fc.record({
  now: fc.date({ min: new Date('2019-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
  timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/St_Johns', 'Not/A_Zone', ''),
  projectId: fc.oneof(fc.constantFrom('sim-project', '0a1b2c3d4e5f'), fc.constantFrom(...HOSTILE)),
});

/** The console links of an OTC endpoint, as the use cases fill them in. */
const LINKS = consoleLinks({ endpoint: 'https://modelarts.eu-de.otc.t-systems.com', projectId: 'sim-project' });
const asRun = (v: TrainingJobVersion) => LINKS.withConsoleUrl(runFromV1Version(v));

const versionWire = fc.oneof(
  {
    weight: 4,
    arbitrary: wireObject(keysOf(TrainingJobVersionSchema), ['job_id', 'version_id', 'status'], {
      strictRequired: true,
    }),
  },
  { weight: 1, arbitrary: wireObject(keysOf(TrainingJobVersionSchema), ['job_id', 'version_id', 'status']) },
);
const statusRowWire = wireObject(keysOf(JobVersionStatusSchema), ['version_id', 'status'], { strictRequired: true });
const summaryWire = wireObject(keysOf(TrainingJobSummarySchema), ['job_id', 'status'], { strictRequired: true });
const configWire = wireObject(keysOf(TrainingJobConfigSchema), ['config_name'], { strictRequired: true });
const vizWire = wireObject(keysOf(VisualizationJobSchema), ['job_id', 'status']);
const taskWire = wireObject(
  [
    'task_id',
    'name',
    'description',
    'status',
    'error_msg',
    'create_time',
    'duration_seconds',
    'task_type',
    'data_source',
    'inputs',
    'template',
    'version_id',
    'version_name',
    'version_count',
    'is_current',
    'work_path',
    'workspace_id',
    'result',
  ],
  ['task_id', 'status'],
  { strictRequired: true },
);
const page = fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(0, -1, 10_000, 1e9));
const pageSize = fc.integer({ min: 1, max: 20 });
const words = fc.array(
  fc.oneof(fc.constantFrom('running', 'failed', 'JOBSTAT_FAILED', '11'), fc.constantFrom(...HOSTILE)),
  { maxLength: 4 },
);
const logTail = fc.option(fc.array(fc.oneof(fc.string(), fc.constantFrom(...HOSTILE)), { maxLength: 40 }), {
  nil: null,
});

/** Parses like the client does; counts how often the parser accepted the data so the property is not vacuous. */
function parser<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }) {
  const stats = { tried: 0, parsed: 0 };
  const parse = (wire: unknown): T | null => {
    stats.tried++;
    const result = schema.safeParse(wire);
    if (!result.success) return null;
    stats.parsed++;
    return result.data;
  };
  return { parse, stats };
}

function expectMostlyParsed(stats: { tried: number; parsed: number }): void {
  expect(stats.tried).toBeGreaterThan(0);
  expect(stats.parsed / stats.tried).toBeGreaterThan(0.25);
}

const watch = (creator: string): Watch => ({
  id: 7,
  teamId: 'T0FAKE0001',
  channelId: 'C0MLOPS001',
  projectId: 'sim-project',
  creatorUserId: creator,
  target: { kind: 'project' },
  filter: 'default',
  createdAt: new Date('2024-01-01T00:00:00Z'),
  endedAt: null,
  disabledAt: null,
  disabledReason: null,
  lastStatus: null,
});

describe('wire data → parsers → renderers', () => {
  it("job version: card, unfurl, and the poller's alert card, terminal reply and project failure", () => {
    const { parse, stats } = parser<TrainingJobVersion>(TrainingJobVersionSchema);
    fc.assert(
      fc.property(
        versionWire,
        ctx,
        fc.option(fc.oneof(fc.webUrl(), fc.constantFrom(...HOSTILE)), { nil: null }),
        logTail,
        fc.option(chaos, { nil: null }),
        (wire, c, tensorboardUrl, tail, previous) => {
          const v = parse(wire);
          if (!v) return;
          const run = asRun(v);
          expectSafePayload(renderRunCard(run, c, { tensorboardUrl }));
          expectSafePayload(renderRunCard(run, c, { ephemeral: true }));
          expectSafePayload(renderUnfurl(run, c));
          const previousStatus =
            typeof previous === 'number' && Number.isInteger(previous) ? statusFromKey(String(previous)).key : null;
          const facts = factsFromRun(c.projectId, run, { previousStatus, logTail: tail });
          // Alerts travel through the outbox as JSON and are read back before they are rendered.
          const stored = (event: 'status' | 'terminal', w: Watch | null) => {
            const alert = parseJobAlert(JSON.parse(JSON.stringify(jobAlert(facts, w, event))));
            if (!alert) throw new Error('an alert the poller built did not read back');
            return { ...alert, run: LINKS.withConsoleUrl(alert.run) };
          };
          expectSafePayload(renderAlertCard(stored('status', watch('UCREATOR01')), c));
          expectSafePayload(renderTerminalReply(stored('terminal', watch('UCREATOR01')), c));
          expectSafePayload(renderProjectFailure(stored('terminal', null), c));
        },
      ),
      RUNS,
    );
    expectMostlyParsed(stats);
  });

  it('all-versions overview and the job-list fallback', () => {
    const list = parser(JobVersionStatusListSchema);
    const jobs = parser(TrainingJobListSchema);
    fc.assert(
      fc.property(
        fc.record(
          { total_count: chaos, offset: chaos, limit: chaos, versions: wireList(statusRowWire) },
          { requiredKeys: ['versions'] },
        ),
        fc.record({ job_total_count: chaos, jobs: wireList(summaryWire) }, { requiredKeys: ['jobs'] }),
        ctx,
        page,
        pageSize,
        words,
        (versionsWire, jobsWire, c, p, size, statusFilter) => {
          const parsed = list.parse(versionsWire);
          if (parsed) {
            for (const source of ['versions', 'jobs'] as const) {
              expectSafePayload(
                renderJobsOverview((parsed.versions as JobVersionStatus[]).map(listedFromV1StatusRow), c, {
                  page: p,
                  pageSize: size,
                  total: parsed.total_count,
                  statusFilter,
                  source,
                }),
              );
            }
          }
          const parsedJobs = jobs.parse(jobsWire);
          if (parsedJobs) {
            expectSafePayload(
              renderJobsOverview(parsedJobs.jobs.map(runFromV1JobSummary), c, {
                page: p,
                pageSize: size,
                total: parsedJobs.job_total_count,
                statusFilter,
                source: 'jobs',
              }),
            );
          }
        },
      ),
      { numRuns: 60 },
    );
    expectMostlyParsed(list.stats);
    expectMostlyParsed(jobs.stats);
  });

  it('configs, visualization jobs, processor tasks', () => {
    const configs = parser<TrainingJobConfigList>(TrainingJobConfigListSchema);
    const viz = parser<VisualizationJob>(VisualizationJobSchema);
    const tasks = parser<ProcessorTaskList>(ProcessorTaskListSchema);
    fc.assert(
      fc.property(
        fc.record({ config_total_count: chaos, configs: wireList(configWire) }, { requiredKeys: ['configs'] }),
        vizWire,
        fc.record({ count: chaos, tasks: wireList(taskWire) }, { requiredKeys: ['tasks'] }),
        ctx,
        page,
        pageSize,
        fc.option(fc.constantFrom(...HOSTILE), { nil: null }),
        (configsWire, vizJob, tasksWire, c, p, size, search) => {
          const cl = configs.parse(configsWire);
          if (cl) expectSafePayload(renderConfigs(cl, c, { page: p, pageSize: size, search }));
          const vj = viz.parse(vizJob);
          if (vj) expectSafePayload(renderVisualizationJob(vj, c));
          const tl = tasks.parse(tasksWire);
          if (tl) {
            expectSafePayload(
              renderProcessorTasks(tl, c, {
                page: p,
                pageSize: Math.min(size, 5),
                filters: { datasetId: search, status: null },
              }),
            );
          }
        },
      ),
      { numRuns: 80 },
    );
    expectMostlyParsed(configs.stats);
    expectMostlyParsed(viz.stats);
    expectMostlyParsed(tasks.stats);
  });

  it('App Home with running versions parsed from the wire', () => {
    const list = parser(JobVersionStatusListSchema);
    fc.assert(
      fc.property(
        fc.record({ versions: wireList(statusRowWire) }),
        ctx,
        fc.double(),
        fc.double(),
        (wire, c, gpu, npu) => {
          const parsed = list.parse(wire);
          if (!parsed) return;
          const running = parsed.versions.map(listedFromV1StatusRow).filter((run) => run.status.category === 'running');
          expectSafePayload(
            renderHome(
              {
                userId: 'U0DEMO0001',
                watches: [watch('U0DEMO0001')],
                running,
                gpuTotal: gpu,
                npuTotal: npu,
                error: null,
              },
              c,
            ),
          );
        },
      ),
      { numRuns: 60 },
    );
    expectMostlyParsed(list.stats);
  });

  it('lone surrogates from upstream JSON (\\ud800 escapes) do not break rendering or the limits', () => {
    const broken = fc.constantFrom('\ud800', 'a\udc00b', `${'x'.repeat(2999)}\ud83d`, '\udfff'.repeat(100));
    fc.assert(
      fc.property(versionWire, broken, broken, ctx, (wire, name, param, c) => {
        const v = TrainingJobVersionSchema.safeParse({ ...wire, job_id: 1, version_id: 2, status: 11, job_name: name });
        if (!v.success) return;
        const version = { ...v.data, parameter: [{ label: param, value: param }] };
        for (const payload of [renderRunCard(asRun(version), c), renderUnfurl(asRun(version), c)]) {
          expect(checkLimits(payload)).toEqual([]);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('aom-log cursors and content parse to strings whatever arrives', () => {
    fc.assert(
      fc.property(wireObject(['content', 'lines', 'start_line', 'end_line']), (wire) => {
        const result = AomLogSchema.safeParse(wire);
        if (result.success) {
          expect(typeof result.data.content).toBe('string');
          expect(typeof result.data.lines).toBe('number');
        }
      }),
      { numRuns: 300 },
    );
  });
});
