/** Plain HTTP helpers for the simulator's own tests (the integration tests go through the real API layer instead). */
import { formatSdkDate, signRequest } from '../../../src/modelarts/auth/signer.js';
import type { Simulator } from '../../../tools/simulator/index.js';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
}

async function toAnswer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** GET with the static token (or the given headers), path relative to the project: `/v1/{p}` + path. */
export async function get(sim: Simulator, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${sim.url}${path.replaceAll('{p}', sim.projectId)}`, {
    headers: { 'x-auth-token': sim.credentials.token, ...headers },
  });
  return toAnswer(res);
}

export async function raw(sim: Simulator, path: string, init: RequestInit = {}): Promise<Answer> {
  return toAnswer(await fetch(`${sim.url}${path.replaceAll('{p}', sim.projectId)}`, init));
}

export async function control(sim: Simulator, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sim.url}/__sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return toAnswer(res);
}

/** An AK/SK-signed GET, the way the API layer signs (host, x-sdk-date, x-project-id). */
export async function signedGet(
  sim: Simulator,
  path: string,
  options: {
    accessKey?: string;
    secretKey?: string;
    date?: Date;
    projectHeader?: string;
    securityToken?: string;
    tamper?: (url: URL) => void;
  } = {},
): Promise<Answer> {
  const url = new URL(`${sim.url}${path.replaceAll('{p}', sim.projectId)}`);
  const headers: Record<string, string> = {
    host: url.host,
    'x-sdk-date': formatSdkDate(options.date ?? new Date()),
    'x-project-id': options.projectHeader ?? sim.projectId,
    ...(options.securityToken ? { 'x-security-token': options.securityToken } : {}),
  };
  const { authorization } = signRequest(
    { method: 'GET', url, headers },
    {
      accessKey: options.accessKey ?? sim.credentials.accessKey,
      secretKey: options.secretKey ?? sim.credentials.secretKey,
    },
    { signedHeaders: Object.keys(headers) },
  );
  options.tamper?.(url);
  const { host: _host, ...sent } = headers;
  return toAnswer(await fetch(url, { headers: { ...sent, authorization } }));
}

/** A fixed, controllable clock for schedule tests. */
export function manualClock(start = Date.UTC(2025, 0, 15, 9, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    set: (t: number) => {
      now = t;
    },
  };
}

export const asRecord = (value: unknown): Record<string, unknown> => value as Record<string, unknown>;
