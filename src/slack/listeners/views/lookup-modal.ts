/**
 * Submission of the lookup modal. Field problems are shown on the fields (`response_action: 'errors'`): ids must be
 * digits, a channel must be chosen that the user may use the bot in and post to (checked with Slack again here: the
 * picker's filter is only a hint, and a submission can name any id), the job must exist. Checking the job races the ack budget;
 * when ModelArts is slow the modal closes and the outcome arrives afterwards. The card is private like every other
 * answer (an ephemeral in the chosen conversation, else a DM), with Share to post it.
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { REFUSAL } from '../../access.js';
import { type Message, renderErrorMessage } from '../../blocks/index.js';
import type { AppDeps } from '../../deps.js';
import { classifyError, type ErrorContext, UserFacingError } from '../../errors.js';
import { admit, ensureCanPost } from '../../gate.js';
import { BLOCK, INPUT } from '../../ids.js';
import { renderContext } from '../../use-cases/context.js';
import { jobCard } from '../../use-cases/lookups.js';
import { isExpired, withDeadline, within } from '../common/answer.js';
import { startInteraction } from '../common/interaction.js';

const ID = /^\d{1,19}$/;
/** A v2 job id as pasted: a UUID in any case (ModelArts issues lower case). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LookupForm {
  jobId: string | null;
  versionId: string | null;
  conversationId: string | null;
}

type StateValues = ViewSubmitAction['view']['state']['values'];

export function readLookupForm(values: StateValues, responseUrlChannel: string | null): LookupForm {
  const text = (block: string, action: string): string | null => {
    const v = values[block]?.[action]?.value;
    return typeof v === 'string' && v.trim().length > 0 ? v.trim() : null;
  };
  const conversation = values[BLOCK.lookupConversation]?.[INPUT.conversation];
  const picked =
    (conversation?.selected_conversation as string | null | undefined) ??
    (conversation?.selected_channel as string | null | undefined) ??
    null;
  // The job picker gives the chosen option's value (a job id); an older modal's text field gives what was typed.
  const pickedJob = values[BLOCK.lookupJobId]?.[INPUT.jobId]?.selected_option?.value;
  return {
    jobId:
      typeof pickedJob === 'string' && pickedJob.length > 0
        ? normaliseJobId(pickedJob)
        : normaliseJobId(text(BLOCK.lookupJobId, INPUT.jobId)),
    versionId: text(BLOCK.lookupVersionId, INPUT.versionId),
    conversationId: picked ?? responseUrlChannel,
  };
}

function normaliseJobId(id: string | null): string | null {
  return id !== null && UUID.test(id) ? id.toLowerCase() : id;
}

/** Problems with the form itself, by block_id; empty when the form is fine. */
export function validateLookupForm(form: LookupForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (form.jobId === null) errors[BLOCK.lookupJobId] = 'Choose a training job: type part of its name or its id.';
  else if (!ID.test(form.jobId) && !UUID.test(form.jobId)) {
    errors[BLOCK.lookupJobId] = 'Job ids are numbers (old-version jobs, like 10) or UUIDs (new-version jobs).';
  }
  if (form.versionId !== null && form.jobId !== null && UUID.test(form.jobId)) {
    errors[BLOCK.lookupVersionId] = 'Jobs of the new training API (UUID ids) have no versions. Leave this empty.';
  } else if (form.versionId !== null && !ID.test(form.versionId)) {
    errors[BLOCK.lookupVersionId] = 'Version ids are numbers. Leave this empty for the latest version.';
  }
  if (form.conversationId === null) errors[BLOCK.lookupConversation] = 'Choose where to post the card.';
  return errors;
}

type Checked = { ok: true; message: Message } | { ok: false; error: unknown };

