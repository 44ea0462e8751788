/**
 * `npm run bench` (2/3): render time of the largest cards, from realistic data: the simulator's generated project
 * read through the real API client (so the data went through the zod parsers), then inflated to the sizes a page can
 * hold (1000 rows, 1000 parameters and metric classes, 10 000-point metric series, 1000-line log tails).
 * Baseline in the same run: JSON.stringify of the rendered payload (the serialisation every Slack call pays anyway).
 */
import { cpus } from 'node:os';
import { factsFromRun, jobAlert } from '../src/alerts/index.js';
import type { JobVersionStatus, ProcessorTask, TrainingJobConfig, TrainingJobVersion } from '../src/modelarts/index.js';
import {
  consoleLinks,
  createModelArtsApi,
  listedFromV1StatusRow,
  runFromV1Version,
  v1Status,
} from '../src/modelarts/index.js';
import {
  checkLimits,
  type RenderContext,
  renderAlertCard,
  renderConfigs,
  renderFloodSummary,
  renderHome,
  renderJobsOverview,
  renderLogsModal,
  renderProcessorTasks,
  renderRunCard,
  renderTerminalReply,
  renderWatches,
} from '../src/slack/blocks/index.js';
import type { Watch } from '../src/store/types.js';
import { startSimulator } from '../tools/simulator/index.js';
import { percentile, table } from './support/ops-procs.js';

const sim = await startSimulator({ port: 0, generatedJobs: 400, control: false });
const api = createModelArtsApi({
  endpoint: sim.url,
  projectId: sim.projectId,
  auth: { mode: 'aksk', accessKey: sim.credentials.accessKey, secretKey: sim.credentials.secretKey },
});

const statuses = await api.listJobVersionStatuses({ limit: 0 });
const rows: JobVersionStatus[] = statuses.versions.slice(0, 1000);
while (rows.length < 1000)
  rows.push({ ...rows[rows.length % statuses.versions.length]!, version_id: 900_000 + rows.length });

// The richest real version (most metric classes and parameters), then inflated to the limits of the data.
const sampleIds = statuses.versions.slice(0, 60).map((v) => [v.job_id ?? 10, v.version_id] as const);
const details = await Promise.all(sampleIds.map(([j, v]) => api.getTrainingJobVersion(j, v).catch(() => null)));
const richest = details
  .filter((d): d is TrainingJobVersion => d !== null)
  .sort((a, b) => (b.model_metric_list?.classes.length ?? 0) - (a.model_metric_list?.classes.length ?? 0))[0]!;
const classes = richest.model_metric_list?.classes ?? [];
const series = richest.system_metric_list?.series ?? {};
const huge: TrainingJobVersion = {
  ...richest,
  parameter: Array.from({ length: 1000 }, (_, i) => ({ label: `param_${i}`, value: `${i / 7}` })),
  model_metric_list: {
    total: richest.model_metric_list?.total ?? { accuracy: 0.9 },
    classes: Array.from({ length: 1000 }, (_, i) => ({
      ...(classes[i % Math.max(1, classes.length)] ?? {}),
      class_name: `class-${i}`,
      class_id: i,
    })),
  },
  system_metric_list: {
    interval: 1,
    series: Object.fromEntries(
      Object.keys(series).map((k) => [k, Array.from({ length: 10_000 }, (_, i) => Math.abs(Math.sin(i / 50)) * 100)]),
    ),
  },
};

const configList = await api.listTrainingJobConfigs({ per_page: 1000 });
const configs: TrainingJobConfig[] = Array.from({ length: 1000 }, (_, i) => ({
  ...configList.configs[i % configList.configs.length]!,
  config_name: `config-${i}`,
}));
const taskList = await api.listProcessorTasks({ limit: 100 });
const tasks: ProcessorTask[] = Array.from({ length: 1000 }, (_, i) => ({
  ...taskList.tasks[i % taskList.tasks.length]!,
  task_id: `task${i}`,
}));
await api.close();
await sim.close();

