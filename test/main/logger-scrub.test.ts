/**
 * The log destination scrubs secret values from every line however they appear in it: as written, JSON-escaped once
 * (a secret holding `"` or `\` inside a logged string) or twice (upstream JSON text logged as a string), and
 * secrets learnt at run time (IAM tokens) through addSecret.
 */
import { describe, expect, it } from 'vitest';
import { addSecret, createLogger } from '../../src/logger.js';

function capture(secrets: string[]) {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    secrets,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, text: () => lines.join('') };
}

describe('log scrubbing', () => {
  it('scrubs a secret holding quotes and backslashes, escaped once or twice', () => {
    const secret = 'pa"ss\\word-42';
    const { logger, text } = capture([secret]);
    logger.info({ detail: `IAM said: wrong password ${secret}` }, 'raw');
    logger.info({ body: JSON.stringify({ password: secret }) }, 'upstream json as a string');
    logger.info(`message text ${secret}`);
    // Non-vacuous: the escaped form is what pino writes, and it is not the raw value.
    expect(JSON.stringify(secret).slice(1, -1)).not.toBe(secret);
    expect(text()).not.toContain('word-42');
    expect(text().match(/\[Redacted\]/g)).toHaveLength(3);
  });

  it('scrubs a value learnt at run time from every later line, child loggers included', () => {
    const { logger, text } = capture(['configured-secret-1']);
    const token = 'MIIEtokenFromIAM+/=issued-at-run-time';
    logger.info({ token: 'x' }, `before: ${token}`);
    expect(text()).toContain(token);
    addSecret(logger, token);
    logger.child({ component: 'modelarts' }).warn({ echoed: token }, `after: ${token}`);
    const after = text().split('\n')[1] ?? '';
    expect(after).not.toContain(token);
    expect(after.match(/\[Redacted\]/g)).toHaveLength(2);
  });

  it('ignores values too short to be secrets', () => {
    const { logger, text } = capture([]);
    addSecret(logger, 'abc');
    logger.info('abc stays');
    expect(text()).toContain('abc stays');
  });
});
