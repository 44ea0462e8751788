/** Previous/Next on the configs list. */
import { configsPageValue } from '../../blocks/action-values.js';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { buttonHandler, decodedValue, rerunLookup } from '../common/action.js';

export function makeConfigsPageHandler(deps: AppDeps) {
  return buttonHandler(deps, ACTION.configsPage, async (args, ctx) => {
    const value = await decodedValue(args, ctx, configsPageValue.decode);
    if (!value) return 'user_error';
    ctx.interaction.set({ subcommand: 'configs' });
    return rerunLookup(args, ctx, { kind: 'configs', search: value.search, page: value.page });
  });
}
