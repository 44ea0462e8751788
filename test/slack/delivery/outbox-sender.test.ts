import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertFacts,
  cardRow,
  dedupeKey,
  opsNoticeRow,
  projectFailureRow,
  terminalReplyRow,
} from '../../../src/alerts/rows.js';
import { emptyResources, emptyRun, refFromParts, statusFromKey } from '../../../src/modelarts/index.js';
import {
  createOutboxSender,
  type OutboxSender,
  type OutboxSenderDeps,
} from '../../../src/slack/delivery/outbox-sender.js';
import { openStore } from '../../../src/store/index.js';
import type { Store, Watch, WatchTarget } from '../../../src/store/types.js';
import { type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';
import { silent } from '../../poller/helpers.js';

const TEAM = 'T0FAKE0001';
const ML = 'C0MLOPS001';
const GENERAL = 'C0GENERAL1';
const ADA = 'U0DEMO0001';

let slack: FakeSlack;
let store: Store;
let client: WebClient;
let sender: OutboxSender | null;

beforeEach(async () => {
  slack = await startFakeSlack({
    signingSecret: 'test-secret',
    teamId: TEAM,
    channels: [
      { id: ML, name: 'ml-ops' },
      { id: GENERAL, name: 'general' },
      { id: 'C0THIRD001', name: 'third' },
      { id: 'C0ARCHIVE1', name: 'old-alerts', isArchived: true },
    ],
  });
  store = await openStore('sqlite::memory:');
  client = new WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 5_000,
  });
  sender = null;
});

afterEach(async () => {
  await sender?.stop();
  await store.close();
  await slack.close();
});

function makeSender(extra: Partial<OutboxSenderDeps> = {}): OutboxSender {
  sender = createOutboxSender({
    store,
    slack: client,
    logger: silent,
    now: () => new Date(),
    instanceId: 'sender-test',
    random: () => 0.5,
    idlePollMs: 20,
    // Pacing has its own test at Slack's real spacing; the others need not wait a second per message.
    channelSpacingMs: 200,
    ...extra,
  });
  return sender;
}

async function makeWatch(target: WatchTarget, channelId = ML, userId = ADA): Promise<Watch> {
  const { watch } = await store.createWatch({
    teamId: TEAM,
    channelId,
    projectId: 'sim-project',
    creatorUserId: userId,
    target,
    filter: 'default',
    now: new Date(),
  });
  return watch;
}

const UUID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';

function facts(
  jobId: string,
  versionId: string | null,
  status: number | string,
  extra: Partial<Pick<AlertFacts, 'previousStatus' | 'logTail'>> = {},
): AlertFacts {
  const ref = refFromParts(jobId, versionId);
  if (!ref) throw new Error('not a run');
  const runStatus = statusFromKey(String(status));
  return {
    projectId: 'sim-project',
    run: {
      ...emptyRun(ref, runStatus),
      name: 'resnet50',
      versionName: versionId === null ? null : 'V0003',
      createdAt: Date.now() - 3_600_000,
      startedAt: Date.now() - 3_000_000,
      durationMs: 3_000_000,
      engine: 'PyTorch 1.8',
      resources: {
        ...emptyResources(),
        flavor: 'modelarts.p3.large',
        accelerators: { kind: 'GPU', count: 1, type: null },
      },
    },
    previousStatus: null,
    logTail: runStatus.category === 'failed' ? ['Epoch 3/10', 'RuntimeError: CUDA out of memory'] : null,
    ...extra,
  };
}

const previous = (status: number | string) => ({ status: String(status), updatedAt: new Date(1_700_000_000_000) });

async function drain(): Promise<void> {
  const s = sender ?? makeSender();
  s.start();
  const deadline = Date.now() + 15_000;
  while ((await store.outboxDepth()).pending > 0) {
    if (Date.now() > deadline) throw new Error('outbox did not drain');
    await new Promise((r) => setTimeout(r, 50));
  }
  await s.stop();
}

