/** v2 reads below the job at unit level (undici MockAgent): log preview, log URL, events, metrics. */
import { afterEach, describe, expect, it } from 'vitest';
import { BadRequestError, InvalidIdError, withReadCache } from '../../src/modelarts/index.js';
import { type Harness, harness, ORIGIN, v2 } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.api.close();
  await h?.agent.close();
  h = undefined;
});

const ID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';
const JOB = `/training-jobs/${ID}`;
const sent = (h: Harness) => h.calls().filter((c) => c.fullUrl.startsWith(ORIGIN));

describe('log preview', () => {
  it('content, sizes, and whether the head was cut off', async () => {
    h = harness();
    h.pool
      .intercept({ path: v2(`${JOB}/tasks/worker-1/logs/preview`), method: 'GET' })
      .reply(200, JSON.stringify({ content: 'Epoch 3/30 loss=0.412\n', current_size: 5242880, full_size: 9000000 }));
    await expect(h.api.getTaskLogPreview(ID, 'worker-1')).resolves.toEqual({
      content: 'Epoch 3/30 loss=0.412\n',
      current_size: 5242880,
      full_size: 9000000,
      ready: true,
      truncated: true,
    });
  });

  it('reads the field by its pre-2022 name (context)', async () => {
    h = harness();
    h.pool
      .intercept({ path: v2(`${JOB}/tasks/worker-0/logs/preview`), method: 'GET' })
      .reply(200, '{"context":"old name\\n","current_size":9,"full_size":9}');
    await expect(h.api.getTaskLogPreview(ID, 'worker-0')).resolves.toMatchObject({
      content: 'old name\n',
      truncated: false,
    });
  });

  it('204 (ModelArts.2776, no log yet) is an empty log that is not ready; so is the code in a 200', async () => {
    h = harness();
    const path = v2(`${JOB}/tasks/worker-0/logs/preview`);
    h.pool.intercept({ path, method: 'GET' }).reply(204, '');
    h.pool.intercept({ path, method: 'GET' }).reply(200, '{"error_code":"ModelArts.2776","error_msg":"not ready"}');
    for (let i = 0; i < 2; i++) {
      await expect(h.api.getTaskLogPreview(ID, 'worker-0')).resolves.toEqual({
        content: '',
        current_size: 0,
        full_size: 0,
        ready: false,
        truncated: false,
      });
    }
  });

  it.each(['ModelArts.2818', 'ModelArts.2819', 'ModelArts.2820'])(
    '400 %s stays an error with its code',
    async (code) => {
      h = harness();
      h.pool
        .intercept({ path: v2(`${JOB}/tasks/worker-0/logs/preview`), method: 'GET' })
        .reply(400, JSON.stringify({ error_code: code, error_msg: 'x' }));
      const err = await h.api.getTaskLogPreview(ID, 'worker-0').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect(err).toMatchObject({ errorCode: code });
    },
  );

  it.each(['worker-01', 'Worker-0', 'worker-', 'worker-0/../x', '0', 'worker-123456'])(
    'refuses the task id %j with zero requests',
    async (task) => {
      h = harness();
      const err = await h.api.getTaskLogPreview(ID, task).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidIdError);
      expect((err as InvalidIdError).userMessage).toMatch(/worker-0, worker-1/);
      expect(sent(h)).toHaveLength(0);
    },
  );
});

describe('log URL', () => {
  it('asks by Content-Type header and query, and is never served from the read cache', async () => {
    h = harness();
    const path = v2(`${JOB}/tasks/worker-0/logs/url?Content-Type=text%2Fplain`);
    h.pool
      .intercept({ path, method: 'GET', headers: { 'content-type': 'text/plain' } })
      .reply(200, '{"obs_url":"https://bkt.obs.example/log-1?Signature=a"}')
      .times(2);
    const cached = withReadCache(h.api, { ttlMs: 60_000 });
    expect((await cached.getTaskLogUrl(ID, 'worker-0')).obs_url).toBe('https://bkt.obs.example/log-1?Signature=a');
    await cached.getTaskLogUrl(ID, 'worker-0');
    expect(sent(h)).toHaveLength(2);
  });

  it('download links, and Huawei shards', async () => {
    h = harness();
    h.pool
      .intercept({
        path: v2(`${JOB}/tasks/worker-2/logs/url?Content-Type=application%2Foctet-stream`),
        method: 'GET',
        headers: { 'content-type': 'application/octet-stream' },
      })
      .reply(200, '{"obs_url":"https://x/y","shards":{"object_urls":["https://x/y.1"],"count":1,"total":1}}');
    await expect(h.api.getTaskLogUrl(ID, 'worker-2', 'application/octet-stream')).resolves.toEqual({
      obs_url: 'https://x/y',
      shards: { object_urls: ['https://x/y.1'], count: 1, total: 1 },
    });
  });
});

