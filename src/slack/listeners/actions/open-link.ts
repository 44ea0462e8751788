/** URL buttons (TensorBoard, console, logs) open in the browser; Slack still sends block_actions, which only need an ack. */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../../deps.js';
import { startInteraction } from '../common/interaction.js';

export function makeOpenLinkHandler(deps: AppDeps) {
  return async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const interaction = startInteraction(deps, 'action', action.action_id, {
      userId: body.user.id,
      channelId: body.channel?.id ?? null,
      teamId: body.team?.id ?? null,
    });
    interaction.acked();
    interaction.done('ignored');
  };
}
