/**
 * Every `/modelarts` input gets an answer through the real app (signed request → Bolt → listener → ModelArts
 * simulator → ack or response_url): HTTP 200 within the ack, a message within Block Kit's limits, the user's words
 * and upstream error text escaped, and no listener error. (test/slack/use-cases fuzzes the pure parser; this is the
 * whole path, so it runs fewer cases.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, type Stack, startStack } from '../security/harness.js';
import { expectSafePayload } from './safety.js';
import { HOSTILE } from './wire.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { LOG_LEVEL: 'info' } });
  await stack.quiesce();
});

afterAll(async () => {
  await stack?.close();
});

const word = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'help',
      'jobs',
      'job',
      'configs',
      'viz',
      'tasks',
      'watch',
      'unwatch',
      'watches',
      'page',
      'running',
      'failed',
      'completed',
      'JOBSTAT_FAILED',
      'analysis',
      'failures',
      'all',
      '10',
      '11',
      '0',
      '2001',
      '999999999',
      'X6c3N3eztX7cr3Arvqu',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE).map((h) => h.slice(0, 300)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.nat().map(String) },
);
const commandText = fc.oneof(
  { weight: 5, arbitrary: fc.array(word, { maxLength: 6 }).map((ws) => ws.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n', 'x'.repeat(3000)) },
);

async function expectAnswered(text: string): Promise<void> {
  const postsBefore = stack.slack.responseUrlPosts.length;
  const errorsBefore = stack.logs.filter((l) => l.includes('"level":50')).length;
  const result = await stack.slack.sendSlashCommand({ text, channelId: CHANNEL });
  expect(result.status).toBe(200);
  expect(result.outcome).toBe('ok');
  await stack.idle();
  const answers: unknown[] = [];
  if (result.body && typeof result.body === 'object') answers.push(result.body);
  answers.push(...stack.slack.responseUrlPosts.slice(postsBefore).map((p) => p.body));
  expect(answers.length).toBeGreaterThan(0);
  for (const answer of answers) {
    const a = answer as { text?: unknown; blocks?: unknown };
    expect(typeof a.text === 'string' || Array.isArray(a.blocks)).toBe(true);
    expectSafePayload(a.blocks ? answer : { ...a, blocks: [] });
  }
  expect(stack.logs.filter((l) => l.includes('"level":50')).slice(errorsBefore)).toEqual([]);
}

describe('/modelarts through the real app', () => {
  it('every input gets one well-formed, escaped answer', async () => {
    await fc.assert(
      fc.asyncProperty(commandText, async (text) => {
        await expectAnswered(text);
      }),
      { numRuns: 120 },
    );
  }, 120_000);

  it('upstream error text is escaped in the answer too', async () => {
    for (const code of ['<!channel>', '<@UEVIL0001>', '<https://evil.example|ok>']) {
      stack.sim.faults.add({ kind: 'serverError', status: 503, code, endpoint: 'getTrainingJobVersion', times: 10 });
      stack.sim.faults.add({
        kind: 'rateLimit',
        code,
        endpoint: 'listJobVersionStatuses',
        times: 10,
        retryAfterSeconds: 0,
      });
      await expectAnswered('job 10 10');
      await expectAnswered('jobs');
      stack.sim.faults.clear();
    }
  });
});
