import { describe, expect, it } from 'vitest';
import {
  EXCERPT_MAX_LINES,
  failureFromLog,
  findLogError,
  knownFailure,
  neverStarted,
  statusFailure,
} from '../../src/modelarts/failure-reason.js';
import { emptyRun, type JobRun, type RunFailure, v1Status, v2Status } from '../../src/modelarts/job-run.js';
import { versionLog } from '../../tools/simulator/logs.js';
import { createRandom } from '../../tools/simulator/random.js';
import { seedData } from '../../tools/simulator/seed.js';
import { taskLog } from '../../tools/simulator/v2/logs.js';
import { seedV2Jobs } from '../../tools/simulator/v2/seed.js';

const NOW = Date.UTC(2026, 11, 6, 12);

const failedV1: JobRun = emptyRun({ api: 'v1', jobId: '10', versionId: '12' }, v1Status(11));
const failedV2: JobRun = emptyRun({ api: 'v2', jobId: '0f5b7f40-1d2c-4b8e-9a55-1b2c3d4e5f60' }, v2Status('Failed'));

/** `n` INFO loss lines, the noise a failed training log is made of. */
function lossLines(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => `INFO:root:epoch 3/30 step ${(i + 1) * 20} loss=${(2 - i / 100).toFixed(4)} (201.3 samples/s)`,
  );
}

