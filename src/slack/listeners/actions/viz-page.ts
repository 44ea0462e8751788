/** Previous/Next on the visualization jobs list. */
import { vizPageValue } from '../../blocks/action-values.js';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { buttonHandler, decodedValue, rerunLookup } from '../common/action.js';

export function makeVizPageHandler(deps: AppDeps) {
  return buttonHandler(deps, ACTION.vizPage, async (args, ctx) => {
    const value = await decodedValue(args, ctx, vizPageValue.decode);
    if (!value) return 'user_error';
    ctx.interaction.set({ subcommand: 'viz' });
    return rerunLookup(args, ctx, { kind: 'viz', jobId: null, page: value.page });
  });
}
