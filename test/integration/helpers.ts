/** The real API layer pointed at a simulator, in each authentication mode. */
import type { ModelArtsAuthConfig } from '../../src/config.js';
import { createModelArtsApi, type ModelArtsApi, type RetryOptions } from '../../src/modelarts/index.js';
import type { Simulator } from '../../tools/simulator/index.js';

export type AuthMode = 'aksk' | 'password' | 'password-by-id' | 'token';

export function authConfig(sim: Simulator, mode: AuthMode): ModelArtsAuthConfig {
  const c = sim.credentials;
  const user = c.iamUsers[0]!;
  switch (mode) {
    case 'aksk':
      return { mode: 'aksk', accessKey: c.accessKey, secretKey: c.secretKey };
    case 'password':
      return {
        mode: 'password',
        authUrl: sim.iamUrl,
        username: user.name,
        password: user.password,
        userDomainName: user.domain,
        projectName: c.projectName,
      };
    case 'password-by-id':
      return {
        mode: 'password',
        authUrl: sim.iamUrl,
        username: user.name,
        password: user.password,
        userDomainName: user.domain,
        projectId: c.projectId,
      };
    case 'token':
      return { mode: 'token', token: c.token };
  }
}

export interface ApiOptions {
  auth?: ModelArtsAuthConfig;
  timeoutMs?: number;
  retry?: RetryOptions;
  now?: () => number;
}

/** Short backoff so retry tests stay fast; the retry logic itself is the API layer's. */
export function apiFor(sim: Simulator, mode: AuthMode = 'token', options: ApiOptions = {}): ModelArtsApi {
  return createModelArtsApi({
    endpoint: sim.url,
    projectId: sim.projectId,
    auth: options.auth ?? authConfig(sim, mode),
    timeoutMs: options.timeoutMs ?? 5_000,
    retry: { baseDelayMs: 5, maxDelayMs: 20, ...options.retry },
    ...(options.now ? { now: options.now } : {}),
  });
}