/** Why the card cannot go to `conversationId` for this user, or null: access rules, then the channel itself. */
async function conversationProblem(
  deps: AppDeps,
  client: WebClient,
  user: { id: string; team_id?: string | undefined },
  conversationId: string,
): Promise<string | null> {
  const access = await admit(deps, client, { userId: user.id, userTeamId: user.team_id, channelId: conversationId });
  if (!access.allowed) return access.sentence;
  const checked = ensureCanPost(deps, client, conversationId, { userId: user.id, requireMember: true }).then(
    () => null,
    (err: unknown) => {
      if (err instanceof UserFacingError) return err.userMessage;
      deps.logger.warn({ err }, 'could not check the chosen channel');
      return REFUSAL.unverified;
    },
  );
  const answer = await within(checked, deps.tuning.accessCheckWaitMs);
  return isExpired(answer) ? REFUSAL.unverified : answer;
}

/** Only the user sees it: an ephemeral in the chosen conversation, else a DM from the bot (im:write). */
async function tellUser(
  deps: AppDeps,
  client: WebClient,
  userId: string,
  conversationId: string,
  message: Message,
): Promise<boolean> {
  try {
    await client.chat.postEphemeral({
      channel: conversationId,
      user: userId,
      text: message.text,
      blocks: message.blocks,
    });
    return true;
  } catch {
    try {
      await client.chat.postMessage({ channel: userId, text: message.text, blocks: message.blocks });
      return true;
    } catch (err) {
      deps.logger.warn({ err }, 'could not tell the user about their lookup');
      return false;
    }
  }
}

export function makeLookupModalHandler(deps: AppDeps) {
  return async ({ ack, view, body, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const userId = body.user.id;
    const responseUrl = body.response_urls?.[0];
    const form = readLookupForm(view.state.values, responseUrl?.channel_id ?? null);
    const interaction = startInteraction(deps, 'view', 'lookup_modal', {
      userId,
      channelId: form.conversationId,
      teamId: body.team?.id ?? null,
    });
    const errors = validateLookupForm(form);
    if (form.conversationId !== null && !errors[BLOCK.lookupConversation]) {
      const problem = await conversationProblem(deps, client, body.user, form.conversationId);
      if (problem) errors[BLOCK.lookupConversation] = problem;
    }
    if (Object.keys(errors).length > 0 || form.jobId === null || form.conversationId === null) {
      await ack({ response_action: 'errors', errors });
      interaction.acked();
      interaction.done('user_error');
      return;
    }
    const { jobId, versionId, conversationId } = { ...form, jobId: form.jobId, conversationId: form.conversationId };
    const errorCtx: ErrorContext = {
      projectId: deps.projectId,
      botName: deps.identity.botName,
      subject: versionId === null ? { kind: 'job', jobId } : { kind: 'version', jobId, versionId },
    };
    const fieldOf = versionId === null ? BLOCK.lookupJobId : BLOCK.lookupVersionId;
    const ctx = renderContext({ deps, client, userId });
    const checked: Promise<Checked> = withDeadline(deps, (call) =>
      jobCard(deps, ctx, jobId, versionId, call, { ephemeral: true }),
    ).then(
      (message) => ({ ok: true as const, message }),
      (error: unknown) => ({ ok: false as const, error }),
    );

    const early = await within(checked, deps.tuning.viewSubmissionBudgetMs);
    if (!isExpired(early) && !early.ok) {
      const { sentence, outcome } = classifyError(early.error, errorCtx, deps.logger);
      await ack({ response_action: 'errors', errors: { [fieldOf]: sentence.slice(0, 1900) } });
      interaction.acked();
      interaction.done(outcome);
      return;
    }
    await ack();
    interaction.acked();
    const result = isExpired(early) ? await checked : early;
    interaction.set({ deferred: isExpired(early) });
    if (!result.ok) {
      const { sentence, outcome } = classifyError(result.error, errorCtx, deps.logger);
      await tellUser(deps, client, userId, conversationId, renderErrorMessage(sentence));
      interaction.done(outcome);
      return;
    }
    // The answer is private, like every other lookup; its Share button posts it to the conversation.
    const delivered = await tellUser(deps, client, userId, conversationId, result.message);
    interaction.done(delivered ? 'ok' : 'internal_error');
  };
}
