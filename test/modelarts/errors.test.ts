import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  EndpointNotFoundError,
  errorFromResponse,
  InvalidIdError,
  isRetryableError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../../src/modelarts/index.js';
import { type Harness, harness, v1, v2 } from './helpers.js';

const EP = 'GET /v1/{project_id}/training-jobs/{job_id}/versions/{version_id}';

describe('errorFromResponse', () => {
  it('v1 shape: error_code + error_message, HTTP 400 → BadRequestError', () => {
    const err = errorFromResponse(
      400,
      { is_success: false, error_message: 'Error string', error_code: 'ModelArts.0105' },
      { 'x-request-id': 'req-1' },
      EP,
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({
      status: 400,
      errorCode: 'ModelArts.0105',
      errorMessage: 'Error string',
      requestId: 'req-1',
      endpoint: EP,
    });
    expect(err.userMessage).toBe('ModelArts refused the request (ModelArts.0105): Error string');
  });

  it('v2 shape: error_code + error_msg', () => {
    const err = errorFromResponse(403, { error_code: 'ModelArts.4613', error_msg: 'not completed' }, {}, EP);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err.errorMessage).toBe('not completed');
  });

  it('APIG gateway shape: error_msg, error_code, request_id in the body', () => {
    const err = errorFromResponse(
      401,
      { error_msg: 'Incorrect IAM authentication information', error_code: 'APIG.0301', request_id: 'abc123' },
      {},
      EP,
    );
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ errorCode: 'APIG.0301', requestId: 'abc123' });
    expect((err as AuthenticationError).tokenExpired).toBe(false);
  });

  it('IAM / OpenStack shape: error.{code,message}', () => {
    const err = errorFromResponse(
      401,
      { error: { code: 401, title: 'Unauthorized', message: 'The username or password is wrong.' } },
      {},
      'POST /v3/auth/tokens',
    );
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.errorMessage).toBe('The username or password is wrong.');
  });

  it('ModelArts.2775 arrives as 400 but is a NotFoundError', () => {
    const err = errorFromResponse(400, { is_success: false, error_code: 'ModelArts.2775', error_message: 'x' }, {}, EP);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).not.toBeInstanceOf(EndpointNotFoundError);
  });

  it('plain 404 → NotFoundError; APIG.0101 and ModelArts.4204 (404) → EndpointNotFoundError', () => {
    expect(errorFromResponse(404, 'Not Found', {}, EP)).toBeInstanceOf(NotFoundError);
    const apig = errorFromResponse(404, { error_code: 'APIG.0101', error_msg: 'The API does not exist' }, {}, EP);
    expect(apig).toBeInstanceOf(EndpointNotFoundError);
    expect(apig).toBeInstanceOf(NotFoundError);
    expect(errorFromResponse(404, { error_code: 'ModelArts.4204' }, {}, EP)).toBeInstanceOf(EndpointNotFoundError);
    expect(errorFromResponse(400, { error_code: 'ModelArts.4204' }, {}, EP)).toBeInstanceOf(BadRequestError);
  });

  it.each([
    [429, null, null],
    [429, 'APIG.0308', '7'],
    [200, 'ModelArts.2799', null],
    [400, 'ModelArts.4206', null],
    [500, 'ModelArts.6101', null],
  ])('rate limiting: HTTP %s code %s → RateLimitError', (status, code, retryAfter) => {
    const err = errorFromResponse(
      status,
      code ? { error_code: code } : {},
      retryAfter ? { 'Retry-After': retryAfter } : {},
      EP,
    );
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).toBe(retryAfter ? 7000 : null);
  });

  it('Retry-After as an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    const err = errorFromResponse(429, {}, { 'retry-after': new Date(now + 3000).toUTCString() }, EP, now);
    expect((err as RateLimitError).retryAfterMs).toBe(3000);
  });

  it.each([
    ['ModelArts.0202', true],
    ['ModelArts.4127', true],
    ['APIG.0307', true],
    ['ModelArts.0201', false],
    ['ModelArts.0208', false],
  ])('auth code %s → AuthenticationError (tokenExpired %s)', (code, expired) => {
    const err = errorFromResponse(401, { error_code: code, error_msg: 'x' }, {}, EP);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).tokenExpired).toBe(expired);
  });

  it('403 with the AK/SK code 0206 is an authentication problem; 403 otherwise a permission one', () => {
    expect(errorFromResponse(403, { error_code: 'ModelArts.0206' }, {}, EP)).toBeInstanceOf(AuthenticationError);
    expect(errorFromResponse(403, { error_code: 'ModelArts.0108' }, {}, EP)).toBeInstanceOf(PermissionDeniedError);
    expect(errorFromResponse(403, 'Forbidden', {}, EP)).toBeInstanceOf(PermissionDeniedError);
  });

  it('5xx and 408 (backend timeout) → ServerError', () => {
    expect(errorFromResponse(503, '', {}, EP)).toBeInstanceOf(ServerError);
    expect(errorFromResponse(502, { error_code: 'APIG.0202' }, {}, EP)).toBeInstanceOf(ServerError);
    expect(errorFromResponse(408, { error_code: 'ModelArts.4205' }, {}, EP)).toBeInstanceOf(ServerError);
  });

  it('user messages are one line, and long upstream messages are cut', () => {
    const err = errorFromResponse(400, { error_code: 'X', error_msg: `line1\nline2 ${'y'.repeat(1000)}` }, {}, EP);
    expect(err.userMessage).not.toMatch(/\n/);
    expect(err.errorMessage?.length).toBeLessThanOrEqual(300);
    expect(err).toBeInstanceOf(ApiError);
  });
});

