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

/** Shortest value treated as a secret: shorter ones would redact ordinary words. */
const MIN_SECRET_LENGTH = 6;
/** Values learnt at run time (rotating IAM tokens) beyond this many forget the oldest; configured ones stay. */
const MAX_LEARNT_SECRETS = 32;

/**
 * The forms a secret takes in a log line: as written, and JSON-escaped once (pino writes strings as JSON, so a
 * secret holding `"` or `\` appears as `\"` / `\\`) or twice (upstream JSON text logged inside a string).
 */
function secretForms(secret: string): string[] {
  const once = JSON.stringify(secret).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  return [...new Set([secret, once, twice])];
}

/** The secret values one logger scrubs; configured ones for good, learnt ones up to MAX_LEARNT_SECRETS. */
class SecretList {
  readonly #configured: string[] = [];
  readonly #learnt: string[] = [];
  /** Every form of every secret, longest first so that a secret containing another is replaced whole. */
  forms: string[] = [];

  constructor(configured: readonly string[]) {
    for (const s of configured)
      if (s.length >= MIN_SECRET_LENGTH && !this.#configured.includes(s)) this.#configured.push(s);
    this.#rebuild();
  }

  learn(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.#configured.includes(value) || this.#learnt.includes(value)) return;
    this.#learnt.push(value);
    if (this.#learnt.length > MAX_LEARNT_SECRETS) this.#learnt.shift();
    this.#rebuild();
  }

  #rebuild(): void {
    const all = [...this.#configured, ...this.#learnt].flatMap(secretForms);
    this.forms = [...new Set(all)].sort((a, b) => b.length - a.length);
  }
}

const secretLists = new WeakMap<Logger, SecretList>();

/**
 * Teaches the logger (and its children, which share its destination) a secret learnt at run time, such as an IAM
 * token: every line written from now on is scrubbed of it.
 */
export function addSecret(logger: Logger, value: string): void {
  // pino makes a child with Object.create(parent): the root is up the prototype chain.
  let node: object | null = logger;
  while (node !== null && !secretLists.has(node as Logger)) node = Object.getPrototypeOf(node) as object | null;
  if (node !== null) secretLists.get(node as Logger)?.learn(value);
}

export function createLogger(options: {
  level: string;
  destination?: pino.DestinationStream;
  /** Extra literal values (the configured secrets) scrubbed from every line, wherever they appear. */
  secrets?: readonly string[];
}): Logger {
  const secrets = new SecretList(options.secrets ?? []);
  // includes() first: almost no line holds a secret, and it spares a copy of every line per secret.
  const scrub = (line: string): string => {
    let out = line;
    for (const form of secrets.forms) if (out.includes(form)) out = out.replaceAll(form, '[Redacted]');
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
    const out = secrets.forms.length === 0 ? line : scrub(line);
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
  secretLists.set(logger, secrets);
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
