/** Public surface of the poller: the poll loop, the outbox sender and the alert row builders the Slack app uses. */
export type { AlertFacts, CreatorNoticePayload, OpsNoticePayload } from './alert-rows.js';
export {
  cardEvent,
  cardRow,
  creatorNoticeRow,
  dedupeKey,
  factsFromVersion,
  jobAlert,
  opsNoticeRow,
  projectFailureRow,
  terminalReplyRow,
  watchStartRows,
} from './alert-rows.js';
export type { ObservedVersion, VersionChange } from './diff.js';
export { diffVersionStates } from './diff.js';
export type { OutboxSender, OutboxSenderDeps, SendOutcome } from './outbox-sender.js';
export { classifySlackError, createOutboxSender } from './outbox-sender.js';
export type { AlertIntent, AlertIntentKind } from './plan.js';
export { filterMatches, planAlerts } from './plan.js';
export type { PollCycleResult, Poller, PollerDeps, PollerHealth, PollerTuning } from './poller.js';
export { createPoller, DEFAULT_POLLER_TUNING } from './poller.js';
