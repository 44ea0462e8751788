/**
 * Screenshots of how a failure reaches a channel, in the Slack stand-in with Debian's chromium: the failure thread
 * reply of a watched run, and a burst of ten failures to a project-wide watch. Each goes the real way (the watch
 * command through the receiver, the simulator failing the runs, the poller, the outbox sender). Written as
 * `<prefix>-failure-thread.png` and `<prefix>-flood.png` (SHOT_PREFIX, default `after`) to test-artifacts/failures/,
 * or SCREENSHOT_DIR (docs/screenshots/ holds the committed pair; the `before-` pair came from running this file on
 * the tree before issue 11 with SHOT_PREFIX=before). It reports how many lines a person reads before the exception.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Poller } from '../../src/poller/poller.js';
import type { OutboxSender } from '../../src/slack/delivery/index.js';
import type { SlackMessage } from '../../tools/fake-slack/index.js';
import { alertWorkers } from '../support/alert-workers.js';
import { type AppHarness, startAppHarness } from '../support/app-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// test-artifacts/ like the demo's browser test; `SCREENSHOT_DIR=docs/screenshots` refreshes the committed ones.
const OUT = process.env.SCREENSHOT_DIR ?? join(import.meta.dirname, '..', '..', 'test-artifacts', 'failures');
const PREFIX = process.env.SHOT_PREFIX ?? 'after';
const CHANNEL = 'C0MLOPS001';
const FLOOD_CHANNEL = 'C0GENERAL1';
const USER = 'U0DEMO0001';

/** The text a person reads, line by line, as Slack lays it out: each block's text, in order. */
function readLines(m: SlackMessage): string[] {
  const blocks = (m.blocks ?? []) as Array<{ text?: { text?: string }; elements?: Array<{ text?: string }> }>;
  return blocks.flatMap((b) =>
    [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text ?? '')].join('\n').split('\n'),
  );
}

/** The 1-based line of the first that shows the exception, or null. */
function lineOfException(lines: readonly string[], exception: string): number | null {
  const i = lines.findIndex((l) => l.includes(exception.slice(0, 30)));
  return i < 0 ? null : i + 1;
}

describe.skipIf(!haveChromium)('failure screenshots', () => {
  let h: AppHarness;
  let poller: Poller;
  let sender: OutboxSender;
  let context: BrowserContext;
  let page: Page;
  let profile: string;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    h = await startAppHarness({ simulator: { generatedJobs: 0 } });
    ({ poller, sender } = alertWorkers(h, 'screenshots'));
    profile = mkdtempSync(join(tmpdir(), 'mac-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await h?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function drain(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await sender.runOnce();
      if ((await h.store.listOutbox({ state: 'pending' })).length === 0) return;
    }
  }

  const slash = async (text: string, channelId: string) =>
    expect((await h.slack.sendSlashCommand({ text, channelId, userId: USER })).outcome).toBe('ok');

  it('the failure reply of a watched run', async () => {
    const { jobId, versionIds } = h.sim.addJob({ name: 'resnet50-imagenet', status: 8 });
    const versionId = versionIds[0] as number;
    await slash(`watch ${jobId} ${versionId}`, CHANNEL);
    await poller.runOnce();
    await drain();
    // Two minutes of training: a dozen INFO loss lines before the traceback, as in the issue.
    h.sim.advance(2 * 60_000);
    h.sim.setVersionStatus(jobId, versionId, 11);
    await poller.runOnce();
    await drain();
    const exception = h.sim.state.versions.get(versionId)?.failureReason ?? '';
    const card = h.slack.messages(CHANNEL).find((m) => JSON.stringify(m.blocks).includes('resnet50-imagenet'));
    const reply = h.slack.thread(CHANNEL, card?.ts as string).find((m) => m.ts !== card?.ts);
    expect(reply).toBeDefined();
    console.log(
      `[${PREFIX}] failure thread reply: exception on line ${lineOfException(readLines(reply as SlackMessage), exception)} of ${readLines(reply as SlackMessage).length}; card: line ${lineOfException(readLines(card as SlackMessage), exception)}`,
    );

    await page.goto(h.slack.url);
    await page.getByRole('button', { name: '#ml-ops' }).click();
    const shown = page.getByTestId('message').filter({ hasText: 'resnet50-imagenet' }).first();
    await shown.getByText(/\d+ repl(y|ies)/).click();
    await expect.poll(() => page.getByTestId('thread-message').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    await page.screenshot({ path: join(OUT, `${PREFIX}-failure-thread.png`) });
  }, 60_000);

  it('ten failures to a project-wide watch', async () => {
    await slash('watch failures', FLOOD_CHANNEL);
    const runs = Array.from({ length: 10 }, (_, i) => h.sim.addJob({ name: `sweep-lr-${i + 1}`, status: 8 }));
    await poller.runOnce();
    h.sim.advance(2 * 60_000);
    for (const { jobId, versionIds } of runs) h.sim.setVersionStatus(jobId, versionIds[0] as number, 11);
    await poller.runOnce();
    await drain();
    const posts = h.slack.messages(FLOOD_CHANNEL).filter((m) => m.user === h.slack.identity.botUserId);
    const lines = posts.flatMap(readLines);
    const exception = h.sim.state.versions.get(runs[0]?.versionIds[0] as number)?.failureReason ?? '';
    console.log(
      `[${PREFIX}] flood: ${posts.length} channel messages, ${lines.length} lines; first exception on line ${lineOfException(lines, exception)}`,
    );

    await page.goto(h.slack.url);
    await page.getByRole('button', { name: '#general' }).click();
    await expect.poll(() => page.getByTestId('message').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT, `${PREFIX}-flood.png`) });
  }, 60_000);
});
