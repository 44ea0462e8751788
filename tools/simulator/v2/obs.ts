/**
 * The OBS side of the v2 log URL (notes v2 §8): the link is a temporary signed URL, valid 5 minutes of simulator time,
 * that the simulator itself serves under /obs/ with the task's whole log, inline (text/plain) or as a download.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { taskLog } from './logs.js';
import type { SimV2Job } from './model.js';

export const LOG_LINK_TTL_MS = 5 * 60 * 1000;
const PREFIX = '/obs/modelarts-logs/';

export interface ObsAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export class ObsLinks {
  private readonly key = randomBytes(32);

  constructor(
    private readonly now: () => number,
    private readonly baseUrl: () => string,
  ) {}

  private signature(path: string, contentType: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${path}\n${contentType}\n${expires}`).digest('hex');
  }

  link(job: SimV2Job, task: string, contentType: string): string {
    const path = `${PREFIX}${job.id}/${task}.log`;
    const expires = Math.floor((this.now() + LOG_LINK_TTL_MS) / 1000);
    const query = new URLSearchParams({
      'Content-Type': contentType,
      Expires: String(expires),
      Signature: this.signature(path, contentType, expires),
    });
    return `${this.baseUrl()}${path}?${query}`;
  }

  handles(path: string): boolean {
    return path.startsWith(PREFIX);
  }

  /** GET of a link: the whole log when the signature holds and the link has not expired, else OBS's 403. */
  serve(path: string, query: URLSearchParams, jobs: ReadonlyMap<string, SimV2Job>): ObsAnswer {
    const denied = (reason: string): ObsAnswer => ({
      status: 403,
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${reason}</Message></Error>`,
      headers: { 'content-type': 'application/xml' },
    });
    const contentType = query.get('Content-Type') ?? '';
    const expires = Number(query.get('Expires'));
    const given = Buffer.from(query.get('Signature') ?? '', 'hex');
    const expected = Buffer.from(this.signature(path, contentType, expires), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return denied('The request signature we calculated does not match the signature you provided.');
    }
    if (!Number.isFinite(expires) || expires * 1000 < this.now()) return denied('Request has expired.');
    const m = /^\/obs\/modelarts-logs\/([^/]+)\/(worker-\d+)\.log$/.exec(path);
    const job = m ? jobs.get(m[1] ?? '') : undefined;
    const log = job && m ? taskLog(job, m[2] ?? '', this.now()) : null;
    if (log === null) return { status: 404, body: 'NoSuchKey', headers: { 'content-type': 'text/plain' } };
    const headers: Record<string, string> = { 'content-type': `${contentType || 'text/plain'};charset=UTF-8` };
    if (contentType === 'application/octet-stream') {
      headers['content-disposition'] = `attachment; filename="${m?.[2]}.log"`;
    }
    return { status: 200, body: log, headers };
  }
}
