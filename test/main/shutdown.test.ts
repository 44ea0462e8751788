/**
 * Graceful stop (what SIGTERM runs): a lookup still in flight when the stop begins finishes and its answer reaches
 * Slack through response_url; nothing new is accepted afterwards. An alert post in flight either finishes within
 * SENDER_DRAIN_MS and is recorded as sent, or is cancelled and its row released (never recorded as sent) so the next
 * process posts it; either way the stop ends before the forced exit at SHUTDOWN_DEADLINE_MS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningBot, SENDER_DRAIN_MS, SHUTDOWN_DEADLINE_MS, startBot } from '../../src/main.js';
import { LOOKING_UP } from '../../src/slack/listeners/common/answer.js';
import { CHANNEL, type Stack, startStack, TEAM } from '../security/harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await stack.quiesce();
});

afterAll(async () => {
  await stack?.close();
});

describe('stop()', () => {
  it('lets an in-flight lookup answer through response_url, then refuses new requests', async () => {
    // Slower than the 2 s ack budget: the ack says "Looking up…" and the card follows through response_url.
    stack.sim.faults.setLatency(2_600, 'getTrainingJobVersion');
    const ack = await stack.slack.sendSlashCommand({ text: 'job 10 10', channelId: CHANNEL });
    expect(ack.status).toBe(200);
    expect((ack.body as { text?: string }).text).toBe(LOOKING_UP);
    expect(stack.slack.responseUrlPosts).toHaveLength(0);

    await stack.bot.stop();

    const answer = stack.slack.responseUrlPosts.at(-1);
    expect(answer?.status).toBe(200);
    expect(JSON.stringify(answer?.body)).toContain('TestModelArtsJob');
    const late = await stack.slack.sendSlashCommand({ text: 'help', channelId: CHANNEL });
    expect(late.status).toBe(0);
    expect(late.outcome).toBe('dispatch_failed');
  });
});

describe('alert posts in flight at shutdown', () => {
  let own: Stack | null = null;
  let next: RunningBot | null = null;
  afterEach(async () => {
    await next?.stop();
    next = null;
    await own?.close();
    own = null;
  });

  const notice = (key: string) => ({
    teamId: TEAM,
    channelId: CHANNEL,
    dedupeKey: key,
    kind: 'ops_notice' as const,
    watchId: null,
    jobId: null,
    versionId: null,
    payload: { kind: 'failing', projectId: 'p', since: new Date().toISOString(), error: `shutdown-${key}` },
    runAt: new Date(),
  });
  const posted = (s: Stack, key: string) =>
    s.slack.messages(CHANNEL).filter((m) => JSON.stringify(m).includes(`shutdown-${key}`)).length;

  async function claimedRow(s: Stack, key: string) {
    return vi.waitFor(
      async () => {
        const row = (await s.bot.store.listOutbox()).find((r) => r.dedupeKey === key);
        expect(row?.attempts).toBeGreaterThan(0);
        return row!;
      },
      { timeout: 5_000, interval: 20 },
    );
  }

  async function rowAfter(s: Stack, key: string, env: Record<string, string> = {}) {
    next = await startBot({ ...s.env, INSTANCE_ID: 'successor', ...env }, { logDestination: { write: () => {} } });
    return (await next.store.listOutbox()).find((r) => r.dedupeKey === key);
  }

  it('a post that finishes within the drain is recorded as sent before the process exits', async () => {
    own = await startStack();
    await own.quiesce();
    own.slack.delayNext('chat.postMessage', 1_500);
    await own.bot.store.enqueue([notice('quick')]);
    await claimedRow(own, 'quick');
    const started = performance.now();
    await own.bot.stop();
    expect(performance.now() - started).toBeLessThan(SHUTDOWN_DEADLINE_MS);
    expect(posted(own, 'quick')).toBe(1);
    // Another process (stopped sender: the successor polls nothing due) reads the row as sent.
    const row = await rowAfter(own, 'quick', { POLL_INTERVAL_SECONDS: '86400' });
    expect(row).toMatchObject({ state: 'sent' });
  });

  it('a post Slack does not answer is cancelled after the drain, its row released, and posted once by the next start', async () => {
    own = await startStack();
    await own.quiesce();
    own.slack.delayNext('chat.postMessage', 30_000);
    await own.bot.store.enqueue([notice('stuck')]);
    await claimedRow(own, 'stuck');
    const started = performance.now();
    await own.bot.stop();
    const took = performance.now() - started;
    // Within the drain plus bookkeeping, well before the forced exit (and Docker's SIGKILL at 10 s).
    expect(took).toBeGreaterThanOrEqual(SENDER_DRAIN_MS - 100);
    expect(took).toBeLessThan(SHUTDOWN_DEADLINE_MS - 1_000);
    expect(posted(own, 'stuck')).toBe(0);
    // Slack saw the caller leave before it handled the post.
    const cancelled = await own.slack.waitFor((c) => c.method === 'chat.postMessage', 2_000);
    expect(cancelled).toMatchObject({ status: 499 });
    expect(own.logs.join('')).toContain('alert posts still in flight at shutdown were cancelled');

    const row = await rowAfter(own, 'stuck');
    expect(row?.state).toBe('pending');
    const s = own;
    await vi.waitFor(() => expect(posted(s, 'stuck')).toBe(1), { timeout: 15_000, interval: 100 });
    expect((await next!.store.listOutbox()).find((r) => r.dedupeKey === 'stuck')?.state).toBe('sent');
  }, 40_000);
});
