import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig, configSecrets as secretsOf } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

const base = {
  SLACK_BOT_TOKEN: 'xoxb-111-222-abcdefabcdef',
  SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef',
  MODELARTS_ENDPOINT: 'http://127.0.0.1:9',
  MODELARTS_PROJECT_ID: 'sim-project',
  HUAWEICLOUD_SDK_AK: 'SIMACCESSKEY',
  HUAWEICLOUD_SDK_SK: 'sim-secret-key-xyz',
};

describe('secretsOf: every configured secret is scrubbed from the log', () => {
  it('includes the DATABASE_URL password, as written and percent-decoded', () => {
    const config = loadConfig({
      ...base,
      DATABASE_URL: 'postgres://bot:s3cret%2Fpass%40word@db.internal:5432/chatops',
    });
    const secrets = secretsOf(config);
    expect(secrets).toEqual(expect.arrayContaining(['s3cret%2Fpass%40word', 's3cret/pass@word']));

    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'info', secrets, destination });
    logger.warn({ url: config.databaseUrl }, 'database connection lost (s3cret/pass@word)');
    expect(lines.join('')).not.toMatch(/s3cret/);
  });

  it('a sqlite URL or a postgres URL without a password adds nothing', () => {
    const sqlite = secretsOf(loadConfig({ ...base, DATABASE_URL: 'sqlite::memory:' }));
    const noPassword = secretsOf(loadConfig({ ...base, DATABASE_URL: 'postgres://bot@db.internal/chatops' }));
    expect(noPassword).toEqual(sqlite);
  });
});
