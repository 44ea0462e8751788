/** Watch on a run card: a run watch in the channel the card is in. */
import { refParts } from '../../../modelarts/index.js';
import { jobRefValue } from '../../blocks/action-values.js';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { runWatch } from '../../use-cases/watches.js';
import { buttonHandler, decodedValue } from '../common/action.js';
import { withDeadline } from '../common/answer.js';

export function makeJobWatchHandler(deps: AppDeps) {
  return buttonHandler(deps, ACTION.jobWatch, async (args, ctx) => {
    const value = await decodedValue(args, ctx, jobRefValue.decode);
    if (!value) return 'user_error';
    ctx.interaction.set({ subcommand: 'watch' });
    const target = { kind: 'run', ...refParts(value) } as const;
    const answer = await withDeadline(deps, (call) => runWatch(ctx.env, target, 'default', call));
    await ctx.tell(answer.message);
    return answer.outcome;
  });
}
