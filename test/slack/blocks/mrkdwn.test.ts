import { describe, expect, it } from 'vitest';
import {
  codeBlock,
  codeSpan,
  escapeEntities,
  escapeInline,
  escapeMrkdwn,
  isChannelId,
  link,
  mention,
  plainText,
  safeUrl,
  slackDate,
  truncate,
  truncateMrkdwn,
  truncateStart,
} from '../../../src/slack/mrkdwn.js';

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('escapeMrkdwn', () => {
  it('entity-encodes & < > so mentions and links cannot form', () => {
    expect(escapeMrkdwn('<!channel> <@U123> <https://evil|x> a & b')).toBe(
      '&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|x&gt; a &amp; b',
    );
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });

  it('neutralises formatting characters at word edges but keeps them inside words', () => {
    expect(escapeMrkdwn('*bold* _it_ ~s~')).toBe('\u2217bold\u2217 \u02cdit\u02cd \u223cs\u223c');
    expect(escapeMrkdwn('learning_rate a*b x~y')).toBe('learning_rate a*b x~y');
    expect(escapeMrkdwn('`code`')).toBe('\u02cbcode\u02cb');
    expect(escapeMrkdwn('a`b')).toBe('a\u02cbb');
  });

  it('keeps a line-leading > from quoting and strips control and bidi override characters', () => {
    expect(escapeMrkdwn('> quote\nok\n  > again')).toBe('\u00ad&gt; quote\nok\n  \u00ad&gt; again');
    expect(escapeMrkdwn('a\u202eb\u0000c\u0007d')).toBe('abcd');
    expect(escapeMrkdwn('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });

  it('escapeInline collapses whitespace and cuts', () => {
    expect(escapeInline('a\n\n b\tc')).toBe('a b c');
    expect(escapeInline('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('escapeEntities touches only the three characters', () => {
    expect(escapeEntities(`it's "*_~\`"`)).toBe(`it's "*_~\`"`);
    expect(escapeEntities('<&>')).toBe('&lt;&amp;&gt;');
  });
});

describe('truncate', () => {
  it('leaves short text alone and adds an ellipsis within max', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('hello world', 8)).toBe('hello w…');
    expect(truncate('hello', 1)).toBe('…');
    expect(truncate('hello', 0)).toBe('');
    expect(truncate('hello', Number.NaN)).toBe('');
  });

  it('never splits a surrogate pair or an emoji cluster', () => {
    const s = '👩‍👩‍👧‍👦'.repeat(10);
    for (let max = 1; max < 40; max++) {
      const t = truncate(s, max);
      expect(t.length).toBeLessThanOrEqual(max);
      expect(t).not.toMatch(loneSurrogate);
      // Only whole families (11 code units each) before the ellipsis.
      expect((t.length - 1) % 11).toBe(0);
    }
    expect(truncate('a😀b', 3)).toBe('a…');
  });

  it('never splits an entity', () => {
    const escaped = escapeEntities('a<b&c>d');
    for (let max = 1; max <= escaped.length; max++) {
      const t = truncate(escaped, max);
      expect(t.length).toBeLessThanOrEqual(max);
      expect(t.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    }
  });

  it('truncateStart keeps the end, safely', () => {
    expect(truncateStart('0123456789', 5)).toBe('…6789');
    const t = truncateStart(`${'😀'.repeat(5)}&lt;end`, 8);
    expect(t.length).toBeLessThanOrEqual(8);
    expect(t).not.toMatch(loneSurrogate);
    expect(truncateStart('ab&amp;cd', 5)).toBe('…cd');
  });
});

describe('truncateMrkdwn', () => {
  it('prefers line boundaries and keeps code spans and links closed', () => {
    expect(truncateMrkdwn('line one\nline two\nline three', 20)).toBe('line one\nline two…');
    const cut = truncateMrkdwn(`see \`${'a'.repeat(50)}\` end`, 20);
    expect(cut.length).toBeLessThanOrEqual(20);
    expect((cut.match(/`/g) ?? []).length % 2).toBe(0);
    const l = truncateMrkdwn(`go <https://example.com/${'p'.repeat(40)}|label> now`, 30);
    expect(l).toBe('go…');
    const block = truncateMrkdwn(`log:\n\`\`\`${'x'.repeat(100)}\`\`\``, 40);
    expect(block.length).toBeLessThanOrEqual(40);
    expect(block.split('```').length % 2).toBe(1);
  });
});

describe('code, links, plain text, mentions', () => {
  it('codeSpan cannot be broken out of', () => {
    expect(codeSpan('a`b`c')).toBe('`a\u02cbb\u02cbc`');
    expect(codeSpan('<!channel>')).toBe('`&lt;!channel&gt;`');
    expect(codeSpan('  ')).toBe('—');
    expect(codeSpan('x'.repeat(100), 10)).toBe(`\`${'x'.repeat(7)}…\``);
  });

  it('codeBlock keeps the end of logs when asked', () => {
    const b = codeBlock(`first\n${'m'.repeat(100)}\nlast \`\`\` line`, 40, 'end');
    expect(b.startsWith('```…')).toBe(true);
    expect(b.endsWith('last \u02cb\u02cb\u02cb line```')).toBe(true);
    expect(b.length).toBeLessThanOrEqual(40);
    expect(codeBlock('')).toBe('');
  });

  it('link accepts only absolute http(s) URLs and escapes the label', () => {
    expect(link('https://example.com/a?b=1&c=2|x>', '<b>')).toBe(
      '<https://example.com/a?b=1&amp;c=2%7Cx%3E|&lt;b&gt;>',
    );
    expect(link('javascript:alert(1)', 'x')).toBe('x');
    expect(link('/relative', 'rel')).toBe('rel');
    expect(link('https://user:pw@example.com/', 'creds')).toBe('creds');
    expect(safeUrl(`https://example.com/${'a'.repeat(3000)}`)).toBeNull();
    expect(safeUrl('http://127.0.0.1:3000/x')).toBe('http://127.0.0.1:3000/x');
  });

  it('plainText is escaped, one line, cut and never empty', () => {
    expect(plainText('<!here>\nnext', 150)).toEqual({ type: 'plain_text', text: '&lt;!here&gt; next', emoji: true });
    expect(plainText('', 10).text).toBe('—');
    expect(plainText(null, 10, 'fallback').text).toBe('fallback');
    expect(plainText('x'.repeat(100), 24).text).toHaveLength(24);
  });

  it('mentions only valid ids', () => {
    expect(mention('UALICE01')).toBe('<@UALICE01>');
    expect(mention('<!channel>')).toBeNull();
    expect(mention('u123')).toBeNull();
    expect(isChannelId('C0GENERAL')).toBe(true);
    expect(isChannelId('<#C1>')).toBe(false);
  });

  it('slackDate renders a date token with an escaped fallback', () => {
    expect(slackDate(1563172362000, '{date_short_pretty} {time}', '15 Jul 2019 08:32')).toBe(
      '<!date^1563172362^{date_short_pretty} {time}|15 Jul 2019 08:32>',
    );
    expect(slackDate(Number.NaN, '{time}', '<x|y>')).toBe('&lt;x/y&gt;');
  });
});
