import { describe, expect, it } from 'vitest';
import { checkBlocks, checkView } from '../../../tools/fake-slack/blocks.js';

const pointers = (problems: ReturnType<typeof checkBlocks>) => problems.map((p) => p.pointer);

describe('the fake’s Block Kit checks', () => {
  it('accepts a realistic job card', () => {
    const card = [
      { type: 'header', text: { type: 'plain_text', text: 'Job 10 · V0010', emoji: true } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '🔵 *running* for 3 h' },
        fields: Array.from({ length: 10 }, (_, i) => ({ type: 'mrkdwn', text: `*f${i}*\nvalue` })),
        accessory: {
          type: 'overflow',
          action_id: 'card_overflow',
          options: [{ text: { type: 'plain_text', text: 'Console' }, value: 'c', url: 'https://console.example.com' }],
        },
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: 'project x' },
          { type: 'image', image_url: 'https://x/y.png', alt_text: 'y' },
        ],
      },
      { type: 'divider' },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: 'job_refresh',
            text: { type: 'plain_text', text: 'Refresh' },
            value: '{"j":10,"v":10}',
          },
          {
            type: 'button',
            action_id: 'open_link',
            text: { type: 'plain_text', text: 'TensorBoard' },
            url: 'https://tb',
            style: 'primary',
          },
          {
            type: 'static_select',
            action_id: 's',
            placeholder: { type: 'plain_text', text: 'Status' },
            options: [{ text: { type: 'plain_text', text: 'Running' }, value: 'running' }],
          },
        ],
      },
    ];
    expect(checkBlocks(card, 'message')).toEqual([]);
  });

  it('finds the limits Slack enforces', () => {
    expect(
      pointers(
        checkBlocks(
          Array.from({ length: 51 }, () => ({ type: 'divider' })),
          'message',
        ),
      ),
    ).toEqual(['/blocks']);
    expect(
      checkBlocks(
        Array.from({ length: 100 }, () => ({ type: 'divider' })),
        'modal',
      ),
    ).toEqual([]);
    expect(
      pointers(
        checkBlocks(
          [
            { type: 'section', text: { type: 'mrkdwn', text: '' } },
            { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'x' })) },
            { type: 'header', text: { type: 'mrkdwn', text: 'x'.repeat(151) } },
            { type: 'context', elements: [] },
            { type: 'actions', elements: [{ type: 'overflow', action_id: 'o', options: [] }] },
            { type: 'image', image_url: 'https://x/y.png' },
            { type: 'section', block_id: 'dup', text: { type: 'plain_text', text: 'a' } },
            { type: 'section', block_id: 'dup', text: { type: 'plain_text', text: 'b' } },
            { type: 'fancy' },
            {
              type: 'actions',
              elements: [
                { type: 'button', action_id: 'same', text: { type: 'plain_text', text: 'a' } },
                { type: 'button', action_id: 'same', text: { type: 'plain_text', text: 'b' }, value: 'v'.repeat(2001) },
              ],
            },
          ],
          'message',
        ),
      ),
    ).toEqual([
      '/blocks/0/text/text',
      '/blocks/1/fields',
      '/blocks/2/text/type',
      '/blocks/2/text/text',
      '/blocks/3/elements',
      '/blocks/4/elements/0/options',
      '/blocks/5/alt_text',
      '/blocks/7/block_id',
      '/blocks/8/type',
      '/blocks/9/elements/1/value',
      '/blocks/9/elements/1/action_id',
    ]);
  });

  it('checks modal views: title length, submit with inputs, metadata size', () => {
    const input = {
      type: 'input',
      block_id: 'job',
      label: { type: 'plain_text', text: 'Job id' },
      element: { type: 'plain_text_input', action_id: 'job_id_input' },
    };
    const ok = {
      type: 'modal',
      title: { type: 'plain_text', text: 'Look up a job' },
      submit: { type: 'plain_text', text: 'Show' },
      blocks: [input],
    };
    expect(checkView(ok)).toEqual([]);
    expect(
      pointers(
        checkView({
          type: 'modal',
          title: { type: 'plain_text', text: 'x'.repeat(25) },
          private_metadata: 'm'.repeat(3001),
          blocks: [input],
        }),
      ),
    ).toEqual(['/view/title/text', '/view/submit', '/view/private_metadata']);
    expect(pointers(checkView({ type: 'home', blocks: [{ type: 'divider' }] }))).toEqual([]);
    expect(pointers(checkView({ type: 'workflow_step', blocks: [] }))).toEqual(['/view/type']);
  });
});
