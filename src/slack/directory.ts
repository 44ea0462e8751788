/**
 * What Slack knows about people and conversations, asked through the listener's WebClient and cached in AppDeps:
 * users.info (time zone, home team, guest and external flags) and conversations.members. One request per user or
 * channel is in flight at a time; answers are kept for tuning.directoryTtlMs. Answers that fail are not kept.
 */
import type { WebClient } from '@slack/web-api';

export interface UserProfile {
  /** IANA zone from users.info; null when Slack gives none. */
  tz: string | null;
  /** The user's home workspace. */
  teamId: string | null;
  /** The Enterprise Grid organisation the user belongs to, if any. */
  enterpriseId: string | null;
  /** Multi-channel guest. */
  restricted: boolean;
  /** Single-channel guest. */
  ultraRestricted: boolean;
  /** A user of another organisation that this workspace shares no channel with (users.info is_stranger). */
  stranger: boolean;
}

interface DirectoryCache<T> {
  entries: Map<string, { value: T; expires: number }>;
  inFlight: Map<string, Promise<T>>;
}

/** The caches, one set per app (AppDeps.directory). */
export interface Directory {
  users: DirectoryCache<UserProfile>;
  members: DirectoryCache<ReadonlySet<string>>;
}

export function createDirectory(): Directory {
  return { users: { entries: new Map(), inFlight: new Map() }, members: { entries: new Map(), inFlight: new Map() } };
}

/** The part of AppDeps the directory needs. */
export interface DirectoryDeps {
  now: () => Date;
  tuning: { directoryTtlMs: number };
  directory: Directory;
}

/** Caps what a flood of distinct ids can make the caches hold. */
const MAX_ENTRIES = 10_000;
/** conversations.members pages of 1000: an allowed channel of up to 20,000 members is read whole. */
const MEMBER_PAGE = 1_000;
const MAX_MEMBER_PAGES = 20;

async function cached<T>(
  deps: DirectoryDeps,
  cache: DirectoryCache<T>,
  key: string,
  load: () => Promise<T>,
): Promise<T> {
  const nowMs = deps.now().getTime();
  const hit = cache.entries.get(key);
  if (hit && hit.expires > nowMs) return hit.value;
  let pending = cache.inFlight.get(key);
  if (!pending) {
    pending = load()
      .then((value) => {
        if (cache.entries.size >= MAX_ENTRIES) cache.entries.clear();
        cache.entries.set(key, { value, expires: deps.now().getTime() + deps.tuning.directoryTtlMs });
        return value;
      })
      .finally(() => cache.inFlight.delete(key));
    cache.inFlight.set(key, pending);
  }
  return pending;
}

/** users.info, cached; rejects with Slack's error. */
export function userProfile(deps: DirectoryDeps, client: WebClient, userId: string): Promise<UserProfile> {
  return cached(deps, deps.directory.users, userId, async () => {
    const { user } = await client.users.info({ user: userId });
    const u = (user ?? {}) as {
      tz?: unknown;
      team_id?: unknown;
      is_restricted?: unknown;
      is_ultra_restricted?: unknown;
      is_stranger?: unknown;
      enterprise_user?: { enterprise_id?: unknown };
    };
    return {
      tz: typeof u.tz === 'string' ? u.tz : null,
      teamId: typeof u.team_id === 'string' ? u.team_id : null,
      enterpriseId: typeof u.enterprise_user?.enterprise_id === 'string' ? u.enterprise_user.enterprise_id : null,
      restricted: u.is_restricted === true,
      ultraRestricted: u.is_ultra_restricted === true,
      stranger: u.is_stranger === true,
    };
  });
}

/** Every member of a conversation (conversations.members, all pages up to a cap), cached; rejects with Slack's error. */
export function conversationMembers(
  deps: DirectoryDeps,
  client: WebClient,
  channelId: string,
): Promise<ReadonlySet<string>> {
  return cached(deps, deps.directory.members, channelId, async () => {
    const members = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_MEMBER_PAGES; page++) {
      const res = await client.conversations.members({
        channel: channelId,
        limit: MEMBER_PAGE,
        ...(cursor ? { cursor } : {}),
      });
      for (const id of res.members ?? []) members.add(id);
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return members;
  });
}
