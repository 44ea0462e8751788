import { describe, expect, it } from 'vitest';
import {
  isV2JobId,
  refFromParts,
  refParts,
  runKey,
  statusFromKey,
  V2_ACTIVE_PHASES,
  v1Status,
  v2Status,
} from '../../src/modelarts/job-run.js';

const UUID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';

describe('run refs', () => {
  it('tells the two APIs apart by the shape of the ids', () => {
    expect(refFromParts('10', '12')).toEqual({ api: 'v1', jobId: '10', versionId: '12' });
    expect(refFromParts(UUID, null)).toEqual({ api: 'v2', jobId: UUID });
    expect(refFromParts(UUID, '')).toEqual({ api: 'v2', jobId: UUID });
    expect(refFromParts('10', null)).toBeNull();
    expect(refFromParts(UUID.toUpperCase(), null)).toBeNull();
    expect(refFromParts(UUID, '3')).toBeNull();
    expect(isV2JobId(`${UUID}x`)).toBe(false);
  });

  it('round-trips through storage parts and keys', () => {
    for (const ref of [refFromParts('10', '12'), refFromParts(UUID, null)]) {
      if (!ref) throw new Error('ref');
      const parts = refParts(ref);
      expect(refFromParts(parts.jobId, parts.versionId)).toEqual(ref);
    }
    expect(runKey({ api: 'v1', jobId: '10', versionId: '12' })).toBe('10/12');
    expect(runKey({ api: 'v2', jobId: UUID })).toBe(UUID);
  });
});

describe('run statuses', () => {
  it('maps v1 codes and v2 phases onto the same categories', () => {
    expect(v1Status(11)).toMatchObject({ api: 'v1', key: '11', name: 'JOBSTAT_FAILED', category: 'failed' });
    expect(v1Status(3)).toMatchObject({ label: 'image build failed', terminal: true });
    expect(v2Status('Failed')).toMatchObject({ api: 'v2', key: 'Failed', category: 'failed', terminal: true });
    expect(v2Status('Abnormal', 'CreateFailed')).toMatchObject({
      key: 'Abnormal',
      category: 'failed',
      label: 'creation failed',
      detail: 'CreateFailed',
    });
    expect(v2Status('Pending', 'Queuing')).toMatchObject({ category: 'waiting', label: 'queuing' });
    expect(v2Status('Running', 'Running').detail).toBeNull();
    expect(v2Status('Terminating')).toMatchObject({ category: 'running', terminal: false, label: 'stopping' });
    expect(v2Status('Terminated')).toMatchObject({ category: 'cancelled', terminal: true });
  });

  it('never throws on what the platform may add, and keeps the secondary phase out of the identity', () => {
    expect(v2Status('Hibernating')).toMatchObject({ key: 'Hibernating', category: 'unknown', terminal: false });
    expect(v2Status('')).toMatchObject({ key: 'Unknown', category: 'unknown' });
    expect(v2Status('running', 'Scaling').key).toBe('Running');
    expect(v2Status('Running', 'Scaling').key).toBe(v2Status('Running').key);
  });

  it('reads stored keys back to the same status', () => {
    for (const s of [v1Status(0), v1Status(10), v1Status(22), v2Status('Completed'), v2Status('Pending')]) {
      expect(statusFromKey(s.key)).toMatchObject({ api: s.api, key: s.key, category: s.category });
    }
    expect(V2_ACTIVE_PHASES).toEqual(['Creating', 'Pending', 'Running', 'Terminating']);
  });
});