const ctx: RenderContext = { now: new Date(), timeZone: 'Europe/Berlin', projectId: sim.projectId };
const links = consoleLinks({ endpoint: 'https://modelarts.eu-de.otc.t-systems.com', projectId: sim.projectId });
/** What a lookup does per answer: map the wire record and link it (the cards below include it). */
const asRun = (v: TrainingJobVersion) => links.withConsoleUrl(runFromV1Version(v));
/** Lists map their rows once per answer too. */
const listed = () => rows.map(listedFromV1StatusRow);
const watches: Watch[] = Array.from({ length: 1000 }, (_, i) => ({
  id: i + 1,
  teamId: 'T0FAKE0001',
  channelId: 'C0MLOPS001',
  projectId: sim.projectId,
  creatorUserId: 'U0DEMO0001',
  target: i % 3 === 0 ? { kind: 'project' } : { kind: 'run', jobId: String(1000 + i), versionId: String(2000 + i) },
  filter: 'default',
  createdAt: new Date(Date.now() - i * 60_000),
  endedAt: null,
  disabledAt: i % 10 === 0 ? new Date() : null,
  disabledReason: i % 10 === 0 ? 'channel_not_found' : null,
  lastStatus: '8',
}));
const logTail = Array.from(
  { length: 1000 },
  (_, i) => `step ${i}: loss=${(1 / (i + 1)).toFixed(6)} lr=0.001 Traceback? <no>`,
);
const failed = { ...asRun(huge), status: v1Status(11) };
const alert = jobAlert(factsFromRun(sim.projectId, failed, { previousStatus: '8', logTail }), watches[1]!, 'terminal');

const cases: Array<[string, () => unknown]> = [
  [
    'jobs overview, 1000 rows (page 1)',
    () =>
      renderJobsOverview(listed(), ctx, { page: 1, pageSize: 20, total: 1000, statusFilter: [], source: 'versions' }),
  ],
  [
    'jobs overview, 1000 rows (page 50)',
    () =>
      renderJobsOverview(listed(), ctx, {
        page: 50,
        pageSize: 20,
        total: 1000,
        statusFilter: ['running'],
        source: 'versions',
      }),
  ],
  [
    'job card, richest real version',
    () => renderRunCard(asRun(richest), ctx, { tensorboardUrl: 'https://tb.example.com/x' }),
  ],
  [
    'job card, 1000 params/classes, 10k-pt series',
    () => renderRunCard(asRun(huge), ctx, { tensorboardUrl: 'https://tb.example.com/x' }),
  ],
  [
    'configs, 1000',
    () => renderConfigs({ config_total_count: 1000, configs }, ctx, { page: 1, pageSize: 20, search: null }),
  ],
  [
    'processor tasks, 1000',
    () => renderProcessorTasks({ count: 1000, tasks }, ctx, { page: 1, pageSize: 20, filters: {} }),
  ],
  ['watches, 1000', () => renderWatches(watches, ctx)],
  [
    'App Home, 1000 watches + 1000 running',
    () => renderHome({ userId: 'U0DEMO0001', watches, running: listed(), gpuTotal: 512, npuTotal: 64 }, ctx),
  ],
  ['alert card (status change)', () => renderAlertCard({ ...alert, event: 'status' }, ctx)],
  ['failure reply, 1000-line log tail', () => renderTerminalReply(alert, ctx)],
  [
    'flood summary, 50 failures',
    () =>
      renderFloodSummary(
        Array.from({ length: 50 }, () => alert),
        ctx,
      ),
  ],
  ['logs modal, 300 lines', () => renderLogsModal({ run: failed, lines: logTail.slice(-300) })],
];

function measure(fn: () => unknown, minMs = 1500, minRuns = 30): number[] {
  for (let i = 0; i < 10; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

process.stdout.write(`bench/render: ${cpus().length} CPUs, Node ${process.version}; times per call in ms\n\n`);
const out: Array<Array<string | number>> = [];
for (const [name, fn] of cases) {
  const payload = fn();
  const problems = checkLimits(payload);
  const render = measure(fn);
  const stringify = measure(() => JSON.stringify(payload));
  const json = JSON.stringify(payload);
  const blocks = (payload as { blocks?: unknown[] }).blocks?.length ?? 0;
  out.push([
    name,
    percentile(render, 50),
    percentile(render, 99),
    percentile(stringify, 50),
    `${(percentile(render, 50) / percentile(stringify, 50)).toFixed(0)}×`,
    String(blocks),
    (json.length / 1024).toFixed(1),
    problems.length === 0 ? 'ok' : `${problems.length} problems`,
  ]);
}
process.stdout.write(
  `${table(['card', 'render p50', 'render p99', 'JSON.stringify p50', 'ratio', 'blocks', 'KiB', 'limits'], out)}\n`,
);
