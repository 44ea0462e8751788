/**
 * Pieces shared by every message about a run (lookup card, unfurl, list rows, alert card, thread reply, project
 * failure): titles and ids, the status phrase, the spec line and the buttons; the metric lines are in run-metrics.ts.
 * They read the domain model (JobRun) only; the one place the API shows is how ids are worded ("job 10 · version 12"
 * vs a short UUID). Each returns escaped mrkdwn unless its name says plain.
 */
import type { Button } from '@slack/types';
import {
  type Accelerators,
  type JobRun,
  type ListedRun,
  type RunRef,
  type RunStatus,
  refFromParts,
  refParts,
} from '../../modelarts/index.js';
import { type StatusInfo, trainingJobStatus } from '../../modelarts/statuses.js';
import { ACTION } from '../ids.js';
import { codeSpan, escapeInline } from '../mrkdwn.js';
import { jobRefValue, linkActionId, shareValue } from './action-values.js';
import {
  formatBytes,
  formatDateTime,
  formatDuration,
  formatInteger,
  formatNumber,
  formatRelative,
  formatTook,
  plural,
} from './format.js';
import { button, joinParts } from './kit.js';
import type { RenderContext } from './types.js';

/** An id for display: digits as they are, anything odd (NaN, 1e+300) still readable. */
export function showId(id: number | string | null | undefined): string {
  if (id === null || id === undefined) return '?';
  if (typeof id === 'number')
    return Number.isFinite(id) ? (Number.isSafeInteger(id) ? String(id) : id.toExponential()) : '?';
  return escapeInline(id, 40);
}

/** A usable decimal id (visualization jobs' button values), or null. */
export function idString(id: number | string | null | undefined): string | null {
  if (typeof id === 'number') return Number.isSafeInteger(id) && id >= 0 ? String(id) : null;
  if (typeof id === 'string') return /^\d{1,19}$/.test(id) ? id : null;
  return null;
}

/** A v1 status code's table entry: visualization jobs, which are not runs, still carry the v1 codes. */
export function statusInfo(code: number): StatusInfo {
  return trainingJobStatus(code);
}

export function capitalize(text: string): string {
  return text.length > 0 ? `${text[0]?.toUpperCase()}${text.slice(1)}` : text;
}

// --- ids and titles ------------------------------------------------------------------------------------------------

/** A v2 job id shortened for titles: the first block of the UUID, as the console shows it. */
function shortUuid(id: string): string {
  return id.slice(0, 8);
}

/**
 * The run's ids in words: "job 10 · version 12" (v1) or "job 6f1c2a3e-…" (v2; `short` gives the first block only).
 * `sep` joins job and version ("job 10, version 12" in titles); `plain` leaves them unescaped (fallback texts).
 */
export function idWords(ref: RunRef, opts: { sep?: string; short?: boolean; plain?: boolean } = {}): string {
  const esc = (id: string) => (opts.plain ? id : escapeInline(id, 40));
  if (ref.api === 'v2') return `job ${esc(opts.short ? shortUuid(ref.jobId) : ref.jobId)}`;
  return `job ${esc(ref.jobId)}${opts.sep ?? ' · '}version ${esc(ref.versionId)}`;
}

/** The same for a list row that may not know its run (UnnamedRun). */
export function listedIdWords(run: ListedRun): string | null {
  if (run.ref !== null) return idWords(run.ref, { short: true });
  return (
    joinParts([
      run.jobId !== null ? `job ${escapeInline(run.jobId, 30)}` : null,
      run.versionId !== null ? `version ${escapeInline(run.versionId, 30)}` : null,
    ]) || null
  );
}

type Titled = Pick<JobRun, 'name' | 'versionName'> & {
  ref: RunRef | null;
  jobId?: string | null;
  versionId?: string | null;
};

function titleParts(run: Titled): {
  name: string | null;
  version: string | null;
  jobId: string;
  versionId: string | null;
} {
  const jobId = run.ref ? (run.ref.api === 'v2' ? shortUuid(run.ref.jobId) : run.ref.jobId) : (run.jobId ?? '?');
  const versionId = run.ref ? (run.ref.api === 'v1' ? run.ref.versionId : null) : (run.versionId ?? null);
  return {
    name: run.name?.trim() ? run.name : null,
    version: run.versionName?.trim() ? run.versionName : null,
    jobId,
    versionId,
  };
}

