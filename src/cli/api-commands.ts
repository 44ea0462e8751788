/** `modelarts-chatops api …`: check credentials and look at ModelArts from a shell, over the bot's own API layer. */
import {
  EndpointNotFoundError,
  type ModelArtsApi,
  type ProcessorTaskType,
  parseStatusWord,
  TRAINING_JOB_STATUSES,
} from '../modelarts/index.js';
import { V2_SUBCOMMANDS, V2_USAGE } from './api-v2-commands.js';
import { intOption, json, optional, type Parsed, parse, type Sub } from './args.js';
import { loadModelArtsConfig } from './env.js';
import { clean, formatDuration, formatTime, jobStatus, keyValues, table, taskStatus } from './format.js';
import { type CliCommand, type CliContext, UsageError } from './types.js';

export const API_USAGE = `Usage: modelarts-chatops api <command> [options]
  api job JOB [VERSION]        version detail (or the job's versions when VERSION is left out)
  api jobs [--status S] [--page N] [--per-page N] [--search TEXT]
  api versions [--status S] [--offset N] [--limit N]   statuses and GPUs of all versions (0 = all)
  api configs [--page N] [--per-page N] [--search TEXT] [--sample]
  api viz [JOB]                visualization job detail (or the list)
  api tasks [--type T] [--status N] [--dataset ID] [--page N] [--limit N]
  api task TASK_ID             processing task detail
  api logs JOB VERSION [--file NAME] [--lines N]
${V2_USAGE}
Every command takes --json (raw normalised data) and --timeout MS.
Credentials come from the same variables as the bot (MODELARTS_ENDPOINT, MODELARTS_PROJECT_ID, and
HUAWEICLOUD_SDK_AK/SK, OS_AUTH_URL + OS_USERNAME/OS_PASSWORD/OS_USER_DOMAIN_NAME/OS_PROJECT_NAME, or MODELARTS_AUTH_TOKEN).`;

function statusCodes(values: Parsed['values']): number[] | undefined {
  const raw = values.status;
  if (typeof raw !== 'string') return undefined;
  const codes = [
    ...new Set(
      raw
        .split(',')
        .filter((w) => w.trim() !== '')
        .flatMap((word) => {
          const parsed = parseStatusWord(word);
          if (!parsed) {
            throw new UsageError(
              `unknown status "${clean(word)}": use running, waiting, failed, completed, cancelled, a name like ${TRAINING_JOB_STATUSES[11]?.name} or a number`,
            );
          }
          return parsed;
        }),
    ),
  ];
  if (codes.length === 0) throw new UsageError('--status needs a value');
  return codes;
}

