/**
 * Credential checks as the API gateway and IAM perform them: AK/SK signatures verified with the project's one signer
 * (`src/modelarts/auth/signer.ts`), X-Sdk-Date skew limited to 15 minutes, static and IAM-issued X-Auth-Token tokens
 * with expiry, and POST /v3/auth/tokens answering like IAM (201, X-Subject-Token, `token.expires_at`).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { MAX_CLOCK_SKEW_MS, verifyRequestSignature } from '../../src/modelarts/auth/signer.js';

export interface IamUser {
  domain: string;
  name: string;
  password: string;
}

export interface SimAuthConfig {
  projectId: string;
  /** IAM project name that maps to projectId when a token is scoped by name. */
  projectName: string;
  accessKey: string;
  secretKey: string;
  /** When set, AK/SK requests must carry this X-Security-Token (temporary credentials). */
  securityToken: string | undefined;
  /** A static token accepted as X-Auth-Token (never expires). */
  token: string;
  iamUsers: IamUser[];
  tokenTtlMs: number;
}

export type AuthOutcome =
  | { ok: true; via: 'aksk' | 'token' | 'iam'; projectId: string | null }
  | { ok: false; status: 401; code: string; message: string };

interface IssuedToken {
  projectId: string | null;
  expiresAt: number;
  revoked: boolean;
}

export interface IamAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const SIGNATURE_FAILURES: Record<string, string> = {
  'malformed-authorization': 'the Authorization header is not SDK-HMAC-SHA256',
  'unknown-access-key': 'the access key does not exist',
  'missing-date': 'X-Sdk-Date is missing or malformed',
  'date-not-signed': 'x-sdk-date is not a signed header',
  'missing-signed-header': 'a signed header is missing from the request',
  'signature-mismatch': 'verify aksk signature fail',
};

function keystoneError(status: number, title: string, message: string): IamAnswer {
  return { status, headers: {}, body: { error: { code: status, message, title } } };
}

