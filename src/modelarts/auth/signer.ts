/**
 * SDK-HMAC-SHA256 request signing as Huawei Cloud / Open Telekom Cloud API gateways verify it (notes §3.2).
 *
 * Pure functions, no clock and no I/O, so the same code signs (client) and verifies (the simulator). The algorithm:
 *
 *   canonical request = METHOD \n canonical URI \n canonical query \n canonical headers \n signed headers \n
 *                       hex(sha256(body))
 *   string to sign    = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(canonical request))
 *   signature         = hex(hmac-sha256(secret key, string to sign))          (no key derivation chain)
 *   Authorization     = SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b;c, Signature=hex
 *
 * - Canonical URI: every path segment percent-encoded (RFC 3986 unreserved set kept), always ending in `/`; the
 *   request on the wire does not need the slash.
 * - Canonical query: names and values encoded the same way (space → %20, `/` → %2F), sorted by name then value,
 *   `a=` kept for empty values.
 * - Canonical headers: `name:trimmed value\n` per signed header, sorted by lower-case name. Because every line ends in
 *   `\n` and parts are joined by `\n`, a blank line precedes the signed-headers line.
 * - Which headers are signed is the client's choice, named in SignedHeaders; must include `x-sdk-date`.
 * - `X-Sdk-Content-Sha256` (e.g. UNSIGNED-PAYLOAD) replaces the body hash when present.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** APIG rejects signatures whose X-Sdk-Date is more than 15 minutes off the server clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export type HeaderValue = string | number | readonly string[] | undefined;
export type HeaderMap = Readonly<Record<string, HeaderValue>>;

export interface SignableRequest {
  method: string;
  /** Absolute URL including the query string, or a path + query with the host given in `headers.host`. */
  url: string | URL;
  headers: HeaderMap;
  /** Exact body bytes; absent = empty. */
  body?: string | Uint8Array | undefined;
}

export interface SigningCredentials {
  accessKey: string;
  secretKey: string;
}

export interface SignatureResult {
  /** Value of the Authorization header. */
  authorization: string;
  signature: string;
  signedHeaders: string[];
  canonicalRequest: string;
  stringToSign: string;
}

type QueryScalar = string | number | boolean;
export type QueryInput = URLSearchParams | Readonly<Record<string, QueryScalar | readonly QueryScalar[] | undefined>>;

/** RFC 3986 percent-encoding: only `A–Z a–z 0–9 - _ . ~` stay literal; UTF-8 bytes, upper-case hex. */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A stray `%` cannot be decoded; sign the literal text, as the Go SDK does with its raw path.
    return segment;
  }
}

/** `/v1/p/vpcs` → `/v1/p/vpcs/`; segments are decoded first so an already-encoded URL is not double-encoded. */
export function canonicalUri(pathname: string): string {
  const encoded = pathname
    .split('/')
    .map((segment) => encodeRfc3986(decodeSegment(segment)))
    .join('/');
  const withSlash = encoded.endsWith('/') ? encoded : `${encoded}/`;
  return withSlash.startsWith('/') ? withSlash : `/${withSlash}`;
}

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Sorted, encoded `name=value&…`; repeated names once per value with values sorted; '' when there is no query. */
export function canonicalQueryString(query: QueryInput): string {
  const pairs = new Map<string, string[]>();
  const add = (name: string, value: QueryScalar) => {
    const list = pairs.get(name) ?? [];
    list.push(typeof value === 'boolean' ? String(value) : String(value));
    pairs.set(name, list);
  };
  if (query instanceof URLSearchParams) {
    for (const [name, value] of query) add(name, value);
  } else {
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value as readonly QueryScalar[]) add(name, v);
      else add(name, value as QueryScalar);
    }
  }
  const out: string[] = [];
  for (const name of [...pairs.keys()].sort(byBytes)) {
    const encodedName = encodeRfc3986(name);
    for (const value of (pairs.get(name) ?? []).map(encodeRfc3986).sort(byBytes)) out.push(`${encodedName}=${value}`);
  }
  return out.join('&');
}

function headerLookup(headers: HeaderMap): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    map.set(name.toLowerCase(), Array.isArray(value) ? value.join(',') : String(value));
  }
  return map;
}

function toUrl(url: string | URL, headers: Map<string, string>): URL {
  if (url instanceof URL) return url;
  return new URL(url, `http://${headers.get('host') ?? 'localhost'}`);
}

/** The `Host` header value for a URL: the port only when it is not the scheme's default. */
export function hostHeader(url: URL): string {
  return url.host;
}

export function normaliseSignedHeaders(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean))].sort(byBytes);
}

export function payloadHash(body: string | Uint8Array | undefined, headers: HeaderMap): string {
  const override = headerLookup(headers).get('x-sdk-content-sha256');
  if (override) return override;
  if (body === undefined || body.length === 0) return EMPTY_BODY_SHA256;
  return createHash('sha256').update(body).digest('hex');
}

