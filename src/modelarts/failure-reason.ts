/**
 * Why a run failed, read from what ModelArts gives: the log (the exception a Python traceback ends with, CUDA
 * out-of-memory, NCCL/HCCL timeouts, `Killed`, ERROR lines, exit codes), the failure the run's record already names
 * (task message, running record, event: see `from-v2.ts`) and the status's own meaning ("image build failed").
 *
 * A person reads the reason first, then a handful of lines around the error: a failed run's log usually ends with
 * shutdown chatter after the exception and starts with thousands of INFO loss lines, so neither its head nor its
 * tail is the evidence. Pure: the poller, the lookups and the renderers call it on lines they already hold.
 */
import type { JobRun, RunFailure, RunStatus } from './job-run.js';

/** At most this many log lines go with a reason (a thread reply, a card). */
export const EXCERPT_MAX_LINES = 8;
/** Longer lines are cut: a reason is one line, and a 10 kB tensor dump is not evidence. */
const LINE_MAX = 300;

/** What kind of evidence a log line is, strongest first. */
type Evidence = 'exception' | 'specific' | 'error' | 'exit';
const RANK: Readonly<Record<Evidence, number>> = { exception: 0, specific: 1, error: 2, exit: 3 };

export interface LogError {
  /** The line a person reads first, without worker tags and timestamps. */
  reason: string;
  kind: Evidence;
  /** Index of the reason's line in the input. */
  index: number;
  /** The last non-zero exit code the log states, if any. */
  exitCode: number | null;
  /** The task a `[worker-N]` tag names on the reason's line. */
  task: string | null;
  /** The lines around the error, at most EXCERPT_MAX_LINES, in log order. */
  excerpt: string[];
}

