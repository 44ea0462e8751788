/** Bench set-up shared by the poller benchmarks. */
import type { Store } from '../../src/store/types.js';

/** Marks the queued start cards as posted earlier (with made-up ts), as if the watch commands had run long ago. */
export async function settleStartCards(store: Store): Promise<void> {
  for (;;) {
    const now = new Date();
    const rows = await store.claimOutbox({
      workerId: 'bench-setup',
      now,
      limit: 1000,
      lockMs: 60_000,
      channelSpacingMs: 0,
    });
    if (rows.length === 0) return;
    await Promise.all(
      rows.map((r) =>
        store.markSent(r.id, 'bench-setup', {
          ts: `1700000000.${String(r.id).padStart(6, '0')}`,
          now,
          card: {
            teamId: r.teamId,
            channelId: r.channelId,
            jobId: r.jobId!,
            versionId: r.versionId!,
            ts: `1700000000.${String(r.id).padStart(6, '0')}`,
            updatedAt: now,
          },
        }),
      ),
    );
  }
}
