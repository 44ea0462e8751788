/**
 * What users must never see: Slack's operation_timeout when ModelArts is slow, failing or hanging; actions taken on
 * unsigned or replayed requests; a bot that answers people it should not; secrets in logs or payloads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOKING_UP } from '../../../src/slack/listeners/common/answer.js';
import { SEEDED } from '../../../tools/simulator/index.js';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../../support/app-fakes.js';
import { type AppHarness, ackText, eventually, interactionLines, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';
const USER = 'U0DEMO0001';
const JOB = `job ${SEEDED.docJobId} ${SEEDED.docVersionId}`;

describe('a slow, failing or hanging ModelArts', () => {
  let h: AppHarness;
  const latencies: number[] = [];

  beforeAll(async () => {
    // Every lookup must reach the (slowed, failing) simulator: no answers kept between tests.
    h = await startAppHarness({ tuning: { lookupDeadlineMs: 4_000 }, env: { MODELARTS_LOOKUP_CACHE_MS: '0' } });
  });
  afterAll(async () => {
    const sorted = [...latencies].sort((a, b) => a - b);
    if (sorted.length > 0) {
      console.info(
        `ack latency over ${sorted.length} fast lookups: p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`,
      );
    }
    await h?.close();
  });

  it('answers in the ack when ModelArts is quick', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await h.slack.sendSlashCommand({ text: JOB, channelId: CHANNEL });
      expect(res.outcome).toBe('ok');
      expect(ackText(res.body)).toContain('TestModelArtsJob');
      latencies.push(res.elapsedMs);
    }
  });

  it('acks "Looking up…" within the window when ModelArts takes 2.5 s, then replaces it through response_url', async () => {
    h.sim.faults.setLatency(2_500);
    try {
      const res = await h.slack.sendSlashCommand({ text: JOB, channelId: CHANNEL, userId: USER });
      console.info(`slow ModelArts (2.5 s): ack after ${res.elapsedMs.toFixed(1)} ms`);
      expect(res.status).toBe(200);
      expect(res.outcome).toBe('ok');
      expect((res.body as { text?: string }).text).toBe(LOOKING_UP);
      const post = await h.slack.waitForResponse((p) => JSON.stringify(p.body).includes('TestModelArtsJob'), 15_000);
      expect(post.body.replace_original).toBe(true);
      expect(post.body.response_type).toBe('ephemeral');
      expect(post.status).toBe(200);
      const line = await eventually(() => interactionLines(h).find((l) => l.deferred === true && l.outcome === 'ok'));
      expect(line.subcommand).toBe('job');
    } finally {
      h.sim.faults.clear();
    }
  });

  it('turns ModelArts 5xx into a friendly sentence, never a timeout', async () => {
    h.sim.faults.serverError({ status: 503 });
    try {
      const res = await h.slack.sendSlashCommand({ text: JOB, channelId: CHANNEL });
      expect(res.outcome).toBe('ok');
      const answer = ackText(res.body) + JSON.stringify(h.slack.responseUrlPosts.at(-1)?.body ?? {});
      expect(answer).toContain('ModelArts is having trouble');
      expect(answer).toContain('try again');
    } finally {
      h.sim.faults.clear();
    }
  });

  it('a hanging ModelArts ends as "did not answer in time" through response_url', async () => {
    h.sim.faults.hang({ endpoint: 'getTrainingJobVersion' });
    try {
      const res = await h.slack.sendSlashCommand({ text: JOB, channelId: CHANNEL });
      expect(res.outcome).toBe('ok');
      expect((res.body as { text?: string }).text).toBe(LOOKING_UP);
      const post = await h.slack.waitForResponse((p) => JSON.stringify(p.body).includes('did not answer'), 15_000);
      expect(post.body.replace_original).toBe(true);
    } finally {
      h.sim.faults.clear();
    }
  });

  it('a Slack failure while sharing is explained, not swallowed', async () => {
    const res = await h.slack.sendSlashCommand({ text: JOB, channelId: CHANNEL, userId: USER });
    expect(res.outcome).toBe('ok');
    const card = h.slack.ephemerals(USER, CHANNEL).at(-1);
    h.slack.failNext('chat.postMessage', { error: 'is_archived' });
    await h.slack.sendBlockAction({ actionId: 'share', message: card, userId: USER });
    await eventually(() => h.slack.ephemerals(USER, CHANNEL).find((e) => e.text.includes('archived')));
  });
});

describe('a flood of lookups while ModelArts is slow', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startAppHarness({ tuning: { maxLookupsInFlight: 2 }, env: { MODELARTS_LOOKUP_CACHE_MS: '0' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers "busy" at once beyond the limit of lookups in flight, fetching nothing, and takes lookups again once room frees', async () => {
    h.sim.faults.setLatency(2_500);
    try {
      const slow = [
        h.slack.sendSlashCommand({ text: `job ${SEEDED.docJobId} ${SEEDED.docVersionId}`, channelId: CHANNEL }),
        h.slack.sendSlashCommand({ text: `job ${SEEDED.firstGeneratedJobId}`, channelId: CHANNEL }),
      ];
      await eventually(() => (h.bot.deps.lookups.inFlight === 2 ? true : undefined));
      // Both slow lookups have reached the simulator (requests are counted on arrival, before the latency).
      await eventually(() => {
        const counts = h.sim.requestCounts();
        return counts.getTrainingJobVersion === 1 && counts.listTrainingJobVersions === 1 ? true : undefined;
      });
      const before = h.sim.requestCounts();
      const refused = await h.slack.sendSlashCommand({ text: JOB, channelId: CHANNEL, userId: USER });
      expect(refused.outcome).toBe('ok');
      expect(refused.elapsedMs).toBeLessThan(1_000);
      expect(ackText(refused.body)).toContain('try again in a minute');
      expect(h.sim.requestCounts()).toEqual(before);
      const line = await eventually(() => interactionLines(h).find((l) => l.outcome === 'busy'));
      expect(line.subcommand).toBe('job');
      for (const res of await Promise.all(slow)) expect((res.body as { text?: string }).text).toBe(LOOKING_UP);
      await eventually(() => (h.bot.deps.lookups.inFlight === 0 ? true : undefined), 15_000);
    } finally {
      h.sim.faults.clear();
    }
    const again = await h.slack.sendSlashCommand({ text: JOB, channelId: CHANNEL });
    expect(ackText(again.body)).toContain('TestModelArtsJob');
  });
});

describe('request signing', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startAppHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('rejects unsigned, wrongly signed and stale requests with 401 and does nothing', async () => {
    h.sim.resetRequestCounts();
    const callsBefore = h.slack.calls.length;
    const linesBefore = interactionLines(h).length;
    for (const options of [{ unsigned: true }, { wrongSignature: true }, { stale: true }]) {
      const command = await h.slack.sendSlashCommand({ text: 'watch failures', channelId: CHANNEL }, options);
      expect(command.status).toBe(401);
      const action = await h.slack.sendBlockAction({ actionId: 'job_watch', value: '{"j":10,"v":10}' }, options);
      expect(action.status).toBe(401);
      const event = await h.slack.sendAppHomeOpened({ userId: USER }, options);
      expect(event.status).toBe(401);
    }
    expect(Object.values(h.sim.requestCounts()).reduce((a, b) => a + b, 0)).toBe(0);
    expect(h.slack.calls.length).toBe(callsBefore);
    expect(interactionLines(h).length).toBe(linesBefore);
    expect(await h.store.listChannelWatches(h.slack.identity.teamId, CHANNEL)).toEqual([]);
  });

  it('serves /healthz (liveness) from the same receiver: 200 with a status word, nothing about the host', async () => {
    const ok = await fetch(`${h.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, status: 'ok' });
  });

  it('never writes a secret into logs or Slack payloads', async () => {
    await h.slack.sendSlashCommand({ text: JOB, channelId: CHANNEL });
    await h.slack.sendSlashCommand({ text: 'jobs', channelId: CHANNEL });
    const secrets = [TEST_BOT_TOKEN, TEST_SIGNING_SECRET, h.sim.credentials.token];
    const payloads = JSON.stringify([h.slack.calls.map((c) => c.args), h.slack.responseUrlPosts, h.slack.deliveries]);
    for (const secret of secrets) {
      expect(h.logs.raw()).not.toContain(secret);
      expect(payloads).not.toContain(secret);
    }
  });
});

describe('access control', () => {
  let h: AppHarness;
  const ALLOWED = 'U0DEMO0001';
  const STRANGER = 'U0DEMO0002';
  const ADMIN = 'U0DEMO0003';

  beforeAll(async () => {
    h = await startAppHarness({
      env: { ALLOWED_CHANNEL_IDS: CHANNEL, ALLOWED_USER_IDS: ALLOWED, ADMIN_USER_IDS: ADMIN },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const fetched = () => Object.values(h.sim.requestCounts()).reduce((a, b) => a + b, 0);

  it('refuses users and channels outside the lists politely, fetching nothing', async () => {
    h.sim.resetRequestCounts();
    const stranger = await h.slack.sendSlashCommand({ text: JOB, channelId: CHANNEL, userId: STRANGER });
    expect(stranger.outcome).toBe('ok');
    expect(ackText(stranger.body)).toContain('Sorry');
    const elsewhere = await h.slack.sendSlashCommand({ text: JOB, channelId: 'C0GENERAL1', userId: ALLOWED });
    expect(ackText(elsewhere.body)).toContain('Sorry');
    expect(fetched()).toBe(0);
    expect(interactionLines(h).filter((l) => l.outcome === 'refused')).toHaveLength(2);
  });

  it('refuses buttons, the shortcut, the message shortcut, App Home and unfurls the same way', async () => {
    h.sim.resetRequestCounts();
    await h.slack.sendBlockAction({
      actionId: 'job_refresh',
      value: '{"j":10,"v":10}',
      channelId: CHANNEL,
      userId: STRANGER,
    });
    await eventually(() => h.slack.ephemerals(STRANGER, CHANNEL).find((e) => e.text.includes('Sorry')));

    await h.slack.sendShortcut({ callbackId: 'modelarts_lookup', userId: STRANGER });
    const modal = await eventually(() => h.slack.modals(STRANGER).at(-1));
    expect(JSON.stringify(modal.view.blocks)).toContain('Sorry');

    const message = await h.slack.postUserMessage({ channelId: CHANNEL, userId: ALLOWED, text: 'job 10 version 10' });
    await h.slack.sendMessageShortcut({ callbackId: 'modelarts_watch_message', message, userId: STRANGER });
    await eventually(() =>
      h.slack.ephemerals(STRANGER, CHANNEL).filter((e) => e.text.includes('Sorry')).length >= 2 ? true : undefined,
    );

    await h.slack.sendAppHomeOpened({ userId: STRANGER });
    const home = await eventually(() => h.slack.homeView(STRANGER));
    expect(JSON.stringify(home.view.blocks)).toContain('Sorry');

    await h.slack.sendLinkShared({
      channelId: CHANNEL,
      userId: STRANGER,
      urls: ['https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs/details/10?versionId=10'],
    });
    await eventually(() => interactionLines(h).find((l) => l.name === 'link_shared' && l.outcome === 'refused'));
    expect(h.slack.callsTo('chat.unfurl')).toHaveLength(0);
    expect(fetched()).toBe(0);
    expect(await h.store.listChannelWatches(h.slack.identity.teamId, CHANNEL)).toEqual([]);
  });

  it('lets allowed users in allowed channels and admins anywhere', async () => {
    const allowed = await h.slack.sendSlashCommand({ text: JOB, channelId: CHANNEL, userId: ALLOWED });
    expect(ackText(allowed.body)).toContain('TestModelArtsJob');
    const admin = await h.slack.sendSlashCommand({ text: JOB, channelId: 'C0GENERAL1', userId: ADMIN });
    expect(ackText(admin.body)).toContain('TestModelArtsJob');
  });
});
