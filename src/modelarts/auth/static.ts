/** AK/SK signing and static-token authentication (notes §3.2, §3.1 "using the token"). */
import { formatSdkDate, hostHeader, signRequest } from './signer.js';
import type { Authorization, AuthProvider, AuthRequest } from './types.js';

export interface AkSkProviderOptions {
  accessKey: string;
  secretKey: string;
  /** Required with temporary AK/SK; sent as X-Security-Token and signed. */
  securityToken?: string | undefined;
  /** Sent as X-Project-Id and signed, as the SDKs do for regional services. */
  projectId: string;
  now?: () => number;
}

export function createAkSkProvider(options: AkSkProviderOptions): AuthProvider {
  const now = options.now ?? Date.now;
  return {
    mode: 'aksk',
    async authorize(request: AuthRequest): Promise<Authorization> {
      // Signed: host and x-sdk-date always; x-project-id, x-security-token and content-type when sent.
      const added: Record<string, string> = {
        host: hostHeader(request.url),
        'x-sdk-date': formatSdkDate(new Date(now())),
        'x-project-id': options.projectId,
      };
      if (options.securityToken) added['x-security-token'] = options.securityToken;
      const headers = { ...request.headers, ...added };
      const signed = ['host', 'x-sdk-date', 'x-project-id'];
      if (options.securityToken) signed.push('x-security-token');
      if (headers['content-type'] !== undefined) signed.push('content-type');
      const { authorization } = signRequest(
        { method: request.method, url: request.url, headers, body: request.body },
        { accessKey: options.accessKey, secretKey: options.secretKey },
        { signedHeaders: signed },
      );
      return { headers: { ...added, authorization } };
    },
    invalidate: () => false,
    secrets: () => [options.secretKey, options.securityToken].filter((s): s is string => !!s),
  };
}

export function createStaticTokenProvider(token: string): AuthProvider {
  return {
    mode: 'token',
    async authorize(): Promise<Authorization> {
      return { headers: { 'x-auth-token': token }, credential: token };
    },
    // A static token cannot be renewed: retrying with it would fail the same way.
    invalidate: () => false,
    secrets: () => [token],
  };
}
