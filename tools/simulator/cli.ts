/**
 * `npm run simulator [-- --port 8700 --seed 42 --host 127.0.0.1 --jobs 30 --latency 0 --churn 0 --all-versions-off
 * --all-versions-bare]`: runs the ModelArts simulator alone and prints where it listens and how to authenticate against
 * it. `--all-versions-bare` leaves job_id/job_name out of the all-versions rows, exactly as the API docs show them.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_GENERATED_JOBS, DEFAULT_SEED, SEEDED, startSimulator } from './index.js';

function int(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`simulator: --${name} must be a whole number from ${min} to ${max}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8700' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string' },
      jobs: { type: 'string' },
      latency: { type: 'string' },
      churn: { type: 'string' },
      'all-versions-off': { type: 'boolean', default: false },
      'all-versions-bare': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run simulator -- [--port 8700] [--host 127.0.0.1] [--seed 42] [--jobs 30] [--latency MS] [--churn SECONDS] [--all-versions-off] [--all-versions-bare]\n',
    );
    return;
  }
  const sim = await startSimulator({
    port: int(values.port, 'port', 8700, 0, 65535),
    host: values.host,
    seed: int(values.seed, 'seed', DEFAULT_SEED, 0, 2 ** 32 - 1),
    generatedJobs: int(values.jobs, 'jobs', DEFAULT_GENERATED_JOBS, 0, 100_000),
    latencyMs: int(values.latency, 'latency', 0, 0, 600_000),
    allVersionsOff: values['all-versions-off'],
    allVersionsJobFields: !values['all-versions-bare'],
    churnEveryMs: int(values.churn, 'churn', 0, 0, 86_400) * 1000,
  });
  const c = sim.credentials;
  const user = c.iamUsers[0];
  process.stdout.write(
    [
      `ModelArts simulator listening on ${sim.url} (seed ${values.seed ?? DEFAULT_SEED})`,
      '',
      `  MODELARTS_ENDPOINT=${sim.url}`,
      `  MODELARTS_PROJECT_ID=${c.projectId}`,
      `  AK/SK:        HUAWEICLOUD_SDK_AK=${c.accessKey} HUAWEICLOUD_SDK_SK=${c.secretKey}`,
      `  static token: MODELARTS_AUTH_TOKEN=${c.token}`,
      user
        ? `  IAM password: OS_AUTH_URL=${sim.iamUrl} OS_USERNAME=${user.name} OS_PASSWORD=${user.password} OS_USER_DOMAIN_NAME=${user.domain} OS_PROJECT_NAME=${c.projectName}`
        : '',
      '',
      `  try: curl -H 'X-Auth-Token: ${c.token}' ${sim.url}/v1/${c.projectId}/training-jobs/${SEEDED.docJobId}/versions/${SEEDED.docVersionId}`,
      `  control: ${sim.url}/__sim (faults, clock, statuses); Ctrl-C or SIGTERM stops`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`simulator: ${signal}, closing\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
