/**
 * The seam between the poll cycle and an API: an observer says what its API reports about the runs the watches care
 * about, and fetches more about one run when an alert needs it. The cycle runs one observer per available API (v1
 * today: observe.ts) and never looks at wire formats itself.
 */
import type { CallOptions, JobRun, RunRef, TrainingApiVersion } from '../modelarts/index.js';
import type { RunState, Watch } from '../store/types.js';

/** How the v1 observer currently lists versions (its fallback is the job list). */
export type ObserveMode = 'all-versions' | 'fallback';

export interface Observation {
  mode: ObserveMode;
  /**
   * The observed runs the poller has to look at: those without a stored state, with a status that differs from it,
   * or with a run watch that has not recorded that status yet. The others (the steady bulk) are counted in
   * `observedCount` but not materialised: at 10,000 watches this keeps a quiet cycle from allocating 10,000 objects.
   */
  runs: JobRun[];
  observedCount: number;
  /** Newest version per v1 job, as far as this cycle and earlier ones know. */
  latestVersionByJob: Map<string, string>;
  /** Full records fetched on the way (versions-of-job), by run key; the poller reuses them instead of detail calls. */
  details: Map<string, JobRun>;
}

export interface RunObserver {
  readonly api: TrainingApiVersion;
  readonly mode: ObserveMode;
  /** Seeds what the observer caches (job of a version, …) from stored states, after a restart or a takeover. */
  learnStates(states: Iterable<RunState>): void;
  /** The runs of this API the watches (and stored states) make relevant. Watches of the other API are ignored. */
  observe(watches: readonly Watch[], states: ReadonlyMap<string, RunState>, call: CallOptions): Promise<Observation>;
  /** The run's full record. */
  detail(ref: RunRef, call: CallOptions): Promise<JobRun>;
  /** The last lines of the run's log; null when it has none. */
  logTail(ref: RunRef, lines: number, call: CallOptions): Promise<string[] | null>;
}
