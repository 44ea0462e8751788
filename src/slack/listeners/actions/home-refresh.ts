/** Refresh on the Home tab. */
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { buttonHandler } from '../common/action.js';
import { publishHome } from '../events/app-home-opened.js';

export function makeHomeRefreshHandler(deps: AppDeps) {
  return buttonHandler(deps, ACTION.homeRefresh, async (args, ctx) => {
    await publishHome(deps, args.client, { userId: ctx.env.userId, teamId: ctx.env.teamId }, ctx.interaction, {
      fresh: true,
    });
    return 'ok';
  });
}
