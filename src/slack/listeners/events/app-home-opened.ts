/**
 * app_home_opened (Home tab): publish the user's watches and the project's running versions. Events are acked by
 * Bolt before this runs, so there is no 3-second race here, only the lookup deadline.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AppDeps } from '../../deps.js';
import { UserFacingError } from '../../errors.js';
import { admit } from '../../gate.js';
import type { CommandEnv } from '../../use-cases/context.js';
import { homeView, refusedHomeView } from '../../use-cases/home.js';
import { withDeadline } from '../common/answer.js';
import { type Interaction, startInteraction } from '../common/interaction.js';

/** Builds and publishes the Home tab for `userId`; used by the event and the (`fresh`) Refresh button. */
export async function publishHome(
  deps: AppDeps,
  client: WebClient,
  who: { userId: string; teamId: string; userTeamId?: string | undefined },
  interaction: Interaction,
  options: { fresh?: boolean } = {},
): Promise<void> {
  const access = await admit(deps, client, { userId: who.userId, userTeamId: who.userTeamId, channelId: null });
  const env: CommandEnv = {
    deps,
    client,
    userId: who.userId,
    channelId: null,
    teamId: who.teamId,
    admin: access.allowed && access.admin,
  };
  try {
    const view = access.allowed
      ? await withDeadline(deps, (call) => homeView(env, call), options)
      : refusedHomeView(env, access.sentence);
    await client.views.publish({ user_id: who.userId, view });
    interaction.done(access.allowed ? 'ok' : 'refused');
  } catch (err) {
    if (err instanceof UserFacingError && err.outcome === 'busy') {
      // The Home tab keeps what it showed; the next visit or Refresh tries again.
      interaction.done('busy');
      return;
    }
    deps.logger.error({ err }, 'could not publish the Home tab');
    interaction.done('internal_error');
  }
}

export function makeAppHomeOpenedHandler(deps: AppDeps) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    const teamId = body.team_id ?? deps.identity.teamId ?? '';
    const interaction = startInteraction(deps, 'event', 'app_home_opened', {
      userId: event.user,
      channelId: null,
      teamId,
    });
    interaction.acked();
    await publishHome(deps, client, { userId: event.user, teamId }, interaction);
  };
}
