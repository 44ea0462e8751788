/**
 * The parts every surface shows for a failed run: the reason as one line (first, before anything else a person
 * would read), the few log lines around the error, and the buttons that make sense for the run's status.
 */
import type { Button, KnownBlock } from '@slack/types';
import { type JobRun, knownFailure, neverStarted, type RunFailure } from '../../modelarts/index.js';
import { ACTION } from '../ids.js';
import { codeBlock, codeSpan, escapeInline } from '../mrkdwn.js';
import { runValue } from './job-parts.js';
import { button, section } from './kit.js';

/** What ModelArts says about the failure beyond the reason: the exit code and the task, when the reason omits them. */
function extras(failure: RunFailure, reason: string): string[] {
  const out: string[] = [];
  if (failure.exitCode !== null && !new RegExp(`code\\s*[:=]?\\s*${failure.exitCode}\\b`).test(reason)) {
    out.push(`exit code ${failure.exitCode}`);
  }
  if (failure.task && !reason.includes(failure.task)) out.push(escapeInline(failure.task, 40));
  return out;
}

/**
 * The reason as mrkdwn: machine text (an exception, a task message) as code, the status's own sentence as words,
 * then the exit code and the task. Null when nothing says why.
 */
export function reasonText(failure: RunFailure | null, max = 300): string | null {
  if (!failure) return null;
  const reason = failure.reason?.trim() ?? '';
  if (reason === '') return failure.exitCode !== null ? `exit code ${failure.exitCode}` : null;
  const shown = failure.source === 'status' ? escapeInline(reason, max) : codeSpan(reason, max);
  return [shown, ...extras(failure, reason)].join(' · ');
}

/** The failure a renderer shows for a run: what its record (and log, when read) says, else its status's meaning. */
export function runFailure(run: Pick<JobRun, 'status' | 'failure'>): RunFailure | null {
  return run.status.category === 'failed' ? knownFailure(run) : null;
}

/** "*Why:* `RuntimeError: CUDA out of memory…` · exit code 1": the line a failed run shows first. */
export function reasonLine(run: Pick<JobRun, 'status' | 'failure'>, max = 300): string | null {
  const text = reasonText(runFailure(run), max);
  return text ? `*Why:* ${text}` : null;
}

/** The log lines around the error (at most a handful, see failure-reason.ts) as one code block. */
export function excerptBlock(failure: RunFailure | null, max = 2000): KnownBlock | null {
  const lines = (failure?.excerpt ?? []).filter((l) => typeof l === 'string');
  if (lines.length === 0) return null;
  const body = codeBlock(lines.join('\n'), max - 10, 'end');
  return body ? section(body, { max }) : null;
}

/** Whether the run has a log a person may want to read: it ran (or failed while running), and it is over. */
export function hasLogs(run: Pick<JobRun, 'status' | 'startedAt'>): boolean {
  if (!run.status.terminal || neverStarted(run.status)) return false;
  return run.startedAt !== null || run.status.category === 'failed';
}

/** Opens the run's log in a modal: offered on ended runs that ran. */
export function logsButton(run: Pick<JobRun, 'ref' | 'status' | 'startedAt'>): Button | null {
  const value = runValue(run.ref);
  return value !== null && hasLogs(run) ? button({ text: '📄 Logs', actionId: ACTION.jobLogs, value }) : null;
}

/** Watching makes sense while the run can still change. */
export function canWatch(run: Pick<JobRun, 'status'>): boolean {
  return !run.status.terminal;
}

/** A run that never started has no TensorBoard, whatever reads the same output path. */
export function canHaveTensorboard(run: Pick<JobRun, 'status'>): boolean {
  return !neverStarted(run.status);
}
