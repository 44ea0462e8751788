import { describe, expect, it } from 'vitest';
import { formatSlackDate, parseInline, parseMrkdwn, safeUrl } from '../../../tools/fake-slack/ui/mrkdwn.js';

describe('the demo page’s mrkdwn parser', () => {
  it('parses bold, italic, strike and code with Slack’s word boundaries', () => {
    expect(parseInline('*bold* _it_ ~gone~ `a*b*c`')).toEqual([
      { t: 'bold', c: [{ t: 'text', v: 'bold' }] },
      { t: 'text', v: ' ' },
      { t: 'italic', c: [{ t: 'text', v: 'it' }] },
      { t: 'text', v: ' ' },
      { t: 'strike', c: [{ t: 'text', v: 'gone' }] },
      { t: 'text', v: ' ' },
      { t: 'code', v: 'a*b*c' },
    ]);
    // Inside words and around spaces the markers are plain characters.
    expect(parseInline('2*3*4 and snake_case_name and * not *')).toEqual([
      { t: 'text', v: '2*3*4 and snake_case_name and * not *' },
    ]);
    expect(parseInline('*outer _inner_*')).toEqual([
      {
        t: 'bold',
        c: [
          { t: 'text', v: 'outer ' },
          { t: 'italic', c: [{ t: 'text', v: 'inner' }] },
        ],
      },
    ]);
  });

  it('decodes the three entities into text and never into markup', () => {
    expect(parseInline('&lt;!channel&gt; &amp;lt; &lt;https://evil|trusted&gt;')).toEqual([
      { t: 'text', v: '<!channel> &lt; <https://evil|trusted>' },
    ]);
  });

  it('parses links, mentions and dates', () => {
    expect(parseInline('<https://a.example/x?a=1&amp;b=2|the console> <https://b.example>')).toEqual([
      { t: 'link', url: 'https://a.example/x?a=1&b=2', label: 'the console' },
      { t: 'text', v: ' ' },
      { t: 'link', url: 'https://b.example/', label: 'https://b.example' },
    ]);
    expect(parseInline('<@U123> <@U9|ada> <#C1> <!here> <!subteam^S1|@ops>')).toEqual([
      { t: 'user', id: 'U123', label: null },
      { t: 'text', v: ' ' },
      { t: 'user', id: 'U9', label: 'ada' },
      { t: 'text', v: ' ' },
      { t: 'channel', id: 'C1', label: null },
      { t: 'text', v: ' ' },
      { t: 'special', name: 'here', label: null },
      { t: 'text', v: ' ' },
      { t: 'usergroup', id: 'S1', label: '@ops' },
    ]);
    expect(parseInline('<!date^1700000000^{date_num} {time}|Nov 14>')).toEqual([
      { t: 'date', ts: 1700000000, format: '{date_num} {time}', link: null, fallback: 'Nov 14' },
    ]);
  });

  it('refuses script and data links', () => {
    expect(parseInline('<javascript:alert(1)|click me>')).toEqual([{ t: 'text', v: 'click me' }]);
    expect(safeUrl('data:text/html,<b>x</b>')).toBeNull();
    expect(safeUrl('mailto:ops@example.com')).toBe('mailto:ops@example.com');
  });

  it('turns known shortcodes into emoji and leaves others alone', () => {
    expect(parseInline(':white_check_mark: done :not_an_emoji:')).toEqual([
      { t: 'emoji', name: 'white_check_mark', v: '✅' },
      { t: 'text', v: ' done :not_an_emoji:' },
    ]);
  });

  it('parses block structure: lines, quotes, lists and preformatted text', () => {
    const tree = parseMrkdwn(
      '*Job 10*\n&gt; quoted\n&gt; twice\n• one\n• two\n1. first\n```\nlog *line*\n&lt;tail&gt;\n```',
    );
    expect(tree.map((n) => n.t)).toEqual(['line', 'quote', 'list', 'list', 'pre']);
    expect(tree[1]).toEqual({ t: 'quote', c: [[{ t: 'text', v: 'quoted' }], [{ t: 'text', v: 'twice' }]] });
    expect(tree[2]).toMatchObject({ t: 'list', ordered: false, items: [{ c: [{ v: 'one' }] }, { c: [{ v: 'two' }] }] });
    expect(tree[3]).toMatchObject({ t: 'list', ordered: true, start: 1 });
    expect(tree[4]).toEqual({ t: 'pre', v: 'log *line*\n<tail>' });
  });

  it('formats dates like Slack’s date tokens', () => {
    const ts = 1_700_000_000; // 2023-11-14T22:13:20Z
    expect(formatSlackDate(ts, '{date_num} {time_secs}', ts * 1000, 'UTC')).toBe('2023-11-14 10:13:20 PM');
    expect(formatSlackDate(ts, '{date_short} · {date_pretty}', ts * 1000, 'UTC')).toBe('Nov 14, 2023 · today');
    expect(formatSlackDate(ts, '{ago}', (ts + 3 * 3600) * 1000, 'UTC')).toBe('3 hours ago');
    expect(formatSlackDate(ts, '{date_long}', ts * 1000, 'UTC')).toBe('Tuesday, November 14th, 2023');
    expect(formatSlackDate(ts, '{unknown}', ts * 1000, 'UTC')).toBe('{unknown}');
  });

  it('decides today and yesterday in the viewer’s time zone, not the browser’s', () => {
    const late = Date.parse('2023-11-14T23:30:00Z') / 1000; // already 15 Nov in Berlin, still 14 Nov in UTC
    const noon = Date.parse('2023-11-15T12:00:00Z');
    expect(formatSlackDate(late, '{date_pretty} {time}', noon, 'Europe/Berlin')).toBe('today 12:30 AM');
    expect(formatSlackDate(late, '{date_pretty} {time}', noon, 'UTC')).toBe('yesterday 11:30 PM');
    expect(formatSlackDate(late, '{date_short_pretty}', noon, 'America/New_York')).toBe('yesterday');
  });
});
