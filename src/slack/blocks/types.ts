import type { KnownBlock, MessageMetadata } from '@slack/types';

/**
 * Everything a renderer may know besides the data: the current time and the viewer's zone are inputs, never read.
 * Links to the console come with the data (`JobRun.consoleUrl`).
 */
export interface RenderContext {
  now: Date;
  /** IANA zone of the viewer (users.info `tz`), e.g. `Europe/Berlin`; unknown zones render in UTC. */
  timeZone: string;
  projectId: string;
}

/** A chat.postMessage / respond / chat.update body: `text` is the notification fallback, always meaningful. */
export interface Message {
  text: string;
  blocks: KnownBlock[];
  /** Slack message metadata (alerts name the run and event). */
  metadata?: MessageMetadata;
}
