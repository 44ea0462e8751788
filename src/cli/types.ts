/** The CLI's command table contract: one entry per top-level command, added in src/cli/index.ts. */
import type { ModelArtsApi } from '../modelarts/index.js';
import type { ModelArtsConfig } from './env.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  io: CliIo;
  /** Builds the API from the ModelArts configuration; tests inject a MockAgent-backed one. */
  createApi(config: ModelArtsConfig, options: { timeoutMs?: number }): ModelArtsApi;
}

export interface CliCommand {
  /** One line for the command list. */
  summary: string;
  /** Usage lines shown by `help` and after a usage error. */
  usage: string;
  /** Returns the exit code. Throw UsageError for bad input. */
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** Bad input: printed as one line on stderr, exit code 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
