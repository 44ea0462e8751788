import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, type Pace, WorkerLoop, type WorkerLoopOptions } from '../../src/lib/worker-loop.js';

/** A promise that stays pending until the test resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

/** A loop whose iterations are recorded; each returns the next scripted outcome (a Pace, or an Error to throw). */
function scripted(
  script: Array<Pace | Error>,
  extra: Partial<WorkerLoopOptions<Pace>> = {},
): { loop: WorkerLoop<Pace>; runs: number[]; errors: unknown[] } {
  const runs: number[] = [];
  const errors: unknown[] = [];
  let i = 0;
  const loop = new WorkerLoop<Pace>({
    run: async () => {
      runs.push(Date.now());
      const next = script[Math.min(i++, script.length - 1)] ?? { ok: true, waitMs: 1000 };
      if (next instanceof Error) throw next;
      return next;
    },
    pace: (result) => result,
    onError: (err) => errors.push(err),
    backoff: { initialMs: 1000, maxMs: 8000 },
    random: () => 0.5,
    ...extra,
  });
  return { loop, runs, errors };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('doubles from the initial wait per consecutive failure, caps at the maximum, jitters into the upper half', () => {
    const b = { initialMs: 1000, maxMs: 8000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, b, 0))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, b, 0.999_999))).toEqual(
      [1000, 2000, 4000, 8000, 8000].map((ms) => expect.closeTo(ms, 2)),
    );
  });

  it('never waits less than a Retry-After', () => {
    expect(backoffDelay(1, { initialMs: 1000, maxMs: 8000 }, 0, 30_000)).toBe(30_000);
    expect(backoffDelay(1, { initialMs: 1000, maxMs: 8000 }, 0, 10)).toBe(500);
  });

  it('stays finite after very many failures', () => {
    expect(backoffDelay(10_000, { initialMs: 1000, maxMs: 60_000 }, 1)).toBe(60_000);
  });
});

