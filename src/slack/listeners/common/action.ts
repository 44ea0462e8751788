/**
 * Shared plumbing of button listeners: ack at once (block_actions take no ack body), check access, decode the
 * button's value, then do the work and answer through respond / chat.update / views.publish.
 */
import type { AllMiddlewareArgs, BlockAction, BlockElementAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { AccessDecision } from '../../access.js';
import { type Message, renderErrorMessage } from '../../blocks/index.js';
import type { AppDeps } from '../../deps.js';
import { classifyError, type Outcome } from '../../errors.js';
import { admit } from '../../gate.js';
import { type CommandEnv, renderContext } from '../../use-cases/context.js';
import { type LookupCommand, runLookup } from '../../use-cases/lookups.js';
import { ephemeral, withDeadline } from './answer.js';
import { type Interaction, startInteraction } from './interaction.js';
import { replaceOriginal } from './post.js';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<BlockElementAction>> & AllMiddlewareArgs;

export const STALE_BUTTON = 'That button is out of date. Run the command again for a fresh card.';

/** The value the action carries: a button's `value`, or the selected option of an overflow/select. */
export function actionValue(action: BlockElementAction): string | null {
  if ('value' in action && typeof action.value === 'string') return action.value;
  if ('selected_option' in action && action.selected_option && typeof action.selected_option.value === 'string') {
    return action.selected_option.value;
  }
  return null;
}

export function isEphemeralContainer(body: BlockAction): boolean {
  const container = body.container as { is_ephemeral?: boolean } | undefined;
  return container?.is_ephemeral === true || !body.message;
}

/** Whether the click came from a view (App Home or a modal) rather than a message. */
export function isViewContainer(body: BlockAction): boolean {
  const container = body.container as { type?: string } | undefined;
  return container?.type === 'view' || (body.view !== undefined && !body.message);
}

export interface ActionContext {
  env: CommandEnv;
  interaction: Interaction;
  access: Extract<AccessDecision, { allowed: true }>;
  /** An ephemeral reply next to the clicked message (never replaces it); a DM for clicks in App Home. */
  tell(message: Message): Promise<void>;
}

/**
 * Wraps a button handler: ack, interaction log, access check. `run` returns the outcome for the log; anything it
 * throws is logged and answered with a generic sentence.
 */
export function buttonHandler(
  deps: AppDeps,
  name: string,
  run: (args: ButtonArgs, ctx: ActionContext) => Promise<Outcome | 'ignored'>,
): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const { body, respond, client } = args;
    const channelId = body.channel?.id ?? null;
    const teamId = body.team?.id ?? deps.identity.teamId ?? '';
    const interaction = startInteraction(deps, 'action', name, { userId: body.user.id, channelId, teamId });
    interaction.acked();
    const tell = async (message: Message) => {
      if (!body.response_url) {
        // App Home clicks have neither a response_url nor a channel: the bot's DM (the app's Messages tab) is the
        // only place left, and a refusal or failure must not vanish.
        const reply = channelId
          ? client.chat.postEphemeral({
              channel: channelId,
              user: body.user.id,
              text: message.text,
              blocks: message.blocks,
            })
          : client.chat.postMessage({ channel: body.user.id, text: message.text, blocks: message.blocks });
        await reply.catch((err: unknown) => deps.logger.warn({ err }, 'could not send a reply to a button'));
        return;
      }
      try {
        await respond({ ...ephemeral(message), replace_original: false });
      } catch (err) {
        deps.logger.warn({ err }, 'could not answer a button through response_url');
      }
    };
    const access = await admit(deps, client, { userId: body.user.id, userTeamId: body.user.team_id, channelId });
    if (!access.allowed) {
      await tell(renderErrorMessage(access.sentence));
      interaction.done('refused');
      return;
    }
    const env: CommandEnv = { deps, client, userId: body.user.id, channelId, teamId, admin: access.admin };
    try {
      const outcome = await run(args, { env, interaction, access, tell });
      interaction.done(outcome);
    } catch (err) {
      const { sentence, outcome } = classifyError(
        err,
        { projectId: deps.projectId, botName: deps.identity.botName },
        deps.logger,
      );
      await tell(renderErrorMessage(sentence));
      interaction.done(outcome);
    }
  };
}

/**
 * The clicked action's value through `decode` (a codec's decode, maybe mapped further); when it does not decode the
 * user is told the button is stale and the result is null.
 */
export async function decodedValue<T>(
  args: ButtonArgs,
  ctx: ActionContext,
  decode: (raw: string | null) => T | null,
): Promise<T | null> {
  const value = decode(actionValue(args.action));
  if (value === null) await ctx.tell(renderErrorMessage(STALE_BUTTON));
  return value;
}

/**
 * Pagination and Refresh: run the lookup again and replace the clicked message; failures stay beside it. Refresh is
 * `fresh` (ModelArts' current state); pages reuse the answer the first page came from, so they stay consistent.
 */
export async function rerunLookup(
  args: ButtonArgs,
  ctx: ActionContext,
  cmd: LookupCommand,
  options: { fresh?: boolean } = {},
): Promise<Outcome> {
  const { deps } = ctx.env;
  const answer = await withDeadline(
    deps,
    (call) => runLookup(deps, renderContext(ctx.env), cmd, call, { ephemeral: isEphemeralContainer(args.body) }),
    options,
  );
  if (answer.outcome !== 'ok') {
    await ctx.tell(answer.message);
    return answer.outcome;
  }
  await replaceOriginal(args.body, args.client, args.respond, answer.message);
  return 'ok';
}
