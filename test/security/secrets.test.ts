/**
 * The configured secrets (signing secret, bot token, ModelArts SK / IAM password / static token) never appear in a
 * log line (captured at pino's destination, level trace) or in anything the bot sent to Slack (Web API arguments,
 * response_url posts, acks) across a full session: every subcommand, buttons, modal, Home, unfurl, message shortcut,
 * an alert from the poller with its failure reply, and ModelArts failures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import type { EphemeralMessage } from '../../tools/fake-slack/index.js';
import { CHANNEL, type Stack, startStack } from './harness.js';

const USER = 'U0DEMO0001';
const SIGNING_SECRET = 'signing-SECRET-3c2b1a09f8e7';
const BOT_TOKEN = 'xoxb-BOT-TOKEN-SECRET-6d5c4b3a';
const SECRET_KEY = 'SK-SECRET-e4d3c2b1a0f9';
const PASSWORD = 'IAM-PASSWORD-SECRET-8a7b6c';
const STATIC_TOKEN = 'STATIC-TOKEN-SECRET-5f4e3d';

let stack: Stack | null = null;

afterEach(async () => {
  await stack?.close();
  stack = null;
});

/** The first button whose action_id is `actionId` or `actionId:…`, anywhere in the blocks. */
function findButton(node: unknown, actionId: string): { action_id: string; value: string } | null {
  if (!node || typeof node !== 'object') return null;
  if (Array.isArray(node)) {
    for (const child of node) {
      const hit = findButton(child, actionId);
      if (hit) return hit;
    }
    return null;
  }
  const record = node as Record<string, unknown>;
  const id = record.action_id;
  if (
    typeof id === 'string' &&
    (id === actionId || id.startsWith(`${actionId}:`)) &&
    typeof record.value === 'string'
  ) {
    return { action_id: id, value: record.value };
  }
  return findButton(Object.values(record), actionId);
}

function latestEphemeral(s: Stack): EphemeralMessage | undefined {
  return s.slack.ephemerals(USER, CHANNEL).at(-1);
}

async function command(s: Stack, text: string): Promise<void> {
  const result = await s.slack.sendSlashCommand({ text, channelId: CHANNEL, userId: USER });
  expect(result.status).toBe(200);
  await s.idle();
}

async function clickIn(s: Stack, message: EphemeralMessage | undefined, actionId: string): Promise<void> {
  const button = findButton(message?.blocks, actionId);
  expect(button, `a ${actionId} button`).not.toBeNull();
  if (!button || !message) return;
  const result = await s.slack.sendBlockAction({
    actionId: button.action_id,
    value: button.value,
    message,
    channelId: CHANNEL,
    userId: USER,
  });
  expect(result.status).toBe(200);
  await s.idle();
}

/** Every surface once, plus ModelArts failing underneath. */
async function fullSession(s: Stack): Promise<void> {
  for (const text of [
    'help',
    'jobs',
    'jobs running failed',
    'job 10',
    'configs',
    'configs test page 2',
    'viz 10',
    'tasks',
    'tasks analysis',
    'watches',
    'frobnicate',
    'job 999999 1',
    'watch failures',
  ]) {
    await command(s, text);
  }
  await command(s, 'jobs');
  await clickIn(s, latestEphemeral(s), ACTION.jobsPage);
  await command(s, 'job 10 10');
  const card = latestEphemeral(s);
  await clickIn(s, card, ACTION.jobRefresh);
  await clickIn(s, card, ACTION.share);
  // Job 10 version 10 has completed: its card offers Logs (a modal with the log) rather than Watch.
  await clickIn(s, card, ACTION.jobLogs);

  await s.slack.sendShortcut({ callbackId: CALLBACK.lookupShortcut, userId: USER });
  await s.idle();
  await s.slack.sendViewSubmission({
    userId: USER,
    values: { [BLOCK.lookupJobId]: '10', [BLOCK.lookupVersionId]: '10', [BLOCK.lookupConversation]: CHANNEL },
  });
  await s.slack.sendAppHomeOpened({ userId: USER });
  await s.slack.sendLinkShared({
    urls: ['https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs/details/10'],
    channelId: CHANNEL,
  });
  const message = await s.slack.postUserMessage({ channelId: CHANNEL, text: 'job 10 version 10 looks done' });
  await s.slack.sendMessageShortcut({ callbackId: CALLBACK.watchMessageShortcut, channelId: CHANNEL, message });
  await s.idle();

  // ModelArts failing underneath: a 500, then a rate limit, then a malformed body.
  for (const kind of ['serverError', 'rateLimit', 'malformed'] as const) {
    s.sim.faults.add({ kind, endpoint: 'getTrainingJobVersion', times: 8, retryAfterSeconds: 0 });
    await command(s, 'job 10 10');
    s.sim.faults.clear();
  }
  await command(s, 'unwatch 10 10');
}