/** "*TestModelArtsJob* · jobVersion"; a v2 job has no version part. Names escaped and capped. */
export function runTitle(run: Titled): string {
  const t = titleParts(run);
  const name = t.name !== null ? escapeInline(t.name, 150) : `job ${escapeInline(t.jobId, 40)}`;
  if (t.version === null && t.versionId === null) return `*${name}*`;
  const version = t.version !== null ? escapeInline(t.version, 80) : `version ${escapeInline(t.versionId ?? '', 30)}`;
  return `*${name}* · ${version}`;
}

/** Plain (unescaped) title for fallback texts. */
export function plainRunTitle(run: Titled): string {
  const t = titleParts(run);
  const name = t.name !== null ? t.name.slice(0, 150) : `job ${t.jobId}`;
  if (t.version === null && t.versionId === null) return name;
  return `${name} · ${t.version !== null ? t.version.slice(0, 80) : `version ${t.versionId}`}`;
}

/** The title line of a card: "🟢 *name* · version  (job 10, version 12)". */
export function titleLine(run: JobRun): string {
  return `${run.status.emoji} ${runTitle(run)}  (${idWords(run.ref, { sep: ', ', short: true })})`;
}

/** "status 11 JOBSTAT_FAILED" (v1: code and name), "status Failed" (v2: the phase is both). */
export function statusIdText(status: RunStatus): string {
  const name = status.name === status.key ? '' : ` ${escapeInline(status.name, 40)}`;
  // The v2 secondary phase (`Queuing`, `CreateFailed`) beside the phase it refines.
  const detail = status.detail ? ` (${escapeInline(status.detail, 40)})` : '';
  return `status ${escapeInline(status.key, 40)}${name}${detail}`;
}

// --- status and time ----------------------------------------------------------------------------------------------

type Timed = Pick<JobRun, 'status' | 'durationMs' | 'startedAt' | 'createdAt'>;

/**
 * The run time: the reported duration, or (while running) the time since start. An ended run that reports 0 ran
 * for no time at all (ModelArts' "never started"); formatTook words that, never "after 0 s".
 */
export function elapsed(run: Timed, now: Date): number | null {
  const d = run.durationMs;
  if (typeof d === 'number' && Number.isFinite(d) && d > 0) return d;
  if (run.status.category === 'running' && typeof run.startedAt === 'number' && Number.isFinite(run.startedAt)) {
    const ms = now.getTime() - run.startedAt;
    return ms >= 0 ? ms : null;
  }
  return d === 0 && run.status.terminal ? 0 : null;
}

/** How a duration reads after the status: "in 8 min" (succeeded), "for 2 h" (running), "after 3 min" (ended). */
export function durationWord(status: RunStatus): 'in' | 'for' | 'after' | null {
  switch (status.category) {
    case 'succeeded':
      return 'in';
    case 'running':
      return 'for';
    case 'failed':
    case 'cancelled':
      return 'after';
    default:
      return null;
  }
}

/** "8 min 52 s": how long the run ran, when known and at least a second (a zero is not a run time). */
export function runTime(run: Timed, now: Date): string | null {
  const ms = elapsed(run, now);
  return ms !== null && ms >= 1000 ? formatDuration(ms) : null;
}

/** "in 8 min 52 s", "for 2 h 4 min", "after 3 min", "at once" (a failure that never ran): how long the run took. */
export function tookPhrase(run: Timed, now: Date): string | null {
  const word = durationWord(run.status);
  return word === null ? null : formatTook(elapsed(run, now), word);
}

/** "*Completed* in 8 min 52 s", "*Running* for 2 h 4 min", "*Failed* after 3 min", "*Waiting*". */
export function statusPhrase(run: Timed, now: Date): string {
  const label = `*${capitalize(run.status.label)}*`;
  const took = tookPhrase(run, now);
  return took ? `${label} ${took}` : label;
}

/** "completed in 8 min 52 s" in plain words (fallback texts, replies). */
export function plainOutcome(run: Timed, now: Date): string {
  const took = tookPhrase(run, now);
  return took ? `${run.status.label} ${took}` : run.status.label;
}

