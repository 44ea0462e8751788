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
  // (minLength 0), so a lone line such as "ready" is written at once; lines logged while a write is in flight are batched into
  // the next one. pino flushes it synchronously on process exit, so process.exit() after a fatal error or at the end
  // of shutdown loses nothing.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false, minLength: 0 });
  const stream: pino.DestinationStream & { flush?: (cb?: (err?: Error) => void) => void } =
    secrets.length === 0
      ? destination
      : {
          write: (line: string) => destination.write(scrub(line)),
          // So that logger.flush() reaches the destination through the wrapper.
          flush: (cb?: (err?: Error) => void) => {
            const target = destination as { flush?: (cb?: (err?: Error) => void) => void };
            if (typeof target.flush === 'function') target.flush(cb);
            else cb?.();
          },
        };
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
}
