/**
 * Reading a run's log for the people looking at it: the end of it (v1: the aom-log of the first log file; v2: the
 * failed task's log preview) and, for a failed run, the failure it explains. The lookups read the log only for
 * failed runs, so a card of a running job costs no log request.
 */
import type { ModelArtsApi } from './api.js';
import type { CallOptions } from './client.js';
import { failureFromLog, neverStarted } from './failure-reason.js';
import type { JobRun, RunRef } from './job-run.js';

/** aom-log answers at most 500 lines a request. */
export const LOG_LINES_MAX = 500;
/** Lines kept of one log line: enough for any exception, not a megabyte tensor dump. */
const LINE_CHARS_MAX = 500;

type LogApi = Pick<ModelArtsApi, 'getLogFileNames' | 'getAomLog' | 'getTaskLogPreview'>;

function splitLog(content: string, lines: number): string[] | null {
  const kept = content
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  return kept.length > 0 ? kept.slice(-lines).map((l) => l.slice(0, LINE_CHARS_MAX)) : null;
}

/**
 * The last `lines` lines (at most LOG_LINES_MAX) of a run's log, oldest first; null when it has not logged. A v2 run
 * is read on `task` (the failed task, when known), else its first task.
 */
export async function readLogTail(
  api: LogApi,
  ref: RunRef,
  lines: number,
  call?: CallOptions,
  task: string | null = null,
): Promise<string[] | null> {
  const wanted = Math.max(1, Math.min(LOG_LINES_MAX, lines));
  if (ref.api === 'v1') {
    const file = (await api.getLogFileNames(ref.jobId, ref.versionId, call))[0];
    if (!file) return null;
    const log = await api.getAomLog(ref.jobId, ref.versionId, { log_file: file, lines: wanted }, call);
    return splitLog(log.content, wanted);
  }
  if (!task) return null;
  const preview = await api.getTaskLogPreview(ref.jobId, task, call);
  return splitLog(preview.content, wanted);
}

/** The task whose log explains a v2 run: the one its record blames, else the first. */
export function logTask(run: Pick<JobRun, 'failure' | 'tasks'>): string | null {
  return run.failure?.task ?? run.tasks[0] ?? null;
}

/** Whether a run has a log worth reading for a failure: it failed after it started. */
export function failedWithLog(run: Pick<JobRun, 'status'>): boolean {
  return run.status.category === 'failed' && !neverStarted(run.status);
}

/**
 * The run with its failure read from the end of its log, when it failed; any other run is returned as it is. A log
 * that cannot be read leaves what the record and the status say: a card never fails for want of its log.
 */
export async function withLogFailure(
  api: LogApi,
  run: JobRun,
  lines: number,
  call?: CallOptions,
  onError?: (err: unknown) => void,
): Promise<JobRun> {
  if (run.status.category !== 'failed') return run;
  let log: string[] | null = null;
  if (failedWithLog(run)) {
    try {
      log = await readLogTail(api, run.ref, lines, call, logTask(run));
    } catch (err) {
      onError?.(err);
    }
  }
  return { ...run, failure: failureFromLog(log, run) };
}
