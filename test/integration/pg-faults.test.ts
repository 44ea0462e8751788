/**
 * The bot as a real process on a real PostgreSQL, with the database misbehaving while alerts flow; every message is
 * counted where it arrives, at the fake Slack.
 *
 * (a) Terminate storm: every 250 ms each of the bot's sessions is ended with pg_terminate_backend (a failover, an
 *     operator killing sessions) while the poller and the sender run. The process must survive, and afterwards every
 *     alert must have arrived once, none twice.
 * (b) Frozen connections: a TCP proxy between bot and database stops forwarding on every open connection without
 *     closing it (a NAT or firewall that lost its state), and holds new ones unanswered for a while. Readiness must
 *     turn 503 and say so in the log; once new connections get through again (the old ones stay frozen for good), the
 *     query timeout has dropped the frozen ones and the bot catches up with nothing lost or doubled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelArtsApi, type ModelArtsApi } from '../../src/modelarts/index.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { type BotProcess, spawnBot } from '../../tools/demo/bot-process.js';
import { type FakeSlack, startFakeSlack } from '../../tools/fake-slack/index.js';
import { type Simulator, startSimulator } from '../../tools/simulator/index.js';
import { botEnv, countBy, deliveries, watchAll } from '../support/bot-fleet.js';
import { probePostgres, storeTestDatabases, type TestDatabase, withPgClient } from '../support/store-databases.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const SECRET = 'pg-faults-signing-secret';
const pgUrl = process.env.TEST_DATABASE_URL?.trim() || undefined;
const pgSkip = await probePostgres(pgUrl);
if (pgSkip) console.warn(`[pg faults] skipping the PostgreSQL fault tests: ${pgSkip}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CHANNELS = Array.from({ length: 6 }, (_, i) => `C0PGF${String(i).padStart(5, '0')}`);

describe.skipIf(pgSkip !== undefined)('PostgreSQL faults under a running bot', () => {
  let sim: Simulator;
  let slack: FakeSlack;
  let api: ModelArtsApi;
  let postgres: TestDatabase;
  const bots: BotProcess[] = [];
  const stores: Store[] = [];
  let proxy: TcpProxy | null = null;

  beforeAll(async () => {
    postgres = (await storeTestDatabases({ TEST_DATABASE_URL: pgUrl })).find((d) => d.name === 'postgres')!;
    sim = await startSimulator({ generatedJobs: 0, allVersionsJobFields: false });
    slack = await startFakeSlack({
      signingSecret: SECRET,
      channels: CHANNELS.map((id, i) => ({ id, name: `pg-${i}` })),
    });
    api = createModelArtsApi({
      endpoint: sim.url,
      projectId: sim.projectId,
      auth: { mode: 'token', token: sim.credentials.token },
    });
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop('SIGKILL')));
    await Promise.all(stores.map((s) => s.close()));
    await proxy?.close();
    await api?.close();
    await slack?.close();
    await sim?.close();
    await postgres?.dispose();
  });

  /** Watches `count` new versions in running state; resolves once their first cards arrived. */
  async function watched(databaseUrl: string, count: number) {
    const store = await openStore(databaseUrl);
    stores.push(store);
    const versions = sim.addVersions(count, { status: 8, perJob: 5 });
    await watchAll(store, api, slack.identity.teamId, versions, (i) => CHANNELS[i % CHANNELS.length]!);
    return versions;
  }

  function expectedKeys(versions: ReadonlyArray<{ jobId: number; versionId: number }>, end: (i: number) => number) {
    return versions.flatMap((v, i) => {
      const channel = CHANNELS[i % CHANNELS.length];
      const id = `${v.jobId}/${v.versionId}`;
      return [
        `chat.postMessage ${channel} ${id} card 8`,
        `chat.update ${channel} ${id} card ${end(i)}`,
        `chat.postMessage ${channel} ${id} terminal_reply ${end(i)}`,
      ];
    });
  }

  async function expectEachOnce(expected: readonly string[], label: string) {
    await slack.waitUntil(() => {
      const got = new Set(deliveries(slack).map((d) => d.key));
      return expected.every((k) => got.has(k));
    }, 90_000);
    await sleep(2_000); // anything still to come would be a duplicate
    const all = countBy(deliveries(slack).filter((d) => expected.includes(d.key)));
    const duplicated = [...all].filter(([, list]) => list.length > 1).map(([k, list]) => `${k} ×${list.length}`);
    const missing = expected.filter((k) => !all.has(k));
    console.log(
      `[pg faults] ${label}: ${expected.length} expected, missing ${missing.length}, doubled ${duplicated.length}`,
    );
    expect(missing).toEqual([]);
    expect(duplicated).toEqual([]);
  }

  it('a pg_terminate_backend storm every 250 ms: the bot survives, every alert arrives once, none twice', async () => {
    const appName = `storm_${process.pid}_${Date.now()}`;
    const url = new URL(postgres.freshUrl());
    const versions = await watched(url.toString(), 24);
    url.searchParams.set('application_name', appName);
    const bot = await spawnBot({
      env: botEnv(SECRET, sim, slack, url.toString(), 'storm-1', 'xoxb-storm-1'),
      readyTimeoutMs: 60_000,
    });
    bots.push(bot);
    const startKeys = expectedKeys(versions, () => 10).filter((k) => k.endsWith('card 8'));
    await slack.waitUntil(() => startKeys.every((k) => deliveries(slack).some((d) => d.key === k)), 60_000);

    let terminated = 0;
    let storming = true;
    const storm = (async () => {
      while (storming) {
        terminated += await withPgClient(pgUrl!, async (c) => {
          const r = await c.query(
            'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = $1',
            [appName],
          );
          return Number(r.rows[0]?.n ?? 0);
        });
        await sleep(250);
      }
    })();
    // The versions end one by one during the storm, so polls, commits and posts all run into it.
    const end = (i: number) => (i % 2 === 0 ? 10 : 11);
    for (const [i, v] of versions.entries()) {
      sim.setVersionStatus(v.jobId, v.versionId, end(i));
      await sleep(250);
    }
    await sleep(3_000);
    storming = false;
    await storm;
    console.log(`[pg faults] storm: ${terminated} sessions terminated`);
    expect(terminated).toBeGreaterThan(10);
    expect(bot.child.exitCode).toBeNull();

    await expectEachOnce(expectedKeys(versions, end), 'terminate storm');
    expect(bot.child.exitCode).toBeNull();
    expect((await bot.stop('SIGTERM')).code).toBe(0);
  }, 180_000);

  it('connections frozen by the network: readiness 503 and logged, then the bot reconnects and catches up', async () => {
    const target = new URL(pgUrl!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const direct = postgres.freshUrl();
    const versions = await watched(direct, 12);
    const viaProxy = new URL(direct);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const bot = await spawnBot({
      env: {
        ...botEnv(SECRET, sim, slack, viaProxy.toString(), 'freeze-1', 'xoxb-freeze-1'),
        DB_QUERY_TIMEOUT_MS: '3000',
        DB_STATEMENT_TIMEOUT_MS: '2000',
      },
      readyTimeoutMs: 60_000,
    });
    bots.push(bot);
    const startKeys = expectedKeys(versions, () => 10).filter((k) => k.endsWith('card 8'));
    await slack.waitUntil(() => startKeys.every((k) => deliveries(slack).some((d) => d.key === k)), 60_000);
    const readyz = async () => (await fetch(`${bot.url}/readyz`)).status;
    expect(await readyz()).toBe(200);

    proxy.freeze({ newConnections: true });
    const end = (i: number) => (i % 3 === 0 ? 11 : 10);
    for (const [i, v] of versions.entries()) sim.setVersionStatus(v.jobId, v.versionId, end(i));
    let sawUnready = false;
    for (let i = 0; i < 40 && !sawUnready; i++) {
      sawUnready = (await readyz()) === 503;
      if (!sawUnready) await sleep(250);
    }
    expect(sawUnready).toBe(true);
    // Readiness can turn 503 on poll lag before its own query times out: wait for that query's line.
    let logged = false;
    for (let i = 0; i < 60 && !logged; i++) {
      logged = bot.lines.some((l) => l.includes('database did not answer the readiness query'));
      if (!logged) await sleep(250);
    }
    expect(logged).toBe(true);
    await sleep(4_000);
    // New connections get through again; those open at the freeze never will.
    const stale = proxy.frozenCount();
    proxy.thaw({ only: 'new' });

    // The frozen connections stay frozen: the bot must drop them and work on new ones.
    await expectEachOnce(expectedKeys(versions, end), 'frozen connections');
    let ready = false;
    for (let i = 0; i < 40 && !ready; i++) {
      ready = (await readyz()) === 200;
      if (!ready) await sleep(250);
    }
    expect(ready).toBe(true);
    expect(bot.lines.some((l) => l.includes('dropping its connection'))).toBe(true);
    expect(stale).toBeGreaterThan(0);
    expect(bot.child.exitCode).toBeNull();
    expect((await bot.stop('SIGTERM')).code).toBe(0);
  }, 180_000);
});
