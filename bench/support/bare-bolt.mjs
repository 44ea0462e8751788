/**
 * The baseline for bench/ack.ts and bench/startup.ts, in plain JavaScript so no TypeScript loader weighs on it: a
 * bare Bolt app on the same HTTP receiver that answers `/modelarts` with
 * `ack('ok')` and does nothing else. Logs `{"msg":"ready","port":N}` like the bot, so the same launcher starts it.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const signingSecret = process.env.SLACK_SIGNING_SECRET;
if (!signingSecret) {
  process.stderr.write('bare-bolt: SLACK_SIGNING_SECRET is required\n');
  process.exit(1);
}
const receiver = new HTTPReceiver({ signingSecret, endpoints: '/slack/events', processBeforeResponse: false });
const app = new App({
  receiver,
  authorize: async () => ({ botToken: 'xoxb-bare-bolt', botId: 'B0BARE0001', botUserId: 'U0BARE0001' }),
  logLevel: LogLevel.ERROR,
  convoStore: false,
});
app.command('/modelarts', async ({ ack }) => {
  await ack('ok');
});
const server = await receiver.start(Number(process.env.PORT ?? 0));
const address = server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ msg: 'ready', port })}\n`);
process.once('SIGTERM', () => {
  void receiver.stop().finally(() => process.exit(0));
});
