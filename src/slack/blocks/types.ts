import type { KnownBlock, MessageMetadata } from '@slack/types';

/** Everything a renderer may know besides the data: the current time and the viewer's zone are inputs, never read. */
export interface RenderContext {
  now: Date;
  /** IANA zone of the viewer (users.info `tz`), e.g. `Europe/Berlin`; unknown zones render in UTC. */
  timeZone: string;
  projectId: string;
  /** Console link of a job version (a configured template); omitted: no Console button. */
  consoleUrl?: ((jobId: string | number, versionId: string | number) => string) | undefined;
}

/** A chat.postMessage / respond / chat.update body: `text` is the notification fallback, always meaningful. */
export interface Message {
  text: string;
  blocks: KnownBlock[];
  /** Slack message metadata (alerts name the job version and event). */
  metadata?: MessageMetadata;
}
