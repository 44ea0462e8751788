/**
 * Finding training job references: console links (to build them for cards and to read them back for unfurls) and
 * any job mention in a Slack message (for the "Watch this ModelArts job" message shortcut). Pure functions.
 */

export interface JobRef {
  jobId: string;
  /** Null when the reference names only the job. */
  versionId: string | null;
  source: 'metadata' | 'button' | 'link' | 'text';
}

const ID = /^\d{1,19}$/;

/** `modelarts.eu-de.otc.t-systems.com` → `eu-de`; an endpoint without a region in its name → ''. */
export function regionOf(endpoint: string): string {
  try {
    const host = new URL(endpoint).hostname;
    const m = /^modelarts\.([a-z0-9-]+)\./i.exec(host);
    return m?.[1] ?? '';
  } catch {
    return '';
  }
}

/** Fills the console link template; values are URL-encoded because the template decides where they land. */
export function consoleJobUrl(
  template: string,
  values: { region: string; projectId: string; jobId: string | number; versionId: string | number },
): string {
  return template
    .replaceAll('{region}', encodeURIComponent(values.region))
    .replaceAll('{project_id}', encodeURIComponent(values.projectId))
    .replaceAll('{job_id}', encodeURIComponent(String(values.jobId)))
    .replaceAll('{version_id}', encodeURIComponent(String(values.versionId)));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function fromTemplate(url: string, template: string): { jobId: string; versionId: string | null } | null {
  if (!template.includes('{job_id}')) return null;
  const names: string[] = [];
  const pattern = escapeRegExp(template).replace(/\\\{(region|project_id|job_id|version_id)\\\}/g, (_m, name) => {
    names.push(name as string);
    return name === 'job_id' || name === 'version_id' ? '(\\d{1,19})' : '([^/?#&]*)';
  });
  const m = new RegExp(`^${pattern}`).exec(url);
  if (!m) return null;
  const jobId = m[names.indexOf('job_id') + 1];
  const vIndex = names.indexOf('version_id');
  const versionId = vIndex >= 0 ? (m[vIndex + 1] ?? null) : null;
  return jobId ? { jobId, versionId } : null;
}

/**
 * Reads a job (and version) out of a ModelArts console link: the configured template first, then the routes the
 * Huawei and OTC consoles are known to use (`#/trainingJobs/details/<id>`, `#/training/detail/<id>`, `?jobId=`).
 */
export function parseConsoleLink(rawUrl: string, template: string): { jobId: string; versionId: string | null } | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const viaTemplate = fromTemplate(rawUrl, template);
  if (viaTemplate) return viaTemplate;
  let templateHost = '';
  try {
    templateHost = new URL(template.replace(/\{[a-z_]+\}/g, 'x')).hostname;
  } catch {
    // A template without a usable host only disables the host check below.
  }
  const host = url.hostname.toLowerCase();
  if (host !== templateHost && !/(^|\.)console[.-]/.test(host)) return null;
  const whole = safeDecode(`${url.pathname}${url.search}${url.hash}`);
  if (!/modelarts/i.test(whole) && !/modelarts/i.test(host)) return null;
  const job =
    /(?:trainingJobs|training-jobs|training)\/details?\/(\d{1,19})(?:\D|$)/i.exec(whole)?.[1] ??
    /[?&#]job_?id=(\d{1,19})(?:\D|$)/i.exec(whole)?.[1];
  if (!job) return null;
  const version =
    /[?&#]version_?id=(\d{1,19})(?:\D|$)/i.exec(whole)?.[1] ?? /\/versions?\/(\d{1,19})(?:\D|$)/i.exec(whole)?.[1];
  return { jobId: job, versionId: version ?? null };
}

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

function fromMetadata(metadata: MessageLike['metadata']): JobRef | null {
  const payload = metadata?.event_payload;
  if (!payload || typeof payload !== 'object') return null;
  const record = payload as Record<string, unknown>;
  const jobId = pickId(record, 'job_id', 'jobId');
  if (!jobId) return null;
  return { jobId, versionId: pickId(record, 'version_id', 'versionId'), source: 'metadata' };
}

/** Our buttons carry compact JSON such as `{"j":10,"v":12}`. */
function fromButtonValue(value: string): JobRef | null {
  if (!value.startsWith('{') || value.length > 2000) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const jobId = pickId(parsed as Record<string, unknown>, 'j', 'job_id', 'jobId');
    if (!jobId) return null;
    return {
      jobId,
      versionId: pickId(parsed as Record<string, unknown>, 'v', 'version_id', 'versionId'),
      source: 'button',
    };
  } catch {
    return null;
  }
}

const LINK_IN_TEXT = /<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>|(https?:\/\/[^\s<>|]+)/g;
const JOB_IN_TEXT =
  /\bjob\s*(?:id\s*)?[:#=]?\s*(\d{1,19})\b(?:\s*[,/·-]?\s*(?:\(\s*)?version\s*(?:id\s*)?[:#=]?\s*(\d{1,19})\b)?/i;

/** Finds the first job reference in a message: our metadata, our buttons, console links, then plain text. */
export function findJobReference(message: MessageLike, consoleTemplate: string): JobRef | null {
  const meta = fromMetadata(message.metadata);
  if (meta) return meta;
  const found: Collected = { values: [], urls: [], texts: [] };
  collect(message.blocks, found);
  let jobOnly: JobRef | null = null;
  for (const value of found.values) {
    const ref = fromButtonValue(value);
    if (ref?.versionId) return ref;
    jobOnly ??= ref;
  }
  if (jobOnly) return jobOnly;
  const texts = [message.text ?? '', ...found.texts].filter((t) => t.length > 0);
  const urls = [...found.urls];
  for (const text of texts) {
    for (const m of text.matchAll(LINK_IN_TEXT)) urls.push(m[1] ?? m[2] ?? '');
  }
  for (const url of urls) {
    const ref = parseConsoleLink(url, consoleTemplate);
    if (ref) return { ...ref, source: 'link' };
  }
  for (const text of texts) {
    const plain = text.replace(/[*_~`]/g, ' ').replace(LINK_IN_TEXT, ' ');
    const m = JOB_IN_TEXT.exec(plain);
    if (m?.[1]) return { jobId: m[1], versionId: m[2] ?? null, source: 'text' };
  }
  return null;
}
