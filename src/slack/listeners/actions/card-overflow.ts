/**
 * The overflow menu on cards holds links (console, logs) and copies of the card's buttons. Link options open in
 * the browser and only need an ack; button-like options are routed to the same handlers as the buttons.
 */
import { jobRefValue, shareValue } from '../../blocks/action-values.js';
import type { AppDeps } from '../../deps.js';
import { actionValue, type ButtonArgs } from '../common/action.js';
import { startInteraction } from '../common/interaction.js';
import { makeJobRefreshHandler } from './job-refresh.js';
import { makeShareHandler } from './share.js';

export function makeCardOverflowHandler(deps: AppDeps) {
  const refresh = makeJobRefreshHandler(deps);
  const share = makeShareHandler(deps);
  return async (args: ButtonArgs) => {
    const value = actionValue(args.action);
    if (shareValue.decode(value)) return share(args);
    if (jobRefValue.decode(value)) return refresh(args);
    await args.ack();
    const interaction = startInteraction(deps, 'action', 'card_overflow', {
      userId: args.body.user.id,
      channelId: args.body.channel?.id ?? null,
      teamId: args.body.team?.id ?? null,
    });
    interaction.acked();
    interaction.done('ignored');
  };
}
