/**
 * v2 task logs and resource metrics, generated on demand from the job's seeds and state (nothing is stored). A failed
 * task's log ends the way real ones do: a Python traceback, then a few INFO lines from the shutdown, so the error is
 * never the last line. Metrics have one point a minute while the job runs, -1 where there is no data.
 */
import { noise } from '../logs.js';
import type { SimV2Job } from './model.js';

const LINE_INTERVAL_MS = 10_000;
const MAX_BODY_LINES = 50_000;
/** The console shows at most 3 days of metrics (notes v2 §12). */
const MAX_METRIC_POINTS = 3 * 24 * 60;

export function taskIndex(job: SimV2Job, task: string): number | null {
  const m = /^worker-(\d+)$/.exec(task);
  const index = m ? Number(m[1]) : -1;
  return index >= 0 && index < job.node_count && `worker-${index}` === task ? index : null;
}

function ending(job: SimV2Job, task: string): string[] {
  const service = '[ModelArts Service Log]INFO:';
  switch (job.phase) {
    case 'Completed':
      return [
        `INFO:root:training finished, saving the model to obs:/${job.outputs[0]?.obs_url ?? '/output/'}`,
        `${service} uploading outputs to OBS`,
        `${service} task ${task} exited with code 0`,
      ];
    case 'Failed': {
      const failure = job.failure ?? job.failurePlan;
      if (failure.task !== task) {
        return [
          `${service} received SIGTERM: task ${failure.task} failed, stopping the other tasks`,
          `${service} task ${task} exited with code 143`,
        ];
      }
      const script = job.boot_file.replace(/^obs:\/\/?[^/]+/, '/home/ma-user/modelarts/user-job-dir');
      return [
        'Traceback (most recent call last):',
        `  File "${script}", line 214, in <module>`,
        '    main(parse_args())',
        `  File "${script}", line 171, in main`,
        '    loss = train_one_epoch(model, loader, optimizer, scaler)',
        failure.exception,
        'INFO:root:closing dataloader workers',
        `${service} uploading logs to OBS`,
        `${service} task ${task} exited with code ${failure.exit_code}`,
      ];
    }
    case 'Terminating':
    case 'Terminated':
      return [`${service} received SIGTERM: the job was stopped by the user`, `${service} task ${task} stopped`];
    default:
      return [];
  }
}

/** The whole log of one task at `now`, or null when the task has not logged anything yet. */
export function taskLog(job: SimV2Job, task: string, now: number): string | null {
  const index = taskIndex(job, task);
  if (index === null || job.start_time <= 0) return null;
  const until = job.end_time > 0 ? job.end_time : now;
  const bodyLines = Math.min(MAX_BODY_LINES, Math.floor(Math.max(0, until - job.start_time) / LINE_INTERVAL_MS) + 1);
  const params = Object.fromEntries(job.parameters.map((p) => [p.name, p.value]));
  const epochs = Number(params.epochs ?? 30) || 30;
  const seed = job.logSeed + index * 7919;
  const lines = [
    `[ModelArts Service Log][init] training job ${job.name} (${job.id}), task ${task} of ${job.node_count}`,
    `[ModelArts Service Log][init] flavor ${job.flavor.flavor_id}, engine ${job.engine.engine_version}`,
    `[ModelArts Service Log][init] downloading code from ${job.code_dir}`,
    `[ModelArts Service Log]INFO: python ${job.boot_file} ${job.parameters.map((p) => `--${p.name}=${p.value}`).join(' ')}`,
  ];
  for (let i = 0; i < bodyLines; i++) {
    const step = (i + 1) * 20;
    const epoch = Math.min(epochs, 1 + Math.floor(step / 500));
    const loss = 2.2 * Math.exp(-i / 300) + 0.04 + noise(seed, i) * 0.07;
    const speed = 210 + noise(seed, i + 1) * 45;
    lines.push(
      `INFO:root:[${task}] epoch ${epoch}/${epochs} step ${step} loss=${loss.toFixed(4)} (${speed.toFixed(1)} samples/s)`,
    );
  }
  lines.push(...ending(job, task));
  return `${lines.join('\n')}\n`;
}

/** The preview: the whole log under the cap, else its newest `cap` bytes from the first whole line (notes v2 §7). */
export function logPreview(log: string, cap: number): { content: string; current_size: number; full_size: number } {
  const bytes = Buffer.from(log, 'utf8');
  if (bytes.length <= cap) return { content: log, current_size: bytes.length, full_size: bytes.length };
  let tail = bytes.subarray(bytes.length - cap);
  const newline = tail.indexOf(0x0a);
  if (newline >= 0 && newline < tail.length - 1) tail = tail.subarray(newline + 1);
  return { content: tail.toString('utf8'), current_size: tail.length, full_size: bytes.length };
}

const METRICS = ['cpuUsage', 'memUsage', 'gpuUtil', 'gpuMemUsage', 'npuUtil', 'npuMemUsage'] as const;

/** The six series for one task, or null before the job ran (ModelArts.2777). */
export function taskMetrics(
  job: SimV2Job,
  task: string,
  now: number,
): Array<{ metric: string; value: number[] }> | null {
  const index = taskIndex(job, task);
  if (index === null || job.start_time <= 0) return null;
  const until = job.end_time > 0 ? job.end_time : now;
  const count = Math.min(MAX_METRIC_POINTS, Math.floor(Math.max(0, until - job.start_time) / 60_000) + 1);
  const hasGpu = job.flavor.gpu !== undefined || job.flavor.pool !== undefined;
  const hasNpu = job.flavor.npu !== undefined;
  const ranges: Record<(typeof METRICS)[number], [number, number] | null> = {
    cpuUsage: [15, 90],
    memUsage: [8, 65],
    gpuUtil: hasGpu ? [55, 99] : null,
    gpuMemUsage: hasGpu ? [35, 92] : null,
    npuUtil: hasNpu ? [50, 98] : null,
    npuMemUsage: hasNpu ? [30, 90] : null,
  };
  return METRICS.map((metric, m) => {
    const range = ranges[metric];
    const value = Array.from({ length: count }, (_, i) => {
      // The first minute has no sample yet, as in the reference's sample.
      if (!range || i === 0) return -1;
      const [lo, hi] = range;
      return Math.round((lo + noise(job.metricsSeed + index * 31 + m, i) * (hi - lo)) * 10) / 10;
    });
    return { metric, value };
  });
}
