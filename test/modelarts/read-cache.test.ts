import { describe, expect, it } from 'vitest';
import {
  type CallOptions,
  type ModelArtsApi,
  NotFoundError,
  type ReadResult,
  withReadCache,
} from '../../src/modelarts/index.js';

/** A facade whose getTrainingJobVersion answers when the test says so, recording every request it receives. */
function fakeApi() {
  const requests: Array<{ jobId: unknown; versionId: unknown; options: CallOptions | undefined }> = [];
  const pending: Array<{ resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  let aomLogs = 0;
  const api = {
    projectId: 'p1',
    getTrainingJobVersion(jobId: unknown, versionId: unknown, options?: CallOptions) {
      requests.push({ jobId, versionId, options });
      return new Promise((resolve, reject) => pending.push({ resolve, reject }));
    },
    getAomLog() {
      aomLogs++;
      return Promise.resolve({ content: [], current_size: 0, full_size: 0 });
    },
    close: () => Promise.resolve(),
  } as unknown as ModelArtsApi;
  return {
    api,
    requests,
    answer: (i: number, value: unknown) => pending[i]?.resolve(value),
    fail: (i: number, err: unknown) => pending[i]?.reject(err),
    aomLogs: () => aomLogs,
  };
}

const flush = () => new Promise((r) => setImmediate(r));

function cached(ttlMs: number, maxEntries?: number) {
  const fake = fakeApi();
  let clock = 1_000;
  const reads: ReadResult[] = [];
  const api = withReadCache(fake.api, {
    ttlMs,
    now: () => clock,
    onRead: (r) => reads.push(r),
    ...(maxEntries !== undefined ? { maxEntries } : {}),
  });
  return { ...fake, cachedApi: api, reads, advance: (ms: number) => (clock += ms) };
}

describe('lookup read cache', () => {
  it('shares one request among identical reads in flight, not among different ones', async () => {
    const c = cached(5_000);
    const a = c.cachedApi.getTrainingJobVersion(10, 1);
    const b = c.cachedApi.getTrainingJobVersion(10, 1);
    const other = c.cachedApi.getTrainingJobVersion(10, 2);
    expect(c.requests).toHaveLength(2);
    c.answer(0, { version_id: 1 });
    c.answer(1, { version_id: 2 });
    expect(await a).toEqual({ version_id: 1 });
    expect(await b).toBe(await a);
    expect(await other).toEqual({ version_id: 2 });
    expect(c.reads).toEqual(['miss', 'shared', 'miss']);
  });

  it('keeps an answer for ttlMs, then asks ModelArts again', async () => {
    const c = cached(5_000);
    const first = c.cachedApi.getTrainingJobVersion(10, 1);
    c.answer(0, { version_id: 1, status: 8 });
    await first;
    c.advance(2_500);
    expect(await c.cachedApi.getTrainingJobVersion(10, 1)).toEqual({ version_id: 1, status: 8 });
    expect(c.requests).toHaveLength(1);
    c.advance(2_501);
    const later = c.cachedApi.getTrainingJobVersion(10, 1);
    expect(c.requests).toHaveLength(2);
    c.answer(1, { version_id: 1, status: 10 });
    expect(await later).toEqual({ version_id: 1, status: 10 });
    expect(c.reads).toEqual(['miss', 'hit', 'miss']);
  });

  it('renews an answer read past half its life in the background; the reader does not wait', async () => {
    const c = cached(5_000);
    const first = c.cachedApi.getTrainingJobVersion(10, 1);
    c.answer(0, { status: 8 });
    await first;
    c.advance(3_000);
    expect(await c.cachedApi.getTrainingJobVersion(10, 1)).toEqual({ status: 8 });
    expect(await c.cachedApi.getTrainingJobVersion(10, 1)).toEqual({ status: 8 });
    expect(c.requests).toHaveLength(2); // one renewal, however many readers
    c.answer(1, { status: 10 });
    await flush();
    c.advance(2_500); // 5.5 s after the first answer was asked, 2.5 s after the renewal
    expect(await c.cachedApi.getTrainingJobVersion(10, 1)).toEqual({ status: 10 });
    expect(c.requests).toHaveLength(2);
  });

  it('never keeps an error; everyone sharing the failed request gets it', async () => {
    const c = cached(5_000);
    const a = c.cachedApi.getTrainingJobVersion(10, 1);
    const b = c.cachedApi.getTrainingJobVersion(10, 1);
    const err = new NotFoundError({
      endpoint: 'GET /x',
      status: 404,
      errorCode: 'ModelArts.0106',
      errorMessage: 'gone',
      requestId: null,
    });
    c.fail(0, err);
    await expect(a).rejects.toBe(err);
    await expect(b).rejects.toBe(err);
    const again = c.cachedApi.getTrainingJobVersion(10, 1);
    expect(c.requests).toHaveLength(2);
    c.answer(1, { version_id: 1 });
    await expect(again).resolves.toEqual({ version_id: 1 });
  });

  it('maxAgeMs 0 (Refresh) asks ModelArts even with a kept answer or a request in flight, and serves later reads', async () => {
    const c = cached(5_000);
    const first = c.cachedApi.getTrainingJobVersion(10, 1);
    c.answer(0, { status: 8 });
    await first;
    const slow = c.cachedApi.getTrainingJobVersion(10, 1, { maxAgeMs: 0 });
    const refreshed = c.cachedApi.getTrainingJobVersion(10, 1, { maxAgeMs: 0 });
    expect(c.requests).toHaveLength(3);
    // The later request answers first; the earlier one, arriving after, must not replace the newer answer.
    c.answer(2, { status: 10 });
    expect(await refreshed).toEqual({ status: 10 });
    c.answer(1, { status: 9 });
    expect(await slow).toEqual({ status: 9 });
    expect(await c.cachedApi.getTrainingJobVersion(10, 1)).toEqual({ status: 10 });
    expect(c.requests).toHaveLength(3);
  });

  it('a smaller maxAgeMs refuses an older kept answer', async () => {
    const c = cached(5_000);
    const first = c.cachedApi.getTrainingJobVersion(10, 1);
    c.answer(0, { status: 8 });
    await first;
    c.advance(2_000);
    const young = c.cachedApi.getTrainingJobVersion(10, 1, { maxAgeMs: 1_000 });
    expect(c.requests).toHaveLength(2);
    c.answer(1, { status: 10 });
    expect(await young).toEqual({ status: 10 });
  });

  it('a caller that gives up stops waiting without cancelling the request for the others', async () => {
    const c = cached(5_000);
    const controller = new AbortController();
    const patient = c.cachedApi.getTrainingJobVersion(10, 1, { timeoutMs: 4_000 });
    const impatient = c.cachedApi.getTrainingJobVersion(10, 1, { signal: controller.signal });
    const reason = new DOMException('too slow', 'TimeoutError');
    controller.abort(reason);
    await expect(impatient).rejects.toBe(reason);
    // The shared request carries its own signal, not a caller's, and the timeout of the call that started it.
    const options = c.requests[0]?.options;
    expect(options?.timeoutMs).toBe(4_000);
    expect(options?.signal?.aborted).toBe(false);
    c.answer(0, { status: 10 });
    await expect(patient).resolves.toEqual({ status: 10 });
  });

  it('cancels the request when the last caller waiting for it gave up; the next read asks again', async () => {
    const c = cached(5_000);
    const first = new AbortController();
    const second = new AbortController();
    const a = c.cachedApi.getTrainingJobVersion(10, 1, { signal: first.signal });
    const b = c.cachedApi.getTrainingJobVersion(10, 1, { signal: second.signal });
    first.abort(new Error('first gave up'));
    await expect(a).rejects.toThrow('first gave up');
    expect(c.requests[0]?.options?.signal?.aborted).toBe(false);
    second.abort(new Error('second gave up'));
    await expect(b).rejects.toThrow('second gave up');
    expect(c.requests[0]?.options?.signal?.aborted).toBe(true);
    const next = c.cachedApi.getTrainingJobVersion(10, 1);
    expect(c.requests).toHaveLength(2);
    c.answer(1, { status: 10 });
    await expect(next).resolves.toEqual({ status: 10 });
  });

  it('keeps at most maxEntries answers, dropping the least recently used', async () => {
    const c = cached(60_000, 2);
    for (const [i, version] of [1, 2].entries()) {
      const read = c.cachedApi.getTrainingJobVersion(10, version);
      c.answer(i, { version });
      await read;
    }
    await c.cachedApi.getTrainingJobVersion(10, 1); // 1 is now the most recently used
    const third = c.cachedApi.getTrainingJobVersion(10, 3);
    c.answer(2, { version: 3 });
    await third;
    expect(c.requests).toHaveLength(3);
    await c.cachedApi.getTrainingJobVersion(10, 1);
    expect(c.requests).toHaveLength(3);
    void c.cachedApi.getTrainingJobVersion(10, 2);
    expect(c.requests).toHaveLength(4);
  });

  it('with ttlMs 0 keeps nothing but still shares requests in flight', async () => {
    const c = cached(0);
    const a = c.cachedApi.getTrainingJobVersion(10, 1);
    const b = c.cachedApi.getTrainingJobVersion(10, 1);
    expect(c.requests).toHaveLength(1);
    c.answer(0, { status: 10 });
    await Promise.all([a, b]);
    await flush();
    void c.cachedApi.getTrainingJobVersion(10, 1);
    expect(c.requests).toHaveLength(2);
  });

  it('keeps an aom-log page for its time to live, so a failed card and its Logs button read it once', async () => {
    const c = cached(60_000);
    await c.cachedApi.getAomLog(10, 1, { log_file: 'a.log', lines: 10 });
    await c.cachedApi.getAomLog(10, 1, { log_file: 'a.log', lines: 10 });
    expect(c.aomLogs()).toBe(1);
    await c.cachedApi.getAomLog(10, 1, { log_file: 'a.log', lines: 300 });
    expect(c.aomLogs()).toBe(2);
    c.advance(60_001);
    await c.cachedApi.getAomLog(10, 1, { log_file: 'a.log', lines: 10 });
    expect(c.aomLogs()).toBe(3);
  });
});

describe('v2 reads through the cache', () => {
  it('search, detail, events and metrics are kept; the log preview and the log URL always go to ModelArts', async () => {
    const calls: string[] = [];
    const answer = (name: string) => () => {
      calls.push(name);
      return Promise.resolve({ name });
    };
    const api = {
      projectId: 'p1',
      searchTrainingJobs: answer('search'),
      getTrainingJob: answer('job'),
      listTrainingJobEvents: answer('events'),
      getTrainingJobMetrics: answer('metrics'),
      getTaskLogPreview: answer('preview'),
      getTaskLogUrl: answer('url'),
      close: () => Promise.resolve(),
    } as unknown as ModelArtsApi;
    const cachedApi = withReadCache(api, { ttlMs: 60_000, now: () => 0 });
    const id = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';
    for (let i = 0; i < 2; i++) {
      await cachedApi.searchTrainingJobs({ phases: ['Running'] });
      await cachedApi.getTrainingJob(id);
      await cachedApi.listTrainingJobEvents(id, { level: 'Error' });
      await cachedApi.getTrainingJobMetrics(id, 'worker-0');
      await cachedApi.getTaskLogPreview(id, 'worker-0');
      await cachedApi.getTaskLogUrl(id, 'worker-0');
    }
    expect(calls.sort()).toEqual(['events', 'job', 'metrics', 'preview', 'preview', 'search', 'url', 'url']);
  });
});
