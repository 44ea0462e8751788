import { describe, expect, it } from 'vitest';
import { diffVersionStates, indexStates, type ObservedVersion } from '../../src/alerts/diff.js';
import type { VersionState } from '../../src/store/types.js';

const T0 = new Date('2024-05-01T10:00:00Z');

function state(jobId: string, versionId: string, status: number): VersionState {
  return { projectId: 'p', jobId, versionId, status, jobName: `job-${jobId}`, versionName: 'V0001', updatedAt: T0 };
}

function seen(jobId: string, versionId: string, status: number, extra: Partial<ObservedVersion> = {}): ObservedVersion {
  return {
    jobId,
    versionId,
    status,
    jobName: `job-${jobId}`,
    versionName: 'V0001',
    createTime: null,
    startTime: null,
    endTime: null,
    durationMs: null,
    flavor: null,
    gpuNum: null,
    ...extra,
  };
}

type Row = [string, VersionState[], ObservedVersion[], Array<[string, number | null, number]>];

// [name, stored, observed, expected changes as [job/version, previous status or null, current status]]
const table: Row[] = [
  ['nothing stored, nothing seen', [], [], []],
  ['first sight of a version', [], [seen('1', '10', 8)], [['1/10', null, 8]]],
  ['unchanged status is no change', [state('1', '10', 8)], [seen('1', '10', 8)], []],
  ['running to completed', [state('1', '10', 8)], [seen('1', '10', 10)], [['1/10', 8, 10]]],
  ['running to failed', [state('1', '10', 8)], [seen('1', '10', 11)], [['1/10', 8, 11]]],
  ['a status that comes back is a change again', [state('1', '10', 15)], [seen('1', '10', 8)], [['1/10', 15, 8]]],
  ['stored but not observed (partial or vanished) is silent', [state('1', '10', 8)], [], []],
  [
    'mixed: one changed, one same, one new',
    [state('1', '10', 8), state('2', '20', 7)],
    [seen('1', '10', 8), seen('2', '20', 8), seen('3', '30', 1)],
    [
      ['2/20', 7, 8],
      ['3/30', null, 1],
    ],
  ],
  [
    'the same version id under another job is another version',
    [state('1', '10', 8)],
    [seen('2', '10', 8)],
    [['2/10', null, 8]],
  ],
  ['duplicate observations: the last wins', [state('1', '10', 8)], [seen('1', '10', 11), seen('1', '10', 8)], []],
  ['unknown status codes are compared like any other', [state('1', '10', 8)], [seen('1', '10', 99)], [['1/10', 8, 99]]],
  ['terminal to another terminal status', [state('1', '10', 11)], [seen('1', '10', 14)], [['1/10', 11, 14]]],
];

describe('diffVersionStates', () => {
  it.each(table)('%s', (_name, stored, observed, expected) => {
    const changes = diffVersionStates(stored, observed);
    expect(
      changes.map((c) => [`${c.current.jobId}/${c.current.versionId}`, c.previous?.status ?? null, c.current.status]),
    ).toEqual(expected);
  });

  it('accepts an index as well as a list, with the same answer', () => {
    for (const [, stored, observed] of table) {
      expect(diffVersionStates(indexStates(stored), observed)).toEqual(diffVersionStates(stored, observed));
    }
  });

  it('hands back the stored state it compared with (the card key needs its time)', () => {
    const prior = state('1', '10', 8);
    const [change] = diffVersionStates([prior], [seen('1', '10', 10)]);
    expect(change?.previous).toBe(prior);
  });
});
