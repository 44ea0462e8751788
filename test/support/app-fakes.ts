/**
 * Cheap stand-ins for the Slack app's unit tests: a configuration from literal variables, a pino logger whose
 * lines can be read back, and AppDeps whose ModelArts and store fail loudly unless a test provides them.
 */
import { pino } from 'pino';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { ModelArtsApi } from '../../src/modelarts/index.js';
import { type AppDeps, type AppTuning, resolveDeps, type SlackDeps } from '../../src/slack/deps.js';
import type { Store } from '../../src/store/types.js';

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789';
export const TEST_BOT_TOKEN = 'xoxb-test-bot-token-0123456789';

export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    MODELARTS_ENDPOINT: 'http://127.0.0.1:9',
    MODELARTS_PROJECT_ID: 'sim-project',
    MODELARTS_AUTH_TOKEN: 'sim-token',
    ...env,
  });
}

export interface CapturedLines {
  logger: Logger;
  /** Every line written so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  /** The raw text written so far. */
  raw(): string;
}

export function captureLogger(options: { level?: string; secrets?: readonly string[] } = {}): CapturedLines {
  const written: string[] = [];
  const logger = createLogger({
    level: options.level ?? 'info',
    destination: { write: (line: string) => void written.push(line) } as pino.DestinationStream,
    secrets: options.secrets ?? [],
  });
  return {
    logger,
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    raw: () => written.join(''),
  };
}

/** A proxy that throws on any use: a test that did not expect ModelArts or the store to be touched fails loudly. */
export function untouchable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, prop) {
      if (prop === 'then') return undefined;
      if (prop === 'projectId') return 'sim-project';
      throw new Error(`${name}.${String(prop)} was used, but this test did not expect it`);
    },
  });
}

export function fakeAppDeps(
  overrides: Partial<SlackDeps> & { tuning?: Partial<AppTuning>; env?: Record<string, string | undefined> } = {},
): AppDeps {
  const { tuning, env, ...rest } = overrides;
  const deps: SlackDeps = {
    config: testConfig(env),
    modelarts: untouchable<ModelArtsApi>('modelarts'),
    store: untouchable<Store>('store'),
    logger: pino({ level: 'silent' }),
    now: () => new Date('2026-11-20T10:00:00Z'),
    botToken: TEST_BOT_TOKEN,
    ...rest,
  };
  return resolveDeps(deps, tuning);
}
