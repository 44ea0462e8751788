/**
 * The response size cap at unit level (announced by Content-Length, or passed while reading) and run-time secrets:
 * every IAM token the provider obtains is handed to `onSecret` before it is used. The cap over real HTTP, with memory
 * measured, is in test/integration/response-cap.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadModelArtsConfig } from '../../src/config.js';
import { ResponseTooLargeError } from '../../src/modelarts/index.js';
import { type Harness, harness, IAM_ORIGIN, iamReply, v1, v2 } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.api.close();
  await h?.agent.close();
  h = undefined;
});

const ID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';
const PREVIEW = v2(`/training-jobs/${ID}/tasks/worker-0/logs/preview`);

describe('MODELARTS_MAX_RESPONSE_BYTES', () => {
  it('defaults to 8 MiB and takes 64 KiB to 1 GiB', () => {
    const base = { MODELARTS_ENDPOINT: 'https://x.example', MODELARTS_PROJECT_ID: 'p', MODELARTS_AUTH_TOKEN: 't' };
    expect(loadModelArtsConfig(base).maxResponseBytes).toBe(8 * 1024 * 1024);
    expect(loadModelArtsConfig({ ...base, MODELARTS_MAX_RESPONSE_BYTES: '65536' }).maxResponseBytes).toBe(65536);
    expect(() => loadModelArtsConfig({ ...base, MODELARTS_MAX_RESPONSE_BYTES: '1000' })).toThrow(
      /MODELARTS_MAX_RESPONSE_BYTES must be a whole number from 65536 to 1073741824/,
    );
  });

  it('a Content-Length over the cap fails at once, with the sentence for the user, and is not retried', async () => {
    h = harness({ maxResponseBytes: 1000 });
    h.pool
      .intercept({ path: PREVIEW, method: 'GET' })
      .reply(200, `{"content":"${'x'.repeat(5000)}"}`, { headers: { 'content-length': '5013' } });
    const err = await h.api.getTaskLogPreview(ID, 'worker-0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err).toMatchObject({ declaredBytes: 5013, maxBytes: 1000 });
    expect((err as ResponseTooLargeError).userMessage).toBe(
      'ModelArts sent an answer larger than 1000 bytes for GET /v2/{project_id}/training-jobs/{training_job_id}/tasks/{task_id}/logs/preview; the bot stopped reading it',
    );
    expect(h.calls()).toHaveLength(1);
  });

  it('a body without Content-Length fails when reading passes the cap', async () => {
    h = harness({ maxResponseBytes: 64 * 1024 });
    h.pool.intercept({ path: v1('/training-jobs'), method: 'GET' }).reply(200, `{"jobs":[${'1,'.repeat(40_000)}1]}`);
    const err = await h.api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err).toMatchObject({ declaredBytes: null });
    expect((err as ResponseTooLargeError).userMessage).toMatch(/larger than 64 KiB/);
  });

  it('an answer exactly at the cap is read', async () => {
    const body = '{"is_success":true,"jobs":[]}';
    h = harness({ maxResponseBytes: Buffer.byteLength(body) });
    h.pool.intercept({ path: v1('/training-jobs'), method: 'GET' }).reply(200, body);
    await expect(h.api.listTrainingJobs()).resolves.toMatchObject({ jobs: [] });
  });
});

describe('onSecret', () => {
  it('hears every IAM token obtained, before it is sent anywhere', async () => {
    const heard: string[] = [];
    h = harness({
      auth: {
        mode: 'password',
        authUrl: `${IAM_ORIGIN}/v3`,
        username: 'u',
        password: 'secret-password',
        userDomainName: 'd',
        projectName: 'eu-de',
      },
      onSecret: (secret) => heard.push(secret),
    });
    iamReply(h, 'iam-token-one');
    iamReply(h, 'iam-token-two');
    h.pool
      .intercept({ path: v1('/training-jobs'), method: 'GET', headers: { 'x-auth-token': 'iam-token-one' } })
      .reply(401, '{"error_code":"APIG.0307","error_msg":"The token must be updated."}');
    h.pool
      .intercept({ path: v1('/training-jobs'), method: 'GET', headers: { 'x-auth-token': 'iam-token-two' } })
      .reply(200, '{"jobs":[]}');
    await h.api.listTrainingJobs();
    expect(heard).toEqual(['iam-token-one', 'iam-token-two']);
  });
});
