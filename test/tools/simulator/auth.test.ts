import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSdkDate, signRequest } from '../../../src/modelarts/auth/signer.js';
import { type Simulator, startSimulator } from '../../../tools/simulator/index.js';
import { asRecord, get, raw, signedGet } from './helpers.js';

let authNow = Date.now();
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ generatedJobs: 2, authClock: () => authNow, auth: { tokenTtlMs: 60 * 60 * 1000 } });
});
afterAll(async () => {
  await sim.close();
});

function tokenRequest(overrides: { name?: string; password?: string; domain?: string; scope?: unknown } = {}) {
  const user = sim.credentials.iamUsers[0]!;
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: {
            name: overrides.name ?? user.name,
            password: overrides.password ?? user.password,
            domain: { name: overrides.domain ?? user.domain },
          },
        },
      },
      ...(overrides.scope === null
        ? {}
        : { scope: overrides.scope ?? { project: { name: sim.credentials.projectName } } }),
    },
  };
}

async function issue(body: unknown, query = '?nocatalog=true') {
  return raw(sim, `/v3/auth/tokens${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf8' },
    body: JSON.stringify(body),
  });
}

describe('AK/SK signatures', () => {
  it('POST: the signature covers the body; the v2 search signed over other bytes is refused', async () => {
    const url = new URL(`${sim.url}/v2/${sim.projectId}/training-job-searches`);
    const signed = '{"limit":5,"filters":[{"key":"name","operator":"like","value":["ü \\"x\\""]}]}';
    const headers: Record<string, string> = {
      host: url.host,
      'content-type': 'application/json',
      'x-sdk-date': formatSdkDate(new Date()),
      'x-project-id': sim.projectId,
    };
    const { authorization } = signRequest(
      { method: 'POST', url, headers, body: signed },
      { accessKey: sim.credentials.accessKey, secretKey: sim.credentials.secretKey },
      { signedHeaders: Object.keys(headers) },
    );
    const { host: _host, ...sent } = headers;
    const post = (body: string) => fetch(url, { method: 'POST', headers: { ...sent, authorization }, body });
    expect((await post(signed)).status).toBe(200);
    const tampered = await post(signed.replace('"limit":5', '"limit":6'));
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ error_code: 'APIG.0301' });
  });

  it('accepts a correctly signed request', async () => {
    const res = await signedGet(sim, '/v1/{p}/training-jobs/10/versions/10');
    expect(res.status).toBe(200);
    expect(asRecord(res.json).job_id).toBe(10);
  });

  it('verifies query strings, including encoded and repeated values', async () => {
    const res = await signedGet(
      sim,
      '/v2/{p}/processor-tasks?version_id=J4Eh2FDEWH1qnDlD3hQ%2CXwTuRqI9En7xuZskW70&task_name=V%20001&limit=5',
    );
    expect(res.status).toBe(200);
  });

  it('rejects a request signed with the wrong secret key with 401 APIG.0301', async () => {
    const res = await signedGet(sim, '/v1/{p}/training-jobs', { secretKey: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({
      error_msg: expect.stringContaining('verify aksk signature fail'),
      error_code: 'APIG.0301',
      request_id: res.headers.get('x-request-id'),
    });
  });

  it('rejects a request altered after signing (query changed)', async () => {
    const res = await signedGet(sim, '/v1/{p}/training-jobs?per_page=5', {
      tamper: (url) => url.searchParams.set('per_page', '500'),
    });
    expect(res.status).toBe(401);
    expect(asRecord(res.json).error_code).toBe('APIG.0301');
  });

  it('rejects a stale X-Sdk-Date (more than 15 minutes off) with 401 APIG.0303, accepts 14 minutes', async () => {
    const stale = await signedGet(sim, '/v1/{p}/training-jobs', { date: new Date(authNow - 16 * 60 * 1000) });
    expect(stale.status).toBe(401);
    expect(asRecord(stale.json).error_code).toBe('APIG.0303');
    const future = await signedGet(sim, '/v1/{p}/training-jobs', { date: new Date(authNow + 16 * 60 * 1000) });
    expect(future.status).toBe(401);
    const ok = await signedGet(sim, '/v1/{p}/training-jobs', { date: new Date(authNow - 14 * 60 * 1000) });
    expect(ok.status).toBe(200);
  });

  it('rejects an unknown access key and a malformed Authorization header', async () => {
    expect((await signedGet(sim, '/v1/{p}/training-jobs', { accessKey: 'OTHERKEY' })).status).toBe(401);
    const res = await get(sim, '/v1/{p}/training-jobs', { 'x-auth-token': '', authorization: 'Basic Zm9vOmJhcg==' });
    expect(res.status).toBe(401);
    expect(asRecord(res.json).error_code).toBe('APIG.0301');
  });

  it('answers 403 ModelArts.0210 when the signed X-Project-Id differs from the URL project', async () => {
    const res = await signedGet(sim, '/v1/{p}/training-jobs', { projectHeader: 'another-project' });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ is_success: false, error_code: 'ModelArts.0210' });
  });
});

describe('tokens', () => {
  it('accepts the static token and rejects a missing or unknown one with 401 in the gateway shape', async () => {
    expect((await get(sim, '/v1/{p}/training-job-configs')).status).toBe(200);
    const missing = await raw(sim, '/v1/{p}/training-job-configs');
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({
      error_msg: expect.any(String),
      error_code: 'APIG.0301',
      request_id: expect.any(String),
    });
    expect((await get(sim, '/v1/{p}/training-job-configs', { 'x-auth-token': 'MIIforged' })).status).toBe(401);
  });

  it('answers 403 ModelArts.0210 for a project that is not the token’s, in the v1 and v2 shapes', async () => {
    const v1 = await get(sim, '/v1/other-project/training-jobs');
    expect(v1.status).toBe(403);
    expect(v1.json).toEqual({ is_success: false, error_code: 'ModelArts.0210', error_message: expect.any(String) });
    const v2 = await get(sim, '/v2/other-project/processor-tasks');
    expect(v2.status).toBe(403);
    expect(v2.json).toEqual({ error_code: 'ModelArts.0210', error_msg: expect.any(String) });
  });
});

describe('IAM POST /v3/auth/tokens', () => {
  it('issues a project-scoped token: 201, X-Subject-Token, token.expires_at; the token works', async () => {
    const before = sim.tokensIssued();
    const res = await issue(tokenRequest());
    expect(res.status).toBe(201);
    const token = res.headers.get('x-subject-token');
    expect(token).toMatch(/^MII/);
    const body = asRecord(asRecord(res.json).token);
    expect(Date.parse(body.expires_at as string)).toBe(authNow + 60 * 60 * 1000);
    expect(body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(body.project).toMatchObject({ id: sim.projectId, name: sim.credentials.projectName });
    expect(body.methods).toEqual(['password']);
    expect(body).not.toHaveProperty('catalog');
    expect(sim.tokensIssued()).toBe(before + 1);
    const use = await get(sim, '/v1/{p}/training-jobs', { 'x-auth-token': token! });
    expect(use.status).toBe(200);
  });

  it('scopes by project id too and includes the catalog without nocatalog', async () => {
    const res = await issue(tokenRequest({ scope: { project: { id: sim.projectId } } }), '');
    expect(res.status).toBe(201);
    const catalog = asRecord(asRecord(res.json).token).catalog as Array<{ type: string }>;
    expect(catalog.map((c) => c.type)).toContain('modelarts');
  });

  it('rejects a wrong password, user or domain with 401 and an unknown project scope', async () => {
    for (const overrides of [{ password: 'wrong' }, { name: 'mallory' }, { domain: 'other-domain' }]) {
      const res = await issue(tokenRequest(overrides));
      expect(res.status).toBe(401);
      expect(res.headers.get('x-subject-token')).toBeNull();
      expect(res.json).toEqual({ error: { code: 401, message: expect.any(String), title: 'Unauthorized' } });
    }
    expect((await issue(tokenRequest({ scope: { project: { name: 'eu-nl_other' } } }))).status).toBe(401);
    const bad = await raw(sim, '/v3/auth/tokens', { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
  });

  it('issues an unscoped token that ModelArts rejects for lacking a project (ModelArts.0212)', async () => {
    const res = await issue(tokenRequest({ scope: null }));
    expect(res.status).toBe(201);
    const use = await get(sim, '/v1/{p}/training-jobs', { 'x-auth-token': res.headers.get('x-subject-token')! });
    expect(use.status).toBe(401);
    expect(asRecord(use.json).error_code).toBe('ModelArts.0212');
  });

  it('expires tokens after their lifetime and on revocation with 401 APIG.0307', async () => {
    const token = (await issue(tokenRequest())).headers.get('x-subject-token')!;
    const second = (await issue(tokenRequest())).headers.get('x-subject-token')!;
    expect((await get(sim, '/v1/{p}/training-jobs', { 'x-auth-token': token })).status).toBe(200);
    expect(sim.revokeTokens(token)).toBe(1);
    const revoked = await get(sim, '/v1/{p}/training-jobs', { 'x-auth-token': token });
    expect(revoked.status).toBe(401);
    expect(asRecord(revoked.json).error_code).toBe('APIG.0307');
    expect((await get(sim, '/v1/{p}/training-jobs', { 'x-auth-token': second })).status).toBe(200);
    const saved = authNow;
    authNow += 60 * 60 * 1000;
    try {
      const expired = await get(sim, '/v1/{p}/training-jobs', { 'x-auth-token': second });
      expect(expired.status).toBe(401);
      expect(asRecord(expired.json).error_code).toBe('APIG.0307');
    } finally {
      authNow = saved;
    }
  });
});

describe('temporary AK/SK', () => {
  it('requires the configured X-Security-Token', async () => {
    const own = await startSimulator({ generatedJobs: 0, auth: { securityToken: 'temp-token' } });
    try {
      const without = await signedGet(own, '/v1/{p}/training-jobs');
      expect(without.status).toBe(401);
      expect(asRecord(without.json).error_code).toBe('APIG.0301');
      expect((await signedGet(own, '/v1/{p}/training-jobs', { securityToken: 'other' })).status).toBe(401);
      expect((await signedGet(own, '/v1/{p}/training-jobs', { securityToken: 'temp-token' })).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});
