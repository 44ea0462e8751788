/**
 * The v2 part of `npm run bench:poller` (issue 10): a project of N new-version jobs, 5 % of them active, watched by a
 * project-wide `watch failures` plus a run watch on every active job; optionally N/2 v1 versions watched beside them
 * (a mixed project). Measured in the bench process, against the simulator in its own process: ModelArts calls per
 * steady cycle and per cycle in which jobs end, beside the bound ceil(active / 50) + changed + 1 and beside the naive
 * poller (one detail call per job per cycle); then the alert latency from the real bot process (src/main.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createModelArtsApi, type ModelArtsApi } from '../../src/modelarts/index.js';
import { createPoller } from '../../src/poller/poller.js';
import { openStore } from '../../src/store/index.js';
import { spawnBot } from '../../tools/demo/bot-process.js';
import { startFakeSlack } from '../../tools/fake-slack/index.js';
import { pollerBenchBotEnv, spawnSimulator } from './ops-procs.js';
import { settleStartCards } from './settle-outbox.js';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The v2 API's calls (the v1 side of a mixed project has its own listing). */
const v2Calls = (c: Record<string, number>) =>
  (c.searchTrainingJobs ?? 0) + (c.getTrainingJob ?? 0) + (c.getTaskLogPreview ?? 0) + (c.listTrainingJobEvents ?? 0);
const CHANNELS = Array.from({ length: 50 }, (_, i) => `C0BENCHV2${String(i).padStart(3, '0')}`);
/** The project watch's channel, apart: its failure messages must not queue ahead of a run watch's card. */
const ALL = 'C0BENCHV2ALL';
const ENDING = 20;

