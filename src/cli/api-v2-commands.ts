/**
 * `modelarts-chatops api v2-…`: the new-version (v2) training job API from a shell, to check that the bot's
 * credentials reach it (the search is a signed POST) and to look at what it answers.
 */
import {
  collect,
  iterateTrainingJobsV2,
  MAX_SEARCH_LIMIT,
  TRAINING_JOB_PHASES,
  type TrainingJobV2,
} from '../modelarts/index.js';
import { intOption, json, optional, type Parsed, type Sub } from './args.js';
import { clean, formatDuration, formatTime, keyValues, table } from './format.js';
import { UsageError } from './types.js';

export const V2_USAGE = `  api v2-jobs [--phase P[,P]] [--not-phase P[,P]] [--name TEXT] [--page N] [--limit N] [--all]
                               new-version training jobs (pages from 1, at most 50 a page; --all: every page)
  api v2-job JOB_UUID          new-version job detail
  api v2-log JOB_UUID [TASK] [--url] [--download]   newest part of a task's log (default worker-0), or its OBS link
  api v2-events JOB_UUID [--level L] [--limit N]
  api v2-metrics JOB_UUID [TASK]                    resource use per minute (last value and peak)`;

/** `running,pending` → `['Running', 'Pending']`; the phase words of the API, any case. */
function phases(values: Parsed['values'], name: string): string[] | undefined {
  const raw = values[name];
  if (typeof raw !== 'string') return undefined;
  const words = raw.split(',').filter((w) => w.trim() !== '');
  if (words.length === 0) throw new UsageError(`--${name} needs a value`);
  return words.map((word) => {
    const phase = TRAINING_JOB_PHASES.find((p) => p.toLowerCase() === word.trim().toLowerCase());
    if (!phase) throw new UsageError(`unknown phase "${clean(word)}": use ${TRAINING_JOB_PHASES.join(', ')}`);
    return phase;
  });
}

function phaseOf(job: TrainingJobV2): string {
  const { phase, secondary_phase: secondary } = job.status;
  if (phase === null) return '-';
  return secondary && secondary !== phase ? `${phase} (${secondary})` : phase;
}

function accelerators(job: TrainingJobV2): string | null {
  const resource = job.spec.resource;
  const info = resource.flavor_detail?.flavor_info;
  const nodes = resource.node_count ?? 1;
  const card = info?.gpu ?? info?.npu ?? null;
  if (!card || card.unit_num === null) return null;
  return `${card.unit_num * nodes} × ${card.product_name ?? resource.flavor_detail?.flavor_type ?? 'accelerator'}`;
}

function failure(job: TrainingJobV2): string | null {
  const task = job.status.task_statuses.find((t) => t.message || (t.exit_code !== null && t.exit_code !== 0));
  if (task) return `${task.task ?? '?'} exit ${task.exit_code ?? '?'}: ${task.message ?? ''}`.trim();
  const reason = job.status.running_records.at(-1)?.end_reason;
  return reason ?? null;
}

