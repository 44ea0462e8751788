import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp } from '../../../src/slack/app.js';
import { type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';
import { fakeAppDeps, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../../support/app-fakes.js';

describe('Socket Mode', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack({ signingSecret: TEST_SIGNING_SECRET, botToken: TEST_BOT_TOKEN });
  });
  afterAll(async () => {
    await slack?.close();
  });

  it('opens the connection through SLACK_API_URL with the app token and fails start() cleanly when refused', async () => {
    slack.failNext('apps.connections.open', { error: 'invalid_auth', times: 20 });
    const app = createSlackApp(fakeAppDeps({ slackApiUrl: slack.apiUrl }), { mode: 'socket', appToken: 'xapp-1-test' });
    await expect(app.start(0)).rejects.toThrow();
    const call = slack.callsTo('apps.connections.open')[0];
    expect(call?.token).toBe('xapp-1-test');
    expect(slack.callsTo('auth.test')[0]?.token).toBe(TEST_BOT_TOKEN);
  });
});
