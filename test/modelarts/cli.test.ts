import { describe, expect, it } from 'vitest';
import { cliPerTest } from './cli-harness.js';
import { fixture, TOKEN, v1, v2 } from './helpers.js';

const cli = cliPerTest();

describe('modelarts-chatops api', () => {
  it('api job JOB VERSION prints the version', async () => {
    const c = cli();
    c.pool
      .intercept({ path: v1('/training-jobs/10/versions/10'), method: 'GET' })
      .reply(200, fixture('version-detail.json'));
    expect(await c.run('api', 'job', '10', '10')).toBe(0);
    expect(c.out()).toMatch(/job\s+10 TestModelArtsJob/);
    expect(c.out()).toMatch(/status\s+🟢 completed/);
    expect(c.out()).toMatch(/gpus\s+2 × P100/);
    expect(c.err()).toBe('');
  });

  it('api job JOB lists the versions', async () => {
    const c = cli();
    c.pool
      .intercept({ path: v1('/training-jobs/10/versions'), method: 'GET' })
      .reply(200, fixture('training-job-versions.json'));
    expect(await c.run('api', 'job', '10')).toBe(0);
    expect(c.out()).toContain('jobVersion');
  });

  it('api jobs --json prints the normalised list; --status with a category filters', async () => {
    const c = cli();
    c.pool.intercept({ path: v1('/training-jobs'), method: 'GET' }).reply(200, fixture('training-jobs.json'));
    expect(await c.run('api', 'jobs', '--json', '--status', 'running')).toBe(0);
    const parsed = JSON.parse(c.out());
    expect(parsed.jobs.map((j: { job_id: number }) => j.job_id)).toEqual([11]);
  });

  it('api jobs --status with one code passes it to the API', async () => {
    const c = cli();
    c.pool.intercept({ path: v1('/training-jobs?status=11'), method: 'GET' }).reply(200, '{"jobs":[]}');
    expect(await c.run('api', 'jobs', '--status', 'JOBSTAT_FAILED')).toBe(0);
    expect(c.out()).toContain('0 shown, 0 in total');
  });

  it('api tasks --page 2 sends offset 1 (page index)', async () => {
    const c = cli();
    c.pool
      .intercept({ path: v2('/processor-tasks?offset=1&limit=5'), method: 'GET' })
      .reply(200, fixture('processor-tasks.json'));
    expect(await c.run('api', 'tasks', '--page', '2', '--limit', '5')).toBe(0);
    expect(c.out()).toContain('ddwRJeTnjpiq4dNUZOq');
  });

  it('api logs JOB VERSION reads the first log file', async () => {
    const c = cli();
    c.pool
      .intercept({ path: v1('/training-jobs/10/versions/10/log/file-names'), method: 'GET' })
      .reply(200, fixture('log-file-names.json'));
    c.pool
      .intercept({ path: v1('/training-jobs/10/versions/10/aom-log?log_file=job-a1b2c3.0'), method: 'GET' })
      .reply(200, fixture('aom-log.json'));
    expect(await c.run('api', 'logs', '10', '10')).toBe(0);
    expect(c.out()).toBe('Epoch 1/10 loss=0.42');
  });

  it('api configs, api viz and api versions work', async () => {
    const c = cli();
    c.pool
      .intercept({ path: v1('/training-job-configs'), method: 'GET' })
      .reply(200, fixture('training-job-configs.json'));
    c.pool
      .intercept({ path: v1('/visualization-jobs/197'), method: 'GET' })
      .reply(200, fixture('visualization-job.json'));
    c.pool
      .intercept({ path: v1('/training-jobs/versions'), method: 'GET' })
      .reply(200, fixture('job-version-statuses.json'));
    expect(await c.run('api', 'configs')).toBe(0);
    expect(await c.run('api', 'viz', '197')).toBe(0);
    expect(await c.run('api', 'versions')).toBe(0);
    expect(c.out()).toContain('testConfig');
    expect(c.out()).toContain('tensorboard');
    expect(c.out()).toContain('modelarts.p1.2xlarge');
  });

  it.each([
    [['api', 'job', '../1', '2'], /is not a training job id/],
    [['api', 'job'], /usage: api job JOB \[VERSION\]/],
    [['api', 'jobs', '--bogus'], /Unknown option '--bogus'/],
    [['api', 'jobs', '--status', 'runing'], /unknown status "runing"/],
    [['api', 'jobs', '--page', 'x'], /--page must be a whole number/],
    [['api', 'nope'], /unknown api command "nope"/],
    [['nope'], /unknown command "nope"/],
    [['api', 'task', 'a/b'], /is not a processing task id/],
  ])('bad input %j → one line on stderr, exit 1, no request', async (argv, message) => {
    const c = cli();
    expect(await c.run(...argv)).toBe(1);
    expect(c.errLines()).toHaveLength(1);
    expect(c.err()).toMatch(message);
    expect(c.err()).not.toMatch(/\n/);
    expect(c.requests()).toBe(0);
  });

  it('missing configuration names the variables (not Slack ones), exit 1', async () => {
    const c = cli({ MODELARTS_ENDPOINT: 'ftp://x', DATABASE_URL: 'mysql://nope' });
    expect(await c.run('api', 'jobs')).toBe(1);
    expect(c.err()).toMatch(/MODELARTS_ENDPOINT must be an https:\/\/ URL/);
    expect(c.err()).toMatch(/MODELARTS_PROJECT_ID/);
    expect(c.err()).not.toMatch(/SLACK|DATABASE_URL/);
  });

  it('a ModelArts failure is one line, exit 2, without the token', async () => {
    const c = cli();
    c.pool
      .intercept({ path: v1('/training-jobs'), method: 'GET' })
      .reply(401, JSON.stringify({ error_code: 'APIG.0301', error_msg: `bad token ${TOKEN}` }));
    expect(await c.run('api', 'jobs')).toBe(2);
    expect(c.errLines()).toHaveLength(1);
    expect(c.err()).toMatch(/rejected the bot's credentials \(APIG\.0301\)/);
    expect(c.err()).not.toContain(TOKEN);
  });

  it('the all-versions endpoint switched off points to api jobs', async () => {
    const c = cli();
    c.pool
      .intercept({ path: v1('/training-jobs/versions'), method: 'GET' })
      .reply(404, '{"error_code":"APIG.0101","error_msg":"The API does not exist"}');
    expect(await c.run('api', 'versions')).toBe(1);
    expect(c.err()).toContain('use `api jobs` instead');
  });

  it('an upstream error message cannot put terminal control sequences on the operator’s screen', async () => {
    const c = cli();
    c.pool
      .intercept({ path: v1('/training-jobs/10/versions/10'), method: 'GET' })
      .reply(403, JSON.stringify({ error_code: 'ModelArts.0210', error_msg: 'denied \u001b[2J\u001b]0;owned\u0007' }));
    expect(await c.run('api', 'job', '10', '10')).toBe(2);
    expect(c.err()).toContain('denied');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that none get through
    expect(c.err()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('help goes to stdout with exit 0; no arguments print usage to stderr with exit 1', async () => {
    const c = cli();
    expect(await c.run('api', 'help')).toBe(0);
    expect(c.out()).toContain('api logs JOB VERSION');
    expect(await c.run()).toBe(1);
    expect(c.err()).toContain('Usage: modelarts-chatops');
  });
});
