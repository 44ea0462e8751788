/**
 * The bot as real processes (`node --import tsx src/main.ts`), killed with SIGKILL while alerts flow. ModelArts is the
 * simulator and Slack the fake, both in this process; every message is counted where it arrives, at the fake.
 *
 * (a) Three replicas on one Postgres: 200 watched versions finish in a burst and the poll-lease holder is killed
 *     midway. Every transition must be posted exactly once. The kill is placed (SIGSTOP, inspect, SIGKILL) at a moment
 *     when the victim has no outbox row claimed, so it cannot land between Slack's answer and the commit: that window
 *     cannot be closed by any sender and is what (b) measures.
 * (b) One process on SQLite, SIGKILLed at random points over 20 rounds and restarted each time with the same
 *     INSTANCE_ID; in about half the rounds the kill lands inside the window between Slack accepting a post and the
 *     bot recording it (the fake holds its answer back; the kill follows the message's arrival in the channel).
 *     Nothing may be lost and no message may reach the channel twice: look-before-repost finds the post the killed
 *     process never recorded. Card edits repeated after a kill are counted apart: an edit made twice changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelArtsApi, type ModelArtsApi } from '../../src/modelarts/index.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { type BotProcess, spawnBot } from '../../tools/demo/bot-process.js';
import { type FakeSlack, type RecordedCall, startFakeSlack } from '../../tools/fake-slack/index.js';
import { type Simulator, startSimulator } from '../../tools/simulator/index.js';
import { botEnv, countBy, deliveries, watchAll } from '../support/bot-fleet.js';
import { probePostgres, schemaOf, storeTestDatabases, withPgClient } from '../support/store-databases.js';

const SECRET = 'replica-test-signing-secret';
const pgUrl = process.env.TEST_DATABASE_URL?.trim() || undefined;
const pgSkip = await probePostgres(pgUrl);
if (pgSkip) console.warn(`[poller replicas] skipping the three-replica Postgres test: ${pgSkip}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Messages in the channel, thread replies included: grows by one with each post Slack accepts. */
function postedCount(slack: FakeSlack, channel: string): number {
  return slack.messages(channel).reduce((n, m) => n + 1 + (m.replies?.length ?? 0), 0);
}