/** A watched job that fails: the poller queues the card and the failure reply; the sender posts both. */
async function failingJob(s: Stack): Promise<void> {
  const { jobId, versionIds } = s.sim.addJob({ name: 'secret-check-job', status: 8 });
  const versionId = versionIds.at(-1)!;
  await command(s, `watch ${jobId} ${versionId}`);
  await s.slack.waitFor(
    (c) => c.method === 'chat.postMessage' && JSON.stringify(c.args).includes('secret-check-job'),
    20_000,
  );
  s.sim.setVersionStatus(jobId, versionId, 11);
  await s.slack.waitFor((c) => c.method === 'chat.postMessage' && typeof c.args.thread_ts === 'string', 20_000);
}

function expectNoSecrets(s: Stack, secrets: readonly string[]): void {
  const sent = JSON.stringify({
    // The token in each call's Authorization header is the one place the bot token belongs.
    calls: s.slack.calls.map(({ token: _token, ...call }) => call),
    responseUrlPosts: s.slack.responseUrlPosts,
    acks: s.slack.deliveries.map((d) => d.text),
    messages: s.slack.messages(CHANNEL),
    ephemerals: s.slack.ephemerals(),
    home: s.slack.homeView(USER),
  });
  const logs = s.logs.join('');
  // Non-vacuous: the bot did log and did talk to Slack.
  expect(logs.length).toBeGreaterThan(2_000);
  expect(s.slack.deliveries.length).toBeGreaterThanOrEqual(3);
  for (const secret of secrets) {
    expect(logs).not.toContain(secret);
    expect(sent).not.toContain(secret);
  }
}

describe('secrets stay out of logs and Slack payloads', () => {
  it('AK/SK signing: a full session with alerts and ModelArts failures', async () => {
    stack = await startStack({
      signingSecret: SIGNING_SECRET,
      botToken: BOT_TOKEN,
      simulator: { auth: { secretKey: SECRET_KEY } },
      env: { POLL_INTERVAL_SECONDS: '1' },
    });
    await stack.quiesce();
    await fullSession(stack);
    await failingJob(stack);
    expectNoSecrets(stack, [SIGNING_SECRET, BOT_TOKEN, SECRET_KEY]);
  }, 60_000);

  it('IAM password: token issued, revoked and refreshed mid-session', async () => {
    const iamUser = { domain: 'sec-domain', name: 'sec-user', password: PASSWORD };
    stack = await startStack({
      signingSecret: SIGNING_SECRET,
      botToken: BOT_TOKEN,
      simulator: { auth: { iamUsers: [iamUser] } },
      auth: (sim) => ({
        OS_AUTH_URL: sim.iamUrl,
        OS_USERNAME: iamUser.name,
        OS_PASSWORD: iamUser.password,
        OS_USER_DOMAIN_NAME: iamUser.domain,
        OS_PROJECT_NAME: sim.credentials.projectName,
      }),
    });
    await stack.quiesce();
    await command(stack, 'job 10 10');
    expect(stack.sim.revokeTokens()).toBeGreaterThan(0);
    await command(stack, 'job 10 10');
    await command(stack, 'jobs');
    expect(stack.sim.tokensIssued()).toBeGreaterThan(1);
    const tokens = stack.sim.issuedTokens();
    expect(tokens.length).toBeGreaterThan(1);
    // Tokens the bot only learnt at run time are scrubbed from any line that carries one (an upstream error
    // echoing it, a debug dump), also after they were replaced.
    for (const token of tokens)
      stack.bot.logger.child({ component: 'modelarts' }).warn({ upstream: `bad ${token}` }, token);
    await command(stack, 'help');
    expectNoSecrets(stack, [SIGNING_SECRET, BOT_TOKEN, PASSWORD, ...tokens]);
  });

  it('static token: ModelArts refuses it, and the refusal does not echo it', async () => {
    stack = await startStack({
      signingSecret: SIGNING_SECRET,
      botToken: BOT_TOKEN,
      auth: () => ({ MODELARTS_AUTH_TOKEN: STATIC_TOKEN }),
    });
    for (const text of ['job 10 10', 'jobs', 'configs', 'viz 10', 'tasks', 'watch 10 10']) await command(stack, text);
    await stack.slack.sendAppHomeOpened({ userId: USER });
    await stack.idle();
    const answers = JSON.stringify([stack.slack.responseUrlPosts, stack.slack.deliveries.map((d) => d.text)]);
    expect(answers).toMatch(/credential|authenticat|token|denied|permission/i);
    expectNoSecrets(stack, [SIGNING_SECRET, BOT_TOKEN, STATIC_TOKEN]);
  });
});
