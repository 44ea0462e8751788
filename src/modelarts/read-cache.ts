/**
 * A short-lived read cache in front of ModelArts for what people look up in Slack. A card shared in a channel is
 * opened, paged and refreshed by many people within seconds; identical reads then share one request while it is in
 * flight and one answer for `ttlMs`, instead of each paying for a signed call and the validation of the same body
 * (and each counting against ModelArts' rate limits).
 *
 * - Only successful answers are kept; an error reaches every caller that shared its request, and the next read asks
 *   again.
 * - A caller that must see ModelArts' current state (Refresh) passes `maxAgeMs: 0`: it neither reuses an answer nor
 *   joins a request already under way, and its answer then serves the others.
 * - A shared request belongs to no single caller: a caller that gives up (its signal aborts) only stops its own wait;
 *   the request is cancelled when the last caller waiting for it gave up, so a hanging ModelArts never holds later
 *   lookups hostage. It is bounded by the timeout of the call that started it.
 * - An answer past half its life that is read again is renewed in the background, so a popular card never waits.
 * - Answers are shared objects: readers must not mutate them.
 * The poller never reads through this cache: alerts need ModelArts' current statuses.
 */
import type { ModelArtsApi } from './api.js';
import type { CallOptions } from './client.js';
import { abortReason } from './http.js';

export interface ReadCacheOptions {
  /** How long an answer serves later reads. 0 keeps nothing, but identical reads in flight are still shared. */
  ttlMs: number;
  /** At most this many answers are kept; the least recently used goes first. */
  maxEntries?: number;
  /** Monotonic milliseconds (tests inject a clock). */
  now?: () => number;
  /** Told how each read was served, for metrics. */
  onRead?: (result: ReadResult) => void;
}

/** `hit`: a kept answer; `shared`: joined a request in flight; `miss`: asked ModelArts. */
export type ReadResult = 'hit' | 'shared' | 'miss';

interface Kept {
  value: unknown;
  /** When the request that produced it started. */
  askedAt: number;
  /** Order of that request: an answer never gives way to one from a request started before it. */
  seq: number;
}

interface Flight {
  promise: Promise<unknown>;
  /** Cancels the request (its own signal, not any caller's). */
  controller: AbortController;
  /** Callers still waiting for it; the last one to give up cancels it. */
  waiters: number;
}

const DEFAULT_MAX_ENTRIES = 500;

/**
 * The facade with every read behind the cache. aom-log pages (at most 500 lines) are cached like the rest: the card
 * of a failed run and its Logs button read the same page. The v2 log preview (up to 5 MB, which would crowd out
 * everything else) and the v2 log URL (a signed link valid minutes) always go to ModelArts.
 */
