/**
 * Configuration is a pure function of an environment object. Only main.ts passes process.env; tests pass literals.
 * On failure one ConfigError names every missing or invalid variable, never a value.
 */

export const TRAINING_API_MODES = ['auto', 'v1', 'v2'] as const;
export type TrainingApiMode = (typeof TRAINING_API_MODES)[number];

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
    /** How long a lookup may run before the ack says "Looking up…" and the answer follows via response_url;
     * 0 acks every lookup at once. */
    ackBudgetMs: number;
    /** Lookups run at once at most; more are answered "busy" at once. */
    maxLookupsInFlight: number;
    /** Base URL for every Web API call (proxies, tests); Slack's own when unset. */
    apiUrl: string | undefined;
    /** How long Slack may refuse the bot token before alerts are dropped and their watches disabled. */
    authGraceSeconds: number;
    port: number;
  };
  modelarts: {
    endpoint: string;
    projectId: string;
    auth: ModelArtsAuthConfig;
    timeoutMs: number;
    /** How long an answer ModelArts gave serves identical lookups from Slack (0: none kept; in-flight ones shared). */
    lookupCacheMs: number;
    /**
     * Console links (modelarts/console-links.ts). Templates: null builds them for the cloud and region of the
     * endpoint. v1: {region}, {project_id}, {job_id}, {version_id} are filled in; v2: the same without a version.
     */
    consoleJobUrlTemplate: string | null;
    consoleV2JobUrlTemplate: string | null;
    /** The region console links use when the endpoint's host names none (HUAWEICLOUD_SDK_REGION, OS_REGION_NAME). */
    consoleRegion: string | null;
    /** Largest answer read from ModelArts or IAM; a larger one is cut off (it must hold a 5 MB v2 log preview). */
    maxResponseBytes: number;
    /** Which training APIs to ask: `auto` asks both and stops asking one the account does not have. */
    trainingApi: TrainingApiMode;
    /** In `auto`, how long an API found unavailable is left alone before it is asked again. */
    apiReprobeSeconds: number;
  };
  databaseUrl: string;
  /** PostgreSQL time limits (DB_QUERY_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS, DB_CONNECT_TIMEOUT_MS). */
  databaseTimeouts: { queryMs: number; statementMs: number; connectMs: number };
  /** Days sent alerts, ended watches, unwatched run states, cards and idle pacing rows are kept. */
  retentionDays: number;
  poll: {
    intervalSeconds: number;
    alertAfterMinutes: number;
    opsChannelId: string | undefined;
  };
  access: {
    allowedChannelIds: readonly string[];
    allowedUserIds: readonly string[];
    adminUserIds: readonly string[];
    /** Guests (multi- and single-channel) and users of other organisations may use the bot. */
    allowGuests: boolean;
    /** The lookup modal may post into channels shared with other organisations (Slack Connect) or workspaces. */
    allowSharedChannels: boolean;
  };
  /** The operations listener (GET /metrics, GET /health) and readiness. */
  ops: {
    /** Port of the operations listener (0: any free port). */
    port: number;
    /** Address it binds; loopback unless exposed on purpose. */
    host: string;
    /** When set, operations endpoints require `Authorization: Bearer <token>` and are also served on PORT. */
    token: string | undefined;
    /** GET /readyz fails when the last successful poll, or the oldest due alert, is older than this. */
    readyMaxLagSeconds: number;
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
/** A 5 MB v2 log preview as JSON (escaped newlines, quotes, control characters) with room to spare. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

type Env = Readonly<Record<string, string | undefined>>;

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

/** Accumulates problems while reading variables, so one error can name all of them. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  get(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v ? v : undefined;
  }

  required(name: string, why?: string): string {
    const v = this.get(name);
    if (!v) this.problems.push(`${name} is required${why ? ` (${why})` : ''}`);
    return v ?? '';
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  url(name: string, value: string): string {
    if (!value) return value;
    try {
      const u = new URL(value);
      if (u.protocol === 'https:') return value.replace(/\/+$/, '');
      if (u.protocol === 'http:' && isLoopback(u.hostname)) return value.replace(/\/+$/, '');
      this.problems.push(`${name} must be an https:// URL (plain http is allowed only for loopback addresses)`);
    } catch {
      this.problems.push(`${name} must be a URL`);
    }
    return value;
  }

  /** A link template such as `https://console…#/training/detail/{job_id}`; null when unset. */
  linkTemplate(name: string): string | null {
    const value = this.get(name);
    if (value === undefined) return null;
    if (!/^https?:\/\/[^\s/?#]+/i.test(value)) {
      this.problems.push(`${name} must be an http(s) URL (with {job_id} where the job goes)`);
      return null;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.get(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.get(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    const match = allowed.find((a) => a === raw);
    if (match === undefined) this.problems.push(`${name} must be one of ${allowed.join(', ')}`);
    return match ?? fallback;
  }

  slackIds(name: string): string[] {
    const ids = list(this.get(name));
    if (ids.some((id) => !/^[A-Z0-9]{2,40}$/.test(id)))
      this.problems.push(`${name} must be Slack ids separated by commas`);
    return ids;
  }
}

function readModelArts(r: EnvReader): Config['modelarts'] {
  const endpoint = r.url('MODELARTS_ENDPOINT', r.required('MODELARTS_ENDPOINT'));
  const ak = r.get('HUAWEICLOUD_SDK_AK');
  const sk = r.get('HUAWEICLOUD_SDK_SK');
  const osAuthUrl = r.get('OS_AUTH_URL');
  const staticToken = r.get('MODELARTS_AUTH_TOKEN');
  let auth: ModelArtsAuthConfig = { mode: 'token', token: '' };
  if (ak || sk) {
    if (!ak) r.problems.push('HUAWEICLOUD_SDK_AK is required when HUAWEICLOUD_SDK_SK is set');
    if (!sk) r.problems.push('HUAWEICLOUD_SDK_SK is required when HUAWEICLOUD_SDK_AK is set');
    auth = {
      mode: 'aksk',
      accessKey: ak ?? '',
      secretKey: sk ?? '',
      securityToken: r.get('HUAWEICLOUD_SDK_SECURITY_TOKEN'),
    };
  } else if (osAuthUrl) {
    const authUrl = r.url('OS_AUTH_URL', osAuthUrl);
    if (!/\/v3$/.test(authUrl)) r.problems.push('OS_AUTH_URL must be the IAM URL ending in /v3');
    const projectName = r.get('OS_PROJECT_NAME');
    const projectId = r.get('OS_PROJECT_ID');
    if (!projectName && !projectId) r.problems.push('OS_PROJECT_NAME or OS_PROJECT_ID is required with OS_AUTH_URL');
    auth = {
      mode: 'password',
      authUrl,
      username: r.required('OS_USERNAME', 'with OS_AUTH_URL'),
      password: r.required('OS_PASSWORD', 'with OS_AUTH_URL'),
      userDomainName: r.required('OS_USER_DOMAIN_NAME', 'with OS_AUTH_URL'),
      projectName,
      projectId,
    };
  } else if (staticToken) {
    auth = { mode: 'token', token: staticToken };
  } else {
    r.problems.push(
      'ModelArts credentials are required: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or OS_AUTH_URL with OS_USERNAME/OS_PASSWORD, or MODELARTS_AUTH_TOKEN',
    );
  }
  const projectId = r.get('MODELARTS_PROJECT_ID') ?? r.get('HUAWEICLOUD_SDK_PROJECT_ID') ?? r.get('OS_PROJECT_ID');
  if (!projectId) r.problems.push('MODELARTS_PROJECT_ID (or HUAWEICLOUD_SDK_PROJECT_ID) is required');
  else if (!/^[A-Za-z0-9_-]{1,64}$/.test(projectId)) {
    r.problems.push('MODELARTS_PROJECT_ID must be a project id (letters, digits, - and _)');
  }
  return {
    endpoint,
    projectId: projectId ?? '',
    auth,
    timeoutMs: r.int('MODELARTS_TIMEOUT_MS', 10_000, 100, 120_000),
    lookupCacheMs: r.int('MODELARTS_LOOKUP_CACHE_MS', 5_000, 0, 300_000),
    consoleJobUrlTemplate: r.linkTemplate('MODELARTS_CONSOLE_JOB_URL'),
    consoleV2JobUrlTemplate: r.linkTemplate('MODELARTS_CONSOLE_V2_JOB_URL'),
    consoleRegion: r.get('HUAWEICLOUD_SDK_REGION') ?? r.get('OS_REGION_NAME') ?? null,
    maxResponseBytes: r.int('MODELARTS_MAX_RESPONSE_BYTES', DEFAULT_MAX_RESPONSE_BYTES, 64 * 1024, 1024 * 1024 * 1024),
    trainingApi: r.oneOf('MODELARTS_TRAINING_API', TRAINING_API_MODES, 'auto'),
    apiReprobeSeconds: r.int('MODELARTS_API_REPROBE_SECONDS', 1800, 10, 86_400),
  };
}

/** Only the ModelArts part, for the operator CLI: Slack and storage variables are neither needed nor checked. */
export function loadModelArtsConfig(env: Env): Config['modelarts'] {
  const r = new EnvReader(env);
  const modelarts = readModelArts(r);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return Object.freeze(modelarts);
}

/** Reads the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Env): Config {
  const r = new EnvReader(env);

  // Slack
  const appToken = r.get('SLACK_APP_TOKEN');
  const botToken = r.required('SLACK_BOT_TOKEN');
  if (botToken && !botToken.startsWith('xoxb-')) r.problems.push('SLACK_BOT_TOKEN must be a bot token (xoxb-…)');
  if (appToken && !appToken.startsWith('xapp-')) r.problems.push('SLACK_APP_TOKEN must be an app-level token (xapp-…)');
  const signingSecret = appToken ? r.get('SLACK_SIGNING_SECRET') : r.required('SLACK_SIGNING_SECRET', 'HTTP mode');
  const apiUrlRaw = r.get('SLACK_API_URL');
  const apiUrl = apiUrlRaw ? r.url('SLACK_API_URL', apiUrlRaw) : undefined;
  const port = r.int('PORT', 3000, 0, 65535);
  // Slack gives up at 3 s; the answer must be rendered and sent before that.
  const ackBudgetMs = r.int('SLACK_ACK_BUDGET_MS', 2000, 0, 2500);
  const maxLookupsInFlight = r.int('MAX_LOOKUPS_IN_FLIGHT', 256, 1, 100_000);
  const authGraceSeconds = r.int('SLACK_AUTH_GRACE_SECONDS', 3600, 0, 30 * 86_400);

  const modelarts = readModelArts(r);

  // Store and poller
  const databaseUrl = r.get('DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    r.problems.push('DATABASE_URL must start with sqlite: or postgres://');
  }
  const databaseTimeouts = {
    queryMs: r.int('DB_QUERY_TIMEOUT_MS', 30_000, 500, 3_600_000),
    statementMs: r.int('DB_STATEMENT_TIMEOUT_MS', 20_000, 500, 3_600_000),
    connectMs: r.int('DB_CONNECT_TIMEOUT_MS', 10_000, 500, 600_000),
  };
  // The server should cancel a slow statement before the client gives up on the connection: a cancelled statement
  // keeps the connection, a client timeout throws it away.
  if (databaseTimeouts.statementMs > databaseTimeouts.queryMs) {
    r.problems.push('DB_STATEMENT_TIMEOUT_MS must not exceed DB_QUERY_TIMEOUT_MS');
  }
  const retentionDays = r.int('RETENTION_DAYS', 30, 1, 3650);
  const intervalSeconds = r.int('POLL_INTERVAL_SECONDS', 60, 1, 86_400);
  const alertAfterMinutes = r.int('POLL_ALERT_AFTER_MINUTES', 10, 1, 10_080);
  const opsChannelId = r.get('OPS_CHANNEL_ID');
  if (opsChannelId && !/^[A-Z0-9]{2,40}$/.test(opsChannelId))
    r.problems.push('OPS_CHANNEL_ID must be a Slack channel id');

  const logLevel = (r.get('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    r.problems.push('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
  }

  const access = {
    allowedChannelIds: r.slackIds('ALLOWED_CHANNEL_IDS'),
    allowedUserIds: r.slackIds('ALLOWED_USER_IDS'),
    adminUserIds: r.slackIds('ADMIN_USER_IDS'),
    allowGuests: r.bool('ALLOW_GUESTS', false),
    allowSharedChannels: r.bool('ALLOW_SHARED_CHANNELS', false),
  };

  const metricsHost = r.get('METRICS_HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(metricsHost)) r.problems.push('METRICS_HOST must be an address or host name');
  const metricsToken = r.get('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) {
    r.problems.push('METRICS_TOKEN must be at least 16 characters (it guards /metrics on the public port)');
  }
  const ops = {
    port: r.int('METRICS_PORT', 9464, 0, 65535),
    host: metricsHost,
    token: metricsToken,
    // A few poll intervals: one slow or failed cycle is normal, three in a row is not.
    readyMaxLagSeconds: r.int('READY_MAX_LAG_SECONDS', Math.max(30, 3 * intervalSeconds), 1, 7 * 86_400),
  };

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return Object.freeze({
    slack: { botToken, signingSecret, appToken, apiUrl, port, ackBudgetMs, maxLookupsInFlight, authGraceSeconds },
    modelarts,
    databaseUrl,
    databaseTimeouts,
    retentionDays,
    poll: { intervalSeconds, alertAfterMinutes, opsChannelId },
    access,
    ops,
    logLevel,
  });
}

/** Secret values of the ModelArts credentials, for scrubbing output that may echo upstream text. */
export function modelArtsSecrets(modelarts: Config['modelarts']): string[] {
  const auth = modelarts.auth;
  const values: Array<string | undefined> = [];
  if (auth.mode === 'aksk') values.push(auth.secretKey, auth.securityToken);
  if (auth.mode === 'password') values.push(auth.password);
  if (auth.mode === 'token') values.push(auth.token);
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** The password of a postgres:// DATABASE_URL (as written and decoded), so a URL that reaches a log is scrubbed. */
function databasePasswords(url: string): string[] {
  if (!/^postgres(ql)?:\/\//.test(url)) return [];
  try {
    const raw = new URL(url).password;
    if (raw === '') return [];
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      // A malformed escape: pg would refuse the URL anyway; the raw form is still scrubbed.
    }
    return decoded === raw ? [raw] : [raw, decoded];
  } catch {
    return [];
  }
}

/** Every secret value of a configuration: logs and messages are scrubbed of these. */
export function configSecrets(config: Config): string[] {
  const tokens = [config.slack.botToken, config.slack.signingSecret, config.slack.appToken, config.ops.token];
  return [
    ...tokens.filter((v): v is string => typeof v === 'string' && v.length > 0),
    ...modelArtsSecrets(config.modelarts),
    ...databasePasswords(config.databaseUrl),
  ];
}
