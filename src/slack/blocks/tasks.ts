/**
 * `/modelarts tasks`: data processing tasks, two lines each (type, data, status; when, and the result in a few words),
 * with a Details button for the whole result.
 */
import type { KnownBlock } from '@slack/types';
import type { ProcessorDataSource, ProcessorTask, ProcessorTaskList } from '../../modelarts/index.js';
import { processorTaskStatus } from '../../modelarts/statuses.js';
import { ACTION } from '../ids.js';
import { escapeInline } from '../mrkdwn.js';
import { TASK_TYPES } from '../use-cases/parser.js';
import { shareValue, type TaskFilters, taskDetailsValue, tasksPageValue } from './action-values.js';
import { formatDateTime, formatDuration, plural } from './format.js';
import { button, context, fallbackText, header, joinParts, pagedList, pageOf, section } from './kit.js';
import { taskResultLines, taskResultSummary } from './task-result.js';
import type { Message, RenderContext } from './types.js';

export interface TasksOptions {
  page: number;
  pageSize: number;
  filters: TaskFilters;
  ephemeral?: boolean;
}

export const TASKS_PAGE_SIZE = 5;
export const TASKS_MAX_PAGE_SIZE = 20;

const TYPE_LABELS: Readonly<Record<string, string>> = {
  sys_data_analyse: 'feature analysis',
  sys_data_cleaning: 'data cleansing',
  sys_data_augmentation: 'data augmentation',
  sys_data_validation: 'data validation',
  sys_data_selection: 'data selection',
};

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** Escaped label of a task type (template id or grammar word). */
export function taskTypeLabel(type: string | null | undefined): string | null {
  if (!type) return null;
  const id = Object.hasOwn(TASK_TYPES, type) ? TASK_TYPES[type as keyof typeof TASK_TYPES] : type;
  return Object.hasOwn(TYPE_LABELS, id) ? (TYPE_LABELS[id] ?? null) : escapeInline(type, 60);
}

function sourceText(s: ProcessorDataSource | null | undefined): string | null {
  if (!s) return null;
  const type = str(s.type)?.toUpperCase() ?? null;
  const source = str(s.name) ?? str(s.source);
  if (!source) return null;
  const version = str(s.version_name) ?? str(s.version_id);
  const noun =
    type === 'DATASET' || type === null
      ? 'dataset'
      : type === 'OBS'
        ? 'OBS'
        : type === 'TASK'
          ? 'task'
          : escapeInline(type.toLowerCase(), 20);
  return `${noun} ${escapeInline(source, 80)}${version ? ` / ${escapeInline(version, 60)}` : ''}`;
}

/** "Feature analysis", for the start of a row. */
function typeTitle(t: ProcessorTask): string {
  const label = taskTypeLabel(t.task_type ?? t.template?.id ?? null) ?? 'Data processing task';
  return `${label.charAt(0).toUpperCase()}${label.slice(1)}`;
}

function taskSource(t: ProcessorTask): string | null {
  const inputs = Array.isArray(t.inputs) ? t.inputs : [];
  const source = sourceText(t.data_source) ?? sourceText(inputs[0]);
  const version = str(t.version_name) ?? str(t.version_id);
  if (version && !(source ?? '').includes(escapeInline(version, 60))) {
    return joinParts([source, `version ${escapeInline(version, 60)}`], ' ');
  }
  return source;
}

/** "started 15 Jul 2019 08:32 · took 12 min 24 s"; a zero duration is left out rather than read "0 s". */
function whenText(t: ProcessorTask, ctx: RenderContext): string {
  const info = processorTaskStatus(t.status);
  const seconds =
    typeof t.duration_seconds === 'number' && Number.isFinite(t.duration_seconds) ? t.duration_seconds : 0;
  const duration = seconds >= 1 ? formatDuration(seconds * 1000) : null;
  const at = formatDateTime(t.create_time, ctx.timeZone);
  if (info.category === 'waiting') return at ? `queued since ${at}` : 'queued';
  return joinParts([
    at ? `started ${at}` : null,
    duration ? (info.category === 'running' ? `running for ${duration}` : `took ${duration}`) : null,
  ]);
}

