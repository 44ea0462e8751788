/**
 * `npm run demo [-- --port 3000 --poll 5 --seed 42]`: the simulator, the Slack stand-in and the real bot, with one
 * banner saying what to open and what to type. Ctrl-C stops everything.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from './bot-process.js';
import { type Demo, PortInUseError, startDemo } from './demo.js';

const LEVELS: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };

function int(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`demo: --${name} must be a whole number from ${min} to ${max}\n`);
    process.exit(2);
  }
  return n;
}

interface LogEntry {
  level?: unknown;
  msg?: unknown;
  err?: { message?: unknown };
}

function parseLogLine(line: string): LogEntry | null {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? (value as LogEntry) : null;
  } catch {
    return null;
  }
}

function minutes(ms: number): string {
  const m = ms / 60_000;
  return m < 1 ? `${Math.round(ms / 1000)} seconds` : `about ${m % 1 === 0 ? m : m.toFixed(1)} minutes`;
}

function banner(demo: Demo, logFile: string): string {
  const pad = (s: string) => s.padEnd(34);
  const lines = [
    '',
    '  ModelArts chat-ops demo is running: simulated ModelArts, a local Slack stand-in, the real bot.',
    '',
    `  Open  ${demo.url}  in your browser.`,
    '',
    '  Type in the message box:',
    `    ${pad('/modelarts jobs')}job versions with GPUs; Previous/Next`,
    `    ${pad('/modelarts job 10 10')}the documentation's sample job version`,
  ];
  for (const job of demo.showcase) {
    lines.push(
      `    ${pad(`/modelarts watch ${job.jobId} ${job.versionId}`)}${job.name} ${job.outcome === 'completed' ? 'completes' : 'fails'} in ${minutes(job.afterMs)}`,
    );
  }
  lines.push(
    `    ${pad('/modelarts watch failures')}every failure in the project, as it happens`,
    `    ${pad('/modelarts help')}everything else`,
    '  Also try the shortcuts (⚡), the Home tab, and pasting a console link into a message.',
    '',
    `  Bot ${demo.bot.url} (/healthz, /readyz; /metrics on port ${String(demo.bot.ready.metricsPort)}) · ModelArts simulator ${demo.simulator.url} · bot log ${logFile}`,
    '  Ctrl-C stops everything.',
    '',
  );
  return lines.join('\n');
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      poll: { type: 'string' },
      seed: { type: 'string' },
      db: { type: 'string', default: 'data/demo.db' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run demo -- [--port 3000] [--host 127.0.0.1] [--poll 5] [--seed 42] [--db data/demo.db]\n' +
        'The SQLite file is recreated on every start; the bot log goes next to it (demo.log).\n',
    );
    return;
  }
  const port = int(values.port, 'port', 3000, 0, 65535);
  const databaseFile = isAbsolute(values.db) ? values.db : resolve(PROJECT_ROOT, values.db);
  const logPath = join(dirname(databaseFile), 'demo.log');
  const logFile = relative(process.cwd(), logPath) || logPath;
  mkdirSync(dirname(logPath), { recursive: true });
  const log = createWriteStream(logPath, { flags: 'w' });

  process.stdout.write('Starting the ModelArts simulator, the Slack stand-in and the bot…\n');
  let demo: Demo;
  try {
    demo = await startDemo({
      port,
      databaseFile,
      host: values.host,
      pollIntervalSeconds: int(values.poll, 'poll', 5, 1, 3600),
      ...(values.seed !== undefined ? { seed: int(values.seed, 'seed', 42, 0, 2 ** 32 - 1) } : {}),
      onBotLine(line) {
        log.write(`${line}\n`);
        // The full log goes to the file; the terminal only shows what needs attention.
        const entry = parseLogLine(line);
        if (!entry) {
          process.stderr.write(`bot: ${line}\n`);
          return;
        }
        const level = typeof entry.level === 'number' ? LEVELS[entry.level] : undefined;
        if (level) {
          const detail = typeof entry.err?.message === 'string' ? ` (${entry.err.message})` : '';
          process.stderr.write(`bot ${level}: ${String(entry.msg ?? '')}${detail}\n`);
        }
      },
    });
  } catch (err) {
    if (err instanceof PortInUseError) {
      process.stderr.write(
        `demo: port ${err.port} is in use (another demo running?). Stop it, or pick another port: npm run demo -- --port ${err.port + 100}\n`,
      );
    } else {
      process.stderr.write(`demo: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    log.end();
    process.exit(1);
  }

  process.stdout.write(banner(demo, logFile));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the bot, the Slack stand-in and the simulator…\n`);
    demo.close().then(
      () => {
        log.end(() => process.exit(0));
      },
      (err: unknown) => {
        process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('Ctrl-C'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // If the bot dies on its own, the demo is over: say so instead of leaving a page that cannot answer.
  void demo.bot.exited.then((exit) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`demo: the bot exited (code ${exit.code}, signal ${exit.signal}); see ${logFile}\n`);
    void demo.close().finally(() => process.exit(1));
  });
}

run().catch((err: unknown) => {
  process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
