/**
 * `npm run preview -- "/modelarts job 10 10"`: what the bot would answer, as Block Kit JSON and as a Block Kit
 * Builder link. The command goes the real way: signed by the bundled Slack stand-in, through the Bolt app's HTTP
 * receiver and command listener, against the bundled ModelArts simulator, all in this process on loopback.
 */
import { randomBytes } from 'node:crypto';
import { type CliIo, UsageError } from '../../src/cli/types.js';
import { loadConfig } from '../../src/config.js';
import { isEntryModule } from '../../src/entry.js';
import { createLogger } from '../../src/logger.js';
import { createModelArtsApi } from '../../src/modelarts/index.js';
import { createSlackApp } from '../../src/slack/app.js';
import { LOOKING_UP } from '../../src/slack/listeners/common/answer.js';
import { openStore } from '../../src/store/index.js';
import { botEnvironment } from '../demo/demo.js';
import { startFakeSlack } from '../fake-slack/index.js';
import { startSimulator } from '../simulator/index.js';

export const BLOCK_KIT_BUILDER_URL = 'https://app.slack.com/block-kit-builder/#';

const USAGE = [
  'npm run preview -- "/modelarts SUBCOMMAND ..." [--json | --link]',
  "  Renders the bot's answer against the bundled ModelArts simulator (no accounts, nothing leaves this machine)",
  '  and prints the blocks as JSON and as a Block Kit Builder link. Example: npm run preview -- "/modelarts job 10 10"',
].join('\n');

export interface PreviewAnswer {
  /** How the answer reached Slack: the ack itself, or a later response_url post ("Looking up…" first). */
  via: 'ack' | 'response_url';
  message: { text?: string; blocks: unknown[]; response_type?: string };
}

/** The Block Kit Builder link for a message's blocks. */
export function blockKitBuilderUrl(blocks: readonly unknown[]): string {
  return BLOCK_KIT_BUILDER_URL + encodeURIComponent(JSON.stringify({ blocks }));
}

/** The text after `/modelarts` (the command word is optional). */
export function commandText(args: readonly string[]): string {
  return args
    .join(' ')
    .trim()
    .replace(/^\/modelarts\b\s*/, '');
}

function hasBlocks(body: unknown): body is PreviewAnswer['message'] {
  return !!body && typeof body === 'object' && Array.isArray((body as { blocks?: unknown }).blocks);
}

/** Sends `/modelarts TEXT` through the real app against a fresh simulator and returns the final answer. */
export async function previewCommand(text: string): Promise<PreviewAnswer> {
  const signingSecret = randomBytes(16).toString('hex');
  const botToken = `xoxb-preview-${randomBytes(8).toString('hex')}`;
  const simulator = await startSimulator({ port: 0, control: false });
  const slack = await startFakeSlack({ signingSecret, botToken, chatWritePublic: true });
  const store = await openStore('sqlite::memory:');
  const config = loadConfig(
    botEnvironment({ simulator, slack, signingSecret, botToken, databaseUrl: 'sqlite::memory:' }),
  );
  const logger = createLogger({ level: 'silent' });
  const modelarts = createModelArtsApi({
    endpoint: config.modelarts.endpoint,
    projectId: config.modelarts.projectId,
    auth: config.modelarts.auth,
    timeoutMs: config.modelarts.timeoutMs,
  });
  const app = createSlackApp(
    {
      config,
      modelarts,
      store,
      logger,
      now: () => new Date(),
      botToken,
      slackApiUrl: slack.apiUrl,
    },
    { mode: 'http', signingSecret, port: 0 },
  );
  try {
    const { port } = await app.start(0);
    slack.setBotUrl(`http://127.0.0.1:${port}/slack/events`);
    const ack = await slack.sendSlashCommand({ text });
    if (ack.status !== 200) throw new Error(`the bot answered HTTP ${ack.status}`);
    // An answer ready within the ack budget comes back in the ack; a slow one follows through response_url.
    const responses = () => slack.responseUrlPosts.filter((p) => hasBlocks(p.body));
    if (hasBlocks(ack.body)) return { via: 'ack', message: ack.body };
    const ackText = (ack.body as { text?: unknown } | null)?.text;
    if (typeof ackText === 'string' && ackText !== LOOKING_UP)
      return { via: 'ack', message: { text: ackText, blocks: [] } };
    const post = await slack.waitUntil(() => responses()[0], 30_000);
    return { via: 'response_url', message: post.body as PreviewAnswer['message'] };
  } finally {
    await app.stop().catch(() => undefined);
    await Promise.allSettled([modelarts.close(), store.close(), slack.close(), simulator.close()]);
  }
}

/** Entry for the CLI table; returns the exit code. */
export async function runPreview(argv: readonly string[], io: CliIo): Promise<number> {
  const flags = new Set(argv.filter((a) => a === '--json' || a === '--link'));
  const rest = argv.filter((a) => a !== '--json' && a !== '--link');
  if (rest.length === 0 || rest[0] === 'help' || rest[0] === '--help' || rest[0] === '-h') {
    (rest.length === 0 ? io.stderr : io.stdout)(USAGE);
    return rest.length === 0 ? 1 : 0;
  }
  const unknownFlag = rest.find((a) => a.startsWith('--'));
  if (unknownFlag) throw new UsageError(`unknown option ${unknownFlag} (options: --json, --link)`);
  const answer = await previewCommand(commandText(rest));
  const json = JSON.stringify({ blocks: answer.message.blocks }, null, 2);
  const link = blockKitBuilderUrl(answer.message.blocks);
  if (flags.has('--json') && !flags.has('--link')) io.stdout(json);
  else if (flags.has('--link') && !flags.has('--json')) io.stdout(link);
  else {
    io.stdout(json);
    io.stdout('');
    io.stdout(`Block Kit Builder (${answer.message.blocks.length} blocks, answered via ${answer.via}):`);
    io.stdout(link);
  }
  return 0;
}

if (isEntryModule(import.meta.url)) {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  };
  runPreview(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      io.stderr(`preview: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = err instanceof UsageError ? 1 : 2;
    },
  );
}
