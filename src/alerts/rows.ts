/**
 * Outbox rows for alerts: the only place that decides what an alert row contains and how it is keyed.
 *
 * Dedupe keys. The store makes (team_id, channel_id, dedupe_key) unique, so the key names the run and the event;
 * team and channel are repeated inside it so a key read alone (logs, `listOutbox`) says everything:
 *
 *     v1|<team>|<channel>|<job or ->|<version or ->|<event>
 *
 * (the leading `v1` is the key format's version, not the API's). A v1 job version puts its two ids in; a v2 job puts
 * its UUID and an empty version part (`…|<uuid>||card:Running`); notices without a run put `-` in both. Statuses are
 * their keys (`RunStatus.key`): a v1 code in digits, exactly the number the keys carried before the run model, so
 * keys of v1 runs are unchanged.
 *
 * <event> is one of
 * - `card:<status>`: the card showing <status> when no earlier status is known to us: the card a watch command queues
 *   (`watchStartRows`) and the card the poller queues on first sight of a run share this key, so a run still in the
 *   status the watch command showed is never carded twice;
 * - `card:<status>:from:<previous>@<ms>`: the card edit for a transition the poller saw from a stored state
 *   (<previous> status, stored at <ms> epoch milliseconds). Every transition has its own key, so a status that comes
 *   back (running → scaling → running) is shown again, while two pollers racing on the same stored state produce
 *   the same key and at most one row;
 * - `terminal:<status>`: the thread reply for a terminal status (a version ends once);
 * - `project_failure:<status>`: a project-wide watch's message for a version that ended so;
 * - `ops:failing:<ms>` / `ops:recovered:<ms>` (no job, no version): the operator notices of one failing streak that
 *   began at <ms>;
 * - `creator_notice:<watch id>` (channel part = the creator's user id): the watch was disabled, tell its creator.
 */
import { type JobRun, refParts } from '../modelarts/index.js';
import type { NewOutboxRow, OutboxKind, RunState, Watch, WatchTarget } from '../store/types.js';
import { type JobAlert, runSnapshot } from './job-alert.js';
import { filterMatches } from './plan.js';

const KEY_VERSION = 'v1';

export function dedupeKey(parts: {
  teamId: string;
  channelId: string;
  jobId: string | null;
  versionId: string | null;
  event: string;
}): string {
  return [KEY_VERSION, parts.teamId, parts.channelId, parts.jobId ?? '-', parts.versionId ?? '-', parts.event].join(
    '|',
  );
}

/** The event part of a card key (see the module comment). */
export function cardEvent(status: string, previous: Pick<RunState, 'status' | 'updatedAt'> | null): string {
  return previous === null
    ? `card:${status}`
    : `card:${status}:from:${previous.status}@${previous.updatedAt.getTime()}`;
}

/**
 * Everything about the run an alert shows, from whichever source the poller had (detail, listing): the alert
 * payload without what the watch adds.
 */
export type AlertFacts = Pick<JobAlert, 'projectId' | 'run' | 'previousStatus' | 'logTail'>;

export function factsFromRun(
  projectId: string,
  run: JobRun,
  extra: { previousStatus?: string | null; logTail?: string[] | null } = {},
): AlertFacts {
  return { projectId, run, previousStatus: extra.previousStatus ?? null, logTail: extra.logTail ?? null };
}

export function jobAlert(facts: AlertFacts, watch: Watch | null, event: JobAlert['event']): JobAlert {
  // A run watch ends with its run: the alerts that show the run ended offer nothing to unwatch.
  const ended = watch?.target.kind === 'run' && facts.run.status.terminal;
  return {
    projectId: facts.projectId,
    run: runSnapshot(facts.run),
    previousStatus: facts.previousStatus,
    logTail: facts.logTail,
    creatorUserId: watch?.creatorUserId ?? null,
    watchId: ended ? null : (watch?.id ?? null),
    event,
  };
}

function alertRow(kind: OutboxKind, watch: Watch, alert: JobAlert, event: string, now: Date): NewOutboxRow {
  const { jobId, versionId } = refParts(alert.run.ref);
  return {
    teamId: watch.teamId,
    channelId: watch.channelId,
    dedupeKey: dedupeKey({
      teamId: watch.teamId,
      channelId: watch.channelId,
      jobId,
      versionId: versionId ?? '',
      event,
    }),
    kind,
    watchId: watch.id,
    jobId,
    versionId,
    payload: alert,
    runAt: now,
  };
}

