/**
 * Training logs, generated on demand from the version's seed and state (nothing is stored, so 10,000 versions cost no
 * memory). Each line has a 19-digit cursor like ModelArts' aom-log (`1551252759254000002`): the line's epoch-ms
 * timestamp times 10^6 plus its index, so cursors are stable while a run grows and strictly increasing.
 */
import { trainingJobStatus } from '../../src/modelarts/statuses.js';
import type { SimJob, SimVersion } from './model.js';

/** One body line per 10 s of running time. */
const LINE_INTERVAL_MS = 10_000;
const MAX_BODY_LINES = 5_000;
const CURSOR_FACTOR = 1_000_000n;

export function logFileNames(job: SimJob, v: SimVersion): string[] {
  return Array.from({ length: Math.max(1, v.worker_server_num) }, (_, i) => `${job.job_name}.${i}`);
}

/** Whether the version has produced a log yet (it has, once it started running or finished). */
export function hasLog(v: SimVersion): boolean {
  return v.start_time > 0;
}

/** A deterministic number in [0, 1) from a seed and an index (log and metric jitter). */
export function noise(seed: number, i: number): number {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

interface LogLine {
  cursor: bigint;
  text: string;
}

export interface VersionLog {
  count: number;
  line(index: number): LogLine;
  /** Index of the first line whose cursor is greater than `cursor` (count when none). */
  indexAfter(cursor: bigint): number;
}

function trailer(job: SimJob, v: SimVersion): string[] {
  const category = trainingJobStatus(v.status).category;
  if (category === 'succeeded') {
    return [
      `INFO:root:saving model to obs:/${v.train_url}`,
      `INFO:root:training finished, best checkpoint ${v.train_url}model/`,
      '[ModelArts Service Log]INFO: training job completed, exit code 0',
    ];
  }
  if (category === 'failed') {
    return [
      'Traceback (most recent call last):',
      `  File "/home/work/user-job-dir/${job.job_name}/train.py", line 142, in <module>`,
      '    main(args)',
      `  File "/home/work/user-job-dir/${job.job_name}/train.py", line 97, in main`,
      '    loss = train_one_epoch(model, loader, optimizer)',
      v.failureReason || 'RuntimeError: training process exited unexpectedly',
      `[ModelArts Service Log]ERROR: training job failed (status ${v.status}), exit code 1`,
    ];
  }
  if (category === 'cancelled') {
    return [
      '[ModelArts Service Log]INFO: received SIGTERM: the job was stopped by the user',
      '[ModelArts Service Log]INFO: training job stopped',
    ];
  }
  return [];
}

/** The log of one worker at simulator time `now`. */
export function versionLog(job: SimJob, v: SimVersion, worker: number, now: number): VersionLog {
  const terminal = trainingJobStatus(v.status).terminal;
  const until = terminal && v.end_time > 0 ? v.end_time : now;
  const bodyCount =
    v.start_time > 0
      ? Math.min(MAX_BODY_LINES, Math.floor(Math.max(0, until - v.start_time) / LINE_INTERVAL_MS) + 1)
      : 0;
  const tail = terminal && v.start_time > 0 ? trailer(job, v) : [];
  const count = bodyCount + tail.length;
  const epochs = Number(v.parameter.find((p) => p.label === 'max_epochs')?.value ?? 20) || 20;
  const lr = v.parameter.find((p) => p.label === 'learning_rate')?.value ?? 0.01;
  const seed = v.logSeed + worker * 7919;
  const prefix = v.worker_server_num > 1 ? `[worker-${worker}] ` : '';

  const bodyText = (i: number): string => {
    switch (i) {
      case 0:
        return `[ModelArts Service Log]INFO: ========== ${job.job_name} ${v.version_name} (version ${v.version_id}) ==========`;
      case 1:
        return `[ModelArts Service Log]INFO: engine ${v.engine.engine_name} ${v.engine.engine_version}, flavor ${v.flavor.spec_code}, workers ${v.worker_server_num}`;
      case 2:
        return `[ModelArts Service Log]INFO: downloading code from obs:/${v.app_url}`;
      case 3:
        return `[ModelArts Service Log]INFO: boot: python ${v.boot_file_url} --data_url=${v.data_url} --train_url=${v.train_url}`;
      default: {
        const step = (i - 3) * 20;
        const epoch = Math.min(epochs, 1 + Math.floor(step / 400));
        const loss = 2.3 * Math.exp(-(i - 3) / 250) + 0.05 + noise(seed, i) * 0.08;
        const acc = Math.min(0.999, 1 - loss / 2.5 + noise(seed, i + 1) * 0.02);
        const speed = 180 + noise(seed, i + 2) * 40;
        return `${prefix}INFO:root:epoch ${epoch}/${epochs} step ${step} loss=${loss.toFixed(4)} acc=${acc.toFixed(4)} lr=${lr} (${speed.toFixed(1)} samples/s)`;
      }
    }
  };
  const timeOf = (i: number): number =>
    i < bodyCount ? v.start_time + i * LINE_INTERVAL_MS : Math.max(until, v.start_time) + (i - bodyCount + 1);
  const cursorOf = (i: number): bigint => BigInt(timeOf(i)) * CURSOR_FACTOR + BigInt(i);

  return {
    count,
    line: (i) => ({
      cursor: cursorOf(i),
      text: i < bodyCount ? bodyText(i) : `${prefix}${tail[i - bodyCount] ?? ''}`,
    }),
    indexAfter: (cursor) => {
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cursorOf(mid) <= cursor) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
  };
}

export interface AomPage {
  lines: LogLine[];
}

/**
 * One aom-log page: without a cursor the newest `lines` lines; with one, `order=desc` gives the lines after it (newer)
 * and `order=asc` the lines before it (older), always oldest first.
 */
export function aomPage(log: VersionLog, lines: number, baseLine: bigint | null, order: 'asc' | 'desc'): LogLine[] {
  let from: number;
  let to: number;
  if (baseLine === null) {
    to = log.count;
    from = Math.max(0, to - lines);
  } else if (order === 'desc') {
    from = log.indexAfter(baseLine);
    to = Math.min(log.count, from + lines);
  } else {
    // Lines strictly before the cursor.
    let end = log.indexAfter(baseLine);
    if (end > 0 && log.line(end - 1).cursor === baseLine) end--;
    to = end;
    from = Math.max(0, to - lines);
  }
  const out: LogLine[] = [];
  for (let i = from; i < to; i++) out.push(log.line(i));
  return out;
}
