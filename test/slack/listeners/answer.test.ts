import { describe, expect, it } from 'vitest';
import type { Answer } from '../../../src/slack/errors.js';
import {
  answerCommand,
  BUSY,
  isExpired,
  LOOKING_UP,
  withDeadline,
  within,
} from '../../../src/slack/listeners/common/answer.js';
import { startInteraction } from '../../../src/slack/listeners/common/interaction.js';
import { captureLogger, fakeAppDeps } from '../../support/app-fakes.js';

const answer = (text: string): Answer => ({
  message: { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] },
  outcome: 'ok',
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('within', () => {
  it('returns the value when it is ready first', async () => {
    expect(await within(Promise.resolve(7), 1_000)).toBe(7);
  });
  it('reports an expired budget', async () => {
    const never = new Promise<number>(() => {});
    expect(isExpired(await within(never, 5))).toBe(true);
  });
});

describe('withDeadline', () => {
  it('aborts the signal when the lookup deadline passes', async () => {
    const deps = fakeAppDeps({ tuning: { lookupDeadlineMs: 10 } });
    const reason = await withDeadline(
      deps,
      (call) =>
        new Promise<unknown>((resolve) => {
          call.signal.addEventListener('abort', () => resolve(call.signal.reason));
        }),
    );
    expect((reason as Error).name).toBe('TimeoutError');
  });
  it('passes the per-call timeout', async () => {
    const deps = fakeAppDeps({ tuning: { modelartsTimeoutMs: 1234 } });
    expect(await withDeadline(deps, async (call) => call.timeoutMs)).toBe(1234);
  });
  it('asks for a fresh read only when told to', async () => {
    const deps = fakeAppDeps();
    expect(await withDeadline(deps, async (call) => call.maxAgeMs)).toBeUndefined();
    expect(await withDeadline(deps, async (call) => call.maxAgeMs, { fresh: true })).toBe(0);
  });
  it('refuses new work at once while maxLookupsInFlight lookups run, and counts settled ones out', async () => {
    const deps = fakeAppDeps({ tuning: { maxLookupsInFlight: 2 } });
    const first = deferred<string>();
    const second = deferred<string>();
    const running = [withDeadline(deps, () => first.promise), withDeadline(deps, () => second.promise)];
    let started = false;
    const refused = withDeadline(deps, async () => {
      started = true;
    });
    await expect(refused).rejects.toMatchObject({ outcome: 'busy', userMessage: BUSY });
    expect(started).toBe(false);
    first.resolve('a');
    await running[0];
    expect(await withDeadline(deps, async () => 'room again')).toBe('room again');
    second.resolve('b');
    await running[1];
    expect(deps.lookups.inFlight).toBe(0);
    // A failed lookup leaves the count too.
    await expect(withDeadline(deps, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(deps.lookups.inFlight).toBe(0);
  });
});

describe('answerCommand', () => {
  it('acks with the answer when it is ready within the budget', async () => {
    const { logger, lines } = captureLogger();
    const deps = fakeAppDeps({ logger, tuning: { ackBudgetMs: 5_000 } });
    const acks: unknown[] = [];
    const responds: unknown[] = [];
    await answerCommand({
      deps,
      interaction: startInteraction(deps, 'command', '/modelarts', { userId: 'U1', channelId: 'C1' }),
      ack: async (body) => {
        acks.push(body);
      },
      respond: async (body) => {
        responds.push(body);
        return new Response() as never;
      },
      work: async () => answer('the card'),
      fallback: () => answer('fallback'),
    });
    expect(acks).toEqual([expect.objectContaining({ response_type: 'ephemeral', text: 'the card' })]);
    expect(responds).toEqual([]);
    const line = lines().find((l) => l.msg === 'interaction');
    expect(line).toMatchObject({ user: 'U1', channel: 'C1', outcome: 'ok', deferred: false });
    expect(typeof line?.latencyMs).toBe('number');
    expect(typeof line?.ackMs).toBe('number');
  });

  it('acks "Looking up…" when the budget passes and replaces it through respond', async () => {
    const { logger, lines } = captureLogger();
    const deps = fakeAppDeps({ logger, tuning: { ackBudgetMs: 1 } });
    const work = deferred<Answer>();
    const acked = deferred<unknown>();
    const responds: unknown[] = [];
    const done = answerCommand({
      deps,
      interaction: startInteraction(deps, 'command', '/modelarts', { userId: 'U1', channelId: 'C1' }),
      ack: async (body) => {
        acked.resolve(body);
      },
      respond: async (body) => {
        responds.push(body);
        return new Response() as never;
      },
      work: () => work.promise,
      fallback: () => answer('fallback'),
    });
    expect(await acked.promise).toEqual({ response_type: 'ephemeral', text: LOOKING_UP });
    expect(responds).toEqual([]);
    work.resolve(answer('late card'));
    await done;
    expect(responds).toEqual([
      expect.objectContaining({ response_type: 'ephemeral', replace_original: true, text: 'late card' }),
    ]);
    expect(lines().find((l) => l.msg === 'interaction')).toMatchObject({ deferred: true, outcome: 'ok' });
  });

  it('answers with the fallback when the work rejects', async () => {
    const deps = fakeAppDeps({ tuning: { ackBudgetMs: 5_000 } });
    const acks: unknown[] = [];
    await answerCommand({
      deps,
      interaction: startInteraction(deps, 'command', '/modelarts', { userId: 'U1', channelId: 'C1' }),
      ack: async (body) => {
        acks.push(body);
      },
      respond: async () => new Response() as never,
      work: async () => {
        throw new Error('boom');
      },
      fallback: () => ({ ...answer('sorry'), outcome: 'internal_error' }),
    });
    expect(acks).toEqual([expect.objectContaining({ text: 'sorry' })]);
  });
});
