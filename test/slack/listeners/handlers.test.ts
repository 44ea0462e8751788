/**
 * Listener logic with fake deps where a real Slack round trip adds nothing: form validation, button value
 * mapping, message replacement, and the command handler's no-I/O paths (ModelArts and the store are untouchable).
 */
import type { BlockAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStatusWord } from '../../../src/modelarts/statuses.js';
import { BLOCK, INPUT } from '../../../src/slack/ids.js';
import { isListRowInChannel } from '../../../src/slack/listeners/actions/job-refresh.js';
import { statusCodes } from '../../../src/slack/listeners/actions/jobs-page.js';
import { shareCommand } from '../../../src/slack/listeners/actions/share.js';
import { tasksCommand, taskTypeWord } from '../../../src/slack/listeners/actions/tasks-page.js';
import { makeModelartsCommandHandler } from '../../../src/slack/listeners/commands/modelarts.js';
import { ATTRIBUTION_BLOCK_ID, replaceOriginal, withAttribution } from '../../../src/slack/listeners/common/post.js';
import { readLookupForm, validateLookupForm } from '../../../src/slack/listeners/views/lookup-modal.js';
import { captureLogger, fakeAppDeps } from '../../support/app-fakes.js';

describe('lookup modal form', () => {
  const values = (job: string | null, version: string | null, conversation: string | null) => ({
    [BLOCK.lookupJobId]: { [INPUT.jobId]: { type: 'plain_text_input', value: job } },
    [BLOCK.lookupVersionId]: { [INPUT.versionId]: { type: 'plain_text_input', value: version } },
    [BLOCK.lookupConversation]: {
      [INPUT.conversation]: { type: 'conversations_select', selected_conversation: conversation },
    },
  });

  it('reads trimmed values and falls back to the response_url channel', () => {
    expect(readLookupForm(values(' 10 ', '', 'C1') as never, null)).toEqual({
      jobId: '10',
      versionId: null,
      conversationId: 'C1',
    });
    expect(readLookupForm(values('10', '3', null) as never, 'C9').conversationId).toBe('C9');
  });

  it('puts each problem on its field', () => {
    expect(validateLookupForm({ jobId: '10', versionId: null, conversationId: 'C1' })).toEqual({});
    const errors = validateLookupForm({ jobId: '1x', versionId: 'v2', conversationId: null });
    expect(Object.keys(errors).sort()).toEqual(
      [BLOCK.lookupConversation, BLOCK.lookupJobId, BLOCK.lookupVersionId].sort(),
    );
    expect(validateLookupForm({ jobId: null, versionId: null, conversationId: 'C1' })[BLOCK.lookupJobId]).toContain(
      'Choose',
    );
  });
});

describe('button values to commands', () => {
  it('maps status words back to codes, and refuses words that no longer parse', () => {
    expect(statusCodes(['running'])).toEqual(parseStatusWord('running'));
    expect(statusCodes([])).toEqual([]);
    expect(statusCodes(['nonsense'])).toBeNull();
  });

  it('accepts task types as grammar words or template ids', () => {
    expect(taskTypeWord('analysis')).toBe('analysis');
    expect(taskTypeWord('sys_data_cleaning')).toBe('cleaning');
    expect(taskTypeWord(null)).toBeNull();
    expect(taskTypeWord('sys_unknown')).toBeUndefined();
    expect(tasksCommand(2, { taskType: 'sys_unknown' })).toBeNull();
    expect(tasksCommand(2, { status: 9 })).toBeNull();
    expect(tasksCommand(3, { datasetId: 'ds', taskType: 'analysis', status: 2 })).toEqual({
      kind: 'tasks',
      datasetId: 'ds',
      taskType: 'analysis',
      status: 2,
      statusWord: null,
      page: 3,
    });
  });

  it('turns every Share value into the lookup it stands for', () => {
    expect(shareCommand({ kind: 'job', ref: { api: 'v1', jobId: '1', versionId: '2' } })).toEqual({
      kind: 'job',
      jobId: '1',
      versionId: '2',
    });
    expect(shareCommand({ kind: 'viz', jobId: '5' })).toEqual({ kind: 'viz', jobId: '5', page: 1 });
    expect(shareCommand({ kind: 'vizList', page: 2 })).toEqual({ kind: 'viz', jobId: null, page: 2 });
    expect(shareCommand({ kind: 'jobs', page: 2, statusFilter: ['failed'] })).toMatchObject({ kind: 'jobs', page: 2 });
    expect(shareCommand({ kind: 'jobs', page: 2, statusFilter: ['bogus'] })).toBeNull();
    expect(shareCommand({ kind: 'configs', page: 1, search: 'x' })).toEqual({ kind: 'configs', page: 1, search: 'x' });
    expect(shareCommand({ kind: 'tasks', page: 1, filters: {} })).toMatchObject({ kind: 'tasks', page: 1 });
  });
});

