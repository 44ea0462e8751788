/**
 * The words of the `/modelarts` grammar: subcommands, their usage lines and examples, and the filter words each
 * accepts. Shared by the parser, the near-miss suggestions and the help renderer.
 */
import { parseStatusWord, statusCodesForCategory, V2_PHASES } from '../../modelarts/index.js';
import type { WatchFilter } from '../../store/types.js';

export const SUBCOMMANDS = ['help', 'jobs', 'job', 'configs', 'viz', 'tasks', 'watch', 'unwatch', 'watches'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export const TASK_TYPES = {
  analysis: 'sys_data_analyse',
  cleaning: 'sys_data_cleaning',
  augmentation: 'sys_data_augmentation',
  validation: 'sys_data_validation',
  selection: 'sys_data_selection',
} as const;
export type TaskTypeWord = keyof typeof TASK_TYPES;

/** One line per subcommand; a bad argument shows the relevant one. */
export const USAGE: Record<Subcommand, string> = {
  help: '`/modelarts help [SUBCOMMAND]` shows what the bot can do',
  jobs: '`/modelarts jobs [STATUS...] [page N]` lists training jobs and job versions, e.g. `/modelarts jobs running failed`',
  job: '`/modelarts job JOB_ID [VERSION_ID]` shows a training job version (the latest when VERSION_ID is left out); `/modelarts job UUID` a new-version job; `/modelarts job NAME` finds a job by name or its start',
  configs: '`/modelarts configs [SEARCH] [page N]` lists training job configurations',
  viz: '`/modelarts viz [VIZ_JOB_ID] [page N]` lists visualization jobs, or shows one with its TensorBoard link',
  tasks:
    '`/modelarts tasks [DATASET_ID] [analysis|cleaning|augmentation|validation|selection] [STATUS] [page N]` lists data processing tasks',
  watch:
    '`/modelarts watch JOB_ID [VERSION_ID] [failed|completed|cancelled|all]` (or a UUID, or a job name) or `/modelarts watch failures` posts alerts in this channel',
  unwatch: '`/modelarts unwatch JOB_ID [VERSION_ID]` or `/modelarts unwatch failures` stops alerts in this channel',
  watches: '`/modelarts watches` lists this channel’s watches',
};

/** What each subcommand does, in a few words: one line of `/modelarts help`. */
export const SUMMARY: Record<Subcommand, string> = {
  help: 'this overview, or one command in detail',
  jobs: 'training jobs of both APIs, newest first; filter by status',
  job: 'one job version’s card (the latest version unless you name one)',
  configs: 'training job configurations; search by name',
  viz: 'visualization jobs and their TensorBoards',
  tasks: 'data processing tasks: feature analysis, cleansing, augmentation…',
  watch: 'alerts in this channel when a job version finishes',
  unwatch: 'stops a watch',
  watches: 'what this channel watches',
};

/** Commands that work in the demo project and in most real ones, text after `/modelarts`, each with what it does. */
export const EXAMPLES: Record<Subcommand, ReadonlyArray<readonly [string, string]>> = {
  help: [
    ['help', 'every command'],
    ['help watch', 'one command with examples'],
  ],
  jobs: [
    ['jobs', 'every training job (new-version jobs and old-version job versions), newest first'],
    ['jobs running', 'what runs now'],
    ['jobs failed cancelled page 2', 'several statuses, second page'],
  ],
  job: [
    ['job 10', 'the latest version of job 10'],
    ['job 10 3', 'version 3 of job 10 (also `job 10 v3`)'],
    ['job 6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b', 'a new-version job by its UUID'],
    ['job resnet', 'the job named `resnet`, or a pick list of the jobs whose names start with it'],
  ],
  configs: [
    ['configs', 'every configuration'],
    ['configs resnet', 'configurations whose name contains “resnet”'],
  ],
  viz: [
    ['viz', 'visualization jobs, newest first, with their TensorBoards'],
    ['viz 42', 'visualization job 42'],
  ],
  tasks: [
    ['tasks', 'every data processing task, newest first'],
    ['tasks analysis completed', 'finished feature analyses'],
    ['tasks DATASET_ID failed', 'failed tasks of one dataset'],
  ],
  watch: [
    ['watch 10', 'every outcome of job 10'],
    ['watch 10 3 failed', 'only if version 3 of job 10 fails'],
    ['watch resnet50-ft failed', 'only if the job named `resnet50-ft` fails (a UUID works too)'],
    ['watch failures', 'every failed training job or job version in the project'],
  ],
  unwatch: [
    ['unwatch 10', 'stops the watch on job 10'],
    ['unwatch failures', 'stops the project-wide failure alerts'],
  ],
  watches: [['watches', 'this channel’s watches, each with an Unwatch button']],
};

/** Watch filters by the words people use. */
export const FILTER_WORDS: Record<string, Exclude<WatchFilter, 'default'>> = {
  failed: 'failed',
  failures: 'failed',
  completed: 'completed',
  succeeded: 'completed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  all: 'all',
};

/** Processor task statuses 0..4 (initialized, running, completed, failed, stopped) by the words people use. */
export const TASK_STATUS_WORDS: Record<string, number> = {
  initialized: 0,
  initializing: 0,
  init: 0,
  waiting: 0,
  pending: 0,
  running: 1,
  completed: 2,
  succeeded: 2,
  done: 2,
  failed: 3,
  stopped: 4,
  cancelled: 4,
  canceled: 4,
};

/** Other words for a subcommand, accepted as if typed right. */
export const ALIASES: Record<string, Subcommand> = {
  '?': 'help',
  '-h': 'help',
  '--help': 'help',
  list: 'jobs',
  versions: 'jobs',
  show: 'job',
  config: 'configs',
  visualization: 'viz',
  tensorboard: 'viz',
  task: 'tasks',
  subscribe: 'watch',
  unsubscribe: 'unwatch',
};

/**
 * Words people reach for that are not commands here. They are answered with the corrected command rather than
 * run, since each could mean more than one thing (`status` alone: every job; `status 10`: job 10).
 */
export const SYNONYMS: Record<string, Subcommand> = {
  status: 'job',
  info: 'job',
  get: 'job',
  describe: 'job',
  details: 'job',
  detail: 'job',
  inspect: 'job',
  version: 'job',
  ls: 'jobs',
  ps: 'jobs',
  all: 'jobs',
  recent: 'jobs',
  trainings: 'jobs',
  training: 'jobs',
  sub: 'watch',
  follow: 'watch',
  track: 'watch',
  notify: 'watch',
  alert: 'watch',
  alerts: 'watches',
  unsub: 'unwatch',
  unfollow: 'unwatch',
  untrack: 'unwatch',
  mute: 'unwatch',
  subscriptions: 'watches',
  following: 'watches',
  watching: 'watches',
  tb: 'viz',
  tensorboards: 'viz',
  visualizations: 'viz',
  visualisation: 'viz',
  visualisations: 'viz',
  vis: 'viz',
  configurations: 'configs',
  configuration: 'configs',
  processing: 'tasks',
  analysis: 'tasks',
  analyses: 'tasks',
  datasets: 'tasks',
  dataset: 'tasks',
  commands: 'help',
  usage: 'help',
};

/** Own-property lookup: user words such as `constructor` must not reach Object.prototype. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The v2 phase a word names (`abnormal` → `Abnormal`), or null. */
export function v2PhaseNamed(word: string): string | null {
  const w = word.trim().toLowerCase();
  return V2_PHASES.find((p) => p.phase.toLowerCase() === w)?.phase ?? null;
}

/**
 * A status word of `/modelarts jobs` as v1 codes: what parseStatusWord reads, and the v2 phases too (`abnormal`,
 * `terminated`), which read as the v1 codes of their category so both kinds of job filter alike.
 */
export function parseJobStatusWord(word: string): number[] | null {
  const codes = parseStatusWord(word);
  if (codes) return codes;
  const phase = V2_PHASES.find((p) => p.phase.toLowerCase() === word.trim().toLowerCase());
  return phase ? statusCodesForCategory(phase.category) : null;
}
