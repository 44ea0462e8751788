/**
 * A tiny real Bolt app wired to a fake Slack, for tests of the fake itself and of the demo page: a slash command
 * answered with Block Kit through ack and response_url, buttons, an overflow menu, a select, a shortcut with a
 * modal, a message shortcut, a Home tab, thread replies and unfurls. Not the product's app (that is src/slack/).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { FakeSlack } from '../../tools/fake-slack/index.js';

export interface FakeBot {
  app: App;
  url: string;
  /** Every listener invocation, in order (`command:/modelarts`, `action:page`, `shortcut:lookup`, …). */
  seen: string[];
  stop(): Promise<void>;
}

/** A job name no renderer may let through unescaped. */
export const HOSTILE_NAME = '<!channel> <script>alert(1)</script> <@U0DEMO0002> & co';

const escapeText = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function page(n: number): { text: string; blocks: object[] } {
  return {
    text: `Jobs page ${n}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `Training jobs · page ${n}` } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:large_blue_circle: *${escapeText(HOSTILE_NAME)}* · version \`V0003\`\n&gt; queued on <#C0MLOPS001>\n• 8 GPUs\n• started <!date^1700000000^{date_short}|Nov 14>`,
        },
        accessory: {
          type: 'overflow',
          action_id: 'card_overflow',
          options: [
            { text: { type: 'plain_text', text: 'Copy job id' }, value: 'copy' },
            {
              text: { type: 'plain_text', text: 'Open console' },
              value: 'console',
              url: 'https://console.example.com/job/10',
            },
          ],
        },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Engine*\nPyTorch 2.1' },
          { type: 'mrkdwn', text: '*Flavor*\nmodelarts.p3.large' },
        ],
      },
      { type: 'divider' },
      {
        type: 'actions',
        block_id: 'nav',
        elements: [
          {
            type: 'button',
            action_id: 'page_next',
            text: { type: 'plain_text', text: 'Next' },
            value: String(n + 1),
            style: 'primary',
          },
          {
            type: 'button',
            action_id: 'open_link',
            text: { type: 'plain_text', text: 'Open TensorBoard' },
            url: 'https://tensorboard.example.com/',
          },
          {
            type: 'static_select',
            action_id: 'status_filter',
            placeholder: { type: 'plain_text', text: 'Status' },
            options: [
              { text: { type: 'plain_text', text: 'Running' }, value: 'running' },
              { text: { type: 'plain_text', text: 'Failed' }, value: 'failed' },
            ],
          },
          {
            type: 'button',
            action_id: 'post_card',
            text: { type: 'plain_text', text: 'Post to channel' },
            value: 'post',
          },
          {
            type: 'button',
            action_id: 'unwatch',
            text: { type: 'plain_text', text: 'Unwatch' },
            style: 'danger',
            value: '7',
            confirm: {
              title: { type: 'plain_text', text: 'Stop watching?' },
              text: { type: 'mrkdwn', text: 'Alerts for *job 10* stop.' },
              confirm: { type: 'plain_text', text: 'Unwatch' },
              deny: { type: 'plain_text', text: 'Keep' },
            },
          },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Page ${n} · project sim-project` }] },
    ],
  };
}

export async function startFakeBot(fake: FakeSlack, signingSecret: string): Promise<FakeBot> {
  const seen: string[] = [];
  const receiver = new HTTPReceiver({ signingSecret, logLevel: LogLevel.ERROR });
  const app = new App({
    token: fake.botToken,
    receiver,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
  });

  app.command('/modelarts', async ({ command, ack, respond }) => {
    seen.push(`command:${command.command} ${command.text}`);
    await ack();
    await respond({ response_type: 'ephemeral', replace_original: false, ...page(1) });
  });
  app.action('page_next', async ({ ack, body, respond }) => {
    await ack();
    const n = body.type === 'block_actions' && body.actions[0]?.type === 'button' ? Number(body.actions[0].value) : 1;
    seen.push(`action:page_next ${n}`);
    await respond({ replace_original: true, ...page(n) });
  });
  app.action('open_link', async ({ ack }) => {
    seen.push('action:open_link');
    await ack();
  });
  app.action('card_overflow', async ({ ack, body }) => {
    await ack();
    const a = body.type === 'block_actions' ? body.actions[0] : undefined;
    seen.push(`action:card_overflow ${a?.type === 'overflow' ? a.selected_option.value : ''}`);
  });
  app.action('status_filter', async ({ ack, body }) => {
    await ack();
    const a = body.type === 'block_actions' ? body.actions[0] : undefined;
    seen.push(`action:status_filter ${a?.type === 'static_select' ? a.selected_option.value : ''}`);
  });
  app.action('post_card', async ({ ack, body, client }) => {
    await ack();
    seen.push('action:post_card');
    const channel = body.type === 'block_actions' ? body.channel?.id : undefined;
    if (!channel) return;
    const card = await client.chat.postMessage({ channel, text: 'Job 10 is running', blocks: page(1).blocks as never });
    await client.chat.postMessage({ channel, thread_ts: card.ts!, text: 'Job 10 *completed* :white_check_mark:' });
  });
  app.action('unwatch', async ({ ack }) => {
    seen.push('action:unwatch');
    await ack();
  });
  app.event('link_shared', async ({ event, client }) => {
    seen.push(`event:link_shared ${event.links.length}`);
    const unfurls = Object.fromEntries(
      event.links.map((l) => [
        l.url,
        {
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: ':large_green_circle: *Job 10* completed in 2 h' } },
          ],
        },
      ]),
    );
    await client.chat.unfurl({ channel: event.channel, ts: event.message_ts, unfurls });
  });
  app.shortcut('modelarts_lookup', async ({ ack, shortcut, client }) => {
    await ack();
    seen.push('shortcut:modelarts_lookup');
    await client.views.open({
      trigger_id: shortcut.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'lookup_modal',
        title: { type: 'plain_text', text: 'Look up a job' },
        submit: { type: 'plain_text', text: 'Show' },
        close: { type: 'plain_text', text: 'Cancel' },
        blocks: [
          {
            type: 'input',
            block_id: 'job',
            label: { type: 'plain_text', text: 'Job id' },
            element: {
              type: 'plain_text_input',
              action_id: 'job_input',
              placeholder: { type: 'plain_text', text: 'e.g. 10' },
            },
          },
          {
            type: 'input',
            block_id: 'where',
            label: { type: 'plain_text', text: 'Post in' },
            element: { type: 'conversations_select', action_id: 'conversation', initial_conversation: 'C0MLOPS001' },
          },
        ],
      },
    });
  });
  app.view('lookup_modal', async ({ ack, view, client }) => {
    const job = view.state.values.job?.job_input?.value ?? '';
    seen.push(`view:lookup_modal ${job}`);
    if (!/^\d+$/.test(job)) {
      await ack({ response_action: 'errors', errors: { job: 'A job id is a number, like 10.' } });
      return;
    }
    await ack();
    const channel = view.state.values.where?.conversation?.selected_conversation ?? 'C0MLOPS001';
    await client.chat.postMessage({ channel, text: `Job ${job} card`, blocks: page(1).blocks as never });
  });
  app.shortcut('modelarts_watch_message', async ({ ack, shortcut, respond }) => {
    await ack();
    const ts = shortcut.type === 'message_action' ? shortcut.message_ts : '';
    seen.push(`message_shortcut:${ts}`);
    await respond({ response_type: 'ephemeral', text: `Watching the job in message ${ts}` });
  });
  app.event('app_home_opened', async ({ event, client }) => {
    seen.push(`event:app_home_opened ${event.user}`);
    await client.views.publish({
      user_id: event.user,
      view: {
        type: 'home',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Your ModelArts watches' } },
          { type: 'section', text: { type: 'mrkdwn', text: `Hello <@${event.user}>, 2 jobs are running.` } },
        ],
      },
    });
  });

  const server = (await app.start(0)) as Server;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  fake.setBotUrl(url);
  return {
    app,
    url,
    seen,
    stop: async () => {
      await app.stop();
    },
  };
}
