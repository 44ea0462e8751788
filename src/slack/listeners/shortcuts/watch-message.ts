/**
 * Message shortcut "Watch this ModelArts job": find a job reference in the message (our card's metadata or
 * buttons, a console link, or text like "job 123 version 4") and watch it in that channel.
 */
import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { isV2JobId } from '../../../modelarts/index.js';
import type { WatchTarget } from '../../../store/types.js';
import { renderErrorMessage } from '../../blocks/index.js';
import type { AppDeps } from '../../deps.js';
import { classifyError } from '../../errors.js';
import { admit } from '../../gate.js';
import type { CommandEnv } from '../../use-cases/context.js';
import { findJobReference } from '../../use-cases/job-refs.js';
import { runWatch } from '../../use-cases/watches.js';
import { ephemeral, withDeadline } from '../common/answer.js';
import { startInteraction } from '../common/interaction.js';

export const NOT_FOUND_SENTENCE =
  'I could not find a ModelArts training job in that message. I look for our job cards, ModelArts console links ' +
  'and text like “job 123 version 4”. You can also use `/modelarts watch JOB_ID [VERSION_ID]`.';

export function makeWatchMessageHandler(deps: AppDeps) {
  return async ({
    shortcut,
    ack,
    respond,
    client,
  }: SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs) => {
    await ack();
    const channelId = shortcut.channel.id;
    const interaction = startInteraction(deps, 'shortcut', 'watch_message', {
      userId: shortcut.user.id,
      channelId,
      teamId: shortcut.team?.id ?? null,
    });
    interaction.acked();
    const reply = async (message: Parameters<typeof ephemeral>[0]) => {
      try {
        await respond({ ...ephemeral(message), replace_original: false });
      } catch (err) {
        deps.logger.warn({ err }, 'could not answer the message shortcut');
      }
    };
    const access = await admit(deps, client, {
      userId: shortcut.user.id,
      userTeamId: shortcut.user.team_id,
      channelId,
    });
    if (!access.allowed) {
      await reply(renderErrorMessage(access.sentence));
      interaction.done('refused');
      return;
    }
    const ref = findJobReference(
      {
        text: shortcut.message.text,
        blocks: shortcut.message.blocks,
        metadata: (shortcut.message as { metadata?: { event_type?: unknown; event_payload?: unknown } }).metadata,
      },
      deps.consoleLinks.parse,
    );
    if (!ref) {
      await reply(renderErrorMessage(NOT_FOUND_SENTENCE));
      interaction.done('user_error');
      return;
    }
    interaction.set({ subcommand: `watch_${ref.source}` });
    // A v1 job without a version is watched whole; a v1 version or a v2 job is one run.
    const target: WatchTarget =
      ref.versionId === null && !isV2JobId(ref.jobId)
        ? { kind: 'job', jobId: ref.jobId }
        : { kind: 'run', jobId: ref.jobId, versionId: ref.versionId };
    const env: CommandEnv = {
      deps,
      client,
      userId: shortcut.user.id,
      channelId,
      teamId: shortcut.team?.id ?? deps.identity.teamId ?? '',
      admin: access.admin,
    };
    const answer = await withDeadline(deps, (call) => runWatch(env, target, 'default', call)).catch((err: unknown) => {
      const { sentence, outcome } = classifyError(err, { projectId: deps.projectId }, deps.logger);
      return { message: renderErrorMessage(sentence), outcome };
    });
    await reply(answer.message);
    interaction.done(answer.outcome);
  };
}
