/**
 * `/modelarts …`: parse, check access, answer within the ack window (or "Looking up…" and then via response_url).
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderErrorMessage } from '../../blocks/index.js';
import type { AppDeps } from '../../deps.js';
import { classifyError } from '../../errors.js';
import { admit } from '../../gate.js';
import { parseCommand, subcommandOf } from '../../use-cases/parser.js';
import { problemMessage, runCommand } from '../../use-cases/run.js';
import { parseJobStatusWord } from '../../use-cases/vocabulary.js';
import { answerCommand, ephemeral } from '../common/answer.js';
import { startInteraction } from '../common/interaction.js';

export function makeModelartsCommandHandler(deps: AppDeps) {
  return async ({ command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const interaction = startInteraction(deps, 'command', command.command, {
      userId: command.user_id,
      channelId: command.channel_id,
      teamId: command.team_id,
    });
    const parsed = parseCommand(command.text ?? '', parseJobStatusWord);
    interaction.set({ subcommand: subcommandOf(parsed) });
    const access = await admit(deps, client, { userId: command.user_id, channelId: command.channel_id });
    if (!access.allowed) {
      await ack(ephemeral(renderErrorMessage(access.sentence)));
      interaction.acked();
      interaction.done('refused');
      return;
    }
    if (!parsed.ok) {
      await ack(ephemeral(problemMessage(parsed.error)));
      interaction.acked();
      interaction.done('user_error');
      return;
    }
    const env = {
      deps,
      client,
      userId: command.user_id,
      channelId: command.channel_id,
      teamId: command.team_id,
      admin: access.admin,
    };
    const parsedCommand = parsed.command;
    await answerCommand({
      deps,
      interaction,
      ack,
      respond,
      work: (call) => runCommand(env, parsedCommand, call),
      fallback: (err) => {
        const { sentence, outcome } = classifyError(err, { projectId: deps.projectId }, deps.logger);
        return { message: renderErrorMessage(sentence), outcome };
      },
    });
  };
}
