/**
 * MODELARTS_MAX_RESPONSE_BYTES over real HTTP: the simulator streams a body far larger than the cap (hugeBody fault)
 * and the client stops reading at the cap, so the process's memory grows by a fraction of the body, and the simulator
 * stops sending soon after (the request was aborted, not drained).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelArtsApi, ResponseTooLargeError } from '../../src/modelarts/index.js';
import { SEEDED_V2, type Simulator, startSimulator } from '../../tools/simulator/index.js';
import { authConfig } from './helpers.js';

const MiB = 1024 * 1024;
const CAP = 8 * MiB;
const BODY = 256 * MiB;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ generatedJobs: 0, generatedV2Jobs: 0 });
});
afterAll(async () => {
  await sim.close();
});

function api() {
  return createModelArtsApi({
    endpoint: sim.url,
    projectId: sim.projectId,
    auth: authConfig(sim, 'token'),
    maxResponseBytes: CAP,
    timeoutMs: 20_000,
  });
}

describe.each([
  ['streamed without Content-Length', false],
  ['announced by Content-Length', true],
])('a %s answer of 256 MiB against an 8 MiB cap', (_name, declareLength) => {
  it('fails with ResponseTooLargeError, memory stays bounded, the simulator stops sending', async () => {
    sim.faults.hugeBody({ endpoint: 'getTaskLogPreview', bytes: BODY, declareLength, times: 1 });
    const sentBefore = sim.hugeBodyBytesSent();
    const client = api();
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      const err = await client.getTaskLogPreview(SEEDED_V2.failedJobId, 'worker-0').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResponseTooLargeError);
      expect((err as ResponseTooLargeError).userMessage).toBe(
        'ModelArts sent an answer larger than 8 MiB for GET /v2/{project_id}/training-jobs/{training_job_id}/tasks/{task_id}/logs/preview; the bot stopped reading it',
      );
      expect((err as ResponseTooLargeError).declaredBytes).toBe(declareLength ? BODY : null);
    } finally {
      clearInterval(sampler);
      await client.close();
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMiB = (peak - rssBefore) / MiB;
    // Reading the whole body would take 256 MiB (and more as a string); the cap keeps it to a fraction.
    expect(growthMiB).toBeLessThan(64);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sentMiB = (sim.hugeBodyBytesSent() - sentBefore) / MiB;
    expect(sentMiB).toBeLessThan(64);
    process.stdout.write(
      `response cap (${declareLength ? 'Content-Length' : 'streamed'}): RSS +${growthMiB.toFixed(1)} MiB at peak, simulator sent ${sentMiB.toFixed(1)} MiB of ${BODY / MiB} MiB\n`,
    );
  });
});