const TASK_TAG = /^\s*\[((?:worker|launcher|ps|chief)-\d+)\]\s*/i;
/** The tag and the one space after it, keeping a traceback frame's indentation. */
const TASK_PREFIX = /^\[(?:worker|launcher|ps|chief)-\d+\] ?/i;
// `2024-05-01 10:00:00,123`, `[2024-05-01T10:00:00.123Z]`, `2024/05/01 10:00:00` and a trailing separator.
const TIMESTAMP =
  /^\s*\[?\d{4}[-/]\d{2}[-/]\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?\s*(?:[-|:]\s*)?/;
const SERVICE_TAG = /^\s*\[ModelArts Service Log\]\s*/i;

/** The line without the tags that say where it came from (worker, time, the platform's own prefix). */
export function bareLine(line: string): string {
  let s = line;
  for (let i = 0; i < 3; i++) {
    const next = s.replace(TASK_TAG, '').replace(TIMESTAMP, '').replace(SERVICE_TAG, '');
    if (next === s) break;
    s = next;
  }
  return s.trim();
}

const TRACEBACK = /^Traceback \(most recent call last\):?$/;
/** `RuntimeError: …`, `torch.cuda.OutOfMemoryError: …`, `obs.ObsException: …`, `KeyboardInterrupt`. */
const EXCEPTION_LINE = /^(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Fault)\b(?::\s.*|:?$)/;
const SPECIFIC: readonly RegExp[] = [
  /CUDA out of memory|CUDA error: out of memory|OutOfMemoryError|CUBLAS_STATUS_ALLOC_FAILED/i,
  /\b(?:NCCL|HCCL)\b.*(?:error|timeout|timed out|abort)|Watchdog caught collective operation timeout/i,
  /^Killed\b|\bOOMKilled\b|\bkilled by signal (?:9|SIGKILL)\b|\bOut of memory: Killed process\b/i,
  /Segmentation fault|core dumped|\bSIGSEGV\b|\bSIGABRT\b/i,
];
const ERROR_LINE = /(?:^|[\s[:(])(?:ERROR|FATAL|CRITICAL)\b|^E\d{4} /;
const EXIT_CODE = /exit(?:ed)?\s+(?:with\s+)?(?:status|code)\s*[:=]?\s*(-?\d{1,3})\b/i;
/** Lines that say "it failed" and nothing else: never the reason when anything better exists. */
const GENERIC = /training job (?:failed|exited)|job failed\.?$|^ERROR:?\s*$/i;
/**
 * Every line any rule above can match contains one of these words: one cheap test lets the INFO lines, nearly all of a
 * log, through without running each rule on them.
 */
const CANDIDATE =
  /error|exception|exit|interrupt|fault|traceback|cuda|memory|cublas|nccl|hccl|watchdog|kill|segmentation|core dumped|sig(?:segv|abrt)|fatal|critical|\bE\d{4} /i;
/** Lines scanned at most, from the end: the error is near the end, and a card must not stall on a huge log. */
const SCAN_MAX = 2_000;
/** Progress chatter that buries the error. */
const NOISE = /(?:^|[\s:])(?:INFO|DEBUG)\b|^\s*$/;

function exitCodeOf(line: string): number | null {
  const m = EXIT_CODE.exec(line);
  return m ? Number(m[1]) : null;
}

function classify(bare: string): Evidence | null {
  if (SPECIFIC.some((re) => re.test(bare))) return 'specific';
  if (EXCEPTION_LINE.test(bare)) return 'exception';
  if (ERROR_LINE.test(bare) && !GENERIC.test(bare)) return 'error';
  const code = exitCodeOf(bare);
  if (code !== null && code !== 0) return 'exit';
  return null;
}

function clip(line: string): string {
  return line.length > LINE_MAX ? `${line.slice(0, LINE_MAX - 1)}…` : line;
}

/** The exception line of the traceback starting at `start`: the first unindented line after its frames. */
function tracebackEnd(lines: readonly string[], start: number): number | null {
  for (let i = start + 1; i < lines.length; i++) {
    const raw = (lines[i] ?? '').replace(TASK_PREFIX, '');
    if (raw.trim() === '' || /^\s/.test(raw)) continue;
    return TRACEBACK.test(bareLine(raw)) ? null : i;
  }
  return null;
}

/**
 * The strongest error in the log and the lines around it, or null when the log names none. A traceback's final
 * exception wins over everything; otherwise the last specific failure (OOM, NCCL, Killed), then the last ERROR
 * line, then an exit code line.
 */
export function findLogError(lines: readonly string[]): LogError | null {
  let best: { kind: Evidence; index: number; tracebackStart: number | null } | null = null;
  let exitCode: number | null = null;
  let lastTraceback: number | null = null;
  for (let i = Math.max(0, lines.length - SCAN_MAX); i < lines.length; i++) {
    if (!CANDIDATE.test(lines[i] ?? '')) continue;
    const bare = bareLine(lines[i] ?? '');
    if (TRACEBACK.test(bare)) {
      lastTraceback = i;
      continue;
    }
    const code = exitCodeOf(bare);
    if (code !== null && code !== 0) exitCode = code;
    const kind = classify(bare);
    if (kind === null) continue;
    if (best === null || RANK[kind] <= RANK[best.kind]) best = { kind, index: i, tracebackStart: null };
  }
  if (lastTraceback !== null) {
    const end = tracebackEnd(lines, lastTraceback);
    // The final exception of the last traceback is the error, even in an unusual form (`Killed: …`).
    if (end !== null && (best === null || best.kind !== 'specific' || best.index <= end)) {
      best = { kind: 'exception', index: end, tracebackStart: lastTraceback };
    }
  }
  if (best === null) return null;
  const line = lines[best.index] ?? '';
  return {
    reason: clip(bareLine(line)),
    kind: best.kind,
    index: best.index,
    exitCode,
    task: TASK_TAG.exec(line)?.[1]?.toLowerCase() ?? null,
    excerpt: excerptAround(lines, best.index, best.tracebackStart),
  };
}

/**
 * Up to EXCERPT_MAX_LINES lines for the error at `index`: the traceback's last frames (or the non-INFO lines just
 * before it), the error, then at most two error or exit lines after it. INFO progress lines are left out.
 */
function excerptAround(lines: readonly string[], index: number, tracebackStart: number | null): string[] {
  const after: number[] = [];
  for (let i = index + 1; i < lines.length && i <= index + 4 && after.length < 2; i++) {
    const bare = bareLine(lines[i] ?? '');
    if (bare !== '' && (classify(bare) !== null || GENERIC.test(bare))) after.push(i);
  }
  const room = EXCERPT_MAX_LINES - 1 - after.length;
  const before: number[] = [];
  if (tracebackStart !== null) {
    // The header, then the frames nearest the exception.
    const frames = index - tracebackStart - 1;
    const kept = Math.min(frames, room - 1);
    before.push(tracebackStart);
    for (let i = index - kept; i < index; i++) before.push(i);
  } else {
    for (let i = index - 1; i >= 0 && before.length < Math.min(3, room); i--) {
      const bare = bareLine(lines[i] ?? '');
      if (bare === '' || NOISE.test(bare)) break;
      before.unshift(i);
    }
  }
  return [...before, index, ...after].map((i) => clip((lines[i] ?? '').trimEnd()));
}

/** What an exit code means when nothing else says why. */
export function exitCodeMeaning(code: number): string {
  if (code === 137 || code === -9) return `exited with code ${code} (killed: usually out of memory)`;
  if (code === 139 || code === -11) return `exited with code ${code} (segmentation fault)`;
  if (code === 143 || code === -15) return `exited with code ${code} (stopped by SIGTERM)`;
  if (code === 134 || code === -6) return `exited with code ${code} (aborted)`;
  return `exited with code ${code}`;
}

/** The reasons failure statuses carry by themselves, by status name (v1) or secondary phase (v2). */
const STATUS_REASONS: Readonly<Record<string, string>> = {
  JOBSTAT_IMAGE_FAILED: 'The image build failed: the job never started',
  JOBSTAT_SUBMIT_FAILED: 'ModelArts could not submit the job: it never started',
  JOBSTAT_DELETE_FAILED: 'Deleting the job failed',
  JOBSTAT_LOST: 'ModelArts lost track of the job (its node may have gone away)',
  JOBSTAT_SUBMIT_MODEL_FAILED: 'Submitting the model failed',
  JOBSTAT_DEPLOY_SERVICE_FAILED: 'Deploying the service failed',
  JOBSTAT_CHECK_FAILED: 'The job did not pass the review',
  MOUNT_FAILED: 'Storage could not be mounted: the job never started',
  CreateFailed: 'Creating the job failed: it never started',
  Lost: 'ModelArts lost track of the job (its node may have gone away)',
  TerminatedFailed: 'Stopping the job failed',
};

/** The failure a status states on its own (image build, mount, lost), or null when it only says "failed". */
export function statusFailure(status: RunStatus): RunFailure | null {
  if (status.category !== 'failed') return null;
  const reason = STATUS_REASONS[status.name] ?? (status.detail ? STATUS_REASONS[status.detail] : undefined);
  return reason ? { reason, source: 'status', exitCode: null, task: null, excerpt: null } : null;
}

/** Whether a status means the run never ran, so it has no log and no TensorBoard. */
export function neverStarted(status: RunStatus): boolean {
  return (
    /^(?:JOBSTAT_IMAGE_FAILED|JOBSTAT_SUBMIT_FAILED|MOUNT_FAILED)$/.test(status.name) ||
    status.detail === 'CreateFailed'
  );
}

/** What is known about why a failed run failed without its log: its record's failure, else its status's. */
export function knownFailure(run: Pick<JobRun, 'status' | 'failure'>): RunFailure | null {
  if (run.status.category !== 'failed') return run.failure;
  const own = run.failure;
  if (own?.reason) return own;
  const status = statusFailure(run.status);
  if (!own) return status;
  return status ? { ...own, reason: status.reason, source: 'status' } : own;
}

/** The last few lines of a log that names no error, so a person still sees how it ended. */
function lastLines(lines: readonly string[]): string[] {
  const meaningful = lines.filter((l) => l.trim() !== '' && !NOISE.test(bareLine(l)));
  const picked = meaningful.length > 0 ? meaningful : lines.filter((l) => l.trim() !== '');
  return picked.slice(-Math.min(5, EXCERPT_MAX_LINES)).map((l) => clip(l.trimEnd()));
}

/**
 * The failure of a failed run, given (some of) its log: the log's error when it names one (an exception or a
 * specific failure beats the record's message; a bare ERROR line beats all but a task message; an exit code only
 * fills in what is missing), with the lines around it as the excerpt. Runs that did not fail keep their `failure`.
 * No log (null or empty): what the record and the status say.
 */
export function failureFromLog(
  lines: readonly string[] | null,
  run: Pick<JobRun, 'status' | 'failure'>,
): RunFailure | null {
  const known = knownFailure(run);
  if (run.status.category !== 'failed' || !lines || lines.length === 0) return known;
  const found = findLogError(lines);
  const exitCode = found?.exitCode ?? known?.exitCode ?? null;
  const task = known?.task ?? found?.task ?? null;
  if (found === null) {
    return { reason: known?.reason ?? null, source: known?.source ?? null, exitCode, task, excerpt: lastLines(lines) };
  }
  const logWins =
    known?.reason == null ||
    found.kind === 'exception' ||
    found.kind === 'specific' ||
    (found.kind === 'error' && known.source !== 'task');
  if (logWins && found.kind !== 'exit') {
    return { reason: found.reason, source: 'log', exitCode, task: found.task ?? task, excerpt: found.excerpt };
  }
  const reason = known?.reason ?? (exitCode !== null ? exitCodeMeaning(exitCode) : found.reason);
  const source = known?.reason ? known.source : 'log';
  return { reason, source, exitCode, task, excerpt: found.excerpt };
}
