/**
 * Finding a training job reference in any Slack message (for the "Watch this ModelArts job" message shortcut): our
 * cards' metadata and buttons, console links (read by modelarts/console-links.ts), or text. Pure functions.
 */
import { isV2JobId, type LinkedJob } from '../../modelarts/index.js';

export interface JobRef {
  /** A v1 job id (digits) or a v2 job id (a UUID). */
  jobId: string;
  /** Null when the reference names only a v1 job, and always for a v2 job. */
  versionId: string | null;
  source: 'metadata' | 'button' | 'link' | 'text';
}

const ID = /^\d{1,19}$/;

/** The parts of a Slack message the shortcut can inspect (blocks and metadata are loosely typed on purpose). */
export interface MessageLike {
  text?: string | undefined;
  blocks?: unknown;
  metadata?: { event_type?: unknown; event_payload?: unknown } | undefined;
}

interface Collected {
  values: string[];
  urls: string[];
  texts: string[];
}

function collect(node: unknown, out: Collected, depth = 0): void {
  if (depth > 12 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) collect(child, out, depth + 1);
    return;
  }
  const record = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') {
      if (key === 'value') out.values.push(value);
      else if (key === 'url') out.urls.push(value);
      else if (key === 'text') out.texts.push(value);
    } else {
      collect(value, out, depth + 1);
    }
  }
}

const pickId = (record: Record<string, unknown>, ...keys: string[]): string | null => {
  for (const key of keys) {
    const v = record[key];
    if ((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && ID.test(v))) {
      return String(v);
    }
  }
  return null;
};

/** A job and version from a record's fields: a v1 job id (digits, with a version when given) or a v2 UUID. */
function pickRef(record: Record<string, unknown>, jobKeys: string[], versionKeys: string[]): LinkedJob | null {
  for (const key of jobKeys) {
    const v = record[key];
    if (typeof v === 'string' && isV2JobId(v)) return { jobId: v, versionId: null };
  }
  const jobId = pickId(record, ...jobKeys);
  return jobId ? { jobId, versionId: pickId(record, ...versionKeys) } : null;
}

function fromMetadata(metadata: MessageLike['metadata']): JobRef | null {
  const payload = metadata?.event_payload;
  if (!payload || typeof payload !== 'object') return null;
  const ref = pickRef(payload as Record<string, unknown>, ['job_id', 'jobId'], ['version_id', 'versionId']);
  return ref ? { ...ref, source: 'metadata' } : null;
}

/** Our buttons carry compact JSON such as `{"j":10,"v":12}` or `{"j":"<uuid>"}`. */
function fromButtonValue(value: string): JobRef | null {
  if (!value.startsWith('{') || value.length > 2000) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const ref = pickRef(parsed as Record<string, unknown>, ['j', 'job_id', 'jobId'], ['v', 'version_id', 'versionId']);
    return ref ? { ...ref, source: 'button' } : null;
  } catch {
    return null;
  }
}

const LINK_IN_TEXT = /<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>|(https?:\/\/[^\s<>|]+)/g;
const JOB_IN_TEXT =
  /\bjob\s*(?:id\s*)?[:#=]?\s*(\d{1,19})\b(?:\s*[,/·-]?\s*(?:\(\s*)?version\s*(?:id\s*)?[:#=]?\s*(\d{1,19})\b)?/i;

/**
 * Finds the first job reference in a message: our metadata, our buttons, console links (`parseLink`: the console
 * links' reader), then plain text.
 */
export function findJobReference(message: MessageLike, parseLink: (url: string) => LinkedJob | null): JobRef | null {
  const meta = fromMetadata(message.metadata);
  if (meta) return meta;
  const found: Collected = { values: [], urls: [], texts: [] };
  collect(message.blocks, found);
  let jobOnly: JobRef | null = null;
  for (const value of found.values) {
    const ref = fromButtonValue(value);
    // A value naming a whole run (a v1 version, a v2 job) beats one naming only a v1 job.
    if (ref && (ref.versionId !== null || isV2JobId(ref.jobId))) return ref;
    jobOnly ??= ref;
  }
  if (jobOnly) return jobOnly;
  const texts = [message.text ?? '', ...found.texts].filter((t) => t.length > 0);
  const urls = [...found.urls];
  for (const text of texts) {
    for (const m of text.matchAll(LINK_IN_TEXT)) urls.push(m[1] ?? m[2] ?? '');
  }
  for (const url of urls) {
    const ref = parseLink(url);
    if (ref) return { ...ref, source: 'link' };
  }
  for (const text of texts) {
    const plain = text.replace(/[*_~`]/g, ' ').replace(LINK_IN_TEXT, ' ');
    const m = JOB_IN_TEXT.exec(plain);
    if (m?.[1]) return { jobId: m[1], versionId: m[2] ?? null, source: 'text' };
  }
  return null;
}
