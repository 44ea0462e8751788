/**
 * Global shortcut "Look up a ModelArts job": the modal opens at once (the trigger_id lives 3 s), before anything
 * else happens; ModelArts is only asked when the form is submitted.
 */
import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { renderErrorMessage, renderLookupModal } from '../../blocks/index.js';
import type { AppDeps } from '../../deps.js';
import { admit } from '../../gate.js';
import { startInteraction } from '../common/interaction.js';

/** A modal that only says why the user cannot use the bot. */
export function refusalModal(sentence: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'ModelArts' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: renderErrorMessage(sentence).blocks,
  };
}

export function makeLookupJobHandler(deps: AppDeps) {
  return async ({ shortcut, ack, client }: SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs) => {
    await ack();
    const interaction = startInteraction(deps, 'shortcut', 'lookup', {
      userId: shortcut.user.id,
      channelId: null,
      teamId: shortcut.team?.id ?? null,
    });
    interaction.acked();
    const access = await admit(deps, client, {
      userId: shortcut.user.id,
      userTeamId: shortcut.user.team_id,
      channelId: null,
    });
    const view = access.allowed
      ? renderLookupModal({ allowSharedChannels: deps.config.access.allowSharedChannels })
      : refusalModal(access.sentence);
    try {
      await client.views.open({ trigger_id: shortcut.trigger_id, view });
      interaction.done(access.allowed ? 'ok' : 'refused');
    } catch (err) {
      deps.logger.warn({ err }, 'views.open failed for the lookup shortcut');
      interaction.done('internal_error');
    }
  };
}
