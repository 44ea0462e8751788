/**
 * link_shared: ModelArts console links to a training job become a compact job card (chat.unfurl). Links that do not
 * name a job, jobs that do not exist and refused users are left alone: an unfurl is a courtesy, never an error.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { MessageAttachment } from '@slack/types';
import { renderUnfurl } from '../../blocks/index.js';
import type { AppDeps } from '../../deps.js';
import { admit } from '../../gate.js';
import { renderContext } from '../../use-cases/context.js';
import { fetchRun } from '../../use-cases/lookups.js';
import { withDeadline } from '../common/answer.js';
import { startInteraction } from '../common/interaction.js';

/** Slack sends at most a handful of links per message; we unfurl this many. */
const MAX_UNFURLS = 5;

export function makeLinkSharedHandler(deps: AppDeps) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs<'link_shared'> & AllMiddlewareArgs) => {
    const teamId = body.team_id ?? deps.identity.teamId ?? '';
    const interaction = startInteraction(deps, 'event', 'link_shared', {
      userId: event.user,
      channelId: event.channel,
      teamId,
    });
    interaction.acked();
    const access = await admit(deps, client, { userId: event.user, channelId: event.channel });
    if (!access.allowed) {
      interaction.done('refused');
      return;
    }
    const targets = new Map<string, { jobId: string; versionId: string | null }>();
    for (const link of event.links ?? []) {
      const ref = deps.consoleLinks.parse(link.url);
      if (ref && !targets.has(link.url) && targets.size < MAX_UNFURLS) targets.set(link.url, ref);
    }
    if (targets.size === 0) {
      interaction.done('ignored');
      return;
    }
    const env = { deps, client, userId: event.user };
    const ctx = renderContext(env);
    const unfurls: Record<string, MessageAttachment> = {};
    const attempted = await withDeadline(deps, async (call) => {
      await Promise.all(
        [...targets].map(async ([url, ref]) => {
          try {
            const run = await fetchRun(deps, ref.jobId, ref.versionId, call);
            unfurls[url] = { blocks: renderUnfurl(run, await ctx).blocks };
          } catch (err) {
            deps.logger.info({ err: { name: (err as Error).name }, jobId: ref.jobId }, 'link not unfurled');
          }
        }),
      );
      return true;
    }).catch(() => false); // only refusals reach here (busy): the links then stay plain
    if (!attempted) {
      interaction.done('busy');
      return;
    }
    if (Object.keys(unfurls).length === 0) {
      interaction.done('user_error');
      return;
    }
    try {
      const where =
        event.unfurl_id && event.source
          ? { unfurl_id: event.unfurl_id, source: event.source }
          : { channel: event.channel, ts: event.message_ts };
      await client.chat.unfurl({ ...where, unfurls } as Parameters<typeof client.chat.unfurl>[0]);
      interaction.done('ok');
    } catch (err) {
      deps.logger.warn({ err }, 'chat.unfurl failed');
      interaction.done('internal_error');
    }
  };
}