describe('findLogError on hand-made logs', () => {
  it('finds the exception a traceback ends with after 13 INFO loss lines, not the shutdown tail', () => {
    const lines = [
      '[ModelArts Service Log]INFO: python train.py --epochs=30',
      ...lossLines(13),
      'Traceback (most recent call last):',
      '  File "/home/ma-user/modelarts/user-job-dir/code/train.py", line 214, in <module>',
      '    main(parse_args())',
      '  File "/home/ma-user/modelarts/user-job-dir/code/train.py", line 171, in main',
      '    loss = train_one_epoch(model, loader, optimizer, scaler)',
      "KeyError: 'label'",
      'INFO:root:closing dataloader workers',
      '[ModelArts Service Log]INFO: uploading logs to OBS',
      '[ModelArts Service Log]INFO: task worker-0 exited with code 1',
    ];
    const found = findLogError(lines);
    expect(found?.reason).toBe("KeyError: 'label'");
    expect(found?.kind).toBe('exception');
    expect(found?.exitCode).toBe(1);
    expect(found?.excerpt).toEqual([
      'Traceback (most recent call last):',
      '  File "/home/ma-user/modelarts/user-job-dir/code/train.py", line 214, in <module>',
      '    main(parse_args())',
      '  File "/home/ma-user/modelarts/user-job-dir/code/train.py", line 171, in main',
      '    loss = train_one_epoch(model, loader, optimizer, scaler)',
      "KeyError: 'label'",
      '[ModelArts Service Log]INFO: task worker-0 exited with code 1',
    ]);
    expect(found?.excerpt.some((l) => l.includes('loss='))).toBe(false);
  });

  it('keeps the traceback header and the frames nearest the exception when the traceback is long', () => {
    const frames = Array.from({ length: 20 }, (_, i) => [
      `  File "lib/m${i}.py", line ${i}, in f${i}`,
      `    f${i + 1}()`,
    ]).flat();
    const lines = ['Traceback (most recent call last):', ...frames, 'RecursionError: maximum recursion depth exceeded'];
    const found = findLogError(lines);
    expect(found?.reason).toBe('RecursionError: maximum recursion depth exceeded');
    expect(found?.excerpt.length).toBeLessThanOrEqual(EXCERPT_MAX_LINES);
    expect(found?.excerpt[0]).toBe('Traceback (most recent call last):');
    expect(found?.excerpt.at(-2)).toBe('    f20()');
  });

  it('takes the final exception of a chained traceback', () => {
    const lines = [
      'Traceback (most recent call last):',
      '  File "a.py", line 1, in <module>',
      "KeyError: 'x'",
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "a.py", line 3, in <module>',
      'ValueError: bad config',
    ];
    expect(findLogError(lines)?.reason).toBe('ValueError: bad config');
  });

  it('names CUDA out of memory without a traceback, with worker tags and timestamps stripped', () => {
    const lines = [
      ...lossLines(40).map((l) => `[worker-1] ${l}`),
      '[worker-1] 2026-12-06 11:58:01,337 ERROR torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB',
      '[worker-1] [ModelArts Service Log]INFO: task worker-1 exited with code 1',
    ];
    const found = findLogError(lines);
    expect(found?.reason).toBe('ERROR torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB');
    expect(found?.kind).toBe('specific');
    expect(found?.task).toBe('worker-1');
    expect(found?.excerpt).toHaveLength(2);
  });

  it('names an NCCL watchdog timeout and the non-INFO lines just before it', () => {
    const lines = [
      ...lossLines(30),
      'NCCL INFO comm 0x55d0 rank 3 nranks 8 cudaDev 3 busId 8a000 - Init COMPLETE',
      '[E ProcessGroupNCCL.cpp:475] [Rank 3] Some NCCL operations have failed or timed out.',
      '[E ProcessGroupNCCL.cpp:828] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=51, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800356 milliseconds before timing out.',
      "terminate called after throwing an instance of 'std::runtime_error'",
      '[ModelArts Service Log]INFO: task worker-3 exited with code -6',
    ];
    const found = findLogError(lines);
    expect(found?.reason).toMatch(
      /^\[E ProcessGroupNCCL\.cpp:828\] \[Rank 3\] Watchdog caught collective operation timeout/,
    );
    expect(found?.exitCode).toBe(-6);
    expect(found?.excerpt[0]).toMatch(/Some NCCL operations have failed/);
    expect(found?.excerpt.some((l) => l.includes('Init COMPLETE'))).toBe(false);
  });

  it('names Killed (the kernel OOM killer) after a wall of INFO lines', () => {
    const found = findLogError([
      ...lossLines(200),
      'Killed',
      '[ModelArts Service Log]INFO: task worker-0 exited with code 137',
    ]);
    expect(found?.reason).toBe('Killed');
    expect(found?.exitCode).toBe(137);
  });

  it('prefers a specific ERROR line to a generic "training job failed" one, and falls back to exit codes', () => {
    expect(
      findLogError([
        'ERROR: failed to download obs://bucket/data: 403 Forbidden',
        '[ModelArts Service Log]ERROR: training job failed (status 11), exit code 1',
      ])?.reason,
    ).toBe('ERROR: failed to download obs://bucket/data: 403 Forbidden');
    const onlyExit = findLogError([...lossLines(5), '[ModelArts Service Log]INFO: task worker-0 exited with code 2']);
    expect(onlyExit?.kind).toBe('exit');
    expect(onlyExit?.exitCode).toBe(2);
  });

  it('finds nothing in a log of INFO lines, or no log at all', () => {
    expect(findLogError(lossLines(50))).toBeNull();
    expect(findLogError([])).toBeNull();
  });

  it('cuts a giant line to one readable line', () => {
    const found = findLogError([`ValueError: ${'x'.repeat(5000)}`]);
    expect(found?.reason.length).toBeLessThanOrEqual(300);
  });
});

