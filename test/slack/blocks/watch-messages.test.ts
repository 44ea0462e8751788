/** Renderers behind watching and unwatching (issue 11): the unwatched card, the question before removing someone
 * else's watch, and how a finished run is described. */
import { describe, expect, it } from 'vitest';
import { renderAlertCard } from '../../../src/slack/blocks/alerts.js';
import { endedPhrase, renderUnwatchQuestion } from '../../../src/slack/blocks/watches.js';
import { alertFor, asRun, CTX, docVersion, HOSTILE, sampleWatches, watch } from './fixtures.js';
import { compactText, expectSafe } from './helpers.js';

describe('watch messages', () => {
  it('an unwatched card says who removed the watch and offers no Unwatch (snapshot)', () => {
    const m = expectSafe(renderAlertCard(alertFor(8, { watchId: 7 }), CTX, { unwatchedBy: 'UBOB0002' }));
    const text = compactText(m);
    expect(text).toContain('🔕 No longer watched · removed by <@UBOB0002>');
    expect(text).not.toContain('unwatch');
    expect(text).toMatchSnapshot();
    expect(compactText(expectSafe(renderAlertCard(alertFor(8, { watchId: 7 }), CTX)))).toContain('[Unwatch]');
  });

  it('asks before removing someone else’s watch, one Remove button per watch (snapshot)', () => {
    const m = expectSafe(renderUnwatchQuestion(sampleWatches.slice(0, 2), 'UALICE01'));
    const text = compactText(m);
    expect(text).toContain('started by you');
    expect(text).toContain('started by <@UBOB0002>');
    expect(text.match(/unwatch:confirmed/g)).toHaveLength(2);
    expect(text).toMatchSnapshot();
    const hostile = expectSafe(renderUnwatchQuestion([watch(9, { creatorUserId: HOSTILE })], 'UALICE01'));
    expect(compactText(hostile)).not.toContain('<!channel>');
  });

  it('describes how a finished run ended, relative when recent and absolute when old', () => {
    const run = asRun(docVersion);
    expect(endedPhrase(run, { ...CTX, now: new Date(1563172362000 + 532003 + 2 * 3600_000) })).toBe(
      'completed in 8 min 52 s (ended 2 h ago)',
    );
    expect(endedPhrase(run, CTX)).toMatch(/^completed in 8 min 52 s \(ended /);
  });
});