function isoMicros(ms: number): string {
  // IAM writes six fractional digits: 2020-01-05T08:29:47.286000Z.
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class SimAuth {
  private readonly issued = new Map<string, IssuedToken>();
  private issuedCount = 0;

  constructor(
    readonly config: SimAuthConfig,
    private readonly clock: () => number,
  ) {}

  get tokensIssued(): number {
    return this.issuedCount;
  }

  /** The values of every token issued so far (tests check they never reach a log). */
  issuedTokens(): string[] {
    return [...this.issued.keys()];
  }

  /** Authenticates a ModelArts request. `url` is the raw request target (path and query). */
  check(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): AuthOutcome {
    const token = headers['x-auth-token'];
    if (typeof token === 'string' && token.length > 0) return this.checkToken(token);
    const authorization = headers.authorization;
    if (typeof authorization === 'string' && authorization.length > 0) {
      return this.checkSignature(method, url, headers, body);
    }
    return {
      ok: false,
      status: 401,
      code: 'APIG.0301',
      message: 'Incorrect IAM authentication information: x-auth-token not found',
    };
  }

  private checkToken(token: string): AuthOutcome {
    if (token === this.config.token) return { ok: true, via: 'token', projectId: this.config.projectId };
    const entry = this.issued.get(token);
    if (!entry) {
      return {
        ok: false,
        status: 401,
        code: 'APIG.0301',
        message: 'Incorrect IAM authentication information: decrypt token fail',
      };
    }
    if (entry.revoked || this.clock() >= entry.expiresAt) {
      return { ok: false, status: 401, code: 'APIG.0307', message: 'The token must be updated.' };
    }
    return { ok: true, via: 'iam', projectId: entry.projectId };
  }

  private checkSignature(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): AuthOutcome {
    const result = verifyRequestSignature(
      { method, url, headers, body },
      (accessKey) => (accessKey === this.config.accessKey ? this.config.secretKey : undefined),
      { now: new Date(this.clock()), maxSkewMs: MAX_CLOCK_SKEW_MS },
    );
    if (!result.ok) {
      if (result.reason === 'clock-skew') {
        return {
          ok: false,
          status: 401,
          code: 'APIG.0303',
          message:
            'Incorrect app authentication information: X-Sdk-Date differs from the server time by more than 15 minutes',
        };
      }
      return {
        ok: false,
        status: 401,
        code: 'APIG.0301',
        message: `Incorrect IAM authentication information: ${SIGNATURE_FAILURES[result.reason] ?? 'verify aksk signature fail'}`,
      };
    }
    if (this.config.securityToken !== undefined && headers['x-security-token'] !== this.config.securityToken) {
      return {
        ok: false,
        status: 401,
        code: 'APIG.0301',
        message: 'Incorrect IAM authentication information: the security token is missing or invalid',
      };
    }
    const projectHeader = headers['x-project-id'];
    return { ok: true, via: 'aksk', projectId: typeof projectHeader === 'string' ? projectHeader : null };
  }

  /** Every IAM-issued token (or one) stops working at once, as when a password changes. Returns how many. */
  revokeTokens(token?: string): number {
    let n = 0;
    for (const [value, entry] of this.issued) {
      if (token !== undefined && value !== token) continue;
      if (!entry.revoked) n++;
      entry.revoked = true;
    }
    return n;
  }

  /** POST /v3/auth/tokens. */
  issueToken(rawBody: Buffer, query: URLSearchParams, baseUrl: string): IamAnswer {
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return keystoneError(400, 'Bad Request', 'The request body is not valid JSON.');
    }
    const auth = (body as { auth?: unknown } | null)?.auth as
      | {
          identity?: {
            methods?: unknown;
            password?: { user?: { name?: unknown; password?: unknown; domain?: { name?: unknown } } };
          };
          scope?: { project?: { id?: unknown; name?: unknown } };
        }
      | undefined;
    const methods = auth?.identity?.methods;
    const user = auth?.identity?.password?.user;
    if (!Array.isArray(methods) || !methods.includes('password') || !user) {
      return keystoneError(400, 'Bad Request', 'Expecting auth.identity with the password method.');
    }
    const known = this.config.iamUsers.find(
      (u) => u.name === user.name && u.password === user.password && u.domain === user.domain?.name,
    );
    if (!known) return keystoneError(401, 'Unauthorized', 'The username or password is wrong.');
    const scope = auth?.scope?.project;
    let projectId: string | null = null;
    if (scope) {
      const matches = scope.id === this.config.projectId || scope.name === this.config.projectName;
      if (!matches)
        return keystoneError(401, 'Unauthorized', 'The project in the scope does not exist or is not accessible.');
      projectId = this.config.projectId;
    }
    const now = this.clock();
    const token = `MIIsim${randomBytes(48).toString('base64url')}`;
    const expiresAt = now + this.config.tokenTtlMs;
    this.issued.set(token, { projectId, expiresAt, revoked: false });
    this.issuedCount++;
    const domain = { id: `domain-${known.domain}`.slice(0, 64), name: known.domain };
    const tokenBody: Record<string, unknown> = {
      expires_at: isoMicros(expiresAt),
      issued_at: isoMicros(now),
      methods: ['password'],
      roles: [
        { id: '0', name: 'op_gated_modelarts' },
        { id: 'a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2', name: 'te_admin' },
      ],
      user: { id: `user-${known.name}`, name: known.name, domain, password_expires_at: '' },
    };
    if (projectId) tokenBody.project = { id: projectId, name: this.config.projectName, domain };
    else tokenBody.domain = domain;
    if (!query.get('nocatalog')) {
      tokenBody.catalog = [
        {
          type: 'modelarts',
          id: 'modelarts-sim',
          name: 'modelarts',
          endpoints: [
            {
              id: 'ep-1',
              interface: 'public',
              region: 'eu-de',
              region_id: 'eu-de',
              url: `${baseUrl}/v1/${projectId ?? ''}`,
            },
          ],
        },
        {
          type: 'identity',
          id: 'iam-sim',
          name: 'iam',
          endpoints: [{ id: 'ep-2', interface: 'public', region: '*', region_id: '*', url: `${baseUrl}/v3` }],
        },
      ];
    }
    return { status: 201, headers: { 'x-subject-token': token }, body: { token: tokenBody } };
  }
}
