/** Public surface of the poller: the poll loop that turns ModelArts changes into outbox rows. */
export type { PollCycleResult, Poller, PollerDeps, PollerHealth, PollerTuning } from './poller.js';
export { createPoller, DEFAULT_POLLER_TUNING } from './poller.js';
