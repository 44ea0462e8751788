import type { Selectable } from 'kysely';
import type { AlertCardsTable, OutboxTable, PollHealthTable, VersionStatesTable, WatchesTable } from './schema.js';
import type {
  AlertCard,
  OutboxKind,
  OutboxRow,
  PollHealth,
  RunState,
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

/**
 * Tables whose primary key includes the version id store a run without a version (a v2 job) as ''. These two
 * convert at the boundary, so callers only ever see null.
 */
export function versionColumn(versionId: string | null): string {
  return versionId ?? '';
}

export function versionFromColumn(value: string): string | null {
  return value === '' ? null : value;
}

/**
 * The columns a target is stored as; target_key is what the unique index of active watches compares. A run target
 * is stored under the kind `version`, the name 0001's CHECK constraint knows and every stored target_key of a job
 * version already carries (renaming it would change the identity of existing watches); a v2 job is a `version` row
 * without a version id.
 */
export function targetColumns(target: WatchTarget): {
  target_kind: 'version' | 'job' | 'project';
  job_id: string | null;
  version_id: string | null;
  target_key: string;
} {
  switch (target.kind) {
    case 'run':
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
      if (row.job_id !== null) return { kind: 'run', jobId: row.job_id, versionId: row.version_id };
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
    lastStatus: row.last_status === null ? null : String(row.last_status),
  };
}

export function runStateFromRow(row: Selectable<VersionStatesTable>): RunState {
  return {
    projectId: row.project_id,
    jobId: row.job_id,
    versionId: versionFromColumn(row.version_id),
    // Text since 0003; String() also reads a value SQLite's column affinity kept as a number.
    status: String(row.status),
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
    versionId: versionFromColumn(row.version_id),
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
