/** Observing responses at the HTTP client layer, for values the code that asked for them does not hand out. */
import type { Dispatcher } from 'undici';

/**
 * An undici interceptor that reports every value of the named response headers (lower-case names) before the
 * response continues unchanged to whoever sent the request. undici hands interceptors handlers in its current
 * shape (onResponseStart with a header object), whatever shape the caller used.
 */
export function observeResponseHeaders(
  names: readonly string[],
  onValue: (value: string) => void,
): Dispatcher.DispatcherComposeInterceptor {
  const observe = (headers: Record<string, string | string[] | undefined>) => {
    for (const name of names) {
      const value = headers[name];
      for (const v of Array.isArray(value) ? value : value ? [value] : []) onValue(v);
    }
  };
  return (dispatch) => (options, handler) =>
    dispatch(
      options,
      new Proxy(handler, {
        get(target, prop) {
          const value = Reflect.get(target, prop) as unknown;
          // Bound to the handler itself: its methods use private fields a proxy receiver would not have.
          if (typeof value !== 'function') return value;
          if (prop !== 'onResponseStart') return value.bind(target);
          return (...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>) => {
            observe(args[2]);
            return (value as (...a: typeof args) => void).apply(target, args);
          };
        },
      }),
    );
}
