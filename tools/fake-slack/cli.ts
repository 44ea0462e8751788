/**
 * Runs the fake Slack on its own, e.g. in front of a bot started with `npm start`:
 *   npx tsx tools/fake-slack/cli.ts --secret demo-secret --bot-url http://127.0.0.1:3001/slack/events
 * then SLACK_API_URL=<printed api url> SLACK_SIGNING_SECRET=demo-secret for the bot, and open the printed page.
 */
import { parseArgs } from 'node:util';
import { startFakeSlack } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    host: { type: 'string', default: '127.0.0.1' },
    secret: { type: 'string' },
    'bot-url': { type: 'string' },
    token: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || !values.secret) {
  console.error(
    'usage: fake-slack --secret SIGNING_SECRET [--bot-url http://127.0.0.1:3001/slack/events] [--port 3000] ' +
      '[--host 127.0.0.1] [--token xoxb-…]',
  );
  process.exit(values.help ? 0 : 2);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be 0..65535, got ${values.port}`);
  process.exit(2);
}

const fake = await startFakeSlack({
  port,
  host: values.host,
  signingSecret: values.secret,
  ...(values['bot-url'] ? { botUrl: values['bot-url'] } : {}),
  ...(values.token ? { botToken: values.token } : {}),
});
console.log(`fake Slack: ${fake.url}  (SLACK_API_URL=${fake.apiUrl})`);
if (!values['bot-url']) console.log('no --bot-url: commands and buttons will fail with dispatch_failed');

const stop = () => {
  fake.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
