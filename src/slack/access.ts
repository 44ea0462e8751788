/**
 * Who may use the bot: the configured lists, decided before anything is fetched. What Slack must be asked about
 * (guests, other organisations, channel membership) is decided by `admit` in gate.ts, on top of this.
 *
 * - `ADMIN_USER_IDS` pass every check.
 * - `ALLOWED_USER_IDS` (when set) limits which users may use the bot at all.
 * - `ALLOWED_CHANNEL_IDS` (when set) limits the conversations it answers in. Surfaces without a conversation
 *   (App Home, the global shortcut, buttons there) are decided by gate.ts: admins, users named in ALLOWED_USER_IDS
 *   and members of an allowed channel only.
 *
 * Removing watches: the creator of a watch may always remove it. Someone else's watch may be removed by an admin;
 * when no admins are configured, by anyone allowed to use the bot in that channel (a watch is channel property,
 * and a team without admins must still be able to clean up after someone who left).
 */
import type { Config } from '../config.js';
import type { Watch } from '../store/types.js';

export type AccessPolicy = Config['access'];

export interface Actor {
  userId: string;
  /** The conversation the interaction happens in; null where there is none (App Home, global shortcut). */
  channelId: string | null;
}

export type AccessDecision =
  | { allowed: true; admin: boolean }
  | {
      allowed: false;
      reason: 'user' | 'channel' | 'guest' | 'external' | 'workspace' | 'unverified';
      sentence: string;
    };

/** Refusals decided with what Slack says about the user or the surface (gate.ts). */
export const REFUSAL = {
  guest:
    'Sorry, this ModelArts bot is not available to guest accounts. An admin of the bot can allow guests (ALLOW_GUESTS).',
  external:
    'Sorry, this ModelArts bot only answers people of the workspace it is installed in, not of other organisations.',
  channelless:
    'Sorry, job data here is shown only to members of the channels this ModelArts bot works in. Ask an admin of the bot to add you, or use it in one of those channels.',
  unverified: 'I could not check your account with Slack just now, so I did not answer. Please try again in a moment.',
} as const;

export function isAdmin(policy: AccessPolicy, userId: string): boolean {
  return policy.adminUserIds.includes(userId);
}

export function checkAccess(policy: AccessPolicy, actor: Actor): AccessDecision {
  if (isAdmin(policy, actor.userId)) return { allowed: true, admin: true };
  if (policy.allowedUserIds.length > 0 && !policy.allowedUserIds.includes(actor.userId)) {
    return {
      allowed: false,
      reason: 'user',
      sentence:
        'Sorry, this ModelArts bot is limited to a list of people and you are not on it yet. An admin of the bot can add you.',
    };
  }
  if (actor.channelId !== null && policy.allowedChannelIds.length > 0) {
    if (!policy.allowedChannelIds.includes(actor.channelId)) {
      return {
        allowed: false,
        reason: 'channel',
        sentence:
          'Sorry, this ModelArts bot only answers in a few channels and this is not one of them. Ask an admin of the bot to add it.',
      };
    }
  }
  return { allowed: true, admin: false };
}

/** Whether `userId` may remove `watch` (see the module comment for the rule). */
export function canRemoveWatch(policy: AccessPolicy, userId: string, watch: Pick<Watch, 'creatorUserId'>): boolean {
  if (watch.creatorUserId === userId) return true;
  if (isAdmin(policy, userId)) return true;
  return policy.adminUserIds.length === 0;
}
