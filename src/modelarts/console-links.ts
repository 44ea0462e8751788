/**
 * Links to a run's page in the ModelArts console, and reading such links back (unfurls, the message shortcut).
 *
 * Which console: the API endpoint's host names the cloud and the region (`modelarts.<region>.otc.t-systems.com` is
 * Open Telekom Cloud, `modelarts.<region>.myhuaweicloud.com` Huawei Cloud). An endpoint that names neither (an IP, a
 * proxy) takes the region from HUAWEICLOUD_SDK_REGION or OS_REGION_NAME, as the clouds' own tools do, and the cloud
 * from that region's name.
 *
 * The routes are weakly sourced (notes/modelarts-api.md §4.2, notes/modelarts-v2-api.md §13): Huawei's v2 detail
 * route `#/training/detail/<id>` comes from third-party material, the v1 route `#/trainingJobs/details/<id>` likewise
 * (called deprecated there), OTC's are derived by analogy. Both templates are therefore configurable
 * (MODELARTS_CONSOLE_JOB_URL, MODELARTS_CONSOLE_V2_JOB_URL) and the README says so.
 */
import { isV2JobId, type JobRun, type RunRef } from './job-run.js';

export type Cloud = 'otc' | 'huawei';

const CONSOLE_BASE: Readonly<Record<Cloud, string>> = {
  otc: 'https://console.otc.t-systems.com/modelarts/?region={region}&locale=en-us',
  huawei: 'https://console.huaweicloud.com/modelarts/?region={region}&locale=en-us',
};

/** The v1 job-version page; the version travels as a query of the hash route. */
export const V1_ROUTE = '#/trainingJobs/details/{job_id}?versionId={version_id}';
/** The v2 job page. */
export const V2_ROUTE = '#/training/detail/{job_id}';

/** OTC runs ModelArts in eu-de only (notes/modelarts-api.md §4.1); its other regions are named for completeness. */
const OTC_REGIONS = new Set(['eu-de', 'eu-nl', 'eu-ch2']);

export interface ConsoleLinkOptions {
  /** The ModelArts API endpoint (MODELARTS_ENDPOINT). */
  endpoint: string;
  projectId: string;
  /** HUAWEICLOUD_SDK_REGION / OS_REGION_NAME: used when the endpoint's host names no region. */
  region?: string | null | undefined;
  /** MODELARTS_CONSOLE_JOB_URL: `{region}`, `{project_id}`, `{job_id}`, `{version_id}` are filled in. */
  v1Template?: string | null | undefined;
  /** MODELARTS_CONSOLE_V2_JOB_URL: `{region}`, `{project_id}`, `{job_id}` are filled in. */
  v2Template?: string | null | undefined;
}

export interface ConsoleLinks {
  readonly cloud: Cloud;
  readonly region: string;
  readonly v1Template: string;
  readonly v2Template: string;
  /** The run's console page. */
  runUrl(ref: RunRef): string;
  /** The run with its console link filled in. */
  withConsoleUrl<R extends JobRun>(run: R): R;
  /** The job (and version) a console link names, or null (see parseConsoleLink). */
  parse(url: string): LinkedJob | null;
}

/** What a link names: a v1 job version, a v1 job (version null: its newest), or a v2 job (a UUID, version null). */
export interface LinkedJob {
  jobId: string;
  versionId: string | null;
}

/** The cloud and region an endpoint belongs to, as far as its host tells. */
export function endpointCloud(endpoint: string): { cloud: Cloud | null; region: string | null } {
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return { cloud: null, region: null };
  }
  const region = /^modelarts\.([a-z0-9-]+)\./.exec(host)?.[1] ?? null;
  if (/\.otc\.t-systems\.com$/.test(host)) return { cloud: 'otc', region };
  if (/\.myhuaweicloud\.(com|cn|eu)$/.test(host)) return { cloud: 'huawei', region };
  return { cloud: null, region: null };
}

