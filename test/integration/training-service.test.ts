/**
 * The training service over HTTP against the simulator on an account with both training APIs, only v1 and only v2:
 * the missing side never surfaces as an error, and what the account has is all there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTrainingApiAvailability,
  createTrainingService,
  listedIds,
  type ModelArtsApi,
  NotFoundError,
  type TrainingService,
  v2PhasesOf,
} from '../../src/modelarts/index.js';
import { SEEDED, SEEDED_V2, type Simulator, startSimulator } from '../../tools/simulator/index.js';
import { apiFor } from './helpers.js';

interface Account {
  sim: Simulator;
  api: ModelArtsApi;
  svc: TrainingService;
  changes: string[];
}

async function account(apis: 'v1' | 'v2' | 'both', cloud: 'otc' | 'huawei' = 'otc'): Promise<Account> {
  const sim = await startSimulator({ generatedJobs: 3, generatedV2Jobs: 60, apis, cloud });
  const api = apiFor(sim);
  const changes: string[] = [];
  const availability = createTrainingApiAvailability({
    mode: 'auto',
    reprobeMs: 600_000,
    onChange: (which, ok) => changes.push(`${which}:${ok}`),
  });
  return { sim, api, changes, svc: createTrainingService({ api, availability, now: () => Date.now() }) };
}

const accounts: Partial<Record<'both' | 'v1' | 'v2', Account>> = {};
const get = (k: 'both' | 'v1' | 'v2'): Account => {
  const a = accounts[k];
  if (!a) throw new Error(`no ${k} account`);
  return a;
};

beforeAll(async () => {
  accounts.both = await account('both');
  accounts.v1 = await account('v1', 'huawei');
  accounts.v2 = await account('v2');
});
afterAll(async () => {
  for (const a of Object.values(accounts)) {
    await a.api.close();
    await a.sim.close();
  }
});

const kinds = (runs: ReadonlyArray<{ ref: { api: string } | null; status: { api: string } }>) =>
  new Set(runs.map((r) => r.status.api));

describe('training service against the simulator', () => {
  it('both APIs: one list, newest first, with both kinds and an exact total', async () => {
    const { svc } = get('both');
    const list = await svc.listRuns({ limit: 1_000 });
    expect(kinds(list.runs)).toEqual(new Set(['v1', 'v2']));
    const times = list.runs.map((r) => r.createdAt ?? 0);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(list.total).toBe(list.runs.length);
    const run = await svc.getRun({ api: 'v2', jobId: SEEDED_V2.failedJobId });
    expect(run.failure?.reason).toMatch(/CUDA out of memory|failed/i);
    expect((await svc.latestRun(String(SEEDED.docJobId))).ref).toMatchObject({ api: 'v1', jobId: '10' });
  });

  it('both APIs: running runs of both kinds; a name finds a v2 job; the v2 log tail', async () => {
    const { svc } = get('both');
    const running = await svc.runningRuns();
    expect(running.runs.length).toBeGreaterThan(0);
    expect(running.runs.every((r) => r.status.category === 'running')).toBe(true);
    expect(running.runs.some((r) => r.ref?.jobId === SEEDED_V2.runningGpuJobId)).toBe(true);
    const found = await svc.findRunsByName('resnet50-f');
    expect(found.matches.map((r) => listedIds(r).jobId)).toContain(SEEDED_V2.runningGpuJobId);
    const tail = await svc.logTail({ api: 'v2', jobId: SEEDED_V2.failedJobId }, 200);
    expect(tail?.join('\n')).toContain('CUDA out of memory');
  });

  it('only v1 (Huawei gateway): lists, names and running runs without any error, v2 learnt missing once', async () => {
    const { svc, changes } = get('v1');
    const list = await svc.listRuns({ limit: 1_000 });
    expect(list.runs.length).toBeGreaterThan(0);
    expect(kinds(list.runs)).toEqual(new Set(['v1']));
    await svc.runningRuns();
    await svc.findRunsByName('TestModel');
    expect(changes).toEqual(['v2:false']);
  });

  it('only v2: lists, names and running runs without any error, v1 learnt missing once', async () => {
    const { svc, changes } = get('v2');
    const list = await svc.listRuns({
      limit: 1_000,
      filter: { v1Codes: null, v2Phases: new Set(v2PhasesOf(['failed'])) },
    });
    expect(list.runs.length).toBeGreaterThan(0);
    expect(list.runs.every((r) => r.status.category === 'failed' && r.status.api === 'v2')).toBe(true);
    expect((await svc.runningRuns()).runs.every((r) => r.status.api === 'v2')).toBe(true);
    expect((await svc.findRunsByName('gpt-small')).matches).toHaveLength(1);
    expect(changes).toEqual(['v1:false']);
    await expect(svc.getRun({ api: 'v2', jobId: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
