import { describe, expect, it } from 'vitest';
import {
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  formatSdkDate,
  parseAuthorizationHeader,
  sha256Hex,
  signRequest,
  verifyRequestSignature,
} from '../../src/modelarts/auth/signer.js';

// Published vectors, notes §3.2.1 (SIGN guide, Go signer_test.go, Python test_signer.py).
describe('SDK-HMAC-SHA256 published vectors', () => {
  it('V1: Huawei signing guide example (content-type;host;x-sdk-date)', () => {
    const request = {
      method: 'GET',
      url: 'https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
      headers: {
        'Content-Type': 'application/json',
        Host: 'service.region.example.com',
        'X-Sdk-Date': '20191115T033655Z',
      },
    };
    const result = signRequest(
      request,
      { accessKey: 'QTWAOYTTINDUT2QVKYUC', secretKey: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc' },
      { signedHeaders: ['content-type', 'host', 'x-sdk-date'] },
    );
    expect(result.canonicalRequest).toBe(
      [
        'GET',
        '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/',
        'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
        'content-type:application/json',
        'host:service.region.example.com',
        'x-sdk-date:20191115T033655Z',
        '',
        'content-type;host;x-sdk-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(sha256Hex(result.canonicalRequest)).toBe('b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a');
    expect(result.authorization).toBe(
      'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    );
  });

  const sdk = { accessKey: 'AccessKey', secretKey: 'SecretKey' };

  it('V2: Go test1, GET with only x-sdk-date signed (underscore header ignored)', () => {
    const result = signRequest(
      {
        method: 'GET',
        url: 'https://example.huaweicloud.com/path?limit=1',
        headers: { 'X-Sdk-Date': '20060102T150405Z', TEST_UNDERSCORE: 'value' },
      },
      sdk,
    );
    expect(result.signedHeaders).toEqual(['x-sdk-date']);
    expect(result.signature).toBe('5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624');
    expect(result.authorization).toBe(
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624',
    );
  });

  it('V3: Go test2, POST with a JSON body ending in a newline, content-type not signed', () => {
    const result = signRequest(
      {
        method: 'POST',
        url: 'https://example.huaweicloud.com/path?key=value',
        headers: { 'X-Sdk-Date': '20060102T150405Z', 'Content-Type': 'application/json' },
        body: '{"Name":"test","Id":1}\n',
      },
      sdk,
      { signedHeaders: ['x-sdk-date'] },
    );
    expect(result.signature).toBe('cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59');
  });

  it('V4: Python test_signer1, GET signing host;x-sdk-date', () => {
    const result = signRequest(
      {
        method: 'GET',
        url: 'https://service.endpoint.myhuaweicloud.com/resources?size=1',
        headers: { 'X-Sdk-Date': '20200608T023900Z' },
      },
      sdk,
      { signedHeaders: ['host', 'x-sdk-date'] },
    );
    expect(result.canonicalRequest.split('\n')[1]).toBe('/resources/');
    expect(result.authorization).toBe(
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842',
    );
  });

  it('V5: Python test_signer2, POST with a JSON body', () => {
    const result = signRequest(
      {
        method: 'POST',
        url: 'https://service.endpoint.myhuaweicloud.com/resources?size=1',
        headers: { 'X-Sdk-Date': '20200608T023900Z', Host: 'service.endpoint.myhuaweicloud.com' },
        body: '{"name":"test","id":1}',
      },
      sdk,
      { signedHeaders: ['host', 'x-sdk-date'] },
    );
    expect(result.signature).toBe('436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f');
  });
});

describe('canonical parts', () => {
  it('canonical query string reference vector (Go and Python signer tests)', () => {
    expect(
      canonicalQueryString({ limit: 1, enable: true, test: '一 (&=?!#%.*)', path: '/tmp/123', multi: [1, 2, 3] }),
    ).toBe(
      'enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29',
    );
  });

  it('query from a URL: decoded then re-encoded, empty values keep "=", repeated names sorted by value', () => {
    const url = new URL('https://h/p?b=&a=2&a=1&c=x%20y&d=a%2Cb');
    expect(canonicalQueryString(url.searchParams)).toBe('a=1&a=2&b=&c=x%20y&d=a%2Cb');
    expect(canonicalQueryString(new URLSearchParams())).toBe('');
  });

  it('canonical URI encodes each segment once and always ends with a slash', () => {
    expect(canonicalUri('/v1/p/vpcs')).toBe('/v1/p/vpcs/');
    expect(canonicalUri('/v1/p/vpcs/')).toBe('/v1/p/vpcs/');
    expect(canonicalUri('/a%20b/c')).toBe('/a%20b/c/');
    expect(canonicalUri('/')).toBe('/');
  });

  it('X-Sdk-Content-Sha256 replaces the payload hash', () => {
    const canonical = canonicalRequest(
      {
        method: 'post',
        url: 'https://h/x',
        headers: { 'x-sdk-date': 'd', 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' },
        body: 'abc',
      },
      ['x-sdk-date'],
    );
    expect(canonical.split('\n').at(-1)).toBe('UNSIGNED-PAYLOAD');
    expect(canonical.split('\n')[0]).toBe('POST');
  });

  it('formats X-Sdk-Date as basic ISO 8601 UTC', () => {
    expect(formatSdkDate(new Date(Date.UTC(2019, 10, 15, 3, 36, 55, 123)))).toBe('20191115T033655Z');
  });

  it('refuses to sign without x-sdk-date', () => {
    expect(() =>
      signRequest({ method: 'GET', url: 'https://h/', headers: {} }, { accessKey: 'a', secretKey: 'b' }),
    ).toThrow(/X-Sdk-Date/);
  });
});

describe('verifyRequestSignature (what the simulator uses)', () => {
  const creds = { accessKey: 'SIMACCESSKEY', secretKey: 'sim-secret-key' };
  const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  const headers = {
    host: '127.0.0.1:8080',
    'x-sdk-date': formatSdkDate(now),
    'x-project-id': 'sim-project',
  };
  const url = '/v1/sim-project/training-jobs?per_page=10&search_content=a%20b';
  const signed = signRequest({ method: 'GET', url, headers }, creds, {
    signedHeaders: ['host', 'x-sdk-date', 'x-project-id'],
  });
  const secretFor = (ak: string) => (ak === creds.accessKey ? creds.secretKey : undefined);

  it('accepts a request signed by signRequest (path-relative URL, host from the header)', () => {
    const result = verifyRequestSignature(
      { method: 'GET', url, headers: { ...headers, authorization: signed.authorization } },
      secretFor,
      { now },
    );
    expect(result).toEqual({ ok: true, accessKey: 'SIMACCESSKEY' });
  });

  it.each([
    [
      'a changed query',
      { url: '/v1/sim-project/training-jobs?per_page=11&search_content=a%20b' },
      'signature-mismatch',
    ],
    ['a changed signed header', { headers: { ...headers, 'x-project-id': 'other' } }, 'signature-mismatch'],
    [
      'an unknown access key',
      { authorization: signed.authorization.replace('SIMACCESSKEY', 'OTHER') },
      'unknown-access-key',
    ],
    ['a malformed header', { authorization: 'Bearer x' }, 'malformed-authorization'],
  ])('rejects %s', (_, change, reason) => {
    const request = {
      method: 'GET',
      url: (change as { url?: string }).url ?? url,
      headers: {
        ...((change as { headers?: Record<string, string> }).headers ?? headers),
        authorization: (change as { authorization?: string }).authorization ?? signed.authorization,
      },
    };
    expect(verifyRequestSignature(request, secretFor, { now })).toEqual({ ok: false, reason });
  });

  it('rejects a date more than 15 minutes off', () => {
    const later = new Date(now.getTime() + 16 * 60_000);
    const result = verifyRequestSignature(
      { method: 'GET', url, headers: { ...headers, authorization: signed.authorization } },
      secretFor,
      { now: later },
    );
    expect(result).toEqual({ ok: false, reason: 'clock-skew' });
  });

  it('parses the Authorization header', () => {
    expect(parseAuthorizationHeader(signed.authorization)).toEqual({
      accessKey: 'SIMACCESSKEY',
      signedHeaders: ['host', 'x-project-id', 'x-sdk-date'],
      signature: signed.signature,
    });
    expect(parseAuthorizationHeader('SDK-HMAC-SHA256 Access=a')).toBeNull();
  });
});
