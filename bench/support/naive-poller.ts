/**
 * The baseline the poller is measured against: what a straightforward job-alert bot does, one version-detail call
 * per watch per cycle, compared with the status it remembers.
 */
import type { ModelArtsApi } from '../../src/modelarts/index.js';

export interface NaiveTarget {
  jobId: string;
  versionId: string;
}

export interface NaiveCycle {
  calls: number;
  changes: number;
  errors: number;
}

export async function naivePollCycle(
  api: ModelArtsApi,
  targets: readonly NaiveTarget[],
  lastSeen: Map<string, number>,
  concurrency = 32,
): Promise<NaiveCycle> {
  let next = 0;
  const result: NaiveCycle = { calls: 0, changes: 0, errors: 0 };
  const worker = async () => {
    while (next < targets.length) {
      const t = targets[next++]!;
      const key = `${t.jobId}/${t.versionId}`;
      result.calls++;
      try {
        const v = await api.getTrainingJobVersion(t.jobId, t.versionId);
        if (lastSeen.get(key) !== v.status) result.changes++;
        lastSeen.set(key, v.status);
      } catch {
        result.errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  return result;
}
