/**
 * Ids that try to leave their path segment (`../`, `%2F`), look like digits without being ASCII digits, or hide
 * characters are rejected before any request: the simulator's request counters stay at zero, whichever Slack
 * surface or API method they came through, and the user still gets an answer.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidIdError } from '../../src/modelarts/index.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { tokenize } from '../../src/slack/use-cases/parser.js';
import { CHANNEL, type Stack, startStack, totalRequests } from './harness.js';

const HOSTILE = [
  '../10',
  '..%2F10',
  '10%2F..%2F11',
  '10/../11',
  '%2e%2e',
  '..\\10',
  '１０', // fullwidth digits
  '٣', // Arabic-Indic digit
  '𝟏𝟎', // mathematical bold digits
  '10\u200b', // zero-width space
  '\u202e01', // right-to-left override
  '10\u0000',
  '10?x=1',
  '10#frag',
  '-1',
  '0x10',
  '1e3',
  '99999999999999999999', // past int64
];

/** Strings that fit the alphanumeric alphabets of task, dataset and workspace ids are not hostile there. */
const ALPHANUMERIC = /^[A-Za-z0-9_-]+$/;
/** Free text (commands, messages, links) is read for ASCII digit runs: `10/../11` names job 10, which is fine. */
const NO_DIGIT_PREFIX = HOSTILE.filter((id) => !/^[0-9]/.test(id));

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await stack.quiesce();
});

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.sim.resetRequestCounts();
});

async function expectNoModelArtsRequest(): Promise<void> {
  await stack.idle();
  expect(stack.sim.requestCounts()).toMatchObject({ unmatched: 0 });
  expect(totalRequests(stack.sim)).toBe(0);
}

/** The answer the user sees: the ack itself or what followed through response_url. */
function answered(result: { status: number; text: string }): void {
  expect(result.status).toBe(200);
  expect(result.text.length).toBeGreaterThan(0);
}

describe('hostile ids through /modelarts', () => {
  // Separators such as U+200B are read as spaces by the grammar: `10\u200b` is the id 10 followed by a space.
  it.each(HOSTILE.filter((id) => tokenize(id).length === 1 && tokenize(id)[0] === id))('%j', async (id) => {
    const texts = [`job ${id}`, `job 10 ${id}`, `viz ${id}`, `watch ${id}`, `watch 10 ${id}`, `unwatch ${id} 10`];
    if (!ALPHANUMERIC.test(id)) texts.push(`tasks ${id}`);
    for (const text of texts) {
      answered(await stack.slack.sendSlashCommand({ text, channelId: CHANNEL }));
    }
    await expectNoModelArtsRequest();
  });
});

describe('hostile ids in button values (forged or stale messages)', () => {
  it.each(HOSTILE)('%j', async (id) => {
    const values = [JSON.stringify({ j: id, v: '10' }), JSON.stringify({ j: '10', v: id }), `{"j":10,"v":"${id}"`];
    for (const actionId of [ACTION.jobRefresh, ACTION.jobWatch, ACTION.share]) {
      for (const value of values) {
        const result = await stack.slack.sendBlockAction({ actionId, value, channelId: CHANNEL });
        expect(result.status).toBe(200);
      }
    }
    await expectNoModelArtsRequest();
  });
});

describe('hostile ids in the lookup modal', () => {
  it.each(HOSTILE)('%j is refused on the field', async (id) => {
    await stack.slack.sendShortcut({ callbackId: CALLBACK.lookupShortcut });
    await stack.idle();
    for (const values of [
      { [BLOCK.lookupJobId]: id, [BLOCK.lookupVersionId]: '10', [BLOCK.lookupConversation]: CHANNEL },
      { [BLOCK.lookupJobId]: '10', [BLOCK.lookupVersionId]: id, [BLOCK.lookupConversation]: CHANNEL },
    ]) {
      const result = await stack.slack.sendViewSubmission({ values });
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ response_action: 'errors' });
    }
    await expectNoModelArtsRequest();
  });
});

describe('hostile ids in messages and links', () => {
  it.each(NO_DIGIT_PREFIX)('%j', async (id) => {
    const encoded = encodeURIComponent(id);
    const urls = [
      `https://console.otc.t-systems.com/modelarts/?region=eu-de#/trainingJobs/details/${encoded}`,
      `https://console.huaweicloud.com/modelarts/?region=ap-southeast-1#/training/detail/${id}`,
      `https://console.otc.t-systems.com/modelarts/?region=eu-de&jobId=${encoded}#/trainingJobs`,
    ];
    const unfurl = await stack.slack.sendLinkShared({ urls, channelId: CHANNEL });
    expect(unfurl.status).toBe(200);
    const message = await stack.slack.postUserMessage({
      channelId: CHANNEL,
      text: `please watch job ${id} version 7 ${urls[0]}`,
    });
    const shortcut = await stack.slack.sendMessageShortcut({
      callbackId: CALLBACK.watchMessageShortcut,
      channelId: CHANNEL,
      message,
    });
    expect(shortcut.status).toBe(200);
    await expectNoModelArtsRequest();
  });
});

describe('hostile ids through the API facade', () => {
  it.each(HOSTILE)('%j → InvalidIdError, no request', async (id) => {
    const api = stack.bot.slack.deps.modelarts;
    const calls: Array<() => Promise<unknown>> = [
      () => api.getTrainingJobVersion(id, 10),
      () => api.getTrainingJobVersion(10, id),
      () => api.listTrainingJobVersions(id),
      () => api.getVisualizationJob(id),
      () => api.getLogFileNames(id, 10),
      () => api.getAomLog(10, id, { log_file: 'job-0.log' }),
    ];
    if (!ALPHANUMERIC.test(id)) {
      calls.push(
        () => api.getProcessorTask(id),
        () => api.listProcessorTasks({ version_id: [id] }),
        () => api.listProcessorTasks({ workspace_id: id }),
      );
    }
    for (const call of calls) await expect(call()).rejects.toBeInstanceOf(InvalidIdError);
    await expectNoModelArtsRequest();
  });

  it('valid ids do reach the simulator (the counter above can fail)', async () => {
    await stack.bot.slack.deps.modelarts.getTrainingJobVersion(10, 10);
    expect(totalRequests(stack.sim)).toBe(1);
  });
});