describe('error responses through the client', () => {
  let h: Harness;
  afterEach(async () => {
    await h.api.close();
    await h.agent.close();
  });

  it('is_success:false inside an HTTP 200 is an error (both are checked)', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/training-job-configs'), method: 'GET' })
      .reply(200, '{"is_success":false,"error_message":"Error string","error_code":"ModelArts.0105"}');
    const err = await h.api.listTrainingJobConfigs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({
      status: 200,
      errorCode: 'ModelArts.0105',
      endpoint: 'GET /v1/{project_id}/training-job-configs',
    });
  });

  it('2775 as 400 → NotFoundError, and the request id header is kept', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/training-jobs/42/versions/7'), method: 'GET' })
      .reply(400, '{"is_success":false,"error_code":"ModelArts.2775","error_message":"Training job not found"}', {
        headers: { 'x-request-id': 'r-42' },
      });
    const err = await h.api.getTrainingJobVersion(42, 7).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ requestId: 'r-42', errorMessage: 'Training job not found' });
  });

  it('the all-versions endpoint switched off (APIG.0101) → EndpointNotFoundError', async () => {
    h = harness();
    h.pool
      .intercept({ path: v1('/training-jobs/versions'), method: 'GET' })
      .reply(
        404,
        '{"error_msg":"The API does not exist or has not been published in the environment","error_code":"APIG.0101","request_id":"x"}',
      );
    await expect(h.api.listJobVersionStatuses()).rejects.toBeInstanceOf(EndpointNotFoundError);
  });

  it('v2 error on processor tasks → typed error with error_msg', async () => {
    h = harness();
    h.pool
      .intercept({ path: v2('/processor-tasks/abc'), method: 'GET' })
      .reply(404, '{"error_code":"ModelArts.4352","error_msg":"Task abc does not exist."}');
    const err = await h.api.getProcessorTask('abc').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).errorMessage).toBe('Task abc does not exist.');
  });

  it('a non-JSON error body (gateway HTML) still maps by status', async () => {
    h = harness({ retry: { maxAttempts: 1 } });
    h.pool.intercept({ path: v1('/training-jobs'), method: 'GET' }).reply(502, '<html><body>Bad Gateway</body></html>');
    const err = await h.api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).status).toBe(502);
  });
});

describe('isRetryableError (the one rule the client retries by)', () => {
  const init = { errorCode: null, errorMessage: null, requestId: null, endpoint: EP };
  it('retries 408/429/5xx, timeouts and network failures, never auth, validation or programming errors', () => {
    expect(isRetryableError(new ServerError({ ...init, status: 503 }))).toBe(true);
    expect(isRetryableError(errorFromResponse(408, {}, {}, EP))).toBe(true);
    expect(isRetryableError(new RateLimitError({ ...init, status: 429 }, null))).toBe(true);
    expect(isRetryableError(new TimeoutError(EP, 1000))).toBe(true);
    expect(isRetryableError(new ConnectionError(EP, 'ECONNRESET'))).toBe(true);
    expect(isRetryableError(new ConnectionError(EP, 'UND_ERR_INVALID_ARG'))).toBe(false);
    expect(isRetryableError(new AuthenticationError({ ...init, status: 401 }))).toBe(false);
    expect(isRetryableError(new BadRequestError({ ...init, status: 400 }))).toBe(false);
    expect(isRetryableError(new InvalidIdError('job_id', '../x'))).toBe(false);
  });
});

describe('upstream text in error messages', () => {
  it('keeps no control characters (terminal escapes, bells) in userMessage or message', () => {
    const err = errorFromResponse(403, { error_code: 'ModelArts.0210', error_msg: 'no\u001b[2J\u0007 way' }, {}, EP);
    expect(err.userMessage).toContain('no[2J way');
    expect(err.userMessage).not.toContain('\u001b');
    expect(err.errorMessage).not.toContain('\u0007');
  });
});
