import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import type { ModelArtsAuthConfig } from '../../src/config.js';
import { createModelArtsApi, type ModelArtsApi, type ModelArtsApiOptions } from '../../src/modelarts/index.js';

export const ORIGIN = 'https://modelarts.test.example';
export const IAM_ORIGIN = 'https://iam.test.example';
export const PROJECT = 'proj-0123456789abcdef';
export const TOKEN = 'static-token-0123456789-SECRET';

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export const JSON_HEADERS = { 'content-type': 'application/json' };

export interface Harness {
  agent: MockAgent;
  pool: ReturnType<MockAgent['get']>;
  api: ModelArtsApi;
  sleeps: number[];
  /** Every request the agent saw (matched or not). */
  calls(): Array<{ path: string; fullUrl: string; method: string; headers: Record<string, string | string[]> }>;
}

export function harness(
  options: { auth?: ModelArtsAuthConfig } & Partial<Omit<ModelArtsApiOptions, 'auth' | 'dispatcher'>> = {},
): Harness {
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  const sleeps: number[] = [];
  const { auth, retry, ...rest } = options;
  const api = createModelArtsApi({
    endpoint: ORIGIN,
    projectId: PROJECT,
    auth: auth ?? { mode: 'token', token: TOKEN },
    dispatcher: agent,
    timeoutMs: 2_000,
    ...rest,
    retry: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...retry,
    },
  });
  return {
    agent,
    pool: agent.get(ORIGIN),
    api,
    sleeps,
    calls: () =>
      (agent.getCallHistory()?.calls() ?? []).map((c) => ({
        path: c.path,
        fullUrl: c.fullUrl,
        method: c.method,
        headers: (c.headers ?? {}) as Record<string, string | string[]>,
      })),
  };
}

/** `/v1/{project}` + rest. */
export const v1 = (rest: string): string => `/v1/${PROJECT}${rest}`;
export const v2 = (rest: string): string => `/v2/${PROJECT}${rest}`;

const DAY_MS = 24 * 3_600_000;

/** IAM issues `token` once (201, X-Subject-Token), scoped to `projectId` and valid `lifetimeMs` from `issuedAt`. */
export function iamReply(
  h: Harness,
  token: string,
  options: { issuedAt?: number; lifetimeMs?: number; projectId?: string } = {},
): void {
  const issuedAt = options.issuedAt ?? Date.now();
  h.agent
    .get(IAM_ORIGIN)
    .intercept({ path: '/v3/auth/tokens?nocatalog=true', method: 'POST' })
    .reply(
      201,
      JSON.stringify({
        token: {
          expires_at: new Date(issuedAt + (options.lifetimeMs ?? DAY_MS)).toISOString(),
          issued_at: new Date(issuedAt).toISOString(),
          methods: ['password'],
          project: { id: options.projectId ?? PROJECT, name: 'eu-de_ml' },
        },
      }),
      { headers: { 'x-subject-token': token, 'content-type': 'application/json' } },
    );
}
