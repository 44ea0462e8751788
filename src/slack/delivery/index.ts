/** Delivery of outbox rows to Slack: rendering, posting, recording, and what each Slack failure means for a row. */
export type { OutboxSender, OutboxSenderDeps, SendOutcome } from './outbox-sender.js';
export { createOutboxSender } from './outbox-sender.js';
