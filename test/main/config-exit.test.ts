/**
 * The real entry point refuses to start on bad configuration: exit code 1 and one message naming every missing or
 * invalid variable, never a value.
 */
import { describe, expect, it } from 'vitest';
import { BotStartError, spawnBot } from '../../tools/demo/bot-process.js';

async function startFailure(env: Record<string, string>): Promise<BotStartError> {
  try {
    const bot = await spawnBot({ env, entry: 'source', readyTimeoutMs: 30_000 });
    await bot.stop('SIGKILL');
  } catch (err) {
    if (err instanceof BotStartError) return err;
    throw err;
  }
  throw new Error('the bot started although its configuration is missing');
}

describe('main.ts with bad configuration', () => {
  it('exits 1 naming every missing variable when the environment is empty', async () => {
    const failure = await startFailure({});
    expect(failure.exit).toEqual({ code: 1, signal: null });
    const output = failure.output.join('\n');
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'MODELARTS_ENDPOINT',
      'MODELARTS_PROJECT_ID',
      'HUAWEICLOUD_SDK_AK',
    ]) {
      expect(output).toContain(name);
    }
    // One message, not a stack trace.
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('names invalid variables without echoing their values', async () => {
    const values = {
      SLACK_BOT_TOKEN: 'not-a-bot-token-4f1b2c',
      SLACK_SIGNING_SECRET: 'signing-secret-9e8d7c6b',
      MODELARTS_ENDPOINT: 'ftp://modelarts.example.com',
      MODELARTS_PROJECT_ID: 'bad project id!',
      HUAWEICLOUD_SDK_AK: 'AKVALUE12345',
      POLL_INTERVAL_SECONDS: '0',
      PORT: 'eighty',
      DATABASE_URL: 'mysql://user:pw-7a6b5c@db/x',
    };
    const failure = await startFailure(values);
    expect(failure.exit?.code).toBe(1);
    const output = failure.output.join('\n');
    for (const name of [
      'SLACK_BOT_TOKEN',
      'MODELARTS_ENDPOINT',
      'MODELARTS_PROJECT_ID',
      'HUAWEICLOUD_SDK_SK',
      'POLL_INTERVAL_SECONDS',
      'DATABASE_URL',
    ]) {
      expect(output).toContain(name);
    }
    expect(output).toMatch(/(^|[^_A-Z])PORT\b/m);
    // Long enough not to occur by chance in the sentences ('0' would).
    for (const value of Object.values(values).filter((v) => v.length >= 5)) expect(output).not.toContain(value);
  });
});
