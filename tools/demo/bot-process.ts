/**
 * Runs the real entry point (src/main.ts under tsx, or dist/main.js when compiled) as a child process and waits for
 * its `ready` log line. Used by the demo, the entry-point tests and the benchmarks, so all of them exercise exactly
 * what `npm start` and the Docker image run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = !import.meta.url.endsWith('.ts');

/** The repository root (where node_modules lives), from src/demo or dist/demo. */
export const PROJECT_ROOT = resolve(here, '..', '..');

export type BotEntry = 'source' | 'dist';

export interface SpawnBotOptions {
  /** The child's whole environment apart from PATH/HOME: nothing leaks in from the parent unless passed here. */
  env: Record<string, string | undefined>;
  /** `source` runs src/main.ts with tsx; `dist` runs dist/main.js (after `npm run build`). Default: like this file. */
  entry?: BotEntry;
  /** Another script to run instead (e.g. a build in another output directory, or a benchmark baseline). */
  script?: string;
  /** Node options before the script (e.g. `--import tsx` for a TypeScript script); default RUNTIME_NODE_FLAGS. */
  execArgv?: readonly string[];
  /** Another program altogether (e.g. `npm start`), given as file and arguments; `script` and `entry` are ignored. */
  command?: { file: string; args: readonly string[] };
  cwd?: string;
  /** Every output line (stdout and stderr), as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  readyTimeoutMs?: number;
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BotProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The parsed `ready` line. */
  readonly ready: Record<string, unknown>;
  /** Every output line so far. */
  readonly lines: string[];
  readonly exited: Promise<ExitResult>;
  /** Sends the signal and waits for the exit; SIGKILL after `killAfterMs` if it has not exited by then. */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<ExitResult & { ms: number }>;
}

export class BotStartError extends Error {
  constructor(
    message: string,
    readonly exit: ExitResult | null,
    readonly output: string[],
  ) {
    super(message);
    this.name = 'BotStartError';
  }
}

/**
 * Node flags the bot runs with, here, in `npm start` and in the Docker image's CMD (a test keeps the three equal).
 * They trade a little garbage-collection work for memory: the young generation stops at 4 MB semi-spaces instead of
 * 16, and the old generation grows by 20 % of the live heap between full collections instead of V8's usual factor
 * of up to 4. At 10,000 watches (bench/poller.ts) the bot's peak RSS went from 195–210 MB to 143–162 MB (bundled,
 * SQLite cache at 2 MiB); bench/ack.ts showed no loss of slash-command throughput or ack latency beyond run-to-run
 * noise. `--max-semi-space-size=32` is the opposite trade (a fifth cheaper commands under load, about 300 MB at
 * 10,000 watches); operators can still set it through NODE_OPTIONS (see the README).
 */
export const RUNTIME_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=20'];

export function botCommand(entry: BotEntry = compiled ? 'dist' : 'source', root = PROJECT_ROOT): string[] {
  return entry === 'dist'
    ? [...RUNTIME_NODE_FLAGS, join(root, 'dist', 'main.js')]
    : [...RUNTIME_NODE_FLAGS, '--import', 'tsx', join(root, 'src', 'main.ts')];
}

function parseJson(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Spawns the bot and resolves once it logged `ready` with its port; rejects with its output if it exits first. */
export function spawnBot(options: SpawnBotOptions): Promise<BotProcess> {
  const cwd = options.cwd ?? PROJECT_ROOT;
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  if (process.env.HOME) env.HOME = process.env.HOME;
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
  const args = options.script
    ? [...(options.execArgv ?? RUNTIME_NODE_FLAGS), options.script]
    : botCommand(options.entry, PROJECT_ROOT);
  const child = spawn(options.command?.file ?? process.execPath, options.command ? [...options.command.args] : args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<ExitResult>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });

  return new Promise<BotProcess>((resolveReady, rejectReady) => {
    let settled = false;
    const timeoutMs = options.readyTimeoutMs ?? 30_000;
    const timeout = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      rejectReady(new BotStartError(`the bot did not log "ready" within ${timeoutMs} ms`, null, lines));
    }, timeoutMs);

    const onLine = (line: string, stream: 'stdout' | 'stderr') => {
      lines.push(line);
      options.onLine?.(line, stream);
      if (settled) return;
      const json = parseJson(line);
      if (json?.msg === 'ready' && typeof json.port === 'number') {
        settled = true;
        clearTimeout(timeout);
        const port = json.port;
        resolveReady({
          child,
          port,
          url: `http://127.0.0.1:${port}`,
          ready: json,
          lines,
          exited,
          async stop(signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 15_000) {
            const started = performance.now();
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
            const result = await exited;
            clearTimeout(killer);
            return { ...result, ms: performance.now() - started };
          },
        });
      }
    };
    createInterface({ input: child.stdout! }).on('line', (l) => onLine(l, 'stdout'));
    createInterface({ input: child.stderr! }).on('line', (l) => onLine(l, 'stderr'));
    void exited.then((exit) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      // Let readline flush the last lines before reporting them.
      setImmediate(() =>
        rejectReady(
          new BotStartError(
            `the bot exited (code ${exit.code}, signal ${exit.signal}) before it was ready`,
            exit,
            lines,
          ),
        ),
      );
    });
  });
}
