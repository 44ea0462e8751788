/**
 * Shared set-up for the poller tests: a simulator on a controllable clock, the real API client against it, a real
 * store, and helpers that create watches the way the `watch` command does.
 */
import { pino } from 'pino';
import { watchStartRows } from '../../src/alerts/rows.js';
import { createModelArtsApi, type ModelArtsApi, runFromV1Version, runFromV2Job } from '../../src/modelarts/index.js';
import { createPoller, type Poller, type PollerDeps } from '../../src/poller/poller.js';
import type { OutboxRow, Store, Watch, WatchFilter, WatchTarget } from '../../src/store/types.js';
import { SEEDED_V2, type Simulator, type SimulatorOptions, startSimulator } from '../../tools/simulator/index.js';

export const silent = pino({ level: 'silent' });
export const TEAM = 'T0POLLER';

export class Clock {
  constructor(public ms: number = Date.parse('2024-06-01T12:00:00Z')) {}
  now = (): Date => new Date(this.ms);
  nowMs = (): number => this.ms;
  tick(ms: number): void {
    this.ms += ms;
  }
}

export interface World {
  clock: Clock;
  sim: Simulator;
  api: ModelArtsApi;
  close(): Promise<void>;
}

export async function startWorld(options: SimulatorOptions = {}): Promise<World> {
  const clock = new Clock();
  const sim = await startSimulator({
    clock: clock.nowMs,
    autoSettle: false,
    generatedJobs: 0,
    allVersionsJobFields: false,
    ...options,
  });
  const api = createModelArtsApi({
    endpoint: sim.url,
    projectId: sim.projectId,
    auth: { mode: 'token', token: sim.credentials.token },
    timeoutMs: 5_000,
    // Faults must reach the poller quickly; the poller's own backoff is what is under test.
    retry: { maxAttempts: 1 },
  });
  return {
    clock,
    sim,
    api,
    async close() {
      await api.close();
      await sim.close();
    },
  };
}

export function makePoller(world: World, store: Store, extra: Partial<PollerDeps> = {}): Poller {
  return createPoller({
    modelarts: world.api,
    store,
    logger: silent,
    now: world.clock.now,
    projectId: world.sim.projectId,
    intervalSeconds: 60,
    alertAfterMinutes: 10,
    teamId: TEAM,
    instanceId: 'poller-a',
    random: () => 0.5,
    ...extra,
  });
}

/** Creates a watch and queues its first card exactly as the `watch` command does. */
export async function watch(
  world: World,
  store: Store,
  target: WatchTarget,
  opts: { filter?: WatchFilter; channelId?: string; userId?: string } = {},
): Promise<Watch> {
  const now = world.clock.now();
  const { watch: created } = await store.createWatch({
    teamId: TEAM,
    channelId: opts.channelId ?? 'C1',
    projectId: world.sim.projectId,
    creatorUserId: opts.userId ?? 'U1',
    target,
    filter: opts.filter ?? 'default',
    now,
  });
  if (target.kind === 'run' && target.versionId === null) {
    await store.enqueue(watchStartRows(created, runFromV2Job(await world.api.getTrainingJob(target.jobId)), now));
  } else if (target.kind !== 'project') {
    const versionId =
      target.kind === 'run' && target.versionId !== null
        ? target.versionId
        : String(
            Math.max(...(await world.api.listTrainingJobVersions(target.jobId)).versions.map((v) => v.version_id)),
          );
    const version = await world.api.getTrainingJobVersion(target.jobId, versionId);
    await store.enqueue(watchStartRows(created, runFromV1Version(version), now));
  }
  return created;
}

/** The event part of each row's dedupe key (`v1|team|channel|job|version|event`), as `job/version event`. */
export function describeRows(rows: readonly OutboxRow[]): string[] {
  return rows.map((r) => {
    const event = r.dedupeKey.split('|').slice(5).join('|').replace(/@\d+$/, '@t');
    return `${r.channelId} ${r.jobId ?? '-'}/${r.versionId ?? '-'} ${event}`;
  });
}

/** The simulator's showcase v2 jobs stay where they are (their schedules would otherwise move them as clocks tick). */
export function freezeShowcaseV2(sim: Simulator): void {
  for (const id of Object.values(SEEDED_V2)) sim.v2.schedule(id, []);
}