describe('WorkerLoop', () => {
  it('goes created → active → stopping → stopped, and can start again', async () => {
    const { loop, runs } = scripted([{ ok: true, waitMs: 1000 }]);
    expect(loop.state).toBe('created');
    loop.start();
    expect(loop.state).toBe('active');
    loop.start(); // a no-op while active: still one loop
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual([0]);
    const stopped = loop.stop();
    expect(loop.state).toBe('stopping');
    await stopped;
    expect(loop.state).toBe('stopped');
    loop.start();
    expect(loop.state).toBe('active');
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(2);
    await loop.stop();
  });

  it('waits what each result asks for between iterations', async () => {
    const { loop, runs } = scripted([
      { ok: true, waitMs: 1000 },
      { ok: true, waitMs: 0 },
      { ok: true, waitMs: 5000 },
    ]);
    loop.start();
    await vi.advanceTimersByTimeAsync(10_000);
    await loop.stop();
    // A zero wait is a turn of the event loop (the fake clock counts a setImmediate as up to 1 ms).
    const gaps = runs.slice(1).map((at, i) => at - (runs[i] ?? 0));
    expect(gaps).toEqual([1000, expect.any(Number), 5000]);
    expect(gaps[1]).toBeLessThanOrEqual(1);
  });

  it('backs off exponentially after failures, resets after a success, and reports rejections', async () => {
    const boom = new Error('boom');
    const { loop, runs, errors } = scripted([
      boom,
      { ok: false },
      { ok: false },
      { ok: true, waitMs: 100 },
      { ok: false },
      { ok: true, waitMs: 100_000 },
    ]);
    loop.start();
    await vi.advanceTimersByTimeAsync(20_000);
    await loop.stop();
    // random 0.5: 75% of 1 s, 2 s, 4 s; then 100 ms; then 75% of 1 s again (the count was reset).
    expect(runs).toEqual([0, 750, 2250, 5250, 5350, 6100]);
    expect(errors).toEqual([boom]);
  });

  it('never backs off for less than the Retry-After a failure names', async () => {
    const { loop, runs } = scripted([
      { ok: false, retryAfterMs: 30_000 },
      { ok: true, waitMs: 100_000 },
    ]);
    loop.start();
    await vi.advanceTimersByTimeAsync(40_000);
    await loop.stop();
    expect(runs).toEqual([0, 30_000]);
  });

  it('counts consecutive failures for the worker to see', async () => {
    const { loop } = scripted([{ ok: false }, { ok: false }, { ok: true, waitMs: 1 }]);
    await loop.runOnce();
    expect(loop.failures).toBe(1);
    await loop.runOnce();
    expect(loop.failures).toBe(2);
    await loop.runOnce();
    expect(loop.failures).toBe(0);
  });

  it('runOnce waits for a running iteration instead of overlapping it, and paces the loop like its own', async () => {
    let running = 0;
    let overlapped = false;
    const slow = gate();
    let calls = 0;
    const loop = new WorkerLoop<number>({
      run: async () => {
        running++;
        if (running > 1) overlapped = true;
        calls++;
        if (calls === 1) await slow.promise;
        running--;
        return calls;
      },
      pace: () => ({ ok: true, waitMs: 60_000 }),
      onError: () => undefined,
      backoff: { initialMs: 1000, maxMs: 1000 },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0); // the loop's first iteration is now inside run()
    const manual = loop.runOnce();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    slow.open();
    expect(await manual).toBe(2);
    expect(overlapped).toBe(false);
    await loop.stop();
  });

  it('runOnce rejects with the iteration’s error and counts it as a failure', async () => {
    const boom = new Error('boom');
    const { loop, errors } = scripted([boom]);
    await expect(loop.runOnce()).rejects.toBe(boom);
    expect(loop.failures).toBe(1);
    expect(errors).toEqual([]); // the caller got it; only the loop's own iterations are reported
  });

  it('stop() aborts the running iteration’s signal and resolves only after it has finished', async () => {
    const signals: AbortSignal[] = [];
    let finished = false;
    const loop = new WorkerLoop<void>({
      run: async (signal) => {
        signals.push(signal);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        await Promise.resolve();
        finished = true;
      },
      pace: () => ({ ok: true, waitMs: 1000 }),
      onError: () => undefined,
      backoff: { initialMs: 1000, maxMs: 1000 },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
    await loop.stop();
    expect(signals[0]?.aborted).toBe(true);
    expect(finished).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(signals).toHaveLength(1); // nothing ran after stop
  });

  it('stop() ends a long wait at once, and a restarted loop gets a fresh signal', async () => {
    const { loop, runs } = scripted([{ ok: true, waitMs: 3_600_000 }]);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(true);
    await stopping;
    expect(runs).toEqual([0]);

    const signals: AbortSignal[] = [];
    const again = new WorkerLoop<void>({
      run: async (signal) => {
        signals.push(signal);
      },
      pace: () => ({ ok: true, waitMs: 1000 }),
      onError: () => undefined,
      backoff: { initialMs: 1000, maxMs: 1000 },
    });
    again.start();
    await vi.advanceTimersByTimeAsync(0);
    await again.stop();
    again.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    await again.stop();
  });

  it('runOnce before start() gets a live signal; stop() without start() still waits for it', async () => {
    const release = gate();
    let seen: AbortSignal | null = null;
    let done = false;
    const loop = new WorkerLoop<void>({
      run: async (signal) => {
        seen = signal;
        await release.promise;
        done = true;
      },
      pace: () => ({ ok: true, waitMs: 1000 }),
      onError: () => undefined,
      backoff: { initialMs: 1000, maxMs: 1000 },
    });
    const manual = loop.runOnce();
    await vi.advanceTimersByTimeAsync(0);
    expect((seen as AbortSignal | null)?.aborted).toBe(false);
    const stopping = loop.stop();
    release.open();
    await stopping;
    expect(done).toBe(true);
    expect(loop.state).toBe('stopped');
    await manual;
  });
});
