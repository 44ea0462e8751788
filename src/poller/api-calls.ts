/** Helpers around the poller's ModelArts calls: counting them, running them a few at a time, judging their errors. */
import {
  ConnectionError,
  type ModelArtsApi,
  ModelArtsError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../modelarts/index.js';

const TRANSIENT = [RateLimitError, ServerError, TimeoutError, ConnectionError] as const;
export const isTransient = (err: unknown) => TRANSIENT.some((cls) => err instanceof cls);

/** What a failure is called in logs and poll health: ModelArts's own sentence, or just the error's class name. */
export function describeError(err: unknown): string {
  if (err instanceof ModelArtsError) return err.userMessage;
  return err instanceof Error ? err.name : 'unknown error';
}

/** A ModelArts facade that counts calls per method into whatever counter is current. */
export function countingApi(api: ModelArtsApi, count: (method: string) => void): ModelArtsApi {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close') return value;
      return (...args: unknown[]) => {
        count(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