describe('events', () => {
  it('sends paging, level, pattern and the time range as ms strings; ISO times become ms', async () => {
    h = harness();
    h.pool
      .intercept({
        path: v2(
          `${JOB}/events?offset=0&limit=50&order=desc&level=Error&pattern=exit%20code&start_time=1744441200000&end_time=1744447200000`,
        ),
        method: 'GET',
      })
      .reply(
        200,
        JSON.stringify({
          total: '2',
          limit: '50',
          offset: '0',
          order: 'desc',
          start_time: '2025-04-12T07:00:00+00:00',
          end_time: '2025-04-12T08:40:00+00:00',
          events: [
            { time: '2025-04-12T07:01:21+00:00', level: 'Error', message: 'Training job failed.', source: 'Job' },
            { time: '2022-11-26T16:03:41+08:00', level: 'Info', message: '[worker-0] Exit code 1.', source: 'K8s' },
            42,
          ],
        }),
      );
    const list = await h.api.listTrainingJobEvents(ID, {
      offset: 0,
      limit: 50,
      order: 'desc',
      level: 'Error',
      pattern: 'exit code',
      start_time: 1744441200000,
      end_time: 1744447200000,
    });
    expect(list).toMatchObject({ total: 2, limit: 50, offset: 0, dropped: 1, start_time: Date.UTC(2025, 3, 12, 7) });
    expect(list.events).toEqual([
      { time: Date.UTC(2025, 3, 12, 7, 1, 21), level: 'Error', message: 'Training job failed.', source: 'Job' },
      { time: Date.UTC(2022, 10, 26, 8, 3, 41), level: 'Info', message: '[worker-0] Exit code 1.', source: 'K8s' },
    ]);
  });

  it.each([
    [{ start_time: 1 }, /together/],
    [{ limit: 101 }, /limit/],
    [{ pattern: 'x'.repeat(257) }, /pattern/],
  ])('refuses %j before sending anything', async (query, message) => {
    h = harness();
    await expect(h.api.listTrainingJobEvents(ID, query)).rejects.toThrow(message);
    expect(sent(h)).toHaveLength(0);
  });
});

describe('metrics', () => {
  it('GET …/metrics/{task_id}: -1 (no data) becomes null', async () => {
    h = harness();
    h.pool.intercept({ path: v2(`${JOB}/metrics/worker-0`), method: 'GET' }).reply(
      200,
      JSON.stringify({
        metrics: [
          { metric: 'cpuUsage', value: [-1, 2.4, 12.4, 16.8] },
          { metric: 'npuUtil', value: [-1, -1, -1, -1] },
          { metric: 'gpuUtil', value: ['87.5', null] },
          { value: [1] },
        ],
      }),
    );
    await expect(h.api.getTrainingJobMetrics(ID, 'worker-0')).resolves.toEqual({
      ready: true,
      metrics: [
        { metric: 'cpuUsage', value: [null, 2.4, 12.4, 16.8] },
        { metric: 'npuUtil', value: [null, null, null, null] },
        { metric: 'gpuUtil', value: [87.5, null] },
      ],
    });
  });

  it('204 ModelArts.2777: no metrics yet', async () => {
    h = harness();
    h.pool.intercept({ path: v2(`${JOB}/metrics/worker-0`), method: 'GET' }).reply(204, '');
    await expect(h.api.getTrainingJobMetrics(ID, 'worker-0')).resolves.toEqual({ metrics: [], ready: false });
  });
});
