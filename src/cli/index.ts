#!/usr/bin/env node
import { ConfigError } from '../config.js';
import { isEntryModule } from '../entry.js';
import { createModelArtsApi, InvalidIdError, ModelArtsError } from '../modelarts/index.js';
import { apiCommand } from './api-commands.js';
import { loadModelArtsConfig, secretsOf } from './env.js';
import { clean } from './format.js';
import { type CliCommand, type CliContext, UsageError } from './types.js';

export type { CliCommand, CliContext, CliIo } from './types.js';
export { UsageError } from './types.js';

export const COMMANDS: Record<string, CliCommand> = {
  api: apiCommand,
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'Usage: modelarts-chatops <command> [options]',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    'Run `modelarts-chatops <command> help` for details.',
  ].join('\n');
}

function scrub(text: string, env: CliContext['env']): string {
  let secrets: string[] = [];
  try {
    secrets = secretsOf(loadModelArtsConfig(env));
  } catch {
    // Without a valid configuration there is nothing configured to leak.
  }
  return secrets.reduce((out, s) => (s.length >= 4 ? out.split(s).join('[REDACTED]') : out), text);
}

/** Runs one command line; returns the exit code (0 ok, 1 bad input or configuration, 2 ModelArts failed). */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...args] = argv;
  const fail = (code: number, message: string): number => {
    // One line, no secrets, and no terminal control sequences from upstream text.
    ctx.io.stderr(`modelarts-chatops: ${clean(scrub(message.replace(/\s*\n\s*/g, '; '), ctx.env))}`);
    return code;
  };
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? ctx.io.stderr : ctx.io.stdout)(usage());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) return fail(1, `unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
  try {
    return await command.run(args, ctx);
  } catch (err) {
    if (err instanceof UsageError) return fail(1, err.message);
    if (err instanceof ConfigError) return fail(1, `configuration: ${err.problems.join('; ')}`);
    if (err instanceof InvalidIdError) return fail(1, err.userMessage);
    if (err instanceof ModelArtsError) return fail(2, `${err.userMessage} [${err.name}]`);
    if (err instanceof Error && err.name === 'AbortError') return fail(2, 'aborted');
    return fail(2, `unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function defaultContext(env: CliContext['env']): CliContext {
  return {
    env,
    io: {
      stdout: (text) => process.stdout.write(`${text}\n`),
      stderr: (text) => process.stderr.write(`${text}\n`),
    },
    createApi: (config, options) =>
      createModelArtsApi({
        endpoint: config.endpoint,
        projectId: config.projectId,
        auth: config.auth,
        timeoutMs: options.timeoutMs ?? config.timeoutMs,
        maxResponseBytes: config.maxResponseBytes,
      }),
  };
}

export async function runFromProcess(): Promise<void> {
  const code = await runCli(process.argv.slice(2), defaultContext(process.env));
  process.exitCode = code;
}

if (isEntryModule(import.meta.url)) await runFromProcess();