describe('outbox sender: cards and replies', () => {
  it('posts the card once, edits it in place, replies in its thread; metadata on every message', async () => {
    const w = await makeWatch({ kind: 'run', jobId: '7', versionId: '70' });
    const now = new Date();
    await store.enqueue([cardRow(w, facts('7', '70', 8), null, now)]);
    await drain();
    await store.enqueue([cardRow(w, facts('7', '70', 11, { previousStatus: '8' }), previous(8), now)]);
    await store.enqueue([terminalReplyRow(w, facts('7', '70', 11, { previousStatus: '8' }), now)]);
    await drain();

    const posts = slack.callsTo('chat.postMessage');
    const updates = slack.callsTo('chat.update');
    expect(posts).toHaveLength(2);
    expect(updates).toHaveLength(1);
    const cardTs = (posts[0]?.response as { ts: string } | undefined)?.ts;
    expect(updates[0]?.args).toMatchObject({ channel: ML, ts: cardTs });
    // The card in the channel shows the failure's reason: the reply with the log lines stays in the thread.
    expect(posts[1]?.args).toMatchObject({ channel: ML, thread_ts: cardTs });
    expect(posts[1]?.args.reply_broadcast).toBeUndefined();
    expect(JSON.stringify(posts[1]?.args)).toContain(`<@${ADA}>`);
    for (const call of [...posts, ...updates]) {
      expect(call.args.metadata).toMatchObject({
        event_type: 'modelarts_job_version',
        event_payload: { project_id: 'sim-project', job_id: '7', version_id: '70' },
      });
    }
    expect((updates[0]?.args.metadata as { event_payload: { status: string } } | undefined)?.event_payload.status).toBe(
      '11',
    );
    const channel = slack.messages(ML);
    expect(channel.filter((m) => m.ts === cardTs)).toHaveLength(1);
    expect(await store.getCard(TEAM, ML, '7', '70')).toMatchObject({ ts: cardTs });
    expect((await store.listOutbox()).map((r) => [r.kind, r.state, r.slackTs !== null])).toEqual([
      ['card', 'sent', true],
      ['card', 'sent', true],
      ['terminal_reply', 'sent', true],
    ]);
  });

  it('a completed reply stays in the thread; a card deleted in Slack is posted again', async () => {
    const w = await makeWatch({ kind: 'run', jobId: '8', versionId: '80' });
    await store.enqueue([cardRow(w, facts('8', '80', 8), null, new Date())]);
    await drain();
    const first = slack.callsTo('chat.postMessage')[0]?.response as { ts: string };
    await client.chat.delete({ channel: ML, ts: first.ts });

    await store.enqueue([
      cardRow(w, facts('8', '80', 10), previous(8), new Date()),
      terminalReplyRow(w, facts('8', '80', 10), new Date()),
    ]);
    await drain();
    const card = await store.getCard(TEAM, ML, '8', '80');
    expect(card?.ts).not.toBe(first.ts);
    const reply = slack.callsTo('chat.postMessage').at(-1);
    expect(reply?.args.thread_ts).toBe(card?.ts);
    expect(reply?.args.reply_broadcast).toBeUndefined();
  });

  it('project failures and ops notices are standalone messages', async () => {
    const w = await makeWatch({ kind: 'project' });
    await store.enqueue([
      projectFailureRow(w, facts('9', '90', 11), new Date()),
      opsNoticeRow({
        teamId: TEAM,
        channelId: GENERAL,
        projectId: 'sim-project',
        kind: 'failing',
        failingSince: new Date(Date.now() - 600_000),
        error: 'ModelArts is having trouble (HTTP 503)',
        now: new Date(),
      }),
    ]);
    await drain();
    const posts = slack.callsTo('chat.postMessage');
    expect(posts.map((p) => p.args.channel).sort()).toEqual([GENERAL, ML].sort());
    expect(posts.every((p) => p.args.thread_ts === undefined)).toBe(true);
    expect(JSON.stringify(posts.find((p) => p.args.channel === GENERAL)?.args)).toContain('polling is failing');
  });
});