describe('message replacement', () => {
  const card = { text: 'card', blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'x' } }] };

  it('adds one attribution line, within the block limit', () => {
    const once = withAttribution(card, 'U123ABC');
    expect(once.blocks.at(-1)).toMatchObject({ block_id: ATTRIBUTION_BLOCK_ID });
    expect(JSON.stringify(once.blocks.at(-1))).toContain('<@U123ABC>');
    expect(withAttribution(once, 'U123ABC').blocks).toHaveLength(2);
    const full = { text: 't', blocks: Array.from({ length: 50 }, () => card.blocks[0]!) };
    expect(withAttribution(full, 'U1').blocks).toHaveLength(50);
    expect(withAttribution(card, 'not a user <!here>')).toBe(card);
  });

  it('uses response_url for ephemeral messages and chat.update (keeping attribution) for channel messages', async () => {
    const updates: unknown[] = [];
    const responds: unknown[] = [];
    const client = { chat: { update: async (args: unknown) => void updates.push(args) } } as unknown as WebClient;
    const respond = async (args: unknown) => {
      responds.push(args);
      return new Response() as never;
    };
    const ephemeralBody = { container: { is_ephemeral: true }, actions: [] } as unknown as BlockAction;
    await replaceOriginal(ephemeralBody, client, respond, card);
    expect(responds).toEqual([expect.objectContaining({ replace_original: true, text: 'card' })]);

    const shared = withAttribution(card, 'U42');
    const channelBody = {
      container: { is_ephemeral: false },
      channel: { id: 'C1' },
      message: { ts: '1.2', blocks: shared.blocks },
      actions: [],
    } as unknown as BlockAction;
    await replaceOriginal(channelBody, client, respond, { text: 'new', blocks: card.blocks });
    expect(updates).toEqual([
      expect.objectContaining({ channel: 'C1', ts: '1.2', text: 'new', blocks: [card.blocks[0], shared.blocks[1]] }),
    ]);
  });

  it('tells list rows from card buttons in channel messages', () => {
    const body = (type: string) =>
      ({
        actions: [{ block_id: 'b1' }],
        message: { blocks: [{ type, block_id: 'b1' }] },
      }) as unknown as BlockAction;
    expect(isListRowInChannel(body('section'))).toBe(true);
    expect(isListRowInChannel(body('actions'))).toBe(false);
    expect(isListRowInChannel({ actions: [{ block_id: 'b1' }] } as unknown as BlockAction)).toBe(false);
  });
});

describe('the /modelarts handler without I/O', () => {
  type Args = Parameters<ReturnType<typeof makeModelartsCommandHandler>>[0];
  const run = async (text: string, env: Record<string, string> = {}, userId = 'U1') => {
    const { logger, lines } = captureLogger();
    // Guests allowed: no users.info call, so the handler runs without any I/O.
    const deps = fakeAppDeps({ logger, env: { ALLOW_GUESTS: 'true', ...env } });
    const acks: Array<{ text?: string }> = [];
    const args = {
      command: { command: '/modelarts', text, user_id: userId, channel_id: 'C1', team_id: 'T1' },
      ack: async (body: { text?: string }) => void acks.push(body),
      respond: async () => new Response(),
      client: {},
    } as unknown as Args;
    await makeModelartsCommandHandler(deps)(args);
    return { acks, lines: lines() };
  };

  it('answers help and parse problems in the ack without touching ModelArts or the store', async () => {
    const help = await run('');
    expect(help.acks).toHaveLength(1);
    const typo = await run('cnofigs');
    expect(typo.acks[0]?.text).toContain('Did you mean /modelarts configs');
    expect(typo.lines.find((l) => l.msg === 'interaction')).toMatchObject({
      outcome: 'user_error',
      subcommand: 'unknown',
    });
  });

  it('refuses before anything else happens', async () => {
    const refused = await run('job 10 10', { ALLOWED_USER_IDS: 'U9' });
    expect(refused.acks[0]?.text).toContain('Sorry');
    expect(refused.lines.find((l) => l.msg === 'interaction')).toMatchObject({ outcome: 'refused' });
  });

  it('acks exactly once for any text a refused user sends, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (text) => {
        const { acks } = await run(text, { ALLOWED_USER_IDS: 'U9' });
        expect(acks).toHaveLength(1);
        expect(acks[0]?.text).toContain('Sorry');
      }),
      { numRuns: 200 },
    );
  });
});
