/**
 * Helpers for tests that run the bot as real processes against the simulator and the fake Slack: the environment a
 * bot gets, watches made as the watch command makes them, and the alert posts the fake received, keyed by what they
 * say (from the message metadata), to count what was lost or doubled.
 */
import { watchStartRows } from '../../src/alerts/rows.js';
import { type ModelArtsApi, runFromV1Version } from '../../src/modelarts/index.js';
import type { Store } from '../../src/store/types.js';
import type { FakeSlack } from '../../tools/fake-slack/index.js';
import type { Simulator } from '../../tools/simulator/index.js';

export interface Delivered {
  key: string;
  token: string | null;
  at: number;
}

/** Successful alert posts and edits at the fake, keyed by what they say (from the message metadata). */
export function deliveries(slack: FakeSlack): Delivered[] {
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

export function countBy(items: readonly Delivered[]): Map<string, Delivered[]> {
  const map = new Map<string, Delivered[]>();
  for (const d of items) map.set(d.key, [...(map.get(d.key) ?? []), d]);
  return map;
}

export function botEnv(
  secret: string,
  sim: Simulator,
  slack: FakeSlack,
  databaseUrl: string,
  instanceId: string,
  token: string,
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: token,
    SLACK_SIGNING_SECRET: secret,
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
export async function watchAll(
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
