/**
 * IAM password tokens (notes §3.1): POST {authUrl}/auth/tokens with a project scope, the token in X-Subject-Token,
 * its lifetime in `token.expires_at`. The token is cached and renewed `refreshMarginMs` before it expires, with one
 * request in flight however many calls need it; when ModelArts reports it expired anyway (revoked, password
 * changed), the client invalidates it and retries once. Every token obtained is handed to `onSecret` first, so the
 * logger can scrub a value that exists only at run time; a token scoped to another project than the one the bot
 * addresses is refused here, with the fix in the sentence, instead of as a 403 on every call.
 */
import type { Dispatcher } from 'undici';
import { scrubSecrets } from '../client.js';
import { errorFromResponse } from '../error-mapping.js';
import { AuthenticationError, ProjectMismatchError, ResponseParseError } from '../errors.js';
import { sendOnce } from '../http.js';
import { parseJson } from '../json.js';
import { isRecord } from '../lenient.js';
import type { Authorization, AuthProvider } from './types.js';

export const IAM_ENDPOINT = 'POST /v3/auth/tokens';

export interface IamTokenProviderOptions {
  /** IAM URL ending in /v3, e.g. https://iam.eu-de.otc.t-systems.com/v3. */
  authUrl: string;
  username: string;
  password: string;
  userDomainName: string;
  projectName?: string | undefined;
  projectId?: string | undefined;
  dispatcher: Dispatcher;
  timeoutMs?: number;
  /** Renew this long before expires_at (default 5 minutes, at most half the token's lifetime). */
  refreshMarginMs?: number;
  now?: () => number;
  /** The project the bot addresses (MODELARTS_PROJECT_ID): a token for another project is refused. */
  expectedProjectId?: string | undefined;
  /** Called with every token obtained, before it is used (the logger's scrubber learns run-time secrets). */
  onSecret?: ((secret: string) => void) | undefined;
  /** Largest IAM answer read (bytes). */
  maxResponseBytes?: number | undefined;
}

interface CachedToken {
  token: string;
  expiresAt: number;
  issuedAt: number;
}

/** IAM tokens live 24 h; when expires_at is unreadable assume a short life rather than a long one. */
const FALLBACK_LIFETIME_MS = 60 * 60 * 1000;

export function iamTokenRequestBody(options: IamTokenProviderOptions): string {
  const scope = options.projectId ? { project: { id: options.projectId } } : { project: { name: options.projectName } };
  return JSON.stringify({
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: options.username, password: options.password, domain: { name: options.userDomainName } },
        },
      },
      scope,
    },
  });
}

export interface IamTokenProvider extends AuthProvider {
  /** The current token, fetching or renewing it when needed. */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Number of token requests sent so far (for health and tests). */
  readonly fetchCount: number;
}

export function createIamTokenProvider(options: IamTokenProviderOptions): IamTokenProvider {
  if (!options.projectId && !options.projectName) throw new Error('IAM needs a project name or id to scope the token');
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const margin = options.refreshMarginMs ?? 5 * 60 * 1000;
  const url = new URL(`${options.authUrl.replace(/\/+$/, '')}/auth/tokens?nocatalog=true`);
  let cached: CachedToken | null = null;
  let inflight: Promise<CachedToken> | null = null;
  let fetchCount = 0;

  const secrets = (): string[] => [options.password, cached?.token].filter((s): s is string => !!s);
  const scrub = (text: string) => scrubSecrets(text, secrets());

  async function fetchToken(signal?: AbortSignal): Promise<CachedToken> {
    fetchCount++;
    const requestedAt = now();
    const raw = await sendOnce({
      dispatcher: options.dispatcher,
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=utf8', accept: 'application/json' },
      body: iamTokenRequestBody(options),
      timeoutMs,
      signal,
      endpoint: IAM_ENDPOINT,
      maxBytes: options.maxResponseBytes,
    });
    const text = scrub(raw.text);
    let body: unknown = text;
    try {
      body = text.trim() === '' ? null : parseJson(text);
    } catch {
      // keep the text for the error
    }
    if (raw.status < 200 || raw.status >= 300) {
      const err = errorFromResponse(raw.status, body, raw.headers, IAM_ENDPOINT, now());
      if (err instanceof AuthenticationError) {
        throw new AuthenticationError(
          {
            status: err.status,
            errorCode: err.errorCode,
            errorMessage: err.errorMessage,
            requestId: err.requestId,
            endpoint: err.endpoint,
          },
          { userMessage: 'IAM rejected the configured user name, password, domain or project' },
        );
      }
      throw err;
    }
    const subject = raw.headers['x-subject-token'];
    const token = Array.isArray(subject) ? subject[0] : subject;
    if (!token) throw new ResponseParseError(IAM_ENDPOINT, raw.status, 'no X-Subject-Token header');
    options.onSecret?.(token);
    const tokenBody = isRecord(body) && isRecord(body.token) ? body.token : {};
    const tokenProject = isRecord(tokenBody.project) ? tokenBody.project.id : undefined;
    if (typeof tokenProject === 'string' && options.expectedProjectId && tokenProject !== options.expectedProjectId) {
      const scope = options.projectId ? `OS_PROJECT_ID ${options.projectId}` : `OS_PROJECT_NAME ${options.projectName}`;
      throw new ProjectMismatchError(tokenProject, options.expectedProjectId, scope);
    }
    const expires = typeof tokenBody.expires_at === 'string' ? Date.parse(tokenBody.expires_at) : Number.NaN;
    const issued = typeof tokenBody.issued_at === 'string' ? Date.parse(tokenBody.issued_at) : Number.NaN;
    const issuedAt = Number.isNaN(issued) ? requestedAt : issued;
    const expiresAt = Number.isNaN(expires) ? requestedAt + FALLBACK_LIFETIME_MS : expires;
    return { token, expiresAt, issuedAt };
  }

  function needsRenewal(entry: CachedToken): boolean {
    const lifetime = Math.max(0, entry.expiresAt - entry.issuedAt);
    return now() >= entry.expiresAt - Math.min(margin, lifetime / 2);
  }

  async function getToken(signal?: AbortSignal): Promise<string> {
    if (cached && !needsRenewal(cached)) return cached.token;
    if (!inflight) {
      // Not bound to one caller's signal: other callers share this request, so one caller giving up must not fail it.
      inflight = fetchToken()
        .then((entry) => {
          cached = entry;
          return entry;
        })
        .finally(() => {
          inflight = null;
        });
    }
    const shared = inflight;
    if (!signal) return (await shared).token;
    return (
      await new Promise<CachedToken>((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        const onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      })
    ).token;
  }

  return {
    mode: 'password',
    getToken,
    get fetchCount() {
      return fetchCount;
    },
    async authorize(_request, signal): Promise<Authorization> {
      const token = await getToken(signal);
      return { headers: { 'x-auth-token': token }, credential: token };
    },
    invalidate(credential) {
      // Only drop the token this call used: a concurrent call may already have replaced it with a fresh one.
      if (cached && cached.token === credential) cached = null;
      return true;
    },
    secrets,
  };
}