export function withReadCache(api: ModelArtsApi, options: ReadCacheOptions): ModelArtsApi {
  const ttlMs = Math.max(0, options.ttlMs);
  const maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const now = options.now ?? (() => performance.now());
  const kept = new Map<string, Kept>();
  const inFlight = new Map<string, Flight>();
  let requests = 0;

  function keep(key: string, entry: Kept): void {
    const current = kept.get(key);
    if (current && current.seq > entry.seq) return;
    kept.delete(key);
    kept.set(key, entry);
    // Map iteration follows insertion order, and a hit re-inserts its entry: the first key is the least recently used.
    while (kept.size > maxEntries) {
      const oldest = kept.keys().next();
      if (oldest.done) break;
      kept.delete(oldest.value);
    }
  }

  function read<T>(key: string, call: CallOptions | undefined, ask: (call: CallOptions) => Promise<T>): Promise<T> {
    const fresh = call?.maxAgeMs === 0;
    const maxAgeMs = Math.min(call?.maxAgeMs ?? ttlMs, ttlMs);
    const at = now();
    if (!fresh) {
      const hit = kept.get(key);
      if (hit && at - hit.askedAt <= maxAgeMs) {
        kept.delete(key);
        kept.set(key, hit);
        options.onRead?.('hit');
        // Past half its life, an answer that is still being read is renewed in the background, so a popular card
        // never makes a reader wait for ModelArts when its answer expires.
        if (at - hit.askedAt > ttlMs / 2 && !inFlight.has(key)) {
          askModelArts(key, at, call, ask).promise.catch(() => undefined);
        }
        return Promise.resolve(hit.value as T);
      }
      if (hit) kept.delete(key);
      const flight = inFlight.get(key);
      if (flight) {
        options.onRead?.('shared');
        return wait(key, flight, call?.signal) as Promise<T>;
      }
    }
    options.onRead?.('miss');
    return wait(key, askModelArts(key, at, call, ask), call?.signal) as Promise<T>;
  }

  /** The flight's answer for one caller, or the caller's abort reason as soon as its signal aborts. */
  function wait(key: string, flight: Flight, signal: AbortSignal | undefined): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    flight.waiters++;
    if (!signal) return flight.promise;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        reject(abortReason(signal));
        if (--flight.waiters > 0) return;
        flight.controller.abort(abortReason(signal));
        if (inFlight.get(key) === flight) inFlight.delete(key);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  /** Asks ModelArts on behalf of everyone who reads `key` until it answers; a success is kept. */
  function askModelArts<T>(
    key: string,
    at: number,
    call: CallOptions | undefined,
    ask: (call: CallOptions) => Promise<T>,
  ): Flight {
    const seq = ++requests;
    const controller = new AbortController();
    const own: CallOptions = { signal: controller.signal };
    if (call?.timeoutMs !== undefined) own.timeoutMs = call.timeoutMs;
    const promise = ask(own).then((value) => {
      if (ttlMs > 0) keep(key, { value, askedAt: at, seq });
      return value;
    });
    const flight: Flight = { promise, controller, waiters: 0 };
    inFlight.set(key, flight);
    const forget = () => {
      if (inFlight.get(key) === flight) inFlight.delete(key);
    };
    promise.then(forget, forget);
    return flight;
  }

  const keyOf = (method: string, args: readonly unknown[]) => `${method} ${JSON.stringify(args)}`;

  return {
    projectId: api.projectId,
    getTrainingJobVersion: (jobId, versionId, call) =>
      read(keyOf('version', [jobId, versionId]), call, (o) => api.getTrainingJobVersion(jobId, versionId, o)),
    listTrainingJobVersions: (jobId, query, call) =>
      read(keyOf('versions', [jobId, query]), call, (o) => api.listTrainingJobVersions(jobId, query, o)),
    listJobVersionStatuses: (query, call) =>
      read(keyOf('statuses', [query]), call, (o) => api.listJobVersionStatuses(query, o)),
    listTrainingJobs: (query, call) => read(keyOf('jobs', [query]), call, (o) => api.listTrainingJobs(query, o)),
    listTrainingJobConfigs: (query, call) =>
      read(keyOf('configs', [query]), call, (o) => api.listTrainingJobConfigs(query, o)),
    getVisualizationJob: (jobId, call) => read(keyOf('viz', [jobId]), call, (o) => api.getVisualizationJob(jobId, o)),
    listVisualizationJobs: (query, call) =>
      read(keyOf('vizs', [query]), call, (o) => api.listVisualizationJobs(query, o)),
    listProcessorTasks: (query, call) => read(keyOf('tasks', [query]), call, (o) => api.listProcessorTasks(query, o)),
    getProcessorTask: (taskId, call) => read(keyOf('task', [taskId]), call, (o) => api.getProcessorTask(taskId, o)),
    getLogFileNames: (jobId, versionId, call) =>
      read(keyOf('logfiles', [jobId, versionId]), call, (o) => api.getLogFileNames(jobId, versionId, o)),
    // A few hundred lines at most: a failed card and its Logs button read the same answer once.
    getAomLog: (jobId, versionId, query, call) =>
      read(keyOf('aomlog', [jobId, versionId, query]), call, (o) => api.getAomLog(jobId, versionId, query, o)),
    searchTrainingJobs: (query, call) => read(keyOf('v2jobs', [query]), call, (o) => api.searchTrainingJobs(query, o)),
    getTrainingJob: (jobId, call) => read(keyOf('v2job', [jobId]), call, (o) => api.getTrainingJob(jobId, o)),
    getTaskLogPreview: (jobId, taskId, call) => api.getTaskLogPreview(jobId, taskId, call),
    getTaskLogUrl: (jobId, taskId, contentType, call) => api.getTaskLogUrl(jobId, taskId, contentType, call),
    listTrainingJobEvents: (jobId, query, call) =>
      read(keyOf('v2events', [jobId, query]), call, (o) => api.listTrainingJobEvents(jobId, query, o)),
    getTrainingJobMetrics: (jobId, taskId, call) =>
      read(keyOf('v2metrics', [jobId, taskId]), call, (o) => api.getTrainingJobMetrics(jobId, taskId, o)),
    close: () => api.close(),
  };
}
