/**
 * A running job's cards (issue 11): elapsed time, and an "updated" time that is the time of the data: Refresh moves
 * it, and the alert card the sender posts carries both.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxSender } from '../../../src/slack/delivery/index.js';
import type { EphemeralMessage } from '../../../tools/fake-slack/index.js';
import { TEST_BOT_TOKEN } from '../../support/app-fakes.js';
import { type AppHarness, eventually, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';
const USER = 'U0DEMO0001';

const all = (m: { text?: string; blocks?: unknown[] } | undefined) =>
  `${m?.text ?? ''} ${JSON.stringify(m?.blocks ?? [])}`;
/** The epoch seconds of the card's "updated" token. */
const updatedAt = (m: { text?: string; blocks?: unknown[] } | undefined): number => {
  const found = all(m).match(/updated <!date\^(\d+)\^/);
  if (!found?.[1]) throw new Error('no updated time on the card');
  return Number(found[1]);
};

describe('running cards end to end', () => {
  let h: AppHarness;
  const current = (e: EphemeralMessage) => h.slack.ephemerals(e.user, e.channel).find((x) => x.id === e.id);

  beforeAll(async () => {
    h = await startAppHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the run card shows how long it has run and when it was read; Refresh reads again', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'long-runner', status: 8 });
    await h.slack.sendSlashCommand({ text: `job ${jobId} ${versionIds[0]}`, channelId: CHANNEL, userId: USER });
    const card = h.slack.ephemerals(USER, CHANNEL).at(-1);
    if (!card) throw new Error('no card');
    expect(all(card)).toMatch(/\*Running\* for \d/);
    const first = updatedAt(card);
    expect(Math.abs(first - Date.now() / 1000)).toBeLessThan(30);
    await new Promise((r) => setTimeout(r, 1100));
    await h.slack.sendBlockAction({ actionId: 'job_refresh', message: card, userId: USER });
    const refreshed = await eventually(() => {
      const now = current(card);
      return now && now.history.length > 0 ? now : undefined;
    });
    expect(updatedAt(refreshed)).toBeGreaterThan(first);
  });

  it('the alert card of a running job shows its elapsed time and the time of its data', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'watched-runner', status: 8 });
    await h.slack.sendSlashCommand({ text: `watch ${jobId} ${versionIds[0]}`, channelId: CHANNEL, userId: USER });
    const sender = createOutboxSender({
      store: h.store,
      slack: new WebClient(TEST_BOT_TOKEN, { slackApiUrl: h.slack.apiUrl, retryConfig: { retries: 0 } }),
      logger: h.logs.logger,
      now: () => new Date(),
      instanceId: 'running-card-test',
      channelSpacingMs: 0,
    });
    await sender.runOnce();
    const posted = await eventually(() => h.slack.messages(CHANNEL).find((m) => all(m).includes('watched-runner')));
    expect(all(posted)).toMatch(/\*Running\* for \d[^·]* · since <!date/);
    expect(Math.abs(updatedAt(posted) - Date.now() / 1000)).toBeLessThan(30);

    // Refresh renders the same card again from ModelArts, in place, with its watch's Unwatch.
    await new Promise((r) => setTimeout(r, 1100));
    await h.slack.sendBlockAction({ actionId: 'job_refresh:card', message: posted, userId: USER });
    const refreshed = await eventually(() => {
      const now = h.slack.message(CHANNEL, posted.ts);
      return now && updatedAt(now) > updatedAt(posted) ? now : undefined;
    });
    expect(all(refreshed)).toContain('"action_id":"unwatch"');
    expect(all(refreshed)).toContain('job_refresh:card');
  });
});
