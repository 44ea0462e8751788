/**
 * v1 answers shaped like the API pages (and the gateways of both clouds), which the layer used to misread: versions of
 * a job without `job_id` in their items, the all-versions listing switched off in four different ways, Huawei's
 * `APIGW.` codes, a revoked IAM token, a token scoped to another project, and the processor-task not-found codes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelArtsAuthConfig } from '../../src/config.js';
import {
  ApiUnavailableError,
  AuthenticationError,
  BadRequestError,
  EndpointNotFoundError,
  errorFromResponse,
  isApiUnavailable,
  NotFoundError,
  PermissionDeniedError,
  ProjectMismatchError,
  RateLimitError,
} from '../../src/modelarts/index.js';
import {
  fixture,
  type Harness,
  harness,
  IAM_ORIGIN,
  iamReply,
  JSON_HEADERS,
  ORIGIN,
  PROJECT,
  v1,
  v2,
} from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.api.close();
  await h?.agent.close();
  h = undefined;
});

describe('versions of a job, as the API page shows them (no job_id in the items)', () => {
  it('fills job_id (and job_name/job_desc) of every item from the answer and the path', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/training-jobs/10/versions'), method: 'GET' })
      .reply(200, fixture('training-job-versions.doc.json'), { headers: JSON_HEADERS });
    const list = await h.api.listTrainingJobVersions(10);
    expect(list.job_id).toBe(10);
    expect(list.versions).toHaveLength(1);
    expect(list.versions[0]).toMatchObject({
      job_id: 10,
      job_name: 'testModelArtsJob',
      job_desc: 'testModelArtsJob desc',
      version_id: 10,
      status: 10,
    });
    expect(list.dropped).toBe(0);
  });

  it('takes the job id from the path when the envelope lacks it too', async () => {
    h = harness();
    const doc = JSON.parse(fixture('training-job-versions.doc.json')) as Record<string, unknown>;
    delete doc.job_id;
    h.pool.intercept({ path: v1('/training-jobs/77/versions'), method: 'GET' }).reply(200, JSON.stringify(doc));
    const list = await h.api.listTrainingJobVersions(77);
    expect(list.job_id).toBe(77);
    expect(list.versions[0]?.job_id).toBe(77);
  });
});

describe('the all-versions listing is unavailable, however the gateway says it', () => {
  const ALL = v1('/training-jobs/versions');
  it.each([
    ['OTC gateway: 404 APIG.0101', 404, '{"error_code":"APIG.0101","error_msg":"The API does not exist"}'],
    ['Huawei gateway: 404 APIGW.0101', 404, '{"error_code":"APIGW.0101","error_msg":"The API does not exist"}'],
    ['405 Method Not Allowed', 405, ''],
    ['a bare 404', 404, 'Not Found'],
    [
      '400 ModelArts.2775 from the listing',
      400,
      '{"is_success":false,"error_code":"ModelArts.2775","error_message":"x"}',
    ],
    ['404 ModelArts.4204', 404, '{"error_code":"ModelArts.4204","error_msg":"API not exist"}'],
  ])('%s → EndpointNotFoundError', async (_name, status, body) => {
    h = harness();
    h.pool.intercept({ path: ALL, method: 'GET' }).reply(status, body);
    const err = await h.api.listJobVersionStatuses().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointNotFoundError);
    // One endpoint gone is not the whole v1 API gone.
    expect(isApiUnavailable(err, 'v1')).toBe(false);
  });

  it('a bare 404 or a 2775 on a version detail still means "that job does not exist"', async () => {
    h = harness();
    h.pool.intercept({ path: v1('/training-jobs/1/versions/2'), method: 'GET' }).reply(404, 'Not Found');
    h.pool
      .intercept({ path: v1('/training-jobs/1/versions/3'), method: 'GET' })
      .reply(400, '{"is_success":false,"error_code":"ModelArts.2775","error_message":"x"}');
    for (const version of [2, 3]) {
      const err = await h.api.getTrainingJobVersion(1, version).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err).not.toBeInstanceOf(EndpointNotFoundError);
    }
  });
});

describe('the v1 training API unavailable on this account or region', () => {
  it.each([
    ['APIG.0101', v1('/training-jobs')],
    ['APIGW.0101', v1('/training-jobs')],
  ])('%s on the job list → ApiUnavailableError for v1', async (code, path) => {
    h = harness();
    h.pool
      .intercept({ path, method: 'GET' })
      .reply(404, JSON.stringify({ error_code: code, error_msg: 'no such API' }));
    const err = await h.api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiUnavailableError);
    expect(err).toBeInstanceOf(EndpointNotFoundError);
    expect(err).toMatchObject({ api: 'v1' });
    expect(isApiUnavailable(err, 'v1')).toBe(true);
    expect(isApiUnavailable(err, 'v2')).toBe(false);
    expect((err as ApiUnavailableError).userMessage).toMatch(/old-version \(v1\) training API is not available/);
  });

  it('on a version detail too, but not a plain not-found', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/training-jobs/1/versions/2'), method: 'GET' })
      .reply(404, '{"error_code":"APIG.0101","error_msg":"x"}');
    expect(isApiUnavailable(await h.api.getTrainingJobVersion(1, 2).catch((e: unknown) => e), 'v1')).toBe(true);
    h.pool.intercept({ path: v1('/training-jobs/1/versions/3'), method: 'GET' }).reply(404, '');
    expect(isApiUnavailable(await h.api.getTrainingJobVersion(1, 3).catch((e: unknown) => e), 'v1')).toBe(false);
  });
});

describe('Huawei gateway codes (APIGW.) read like OTC ones (APIG.)', () => {
  const EP = 'GET /v1/{project_id}/training-jobs';
  it.each([
    ['APIGW.0301', 401, AuthenticationError, false],
    ['APIGW.0303', 401, AuthenticationError, false],
    ['APIGW.0307', 401, AuthenticationError, true],
    ['APIGW.0302', 401, PermissionDeniedError, false],
    ['APIGW.0306', 403, PermissionDeniedError, false],
    ['APIGW.0308', 400, RateLimitError, false],
    ['APIGW.0101', 404, EndpointNotFoundError, false],
  ])('%s (HTTP %s) → %o', (code, status, type, expired) => {
    const err = errorFromResponse(status, { error_code: code, error_msg: 'x', request_id: 'r' }, {}, EP);
    expect(err).toBeInstanceOf(type);
    expect(err.errorCode).toBe(code);
    if (err instanceof AuthenticationError) expect(err.tokenExpired).toBe(expired);
  });
});

describe('processor-task not-found codes', () => {
  it.each(['ModelArts.4612', 'ModelArts.4338'])('%s → NotFoundError, not a refusal', async (code) => {
    h = harness();
    h.pool
      .intercept({ path: v2('/processor-tasks/abc'), method: 'GET' })
      .reply(400, JSON.stringify({ error_code: code, error_msg: 'The task does not exist.' }));
    const err = await h.api.getProcessorTask('abc').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).not.toBeInstanceOf(BadRequestError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// IAM

const PASSWORD_AUTH: ModelArtsAuthConfig = {
  mode: 'password',
  authUrl: `${IAM_ORIGIN}/v3`,
  username: 'bot-user',
  password: 'correct-horse-battery-staple',
  userDomainName: 'OTC00000000001000000xxx',
  projectName: 'eu-de_ml',
};
const JOBS = v1('/training-jobs');
const OK = '{"is_success":true,"job_total_count":0,"jobs":[]}';

const maCalls = (h: Harness) => h.calls().filter((c) => c.fullUrl.startsWith(ORIGIN));

describe('a revoked IAM token', () => {
  it.each([
    ['APIG.0301', 'Incorrect IAM authentication information: decrypt token fail'],
    ['APIGW.0301', 'Incorrect IAM authentication information: token revoked'],
    [null, 'Unauthorized'],
  ])('401 %s in password mode: one new token, one retry', async (code, message) => {
    h = harness({ auth: PASSWORD_AUTH });
    iamReply(h, 'iam-token-1');
    iamReply(h, 'iam-token-2');
    h.pool
      .intercept({ path: JOBS, method: 'GET', headers: { 'x-auth-token': 'iam-token-1' } })
      .reply(401, code ? JSON.stringify({ error_code: code, error_msg: message }) : message);
    h.pool.intercept({ path: JOBS, method: 'GET', headers: { 'x-auth-token': 'iam-token-2' } }).reply(200, OK);
    await expect(h.api.listTrainingJobs()).resolves.toMatchObject({ jobs: [] });
    expect(maCalls(h)).toHaveLength(2);
  });

  it('a static token is not retried on 401', async () => {
    h = harness();
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(401, '{"error_code":"APIGW.0301","error_msg":"x"}');
    await expect(h.api.listTrainingJobs()).rejects.toBeInstanceOf(AuthenticationError);
    expect(maCalls(h)).toHaveLength(1);
  });
});

describe('the IAM token project against MODELARTS_PROJECT_ID', () => {
  it('a token scoped to another project fails with a clear sentence and sends nothing to ModelArts', async () => {
    h = harness({ auth: PASSWORD_AUTH });
    iamReply(h, 'iam-token-1', { projectId: '0123456789abcdef0123456789abcdef' });
    const err = await h.api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProjectMismatchError);
    expect((err as ProjectMismatchError).userMessage).toBe(
      `The IAM token is for project 0123456789abcdef0123456789abcdef (OS_PROJECT_NAME eu-de_ml), but MODELARTS_PROJECT_ID is ${PROJECT}: set MODELARTS_PROJECT_ID to 0123456789abcdef0123456789abcdef or scope the token to ${PROJECT}`,
    );
    expect(maCalls(h)).toHaveLength(0);
  });
});

describe('v1 lists are parsed row by row: a bad row is dropped and counted, the others stay', () => {
  type Case = [string, string, string, (h: Harness) => Promise<{ dropped?: number } & Record<string, unknown>>];
  const cases: Case[] = [
    [
      'all-versions statuses',
      v1('/training-jobs/versions'),
      '{"total_count":3,"versions":[{"version_id":1,"status":8},{"version_id":2,"status":null},{"version_id":3,"status":10}]}',
      (h) => h.api.listJobVersionStatuses(),
    ],
    [
      'job list',
      v1('/training-jobs'),
      '{"job_total_count":3,"jobs":[{"job_id":1,"status":8},{"job_id":"x","status":8},{"job_id":3,"status":10}]}',
      (h) => h.api.listTrainingJobs(),
    ],
    [
      'versions of a job',
      v1('/training-jobs/10/versions'),
      '{"job_id":10,"versions":[{"version_id":1,"status":8},{"version_id":2},{"version_id":3,"status":10}]}',
      (h) => h.api.listTrainingJobVersions(10),
    ],
    [
      'visualization jobs',
      v1('/visualization-jobs'),
      '{"jobs":[{"job_id":1,"status":8},null,{"job_id":3,"status":7}]}',
      (h) => h.api.listVisualizationJobs(),
    ],
    [
      'processor tasks',
      v2('/processor-tasks'),
      '{"count":3,"tasks":[{"task_id":"a1","status":1},{"task_id":"","status":1},{"task_id":"c3","status":2}]}',
      (h) => h.api.listProcessorTasks(),
    ],
    [
      'configs',
      v1('/training-job-configs'),
      '{"configs":[{"config_name":"a"},{"config_name":null},{"config_name":"c"}]}',
      (h) => h.api.listTrainingJobConfigs(),
    ],
  ];
  it.each(cases)('%s', async (_name, path, body, call) => {
    const events: Array<{ droppedRows: number }> = [];
    h = harness({ onRequest: (e) => events.push(e) });
    h.pool.intercept({ path, method: 'GET' }).reply(200, body);
    const list = await call(h);
    const rows = Object.values(list).find(Array.isArray) as unknown[];
    expect(rows).toHaveLength(2);
    expect(list.dropped).toBe(1);
    expect(events).toEqual([expect.objectContaining({ droppedRows: 1 })]);
  });
});
