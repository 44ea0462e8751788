/**
 * Id validation happens before any URL is built, so nothing a user types can reach the path or the query as anything
 * but a well-formed id (no `../`, no `%2F`, no look-alike unicode digits). Alphabets are the documented ones:
 * training job and version ids are Longs; processor task and dataset ids are the short alphanumeric ids of the v2
 * data-management API (e.g. `ddwRJeTnjpiq4dNUZOq`), dataset ids may also be UUIDs; workspace ids are `0` or ids of
 * letters, digits, `-` and `_`. New-version (v2) training job ids are lowercase 36-character UUIDs (a pasted upper-case one
 * is lowered, the same id either way) and their task ids are `worker-0`, `worker-1`, … (notes v2 §1).
 */
import { type IdKind, InvalidIdError } from './errors.js';

const LONG_ID = /^[0-9]{1,19}$/;
const TASK_ID = /^[A-Za-z0-9]{1,64}$/;
const DATASET_ID = /^[A-Za-z0-9-]{1,64}$/;
const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WORKER = /^worker-(0|[1-9][0-9]{0,4})$/;

const PATTERNS: Readonly<Record<IdKind, RegExp>> = {
  job_id: LONG_ID,
  version_id: LONG_ID,
  task_id: TASK_ID,
  dataset_id: DATASET_ID,
  version_ids: DATASET_ID,
  workspace_id: WORKSPACE_ID,
  project_id: PROJECT_ID,
  training_job_id: UUID,
  training_task_id: WORKER,
};

/** Returns the canonical string form of a valid id; throws InvalidIdError otherwise. */
export function validateId(kind: IdKind, value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new InvalidIdError(kind, value);
    value = String(value);
  }
  if (typeof value !== 'string') throw new InvalidIdError(kind, value);
  // Only the ASCII hex letters are lowered: a look-alike (e.g. the Kelvin sign) must not become a valid id.
  if (kind === 'training_job_id') {
    const lowered = value.replace(/[A-F]/g, (c) => c.toLowerCase());
    if (!UUID.test(lowered)) throw new InvalidIdError(kind, value);
    return lowered;
  }
  if (!PATTERNS[kind].test(value)) throw new InvalidIdError(kind, value);
  if (PATTERNS[kind] === LONG_ID) {
    // Leading zeros would address the same job under another URL; normalise so caches and logs agree.
    return value.replace(/^0+(?=\d)/, '');
  }
  return value;
}

export const validateJobId = (value: string | number): string => validateId('job_id', value);
export const validateVersionId = (value: string | number): string => validateId('version_id', value);
export const validateTaskId = (value: string | number): string => validateId('task_id', value);
export const validateDatasetId = (value: string | number): string => validateId('dataset_id', value);
export const validateTrainingJobId = (value: string): string => validateId('training_job_id', value);
export const validateTrainingTaskId = (value: string): string => validateId('training_task_id', value);
export const validateWorkspaceId = (value: string | number): string => validateId('workspace_id', value);
