/**
 * `npm run demo` in a real browser: the demo (simulator, Slack stand-in, the real bot process on SQLite) driven by
 * playwright-core with Debian's chromium. Types `/modelarts jobs`, pages with Next, opens a job card from a row,
 * watches the job, lets the simulator finish it and sees the completion arrive in the card's thread.
 * Screenshots of each step go to test-artifacts/demo/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../tools/demo/bot-process.js';
import { type Demo, startDemo } from '../../../tools/demo/demo.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`test/demo/browser.test.ts skipped: no chromium at ${CHROMIUM} (apt-get install chromium)`);

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'demo');
const CHANNEL = 'C0MLOPS001';
const COMPLETED = 10;

describe.skipIf(!haveChromium)('the demo in a browser', () => {
  let demo: Demo;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'mac-chromium-'));
    demo = await startDemo({ port: 0, databaseFile: join(profile, 'demo.db'), pollIntervalSeconds: 1 });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await demo?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('jobs → Next → a job card → Watch → the completion arrives', async () => {
    await page.goto(demo.url);
    await page.getByRole('button', { name: '#ml-ops' }).click();
    await expect.poll(() => page.locator('#channel-title').textContent()).toBe('#ml-ops');
    await shot('01-channel');

    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('/modelarts jobs running');
    await input.press('Enter');
    const list = page.getByTestId('ephemeral-message').last();
    await expect.poll(() => list.textContent(), { timeout: 10_000 }).toMatch(/page 1 of \d+/);
    await shot('02-jobs');

    await list.getByRole('button', { name: /Next/ }).click();
    const page2 = page.getByTestId('ephemeral-message').last();
    await expect.poll(() => page2.textContent(), { timeout: 10_000 }).toMatch(/page 2 of \d+/);
    await shot('03-jobs-page-2');

    // The list holds v2 jobs too; this walk-through follows an old-version job version (the simulator's v1 state).
    await page2
      .locator('.block.section')
      .filter({ hasText: /job \d+ · version \d+/ })
      .getByRole('button', { name: 'Details' })
      .first()
      .click();
    const card = page.getByTestId('ephemeral-message').last();
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toMatch(/job \d+, version \d+/);
    const [, jobId, versionId] = /job (\d+), version (\d+)/.exec((await card.textContent()) ?? '') ?? [];
    expect(jobId).toBeDefined();
    const jobName = demo.simulator.state.jobs.get(Number(jobId))?.job_name ?? '';
    expect(await card.textContent()).toContain(jobName);
    await shot('04-job-card');

    await card.getByRole('button', { name: /Watch/ }).click();
    // The alert card is posted by the bot's outbox into the channel, visible to everyone.
    const alert = page.getByTestId('message').filter({ hasText: jobName }).last();
    await expect.poll(() => alert.count(), { timeout: 15_000 }).toBe(1);
    await shot('05-watching');

    demo.simulator.setVersionStatus(Number(jobId), Number(versionId), COMPLETED);
    // The poller sees it within a cycle: the card is edited in place and the outcome replies in its thread.
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toMatch(/completed/i);
    const replies = alert.getByText(/\d+ repl(y|ies)/);
    await expect.poll(() => replies.count(), { timeout: 20_000 }).toBe(1);
    await shot('06-completed');
    // Laid out as in Slack: "(edited)" and the reply count on lines of their own, not run together.
    const edited = await alert.locator('.edited').boundingBox();
    const link = await replies.boundingBox();
    expect(edited && link && link.y >= edited.y + edited.height).toBe(true);
    await replies.click();
    const reply = page.getByTestId('thread-message').filter({ hasText: /completed/i });
    await expect.poll(() => reply.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await shot('07-thread');

    // One card, edited; one reply: nothing was posted twice.
    const posts = demo.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL);
    expect(posts.filter((c) => !c.args.thread_ts)).toHaveLength(1);
    expect(posts.filter((c) => c.args.thread_ts)).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('the Home tab lists running versions; the lookup shortcut searches jobs and shows a private card', async () => {
    await page.getByRole('button', { name: 'modelarts' }).click();
    const home = page.locator('#home');
    await expect.poll(() => home.textContent(), { timeout: 10_000 }).toMatch(/Running now/);
    expect(await home.textContent()).toContain('demo-resnet50-finetune');
    await shot('08-home');

    await page.getByRole('button', { name: '#ml-ops' }).click();
    await page.getByRole('button', { name: 'Shortcuts' }).click();
    await page.getByRole('menuitem', { name: /Look up a ModelArts job/ }).click();
    const modal = page.getByRole('dialog');
    await expect.poll(() => modal.count(), { timeout: 10_000 }).toBe(1);
    await shot('09-lookup-modal');
    // The job field searches ModelArts as you type; the options come from the bot (block_suggestion).
    await modal.getByRole('textbox').first().fill('10');
    const option = modal.getByRole('option', { name: /job 10\b/ });
    await expect.poll(() => option.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await option.first().click();
    await modal.getByRole('textbox').nth(1).fill('10');
    await modal.getByRole('combobox').selectOption(CHANNEL);
    await modal.getByRole('button', { name: 'Look up' }).click();
    const card = page.getByTestId('ephemeral-message').filter({ hasText: 'TestModelArtsJob' });
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await shot('10-lookup-card');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
