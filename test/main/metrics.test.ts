/**
 * The metrics decorators: bounded labels, Slack delivery failures by Slack's error through a real WebClient against
 * the Slack stand-in, ModelArts requests by endpoint and code, poll cycle timing from the store calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMetrics,
  interactionLabels,
  MeteredWebClient,
  type Metrics,
  modelArtsRequestObserver,
  registerStateGauges,
  slackErrorLabel,
  timePollCycles,
} from '../../src/metrics.js';
import { type FakeSlack, startFakeSlack } from '../../tools/fake-slack/index.js';

async function value(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const data = await metric.get();
  const hit = data.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return hit?.value ?? 0;
}

describe('interaction labels', () => {
  it('names subcommands, actions, shortcuts, views and events from bounded sets', () => {
    expect(interactionLabels({ command: '/modelarts', text: '  JOB 10 10' })).toEqual({
      kind: 'command',
      subcommand: 'job',
    });
    expect(interactionLabels({ command: '/modelarts', text: '' })).toEqual({ kind: 'command', subcommand: 'help' });
    expect(interactionLabels({ command: '/modelarts', text: 'x'.repeat(500) })).toEqual({
      kind: 'command',
      subcommand: 'other',
    });
    expect(interactionLabels({ type: 'block_actions', actions: [{ action_id: 'jobs_page' }] })).toEqual({
      kind: 'action',
      subcommand: 'jobs_page',
    });
    expect(interactionLabels({ type: 'block_actions', actions: [{ action_id: 'jobs_page:next' }] }).subcommand).toBe(
      'other',
    );
    expect(interactionLabels({ type: 'shortcut', callback_id: 'modelarts_lookup' })).toEqual({
      kind: 'shortcut',
      subcommand: 'modelarts_lookup',
    });
    expect(interactionLabels({ type: 'view_submission', view: { callback_id: 'evil"label' } })).toEqual({
      kind: 'view',
      subcommand: 'other',
    });
    expect(interactionLabels({ type: 'event_callback', event: { type: 'app_home_opened' } })).toEqual({
      kind: 'event',
      subcommand: 'app_home_opened',
    });
    expect(interactionLabels({ type: 'something_new' })).toEqual({ kind: 'other', subcommand: 'other' });
  });
});

describe("Slack delivery failures (the sender's WebClient)", () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack({ signingSecret: 'metrics-test-secret' });
  });
  afterAll(async () => {
    await slack.close();
  });

  it('counts calls and failures by Slack error', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const client = new MeteredWebClient(
      'xoxb-metrics-test',
      { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true },
      metrics,
    );
    await client.chat.postMessage({ channel: 'C0MLOPS001', text: 'ok' });
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    await expect(client.chat.postMessage({ channel: 'C0MLOPS001', text: 'x' })).rejects.toThrow();
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const limited = await client.chat.postMessage({ channel: 'C0MLOPS001', text: 'y' }).catch((e: unknown) => e);
    expect(slackErrorLabel(limited)).toBe('ratelimited');
    slack.failNext('chat.update', { status: 503 });
    await expect(client.chat.update({ channel: 'C0MLOPS001', ts: '1.2', text: 'z' })).rejects.toThrow();

    const failures = 'modelarts_chatops_slack_delivery_failures_total';
    expect(await value(metrics, 'modelarts_chatops_slack_delivery_calls_total', { method: 'chat.postMessage' })).toBe(
      3,
    );
    expect(await value(metrics, failures, { method: 'chat.postMessage', error: 'channel_not_found' })).toBe(1);
    expect(await value(metrics, failures, { method: 'chat.postMessage', error: 'ratelimited' })).toBe(1);
    expect(await value(metrics, failures, { method: 'chat.update', error: 'http_503' })).toBe(1);
  });
});

describe('ModelArts requests', () => {
  it('counts by endpoint and outcome, errors by code, and times them', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const observe = modelArtsRequestObserver(metrics);
    const endpoint = 'GET /v1/{project_id}/training-jobs/{job_id}/versions/{version_id}';
    observe({ endpoint, status: 200, outcome: 'ok', errorCode: null, durationMs: 12 });
    observe({ endpoint, status: 404, outcome: 'NotFoundError', errorCode: 'ModelArts.2775', durationMs: 5 });
    observe({ endpoint, status: null, outcome: 'TimeoutError', errorCode: null, durationMs: 10_000 });
    expect(await value(metrics, 'modelarts_chatops_modelarts_requests_total', { endpoint, outcome: 'ok' })).toBe(1);
    expect(await value(metrics, 'modelarts_chatops_modelarts_requests_total', { endpoint, outcome: 'error' })).toBe(2);
    expect(await value(metrics, 'modelarts_chatops_modelarts_errors_total', { endpoint, code: 'ModelArts.2775' })).toBe(
      1,
    );
    expect(await value(metrics, 'modelarts_chatops_modelarts_errors_total', { endpoint, code: 'TimeoutError' })).toBe(
      1,
    );
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/modelarts_chatops_modelarts_request_duration_seconds_count\{endpoint="GET [^"]+"\} 3/);
  });
});

describe('poll cycle timing', () => {
  it("times lease holders' cycles from lease to health, skips standby cycles, and splits ok from failing", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let held = true;
    const calls: string[] = [];
    const store = timePollCycles(
      {
        tryAcquireLease: async (_name: string, _holder: string, _ttlMs: number, _now: Date) => {
          calls.push('lease');
          return held;
        },
        savePollHealth: async (_health: { failingSince: Date | null }) => {
          calls.push('health');
        },
        other: () => 'passes through',
      },
      metrics,
      60_000,
    );
    // A successful cycle with a renewal before its commit, then a failing one, then a standby one.
    await store.tryAcquireLease('poll:p', 'me', 1000, new Date());
    await store.tryAcquireLease('poll:p', 'me', 1000, new Date());
    await store.savePollHealth({ failingSince: null });
    await store.tryAcquireLease('poll:p', 'me', 1000, new Date());
    await store.savePollHealth({ failingSince: new Date() });
    held = false;
    await store.tryAcquireLease('poll:p', 'me', 1000, new Date());
    expect(store.other()).toBe('passes through');
    expect(calls).toEqual(['lease', 'lease', 'health', 'lease', 'health', 'lease']);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/poll_cycle_duration_seconds_count\{outcome="ok"\} 1/);
    expect(text).toMatch(/poll_cycle_duration_seconds_count\{outcome="error"\} 1/);
  });
});

describe('state gauges', () => {
  it('serve every other metric when the outbox depth could not be read, and drop the stale depth', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let failing = false;
    registerStateGauges(metrics, {
      pollHealth: () => ({ lagSeconds: 3, failingSince: null }),
      outboxDepth: () => (failing ? null : { pending: 4, dead: 1 }),
      outboxLagSeconds: () => (failing ? null : 2.5),
    });
    const healthy = await metrics.registry.metrics();
    expect(healthy).toContain('modelarts_chatops_outbox_depth{state="pending"} 4');
    expect(healthy).toContain('modelarts_chatops_outbox_lag_seconds 2.5');
    failing = true;
    const degraded = await metrics.registry.metrics();
    expect(degraded).toContain('modelarts_chatops_poll_lag_seconds 3');
    expect(degraded).not.toContain('modelarts_chatops_outbox_depth{');
    expect(degraded).toMatch(/^modelarts_chatops_outbox_lag_seconds nan$/im);
  });
});
