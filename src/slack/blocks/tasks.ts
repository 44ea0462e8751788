/** `/modelarts tasks`: data processing tasks with type, status, dataset/version, duration and results. */
import type { KnownBlock } from '@slack/types';
import type { ProcessorDataSource, ProcessorTask, ProcessorTaskList } from '../../modelarts/index.js';
import { processorTaskStatus } from '../../modelarts/statuses.js';
import { ACTION } from '../ids.js';
import { escapeInline } from '../mrkdwn.js';
import { TASK_TYPES } from '../use-cases/parser.js';
import { shareValue, type TaskFilters, tasksPageValue } from './action-values.js';
import { formatDuration, formatInteger, formatRelative, plural } from './format.js';
import {
  actions,
  button,
  context,
  fallbackText,
  fitRows,
  header,
  joinParts,
  pageOf,
  pageRangeLine,
  pagerButtons,
  pastEndNotice,
  section,
} from './kit.js';
import { LIMITS } from './limits.js';
import { fitLines, taskResultLines } from './task-result.js';
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

function taskText(t: ProcessorTask, ctx: RenderContext, max: number): string {
  const info = processorTaskStatus(t.status);
  const name = str(t.name) ? escapeInline(t.name ?? '', 120) : `task ${escapeInline(t.task_id, 60)}`;
  const type = taskTypeLabel(t.task_type ?? t.template?.id ?? null);
  const line1 = `${info.emoji} *${name}* — ${escapeInline(info.label, 40)}${type ? ` · ${type}` : ''}`;
  const inputs = Array.isArray(t.inputs) ? t.inputs : [];
  const source = sourceText(t.data_source) ?? sourceText(inputs[0]);
  const version = str(t.version_name) ?? str(t.version_id);
  const duration = formatDuration(
    typeof t.duration_seconds === 'number' && Number.isFinite(t.duration_seconds) ? t.duration_seconds * 1000 : null,
  );
  const created = formatRelative(t.create_time, ctx.now, ctx.timeZone);
  const line2 = joinParts([
    source,
    version && !(source ?? '').includes(escapeInline(version, 60)) ? `version ${escapeInline(version, 60)}` : null,
    duration ? `took ${duration}` : null,
    created ? `created ${created}` : null,
    t.is_current === true ? 'latest of its version' : null,
    `id ${escapeInline(t.task_id, 60)}`,
  ]);
  const head = joinParts(
    [line1, line2 || null, str(t.description) ? `_${escapeInline(t.description ?? '', 200)}_` : null],
    '\n',
  );
  const budget = Math.max(0, max - head.length - 2);
  const extra: string[] = [];
  if (info.category === 'failed' || str(t.error_msg)) {
    extra.push(
      `⚠️ ${str(t.error_msg) ? escapeInline(t.error_msg ?? '', 500) : 'The task failed without an error message.'}`,
    );
  }
  extra.push(...taskResultLines(t.result, Math.max(0, budget - (extra[0]?.length ?? 0) - 1)));
  return joinParts([head, ...fitLines(extra, budget)], '\n');
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
  if (slice.rows.length === 0) head.push(pastEndNotice(slice));
  const foot: KnownBlock[] = [];
  const pageLine = context([pageRangeLine(slice)]);
  if (pageLine) foot.push(pageLine);
  const bar = actions([
    ...pagerButtons(slice, ACTION.tasksPage, (page) => tasksPageValue.encode({ page, filters: opts.filters })),
    opts.ephemeral
      ? button({
          text: 'Share in channel',
          actionId: ACTION.share,
          value: shareValue.encode({ kind: 'tasks', page: slice.page, filters: opts.filters }),
        })
      : null,
  ]);
  if (bar) foot.push(bar);

  const { blocks, shown } = fitRows(
    head,
    slice.rows.map((t) => (max: number) => section(taskText(t, ctx, max), { max })),
    foot,
    {
      maxBlocks: LIMITS.messageBlocks,
      maxChars: LIMITS.messageTextTotal,
      maxRowChars: 2800,
      minRowChars: 250,
      more: (hidden) =>
        context([`… ${formatInteger(hidden)} more on this page did not fit in one message.`]) ?? section('…'),
    },
  );
  return {
    text: fallbackText(`${title}: ${slice.total} · showing ${shown} (page ${slice.page} of ${slice.pages})`),
    blocks,
  };
}
