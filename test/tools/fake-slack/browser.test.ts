/**
 * The demo page in a real browser (playwright-core driving Debian's chromium): typing a command, clicking
 * buttons, menus, the shortcut modal, the Home tab and threads all reach a real Bolt app and come back rendered.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../../tools/fake-slack/index.js';
import { type FakeBot, HOSTILE_NAME, startFakeBot } from '../../support/slack-fake-bot.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser tests skipped: no chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

const SECRET = 'browser-test-signing-secret';
const ARTIFACTS = 'test-artifacts/fake-slack';

describe.skipIf(!haveChromium)('the fake Slack page in a browser', () => {
  let fake: FakeSlack;
  let bot: FakeBot;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    fake = await startFakeSlack({ signingSecret: SECRET });
    bot = await startFakeBot(fake, SECRET);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    await page.goto(fake.url);
    await page.getByRole('button', { name: '#ml-ops' }).click();
  });

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await fake?.close();
  });

  it('sends a typed slash command and renders the ephemeral Block Kit answer safely', async () => {
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('/modelarts jobs running');
    await input.press('Enter');
    const answer = page.getByTestId('ephemeral-message').last();
    await expect.poll(() => answer.textContent()).toContain('Training jobs · page 1');
    expect(bot.seen).toContain('command:/modelarts jobs running');
    await expect.poll(() => answer.getByText('Only visible to you').count()).toBe(1);
    // The hostile name is shown as text: no mention, no markup, no script.
    const section = answer.locator('.section-text').first();
    await expect.poll(() => section.textContent()).toContain(HOSTILE_NAME);
    expect(await answer.locator('script').count()).toBe(0);
    expect(await section.locator('.mention').count()).toBe(1);
    expect(await section.locator('.mention').textContent()).toBe('#ml-ops');
    expect(await section.locator('b').first().textContent()).toBe(HOSTILE_NAME);
    // Rich mrkdwn: code, blockquote, list, channel mention, emoji, date.
    expect(await section.locator('code').textContent()).toBe('V0003');
    expect(await section.locator('blockquote').textContent()).toContain('queued on #ml-ops');
    expect(await section.locator('li').count()).toBe(2);
    expect(await section.locator('.emoji').textContent()).toBe('🔵');
    expect(await answer.locator('.fields .field').count()).toBe(2);
    expect(await answer.locator('.block.header').textContent()).toBe('Training jobs · page 1');
    await page.screenshot({ path: `${ARTIFACTS}/01-command.png` });
  });

  it('sends block_actions for buttons, menus and selects, and shows the replaced message', async () => {
    const answer = page.getByTestId('ephemeral-message').last();
    await answer.getByRole('button', { name: 'Next' }).click();
    await expect
      .poll(() => page.getByTestId('ephemeral-message').last().textContent())
      .toContain('Training jobs · page 2');
    expect(bot.seen).toContain('action:page_next 2');

    const replaced = page.getByTestId('ephemeral-message').last();
    await replaced.getByRole('button', { name: 'More actions' }).first().click();
    await replaced.getByRole('menuitem', { name: 'Copy job id' }).click();
    await expect.poll(() => bot.seen.includes('action:card_overflow copy')).toBe(true);

    await replaced.locator('select').selectOption('failed');
    await expect.poll(() => bot.seen.includes('action:status_filter failed')).toBe(true);

    // A URL button opens the link in a new tab and still tells the app (the sandbox has no internet).
    await page.context().route('https://tensorboard.example.com/**', (route) => route.fulfill({ body: 'TensorBoard' }));
    const popup = page.waitForEvent('popup');
    await replaced.getByRole('button', { name: /Open TensorBoard/ }).click();
    const tab = await popup;
    expect(tab.url()).toBe('https://tensorboard.example.com/');
    // A background page is throttled by the browser; the demo page must stay in front.
    await tab.close();
    await expect.poll(() => bot.seen.includes('action:open_link')).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/02-actions.png` });
  });

  it('asks for confirmation where the button says so', async () => {
    const answer = page.getByTestId('ephemeral-message').last();
    await answer.getByRole('button', { name: 'Unwatch' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Stop watching?' });
    expect(await dialog.locator('b').textContent()).toBe('job 10');
    await dialog.getByRole('button', { name: 'Keep' }).click();
    await answer.getByRole('button', { name: 'Unwatch' }).click();
    await page.getByRole('alertdialog', { name: 'Stop watching?' }).getByRole('button', { name: 'Unwatch' }).click();
    await expect.poll(() => bot.seen.filter((x) => x === 'action:unwatch').length).toBe(1);
  });

  it('unfurls console links a person posts', async () => {
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('look https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs/10 <b>');
    await input.press('Enter');
    const mine = page.getByTestId('message').filter({ hasText: 'look' }).last();
    await expect.poll(() => mine.locator('.unfurl').textContent()).toContain('Job 10 completed in 2 h');
    expect(await mine.locator('.content a').getAttribute('href')).toBe(
      'https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs/10',
    );
    expect(await mine.locator('.content').textContent()).toContain('<b>');
    expect(bot.seen).toContain('event:link_shared 1');
  });

  it('shows channel messages live and opens threads in the side panel', async () => {
    await page.getByTestId('ephemeral-message').last().getByRole('button', { name: 'Post to channel' }).click();
    const card = page.getByTestId('message').filter({ hasText: 'Training jobs · page 1' }).last();
    await expect.poll(() => card.count()).toBe(1);
    await card.getByRole('button', { name: '1 reply' }).click();
    const thread = page.getByRole('complementary', { name: 'Thread' });
    await expect.poll(() => thread.getByTestId('thread-message').last().textContent()).toContain('Job 10 completed ✅');
    expect(await thread.getByTestId('thread-message').last().locator('b').textContent()).toBe('completed');
    await page.screenshot({ path: `${ARTIFACTS}/03-thread.png` });
    await page.getByRole('button', { name: 'Close thread' }).click();
  });

  it('offers the message shortcut in the message menu', async () => {
    const card = page.getByTestId('message').filter({ hasText: 'Training jobs · page 1' }).last();
    const ts = await card.getAttribute('data-ts');
    await card.hover();
    await card.getByRole('button', { name: 'More actions' }).last().click();
    await card.getByRole('menuitem', { name: 'Watch this ModelArts job' }).click();
    await expect.poll(() => bot.seen.includes(`message_shortcut:${ts}`)).toBe(true);
    await expect
      .poll(() => page.getByTestId('ephemeral-message').last().textContent())
      .toContain(`Watching the job in message ${ts}`);
  });

  it('opens the global shortcut modal, shows field errors, and submits', async () => {
    await page.getByRole('button', { name: 'Shortcuts' }).click();
    await page.getByRole('menuitem', { name: /Look up a ModelArts job/ }).click();
    const modal = page.getByRole('dialog', { name: 'Look up a job' });
    await expect.poll(() => modal.count()).toBe(1);
    // Slack itself refuses an empty required field.
    await modal.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => modal.getByText('Please complete this required field.').count()).toBe(1);

    await modal.getByLabel('Job id').fill('ten');
    await modal.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => modal.getByRole('alert').textContent()).toBe('A job id is a number, like 10.');
    expect(await modal.getByLabel('Job id').inputValue()).toBe('ten');
    await page.screenshot({ path: `${ARTIFACTS}/04-modal-errors.png` });

    await modal.getByLabel('Job id').fill('10');
    await modal.getByLabel('Post in').selectOption('C0GENERAL1');
    await modal.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => modal.count()).toBe(0);
    expect(bot.seen).toContain('view:lookup_modal 10');
    await expect.poll(() => fake.messages('C0GENERAL1').some((m) => m.text === 'Job 10 card')).toBe(true);
  });

  it('shows the Home tab the app publishes when it is opened', async () => {
    await page.locator('#nav-app').click();
    await expect.poll(() => page.locator('#home').textContent()).toContain('Your ModelArts watches');
    expect(bot.seen).toContain('event:app_home_opened U0DEMO0001');
    expect(await page.locator('#home .mention').textContent()).toBe('@ada');
    await page.screenshot({ path: `${ARTIFACTS}/05-home.png` });
  });

  it('works on a phone-sized viewport: messages, composer, modals and App Home all fit 390 px', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    phone.on('pageerror', (err) => pageErrors.push(err.message));
    /** Nothing may stick out sideways: no horizontal scrolling, every shown element inside the screen. */
    const fitsWidth = () =>
      phone.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const outside = Array.from(document.querySelectorAll('#app *, .overlay *'))
          .filter((el) => {
            const box = el.getBoundingClientRect();
            // Elements inside a scrolling strip (the channel list) may sit beyond the edge.
            return box.width > 0 && box.right > width + 1 && !el.closest('.sidebar nav');
          })
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
        return { scroll: document.documentElement.scrollWidth - width, outside: outside.slice(0, 5) };
      });
    try {
      await phone.goto(fake.url);
      await phone.getByRole('button', { name: '#ml-ops' }).click();
      const input = phone.getByRole('textbox', { name: 'Message' });
      await input.fill('/modelarts jobs running');
      await input.press('Enter');
      const answer = phone.getByTestId('ephemeral-message').last();
      await expect.poll(() => answer.textContent()).toContain('Training jobs · page 1');
      // The message list takes the whole width next to a narrow avatar, and the composer stays on screen.
      const box = await answer.boundingBox();
      expect(box && box.x < 10 && box.width > 370).toBe(true);
      const composer = await phone.locator('#composer').boundingBox();
      expect(composer && composer.y + composer.height <= 844 && composer.width <= 390).toBe(true);
      expect(await fitsWidth()).toEqual({ scroll: 0, outside: [] });
      await phone.screenshot({ path: `${ARTIFACTS}/06-phone-messages.png` });

      await phone.getByRole('button', { name: 'Shortcuts' }).click();
      await phone.getByRole('menuitem', { name: /Look up a ModelArts job/ }).click();
      const modal = phone.getByRole('dialog', { name: 'Look up a job' });
      await expect.poll(() => modal.count()).toBe(1);
      const dialog = await modal.boundingBox();
      expect(dialog && dialog.x >= 0 && dialog.x + dialog.width <= 390 && dialog.y >= 0).toBe(true);
      expect(await fitsWidth()).toEqual({ scroll: 0, outside: [] });
      await phone.screenshot({ path: `${ARTIFACTS}/07-phone-modal.png` });
      await modal.getByRole('button', { name: 'Cancel' }).click();

      await phone.locator('#nav-app').click();
      await expect.poll(() => phone.locator('#home').textContent()).toContain('Your ModelArts watches');
      expect(await fitsWidth()).toEqual({ scroll: 0, outside: [] });
      await phone.screenshot({ path: `${ARTIFACTS}/08-phone-home.png` });
    } finally {
      await phone.close();
    }
  });

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([]);
    expect(fake.serverErrors).toEqual([]);
  });
});