/** Fills a template; values are URL-encoded because the template decides where they land. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(region|project_id|job_id|version_id)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? encodeURIComponent(values[name] ?? '') : whole,
  );
}

export function consoleLinks(options: ConsoleLinkOptions): ConsoleLinks {
  const fromHost = endpointCloud(options.endpoint);
  const configured = options.region?.trim() ? options.region.trim().toLowerCase() : null;
  const region = fromHost.region ?? configured ?? 'eu-de';
  const cloud: Cloud = fromHost.cloud ?? (OTC_REGIONS.has(region) ? 'otc' : 'huawei');
  const v1Template = options.v1Template?.trim() || `${CONSOLE_BASE[cloud]}${V1_ROUTE}`;
  const v2Template = options.v2Template?.trim() || `${CONSOLE_BASE[cloud]}${V2_ROUTE}`;
  const projectId = options.projectId;
  const runUrl = (ref: RunRef): string =>
    ref.api === 'v1'
      ? fillTemplate(v1Template, { region, project_id: projectId, job_id: ref.jobId, version_id: ref.versionId })
      : fillTemplate(v2Template, { region, project_id: projectId, job_id: ref.jobId });
  return {
    cloud,
    region,
    v1Template,
    v2Template,
    runUrl,
    withConsoleUrl: (run) => ({ ...run, consoleUrl: runUrl(run.ref) }),
    parse: (url) => parseConsoleLink(url, [v1Template, v2Template]),
  };
}

// -------------------------------------------------------------------------------------------------------------------
// Reading links back

const V1_ID = '\\d{1,19}';
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The ids a link names, normalised: UUIDs lower case (as ModelArts issues them), a UUID never with a version. */
function linked(jobId: string, versionId: string | null): LinkedJob | null {
  const lower = jobId.toLowerCase();
  if (isV2JobId(lower)) return { jobId: lower, versionId: null };
  return new RegExp(`^${V1_ID}$`).test(jobId) ? { jobId, versionId } : null;
}

function fromTemplate(url: string, template: string): LinkedJob | null {
  if (!template.includes('{job_id}')) return null;
  const names: string[] = [];
  const pattern = escapeRegExp(template).replace(/\\\{(region|project_id|job_id|version_id)\\\}/g, (_m, name) => {
    names.push(name as string);
    if (name === 'job_id') return `(${V1_ID}|${UUID})`;
    return name === 'version_id' ? `(${V1_ID})` : '([^/?#&]*)';
  });
  const m = new RegExp(`^${pattern}(?:$|[^0-9A-Za-z-])`).exec(url);
  const jobId = m?.[names.indexOf('job_id') + 1];
  if (!m || !jobId) return null;
  const vIndex = names.indexOf('version_id');
  return linked(jobId, vIndex >= 0 ? (m[vIndex + 1] ?? null) : null);
}

function templateHost(template: string): string {
  try {
    return new URL(template.replace(/\{[a-z_]+\}/g, 'x')).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * Reads a job (and version) out of a ModelArts console link: the configured templates first, then the routes the
 * Huawei and OTC consoles are known to use (`#/trainingJobs/details/<id>`, `#/training/detail/<id or UUID>`,
 * `?jobId=`, `versionId=`), on a console host or a template's host.
 */
export function parseConsoleLink(rawUrl: string, templates: readonly string[]): LinkedJob | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  for (const template of templates) {
    const viaTemplate = fromTemplate(rawUrl, template);
    if (viaTemplate) return viaTemplate;
  }
  const host = url.hostname.toLowerCase();
  if (!templates.some((t) => templateHost(t) === host) && !/(^|\.)console[.-]/.test(host)) return null;
  const whole = safeDecode(`${url.pathname}${url.search}${url.hash}`);
  if (!/modelarts/i.test(whole) && !/modelarts/i.test(host)) return null;
  const idPattern = `(${UUID}|${V1_ID})`;
  const job =
    new RegExp(`(?:trainingJobs|training-jobs|training)\\/details?\\/${idPattern}(?:[^0-9A-Za-z-]|$)`, 'i').exec(
      whole,
    )?.[1] ?? new RegExp(`[?&#]job_?id=${idPattern}(?:[^0-9A-Za-z-]|$)`, 'i').exec(whole)?.[1];
  if (!job) return null;
  const version =
    /[?&#]version_?id=(\d{1,19})(?:\D|$)/i.exec(whole)?.[1] ?? /\/versions?\/(\d{1,19})(?:\D|$)/i.exec(whole)?.[1];
  return linked(job, version ?? null);
}
