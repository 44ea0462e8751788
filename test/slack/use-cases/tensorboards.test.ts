/**
 * The TensorBoard page a job card scans is the same for every card, so cards rendered at the same time share one
 * request (through the lookup read cache, here keeping nothing so only sharing is seen); a caller's abort only ends
 * its own wait, and a failed list never fails a card.
 */
import { describe, expect, it } from 'vitest';
import {
  type ModelArtsApi,
  type VisualizationJob,
  type VisualizationJobList,
  withReadCache,
} from '../../../src/modelarts/index.js';
import { listTensorboards, matchTensorboard } from '../../../src/slack/use-cases/lookups.js';
import { fakeAppDeps } from '../../support/app-fakes.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function fakeModelarts() {
  const calls: Array<{ query: unknown; options: { signal?: AbortSignal; timeoutMs?: number } | undefined }> = [];
  const answers: Array<ReturnType<typeof deferred<VisualizationJobList>>> = [];
  const api = {
    projectId: 'sim-project',
    listVisualizationJobs(query: unknown, options?: { signal?: AbortSignal; timeoutMs?: number }) {
      calls.push({ query, options });
      const answer = deferred<VisualizationJobList>();
      answers.push(answer);
      return answer.promise;
    },
  } as unknown as ModelArtsApi;
  return { api: withReadCache(api, { ttlMs: 0 }), calls, answers };
}

const job = { job_id: 1, job_name: 'tb', train_url: '/bucket/out/', service_url: 'https://tb', status: 8 };
const list = { job_total_count: 1, job_count_limit: 10, jobs: [job] } as unknown as VisualizationJobList;
const call = (signal = new AbortController().signal) => ({ signal, timeoutMs: 5_000 });

describe('listTensorboards', () => {
  it('shares one request among concurrent cards and asks again once it settled', async () => {
    const { api, calls, answers } = fakeModelarts();
    const deps = fakeAppDeps({ modelarts: api, tuning: { tensorboardScanLimit: 50 } });
    const first = listTensorboards(deps, call());
    const second = listTensorboards(deps, call());
    expect(calls).toHaveLength(1);
    expect(calls[0]?.query).toMatchObject({ per_page: 50, page: 1 });
    // The shared request carries its own signal, not a caller's, and the per-call timeout.
    expect(calls[0]?.options?.timeoutMs).toBe(5_000);
    expect(calls[0]?.options?.signal?.aborted).toBe(false);
    answers[0]?.resolve(list);
    const expected: VisualizationJob[] = list.jobs;
    expect(await first).toEqual(expected);
    expect(await second).toEqual(expected);

    const third = listTensorboards(deps, call());
    expect(calls).toHaveLength(2);
    answers[1]?.resolve({ ...list, jobs: [] });
    expect(await third).toEqual([]);
  });

  it('ends only the aborted caller’s wait, and turns a failed list into no TensorBoard', async () => {
    const { api, calls, answers } = fakeModelarts();
    const deps = fakeAppDeps({ modelarts: api });
    const aborted = new AbortController();
    const leaving = listTensorboards(deps, call(aborted.signal));
    const staying = listTensorboards(deps, call());
    aborted.abort();
    expect(await leaving).toEqual([]);
    answers[0]?.resolve(list);
    expect(await staying).toEqual(list.jobs);

    const failing = listTensorboards(deps, call());
    expect(calls).toHaveLength(2);
    answers[1]?.reject(new Error('boom'));
    expect(await failing).toEqual([]);
  });
});

describe('matchTensorboard', () => {
  const viz = (id: number, train_url: string | null, status: number, service_url: string | null = `https://tb/${id}`) =>
    ({ job_id: id, job_name: `tb${id}`, train_url, service_url, status }) as unknown as VisualizationJob;

  it('matches OBS paths however they are written, preferring running, then starting, then the newest', () => {
    const jobs = [
      viz(1, 'obs://Bucket/out/', 10),
      viz(2, '/bucket/out', 7),
      viz(3, 'bucket/out//', 8),
      viz(4, '/other/', 8),
      viz(5, '/bucket/out/', 8, null),
    ];
    expect(matchTensorboard(jobs, '/bucket/out/')).toBe('https://tb/3');
    expect(matchTensorboard(jobs.slice(0, 2), 's3://bucket/out')).toBe('https://tb/2');
    expect(matchTensorboard([viz(6, '/b/', 10), viz(7, '/b', 11)], '/b')).toBe('https://tb/6');
    expect(matchTensorboard(jobs, '/nowhere/')).toBeNull();
    expect(matchTensorboard(jobs, null)).toBeNull();
    expect(matchTensorboard([viz(8, '/', 8), viz(9, null, 8)], '/')).toBeNull();
    // Asked again with the same list (the read cache's answer), the answers stay the same.
    expect(matchTensorboard(jobs, 'OBS://bucket/OUT')).toBe('https://tb/3');
  });

  it('compares paths, not prefixes', () => {
    const at = (path: string) => [viz(1, path, 8)];
    expect(matchTensorboard(at('obs://bucket/out/'), '/bucket/out')).toBe('https://tb/1');
    expect(matchTensorboard(at('/bucket/output'), '/bucket/out')).toBeNull();
    expect(matchTensorboard(at('/'), '/')).toBeNull();
    expect(matchTensorboard(at('/a'), null)).toBeNull();
  });
});
