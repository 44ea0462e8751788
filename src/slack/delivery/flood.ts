/**
 * Delivering a project-wide failure: a message of its own, or, once failures come in a burst (alerts/flood.ts), the
 * burst's summary (posted once, then edited in place) with the failure's message in the summary's thread.
 */
import { FLOOD, FLOOD_CARD, floodBurst, type JobAlert, parseJobAlert } from '../../alerts/index.js';
import type { OutboxRow, Store } from '../../store/types.js';
import { type Message, type RenderContext, renderFloodSummary, renderProjectFailure } from '../blocks/index.js';
import { slackErrorKind, slackPlatformCode } from '../slack-errors.js';

/** The row's Slack calls, as delivery makes them (claim-time checks, metadata fallbacks, rendering errors). */
export interface FloodIo {
  store: Store;
  now: Date;
  ctx: RenderContext;
  render(build: () => Message): Message;
  post(message: Message, threadTs?: string): Promise<string | null>;
  update(ts: string, message: Message): Promise<void>;
}

/** What was posted: the failure's own message, and the summary it went under (null: it stands alone). */
export interface ProjectFailureSent {
  ts: string | null;
  summaryTs: string | null;
}

export async function deliverProjectFailure(io: FloodIo, row: OutboxRow, alert: JobAlert): Promise<ProjectFailureSent> {
  const message = io.render(() => renderProjectFailure(alert, io.ctx));
  const burst = floodBurst(await io.store.listOutbox({ channelId: row.channelId }), row, io.now);
  if (!burst.summarize) return { ts: await io.post(message), summaryTs: null };

  const alerts = burst.rows
    .map((r) => (r.id === row.id ? alert : parseJobAlert(r.payload)))
    .filter((a): a is JobAlert => a !== null);
  const summary = io.render(() => renderFloodSummary(alerts, io.ctx));
  let summaryTs: string | null = null;
  const existing = await io.store.getCard(row.teamId, row.channelId, FLOOD_CARD.jobId, FLOOD_CARD.versionId);
  // This burst's summary when the channel's last one was touched within the window; an older one is left alone.
  if (existing && io.now.getTime() - existing.updatedAt.getTime() <= FLOOD.windowMs) {
    try {
      await io.update(existing.ts, summary);
      summaryTs = existing.ts;
    } catch (err) {
      const code = slackPlatformCode(err);
      if (!code || slackErrorKind(code) !== 'card_gone') throw err;
    }
  }
  summaryTs ??= await io.post(summary);
  if (summaryTs === null) return { ts: null, summaryTs: null };
  return { ts: await io.post(message, summaryTs), summaryTs };
}
