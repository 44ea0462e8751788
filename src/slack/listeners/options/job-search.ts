/**
 * Options for the lookup modal's job picker (block_suggestion). Slack waits 3 s for the answer, so the search gets
 * the usual lookup deadline and a failure answers with no options rather than an error nobody would see.
 */
import type { AllMiddlewareArgs, BlockSuggestion, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../../deps.js';
import { admit } from '../../gate.js';
import { searchJobOptions } from '../../use-cases/job-search.js';
import { withDeadline } from '../common/answer.js';
import { startInteraction } from '../common/interaction.js';

export function makeJobSearchHandler(deps: AppDeps) {
  return async ({ ack, body, client }: SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs) => {
    const suggestion = body as BlockSuggestion;
    const interaction = startInteraction(deps, 'options', 'job_search', {
      userId: suggestion.user.id,
      channelId: null,
      teamId: suggestion.team?.id ?? null,
    });
    const access = await admit(deps, client, {
      userId: suggestion.user.id,
      userTeamId: suggestion.user.team_id,
      channelId: null,
    });
    if (!access.allowed) {
      await ack({ options: [] });
      interaction.acked();
      interaction.done('refused');
      return;
    }
    try {
      const options = await withDeadline(deps, (call) => searchJobOptions(deps, suggestion.value ?? '', call));
      await ack({ options });
      interaction.acked();
      interaction.done('ok');
    } catch (err) {
      deps.logger.warn({ err }, 'job search for the lookup modal failed');
      await ack({ options: [] });
      interaction.acked();
      interaction.done('internal_error');
    }
  };
}
