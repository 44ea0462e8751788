/**
 * Status tables. Training job codes 0–21 are the v1 table (notes §1.1), 22 (MOUNT_FAILED) exists only in the SDK
 * table. The grouping into categories is ours (the docs do not group codes): every code that cannot change any more
 * is terminal, transitional codes (KILLING) stay in the category that still consumes resources.
 */

export type StatusCategory = 'waiting' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

export interface StatusInfo {
  code: number;
  /** Wire name, e.g. `JOBSTAT_FAILED`. */
  name: string;
  /** Short lower-case human label, e.g. `failed`, `building image`. */
  label: string;
  emoji: string;
  category: StatusCategory;
  terminal: boolean;
}

export const CATEGORY_EMOJI: Readonly<Record<StatusCategory, string>> = Object.freeze({
  waiting: '🟡',
  running: '🔵',
  succeeded: '🟢',
  failed: '🔴',
  cancelled: '⚪',
  unknown: '❔',
});

const TERMINAL_CATEGORIES: ReadonlySet<StatusCategory> = new Set(['succeeded', 'failed', 'cancelled']);

function info(code: number, name: string, label: string, category: StatusCategory): StatusInfo {
  return Object.freeze({
    code,
    name,
    label,
    emoji: CATEGORY_EMOJI[category],
    category,
    terminal: TERMINAL_CATEGORIES.has(category),
  });
}

export const TRAINING_JOB_STATUSES: readonly StatusInfo[] = Object.freeze([
  info(0, 'JOBSTAT_UNKNOWN', 'unknown', 'unknown'),
  info(1, 'JOBSTAT_INIT', 'initialising', 'waiting'),
  info(2, 'JOBSTAT_IMAGE_CREATING', 'building image', 'waiting'),
  info(3, 'JOBSTAT_IMAGE_FAILED', 'image build failed', 'failed'),
  info(4, 'JOBSTAT_SUBMIT_TRYING', 'submitting', 'waiting'),
  info(5, 'JOBSTAT_SUBMIT_FAILED', 'submission failed', 'failed'),
  info(6, 'JOBSTAT_DELETE_FAILED', 'deletion failed', 'failed'),
  info(7, 'JOBSTAT_WAITING', 'waiting', 'waiting'),
  info(8, 'JOBSTAT_RUNNING', 'running', 'running'),
  info(9, 'JOBSTAT_KILLING', 'stopping', 'running'),
  info(10, 'JOBSTAT_COMPLETED', 'completed', 'succeeded'),
  info(11, 'JOBSTAT_FAILED', 'failed', 'failed'),
  info(12, 'JOBSTAT_KILLED', 'stopped', 'cancelled'),
  info(13, 'JOBSTAT_CANCELED', 'cancelled', 'cancelled'),
  info(14, 'JOBSTAT_LOST', 'lost', 'failed'),
  info(15, 'JOBSTAT_SCALING', 'scaling', 'running'),
  info(16, 'JOBSTAT_SUBMIT_MODEL_FAILED', 'model submission failed', 'failed'),
  info(17, 'JOBSTAT_DEPLOY_SERVICE_FAILED', 'service deployment failed', 'failed'),
  info(18, 'JOBSTAT_CHECK_INIT', 'review initialising', 'waiting'),
  info(19, 'JOBSTAT_CHECK_RUNNING', 'under review', 'running'),
  info(20, 'JOBSTAT_CHECK_RUNNING_COMPLETED', 'review completed', 'succeeded'),
  info(21, 'JOBSTAT_CHECK_FAILED', 'review failed', 'failed'),
  info(22, 'MOUNT_FAILED', 'mount failed', 'failed'),
]);

export const PROCESSOR_TASK_STATUSES: readonly StatusInfo[] = Object.freeze([
  info(0, 'INITIALIZED', 'initialised', 'waiting'),
  info(1, 'RUNNING', 'running', 'running'),
  info(2, 'COMPLETED', 'completed', 'succeeded'),
  info(3, 'FAILED', 'failed', 'failed'),
  info(4, 'STOPPED', 'stopped', 'cancelled'),
]);

function unknownStatus(code: number): StatusInfo {
  const shown = Number.isFinite(code) ? String(code) : '?';
  return info(code, 'UNKNOWN', `unknown (${shown})`, 'unknown');
}

function lookup(table: readonly StatusInfo[], code: number): StatusInfo {
  return (Number.isInteger(code) ? table[code] : undefined) ?? unknownStatus(code);
}

/** Never throws: codes outside 0–22 render as `unknown (N)`. */
export function trainingJobStatus(code: number): StatusInfo {
  return lookup(TRAINING_JOB_STATUSES, code);
}

export function processorTaskStatus(code: number): StatusInfo {
  return lookup(PROCESSOR_TASK_STATUSES, code);
}

export function isTerminalTrainingStatus(code: number): boolean {
  return trainingJobStatus(code).terminal;
}

/** Training job codes of one category, ascending. */
export function statusCodesForCategory(category: StatusCategory): number[] {
  return TRAINING_JOB_STATUSES.filter((s) => s.category === category).map((s) => s.code);
}

const CATEGORY_WORDS: Readonly<Record<string, StatusCategory>> = {
  running: 'running',
  waiting: 'waiting',
  queued: 'waiting',
  pending: 'waiting',
  failed: 'failed',
  completed: 'succeeded',
  succeeded: 'succeeded',
  success: 'succeeded',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  unknown: 'unknown',
};

/**
 * Parses what a user types as a status filter into training job codes: a category word (`running`, `failed`,
 * `completed`, `cancelled`/`canceled` …), a status name with or without the `JOBSTAT_` prefix (`JOBSTAT_KILLED`,
 * `killed`, `image-failed`), or a code. Returns null for anything else. Category words win over same-named statuses
 * (`failed` means every failure, not only code 11).
 */
export function parseStatusWord(word: string): number[] | null {
  const w = word
    .trim()
    .toLowerCase()
    .replace(/[-\s]+/g, '_');
  if (w === '') return null;
  if (/^\d{1,6}$/.test(w)) return [Number(w)];
  const category = Object.hasOwn(CATEGORY_WORDS, w) ? CATEGORY_WORDS[w] : undefined;
  if (category) return statusCodesForCategory(category);
  const bare = w.replace(/^jobstat_/, '');
  const match = TRAINING_JOB_STATUSES.find((s) => s.name.toLowerCase().replace(/^jobstat_/, '') === bare);
  return match ? [match.code] : null;
}