/**
 * The canonical request for the given signed headers. `host` is taken from the URL when it is signed but not among
 * the headers (HTTP clients add it on the wire).
 */
export function canonicalRequest(request: SignableRequest, signedHeaders: readonly string[]): string {
  const headers = headerLookup(request.headers);
  const url = toUrl(request.url, headers);
  const names = normaliseSignedHeaders(signedHeaders);
  const headerLines = names
    .map((name) => {
      const value = headers.get(name) ?? (name === 'host' ? hostHeader(url) : undefined);
      if (value === undefined) throw new Error(`Signed header ${name} is missing from the request`);
      return `${name}:${value.trim()}\n`;
    })
    .join('');
  return [
    request.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQueryString(url.searchParams),
    headerLines,
    names.join(';'),
    payloadHash(request.body, request.headers),
  ].join('\n');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function stringToSign(canonical: string, sdkDate: string): string {
  return `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

export function computeSignature(secretKey: string, toSign: string): string {
  return createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(toSign, 'utf8').digest('hex');
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatSdkDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses `YYYYMMDDTHHMMSSZ`; null when malformed. */
export function parseSdkDate(value: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Signs a request whose headers already carry `X-Sdk-Date` (and `Host` when signed). Signed headers default to every
 * header given except names containing `_` (gateways drop those, and the SDKs never sign them).
 */
export function signRequest(
  request: SignableRequest,
  credentials: SigningCredentials,
  options: { signedHeaders?: readonly string[] } = {},
): SignatureResult {
  const headers = headerLookup(request.headers);
  const sdkDate = headers.get('x-sdk-date');
  if (!sdkDate) throw new Error('X-Sdk-Date header is required to sign a request');
  const names = normaliseSignedHeaders(options.signedHeaders ?? [...headers.keys()].filter((n) => !n.includes('_')));
  if (!names.includes('x-sdk-date')) throw new Error('x-sdk-date must be a signed header');
  const canonical = canonicalRequest(request, names);
  const toSign = stringToSign(canonical, sdkDate);
  const signature = computeSignature(credentials.secretKey, toSign);
  return {
    authorization: `${SIGNING_ALGORITHM} Access=${credentials.accessKey}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
    signature,
    signedHeaders: names,
    canonicalRequest: canonical,
    stringToSign: toSign,
  };
}

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`; null for anything else. */
export function parseAuthorizationHeader(value: string | undefined | null): ParsedAuthorization | null {
  if (!value) return null;
  const m = /^SDK-HMAC-SHA256\s+(.*)$/.exec(value.trim());
  if (!m?.[1]) return null;
  const fields = new Map<string, string>();
  for (const part of m[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKey = fields.get('Access');
  const signed = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKey || !signed || !signature || !/^[0-9a-f]{64}$/.test(signature)) return null;
  return { accessKey, signedHeaders: signed.split(';'), signature };
}

export type VerifyResult =
  | { ok: true; accessKey: string }
  | {
      ok: false;
      reason:
        | 'missing-authorization'
        | 'malformed-authorization'
        | 'unknown-access-key'
        | 'missing-date'
        | 'clock-skew';
    }
  | { ok: false; reason: 'date-not-signed' | 'missing-signed-header' | 'signature-mismatch' };

/**
 * Verifies a signed request the way the gateway does: parse Authorization, look up the SK for the AK, check the
 * X-Sdk-Date skew, recompute the signature over the signed headers it names and compare in constant time.
 */
export function verifyRequestSignature(
  request: SignableRequest,
  secretFor: (accessKey: string) => string | undefined,
  options: { now?: Date; maxSkewMs?: number } = {},
): VerifyResult {
  const headers = headerLookup(request.headers);
  const authHeader = headers.get('authorization');
  if (!authHeader) return { ok: false, reason: 'missing-authorization' };
  const parsed = parseAuthorizationHeader(authHeader);
  if (!parsed) return { ok: false, reason: 'malformed-authorization' };
  const secretKey = secretFor(parsed.accessKey);
  if (secretKey === undefined) return { ok: false, reason: 'unknown-access-key' };
  const sdkDate = headers.get('x-sdk-date');
  const date = sdkDate ? parseSdkDate(sdkDate) : null;
  if (!sdkDate || !date) return { ok: false, reason: 'missing-date' };
  const now = options.now ?? new Date();
  if (Math.abs(now.getTime() - date.getTime()) > (options.maxSkewMs ?? MAX_CLOCK_SKEW_MS)) {
    return { ok: false, reason: 'clock-skew' };
  }
  const names = normaliseSignedHeaders(parsed.signedHeaders);
  if (!names.includes('x-sdk-date')) return { ok: false, reason: 'date-not-signed' };
  if (names.some((n) => n !== 'host' && !headers.has(n))) return { ok: false, reason: 'missing-signed-header' };
  const expected = computeSignature(secretKey, stringToSign(canonicalRequest(request, names), sdkDate));
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(parsed.signature, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'signature-mismatch' };
  return { ok: true, accessKey: parsed.accessKey };
}
