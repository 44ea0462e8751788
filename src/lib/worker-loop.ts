/**
 * The one loop behind the bot's background workers (the poller, the outbox sender), in the spirit of pg-boss's
 * Worker: run an iteration, wait, run again, until stopped. What the loop owns, so no worker hand-rolls it:
 *
 * - an explicit state: created → active → stopping → stopped (start() again makes a stopped loop active);
 * - pacing: each iteration's result says how long to wait; a failed iteration (a rejection, or a result the worker
 *   calls a failure) backs off exponentially with jitter, never shorter than a Retry-After the result names, so a
 *   failing dependency is never hammered in a hot loop;
 * - an AbortSignal handed to every iteration, aborted by stop(): a long iteration can give up early;
 * - runOnce(): one iteration now, serialised with the loop's own, so two never overlap;
 * - stop(): cuts the current wait short and waits for the running iteration (the loop's or a runOnce) to finish.
 */

export type WorkerState = 'created' | 'active' | 'stopping' | 'stopped';

/** How an iteration paces the loop. */
export type Pace =
  /** Wait this long before the next iteration (0: go again at once). Resets the failure count. */
  | { ok: true; waitMs: number }
  /** The iteration failed: back off, and never for less than `retryAfterMs` when it is set. */
  | { ok: false; retryAfterMs?: number | null };

export interface Backoff {
  /** The first wait after a failure; it doubles with every further consecutive failure. */
  initialMs: number;
  /** The longest wait. */
  maxMs: number;
}

export interface WorkerLoopOptions<T> {
  /** One iteration. `signal` aborts when the loop is stopped. */
  run: (signal: AbortSignal) => Promise<T>;
  /** How a result paces the loop; `elapsedMs` is how long the iteration took. */
  pace: (result: T, elapsedMs: number) => Pace;
  /** A rejected iteration of the loop itself (runOnce's caller gets its own rejection); counted as a failure. */
  onError: (err: unknown) => void;
  backoff: Backoff;
  /** Jitter source in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

type Iteration<T> = { ok: true; result: T; waitMs: number } | { ok: false; error: unknown; waitMs: number };

/**
 * The wait after the n-th consecutive failure: initialMs × 2^(n-1), capped at maxMs, then jittered into its upper half
 * (so replicas failing together spread out, and the wait never drops below half the step); at least `retryAfterMs`.
 */
export function backoffDelay(failures: number, backoff: Backoff, random: number, retryAfterMs?: number | null): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(20, Math.max(0, failures - 1)));
  const jittered = base / 2 + (random * base) / 2;
  return Math.max(jittered, retryAfterMs ?? 0);
}

export class WorkerLoop<T> {
  readonly #options: WorkerLoopOptions<T>;
  readonly #random: () => number;
  #state: WorkerState = 'created';
  #failures = 0;
  #abort = new AbortController();
  /** The last iteration (the loop's or a runOnce); the next one starts after it settles. */
  #chain: Promise<unknown> = Promise.resolve();
  #loop: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;
  #endWait: (() => void) | null = null;

  constructor(options: WorkerLoopOptions<T>) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  get state(): WorkerState {
    return this.#state;
  }

  /** Consecutive failed iterations so far (0 after a success). */
  get failures(): number {
    return this.#failures;
  }

  /** Starts the loop: the first iteration runs on the next turn of the event loop. A no-op while active. */
  start(): void {
    if (this.#state === 'active') return;
    if (this.#state === 'stopping') throw new Error('WorkerLoop.start() while it is still stopping');
    this.#state = 'active';
    this.#failures = 0;
    if (this.#abort.signal.aborted) this.#abort = new AbortController();
    this.#loop = this.#run();
  }

  /** Aborts the running iteration's signal, ends any wait, and resolves once no iteration is running. */
  stop(): Promise<void> {
    if (this.#stopping) return this.#stopping;
    if (this.#state === 'active') this.#state = 'stopping';
    this.#abort.abort();
    this.#endWait?.();
    this.#stopping = (async () => {
      await this.#loop;
      await this.#chain.catch(() => undefined);
      this.#loop = null;
      this.#state = 'stopped';
      this.#stopping = null;
    })();
    return this.#stopping;
  }

  /** Runs one iteration now, after any running one; it paces the loop as the loop's own would. */
  async runOnce(): Promise<T> {
    const done = await this.#iterate();
    if (!done.ok) throw done.error;
    return done.result;
  }

  async #run(): Promise<void> {
    let waitMs = 0;
    while (this.#state === 'active') {
      await this.#sleep(waitMs);
      if (this.#state !== 'active') break;
      const done = await this.#iterate();
      if (!done.ok) this.#options.onError(done.error);
      waitMs = done.waitMs;
    }
  }

  #iterate(): Promise<Iteration<T>> {
    const next = this.#chain.then(async (): Promise<Iteration<T>> => {
      const signal = this.#abort.signal;
      const startedAt = Date.now();
      try {
        const result = await this.#options.run(signal);
        const pace = this.#options.pace(result, Date.now() - startedAt);
        if (!pace.ok) return { ok: true, result, waitMs: this.#failed(pace.retryAfterMs) };
        this.#failures = 0;
        return { ok: true, result, waitMs: Math.max(0, pace.waitMs) };
      } catch (error) {
        return { ok: false, error, waitMs: this.#failed(null) };
      }
    });
    this.#chain = next;
    return next;
  }

  #failed(retryAfterMs: number | null | undefined): number {
    this.#failures++;
    return backoffDelay(this.#failures, this.#options.backoff, this.#random(), retryAfterMs);
  }

  /** A zero wait still yields a turn of the event loop (setImmediate), so an iteration that finds work at once every
   * time cannot starve I/O; it just skips setTimeout's one-millisecond floor. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let cancel = () => {};
      const done = () => {
        cancel();
        this.#endWait = null;
        resolve();
      };
      if (ms > 0) {
        const timer = setTimeout(done, ms);
        cancel = () => clearTimeout(timer);
      } else {
        const immediate = setImmediate(done);
        cancel = () => clearImmediate(immediate);
      }
      this.#endWait = done;
    });
  }
}
