/**
 * Who asks, where, and how to render for them: the environment every command and button handler runs in.
 */
import type { WebClient } from '@slack/web-api';
import type { RenderContext } from '../blocks/index.js';
import type { AppDeps } from '../deps.js';
import { userProfile } from '../directory.js';

export interface CommandEnv {
  deps: AppDeps;
  /** The listener's WebClient (already pointed at SLACK_API_URL). */
  client: WebClient;
  userId: string;
  /** Null where the surface has none (App Home, global shortcut). */
  channelId: string | null;
  teamId: string;
  admin: boolean;
}

/** users.info may be slow; a card rendered in UTC beats a late card. The answer still fills the cache. */
const TIME_ZONE_WAIT_MS = 600;

function validTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The user's time zone from users.info, cached; UTC when Slack does not say (or not quickly). */
export async function userTimeZone(env: Pick<CommandEnv, 'deps' | 'client' | 'userId'>): Promise<string> {
  const { deps, userId } = env;
  const lookup = userProfile(deps, env.client, userId).then(
    (profile) => (validTimeZone(profile.tz) ? profile.tz : 'UTC'),
    (err: unknown) => {
      deps.logger.debug({ err, user: userId }, 'users.info failed; rendering in UTC');
      return 'UTC';
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const fallback = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('UTC'), TIME_ZONE_WAIT_MS);
  });
  try {
    return await Promise.race([lookup, fallback]);
  } finally {
    clearTimeout(timer);
  }
}

export function renderContextIn(deps: AppDeps, timeZone: string): RenderContext {
  return { now: deps.now(), timeZone, projectId: deps.projectId };
}

export async function renderContext(env: Pick<CommandEnv, 'deps' | 'client' | 'userId'>): Promise<RenderContext> {
  return renderContextIn(env.deps, await userTimeZone(env));
}