describe('failureFromLog on the simulator logs', () => {
  it('reads the exception of every failed v1 version the simulator generates', () => {
    const data = seedData({ seed: 42, generatedJobs: 120, now: NOW });
    let checked = 0;
    for (const v of data.versions.values()) {
      const status = v1Status(v.status);
      if (status.category !== 'failed' || v.start_time <= 0) continue;
      const job = data.jobs.get(v.job_id);
      if (!job) continue;
      const log = versionLog(job, v, 0, NOW);
      const lines = Array.from({ length: log.count }, (_, i) => log.line(i).text);
      const run = emptyRun({ api: 'v1', jobId: String(v.job_id), versionId: String(v.version_id) }, status);
      const failure = failureFromLog(lines, run) as RunFailure;
      const expected = v.failureReason || 'RuntimeError: training process exited unexpectedly';
      expect(failure.reason).toBe(expected);
      expect(failure.source).toBe('log');
      expect(failure.excerpt?.length).toBeLessThanOrEqual(EXCERPT_MAX_LINES);
      expect(failure.excerpt?.join('\n')).not.toMatch(/loss=/);
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('reads the exception of every failed v2 job, beating the task message, keeping its exit code and task', () => {
    const jobs = seedV2Jobs(createRandom(7), NOW, 80).filter((j) => j.phase === 'Failed' && j.start_time > 0);
    expect(jobs.length).toBeGreaterThan(2);
    for (const job of jobs) {
      const failure = job.failure ?? job.failurePlan;
      const lines = (taskLog(job, failure.task, NOW) ?? '').split('\n');
      const fromRecord: RunFailure = {
        reason: failure.message,
        source: 'task',
        exitCode: failure.exit_code,
        task: failure.task,
        excerpt: null,
      };
      const got = failureFromLog(lines, { ...failedV2, failure: fromRecord }) as RunFailure;
      expect(got.reason).toBe(failure.exception);
      expect(got.exitCode).toBe(failure.exit_code);
      expect(got.task).toBe(failure.task);
      expect(got.excerpt).toContain(failure.exception);
    }
  });
});

describe('failureFromLog merging with what the record and status say', () => {
  it('keeps a task message over a bare exit code from the log', () => {
    const record: RunFailure = { reason: 'HCCL timeout', source: 'task', exitCode: 1, task: 'worker-2', excerpt: null };
    const got = failureFromLog([...lossLines(3), 'task worker-2 exited with code 1'], { ...failedV2, failure: record });
    expect(got?.reason).toBe('HCCL timeout');
    expect(got?.source).toBe('task');
    expect(got?.excerpt).toEqual(['task worker-2 exited with code 1']);
  });

  it('says what an exit code means when it is all there is', () => {
    const got = failureFromLog([...lossLines(3), 'process exited with code 137'], failedV1);
    expect(got?.reason).toBe('exited with code 137 (killed: usually out of memory)');
    expect(got?.exitCode).toBe(137);
  });

  it('with no log at all, gives the status meaning or nothing', () => {
    expect(failureFromLog(null, failedV1)).toBeNull();
    const image = emptyRun({ api: 'v1', jobId: '1006', versionId: '2012' }, v1Status(3));
    expect(failureFromLog([], image)?.reason).toBe('The image build failed: the job never started');
    expect(failureFromLog(null, image)?.source).toBe('status');
  });

  it('shows the last meaningful lines of a log that names no error', () => {
    const got = failureFromLog([...lossLines(30), '[ModelArts Service Log]WARN: node drained'], failedV1);
    expect(got?.reason).toBeNull();
    expect(got?.excerpt).toEqual(['[ModelArts Service Log]WARN: node drained']);
  });

  it('leaves runs that did not fail alone', () => {
    const done = emptyRun({ api: 'v1', jobId: '1', versionId: '2' }, v1Status(10));
    expect(failureFromLog(['ValueError: x'], done)).toBeNull();
  });

  it('knows which statuses state their reason and which never started', () => {
    expect(statusFailure(v1Status(11))).toBeNull();
    expect(statusFailure(v2Status('Abnormal', 'CreateFailed'))?.reason).toMatch(/Creating the job failed/);
    expect(neverStarted(v1Status(3))).toBe(true);
    expect(neverStarted(v1Status(11))).toBe(false);
    expect(knownFailure({ status: v1Status(3), failure: null })?.source).toBe('status');
  });
});
