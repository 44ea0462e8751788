/** The shapes shared by the v1 and v2 route tables (kept apart so neither table imports the other). */
import type { IncomingHttpHeaders } from 'node:http';
import type { EndpointName } from './faults.js';
import type { SimState } from './state.js';
import type { V2Context } from './v2/routes.js';

export type ApiFamily = 'v1' | 'v2';

/** An error answer in the shape of the endpoint's family. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RouteContext {
  state: SimState;
  now: number;
  query: URLSearchParams;
  params: string[];
  baseUrl: string;
  allVersionsJobFields: boolean;
  /** The request body (POST). */
  body: Buffer;
  headers: IncomingHttpHeaders;
  v2: V2Context;
}

export interface RouteResult {
  status: number;
  /** A value to serialise, or pre-serialised JSON text (for the aom-log's bare 19-digit number). */
  body: unknown;
  rawJson?: string;
}

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  endpoint: EndpointName;
  family: ApiFamily | 'iam';
  /** The training API the path belongs to: an account without that API does not route it. */
  api?: 'v1' | 'v2';
  handle?: (ctx: RouteContext) => RouteResult;
}
