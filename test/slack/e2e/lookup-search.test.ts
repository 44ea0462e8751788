/**
 * The lookup shortcut's job picker (issue 11): options load from ModelArts as the user types (block_suggestion
 * through the real receiver), names are searchable, ids still work, and the chosen job's card arrives privately.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK, INPUT } from '../../../src/slack/ids.js';
import { SEEDED } from '../../../tools/simulator/index.js';
import { type AppHarness, eventually, startAppHarness } from '../../support/app-harness.js';

const CHANNEL = 'C0MLOPS001';
const USER = 'U0DEMO0001';

type Options = { options?: Array<{ text: { type: string; text: string }; value: string }> };

describe('lookup modal job search', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const openModal = async () => {
    await h.slack.sendShortcut({ callbackId: 'modelarts_lookup', userId: USER });
    return eventually(() => h.slack.modals(USER).at(-1));
  };
  const suggest = async (value: string): Promise<Options> => {
    const res = await h.slack.sendBlockSuggestion({ actionId: INPUT.jobId, value, userId: USER });
    expect(res.outcome).toBe('ok');
    return res.body as Options;
  };

  it('the job field is an options-load select that asks for at least one character', async () => {
    const modal = await openModal();
    const field = (modal.view.blocks as Array<{ block_id?: string; element?: Record<string, unknown> }>).find(
      (b) => b.block_id === BLOCK.lookupJobId,
    );
    expect(field?.element).toMatchObject({ type: 'external_select', action_id: INPUT.jobId, min_query_length: 1 });
  });

  it('finds jobs by part of their name, and offers a typed id first', async () => {
    const { jobId } = h.sim.addJob({ name: 'zebra-detector-finetune', status: 8 });
    await openModal();
    const byName = await suggest('zebra-det');
    expect(byName.options?.map((o) => o.value)).toContain(String(jobId));
    const option = byName.options?.find((o) => o.value === String(jobId));
    expect(option?.text).toEqual({ type: 'plain_text', text: `zebra-detector-finetune · job ${jobId}`, emoji: true });
    expect(byName.options?.length).toBeLessThanOrEqual(100);

    const byId = await suggest(String(SEEDED.docJobId));
    expect(byId.options?.[0]?.value).toBe(String(SEEDED.docJobId));

    expect((await suggest('no-such-job-anywhere')).options).toEqual([]);
  });

  it('the chosen job is looked up and shown privately', async () => {
    const { jobId } = h.sim.addJob({ name: 'picked-by-name', status: 8 });
    await openModal();
    const found = await suggest('picked-by');
    const option = found.options?.find((o) => o.value === String(jobId));
    if (!option) throw new Error('the job was not offered');
    await h.slack.sendViewSubmission({
      userId: USER,
      values: {
        [BLOCK.lookupJobId]: { [INPUT.jobId]: { type: 'external_select', selected_option: option } },
        [BLOCK.lookupVersionId]: '',
        [BLOCK.lookupConversation]: CHANNEL,
      },
    });
    await eventually(() => h.slack.ephemerals(USER, CHANNEL).find((e) => e.text.includes('picked-by-name')));
  });
});
