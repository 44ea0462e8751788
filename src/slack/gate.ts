/**
 * Access decisions that need Slack's word, on top of the configured lists (access.ts). Every listener asks `admit`
 * before it shows job data or acts; every post into a conversation on someone's behalf (lookup modal, Share, watch)
 * goes through `ensureCanPost`.
 *
 * - Guests (users.info is_restricted / is_ultra_restricted) and people of other organisations (a user team other
 *   than the installed workspace's, outside its Enterprise Grid, or is_stranger) are refused unless ALLOW_GUESTS.
 * - With ALLOWED_CHANNEL_IDS set, a surface without a channel (App Home, the global shortcut, buttons there) shows
 *   job data only to admins, users named in ALLOWED_USER_IDS, and members of an allowed channel
 *   (conversations.members, cached): a channel allowlist is about who may see job data, and without a channel the
 *   only safe reading is "people who could see it in an allowed channel anyway".
 * - When Slack cannot be asked in time (accessCheckWaitMs), the answer is a refusal: access is never granted on a
 *   guess.
 */
import type { WebClient } from '@slack/web-api';
import { type AccessDecision, checkAccess, REFUSAL } from './access.js';
import type { AppDeps } from './deps.js';
import { conversationMembers, userProfile } from './directory.js';
import { slackPlatformSentence, UserFacingError } from './errors.js';
import { isExpired, within } from './listeners/common/answer.js';
import { slackErrorCode } from './slack-errors.js';

export interface Requester {
  userId: string;
  /** The user's home team as the payload states it (interactions: `user.team_id`); absent in commands and events. */
  userTeamId?: string | null | undefined;
  /** The conversation the interaction happens in; null where there is none. */
  channelId: string | null;
}

const refuse = (reason: Extract<AccessDecision, { allowed: false }>['reason'], sentence: string): AccessDecision => ({
  allowed: false,
  reason,
  sentence,
});

/** The promise's value, or `null` when it rejects or takes longer than `ms`. */
async function orNull<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  const settled = await within(
    promise.catch(() => null),
    ms,
  );
  return isExpired(settled) ? null : settled;
}

/** Whether the user is a member of at least one allowed channel; null when no allowed channel could be read. */
async function memberOfAllowedChannel(deps: AppDeps, client: WebClient, userId: string): Promise<boolean | null> {
  let readable = 0;
  for (const channelId of deps.config.access.allowedChannelIds) {
    try {
      const members = await conversationMembers(deps, client, channelId);
      readable++;
      if (members.has(userId)) return true;
    } catch (err) {
      deps.logger.warn({ err, channel: channelId }, 'could not read the members of an allowed channel');
    }
  }
  return readable > 0 ? false : null;
}

export async function admit(deps: AppDeps, client: WebClient, who: Requester): Promise<AccessDecision> {
  const policy = deps.config.access;
  const listed = checkAccess(policy, who);
  if (!listed.allowed || listed.admin) return listed;
  const wait = deps.tuning.accessCheckWaitMs;
  const installed = deps.identity;

  if (!policy.allowGuests) {
    // Inside an Enterprise Grid, people of the org's other workspaces are colleagues, not outsiders.
    if (who.userTeamId && installed.teamId && !installed.enterpriseId && who.userTeamId !== installed.teamId) {
      return refuse('external', REFUSAL.external);
    }
    const profile = await orNull(userProfile(deps, client, who.userId), wait);
    if (profile === null) return refuse('unverified', REFUSAL.unverified);
    if (profile.restricted || profile.ultraRestricted) return refuse('guest', REFUSAL.guest);
    const otherTeam = profile.teamId !== null && installed.teamId !== null && profile.teamId !== installed.teamId;
    const sameOrg = installed.enterpriseId !== null && profile.enterpriseId === installed.enterpriseId;
    if (profile.stranger || (otherTeam && !sameOrg)) return refuse('external', REFUSAL.external);
  }

  if (who.channelId === null && policy.allowedChannelIds.length > 0 && !policy.allowedUserIds.includes(who.userId)) {
    const member = await orNull(memberOfAllowedChannel(deps, client, who.userId), wait);
    if (member === null) return refuse('unverified', REFUSAL.unverified);
    if (!member) return refuse('channel', REFUSAL.channelless);
  }
  return listed;
}

export const SHARED_CHANNEL_SENTENCE =
  'That channel is shared with another organisation or workspace, so I do not post job data there. An admin of the bot can allow it (ALLOW_SHARED_CHANNELS).';
export const NOT_A_MEMBER_SENTENCE = 'You can only post the card in a channel you are a member of.';

interface ChannelInfo {
  is_archived?: boolean;
  is_private?: boolean;
  is_group?: boolean;
  is_mpim?: boolean;
  is_im?: boolean;
  is_member?: boolean;
  is_shared?: boolean;
  is_ext_shared?: boolean;
  is_org_shared?: boolean;
  is_pending_ext_shared?: boolean;
}

/**
 * Fails with a sentence when the bot should not post job data in `channelId` for `userId`: it cannot be found,
 * it is archived, it is private without the bot, it is shared with another organisation or workspace (unless
 * ALLOW_SHARED_CHANNELS), or, with `requireMember`, the user is not in it. Public channels need no bot membership
 * (chat:write.public). Asked at the moment of posting: a picker's filter is only a hint, and channels change.
 */
export async function ensureCanPost(
  deps: AppDeps,
  client: WebClient,
  channelId: string,
  options: { userId: string; requireMember?: boolean },
): Promise<void> {
  const subject = { kind: 'channel', channelId } as const;
  const botName = deps.identity.botName;
  const allowShared = deps.config.access.allowSharedChannels;
  let channel: ChannelInfo;
  try {
    const info = await client.conversations.info({ channel: channelId });
    channel = (info.channel ?? {}) as ChannelInfo;
  } catch (err) {
    const code = slackErrorCode(err);
    if (code === 'channel_not_found') throw new UserFacingError(slackPlatformSentence(code, subject, botName) ?? code);
    // Without channels:read/groups:read nothing can be checked: only acceptable when shared channels are allowed.
    if (code === 'missing_scope' && allowShared && !options.requireMember) {
      deps.logger.warn('conversations.info is not allowed (missing scope); posting without a channel check');
      return;
    }
    throw err;
  }
  if (channel.is_archived) throw new UserFacingError(slackPlatformSentence('is_archived', subject, botName) ?? '');
  const isPrivate = channel.is_private === true || channel.is_group === true || channel.is_mpim === true;
  if (isPrivate && !channel.is_im && channel.is_member !== true) {
    throw new UserFacingError(slackPlatformSentence('not_in_channel', subject, botName) ?? '');
  }
  const shared = [channel.is_shared, channel.is_ext_shared, channel.is_org_shared, channel.is_pending_ext_shared];
  if (!allowShared && shared.some((flag) => flag === true))
    throw new UserFacingError(SHARED_CHANNEL_SENTENCE, 'refused');
  if (options.requireMember) {
    const members = await conversationMembers(deps, client, channelId);
    if (!members.has(options.userId)) throw new UserFacingError(NOT_A_MEMBER_SENTENCE, 'refused');
  }
}
