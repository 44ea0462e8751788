/**
 * The bot as real processes (`node --import tsx src/main.ts`), killed with SIGKILL while alerts flow. ModelArts is the
 * simulator and Slack the fake, both in this process; every message is counted where it arrives, at the fake.
 *
 * (a) Three replicas on one Postgres: 200 watched versions finish in a burst and the poll-lease holder is killed
 *     midway. Every transition must be posted exactly once. The kill is placed (SIGSTOP, inspect, SIGKILL) at a moment
 *     when the victim has no outbox row claimed, so it cannot land between Slack's answer and the commit: that window
 *     cannot be closed by any sender and is what (b) measures.
 * (b) One process on SQLite, SIGKILLed at random points over 20 rounds and restarted each time with the same
 *     INSTANCE_ID: nothing may be lost; duplicates are counted and printed, at most one per kill (one channel, and
 *     the outbox never has two rows of a channel in flight).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchStartRows } from '../../src/alerts/rows.js';
import { createModelArtsApi, type ModelArtsApi, runFromV1Version } from '../../src/modelarts/index.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { type BotProcess, spawnBot } from '../../tools/demo/bot-process.js';
import { type FakeSlack, type RecordedCall, startFakeSlack } from '../../tools/fake-slack/index.js';
import { type Simulator, startSimulator } from '../../tools/simulator/index.js';
import { probePostgres, schemaOf, storeTestDatabases, withPgClient } from '../support/store-databases.js';

const SECRET = 'replica-test-signing-secret';
const pgUrl = process.env.TEST_DATABASE_URL?.trim() || undefined;
const pgSkip = await probePostgres(pgUrl);
if (pgSkip) console.warn(`[poller replicas] skipping the three-replica Postgres test: ${pgSkip}`);

interface Delivered {
  key: string;
  token: string | null;
  at: number;
}

/** Successful alert posts and edits at the fake, keyed by what they say (from the message metadata). */
function deliveries(slack: FakeSlack): Delivered[] {
  const out: Delivered[] = [];
  for (const call of slack.calls) {
    if (call.method !== 'chat.postMessage' && call.method !== 'chat.update') continue;
    if (call.status !== 200 || (call.response as { ok?: boolean }).ok !== true) continue;
    const meta = call.args.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
    if (meta?.event_type !== 'modelarts_job_version' || !meta.event_payload) continue;
    const p = meta.event_payload;
    out.push({
      key: `${call.method} ${String(call.args.channel)} ${p.job_id}/${p.version_id} ${p.kind} ${p.status}`,
      token: call.token,
      at: call.at,
    });
  }
  return out;
}

function countBy(items: readonly Delivered[]): Map<string, Delivered[]> {
  const map = new Map<string, Delivered[]>();
  for (const d of items) map.set(d.key, [...(map.get(d.key) ?? []), d]);
  return map;
}

function botEnv(
  sim: Simulator,
  slack: FakeSlack,
  databaseUrl: string,
  instanceId: string,
  token: string,
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: token,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    METRICS_PORT: '0',
    MODELARTS_ENDPOINT: sim.url,
    MODELARTS_PROJECT_ID: sim.projectId,
    MODELARTS_AUTH_TOKEN: sim.credentials.token,
    DATABASE_URL: databaseUrl,
    POLL_INTERVAL_SECONDS: '1',
    INSTANCE_ID: instanceId,
    LOG_LEVEL: 'info',
  };
}

/** Version watches for every version, as the watch command makes them: watch row plus its first card. */
async function watchAll(
  store: Store,
  api: ModelArtsApi,
  teamId: string,
  versions: ReadonlyArray<{ jobId: number; versionId: number }>,
  channelOf: (index: number) => string,
): Promise<void> {
  const byJob = new Map<number, Awaited<ReturnType<ModelArtsApi['listTrainingJobVersions']>>['versions']>();
  for (const jobId of new Set(versions.map((v) => v.jobId))) {
    byJob.set(jobId, (await api.listTrainingJobVersions(jobId, { page: 1, per_page: 1000 })).versions);
  }
  let i = 0;
  for (const { jobId, versionId } of versions) {
    const detail = byJob.get(jobId)?.find((v) => v.version_id === versionId);
    if (!detail) throw new Error(`simulator lost version ${jobId}/${versionId}`);
    const now = new Date();
    const { watch } = await store.createWatch({
      teamId,
      channelId: channelOf(i++),
      projectId: api.projectId,
      creatorUserId: 'U0DEMO0001',
      target: { kind: 'run', jobId: String(jobId), versionId: String(versionId) },
      filter: 'default',
      now,
    });
    await store.enqueue(watchStartRows(watch, runFromV1Version(detail), now));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
            env: botEnv(sim, slack, databaseUrl, `replica-${n}`, `xoxb-replica-${n}`),
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

  it('SIGKILL at random points over 20 rounds: nothing lost, duplicates counted (at most one per kill)', async () => {
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
    const roundTokens: string[] = [];
    // One version finishes per round, before the process starts (missed while down) or while it runs; the backlog of
    // cards and replies keeps every process busy when it is killed.
    for (let round = 1; round <= ROUNDS; round++) {
      const whileDown = random() < 0.4;
      if (whileDown) transition();
      const token = `xoxb-round-${round}`;
      roundTokens.push(token);
      const bot = await spawnBot({
        env: botEnv(sim, slack, databaseUrl, 'kill-test', token),
        readyTimeoutMs: 60_000,
      });
      const alive = 300 + Math.floor(random() * 2200);
      const at = Math.floor(random() * alive);
      await sleep(at);
      if (!whileDown) transition();
      await sleep(alive - at);
      bot.child.kill('SIGKILL');
      await bot.exited;
    }
    while (pendingTransitions.length > 0) transition();

    const final = await spawnBot({
      env: botEnv(sim, slack, databaseUrl, 'kill-test', 'xoxb-final'),
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
    const duplicates = [...all].filter(([, list]) => list.length > 1);
    const perKill = new Map<string, number>();
    for (const [, list] of duplicates) {
      const first = list[0]?.token ?? '?';
      perKill.set(first, (perKill.get(first) ?? 0) + list.length - 1);
    }
    console.log(
      `[poller kill test] seed ${seed}: ${ROUNDS} SIGKILLs, ${expected.length} messages expected ` +
        `(${deliveries(slack).filter((d) => d.token !== 'xoxb-final').length} delivered by the killed processes), ` +
        `${missing.length} lost, ${duplicates.reduce((n, [, l]) => n + l.length - 1, 0)} duplicates` +
        (duplicates.length > 0
          ? ` (${duplicates.map(([k, l]) => `${k} by ${l.map((d) => d.token).join(' then ')}`).join('; ')})`
          : ''),
    );
    expect(missing).toEqual([]);
    for (const [, list] of duplicates) {
      // A duplicate is a post whose answer the killed process never recorded: sent again by a later process.
      expect(roundTokens).toContain(list[0]?.token);
      expect(new Set(list.map((d) => d.token)).size).toBe(list.length);
    }
    for (const [, n] of perKill) expect(n).toBeLessThanOrEqual(1);
  }, 240_000);
});
