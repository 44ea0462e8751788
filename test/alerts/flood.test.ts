import { describe, expect, it } from 'vitest';
import { FLOOD, floodBurst } from '../../src/alerts/flood.js';
import type { OutboxRow } from '../../src/store/types.js';

const NOW = new Date('2026-12-06T12:00:00Z');
const MIN = 60_000;

let nextId = 1;
function row(state: OutboxRow['state'], sentMinutesAgo: number | null, extra: Partial<OutboxRow> = {}): OutboxRow {
  return {
    id: nextId++,
    teamId: 'T1',
    channelId: 'C1',
    dedupeKey: `k${nextId}`,
    kind: 'project_failure',
    watchId: 1,
    jobId: '1',
    versionId: '2',
    payload: {},
    runAt: NOW,
    attempts: 0,
    state,
    lastError: null,
    slackTs: null,
    createdAt: NOW,
    sentAt: sentMinutesAgo === null ? null : new Date(NOW.getTime() - sentMinutesAgo * MIN),
    ...extra,
  };
}

describe('floodBurst', () => {
  it('lets the first few failures stand alone and summarizes from the one past the threshold', () => {
    const sent = [row('sent', 6), row('sent', 4), row('sent', 2)];
    const first = row('pending', null);
    expect(floodBurst(sent.slice(0, 2).concat(first), first, NOW).summarize).toBe(false);
    const burst = floodBurst([...sent, first], first, NOW);
    expect(burst.summarize).toBe(true);
    expect(burst.rows.map((r) => r.id)).toEqual([...sent, first].map((r) => r.id));
  });

  it('counts queued failures: ten arriving at once are one summary from the first', () => {
    const queued = Array.from({ length: 10 }, () => row('pending', null));
    expect(floodBurst(queued, queued[0] as OutboxRow, NOW)).toMatchObject({ summarize: true });
    expect(floodBurst(queued, queued[0] as OutboxRow, NOW).rows).toHaveLength(10);
  });

  it('chains failures while each gap is within the window, and starts over after a quiet spell', () => {
    const w = FLOOD.windowMs / MIN;
    const chained = [row('sent', 3 * w - 3), row('sent', 2 * w - 2), row('sent', w - 1)];
    const now = row('pending', null);
    expect(floodBurst([...chained, now], now, NOW).rows).toHaveLength(4);
    const quiet = [row('sent', 3 * w), row('sent', 2 * w + 2), row('sent', w + 1)];
    expect(floodBurst([...quiet, now], now, NOW)).toMatchObject({ summarize: false, rows: [now] });
  });

  it('ignores other kinds, other teams and dead rows', () => {
    const now = row('pending', null);
    const others = [
      row('sent', 1, { kind: 'card' }),
      row('sent', 1, { kind: 'terminal_reply' }),
      row('sent', 1, { teamId: 'T2' }),
      row('dead', 1),
      row('pending', null, { kind: 'ops_notice' }),
    ];
    expect(floodBurst([...others, now], now, NOW).rows).toEqual([now]);
  });
});