function errorText(t: ProcessorTask, max: number): string | null {
  const info = processorTaskStatus(t.status);
  if (str(t.error_msg)) return `⚠️ ${escapeInline(t.error_msg ?? '', max)}`;
  return info.category === 'failed' ? '⚠️ The task failed without an error message.' : null;
}

/** Two lines: what ran on which data and how it ended; when, and the result in a few words or the error. */
function taskRow(t: ProcessorTask, ctx: RenderContext): string {
  const info = processorTaskStatus(t.status);
  const line1 = joinParts([`${info.emoji} *${typeTitle(t)}*`, taskSource(t), escapeInline(info.label, 40)]);
  const line2 = joinParts([whenText(t, ctx), errorText(t, 160) ?? taskResultSummary(t.result)]);
  return joinParts([line1, line2], '\n');
}

function detailsButton(t: ProcessorTask) {
  return button({
    text: 'Details',
    actionId: ACTION.taskDetails,
    value: taskDetailsValue.encode({ taskId: t.task_id }),
  });
}

/** One task in full: name, id, description, the error, and every part of the result with readable names. */
export function renderProcessorTask(t: ProcessorTask, ctx: RenderContext): Message {
  const info = processorTaskStatus(t.status);
  const title = `${typeTitle(t)}${str(t.name) ? ` · ${t.name}` : ''}`;
  const head = joinParts(
    [
      joinParts([`${info.emoji} ${escapeInline(info.label, 40)}`, taskSource(t)]),
      whenText(t, ctx),
      str(t.description) ? `_${escapeInline(t.description ?? '', 300)}_` : null,
      errorText(t, 1500),
    ],
    '\n',
  );
  const blocks: KnownBlock[] = [header(title), section(head, { max: 2500 })];
  const result = taskResultLines(t.result, 2900);
  if (result.length > 0) blocks.push(section(result.join('\n'), { max: 3000 }));
  const quiet = context([
    joinParts([`task ${escapeInline(t.task_id, 64)}`, `project ${escapeInline(ctx.projectId, 80)}`]),
  ]);
  if (quiet) blocks.push(quiet);
  return {
    text: fallbackText(`${info.emoji} ${title}: ${info.label}`),
    blocks,
  };
}

function filterText(f: TaskFilters): string | null {
  return (
    joinParts([
      f.datasetId ? `dataset ${escapeInline(f.datasetId, 64)}` : null,
      f.taskType ? taskTypeLabel(f.taskType) : null,
      typeof f.status === 'number' ? processorTaskStatus(f.status).label : null,
    ]) || null
  );
}

export function renderProcessorTasks(list: ProcessorTaskList, ctx: RenderContext, opts: TasksOptions): Message {
  const tasks = Array.isArray(list.tasks) ? list.tasks : [];
  const slice = pageOf(tasks, opts.page, opts.pageSize, list.count ?? tasks.length, TASKS_MAX_PAGE_SIZE);
  const title = 'Data processing tasks';
  const filter = filterText(opts.filters);
  const head: KnownBlock[] = [header(title)];

  if (slice.total === 0 || (slice.rows.length === 0 && slice.page === 1)) {
    head.push(
      section(
        filter
          ? `No tasks match ${filter}. Try \`/modelarts tasks\` without filters to see every task.`
          : `No data processing tasks in project ${escapeInline(ctx.projectId, 100)}. Feature analysis, cleansing and augmentation tasks of your datasets show up here.`,
      ),
    );
    return { text: fallbackText(`${title}: none${filter ? ' match the filter' : ''}`), blocks: head };
  }

  const top = context([joinParts([plural(slice.total, 'task'), filter ? `filter: ${filter}` : null])]);
  if (top) head.push(top);
  const { blocks, shown } = pagedList({
    head,
    slice,
    rows: slice.rows.map((t) => (max: number) => {
      const details = detailsButton(t);
      return section(taskRow(t, ctx), { max, ...(details ? { accessory: details } : {}) });
    }),
    pageAction: ACTION.tasksPage,
    pageValue: (page) => tasksPageValue.encode({ page, filters: opts.filters }),
    shareValue: opts.ephemeral ? shareValue.encode({ kind: 'tasks', page: slice.page, filters: opts.filters }) : null,
    rowChars: { min: 200, max: 600 },
  });
  return {
    text: fallbackText(`${title}: ${slice.total} · showing ${shown} (page ${slice.page} of ${slice.pages})`),
    blocks,
  };
}