export interface V2ScaleResult {
  jobs: number;
  v1Versions: number;
  active: number;
  steadyCalls: number;
  steadyBound: number;
  changed: number;
  /** Of the changed jobs, how many failed (each adds a log-preview call for the alert). */
  failed: number;
  changeCalls: number;
  changeBound: number;
  naiveCalls: number;
  latencyMs: number[];
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** The naive baseline: one v2 detail call per job of the project per cycle. */
async function naiveV2Cycle(api: ModelArtsApi, ids: readonly string[]): Promise<number> {
  let calls = 0;
  await mapLimit(ids, 32, async (id) => {
    calls++;
    await api.getTrainingJob(id).catch(() => undefined);
  });
  return calls;
}

export async function runV2Scale(
  n: number,
  options: { intervalS: number; mixed: boolean; compiledMain: string | null; latencySamples: number },
): Promise<V2ScaleResult> {
  const sim = await spawnSimulator(['--jobs', '0', '--v2-jobs', '0', '--all-versions-bare']);
  const api = createModelArtsApi({
    endpoint: sim.url,
    projectId: sim.projectId,
    auth: { mode: 'token', token: sim.token },
    timeoutMs: 60_000,
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-poller-v2-'));
  const databaseUrl = `sqlite:${join(dir, 'bot.db')}`;
  const slack = await startFakeSlack({
    signingSecret: 'bench-secret',
    channels: [...CHANNELS, ALL].map((id, i) => ({ id, name: `bench-v2-${i}` })),
  });
  try {
    const activeCount = Math.max(1, Math.round(n * 0.05));
    const ids: string[] = [];
    const specs = Array.from({ length: n }, (_, i) => i);
    await mapLimit(specs, 16, async (i) => {
      const active = i < activeCount;
      const { jobId } = await sim.control<{ jobId: string }>('POST', '/__sim/v2/jobs', {
        name: `bench-${i}`,
        phase: active ? 'Running' : i % 7 === 0 ? 'Failed' : 'Completed',
        createdAgoMs: 2 * 86_400_000,
        ...(active ? {} : { endedAgoMs: 86_400_000 }),
      });
      ids[i] = jobId;
    });
    const activeIds = ids.slice(0, activeCount);
    let v1Versions = 0;
    const v1Targets: Array<{ jobId: number; versionId: number }> = [];
    if (options.mixed) {
      const { versions } = await sim.control<{ versions: Array<{ jobId: number; versionId: number }> }>(
        'POST',
        '/__sim/versions',
        { count: Math.round(n / 2), status: 8, perJob: 10 },
      );
      v1Targets.push(...versions);
      v1Versions = versions.length;
    }

    const store = await openStore(databaseUrl);
    const teamId = slack.identity.teamId;
    const now = new Date(Date.now() - 60_000);
    let made = 1;
    const base = () => ({
      teamId,
      channelId: CHANNELS[made++ % CHANNELS.length] as string,
      projectId: sim.projectId,
      creatorUserId: 'U0DEMO0001',
      now,
      filter: 'default' as const,
    });
    await store.createWatch({ ...base(), channelId: ALL, target: { kind: 'project' } });
    for (const id of activeIds)
      await store.createWatch({ ...base(), target: { kind: 'run', jobId: id, versionId: null } });
    for (const v of v1Targets) {
      await store.createWatch({
        ...base(),
        target: { kind: 'run', jobId: String(v.jobId), versionId: String(v.versionId) },
      });
    }
    const poller = createPoller({
      modelarts: api,
      store,
      logger,
      now: () => new Date(),
      projectId: sim.projectId,
      intervalSeconds: options.intervalS,
      alertAfterMinutes: 10,
      teamId,
      instanceId: 'bench-v2',
    });
    await poller.runOnce();
    // The simulator's showcase jobs are in the project too: the bound counts every active job there is.
    const activeNow = async () =>
      (await api.searchTrainingJobs({ phases: ['Creating', 'Pending', 'Running', 'Terminating'], limit: 1 })).count ??
      0;
    const bound = (active: number, changed: number) => Math.ceil(active / 50) + changed + 1;
    const steadyBound = bound(await activeNow(), 0);
    let steadyCalls = 0;
    for (let i = 0; i < 5; i++) steadyCalls += v2Calls((await poller.runOnce()).calls);
    steadyCalls /= 5;

    // ENDING active jobs end between two cycles, one in four failing.
    const ending = activeIds.slice(0, ENDING);
    let failed = 0;
    await sim.control('POST', '/__sim/v2/phase', {
      changes: ending.map((jobId, i) => {
        const phase = i % 4 === 0 ? 'Failed' : 'Completed';
        if (phase === 'Failed') failed++;
        return { jobId, phase };
      }),
    });
    // Before the cycle: the jobs that just ended were active when the previous cycle looked.
    const changeBound = bound(await activeNow(), ending.length);
    const changeCycle = await poller.runOnce();
    const naiveCalls = await naiveV2Cycle(api, ids);
    await poller.stop();
    // What the in-process cycles queued counts as posted: the latency samples must not wait behind it.
    await settleStartCards(store);
    await store.close();
    process.stderr.write(
      `  v2 calls: steady ${steadyCalls}, change cycle ${v2Calls(changeCycle.calls)} (${JSON.stringify(changeCycle.calls)}), naive ${naiveCalls}\n`,
    );

    // Latency from the product: src/main.ts on the same database, its sender posting to the fake Slack.
    const env = pollerBenchBotEnv({
      slackApiUrl: slack.apiUrl,
      sim,
      databaseUrl,
      intervalS: options.intervalS,
      instanceId: 'bench-bot-v2',
    });
    const bot = await spawnBot({
      env,
      readyTimeoutMs: 120_000,
      ...(options.compiledMain ? { script: options.compiledMain } : { entry: 'source' as const }),
    });
    const latencyMs: number[] = [];
    try {
      await sleep(2 * options.intervalS * 1000);
      const samples = activeIds.slice(ENDING, ENDING + Math.min(options.latencySamples, activeCount - ENDING));
      const changedAt = new Map<string, number>();
      await Promise.all(
        samples.map(async (jobId, i) => {
          await sleep(Math.random() * 3 * options.intervalS * 1000);
          const { changes } = await sim.control<{ changes: Array<{ at: number }> }>('POST', '/__sim/v2/phase', {
            jobId,
            phase: i % 2 === 0 ? 'Failed' : 'Completed',
          });
          changedAt.set(jobId, changes[0]?.at ?? Date.now());
        }),
      );
      const arrivals = () => {
        const first = new Map<string, number>();
        for (const call of slack.calls) {
          // The run watch's card is edited in place (chat.update); the project watch's message is a post.
          if ((call.method !== 'chat.postMessage' && call.method !== 'chat.update') || call.status !== 200) continue;
          const p = (call.args.metadata as { event_payload?: Record<string, unknown> } | undefined)?.event_payload;
          const id = String(p?.job_id ?? '');
          if (changedAt.has(id) && !first.has(id) && call.at >= (changedAt.get(id) ?? 0)) first.set(id, call.at);
        }
        return first;
      };
      await slack.waitUntil(() => arrivals().size >= samples.length, 120_000);
      for (const [id, at] of arrivals()) latencyMs.push(at - (changedAt.get(id) ?? at));
      if (process.env.BENCH_POLLER_DEBUG) {
        for (const l of bot.lines)
          if (/poll cycle|slow|warn|error/i.test(l)) process.stderr.write(`${l.slice(0, 300)}\n`);
      }
    } finally {
      await bot.stop();
    }
    return {
      jobs: n,
      v1Versions,
      active: activeCount,
      steadyCalls,
      steadyBound,
      changed: ending.length,
      failed,
      changeCalls: v2Calls(changeCycle.calls),
      changeBound,
      naiveCalls,
      latencyMs,
    };
  } finally {
    await slack.close();
    await api.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
