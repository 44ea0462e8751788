/**
 * The bot as production runs it (compiled JavaScript, `node dist/main.js`), built into a temporary directory so the
 * benchmark neither needs nor touches the project's own dist/. RSS measured this way excludes tsx's transpiler.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface CompiledBuild {
  mainJs: string;
  dispose(): void;
}

/** Compiles src/ with the project's build config; null when no main.js came out. */
export function buildCompiled(root: string): CompiledBuild | null {
  const out = mkdtempSync(join(tmpdir(), 'bench-poller-build-'));
  try {
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        join(root, 'tsconfig.build.json'),
        '--outDir',
        join(out, 'dist'),
      ],
      { stdio: 'ignore' },
    );
  } catch {
    // Type errors elsewhere in the tree still emit JavaScript; whether main.js exists decides.
  }
  const mainJs = join(out, 'dist', 'main.js');
  if (!existsSync(mainJs)) {
    rmSync(out, { recursive: true, force: true });
    return null;
  }
  copyFileSync(join(root, 'package.json'), join(out, 'package.json')); // "type": "module"
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
  return { mainJs, dispose: () => rmSync(out, { recursive: true, force: true }) };
}

export interface RunningBot {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node main.js` with exactly `env` (plus PATH) and resolves on its `ready` log line. */
export function startCompiledBot(mainJs: string, env: Record<string, string>, timeoutMs = 60_000): Promise<RunningBot> {
  const child = spawn(process.execPath, [mainJs], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`compiled bot not ready within ${timeoutMs} ms:\n${output.join('\n')}`));
    }, timeoutMs);
    createInterface({ input: child.stderr! }).on('line', (l) => output.push(l));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (!line.includes('"msg":"ready"')) return;
      clearTimeout(timer);
      resolve({
        child,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`compiled bot exited before ready:\n${output.join('\n')}`));
    });
  });
}
