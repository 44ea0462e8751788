/**
 * `npm run bench:watch`: how long a failure that happens right after a `watch` command takes to reach Slack (issue
 * 11: with POLL_INTERVAL_SECONDS=1, a failure 1 s after the watch command should reach Slack within 3 s).
 *
 * The whole bot in this process (src/main.ts's startBot: the real Bolt receiver, poller and outbox sender) between
 * the ModelArts simulator on the real clock and the Slack stand-in. Each sample: a running job version, the `watch`
 * slash command signed and sent through the receiver, the version failing in the simulator 1 s after the command was
 * answered, and the time from that failure to the first chat call about it that the stand-in records.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot } from '../src/main.js';
import { botEnvironment } from '../tools/demo/demo.js';
import { startFakeSlack } from '../tools/fake-slack/index.js';
import { startSimulator } from '../tools/simulator/index.js';
import { percentile } from './support/ops-procs.js';

const SAMPLES = Number(process.env.BENCH_WATCH_SAMPLES ?? 10);
const CHANNEL = 'C0MLOPS001';
const FAIL_AFTER_MS = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-watch-'));
  const signingSecret = 'bench-watch-signing-secret';
  const botToken = 'xoxb-bench-watch-token';
  const sim = await startSimulator({ port: 0, generatedJobs: 0, generatedV2Jobs: 0 });
  const slack = await startFakeSlack({ signingSecret, botToken, chatWritePublic: true });
  const env = botEnvironment({
    simulator: sim,
    slack,
    signingSecret,
    botToken,
    databaseUrl: `sqlite:${join(dir, 'bot.db')}`,
    extra: { INSTANCE_ID: 'bench-watch', POLL_INTERVAL_SECONDS: '1', LOG_LEVEL: 'warn' },
  });
  const bot = await startBot(env, { logDestination: { write: () => undefined } });
  slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
  const latencies: number[] = [];
  try {
    // A project watch elsewhere keeps the poller busy with a real watch list, as in a team's channel.
    await slack.sendSlashCommand({ text: 'watch failures', channelId: 'C0GENERAL1' });
    for (let i = 0; i < SAMPLES; i++) {
      const { jobId, versionIds } = sim.addJob({ name: `latency-${i}`, status: 8 });
      const versionId = versionIds[0] as number;
      const answer = await slack.sendSlashCommand({ text: `watch ${jobId} ${versionId}`, channelId: CHANNEL });
      if (answer.outcome !== 'ok') throw new Error(`the watch command failed: ${JSON.stringify(answer.body)}`);
      const failAt = Date.now() + FAIL_AFTER_MS;
      sim.schedule(jobId, versionId, [{ afterMs: FAIL_AFTER_MS, status: 11 }]);
      const about = (args: Record<string, unknown>) => JSON.stringify(args).includes(`latency-${i}`);
      const call = await slack.waitUntil(
        () =>
          slack.calls.find(
            (c) =>
              c.at >= failAt &&
              (c.method === 'chat.postMessage' || c.method === 'chat.update') &&
              about(c.args) &&
              /failed|JOBSTAT_RUN_FAILED/i.test(JSON.stringify(c.args)),
          ),
        30_000,
      );
      latencies.push(call.at - failAt);
      if (process.env.BENCH_WATCH_DEBUG) console.log(call.method, String(call.args.text).slice(0, 160));
      // Spread the samples over the poll cycle's phase.
      await sleep(137 * (i + 1));
    }
  } finally {
    await bot.stop().catch(() => undefined);
    await Promise.allSettled([slack.close(), sim.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`failure → Slack after a watch command, POLL_INTERVAL_SECONDS=1, ${SAMPLES} samples (target ≤ 3000 ms)`);
  console.log(
    `  p50 ${percentile(sorted, 50).toFixed(0)} ms   p99 ${percentile(sorted, 99).toFixed(0)} ms   max ${Math.max(...sorted).toFixed(0)} ms`,
  );
  console.log(`  samples (ms): ${latencies.map((l) => l.toFixed(0)).join(' ')}`);
}

await main();
