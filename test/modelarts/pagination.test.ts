import { afterEach, describe, expect, it } from 'vitest';
import {
  collect,
  iterateJobVersionStatuses,
  iterateProcessorTasks,
  iterateTrainingJobs,
  paginateOffset,
  paginatePageIndex,
  paginatePages,
} from '../../src/modelarts/index.js';
import { type Harness, harness, v1, v2 } from './helpers.js';

const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('generic paginators', () => {
  it('page/per_page: stops on a short page', async () => {
    const asked: number[] = [];
    const data = rows(25);
    const items = await collect(
      paginatePages(
        async (page, per) => {
          asked.push(page);
          return { items: data.slice((page - 1) * per, page * per), total: null };
        },
        { perPage: 10 },
      ),
    );
    expect(items).toEqual(data);
    expect(asked).toEqual([1, 2, 3]);
  });

  it('page/per_page: stops at the reported total without asking for an empty page', async () => {
    const asked: number[] = [];
    const items = await collect(
      paginatePages(
        async (page) => {
          asked.push(page);
          return { items: rows(10, (page - 1) * 10), total: 20 };
        },
        { perPage: 10 },
      ),
    );
    expect(items).toHaveLength(20);
    expect(asked).toEqual([1, 2]);
  });

  it('a server that ignores paging cannot loop forever (maxPages)', async () => {
    let calls = 0;
    const items = await collect(
      paginatePages(
        async () => {
          calls++;
          return { items: rows(10), total: null };
        },
        { perPage: 10, maxPages: 5 },
      ),
    );
    expect(calls).toBe(5);
    expect(items).toHaveLength(50);
  });

  it('offset/limit: offsets count rows; limit 0 is one request for everything', async () => {
    const asked: Array<[number, number]> = [];
    const data = rows(7);
    const fetch = async (offset: number, limit: number) => {
      asked.push([offset, limit]);
      return { items: limit === 0 ? data : data.slice(offset, offset + limit), total: data.length };
    };
    expect(await collect(paginateOffset(fetch, { limit: 3 }))).toEqual(data);
    expect(asked).toEqual([
      [0, 3],
      [3, 3],
      [6, 3],
    ]);
    asked.length = 0;
    expect(await collect(paginateOffset(fetch, { limit: 0 }))).toEqual(data);
    expect(asked).toEqual([[0, 0]]);
  });

  it('page index (processor tasks): 0, 1, 2 …', async () => {
    const asked: number[] = [];
    const data = rows(5);
    const items = await collect(
      paginatePageIndex(
        async (index, limit) => {
          asked.push(index);
          return { items: data.slice(index * limit, (index + 1) * limit), total: null };
        },
        { limit: 2 },
      ),
    );
    expect(items).toEqual(data);
    expect(asked).toEqual([0, 1, 2]);
  });

  it('collect stops early at max (and stops fetching)', async () => {
    let calls = 0;
    const items = await collect(
      paginatePages(
        async (page) => {
          calls++;
          return { items: rows(10, page * 10), total: null };
        },
        { perPage: 10 },
      ),
      15,
    );
    expect(items).toHaveLength(15);
    expect(calls).toBe(2);
  });
});

describe('bound to the API', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    h?.agent.assertNoPendingInterceptors();
    await h?.api.close();
    await h?.agent.close();
    h = undefined;
  });

  const job = (id: number) => ({ job_id: id, status: 8, job_name: `j${id}` });

  it('training jobs page by page', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/training-jobs?status=8&page=1&per_page=2'), method: 'GET' })
      .reply(200, JSON.stringify({ is_success: true, job_total_count: 3, jobs: [job(1), job(2)] }));
    h.pool
      .intercept({ path: v1('/training-jobs?status=8&page=2&per_page=2'), method: 'GET' })
      .reply(200, JSON.stringify({ is_success: true, job_total_count: 3, jobs: [job(3)] }));
    const jobs = await collect(iterateTrainingJobs(h.api, { status: 8, per_page: 2 }));
    expect(jobs.map((j) => j.job_id)).toEqual([1, 2, 3]);
  });

  it('all-version statuses by offset, and limit 0 in one request', async () => {
    h = harness();
    const v = (id: number) => ({ version_id: id, status: 10 });
    h.pool
      .intercept({ path: v1('/training-jobs/versions?offset=0&limit=2'), method: 'GET' })
      .reply(200, JSON.stringify({ total_count: 3, versions: [v(1), v(2)] }));
    h.pool
      .intercept({ path: v1('/training-jobs/versions?offset=2&limit=2'), method: 'GET' })
      .reply(200, JSON.stringify({ total_count: 3, versions: [v(3)] }));
    h.pool
      .intercept({ path: v1('/training-jobs/versions?offset=0&limit=0'), method: 'GET' })
      .reply(200, JSON.stringify({ total_count: 3, versions: [v(1), v(2), v(3)] }));
    expect((await collect(iterateJobVersionStatuses(h.api, { limit: 2 }))).map((x) => x.version_id)).toEqual([1, 2, 3]);
    expect((await collect(iterateJobVersionStatuses(h.api, { limit: 0 }))).map((x) => x.version_id)).toEqual([1, 2, 3]);
  });

  it('processor tasks with offset as a page index', async () => {
    h = harness();
    const t = (id: string) => ({ task_id: id, status: 2 });
    h.pool
      .intercept({ path: v2('/processor-tasks?task_type=sys_data_analyse&offset=0&limit=2'), method: 'GET' })
      .reply(200, JSON.stringify({ count: 3, tasks: [t('a'), t('b')] }));
    h.pool
      .intercept({ path: v2('/processor-tasks?task_type=sys_data_analyse&offset=1&limit=2'), method: 'GET' })
      .reply(200, JSON.stringify({ count: 3, tasks: [t('c')] }));
    const tasks = await collect(iterateProcessorTasks(h.api, { task_type: 'sys_data_analyse', limit: 2 }));
    expect(tasks.map((x) => x.task_id)).toEqual(['a', 'b', 'c']);
  });
});
