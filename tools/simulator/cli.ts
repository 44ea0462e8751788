/**
 * `npm run simulator [-- --port 8700 --seed 42 --host 127.0.0.1 --jobs 30 --v2-jobs 20 --latency 0 --churn 0
 * --apis both --cloud otc --search-offset page --all-versions-off --all-versions-bare]`: runs the ModelArts simulator
 * alone and prints where it listens and how to authenticate against it. `--all-versions-bare` leaves job_id/job_name
 * out of the all-versions rows, exactly as the API docs show them; `--apis v1|v2` serves only that training API (the
 * other answers 404 APIG(W).0101), `--cloud huawei` sends Huawei's APIGW. gateway codes, `--search-offset record`
 * makes the v2 search read `offset` as a record offset.
 */
import { parseArgs } from 'node:util';
import {
  DEFAULT_GENERATED_JOBS,
  DEFAULT_GENERATED_V2_JOBS,
  DEFAULT_SEED,
  SEEDED,
  SEEDED_V2,
  startSimulator,
} from './index.js';

const USAGE = `Usage: npm run simulator -- [--port 8700] [--host 127.0.0.1] [--seed 42] [--jobs 30] [--v2-jobs 20]
  [--latency MS] [--churn SECONDS] [--apis v1|v2|both] [--cloud otc|huawei] [--search-offset page|record]
  [--all-versions-off] [--all-versions-bare]
`;

function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    process.stderr.write(`simulator: --${name} must be one of ${allowed.join(', ')}\n`);
    process.exit(2);
  }
  return value as T;
}

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
      'v2-jobs': { type: 'string' },
      latency: { type: 'string' },
      apis: { type: 'string' },
      cloud: { type: 'string' },
      'search-offset': { type: 'string' },
      churn: { type: 'string' },
      'all-versions-off': { type: 'boolean', default: false },
      'all-versions-bare': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const sim = await startSimulator({
    port: int(values.port, 'port', 8700, 0, 65535),
    host: values.host,
    seed: int(values.seed, 'seed', DEFAULT_SEED, 0, 2 ** 32 - 1),
    generatedJobs: int(values.jobs, 'jobs', DEFAULT_GENERATED_JOBS, 0, 100_000),
    generatedV2Jobs: int(values['v2-jobs'], 'v2-jobs', DEFAULT_GENERATED_V2_JOBS, 0, 100_000),
    apis: oneOf(values.apis, 'apis', ['v1', 'v2', 'both'] as const, 'both'),
    cloud: oneOf(values.cloud, 'cloud', ['otc', 'huawei'] as const, 'otc'),
    searchOffset: oneOf(values['search-offset'], 'search-offset', ['page', 'record'] as const, 'page'),
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
      `  training APIs: ${Object.entries(sim.account.apis)
        .filter(([, on]) => on)
        .map(([api]) => api)
        .join(' and ')} (${sim.account.cloud === 'huawei' ? 'Huawei Cloud, APIGW.' : 'OTC, APIG.'} gateway codes)`,
      ...(sim.account.apis.v1
        ? [
            `  try: curl -H 'X-Auth-Token: ${c.token}' ${sim.url}/v1/${c.projectId}/training-jobs/${SEEDED.docJobId}/versions/${SEEDED.docVersionId}`,
          ]
        : []),
      ...(sim.account.apis.v2
        ? [
            `  try: curl -H 'X-Auth-Token: ${c.token}' ${sim.url}/v2/${c.projectId}/training-jobs/${SEEDED_V2.failingNpuJobId}`,
          ]
        : []),
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
