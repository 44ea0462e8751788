/**
 * Unwatch buttons: in a `watches` list (ephemeral) the list is redrawn; in App Home the tab is republished; on a
 * channel message (an alert) the user gets a private confirmation; in the question `/modelarts unwatch` asks about
 * someone else's watch, the question is replaced by the answer. Wherever it was removed, the watch's card says so
 * and its creator is told when someone else removed it.
 */
import { unwatchValue } from '../../blocks/action-values.js';
import { describeWatchTarget } from '../../blocks/watches.js';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { notice } from '../../use-cases/notice.js';
import { afterUnwatch } from '../../use-cases/unwatch.js';
import { unwatchById, watchesMessage } from '../../use-cases/watches.js';
import { buttonHandler, decodedValue, isEphemeralContainer, isViewContainer } from '../common/action.js';
import { withDeadline } from '../common/answer.js';
import { replaceOriginal } from '../common/post.js';
import { publishHome } from '../events/app-home-opened.js';

export function makeUnwatchHandler(deps: AppDeps) {
  return buttonHandler(deps, ACTION.unwatch, async (args, ctx) => {
    const value = await decodedValue(args, ctx, unwatchValue.decode);
    if (!value) return 'user_error';
    ctx.interaction.set({ subcommand: 'unwatch' });
    const fromHome = isViewContainer(args.body);
    const env = fromHome ? { ...ctx.env, channelId: null } : ctx.env;
    const removed = await unwatchById(env, value.watchId);
    if (removed) {
      await withDeadline(deps, (call) => afterUnwatch(env, removed, call)).catch((err: unknown) =>
        deps.logger.warn({ err, watchId: removed.id }, 'could not finish removing a watch'),
      );
    }
    if (fromHome) {
      await publishHome(deps, args.client, { userId: env.userId, teamId: env.teamId }, ctx.interaction);
      return 'ok';
    }
    const sentence = removed
      ? `🔕 Stopped watching ${describeWatchTarget(removed.target, deps.projectId)} in this channel.`
      : 'That watch was already removed.';
    if (args.action.action_id === ACTION.unwatchConfirmed) {
      await replaceOriginal(args.body, args.client, args.respond, notice(sentence));
      return 'ok';
    }
    if (isEphemeralContainer(args.body) && env.channelId !== null) {
      await replaceOriginal(args.body, args.client, args.respond, await watchesMessage(env));
      return 'ok';
    }
    await ctx.tell(notice(sentence));
    return 'ok';
  });
}
