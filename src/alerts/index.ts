/**
 * The alert domain, below both the poller and Slack: which watch hears about which change (plan), what changed
 * (diff), and the outbox rows and dedupe keys that carry an alert to delivery (rows).
 */

export type { ObservedRun, RunChange } from './diff.js';
export { diffRunStates, indexStates, stateKey } from './diff.js';
export type { FloodBurst } from './flood.js';
export { FLOOD, FLOOD_CARD, floodBurst } from './flood.js';
export type { JobAlert } from './job-alert.js';
export { JobAlertSchema, LegacyJobAlertSchema, parseJobAlert, runSnapshot } from './job-alert.js';
export type { AlertIntent, AlertIntentKind } from './plan.js';
export { filterMatches, planAlerts } from './plan.js';
export type { AlertFacts, CreatorNoticePayload, OpsNoticePayload } from './rows.js';
export {
  cardEvent,
  cardRow,
  creatorNoticeRow,
  dedupeKey,
  factsFromRun,
  jobAlert,
  opsNoticeRow,
  projectFailureRow,
  terminalReplyRow,
  watchStartRows,
} from './rows.js';