describe('outbox sender: restarts', () => {
  it('edits the same card after a restart: a new store instance on the same SQLite file, a new sender', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sender-restart-'));
    const url = `sqlite:${join(dir, 'bot.db')}`;
    try {
      let db = await openStore(url);
      const { watch: w } = await db.createWatch({
        teamId: TEAM,
        channelId: ML,
        projectId: 'sim-project',
        creatorUserId: ADA,
        target: { kind: 'run', jobId: '11', versionId: '110' },
        filter: 'default',
        now: new Date(),
      });
      await db.enqueue([cardRow(w, facts('11', '110', 8), null, new Date())]);
      const first = createOutboxSender({
        store: db,
        slack: client,
        logger: silent,
        now: () => new Date(),
        instanceId: 'one',
      });
      expect(await first.runOnce()).toMatchObject({ sent: 1 });
      await first.stop();
      await db.close();

      db = await openStore(url);
      await db.enqueue([
        cardRow(w, facts('11', '110', 10, { previousStatus: '8' }), previous(8), new Date()),
        terminalReplyRow(w, facts('11', '110', 10, { previousStatus: '8' }), new Date()),
      ]);
      const second = createOutboxSender({
        store: db,
        slack: client,
        logger: silent,
        now: () => new Date(),
        instanceId: 'two',
        channelSpacingMs: 100,
      });
      for (let i = 0; i < 100 && (await db.outboxDepth()).pending > 0; i++) {
        await second.runOnce();
        await new Promise((r) => setTimeout(r, 50));
      }
      await db.close();

      const cardTs = (slack.callsTo('chat.postMessage')[0]?.response as { ts: string } | undefined)?.ts;
      expect(slack.callsTo('chat.update').map((c) => c.args.ts)).toEqual([cardTs]);
      expect(slack.callsTo('chat.postMessage').at(-1)?.args.thread_ts).toBe(cardTs);
      expect(slack.messages(ML)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('outbox sender: failures', () => {
  it('429: retried after Retry-After, posted exactly once', async () => {
    const w = await makeWatch({ kind: 'run', jobId: '1', versionId: '10' });
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await store.enqueue([cardRow(w, facts('1', '10', 8), null, new Date())]);
    await drain();
    const posts = slack.callsTo('chat.postMessage');
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(slack.messages(ML)).toHaveLength(1);
    const [row] = await store.listOutbox();
    expect(row).toMatchObject({ state: 'sent', attempts: 2, lastError: 'ratelimited' });
  });

  it('5xx and ok:false internal errors are retried with backoff; the message arrives once', async () => {
    const w = await makeWatch({ kind: 'run', jobId: '2', versionId: '20' });
    slack.failNext('chat.postMessage', { status: 503 });
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    await store.enqueue([cardRow(w, facts('2', '20', 8), null, new Date())]);
    await drain();
    expect(slack.callsTo('chat.postMessage').map((p) => p.status)).toEqual([503, 200, 200]);
    expect(slack.messages(ML)).toHaveLength(1);
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'sent', attempts: 3 });
  });

  it('channel_not_found: the channel’s watches are disabled with the reason, the creator is told by DM', async () => {
    const gone = 'C0DELETED1';
    const w = await makeWatch({ kind: 'run', jobId: '3', versionId: '30' }, gone);
    const w2 = await makeWatch({ kind: 'job', jobId: '4' }, gone, 'U0DEMO0002');
    const untouched = await makeWatch({ kind: 'job', jobId: '4' }, ML);
    await store.enqueue([
      cardRow(w, facts('3', '30', 8), null, new Date()),
      cardRow(w2, facts('4', '41', 8), null, new Date()),
    ]);
    await drain();

    for (const id of [w.id, w2.id]) {
      expect(await store.getWatch(id)).toMatchObject({ disabledReason: 'channel_not_found' });
      expect((await store.getWatch(id))?.disabledAt).not.toBeNull();
    }
    expect((await store.getWatch(untouched.id))?.disabledAt).toBeNull();
    // One Slack call for the broken channel: the second row was dropped without trying.
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === gone)).toHaveLength(1);
    const rows = await store.listOutbox();
    expect(rows.filter((r) => r.kind === 'card').map((r) => [r.state, r.lastError])).toEqual([
      ['dead', 'channel_not_found'],
      ['dead', 'watch disabled: channel_not_found'],
    ]);
    // Ephemeral in the gone channel fails, so each creator gets a DM naming the watch and the fix.
    expect(slack.callsTo('chat.postEphemeral').map((c) => c.args.channel)).toEqual([gone, gone]);
    const dms = slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === ADA || c.args.channel === 'U0DEMO0002');
    expect(dms.map((c) => c.args.channel).sort()).toEqual([ADA, 'U0DEMO0002']);
    expect(String(dms.find((c) => c.args.channel === ADA)?.args.text)).toContain('training job 3 version 30');
    expect(rows.filter((r) => r.kind === 'creator_notice').every((r) => r.state === 'sent')).toBe(true);
  });

  it('an archived channel disables its watch; the creator gets the ephemeral when it can be shown', async () => {
    const w = await makeWatch({ kind: 'run', jobId: '5', versionId: '50' }, 'C0ARCHIVE1');
    await store.enqueue([cardRow(w, facts('5', '50', 8), null, new Date())]);
    await drain();
    expect(await store.getWatch(w.id)).toMatchObject({ disabledReason: 'is_archived' });
    expect(slack.callsTo('chat.postMessage').some((c) => c.args.channel === ADA)).toBe(true);
  });

  it('rows of a removed watch are dropped, and a payload Slack rejects does not disable the watch', async () => {
    const w = await makeWatch({ kind: 'run', jobId: '6', versionId: '60' });
    await store.enqueue([cardRow(w, facts('6', '60', 8), null, new Date())]);
    slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    await drain();
    expect((await store.getWatch(w.id))?.disabledAt).toBeNull();
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'dead', lastError: 'invalid_blocks' });

    await store.deleteWatches(TEAM, ML, w.target);
    await store.enqueue([terminalReplyRow(w, facts('6', '60', 10), new Date())]);
    await drain();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect((await store.listOutbox()).at(-1)).toMatchObject({ state: 'dead', lastError: 'watch removed' });
  });
});

