/** Previous/Next on the processing tasks list. */
import { type TaskFilters, tasksPageValue } from '../../blocks/action-values.js';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import type { LookupCommand } from '../../use-cases/lookups.js';
import { TASK_TYPES, type TaskTypeWord } from '../../use-cases/parser.js';
import { buttonHandler, decodedValue, rerunLookup } from '../common/action.js';

/** A task type as a grammar word, whether the value carries the word or the template id. */
export function taskTypeWord(raw: string | null | undefined): TaskTypeWord | null | undefined {
  if (!raw) return null;
  for (const [word, template] of Object.entries(TASK_TYPES)) {
    if (raw === word || raw === template) return word as TaskTypeWord;
  }
  return undefined;
}

/** The tasks command a page button stands for; null when the filters are not ours. */
export function tasksCommand(page: number, filters: TaskFilters): Extract<LookupCommand, { kind: 'tasks' }> | null {
  const taskType = taskTypeWord(filters.taskType);
  if (taskType === undefined) return null;
  const status = filters.status ?? null;
  if (status !== null && (status < 0 || status > 4)) return null;
  return { kind: 'tasks', datasetId: filters.datasetId ?? null, taskType, status, statusWord: null, page };
}

export function makeTasksPageHandler(deps: AppDeps) {
  return buttonHandler(deps, ACTION.tasksPage, async (args, ctx) => {
    const cmd = await decodedValue(args, ctx, (raw) => {
      const value = tasksPageValue.decode(raw);
      return value ? tasksCommand(value.page, value.filters) : null;
    });
    if (!cmd) return 'user_error';
    ctx.interaction.set({ subcommand: 'tasks' });
    return rerunLookup(args, ctx, cmd);
  });
}
