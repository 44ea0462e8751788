/** Chooses the authentication mode from the configuration (src/config.ts decides which variables win). */
import type { Dispatcher } from 'undici';
import type { ModelArtsAuthConfig } from '../../config.js';
import { createIamTokenProvider } from './iam.js';
import { createAkSkProvider, createStaticTokenProvider } from './static.js';
import type { AuthProvider } from './types.js';

export type { IamTokenProvider, IamTokenProviderOptions } from './iam.js';
export { createIamTokenProvider, IAM_ENDPOINT, iamTokenRequestBody } from './iam.js';
export * from './signer.js';
export type { AkSkProviderOptions } from './static.js';
export { createAkSkProvider, createStaticTokenProvider } from './static.js';
export type { Authorization, AuthProvider, AuthRequest } from './types.js';

export function createAuthProvider(
  auth: ModelArtsAuthConfig,
  deps: {
    projectId: string;
    dispatcher: Dispatcher;
    timeoutMs?: number;
    now?: () => number;
    refreshMarginMs?: number;
    /** Called with every secret obtained at run time (IAM tokens), for the logger's scrubber. */
    onSecret?: (secret: string) => void;
    maxResponseBytes?: number;
  },
): AuthProvider {
  switch (auth.mode) {
    case 'aksk':
      return createAkSkProvider({
        accessKey: auth.accessKey,
        secretKey: auth.secretKey,
        securityToken: auth.securityToken,
        projectId: deps.projectId,
        ...(deps.now ? { now: deps.now } : {}),
      });
    case 'password':
      return createIamTokenProvider({
        authUrl: auth.authUrl,
        username: auth.username,
        password: auth.password,
        userDomainName: auth.userDomainName,
        projectName: auth.projectName,
        projectId: auth.projectId,
        dispatcher: deps.dispatcher,
        expectedProjectId: deps.projectId,
        onSecret: deps.onSecret,
        maxResponseBytes: deps.maxResponseBytes,
        ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
        ...(deps.now ? { now: deps.now } : {}),
        ...(deps.refreshMarginMs !== undefined ? { refreshMarginMs: deps.refreshMarginMs } : {}),
      });
    case 'token':
      return createStaticTokenProvider(auth.token);
  }
}
