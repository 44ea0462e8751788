/**
 * Configuration is a pure function of an environment object. Only main.ts passes process.env; tests pass literals.
 * On failure one ConfigError names every missing or invalid variable, never a value.
 */

export type ModelArtsAuthConfig =
  | { mode: 'aksk'; accessKey: string; secretKey: string; securityToken?: string | undefined }
  | {
      mode: 'password';
      authUrl: string;
      username: string;
      password: string;
      userDomainName: string;
      projectName?: string | undefined;
      projectId?: string | undefined;
    }
  | { mode: 'token'; token: string };

export interface Config {
  slack: {
    botToken: string;
    /** HTTP mode verifies requests with it; Socket Mode does not need it. */
    signingSecret: string | undefined;
    /** Set: Socket Mode. */
    appToken: string | undefined;
    /** Base URL for every Web API call (proxies, tests); Slack's own when unset. */
    apiUrl: string | undefined;
    port: number;
  };
  modelarts: {
    endpoint: string;
    projectId: string;
    auth: ModelArtsAuthConfig;
    timeoutMs: number;
    /** Console link to a job version; {region}, {project_id}, {job_id}, {version_id} are filled in. */
    consoleJobUrlTemplate: string;
  };
  databaseUrl: string;
  poll: {
    intervalSeconds: number;
    alertAfterMinutes: number;
    opsChannelId: string | undefined;
  };
  access: {
    allowedChannelIds: readonly string[];
    allowedUserIds: readonly string[];
    adminUserIds: readonly string[];
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/modelarts-chatops.db';
export const DEFAULT_CONSOLE_JOB_URL =
  'https://console.otc.t-systems.com/modelarts/?region={region}&locale=en-us#/trainingJobs';

type Env = Readonly<Record<string, string | undefined>>;

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

/** Reads the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const required = (name: string, why?: string): string => {
    const v = get(name);
    if (!v) problems.push(`${name} is required${why ? ` (${why})` : ''}`);
    return v ?? '';
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const url = (name: string, value: string): string => {
    if (!value) return value;
    try {
      const u = new URL(value);
      if (u.protocol === 'https:') return value.replace(/\/+$/, '');
      if (u.protocol === 'http:' && isLoopback(u.hostname)) return value.replace(/\/+$/, '');
      problems.push(`${name} must be an https:// URL (plain http is allowed only for loopback addresses)`);
    } catch {
      problems.push(`${name} must be a URL`);
    }
    return value;
  };
  const slackId = (name: string): string[] => {
    const ids = list(get(name));
    if (ids.some((id) => !/^[A-Z0-9]{2,40}$/.test(id))) problems.push(`${name} must be Slack ids separated by commas`);
    return ids;
  };

  // Slack
  const appToken = get('SLACK_APP_TOKEN');
  const botToken = required('SLACK_BOT_TOKEN');
  if (botToken && !botToken.startsWith('xoxb-')) problems.push('SLACK_BOT_TOKEN must be a bot token (xoxb-…)');
  if (appToken && !appToken.startsWith('xapp-')) problems.push('SLACK_APP_TOKEN must be an app-level token (xapp-…)');
  const signingSecret = appToken ? get('SLACK_SIGNING_SECRET') : required('SLACK_SIGNING_SECRET', 'HTTP mode');
  const apiUrlRaw = get('SLACK_API_URL');
  const apiUrl = apiUrlRaw ? url('SLACK_API_URL', apiUrlRaw) : undefined;
  const port = int('PORT', 3000, 0, 65535);

  // ModelArts
  const endpoint = url('MODELARTS_ENDPOINT', required('MODELARTS_ENDPOINT'));
  const ak = get('HUAWEICLOUD_SDK_AK');
  const sk = get('HUAWEICLOUD_SDK_SK');
  const osAuthUrl = get('OS_AUTH_URL');
  const staticToken = get('MODELARTS_AUTH_TOKEN');
  let auth: ModelArtsAuthConfig = { mode: 'token', token: '' };
  if (ak || sk) {
    if (!ak) problems.push('HUAWEICLOUD_SDK_AK is required when HUAWEICLOUD_SDK_SK is set');
    if (!sk) problems.push('HUAWEICLOUD_SDK_SK is required when HUAWEICLOUD_SDK_AK is set');
    auth = {
      mode: 'aksk',
      accessKey: ak ?? '',
      secretKey: sk ?? '',
      securityToken: get('HUAWEICLOUD_SDK_SECURITY_TOKEN'),
    };
  } else if (osAuthUrl) {
    const authUrl = url('OS_AUTH_URL', osAuthUrl);
    if (!/\/v3$/.test(authUrl)) problems.push('OS_AUTH_URL must be the IAM URL ending in /v3');
    const projectName = get('OS_PROJECT_NAME');
    const projectId = get('OS_PROJECT_ID');
    if (!projectName && !projectId) problems.push('OS_PROJECT_NAME or OS_PROJECT_ID is required with OS_AUTH_URL');
    auth = {
      mode: 'password',
      authUrl,
      username: required('OS_USERNAME', 'with OS_AUTH_URL'),
      password: required('OS_PASSWORD', 'with OS_AUTH_URL'),
      userDomainName: required('OS_USER_DOMAIN_NAME', 'with OS_AUTH_URL'),
      projectName,
      projectId,
    };
  } else if (staticToken) {
    auth = { mode: 'token', token: staticToken };
  } else {
    problems.push(
      'ModelArts credentials are required: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or OS_AUTH_URL with OS_USERNAME/OS_PASSWORD, or MODELARTS_AUTH_TOKEN',
    );
  }
  const projectId = get('MODELARTS_PROJECT_ID') ?? get('HUAWEICLOUD_SDK_PROJECT_ID') ?? get('OS_PROJECT_ID');
  if (!projectId) problems.push('MODELARTS_PROJECT_ID (or HUAWEICLOUD_SDK_PROJECT_ID) is required');
  else if (!/^[A-Za-z0-9_-]{1,64}$/.test(projectId))
    problems.push('MODELARTS_PROJECT_ID must be a project id (letters, digits, - and _)');

  // Store and poller
  const databaseUrl = get('DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with sqlite: or postgres://');
  }
  const intervalSeconds = int('POLL_INTERVAL_SECONDS', 60, 1, 86_400);
  const alertAfterMinutes = int('POLL_ALERT_AFTER_MINUTES', 10, 1, 10_080);
  const opsChannelId = get('OPS_CHANNEL_ID');
  if (opsChannelId && !/^[A-Z0-9]{2,40}$/.test(opsChannelId))
    problems.push('OPS_CHANNEL_ID must be a Slack channel id');

  const logLevel = (get('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
  }

  const access = {
    allowedChannelIds: slackId('ALLOWED_CHANNEL_IDS'),
    allowedUserIds: slackId('ALLOWED_USER_IDS'),
    adminUserIds: slackId('ADMIN_USER_IDS'),
  };
  const timeoutMs = int('MODELARTS_TIMEOUT_MS', 10_000, 100, 120_000);

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    slack: { botToken, signingSecret, appToken, apiUrl, port },
    modelarts: {
      endpoint,
      projectId: projectId!,
      auth,
      timeoutMs,
      consoleJobUrlTemplate: get('MODELARTS_CONSOLE_JOB_URL') ?? DEFAULT_CONSOLE_JOB_URL,
    },
    databaseUrl,
    poll: { intervalSeconds, alertAfterMinutes, opsChannelId },
    access,
    logLevel,
  });
}
