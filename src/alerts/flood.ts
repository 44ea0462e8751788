/**
 * Flood control for project-wide watches. A bad hour can fail dozens of runs; one message each buries the channel.
 * Failures to one channel form a burst while each follows the one before within `windowMs`; once a burst has more
 * than `threshold` failures (those already sent plus those still queued), the rest go into ONE summary message,
 * edited in place as the burst grows (count, names, reasons), each failure's details in its thread.
 *
 * Pure: delivery reads the channel's outbox rows and asks `floodBurst` what the row in hand belongs to.
 */
import type { OutboxRow } from '../store/types.js';

export const FLOOD = Object.freeze({
  /** Failures that still get a message each before a burst is summarized. */
  threshold: 3,
  /** Failures further apart than this start a new burst. */
  windowMs: 10 * 60_000,
});

/**
 * The card key under which a channel's current summary message is kept (the store's durable-card table, so the
 * summary is edited like a run's card). No run has this id: run ids are digits or UUIDs.
 */
export const FLOOD_CARD = Object.freeze({ jobId: 'project-failures', versionId: null });

export interface FloodBurst {
  /** The burst's rows, oldest first: sent ones (by send time), then the queued ones, the row in hand included. */
  rows: OutboxRow[];
  /** Whether the row in hand goes into the summary rather than a message of its own. */
  summarize: boolean;
}

/**
 * The burst the row in hand belongs to, from the channel's outbox rows (any state; only this team's project
 * failures count). Sent rows join the burst back from the newest while each gap is within the window; queued rows
 * (the row in hand among them) are arriving now.
 */
export function floodBurst(
  channelRows: readonly OutboxRow[],
  row: Pick<OutboxRow, 'id' | 'teamId'>,
  now: Date,
  options: { threshold?: number; windowMs?: number } = {},
): FloodBurst {
  const threshold = options.threshold ?? FLOOD.threshold;
  const windowMs = options.windowMs ?? FLOOD.windowMs;
  const failures = channelRows.filter((r) => r.kind === 'project_failure' && r.teamId === row.teamId);
  const sent = failures
    .filter((r) => r.state === 'sent' && r.sentAt !== null)
    .sort((a, b) => (a.sentAt?.getTime() ?? 0) - (b.sentAt?.getTime() ?? 0));
  const queued = failures.filter((r) => r.state === 'pending').sort((a, b) => a.id - b.id);
  const burst: OutboxRow[] = [];
  let after = now.getTime();
  for (let i = sent.length - 1; i >= 0; i--) {
    const r = sent[i] as OutboxRow;
    const at = r.sentAt?.getTime() ?? 0;
    if (after - at > windowMs) break;
    burst.unshift(r);
    after = at;
  }
  const rows = [...burst, ...queued];
  return { rows, summarize: rows.length > threshold };
}