/** Post or edit the channel's card for the run. `previous`: the stored state the change was seen from. */
export function cardRow(
  watch: Watch,
  facts: AlertFacts,
  previous: Pick<RunState, 'status' | 'updatedAt'> | null,
  now: Date,
): NewOutboxRow {
  return alertRow('card', watch, jobAlert(facts, watch, 'status'), cardEvent(facts.run.status.key, previous), now);
}

/** Reply in the card's thread with the terminal outcome (the sender broadcasts failures and mentions the creator). */
export function terminalReplyRow(watch: Watch, facts: AlertFacts, now: Date): NewOutboxRow {
  const event = `terminal:${facts.run.status.key}`;
  return alertRow('terminal_reply', watch, jobAlert(facts, watch, 'terminal'), event, now);
}

/** A project-wide watch's standalone message for one run that ended in a state its filter selects. */
export function projectFailureRow(watch: Watch, facts: AlertFacts, now: Date): NewOutboxRow {
  const event = `project_failure:${facts.run.status.key}`;
  return alertRow('project_failure', watch, jobAlert(facts, watch, 'terminal'), event, now);
}

/**
 * The first card when a watch starts: for a run watch the watched run, for a job watch its newest version (`run` is
 * what the watch command fetched). A project-wide watch has no card: it speaks only on failures.
 *
 * A run that already ended gets its outcome in the card's thread at once when the filter wants it, whenever it
 * ended: the answer never depends on when the poller first sees the run. The key is the poller's own
 * (`terminal:<status>`), so the poller seeing the same end later adds nothing.
 */
export function watchStartRows(watch: Watch, run: JobRun, now: Date): NewOutboxRow[] {
  if (watch.target.kind === 'project') return [];
  const facts = factsFromRun(watch.projectId, run);
  const card = cardRow(watch, facts, null, now);
  return outcomeDue(watch, run) ? [card, terminalReplyRow(watch, facts, now)] : [card];
}

/** Whether a run that already ended is reported to this watch when it starts: ended, and the filter wants it. */
export function outcomeDue(watch: Pick<Watch, 'filter' | 'target'>, run: Pick<JobRun, 'status'>): boolean {
  return run.status.terminal && filterMatches(watch, run.status);
}

export interface OpsNoticePayload {
  kind: 'failing' | 'recovered';
  /** ISO time the failing streak began. */
  since: string;
  error: string | null;
  projectId: string;
}

export function opsNoticeRow(input: {
  teamId: string;
  channelId: string;
  projectId: string;
  kind: 'failing' | 'recovered';
  failingSince: Date;
  error: string | null;
  now: Date;
}): NewOutboxRow {
  const payload: OpsNoticePayload = {
    kind: input.kind,
    since: input.failingSince.toISOString(),
    error: input.error,
    projectId: input.projectId,
  };
  return {
    teamId: input.teamId,
    channelId: input.channelId,
    dedupeKey: dedupeKey({
      teamId: input.teamId,
      channelId: input.channelId,
      jobId: null,
      versionId: null,
      event: `ops:${input.kind}:${input.failingSince.getTime()}`,
    }),
    kind: 'ops_notice',
    watchId: null,
    jobId: null,
    versionId: null,
    payload,
    runAt: input.now,
  };
}

export interface CreatorNoticePayload {
  userId: string;
  /** The channel the watch posted to: the ephemeral is tried there first, then a DM. */
  channelId: string;
  watchId: number;
  projectId: string;
  target: WatchTarget;
  /** Slack's error code, e.g. `channel_not_found`. */
  reason: string;
}

/**
 * Tells a watch's creator that the watch was disabled. Keyed and paced by the creator's user id rather than the
 * broken channel, so it does not wait behind that channel's rows.
 */
export function creatorNoticeRow(watch: Watch, reason: string, now: Date): NewOutboxRow {
  const payload: CreatorNoticePayload = {
    userId: watch.creatorUserId,
    channelId: watch.channelId,
    watchId: watch.id,
    projectId: watch.projectId,
    target: watch.target,
    reason,
  };
  const jobId = watch.target.kind === 'project' ? null : watch.target.jobId;
  const versionId = watch.target.kind === 'run' ? watch.target.versionId : null;
  return {
    teamId: watch.teamId,
    channelId: watch.creatorUserId,
    dedupeKey: dedupeKey({
      teamId: watch.teamId,
      channelId: watch.creatorUserId,
      jobId,
      versionId,
      event: `creator_notice:${watch.id}`,
    }),
    kind: 'creator_notice',
    watchId: watch.id,
    jobId,
    versionId,
    payload,
    runAt: now,
  };
}
