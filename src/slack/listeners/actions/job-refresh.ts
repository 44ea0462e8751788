/**
 * job_refresh: Refresh on a run card replaces the card; Details on a list row (`job_refresh:details`, or a plain
 * job_refresh in a row of an older list message) opens the card beside the list as a private message: the list
 * stays where it was, so going back is scrolling up, and one person's click never changes a shared list.
 */
import type { BlockAction } from '@slack/bolt';
import { refParts } from '../../../modelarts/index.js';
import { jobRefValue } from '../../blocks/action-values.js';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { refreshedAlertCard } from '../../use-cases/alert-card.js';
import { renderContext } from '../../use-cases/context.js';
import { runLookup } from '../../use-cases/lookups.js';
import { buttonHandler, decodedValue, rerunLookup } from '../common/action.js';
import { withDeadline } from '../common/answer.js';
import { replaceOriginal } from '../common/post.js';

/** Whether the clicked button sits on a row of a channel list (a section accessory) rather than on a card. */
export function isListRowInChannel(body: BlockAction): boolean {
  const blockId = body.actions[0]?.block_id;
  const blocks = body.message?.blocks as Array<{ type?: string; block_id?: string }> | undefined;
  if (!blocks || !blockId) return false;
  return blocks.find((b) => b.block_id === blockId)?.type === 'section';
}

export function makeJobRefreshHandler(deps: AppDeps) {
  return buttonHandler(deps, ACTION.jobRefresh, async (args, ctx) => {
    const value = await decodedValue(args, ctx, jobRefValue.decode);
    if (!value) return 'user_error';
    ctx.interaction.set({ subcommand: 'job' });
    const { jobId, versionId } = refParts(value);
    const cmd = { kind: 'job', jobId, versionId } as const;
    if (args.action.action_id === ACTION.alertRefresh) {
      const message = await withDeadline(deps, (call) => refreshedAlertCard(ctx.env, value, call), { fresh: true });
      await replaceOriginal(args.body, args.client, args.respond, message);
      return 'ok';
    }
    if (args.action.action_id === ACTION.jobDetails || isListRowInChannel(args.body)) {
      const answer = await withDeadline(
        deps,
        (call) => runLookup(deps, renderContext(ctx.env), cmd, call, { ephemeral: true }),
        { fresh: true },
      );
      await ctx.tell(answer.message);
      return answer.outcome;
    }
    return rerunLookup(args, ctx, cmd, { fresh: true });
  });
}