export const V2_SUBCOMMANDS: Record<string, Sub> = {
  'v2-jobs': {
    options: {
      phase: { type: 'string' },
      'not-phase': { type: 'string' },
      name: { type: 'string' },
      page: { type: 'string' },
      limit: { type: 'string' },
      all: { type: 'boolean' },
    },
    positionals: {
      min: 0,
      max: 0,
      usage: 'api v2-jobs [--phase P] [--not-phase P] [--name TEXT] [--page N] [--limit N]',
    },
    async run(api, { values }, print) {
      const query = {
        ...optional('phases', phases(values, 'phase')),
        ...optional('excludePhases', phases(values, 'not-phase')),
        ...optional('name', typeof values.name === 'string' ? values.name : undefined),
        ...optional('limit', intOption(values, 'limit', 1, MAX_SEARCH_LIMIT)),
      };
      let jobs: TrainingJobV2[];
      let count: number | null;
      if (values.all) {
        jobs = await collect(iterateTrainingJobsV2(api, query));
        count = jobs.length;
      } else {
        // The API's offset is a page index from 0; the CLI counts pages from 1 like every other command.
        const page = intOption(values, 'page', 1, 100_000);
        const answer = await api.searchTrainingJobs({ ...query, ...optional('offset', page && page - 1) });
        jobs = answer.items;
        count = answer.count;
      }
      if (values.json) return print(json({ count, jobs }));
      print(
        table(
          ['JOB', 'NAME', 'PHASE', 'CREATED', 'DURATION', 'FLAVOR', 'NODES'],
          jobs.map((j) => [
            j.metadata.id,
            j.metadata.name,
            phaseOf(j),
            formatTime(j.metadata.create_time),
            formatDuration(j.status.duration),
            j.spec.resource.flavor_id,
            j.spec.resource.node_count,
          ]),
        ),
      );
      print(`${jobs.length} shown, ${count ?? '?'} matching`);
    },
  },
  'v2-job': {
    options: {},
    positionals: { min: 1, max: 1, usage: 'api v2-job JOB_UUID' },
    async run(api, { positionals: [id], values }, print) {
      const job = await api.getTrainingJob(id ?? '');
      if (values.json) return print(json(job));
      const engine = job.algorithm.engine;
      print(
        keyValues([
          ['job', `${job.metadata.id} ${clean(job.metadata.name)}`],
          ['phase', phaseOf(job)],
          ['created', formatTime(job.metadata.create_time)],
          ['started', formatTime(job.status.start_time)],
          ['duration', formatDuration(job.status.duration)],
          ['user', job.metadata.user_name],
          ['engine', engine ? [engine.engine_name, engine.engine_version].filter(Boolean).join(' ') : null],
          ['flavor', job.spec.resource.flavor_name ?? job.spec.resource.flavor_id],
          ['nodes', job.spec.resource.node_count],
          ['accelerators', accelerators(job)],
          ['tasks', job.status.tasks.join(' ') || null],
          ['parameters', job.algorithm.parameters.map((p) => `${p.name}=${p.value}`).join(' ') || null],
          ['failure', failure(job)],
          ['tensorboard', job.endpoints.tensorboard?.url ?? null],
        ]),
      );
    },
  },
  'v2-log': {
    options: { url: { type: 'boolean' }, download: { type: 'boolean' } },
    positionals: { min: 1, max: 2, usage: 'api v2-log JOB_UUID [TASK] [--url] [--download]' },
    async run(api, { positionals: [id, task = 'worker-0'], values }, print) {
      if (values.url || values.download) {
        const link = await api.getTaskLogUrl(
          id ?? '',
          task,
          values.download ? 'application/octet-stream' : 'text/plain',
        );
        return print(values.json ? json(link) : link.obs_url);
      }
      const log = await api.getTaskLogPreview(id ?? '', task);
      if (values.json) return print(json(log));
      if (!log.ready) return print(`(no log yet for ${task})`);
      if (log.truncated) print(`(the newest ${log.current_size} of ${log.full_size} bytes; --url for the whole log)`);
      print(log.content.replace(/\n$/, ''));
    },
  },
  'v2-events': {
    options: { level: { type: 'string' }, limit: { type: 'string' } },
    positionals: { min: 1, max: 1, usage: 'api v2-events JOB_UUID [--level Info|Warning|Error] [--limit N]' },
    async run(api, { positionals: [id], values }, print) {
      const level = typeof values.level === 'string' ? values.level : undefined;
      const levels = ['Info', 'Warning', 'Error'] as const;
      const known = levels.find((l) => l.toLowerCase() === level?.toLowerCase());
      if (level !== undefined && !known) throw new UsageError('--level must be Info, Warning or Error');
      const list = await api.listTrainingJobEvents(id ?? '', {
        order: 'desc',
        ...optional('level', known),
        ...optional('limit', intOption(values, 'limit', 1, 100)),
      });
      if (values.json) return print(json(list));
      print(
        table(
          ['TIME', 'LEVEL', 'SOURCE', 'MESSAGE'],
          list.events.map((e) => [formatTime(e.time), e.level, e.source, e.message]),
        ),
      );
      print(`${list.events.length} shown, ${list.total} in total`);
    },
  },
  'v2-metrics': {
    options: {},
    positionals: { min: 1, max: 2, usage: 'api v2-metrics JOB_UUID [TASK]' },
    async run(api, { positionals: [id, task = 'worker-0'], values }, print) {
      const answer = await api.getTrainingJobMetrics(id ?? '', task);
      if (values.json) return print(json(answer));
      if (!answer.ready) return print(`(no metrics yet for ${task})`);
      print(
        table(
          ['METRIC', 'LAST', 'PEAK', 'POINTS'],
          answer.metrics.map((m) => {
            const known = m.value.filter((v): v is number => v !== null);
            return [m.metric, known.at(-1) ?? null, known.length > 0 ? Math.max(...known) : null, m.value.length];
          }),
        ),
      );
    },
  },
};
