/** `modelarts-chatops api v2-…` against undici MockAgent: what is sent, what is printed, exit codes. */
import { describe, expect, it } from 'vitest';
import { cliPerTest } from './cli-harness.js';
import { fixture, v2 } from './helpers.js';

const ID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';

const cli = cliPerTest();

describe('modelarts-chatops api v2-…', () => {
  it('v2-jobs --phase running,pending --page 2: phase words in any case, page 2 is offset 1', async () => {
    const c = cli();
    c.pool.intercept({ path: v2('/training-job-searches'), method: 'POST' }).reply(200, fixture('v2-search.json'));
    expect(await c.run('api', 'v2-jobs', '--phase', 'running,PENDING', '--page', '2', '--limit', '20')).toBe(0);
    expect(c.bodies()).toEqual([
      { offset: 1, limit: 20, filters: [{ key: 'phase', operator: 'in', value: ['Running', 'Pending'] }] },
    ]);
    expect(c.out()).toMatch(new RegExp(`${ID}\\s+resnet50-ft\\s+Pending \\(Queuing\\)`));
    expect(c.out()).toContain('1 shown, 1 matching');
  });

  it('v2-jobs --all pages through the search', async () => {
    const c = cli();
    c.pool.intercept({ path: v2('/training-job-searches'), method: 'POST' }).reply(200, fixture('v2-search.json'));
    expect(await c.run('api', 'v2-jobs', '--all', '--json')).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({ count: 1, jobs: [{ metadata: { id: ID } }] });
    expect(c.bodies()).toEqual([{ offset: 0, limit: 50 }]);
  });

  it('v2-job prints phase, accelerators and the failure', async () => {
    const c = cli();
    const failed = JSON.parse(fixture('v2-job-running.json'));
    failed.status.phase = 'Failed';
    failed.status.secondary_phase = 'Failed';
    failed.status.task_statuses = [{ task: 'worker-1', exit_code: 1, message: 'CUDA out of memory' }];
    c.pool.intercept({ path: v2(`/training-jobs/${ID}`), method: 'GET' }).reply(200, JSON.stringify(failed));
    expect(await c.run('api', 'v2-job', ID.toUpperCase())).toBe(0);
    expect(c.out()).toMatch(/phase\s+Failed\n/);
    expect(c.out()).toMatch(/accelerators\s+2 × GP-Vnt1/);
    expect(c.out()).toMatch(/failure\s+worker-1 exit 1: CUDA out of memory/);
    expect(c.out()).toMatch(/tensorboard\s+https:\/\/tb\.example\.invalid/);
  });

  it('v2-log prints the preview (default worker-0); --url prints the link', async () => {
    const c = cli();
    c.pool
      .intercept({ path: v2(`/training-jobs/${ID}/tasks/worker-0/logs/preview`), method: 'GET' })
      .reply(200, '{"content":"line 1\\nline 2\\n","current_size":14,"full_size":14}');
    c.pool
      .intercept({ path: v2(`/training-jobs/${ID}/tasks/worker-1/logs/url?Content-Type=text%2Fplain`), method: 'GET' })
      .reply(200, '{"obs_url":"https://bkt.obs.example/log?Signature=x"}');
    expect(await c.run('api', 'v2-log', ID)).toBe(0);
    expect(await c.run('api', 'v2-log', ID, 'worker-1', '--url')).toBe(0);
    expect(c.out()).toBe('line 1\nline 2\nhttps://bkt.obs.example/log?Signature=x');
  });

  it('v2-events and v2-metrics', async () => {
    const c = cli();
    c.pool
      .intercept({ path: v2(`/training-jobs/${ID}/events?order=desc&level=Error`), method: 'GET' })
      .reply(
        200,
        '{"total":1,"events":[{"time":"2025-04-12T07:01:21+00:00","level":"Error","message":"Training job failed.","source":"Job"}]}',
      );
    c.pool
      .intercept({ path: v2(`/training-jobs/${ID}/metrics/worker-0`), method: 'GET' })
      .reply(200, '{"metrics":[{"metric":"gpuUtil","value":[-1,80.5,91,-1]}]}');
    expect(await c.run('api', 'v2-events', ID, '--level', 'error')).toBe(0);
    expect(await c.run('api', 'v2-metrics', ID)).toBe(0);
    expect(c.out()).toMatch(/2025-04-12 07:01Z\s+Error\s+Job\s+Training job failed\./);
    expect(c.out()).toMatch(/gpuUtil\s+91\s+91\s+4/);
  });

  it.each([
    [['api', 'v2-jobs', '--phase', 'sleeping'], /unknown phase "sleeping": use Creating, Pending/],
    [['api', 'v2-jobs', '--limit', '51'], /--limit must be a whole number from 1 to 50/],
    [['api', 'v2-job', '42'], /is not a new-version training job id/],
    [['api', 'v2-log', ID, 'worker-01'], /is not a training task id/],
    [['api', 'v2-events', ID, '--level', 'fatal'], /--level must be Info, Warning or Error/],
  ])('bad input %j → one line on stderr, exit 1, no request', async (argv, message) => {
    const c = cli();
    expect(await c.run(...argv)).toBe(1);
    expect(c.errLines()).toHaveLength(1);
    expect(c.err()).toMatch(message);
    expect(c.requests()).toBe(0);
  });

  it('an account without the v2 API: one line, exit 2', async () => {
    const c = cli();
    c.pool
      .intercept({ path: v2('/training-job-searches'), method: 'POST' })
      .reply(404, '{"error_code":"APIGW.0101","error_msg":"The API does not exist"}');
    expect(await c.run('api', 'v2-jobs')).toBe(2);
    expect(c.errLines()).toEqual([
      'modelarts-chatops: The new-version (v2) training API is not available on this ModelArts account or region (APIGW.0101) [ApiUnavailableError]',
    ]);
  });
});
