/** `runCli` with captured stdout/stderr and the API on an undici MockAgent. */
import { MockAgent } from 'undici';
import { afterEach } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import type { CliContext } from '../../src/cli/types.js';
import { createModelArtsApi } from '../../src/modelarts/index.js';
import { ORIGIN, PROJECT, TOKEN } from './helpers.js';

export const ENV = { MODELARTS_ENDPOINT: ORIGIN, MODELARTS_PROJECT_ID: PROJECT, MODELARTS_AUTH_TOKEN: TOKEN };

export function cliHarness(env: Record<string, string | undefined> = ENV) {
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    env,
    io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t) },
    createApi: (config, options) =>
      createModelArtsApi({
        endpoint: config.endpoint,
        projectId: config.projectId,
        auth: config.auth,
        timeoutMs: options.timeoutMs ?? config.timeoutMs,
        dispatcher: agent,
        retry: { maxAttempts: 1 },
      }),
  };
  const calls = () => agent.getCallHistory()?.calls() ?? [];
  return {
    agent,
    pool: agent.get(ORIGIN),
    run: (...argv: string[]) => runCli(argv, ctx),
    out: () => out.join('\n'),
    err: () => err.join('\n'),
    errLines: () => err,
    /** The JSON bodies sent (POSTs). */
    bodies: () => calls().map((c) => JSON.parse(String(c.body ?? 'null')) as unknown),
    requests: () => calls().length,
  };
}

/** A `cli()` for one test file: each harness it makes is closed after its test. */
export function cliPerTest(): (env?: Record<string, string | undefined>) => ReturnType<typeof cliHarness> {
  let open: Array<ReturnType<typeof cliHarness>> = [];
  afterEach(async () => {
    await Promise.all(open.map((h) => h.agent.close()));
    open = [];
  });
  return (env) => {
    const h = cliHarness(env);
    open.push(h);
    return h;
  };
}
