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
  const scrub = (line: string): string => secrets.reduce((out, secret) => out.split(secret).join('[Redacted]'), line);
  // Synchronous: the "ready" line must reach a supervisor at once, and nothing is lost on a crash.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  const stream: pino.DestinationStream =
    secrets.length === 0 ? destination : { write: (line: string) => destination.write(scrub(line)) };
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