describe('outbox sender: pacing', () => {
  it('about one message per second per channel, channels in parallel (timestamps at the fake)', async () => {
    const channels = [ML, GENERAL, 'C0THIRD001'];
    const watches = await Promise.all(channels.map((c) => makeWatch({ kind: 'project' }, c)));
    const now = new Date();
    // Three failures at once for each channel (more would be summarized: see the flood tests).
    await store.enqueue(
      watches.flatMap((w) => [1, 2, 3].map((i) => projectFailureRow(w, facts(String(i), `${i}0`, 11), now))),
    );
    makeSender({ channelSpacingMs: 1000 });
    await drain();
    const posts = slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(9);
    for (const channel of channels) {
      const at = posts.filter((p) => p.args.channel === channel).map((p) => p.at);
      expect(at).toHaveLength(3);
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1000);
    }
    // Channels do not wait for each other: every channel's first message precedes any channel's second.
    const firstOfEach = channels.map((c) => posts.findIndex((p) => p.args.channel === c));
    expect(Math.max(...firstOfEach)).toBeLessThan(channels.length);
  });

  it('stop() finishes the posts in flight and claims nothing after', async () => {
    const w = await makeWatch({ kind: 'project' });
    await store.enqueue([1, 2, 3].map((i) => projectFailureRow(w, facts(String(i), `${i}0`, 11), new Date())));
    const s = makeSender();
    s.start();
    await slack.waitFor((c) => c.method === 'chat.postMessage');
    await s.stop();
    const sent = (await store.listOutbox()).filter((r) => r.state === 'sent');
    expect(sent).toHaveLength(slack.callsTo('chat.postMessage').length);
    await new Promise((r) => setTimeout(r, 1200));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(sent.length);
  });
});