describe.skipIf(pgSkip !== undefined)('replicas on Postgres', () => {
  const CHANNELS = Array.from({ length: 40 }, (_, i) => `C0REP${String(i).padStart(5, '0')}`);
  let sim: Simulator;
  let slack: FakeSlack;
  let api: ModelArtsApi;
  let store: Store;
  let databaseUrl: string;
  let dispose: () => Promise<void>;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    const dbs = await storeTestDatabases({ TEST_DATABASE_URL: pgUrl });
    const postgres = dbs.find((d) => d.name === 'postgres')!;
    databaseUrl = postgres.freshUrl();
    dispose = () => postgres.dispose();
    sim = await startSimulator({ generatedJobs: 0, allVersionsJobFields: false });
    slack = await startFakeSlack({
      signingSecret: SECRET,
      channels: CHANNELS.map((id, i) => ({ id, name: `alerts-${i}` })),
    });
    api = createModelArtsApi({
      endpoint: sim.url,
      projectId: sim.projectId,
      auth: { mode: 'token', token: sim.credentials.token },
    });
    store = await openStore(databaseUrl);
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop('SIGKILL')));
    await store?.close();
    await api?.close();
    await slack?.close();
    await sim?.close();
    await dispose?.();
  });

  it('three processes, 200 versions finishing in a burst, the lease holder SIGKILLed: each transition posted exactly once', async () => {
    const versions = sim.addVersions(200, { status: 8, perJob: 5 });
    await watchAll(store, api, slack.identity.teamId, versions, (i) => CHANNELS[i % CHANNELS.length]!);

    bots.push(
      ...(await Promise.all(
        [1, 2, 3].map((n) =>
          spawnBot({
            env: botEnv(SECRET, sim, slack, databaseUrl, `replica-${n}`, `xoxb-replica-${n}`),
            readyTimeoutMs: 60_000,
          }),
        ),
      )),
    );
    await slack.waitUntil(() => deliveries(slack).length >= 200, 60_000);

    // The burst: every watched version ends at once, half completed, half failed.
    for (const [i, v] of versions.entries()) sim.setVersionStatus(v.jobId, v.versionId, i % 2 === 0 ? 10 : 11);
    await slack.waitUntil(() => deliveries(slack).length >= 200 + 130, 60_000);

    const schema = schemaOf(databaseUrl);
    const holder = await withPgClient(pgUrl!, async (c) => {
      const r = await c.query(`select holder from ${schema}.leases where name = $1`, [`poll:${sim.projectId}`]);
      return String(r.rows[0]?.holder);
    });
    const victim = bots[Number(holder.replace('replica-', '')) - 1]!;
    const pid = victim.child.pid!;
    for (let attempt = 0; ; attempt++) {
      process.kill(pid, 'SIGSTOP');
      const claimed = await withPgClient(pgUrl!, async (c) => {
        const r = await c.query(
          `select count(*)::int as n from ${schema}.outbox where locked_by = $1 and state = 'pending'`,
          [holder],
        );
        return Number(r.rows[0]?.n);
      });
      if (claimed === 0 || attempt > 200) {
        process.kill(pid, 'SIGKILL');
        process.kill(pid, 'SIGCONT');
        break;
      }
      process.kill(pid, 'SIGCONT');
      await sleep(15);
    }
    expect((await victim.exited).signal).toBe('SIGKILL');

    await slack.waitUntil(() => deliveries(slack).length >= 600, 120_000);
    await sleep(3_000); // anything still to come would be a duplicate

    const all = countBy(deliveries(slack));
    const expected: string[] = [];
    versions.forEach((v, i) => {
      const channel = CHANNELS[i % CHANNELS.length];
      const id = `${v.jobId}/${v.versionId}`;
      const end = i % 2 === 0 ? 10 : 11;
      expected.push(`chat.postMessage ${channel} ${id} card 8`);
      expected.push(`chat.update ${channel} ${id} card ${end}`);
      expected.push(`chat.postMessage ${channel} ${id} terminal_reply ${end}`);
    });
    const missing = expected.filter((k) => !all.has(k));
    const duplicated = [...all].filter(([, list]) => list.length > 1).map(([k, list]) => `${k} ×${list.length}`);
    const unexpected = [...all.keys()].filter((k) => !expected.includes(k));
    console.log(
      `[poller replicas] postgres: ${expected.length} expected, ${all.size} delivered, missing ${missing.length}, ` +
        `duplicated ${duplicated.length}, victim ${holder}; by replica: ${[1, 2, 3]
          .map((n) => `${n}=${deliveries(slack).filter((d) => d.token === `xoxb-replica-${n}`).length}`)
          .join(' ')}`,
    );
    expect(missing).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(unexpected).toEqual([]);
    // Every reply stays in the card's thread (the card itself shows a failure's reason).
    const replies = slack.calls.filter(
      (c: RecordedCall) => c.method === 'chat.postMessage' && typeof c.args.thread_ts === 'string' && c.status === 200,
    );
    expect(replies).toHaveLength(200);
    expect(replies.filter((c) => c.args.reply_broadcast === true)).toHaveLength(0);
    expect(slack.serverErrors).toEqual([]);

    for (const bot of bots.filter((b) => b !== victim)) expect((await bot.stop('SIGTERM')).code).toBe(0);
  }, 240_000);
});