const V1_SUBCOMMANDS: Record<string, Sub> = {
  job: {
    options: {},
    positionals: { min: 1, max: 2, usage: 'api job JOB [VERSION]' },
    async run(api, { positionals: [job, version], values }, print) {
      if (version !== undefined) {
        const v = await api.getTrainingJobVersion(job ?? '', version);
        if (values.json) return print(json(v));
        print(
          keyValues([
            ['job', `${v.job_id} ${clean(v.job_name)}`],
            ['version', `${v.version_id} ${clean(v.version_name)}`],
            ['status', jobStatus(v.status)],
            ['created', formatTime(v.create_time)],
            ['started', formatTime(v.start_time)],
            ['duration', formatDuration(v.duration)],
            ['engine', [v.engine_name, v.engine_version].filter(Boolean).join(' ') || null],
            ['flavor', v.spec_code],
            ['gpus', v.gpu_num === null ? null : `${v.gpu_num}${v.gpu_type ? ` × ${v.gpu_type}` : ''}`],
            ['workers', v.worker_server_num],
            ['pool', v.pool_name ?? v.pool_id],
            ['dataset', v.dataset_name ?? v.data_url],
            ['output', v.train_url],
            ['parameters', v.parameter.map((p) => `${p.label}=${p.value}`).join(' ') || null],
            [
              'accuracy',
              v.model_metric_list?.total?.accuracy === undefined ? null : v.model_metric_list.total.accuracy,
            ],
          ]),
        );
        return;
      }
      const list = await api.listTrainingJobVersions(job ?? '');
      if (values.json) return print(json(list));
      print(`job ${list.job_id} ${clean(list.job_name)} — ${list.version_count ?? list.versions.length} version(s)`);
      print(
        table(
          ['VERSION', 'NAME', 'STATUS', 'CREATED', 'DURATION', 'GPUS'],
          list.versions.map((v) => [
            v.version_id,
            v.version_name,
            jobStatus(v.status),
            formatTime(v.create_time),
            formatDuration(v.duration),
            v.gpu_num,
          ]),
        ),
      );
    },
  },
  jobs: {
    options: {
      status: { type: 'string' },
      page: { type: 'string' },
      'per-page': { type: 'string' },
      search: { type: 'string' },
    },
    positionals: { min: 0, max: 0, usage: 'api jobs [--status S] [--page N] [--per-page N] [--search TEXT]' },
    async run(api, { values }, print) {
      const codes = statusCodes(values);
      // The API filters on one status; several (a category) are filtered here after fetching.
      const list = await api.listTrainingJobs({
        ...(codes?.length === 1 ? { status: codes[0] } : {}),
        ...optional('page', intOption(values, 'page', 1, 65_535)),
        ...optional('per_page', intOption(values, 'per-page', 1, 1000)),
        ...optional('search_content', typeof values.search === 'string' ? values.search : undefined),
      });
      const jobs = codes && codes.length > 1 ? list.jobs.filter((j) => codes.includes(j.status)) : list.jobs;
      if (values.json) return print(json({ ...list, jobs }));
      print(
        table(
          ['JOB', 'NAME', 'LATEST', 'STATUS', 'CREATED', 'DURATION', 'VERSIONS'],
          jobs.map((j) => [
            j.job_id,
            j.job_name,
            j.version_id,
            jobStatus(j.status),
            formatTime(j.create_time),
            formatDuration(j.duration),
            j.version_count,
          ]),
        ),
      );
      print(`${jobs.length} shown, ${list.job_total_count} in total`);
    },
  },
  versions: {
    options: { status: { type: 'string' }, offset: { type: 'string' }, limit: { type: 'string' } },
    positionals: { min: 0, max: 0, usage: 'api versions [--status S] [--offset N] [--limit N]' },
    async run(api, { values }, print) {
      const codes = statusCodes(values);
      let list: Awaited<ReturnType<ModelArtsApi['listJobVersionStatuses']>>;
      try {
        list = await api.listJobVersionStatuses({
          ...(codes?.length === 1 ? { status: codes[0] } : {}),
          ...optional('offset', intOption(values, 'offset', 0, 1_000_000)),
          ...optional('limit', intOption(values, 'limit', 0, 1_000_000)),
        });
      } catch (err) {
        if (err instanceof EndpointNotFoundError) {
          throw new UsageError('this ModelArts endpoint has no all-versions listing; use `api jobs` instead');
        }
        throw err;
      }
      const versions =
        codes && codes.length > 1 ? list.versions.filter((v) => codes.includes(v.status)) : list.versions;
      if (values.json) return print(json({ ...list, versions }));
      print(
        table(
          ['VERSION', 'NAME', 'STATUS', 'CREATED', 'ENDED', 'DURATION', 'FLAVOR', 'GPUS', 'NPUS'],
          versions.map((v) => [
            v.version_id,
            v.version_name,
            jobStatus(v.status),
            formatTime(v.create_time),
            formatTime(v.end_time),
            formatDuration(v.duration),
            v.flavor_code,
            v.gpu_num,
            v.npu_num,
          ]),
        ),
      );
      print(`${versions.length} shown, ${list.total_count} in total`);
    },
  },
  configs: {
    options: {
      page: { type: 'string' },
      'per-page': { type: 'string' },
      search: { type: 'string' },
      sample: { type: 'boolean' },
    },
    positionals: { min: 0, max: 0, usage: 'api configs [--page N] [--per-page N] [--search TEXT] [--sample]' },
    async run(api, { values }, print) {
      const list = await api.listTrainingJobConfigs({
        ...optional('page', intOption(values, 'page', 1, 65_535)),
        ...optional('per_page', intOption(values, 'per-page', 1, 1000)),
        ...optional('search_content', typeof values.search === 'string' ? values.search : undefined),
        ...(values.sample ? { config_type: 'sample' as const } : {}),
      });
      if (values.json) return print(json(list));
      print(
        table(
          ['NAME', 'ENGINE', 'CREATED', 'DESCRIPTION'],
          list.configs.map((c) => [
            c.config_name,
            [c.engine_name, c.engine_version].filter(Boolean).join(' '),
            formatTime(c.create_time),
            c.config_desc,
          ]),
        ),
      );
      print(`${list.configs.length} shown, ${list.config_total_count} in total`);
    },
  },
  viz: {
    options: {},
    positionals: { min: 0, max: 1, usage: 'api viz [JOB]' },
    async run(api, { positionals: [id], values }, print) {
      if (id !== undefined) {
        const job = await api.getVisualizationJob(id);
        if (values.json) return print(json(job));
        print(
          keyValues([
            ['job', `${job.job_id} ${clean(job.job_name)}`],
            ['status', jobStatus(job.status)],
            ['created', formatTime(job.create_time)],
            ['duration', formatDuration(job.duration)],
            ['tensorboard', job.service_url],
            ['logs', job.train_url],
            ['description', job.job_desc],
          ]),
        );
        return;
      }
      const list = await api.listVisualizationJobs();
      if (values.json) return print(json(list));
      print(
        table(
          ['JOB', 'NAME', 'STATUS', 'CREATED', 'TENSORBOARD'],
          list.jobs.map((j) => [j.job_id, j.job_name, jobStatus(j.status), formatTime(j.create_time), j.service_url]),
        ),
      );
    },
  },
  tasks: {
    options: {
      type: { type: 'string' },
      status: { type: 'string' },
      dataset: { type: 'string' },
      page: { type: 'string' },
      limit: { type: 'string' },
    },
    positionals: { min: 0, max: 0, usage: 'api tasks [--type T] [--status N] [--dataset ID] [--page N] [--limit N]' },
    async run(api, { values }, print) {
      const page = intOption(values, 'page', 1, 100_000);
      const list = await api.listProcessorTasks({
        ...optional('task_type', typeof values.type === 'string' ? (values.type as ProcessorTaskType) : undefined),
        ...optional('status', intOption(values, 'status', 0, 4)),
        ...(typeof values.dataset === 'string' ? { source_type: 'DATASET' as const, source: values.dataset } : {}),
        // The API's offset is a page index from 0; the CLI counts pages from 1 like every other command.
        ...optional('offset', page === undefined ? undefined : page - 1),
        ...optional('limit', intOption(values, 'limit', 1, 100)),
      });
      if (values.json) return print(json(list));
      print(
        table(
          ['TASK', 'NAME', 'TYPE', 'STATUS', 'CREATED', 'DURATION', 'DATASET VERSION'],
          list.tasks.map((t) => [
            t.task_id,
            t.name,
            t.task_type,
            taskStatus(t.status),
            formatTime(t.create_time),
            formatDuration(t.duration_seconds === null ? null : t.duration_seconds * 1000),
            t.version_name ?? t.version_id,
          ]),
        ),
      );
      print(`${list.tasks.length} shown, ${list.count} in total`);
    },
  },
  task: {
    options: {},
    positionals: { min: 1, max: 1, usage: 'api task TASK_ID' },
    async run(api, { positionals: [id], values }, print) {
      const t = await api.getProcessorTask(id ?? '');
      if (values.json) return print(json(t));
      print(
        keyValues([
          ['task', `${t.task_id} ${clean(t.name)}`],
          ['type', t.task_type],
          ['status', taskStatus(t.status)],
          ['error', t.error_msg],
          ['created', formatTime(t.create_time)],
          ['duration', formatDuration(t.duration_seconds === null ? null : t.duration_seconds * 1000)],
          ['dataset version', t.version_name ?? t.version_id],
          ['result', t.result === null ? null : JSON.stringify(t.result).slice(0, 200)],
        ]),
      );
    },
  },
  logs: {
    options: { file: { type: 'string' }, lines: { type: 'string' } },
    positionals: { min: 2, max: 2, usage: 'api logs JOB VERSION [--file NAME] [--lines N]' },
    async run(api, { positionals: [job, version], values }, print) {
      let file = typeof values.file === 'string' ? values.file : undefined;
      if (file === undefined) {
        const files = await api.getLogFileNames(job ?? '', version ?? '');
        file = files[0];
        if (file === undefined)
          throw new UsageError(`job ${clean(job)} version ${clean(version)} has no log files yet`);
      }
      const log = await api.getAomLog(job ?? '', version ?? '', {
        log_file: file,
        ...optional('lines', intOption(values, 'lines', 0, 500)),
      });
      if (values.json) return print(json({ log_file: file, ...log }));
      print(log.content.replace(/\n$/, ''));
    },
  },
};

const SUBCOMMANDS: Record<string, Sub> = { ...V1_SUBCOMMANDS, ...V2_SUBCOMMANDS };

export const apiCommand: CliCommand = {
  summary: 'query ModelArts with the bot’s credentials (job, jobs, versions, configs, viz, tasks, task, logs, v2-…)',
  usage: API_USAGE,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const [name, ...rest] = args;
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      (name === undefined ? ctx.io.stderr : ctx.io.stdout)(API_USAGE);
      return name === undefined ? 1 : 0;
    }
    const sub = SUBCOMMANDS[name];
    if (!sub)
      throw new UsageError(`unknown api command "${clean(name)}" (try: ${Object.keys(SUBCOMMANDS).join(', ')})`);
    const parsed = parse(rest, sub.options, sub.positionals);
    const timeoutMs = intOption(parsed.values, 'timeout', 100, 300_000);
    const config = loadModelArtsConfig(ctx.env);
    const api = ctx.createApi(config, timeoutMs === undefined ? {} : { timeoutMs });
    try {
      await sub.run(api, parsed, (text) => ctx.io.stdout(text));
      return 0;
    } finally {
      await api.close();
    }
  },
};
