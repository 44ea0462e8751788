/**
 * Share on an ephemeral answer: render the same lookup again for the channel (without the Share button), post it
 * with a "Shared by @user" line, and remove the private copy.
 */
import { refParts } from '../../../modelarts/index.js';
import { type ShareValue, shareValue } from '../../blocks/action-values.js';
import { renderErrorMessage } from '../../blocks/index.js';
import type { AppDeps } from '../../deps.js';
import { classifyError } from '../../errors.js';
import { ensureCanPost } from '../../gate.js';
import { ACTION } from '../../ids.js';
import { renderContext } from '../../use-cases/context.js';
import { type LookupCommand, runLookup } from '../../use-cases/lookups.js';
import { actionValue, buttonHandler, STALE_BUTTON } from '../common/action.js';
import { withDeadline } from '../common/answer.js';
import { postCard, withAttribution } from '../common/post.js';
import { statusCodes } from './jobs-page.js';
import { tasksCommand } from './tasks-page.js';

export function shareCommand(value: ShareValue): LookupCommand | null {
  switch (value.kind) {
    case 'job':
      return { kind: 'job', ...refParts(value.ref) };
    case 'viz':
      return { kind: 'viz', jobId: value.jobId, page: 1 };
    case 'vizList':
      return { kind: 'viz', jobId: null, page: value.page };
    case 'jobs': {
      const statuses = statusCodes(value.statusFilter);
      return statuses ? { kind: 'jobs', statuses, statusWords: value.statusFilter, page: value.page } : null;
    }
    case 'configs':
      return { kind: 'configs', search: value.search, page: value.page };
    case 'tasks':
      return tasksCommand(value.page, value.filters);
  }
}

export function makeShareHandler(deps: AppDeps) {
  return buttonHandler(deps, ACTION.share, async (args, ctx) => {
    const decoded = shareValue.decode(actionValue(args.action));
    const cmd = decoded ? shareCommand(decoded) : null;
    const channelId = ctx.env.channelId;
    if (!cmd || !channelId) {
      await ctx.tell(renderErrorMessage(STALE_BUTTON));
      return 'user_error';
    }
    ctx.interaction.set({ subcommand: `share_${cmd.kind}` });
    await ensureCanPost(deps, args.client, channelId, { userId: ctx.env.userId });
    const answer = await withDeadline(deps, (call) =>
      runLookup(deps, renderContext(ctx.env), cmd, call, { ephemeral: false }),
    );
    if (answer.outcome !== 'ok') {
      await ctx.tell(answer.message);
      return answer.outcome;
    }
    try {
      await postCard(args.client, channelId, withAttribution(answer.message, ctx.env.userId, 'Shared'));
    } catch (err) {
      const { sentence, outcome } = classifyError(
        err,
        { projectId: deps.projectId, botName: deps.identity.botName, subject: { kind: 'channel', channelId } },
        deps.logger,
      );
      await ctx.tell(renderErrorMessage(sentence));
      return outcome;
    }
    if (args.body.response_url) {
      // The private copy has done its job; a failure here only leaves it in place.
      await args.respond({ delete_original: true }).catch((err: unknown) => {
        deps.logger.debug({ err }, 'could not remove the ephemeral original after sharing');
      });
    }
    return 'ok';
  });
}
