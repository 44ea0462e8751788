/**
 * Benchmark plumbing: child processes for the simulator, the bot and the bare Bolt baseline (so the load generator
 * in this process does not steal their CPU), an undici load generator for signed slash commands, and statistics.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { type BotProcess, PROJECT_ROOT, RUNTIME_NODE_FLAGS, spawnBot } from '../../tools/demo/bot-process.js';
import { signSlackRequest } from '../../tools/fake-slack/index.js';

export interface SimulatorProcess {
  url: string;
  projectId: string;
  /** The static token the simulator accepts (MODELARTS_AUTH_TOKEN). */
  token: string;
  child: ChildProcess;
  /** A call to the simulator's control API (`/__sim/...`), JSON in and out. */
  control<T>(method: string, path: string, body?: unknown): Promise<T>;
  setLatency(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** `npm run simulator` on a free port, in its own process; resolves once it printed its URL and credentials. */
export function spawnSimulator(args: string[] = []): Promise<SimulatorProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(PROJECT_ROOT, 'tools/simulator/cli.ts'), '--port', '0', ...args],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    child.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
    const seen: Record<string, string> = {};
    let ready = false;
    rl.on('line', (line) => {
      const url = /listening on (http:\/\/[^\s]+)/.exec(line)?.[1];
      if (url) seen.url = url;
      for (const m of line.matchAll(/(MODELARTS_PROJECT_ID|MODELARTS_AUTH_TOKEN)=(\S+)/g)) seen[m[1]!] = m[2]!;
      const { url: base, MODELARTS_PROJECT_ID: projectId, MODELARTS_AUTH_TOKEN: token } = seen;
      if (!base || !projectId || !token || ready) return;
      ready = true;
      const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        if (!res.ok) throw new Error(`simulator control ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
        return (await res.json()) as T;
      };
      resolve({
        url: base,
        projectId,
        token,
        child,
        control,
        async setLatency(ms) {
          await control('PUT', '/__sim/latency', { ms });
        },
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** The bare Bolt baseline, in its own process. */
export function spawnBareBolt(signingSecret: string): Promise<BotProcess> {
  return spawnBot({
    script: join(PROJECT_ROOT, 'bench/support/bare-bolt.mjs'),
    // The same runtime flags as the compiled bot: the baseline differs only in doing no work.
    execArgv: [...RUNTIME_NODE_FLAGS],
    env: { SLACK_SIGNING_SECRET: signingSecret, PORT: '0' },
  });
}

/** A response_url stand-in that accepts every POST (the bot's follow-ups after a "Looking up…" ack). */
export async function startSink(): Promise<{ url: string; posts: () => number; close(): Promise<void> }> {
  let posts = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/response/bench`,
    posts: () => posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
  statuses: Record<number, number>;
  /** Answers counted by `classify`'s label (e.g. how many acks said "busy"). */
  kinds: Record<string, number>;
}

/** Signed `/modelarts TEXT` slash command bodies, as Slack sends them. */
export function slashCommand(
  secret: string,
  text: string | ((n: number) => string),
  responseUrl: string,
): () => { headers: Record<string, string>; body: string } {
  let n = 0;
  return () => {
    n++;
    const commandText = typeof text === 'string' ? text : text(n);
    const body = new URLSearchParams({
      token: 'bench',
      team_id: 'T0FAKE0001',
      team_domain: 'bench',
      channel_id: 'C0MLOPS001',
      channel_name: 'ml-ops',
      user_id: 'U0DEMO0001',
      user_name: 'ada',
      command: '/modelarts',
      text: commandText,
      api_app_id: 'A0APP00001',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: `bench.${n}`,
    }).toString();
    return {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(secret, body).headers },
    };
  };
}

/** Closed-loop load: `connections` clients each sending the next request when the previous answer arrived. */
export async function load(options: {
  origin: string;
  path: string;
  connections: number;
  durationMs: number;
  warmupMs: number;
  request: () => { headers: Record<string, string>; body: string };
  /** Labels an answer body, for counting kinds of answers. */
  classify?: (body: string) => string;
}): Promise<LoadResult> {
  const pool = new Pool(options.origin, { connections: options.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const kinds: Record<string, number> = {};
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  // Every answer that arrives inside the window counts, with its full latency (even if sent during warm-up), so slow
  // answers are measured rather than dropped for straddling the window's start.
  const worker = async () => {
    while (performance.now() < end) {
      const { headers, body } = options.request();
      const t0 = performance.now();
      try {
        const res = await pool.request({ path: options.path, method: 'POST', headers, body });
        const answer = await res.body.text();
        const t1 = performance.now();
        if (t1 >= measureFrom && t1 <= end) {
          latencies.push(t1 - t0);
          if (options.classify) {
            const kind = options.classify(answer);
            kinds[kind] = (kinds[kind] ?? 0) + 1;
          }
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode !== 200) errors++;
        }
      } catch {
        const t1 = performance.now();
        if (t1 >= measureFrom && t1 <= end) errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  await pool.close();
  return {
    requests: latencies.length,
    errors,
    seconds: options.durationMs / 1000,
    latenciesMs: latencies,
    statuses,
    kinds,
  };
}

/**
 * The bundled entry (`node dist/main.js`, as `npm start` and the Docker image run it), built fresh by `npm run build`'s
 * script into test-artifacts/<scratch> (inside the project, so the external packages resolve from node_modules). A
 * build takes under a second, so no staleness check can let a benchmark measure yesterday's code. Returns null, with
 * the builder's output, when the build fails.
 */
export function compiledMain(scratch = 'dist-bench'): { main: string | null; output: string } {
  const outDir = join(PROJECT_ROOT, 'test-artifacts', scratch);
  const build = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build.mjs'), outDir], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  const output = `${build.stdout}${build.stderr}`;
  return { main: build.status === 0 ? join(outDir, 'main.js') : null, output };
}

/** The compiled entry for a benchmark, or null (the caller falls back to tsx). */
export function buildForBench(): string | null {
  const { main, output } = compiledMain();
  if (!main) process.stderr.write(`bench: the build failed; using tsx instead\n${output}\n`);
  return main;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime), counted after the command name; clock ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Waits until a process has been nearly idle (under 5 % of a core) for half a second, or `timeoutMs` passed: work a
 * scenario left behind (answers still going out through response_url) must not be billed to the next one.
 */
export async function settled(pid: number | undefined, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let last = cpuSeconds(pid);
  while (quiet < 2 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = cpuSeconds(pid);
    quiet = now - last < 0.0125 ? quiet + 1 : 0;
    last = now;
  }
}

/** Resident set size of a process in MB, from /proc (Linux); NaN elsewhere. */
export function rssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarise(r: LoadResult): { p50: number; p99: number; rps: number; requests: number; errors: number } {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    rps: r.requests / r.seconds,
    requests: r.requests,
    errors: r.errors,
  };
}

/** A fixed-width text table. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Array<string | number>) => r.map((c, i) => String(c).padStart(widths[i]!)).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/**
 * The environment of the bot process the poller benchmarks start: the simulator's project with a fixed token, the
 * Slack stand-in's Web API, the benchmark's database, polling every `intervalS`.
 */
export function pollerBenchBotEnv(p: {
  slackApiUrl: string;
  sim: { url: string; projectId: string; token: string };
  databaseUrl: string;
  intervalS: number;
  instanceId: string;
}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-secret',
    SLACK_API_URL: p.slackApiUrl,
    PORT: '0',
    METRICS_PORT: '0',
    MODELARTS_ENDPOINT: p.sim.url,
    MODELARTS_PROJECT_ID: p.sim.projectId,
    MODELARTS_AUTH_TOKEN: p.sim.token,
    DATABASE_URL: p.databaseUrl,
    POLL_INTERVAL_SECONDS: String(p.intervalS),
    INSTANCE_ID: p.instanceId,
    LOG_LEVEL: 'info',
  };
}
