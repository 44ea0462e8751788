import { describe, expect, it } from 'vitest';
import { assertWithinLimits, BlockLimitError, checkLimits } from '../../../src/slack/blocks/limits.js';

const md = (text: string) => ({ type: 'mrkdwn', text });
const pt = (text: string) => ({ type: 'plain_text', text });
const section = (text: string) => ({ type: 'section', text: md(text) });
const btn = (extra: Record<string, unknown> = {}) => ({ type: 'button', text: pt('Go'), action_id: 'go', ...extra });
const msg = (blocks: unknown[], text = 'fallback') => ({ text, blocks });

describe('checkLimits', () => {
  it('accepts a typical message, modal and home view', () => {
    expect(checkLimits(msg([section('hi'), { type: 'actions', elements: [btn({ value: '{"p":2}' })] }]))).toEqual([]);
    expect(
      checkLimits({
        type: 'modal',
        title: pt('Look up a job'),
        submit: pt('Look up'),
        blocks: [{ type: 'input', label: pt('Job'), element: { type: 'plain_text_input', action_id: 'a' } }],
      }),
    ).toEqual([]);
    expect(checkLimits({ type: 'home', blocks: [section('home')] })).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    ['51 blocks', msg(Array.from({ length: 51 }, () => section('x'))), /^blocks: /],
    ['empty section text', msg([section('')]), /blocks\.0\.text\.text/],
    ['section text over 3000', msg([section('x'.repeat(3001))]), /blocks\.0\.text\.text/],
    ['section without text or fields', msg([{ type: 'section' }]), /needs text or fields/],
    ['11 fields', msg([{ type: 'section', fields: Array.from({ length: 11 }, () => md('f')) }]), /fields/],
    ['field over 2000', msg([{ type: 'section', fields: [md('x'.repeat(2001))] }]), /fields\.0\.text/],
    ['mrkdwn header', msg([{ type: 'header', text: md('h') }]), /blocks\.0\.text/],
    ['header over 150', msg([{ type: 'header', text: pt('h'.repeat(151)) }]), /blocks\.0\.text\.text/],
    [
      '11 context elements',
      msg([{ type: 'context', elements: Array.from({ length: 11 }, () => md('c')) }]),
      /elements/,
    ],
    [
      '26 actions',
      msg([{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => btn({ action_id: `a${i}` })) }]),
      /elements/,
    ],
    ['button text over 75', msg([{ type: 'actions', elements: [btn({ text: pt('b'.repeat(76)) })] }]), /text\.text/],
    ['button value over 2000', msg([{ type: 'actions', elements: [btn({ value: 'v'.repeat(2001) })] }]), /value/],
    [
      'button url over 3000',
      msg([{ type: 'actions', elements: [btn({ url: `https://x.example/${'u'.repeat(3000)}` })] }]),
      /url/,
    ],
    ['javascript url', msg([{ type: 'actions', elements: [btn({ url: 'javascript:alert(1)' })] }]), /http/],
    ['action_id over 255', msg([{ type: 'actions', elements: [btn({ action_id: 'a'.repeat(256) })] }]), /action_id/],
    ['duplicate action_id', msg([{ type: 'actions', elements: [btn(), btn()] }]), /duplicate action_id/],
    [
      'duplicate block_id',
      msg([
        { ...section('a'), block_id: 'b' },
        { ...section('b'), block_id: 'b' },
      ]),
      /duplicate block_id/,
    ],
    ['block_id over 255', msg([{ ...section('a'), block_id: 'b'.repeat(256) }]), /block_id/],
    [
      '6 overflow options',
      msg([
        {
          type: 'section',
          text: md('x'),
          accessory: {
            type: 'overflow',
            action_id: 'o',
            options: Array.from({ length: 6 }, (_, i) => ({ text: pt(`o${i}`), value: `${i}` })),
          },
        },
      ]),
      /options/,
    ],
    [
      'option value over 150',
      msg([
        {
          type: 'section',
          text: md('x'),
          accessory: { type: 'overflow', action_id: 'o', options: [{ text: pt('o'), value: 'v'.repeat(151) }] },
        },
      ]),
      /value/,
    ],
    [
      'option text over 75',
      msg([
        {
          type: 'section',
          text: md('x'),
          accessory: { type: 'overflow', action_id: 'o', options: [{ text: pt('o'.repeat(76)), value: 'v' }] },
        },
      ]),
      /text/,
    ],
    [
      'total text over 12000',
      msg(Array.from({ length: 5 }, () => section('x'.repeat(2500)))),
      /characters of block text/,
    ],
    ['blocks without fallback text', msg([section('x')], ''), /fallback text/],
    ['unknown block type', msg([{ type: 'table', rows: [] }]), /blocks\.0/],
    ['unknown field', msg([{ ...section('x'), color: 'red' }]), /blocks\.0/],
    ['emoji flag on mrkdwn', msg([{ type: 'section', text: { type: 'mrkdwn', text: 'x', emoji: true } }]), /blocks\.0/],
    ['modal title over 24', { type: 'modal', title: pt('t'.repeat(25)), blocks: [] }, /title\.text/],
    ['modal submit over 24', { type: 'modal', title: pt('t'), submit: pt('s'.repeat(25)), blocks: [] }, /submit/],
    ['modal close over 24', { type: 'modal', title: pt('t'), close: pt('c'.repeat(25)), blocks: [] }, /close/],
    [
      'modal input without submit',
      {
        type: 'modal',
        title: pt('t'),
        blocks: [{ type: 'input', label: pt('l'), element: { type: 'plain_text_input', action_id: 'a' } }],
      },
      /submit/,
    ],
    [
      'private_metadata over 3000',
      { type: 'home', blocks: [], private_metadata: 'm'.repeat(3001) },
      /private_metadata/,
    ],
    ['101 view blocks', { type: 'home', blocks: Array.from({ length: 101 }, () => section('x')) }, /blocks/],
  ])('reports %s', (_name, payload, pattern) => {
    const problems = checkLimits(payload);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(pattern);
  });

  it('allows exactly the limits', () => {
    expect(checkLimits(msg(Array.from({ length: 50 }, () => section('x'))))).toEqual([]);
    expect(checkLimits(msg([section('x'.repeat(3000)), section('y'.repeat(3000))]))).toEqual([]);
    expect(checkLimits({ type: 'modal', title: pt('t'.repeat(24)), blocks: [] })).toEqual([]);
    expect(checkLimits({ type: 'home', blocks: Array.from({ length: 100 }, () => section('x')) })).toEqual([]);
  });

  it('assertWithinLimits throws a typed error listing the problems', () => {
    expect(() => assertWithinLimits(msg([section('')]))).toThrow(BlockLimitError);
    try {
      assertWithinLimits(msg([section(''), { type: 'header', text: pt('h'.repeat(151)) }]));
    } catch (err) {
      expect((err as BlockLimitError).problems.length).toBeGreaterThanOrEqual(2);
    }
    const ok = msg([section('fine')]);
    expect(assertWithinLimits(ok)).toBe(ok);
  });
});