/** "started 15 Jul 2019 08:32" or "created 3 h ago", in the viewer's zone. */
export function startedPhrase(run: Timed, ctx: RenderContext): string | null {
  const at = (ms: number | null) => {
    const absolute = formatDateTime(ms, ctx.timeZone);
    if (absolute === null || ms === null) return null;
    const age = ctx.now.getTime() - ms;
    const relative = age >= 0 && age < 48 * 3600_000 ? formatRelative(ms, ctx.now, ctx.timeZone) : null;
    return relative ? `${absolute} (${relative})` : absolute;
  };
  const started = at(run.startedAt);
  if (started) return `started ${started}`;
  const created = at(run.createdAt);
  return created ? `created ${created}` : null;
}

// --- resources ----------------------------------------------------------------------------------------------------

/** "8 × V100", "8 GPUs", "GPU GP-Vnt1"; null when there are none or nothing is known. */
export function acceleratorText(acc: Accelerators | null): string | null {
  if (acc === null || acc.count === 0) return null;
  const type = acc.type?.trim() ? acc.type.trim() : null;
  if (acc.count === null || !Number.isFinite(acc.count) || acc.count < 0) return type ? `${acc.kind} ${type}` : null;
  const n = formatInteger(acc.count);
  if (type) return `${n} × ${type}`;
  return `${n} ${acc.kind}${acc.count === 1 ? '' : 's'}`;
}

/** "PyTorch 1.8.0", or the custom image it runs. */
export function engineText(run: Pick<JobRun, 'engine' | 'image'>): string | null {
  if (run.engine) return escapeInline(run.engine, 120);
  if (run.image) return `custom image ${codeSpan(run.image, 160)}`;
  return null;
}

/** "PyTorch 1.8.0 · 2 × P100 · 2 cores · 8 GB · 1 worker · pool p100 · modelarts.p3.large" */
export function specLine(run: Pick<JobRun, 'engine' | 'image' | 'resources'>): string | null {
  const r = run.resources;
  const accelerators = acceleratorText(r.accelerators);
  const cores =
    r.cpuCores !== null && Number.isFinite(r.cpuCores)
      ? `${formatNumber(r.cpuCores)} core${r.cpuCores === 1 ? '' : 's'}`
      : null;
  const memory = formatBytes(r.memoryBytes);
  const nodes = r.nodes !== null && Number.isFinite(r.nodes) && r.nodes > 0 ? plural(r.nodes, 'worker') : null;
  const line = joinParts([
    engineText(run),
    accelerators ? escapeInline(accelerators, 60) : null,
    cores,
    memory,
    nodes,
    r.pool ? `pool ${escapeInline(r.pool, 60)}` : null,
    r.flavor ? escapeInline(r.flavor, 60) : null,
  ]);
  return line === '' ? null : line;
}

// --- buttons ------------------------------------------------------------------------------------------------------

/**
 * The value a Refresh, Watch or Details button carries for the run; null for ids a button could not carry back
 * (a record with ids ModelArts cannot have), so such a button is not offered.
 */
export function runValue(ref: RunRef): string | null {
  const { jobId, versionId } = refParts(ref);
  return refFromParts(jobId, versionId) === null ? null : jobRefValue.encode(ref);
}

export function refreshButton(ref: RunRef, text = '↻ Refresh', actionId: string = ACTION.jobRefresh): Button | null {
  const value = runValue(ref);
  return value === null ? null : button({ text, actionId, value });
}

/** Details on a list row: opens the run card beside the list. */
export function detailsButton(ref: RunRef): Button | null {
  const value = runValue(ref);
  return value === null ? null : button({ text: 'Details', actionId: ACTION.jobDetails, value });
}

export function watchButton(ref: RunRef): Button | null {
  const value = runValue(ref);
  return value === null ? null : button({ text: '👁 Watch', actionId: ACTION.jobWatch, value });
}

/** The run's console page; none without a link. */
export function consoleButton(run: Pick<JobRun, 'consoleUrl'>, text = 'Console'): Button | null {
  return run.consoleUrl ? button({ text, actionId: linkActionId('console'), url: run.consoleUrl }) : null;
}

export function tensorboardButton(url: string | null | undefined): Button | null {
  return url
    ? button({ text: 'Open TensorBoard', actionId: linkActionId('tensorboard'), url, style: 'primary' })
    : null;
}

export function shareRunButton(ref: RunRef): Button | null {
  if (runValue(ref) === null) return null;
  return button({ text: 'Share in channel', actionId: ACTION.share, value: shareValue.encode({ kind: 'job', ref }) });
}
