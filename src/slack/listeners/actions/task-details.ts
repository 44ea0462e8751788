/**
 * task_details: Details on a row of `/modelarts tasks` shows that task in full (its whole result with readable
 * names, the error) privately beside the list, which stays as it was.
 */
import { taskDetailsValue } from '../../blocks/index.js';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { renderContext } from '../../use-cases/context.js';
import { runTaskDetails } from '../../use-cases/lookups.js';
import { buttonHandler, decodedValue } from '../common/action.js';
import { withDeadline } from '../common/answer.js';

export function makeTaskDetailsHandler(deps: AppDeps) {
  return buttonHandler(deps, ACTION.taskDetails, async (args, ctx) => {
    const value = await decodedValue(args, ctx, taskDetailsValue.decode);
    if (!value) return 'user_error';
    ctx.interaction.set({ subcommand: 'tasks' });
    const answer = await withDeadline(deps, (call) => runTaskDetails(deps, renderContext(ctx.env), value.taskId, call));
    await ctx.tell(answer.message);
    return answer.outcome;
  });
}
