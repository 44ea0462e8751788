import { pino } from 'pino';

/**
 * Paths that may hold a credential anywhere in a logged object. pino censors them before serialisation, so a
 * careless `logger.info({ config })` still cannot leak a token.
 */
const REDACT_PATHS = [
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.secretKey',
  '*.password',
  '*.securityToken',
  '*.authorization',
  '*.Authorization',
  '*["x-auth-token"]',
  '*["X-Auth-Token"]',
  '*["x-subject-token"]',
  '*["x-security-token"]',
  'headers.authorization',
  'req.headers.authorization',
  'config.slack',
  'config.modelarts.auth',
];

export type Logger = pino.Logger;

export function createLogger(options: {
  level: string;
  destination?: pino.DestinationStream;
  /** Extra literal values (the configured secrets) scrubbed from every line, wherever they appear. */
  secrets?: readonly string[];
}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  // includes() first: almost no line holds a secret, and it spares a copy of every line per secret.
  const scrub = (line: string): string => {
    let out = line;
    for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, '[Redacted]');
    return out;
  };
  // Asynchronous (SonicBoom): a synchronous write(2) per line stalled the event loop under load. Not buffered
  // (minLength 0), so a lone line such as "ready" is written at once; lines logged while a write is in flight are
  // batched into the next one. pino's own exit hook (flushSync) cannot rescue a write already handed to the thread
  // pool, so whoever ends the process awaits flushLogs() first: the last lines before process.exit are not lost.
  const own = options.destination ? null : pino.destination({ dest: 1, sync: false, minLength: 0 });
  const destination = options.destination ?? (own as pino.DestinationStream);
  let pendingBytes = 0;
  if (own) own.on('write', (n: number) => (pendingBytes = Math.max(0, pendingBytes - n)));
  const write = (line: string) => {
    const out = secrets.length === 0 ? line : scrub(line);
    if (own) pendingBytes += Buffer.byteLength(out);
    destination.write(out);
  };
  const stream: pino.DestinationStream & { flush?: (cb?: (err?: Error) => void) => void } = {
    write,
    // So that logger.flush() reaches the destination through the wrapper.
    flush: (cb?: (err?: Error) => void) => {
      const target = destination as { flush?: (cb?: (err?: Error) => void) => void };
      if (typeof target.flush === 'function') target.flush(cb);
      else cb?.();
    },
  };
  const drain = (timeoutMs: number): Promise<void> =>
    new Promise((resolve) => {
      if (!own || pendingBytes === 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        own.off('drain', done);
        resolve();
      };
      // A reader that never reads (a stuck pipe) must not keep the process alive past its deadline.
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      own.on('drain', done);
    });
  const logger = pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
  drains.set(logger, drain);
  return logger;
}

const drains = new WeakMap<Logger, (timeoutMs: number) => Promise<void>>();

/**
 * Resolves once every line logged so far has reached the output (or after `timeoutMs`). Call it before
 * `process.exit()`: an asynchronous write still in flight at exit is otherwise lost.
 */
export function flushLogs(logger: Logger, timeoutMs = 1000): Promise<void> {
  return drains.get(logger)?.(timeoutMs) ?? Promise.resolve();
}

/** Logs nothing more; waits for the log to be written, then exits. */
export async function exitAfterLogs(logger: Logger, code: number, timeoutMs = 1000): Promise<never> {
  await flushLogs(logger, timeoutMs);
  process.exit(code);
}
