import type { Selectable } from 'kysely';
import type { AlertCardsTable, OutboxTable, PollHealthTable, VersionStatesTable, WatchesTable } from './schema.js';
import type {
  AlertCard,
  OutboxKind,
  OutboxRow,
  PollHealth,
  VersionState,
  Watch,
  WatchFilter,
  WatchTarget,
} from './types.js';

/** pg returns BIGINT (ids, epoch ms) as strings; better-sqlite3 returns numbers. */
export function toNumber(value: number | string | bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`database returned a non-integer where an integer was expected`);
  return n;
}

export function toDate(value: number | string): Date {
  return new Date(toNumber(value));
}

export function toDateOrNull(value: number | string | null): Date | null {
  return value === null ? null : toDate(value);
}

export function millisOrNull(date: Date | null): number | null {
  return date === null ? null : date.getTime();
}

/** The columns a target is stored as; target_key is what the unique index of active watches compares. */
export function targetColumns(target: WatchTarget): {
  target_kind: WatchTarget['kind'];
  job_id: string | null;
  version_id: string | null;
  target_key: string;
} {
  switch (target.kind) {
    case 'version':
      return {
        target_kind: 'version',
        job_id: target.jobId,
        version_id: target.versionId,
        target_key: JSON.stringify(['version', target.jobId, target.versionId]),
      };
    case 'job':
      return {
        target_kind: 'job',
        job_id: target.jobId,
        version_id: null,
        target_key: JSON.stringify(['job', target.jobId]),
      };
    case 'project':
      return { target_kind: 'project', job_id: null, version_id: null, target_key: JSON.stringify(['project']) };
  }
}

function targetOf(row: Selectable<WatchesTable>): WatchTarget {
  switch (row.target_kind) {
    case 'version':
      if (row.job_id !== null && row.version_id !== null) {
        return { kind: 'version', jobId: row.job_id, versionId: row.version_id };
      }
      break;
    case 'job':
      if (row.job_id !== null) return { kind: 'job', jobId: row.job_id };
      break;
    case 'project':
      return { kind: 'project' };
  }
  throw new Error(`watch ${String(row.id)} has an invalid target (${row.target_kind})`);
}

export function watchFromRow(row: Selectable<WatchesTable>): Watch {
  return {
    id: toNumber(row.id),
    teamId: row.team_id,
    channelId: row.channel_id,
    projectId: row.project_id,
    creatorUserId: row.creator_user_id,
    target: targetOf(row),
    filter: row.filter as WatchFilter,
    createdAt: toDate(row.created_at),
    endedAt: toDateOrNull(row.ended_at),
    disabledAt: toDateOrNull(row.disabled_at),
    disabledReason: row.disabled_reason,
    lastStatus: row.last_status,
  };
}

export function versionStateFromRow(row: Selectable<VersionStatesTable>): VersionState {
  return {
    projectId: row.project_id,
    jobId: row.job_id,
    versionId: row.version_id,
    status: row.status,
    jobName: row.job_name,
    versionName: row.version_name,
    updatedAt: toDate(row.updated_at),
  };
}

export function outboxFromRow(row: Selectable<OutboxTable>): OutboxRow {
  return {
    id: toNumber(row.id),
    teamId: row.team_id,
    channelId: row.channel_id,
    dedupeKey: row.dedupe_key,
    kind: row.kind as OutboxKind,
    watchId: row.watch_id === null ? null : toNumber(row.watch_id),
    jobId: row.job_id,
    versionId: row.version_id,
    payload: JSON.parse(row.payload) as unknown,
    runAt: toDate(row.run_at),
    attempts: toNumber(row.attempts),
    state: row.state as OutboxRow['state'],
    lastError: row.last_error,
    slackTs: row.slack_ts,
    createdAt: toDate(row.created_at),
    sentAt: toDateOrNull(row.sent_at),
  };
}

export function cardFromRow(row: Selectable<AlertCardsTable>): AlertCard {
  return {
    teamId: row.team_id,
    channelId: row.channel_id,
    jobId: row.job_id,
    versionId: row.version_id,
    ts: row.ts,
    updatedAt: toDate(row.updated_at),
  };
}

export function pollHealthFromRow(row: Selectable<PollHealthTable>): PollHealth {
  return {
    projectId: row.project_id,
    lastSuccessAt: toDateOrNull(row.last_success_at),
    lastAttemptAt: toDateOrNull(row.last_attempt_at),
    failingSince: toDateOrNull(row.failing_since),
    lastError: row.last_error,
    warnedAt: toDateOrNull(row.warned_at),
  };
}
