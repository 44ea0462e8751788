/**
 * The v2 search pager (notes v2 §3): page indexes 0, 1, 2… until a short page or (offset+1)·limit >= count, rows
 * de-duplicated by id, a page without a new id ends it; and a server that counts `offset` in records still yields every
 * job exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collect, iterateTrainingJobsV2, paginateSearch, type SearchPage } from '../../src/modelarts/index.js';
import { type Harness, harness, v2 } from './helpers.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `job-${String(i).padStart(4, '0')}`);

/** A server over `data`: `offset` as a page index (the docs) or as a record offset (older translations). */
function server(data: string[], mode: 'page' | 'record') {
  const asked: number[] = [];
  const fetch = async (offset: number, limit: number): Promise<SearchPage<string>> => {
    asked.push(offset);
    const start = mode === 'page' ? offset * limit : offset;
    return { items: data.slice(start, start + limit), count: data.length };
  };
  return { asked, fetch };
}

const collectIds = (fetch: (o: number, l: number) => Promise<SearchPage<string>>, limit = 50) =>
  collect(paginateSearch(fetch, (id) => id, { limit }));

describe('paginateSearch', () => {
  it.each([0, 1, 49, 50, 51, 120, 150])('page-index server, %i jobs: all of them, one request per page', async (n) => {
    const data = ids(n);
    const s = server(data, 'page');
    expect(await collectIds(s.fetch)).toEqual(data);
    expect(s.asked).toEqual(Array.from({ length: Math.max(1, Math.ceil(n / 50)) }, (_, i) => i));
  });

  it.each<['page' | 'record', number]>([
    ['page', 504],
    ['page', 101],
    ['record', 504],
  ])('with pages in flight together (%s server, %i jobs): same jobs, same order, no extra page', async (mode, n) => {
    const data = ids(n);
    const s = server(data, mode);
    let inFlight = 0;
    let most = 0;
    const slow = async (offset: number, limit: number) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return s.fetch(offset, limit);
    };
    expect(await collect(paginateSearch(slow, (id) => id, { limit: 50, concurrency: 4 }))).toEqual(data);
    const sequential = server(data, mode);
    await collectIds(sequential.fetch);
    expect([...s.asked].sort((a, b) => a - b)).toEqual(sequential.asked);
    // Page-index servers get their later pages four at a time; a record-offset one is walked one page at a time.
    expect(most).toBe(mode === 'page' && n > 150 ? 4 : 1);
  });

  it('stops at (offset+1)·limit >= count without asking for an empty page', async () => {
    const s = server(ids(100), 'page');
    await collectIds(s.fetch);
    expect(s.asked).toEqual([0, 1]);
  });

  it.each([51, 120, 137, 500])('record-offset server, %i jobs: every job exactly once', async (n) => {
    const data = ids(n);
    const s = server(data, 'record');
    expect(await collectIds(s.fetch)).toEqual(data);
    // offset 0, then 1 (which reveals the record offsets), then by records seen, until count.
    expect(s.asked.slice(0, 3)).toEqual(n > 51 ? [0, 1, 51] : [0, 1]);
    expect(s.asked.length).toBeLessThanOrEqual(Math.ceil(n / 50) + 1);
  });

  it('duplicate ids across pages (a job created while paging shifts the list) are yielded once', async () => {
    const data = ids(120);
    const fetch = async (offset: number, limit: number): Promise<SearchPage<string>> => {
      // From the second page on, a new job at the top pushes every row down by one.
      const shifted = offset === 0 ? data : ['job-new', ...data];
      return { items: shifted.slice(offset * limit, offset * limit + limit), count: shifted.length };
    };
    // Page 1 repeats job-0049 (the row the new job pushed over the page boundary): it is yielded once.
    expect(await collectIds(fetch)).toEqual(data);
  });

  it('a server that ignores offset (the same page every time) is asked twice, not forever', async () => {
    const data = ids(50);
    const asked: number[] = [];
    const got = await collectIds(async (offset) => {
      asked.push(offset);
      return { items: data, count: 1000 };
    });
    expect(got).toEqual(data);
    expect(asked).toEqual([0, 1]);
  });

  it('no count in the answer: pages until a short page', async () => {
    const data = ids(75);
    const got = await collectIds(async (offset, limit) => ({
      items: data.slice(offset * limit, offset * limit + limit),
      count: null,
    }));
    expect(got).toEqual(data);
  });

  it('never asks for more than 50 rows a page, and honours maxPages', async () => {
    const limits: number[] = [];
    const all = ids(1000);
    const got = await collect(
      paginateSearch(
        async (offset, limit) => {
          limits.push(limit);
          return { items: all.slice(offset * limit, offset * limit + limit), count: all.length };
        },
        (id) => id,
        { limit: 500, maxPages: 3 },
      ),
    );
    expect(new Set(limits)).toEqual(new Set([50]));
    expect(got).toHaveLength(150);
  });
});

describe('iterateTrainingJobsV2 (through the client)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.api.close();
    await h.agent.close();
  });

  it('sends page indexes with the query, and de-duplicates by metadata.id', async () => {
    h = harness();
    const job = (n: number) => ({ metadata: { id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` } });
    const page0 = Array.from({ length: 3 }, (_, i) => job(i));
    const page1 = [job(2), job(3)];
    h.pool
      .intercept({ path: v2('/training-job-searches'), method: 'POST' })
      .reply(200, JSON.stringify({ count: 5, items: page0 }));
    h.pool
      .intercept({ path: v2('/training-job-searches'), method: 'POST' })
      .reply(200, JSON.stringify({ count: 5, items: page1 }));
    const jobs = await collect(iterateTrainingJobsV2(h.api, { phases: ['Running'], limit: 3 }));
    expect(jobs.map((j) => j.metadata.id?.slice(-1))).toEqual(['0', '1', '2', '3']);
    const bodies = (h.agent.getCallHistory()?.calls() ?? []).map((c) => JSON.parse(String(c.body)));
    expect(bodies).toEqual([
      { offset: 0, limit: 3, filters: [{ key: 'phase', operator: 'in', value: ['Running'] }] },
      { offset: 1, limit: 3, filters: [{ key: 'phase', operator: 'in', value: ['Running'] }] },
    ]);
  });
});
