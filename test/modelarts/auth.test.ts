import { afterEach, describe, expect, it } from 'vitest';
import type { ModelArtsAuthConfig } from '../../src/config.js';
import {
  AuthenticationError,
  BadRequestError,
  type LoggerLike,
  ModelArtsError,
  verifyRequestSignature,
} from '../../src/modelarts/index.js';
import { type Harness, harness, IAM_ORIGIN, iamReply, ORIGIN, PROJECT, TOKEN, v1 } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.api.close();
  await h?.agent.close();
  h = undefined;
});

const JOBS = v1('/training-jobs');
const OK = '{"is_success":true,"job_total_count":0,"jobs":[]}';
const PASSWORD = 'correct-horse-battery-staple';
const PASSWORD_AUTH: ModelArtsAuthConfig = {
  mode: 'password',
  authUrl: `${IAM_ORIGIN}/v3`,
  username: 'bot-user',
  password: PASSWORD,
  userDomainName: 'OTC00000000001000000xxx',
  projectName: 'eu-de_ml',
};
const HOUR = 3_600_000;

const iamCalls = (h: Harness) => h.calls().filter((c) => c.fullUrl.startsWith(IAM_ORIGIN));
const maCalls = (h: Harness) => h.calls().filter((c) => c.fullUrl.startsWith(ORIGIN));

describe('IAM password tokens', () => {
  it('POSTs a project-scoped password request and sends the token as X-Auth-Token', async () => {
    const clock = Date.UTC(2026, 0, 1);
    h = harness({ auth: PASSWORD_AUTH, now: () => clock });
    iamReply(h, 'iam-token-1', { issuedAt: clock });
    h.pool.intercept({ path: JOBS, method: 'GET', headers: { 'x-auth-token': 'iam-token-1' } }).reply(200, OK);
    await h.api.listTrainingJobs();
    const history = h.agent.getCallHistory()?.calls() ?? [];
    const iam = history.find((c) => c.origin === IAM_ORIGIN);
    expect(iam?.method).toBe('POST');
    expect(JSON.parse(String(iam?.body))).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'bot-user', password: PASSWORD, domain: { name: 'OTC00000000001000000xxx' } } },
        },
        scope: { project: { name: 'eu-de_ml' } },
      },
    });
  });

  it('scopes by project id when one is configured', async () => {
    const clock = Date.UTC(2026, 0, 1);
    h = harness({ auth: { ...PASSWORD_AUTH, projectName: undefined, projectId: PROJECT }, now: () => clock });
    iamReply(h, 'iam-token-1', { issuedAt: clock });
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(200, OK);
    await h.api.listTrainingJobs();
    const iam = (h.agent.getCallHistory()?.calls() ?? []).find((c) => c.origin === IAM_ORIGIN);
    expect(JSON.parse(String(iam?.body)).auth.scope).toEqual({ project: { id: PROJECT } });
  });

  it('caches the token, and renews it shortly before expires_at', async () => {
    let clock = Date.UTC(2026, 0, 1);
    h = harness({ auth: PASSWORD_AUTH, now: () => clock, tokenRefreshMarginMs: 5 * 60_000 });
    iamReply(h, 'iam-token-1', { issuedAt: clock });
    h.pool
      .intercept({ path: JOBS, method: 'GET', headers: { 'x-auth-token': 'iam-token-1' } })
      .reply(200, OK)
      .times(2);
    await h.api.listTrainingJobs();
    clock += 23 * HOUR;
    await h.api.listTrainingJobs();
    expect(iamCalls(h)).toHaveLength(1);

    clock += 56 * 60_000; // 4 minutes before expiry: inside the margin
    iamReply(h, 'iam-token-2', { issuedAt: clock });
    h.pool.intercept({ path: JOBS, method: 'GET', headers: { 'x-auth-token': 'iam-token-2' } }).reply(200, OK);
    await h.api.listTrainingJobs();
    expect(iamCalls(h)).toHaveLength(2);
    h.agent.assertNoPendingInterceptors();
  });

  it('one token request in flight however many calls need it', async () => {
    const clock = Date.UTC(2026, 0, 1);
    h = harness({ auth: PASSWORD_AUTH, now: () => clock });
    iamReply(h, 'iam-token-1', { issuedAt: clock });
    h.pool
      .intercept({ path: JOBS, method: 'GET', headers: { 'x-auth-token': 'iam-token-1' } })
      .reply(200, OK)
      .times(5);
    const api = h.api;
    await Promise.all(Array.from({ length: 5 }, () => api.listTrainingJobs()));
    expect(iamCalls(h)).toHaveLength(1);
    expect(maCalls(h)).toHaveLength(5);
  });

  it('ModelArts says the token expired: refresh once and retry once', async () => {
    const clock = Date.UTC(2026, 0, 1);
    h = harness({ auth: PASSWORD_AUTH, now: () => clock });
    iamReply(h, 'iam-token-1', { issuedAt: clock });
    iamReply(h, 'iam-token-2', { issuedAt: clock });
    h.pool
      .intercept({ path: JOBS, method: 'GET', headers: { 'x-auth-token': 'iam-token-1' } })
      .reply(401, '{"error_code":"ModelArts.0202","error_msg":"The token has expired."}');
    h.pool.intercept({ path: JOBS, method: 'GET', headers: { 'x-auth-token': 'iam-token-2' } }).reply(200, OK);
    await expect(h.api.listTrainingJobs()).resolves.toBeTruthy();
    expect(iamCalls(h)).toHaveLength(2);
    expect(maCalls(h)).toHaveLength(2);
    expect(h.sleeps).toEqual([]);
  });

  it('an expired-token answer twice in a row is an AuthenticationError, not a loop', async () => {
    const clock = Date.UTC(2026, 0, 1);
    h = harness({ auth: PASSWORD_AUTH, now: () => clock });
    iamReply(h, 'iam-token-1', { issuedAt: clock });
    iamReply(h, 'iam-token-2', { issuedAt: clock });
    h.pool
      .intercept({ path: JOBS, method: 'GET' })
      .reply(401, '{"error_code":"APIG.0307","error_msg":"The token must be updated."}')
      .times(2);
    const err = await h.api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).tokenExpired).toBe(true);
    expect(iamCalls(h)).toHaveLength(2);
    expect(maCalls(h)).toHaveLength(2);
  });

  it('IAM rejecting the password is an AuthenticationError without the password in it', async () => {
    h = harness({ auth: PASSWORD_AUTH });
    h.agent
      .get(IAM_ORIGIN)
      .intercept({ path: '/v3/auth/tokens?nocatalog=true', method: 'POST' })
      .reply(
        401,
        JSON.stringify({ error: { code: 401, message: `The password ${PASSWORD} is wrong`, title: 'Unauthorized' } }),
      );
    const err = (await h.api.listTrainingJobs().catch((e: unknown) => e)) as AuthenticationError;
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.endpoint).toBe('POST /v3/auth/tokens');
    expect(err.userMessage).toContain('IAM rejected');
    expect(`${err.message} ${err.userMessage} ${err.errorMessage} ${JSON.stringify(err)}`).not.toContain(PASSWORD);
    expect(maCalls(h)).toHaveLength(0);
  });
});