describe('outbox sender: payloads', () => {
  it('delivers a row queued by a build before the run model (old payload shape), then edits that card', async () => {
    const w = await makeWatch({ kind: 'run', jobId: '12', versionId: '120' });
    // Exactly what the earlier build wrote: the v1-only alert and its dedupe key.
    const legacy = {
      projectId: 'sim-project',
      jobId: '12',
      versionId: '120',
      jobName: 'resnet50',
      versionName: 'V0003',
      status: 8,
      previousStatus: 7,
      createTime: Date.now() - 3_600_000,
      startTime: Date.now() - 3_000_000,
      durationMs: null,
      engine: 'PyTorch PyTorch-1.8.0',
      flavor: 'modelarts.p3.large',
      gpuNum: 8,
      metrics: null,
      logTail: null,
      creatorUserId: ADA,
      watchId: w.id,
      event: 'status',
    };
    const key = dedupeKey({ teamId: TEAM, channelId: ML, jobId: '12', versionId: '120', event: 'card:8' });
    await store.enqueue([
      {
        teamId: TEAM,
        channelId: ML,
        dedupeKey: key,
        kind: 'card',
        watchId: w.id,
        jobId: '12',
        versionId: '120',
        payload: legacy,
        runAt: new Date(),
      },
    ]);
    await drain();
    const [post] = slack.callsTo('chat.postMessage');
    const text = JSON.stringify(post?.args.blocks);
    expect(text).toMatch(/\*Running\* for [^·]+ · since/);
    expect(text).toContain('PyTorch 1.8.0 · 8 GPUs · modelarts.p3.large');
    expect(text).toContain('was 🟡 waiting');
    const cardTs = (post?.response as { ts: string } | undefined)?.ts;
    expect(await store.getCard(TEAM, ML, '12', '120')).toMatchObject({ ts: cardTs });
    // The new build's key for the same card is the old one: queuing it again posts nothing.
    expect(cardRow(w, facts('12', '120', 8), null, new Date()).dedupeKey).toBe(
      dedupeKey({ teamId: TEAM, channelId: ML, jobId: '12', versionId: '120', event: 'card:8' }),
    );

    await store.enqueue([cardRow(w, facts('12', '120', 10), previous(8), new Date())]);
    await drain();
    expect(slack.callsTo('chat.update').map((c) => c.args.ts)).toEqual([cardTs]);
  });

  it('cards, edits and threads a v2 job (no version) like any run', async () => {
    const w = await makeWatch({ kind: 'run', jobId: UUID, versionId: null });
    const row = cardRow(w, facts(UUID, null, 'Running'), null, new Date());
    expect(row.dedupeKey).toBe(`v1|${TEAM}|${ML}|${UUID}||card:Running`);
    expect([row.jobId, row.versionId]).toEqual([UUID, null]);
    await store.enqueue([row]);
    await drain();
    const cardTs = (slack.callsTo('chat.postMessage')[0]?.response as { ts: string } | undefined)?.ts;
    expect(await store.getCard(TEAM, ML, UUID, null)).toMatchObject({ ts: cardTs });

    await store.enqueue([
      cardRow(w, facts(UUID, null, 'Failed'), previous('Running'), new Date()),
      terminalReplyRow(w, facts(UUID, null, 'Failed'), new Date()),
    ]);
    await drain();
    expect(slack.callsTo('chat.update').map((c) => c.args.ts)).toEqual([cardTs]);
    const reply = slack.callsTo('chat.postMessage').at(-1);
    expect(reply?.args).toMatchObject({ thread_ts: cardTs });
    expect(reply?.args.reply_broadcast).toBeUndefined();
    expect(JSON.stringify(reply?.args.blocks)).toContain('*resnet50* failed after 50 min (`Failed`)');
    expect(reply?.args.metadata).toMatchObject({ event_payload: { job_id: UUID, status: 'Failed' } });
    expect((reply?.args.metadata as { event_payload: object } | undefined)?.event_payload).not.toHaveProperty(
      'version_id',
    );
  });

  it('links every alert to the run with the console links of the moment it is delivered', async () => {
    const { consoleLinks } = await import('../../../src/modelarts/index.js');
    const links = consoleLinks({ endpoint: 'https://modelarts.eu-de.otc.t-systems.com', projectId: 'sim-project' });
    makeSender({ consoleLinks: links });
    const w = await makeWatch({ kind: 'run', jobId: '13', versionId: '130' });
    await store.enqueue([cardRow(w, facts('13', '130', 8), null, new Date())]);
    await drain();
    const post = slack.callsTo('chat.postMessage')[0];
    expect(JSON.stringify(post?.args.blocks)).toContain(
      '"url":"https://console.otc.t-systems.com/modelarts/?region=eu-de&locale=en-us#/trainingJobs/details/13?versionId=130"',
    );
  });
});