describe('kill test on SQLite', () => {
  const CHANNEL = 'C0KILLTEST';
  let dir: string;
  let sim: Simulator;
  let slack: FakeSlack;
  let api: ModelArtsApi;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'poller-kill-'));
    sim = await startSimulator({ generatedJobs: 0, allVersionsJobFields: false });
    slack = await startFakeSlack({ signingSecret: SECRET, channels: [{ id: CHANNEL, name: 'kill-test' }] });
    api = createModelArtsApi({
      endpoint: sim.url,
      projectId: sim.projectId,
      auth: { mode: 'token', token: sim.credentials.token },
    });
  });

  afterAll(async () => {
    await api?.close();
    await slack?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL at random points over 20 rounds, half inside the answer-to-commit window: nothing lost, nothing doubled', async () => {
    const seed = Number(process.env.POLLER_KILL_SEED ?? Date.now() % 1_000_000);
    let state = seed;
    const random = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const databaseUrl = `sqlite:${join(dir, 'bot.db')}`;
    const versions = sim.addVersions(20, { status: 8, perJob: 4 });
    const setup = await openStore(databaseUrl);
    await watchAll(setup, api, slack.identity.teamId, versions, () => CHANNEL);
    await setup.close();

    const pendingTransitions = versions.map((v, i) => ({ ...v, to: i % 3 === 0 ? 11 : i % 3 === 1 ? 10 : 13 }));
    const transition = () => {
      const next = pendingTransitions.shift();
      if (next) sim.setVersionStatus(next.jobId, next.versionId, next.to);
    };
    const ROUNDS = 20;
    let windowKills = 0;
    // One version finishes per round, before the process starts (missed while down) or while it runs; the backlog of
    // cards and replies keeps every process busy when it is killed.
    for (let round = 1; round <= ROUNDS; round++) {
      const whileDown = random() < 0.4;
      if (whileDown) transition();
      const token = `xoxb-round-${round}`;
      const bot = await spawnBot({
        env: botEnv(SECRET, sim, slack, databaseUrl, 'kill-test', token),
        readyTimeoutMs: 60_000,
      });
      const alive = 300 + Math.floor(random() * 2200);
      const at = Math.floor(random() * alive);
      const inWindow = random() < 0.5;
      await sleep(at);
      if (!whileDown) transition();
      if (inWindow) {
        // Slack takes the next post at once but answers only after 10 s: kill as soon as the message is in.
        const before = postedCount(slack, CHANNEL);
        slack.slowSuccessNext('chat.postMessage', 10_000);
        const landed = await slack
          .waitUntil(() => postedCount(slack, CHANNEL) > before, 3_000)
          .then(() => true)
          .catch(() => false);
        if (landed) windowKills++;
      } else {
        await sleep(alive - at);
      }
      bot.child.kill('SIGKILL');
      await bot.exited;
      slack.clearFailures();
    }
    while (pendingTransitions.length > 0) transition();

    const final = await spawnBot({
      env: botEnv(SECRET, sim, slack, databaseUrl, 'kill-test', 'xoxb-final'),
      readyTimeoutMs: 60_000,
    });
    const expected: string[] = [];
    versions.forEach((v, i) => {
      const id = `${v.jobId}/${v.versionId}`;
      const end = i % 3 === 0 ? 11 : i % 3 === 1 ? 10 : 13;
      expected.push(`chat.postMessage ${CHANNEL} ${id} card 8`);
      expected.push(`chat.update ${CHANNEL} ${id} card ${end}`);
      expected.push(`chat.postMessage ${CHANNEL} ${id} terminal_reply ${end}`);
    });
    try {
      await slack.waitUntil(() => expected.every((k) => deliveries(slack).some((d) => d.key === k)), 90_000);
      await sleep(2_000);
    } finally {
      expect((await final.stop('SIGTERM')).code).toBe(0);
    }

    const all = countBy(deliveries(slack));
    const missing = expected.filter((k) => !all.has(k));
    const repeated = [...all].filter(([, list]) => list.length > 1);
    // A post made twice is a second message in the channel; an edit made twice is the same card.
    const duplicates = repeated.filter(([k]) => k.startsWith('chat.postMessage'));
    const repeatedEdits = repeated.length - duplicates.length;
    console.log(
      `[poller kill test] seed ${seed}: ${ROUNDS} SIGKILLs (${windowKills} between Slack's answer and the commit), ` +
        `${expected.length} messages expected ` +
        `(${deliveries(slack).filter((d) => d.token !== 'xoxb-final').length} delivered by the killed processes), ` +
        `${missing.length} lost, ${duplicates.reduce((n, [, l]) => n + l.length - 1, 0)} duplicated, ` +
        `${repeatedEdits} card edits repeated` +
        (duplicates.length > 0
          ? ` (${duplicates.map(([k, l]) => `${k} by ${l.map((d) => d.token).join(' then ')}`).join('; ')})`
          : ''),
    );
    expect(missing).toEqual([]);
    expect(duplicates).toEqual([]);
    expect(windowKills).toBeGreaterThan(0);
  }, 600_000);
});