describe('static token', () => {
  it('sends X-Auth-Token and does not retry an expired static token', async () => {
    h = harness({ auth: { mode: 'token', token: TOKEN } });
    h.pool
      .intercept({ path: JOBS, method: 'GET', headers: { 'x-auth-token': TOKEN } })
      .reply(401, '{"error_code":"ModelArts.0202","error_msg":"expired"}');
    await expect(h.api.listTrainingJobs()).rejects.toBeInstanceOf(AuthenticationError);
    expect(h.calls()).toHaveLength(1);
  });
});

describe('AK/SK signing', () => {
  const SK = 'sk-VERY-secret-0123456789abcdef';
  it('signs host;x-project-id;x-sdk-date (+x-security-token) and the simulator-side verifier accepts it', async () => {
    const clock = Date.UTC(2026, 0, 2, 3, 4, 5);
    h = harness({
      auth: { mode: 'aksk', accessKey: 'MYACCESSKEY', secretKey: SK, securityToken: 'temp-security-token-xyz' },
      now: () => clock,
    });
    h.pool.intercept({ path: (p) => p.startsWith(JOBS), method: 'GET' }).reply(200, OK);
    await h.api.listTrainingJobs({ search_content: 'a b', per_page: 5 });
    const call = (h.agent.getCallHistory()?.calls() ?? [])[0];
    const headers = call?.headers as Record<string, string>;
    expect(headers['x-sdk-date']).toBe('20260102T030405Z');
    expect(headers['x-project-id']).toBe(PROJECT);
    expect(headers['x-security-token']).toBe('temp-security-token-xyz');
    expect(headers.authorization).toMatch(
      /^SDK-HMAC-SHA256 Access=MYACCESSKEY, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, Signature=[0-9a-f]{64}$/,
    );
    const url = `${call?.path}${new URL(call?.fullUrl ?? '').search}`;
    const verdict = verifyRequestSignature(
      { method: 'GET', url, headers },
      (ak) => (ak === 'MYACCESSKEY' ? SK : undefined),
      { now: new Date(clock) },
    );
    expect(verdict).toEqual({ ok: true, accessKey: 'MYACCESSKEY' });
    expect(JSON.stringify(headers)).not.toContain(SK);
  });
});

describe('secrets never reach errors or logs', () => {
  it('upstream text echoing a credential is scrubbed from errors and retry logs', async () => {
    const SECRET_TOKEN = 'tok-ABCDEF-0123456789-secret';
    const lines: string[] = [];
    const logger: LoggerLike = {
      debug: (obj, msg) => lines.push(JSON.stringify(obj), msg ?? ''),
      warn: (obj, msg) => lines.push(JSON.stringify(obj), msg ?? ''),
    };
    h = harness({ auth: { mode: 'token', token: SECRET_TOKEN }, logger });
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(503, `backend failed for token ${SECRET_TOKEN}`);
    h.pool
      .intercept({ path: JOBS, method: 'GET' })
      .reply(
        400,
        JSON.stringify({ is_success: false, error_code: 'ModelArts.0104', error_message: `bad ${SECRET_TOKEN}` }),
      );
    const err = (await h.api.listTrainingJobs().catch((e: unknown) => e)) as BadRequestError;
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.errorMessage).toBe('bad [REDACTED]');
    const everything = [err.message, err.userMessage, JSON.stringify(err), String(err.stack), ...lines].join('\n');
    expect(everything).not.toContain(SECRET_TOKEN);
    expect(lines.length).toBeGreaterThan(0);
  });

  it('unparseable bodies echoing the secret key do not leak it through ResponseParseError', async () => {
    const SK = 'sk-LEAKY-0123456789abcdef';
    h = harness({ auth: { mode: 'aksk', accessKey: 'AK', secretKey: SK } });
    h.pool.intercept({ path: JOBS, method: 'GET' }).reply(200, `{"oops": ${SK}}`);
    const err = (await h.api.listTrainingJobs().catch((e: unknown) => e)) as ModelArtsError;
    expect(err).toBeInstanceOf(ModelArtsError);
    expect(`${err.message} ${err.userMessage} ${JSON.stringify(err)} ${String(err.cause)}`).not.toContain(SK);
  });
});
