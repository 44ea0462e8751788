import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { boltLogger, createSlackApp, slackClientOptions } from '../../../src/slack/app.js';
import { captureLogger, fakeAppDeps } from '../../support/app-fakes.js';

describe('createSlackApp', () => {
  it('builds a Socket Mode app without a signing secret and registers every listener', () => {
    const deps = fakeAppDeps();
    const slack = createSlackApp(deps, { mode: 'socket', appToken: 'xapp-1-test', port: 0 });
    expect(slack.app).toBeDefined();
    expect(slack.deps.projectId).toBe('sim-project');
  });

  it('sends every Web API call to SLACK_API_URL with short retries and no silent 429 waits', () => {
    const options = slackClientOptions('http://127.0.0.1:1234/api', boltLogger(captureLogger().logger));
    expect(options.slackApiUrl).toBe('http://127.0.0.1:1234/api/');
    expect(options.rejectRateLimitedCalls).toBe(true);
    expect(options.retryConfig?.retries).toBeLessThanOrEqual(2);
    expect(slackClientOptions(undefined, boltLogger(captureLogger().logger)).slackApiUrl).toBeUndefined();
  });

  it('keeps the tuning within the configured ModelArts timeout', () => {
    const deps = fakeAppDeps({ env: { MODELARTS_TIMEOUT_MS: '3000' }, tuning: { modelartsTimeoutMs: 60_000 } });
    expect(deps.tuning.modelartsTimeoutMs).toBe(3000);
  });
});

describe('boltLogger', () => {
  it('writes Bolt’s messages through pino at pino’s level', () => {
    const { logger, lines } = captureLogger({ level: 'info' });
    const bolt = boltLogger(logger);
    bolt.setLevel(LogLevel.DEBUG);
    bolt.debug('hidden');
    bolt.warn('shown', { a: 1 });
    expect(bolt.getLevel()).toBe(LogLevel.INFO);
    expect(lines().map((l) => l.msg)).toEqual(['shown {"a":1}']);
    expect(lines()[0]).toMatchObject({ component: 'bolt', level: 40 });
  });
});
