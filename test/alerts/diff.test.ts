import { describe, expect, it } from 'vitest';
import { diffRunStates, indexStates, type ObservedRun, stateKey } from '../../src/alerts/diff.js';
import { refFromParts, runKey, statusFromKey } from '../../src/modelarts/index.js';
import type { RunState } from '../../src/store/types.js';

const T0 = new Date('2024-05-01T10:00:00Z');
const UUID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';

function state(jobId: string, versionId: string | null, status: number | string): RunState {
  return {
    projectId: 'p',
    jobId,
    versionId,
    status: String(status),
    jobName: `job-${jobId}`,
    versionName: 'V0001',
    updatedAt: T0,
  };
}

function seen(jobId: string, versionId: string | null, status: number | string): ObservedRun {
  const ref = refFromParts(jobId, versionId);
  if (!ref) throw new Error(`not a run: ${jobId}/${versionId}`);
  return {
    ref,
    status: statusFromKey(String(status)),
    createdAt: null,
    startedAt: null,
    endedAt: null,
    durationMs: null,
  };
}

type Row = [string, RunState[], ObservedRun[], Array<[string, string | null, string]>];

// [name, stored, observed, expected changes as [job/version, previous status or null, current status]]
const table: Row[] = [
  ['nothing stored, nothing seen', [], [], []],
  ['first sight of a version', [], [seen('1', '10', 8)], [['1/10', null, '8']]],
  ['unchanged status is no change', [state('1', '10', 8)], [seen('1', '10', 8)], []],
  ['running to completed', [state('1', '10', 8)], [seen('1', '10', 10)], [['1/10', '8', '10']]],
  ['running to failed', [state('1', '10', 8)], [seen('1', '10', 11)], [['1/10', '8', '11']]],
  ['a status that comes back is a change again', [state('1', '10', 15)], [seen('1', '10', 8)], [['1/10', '15', '8']]],
  ['stored but not observed (partial or vanished) is silent', [state('1', '10', 8)], [], []],
  [
    'mixed: one changed, one same, one new',
    [state('1', '10', 8), state('2', '20', 7)],
    [seen('1', '10', 8), seen('2', '20', 8), seen('3', '30', 1)],
    [
      ['2/20', '7', '8'],
      ['3/30', null, '1'],
    ],
  ],
  [
    'the same version id under another job is another version',
    [state('1', '10', 8)],
    [seen('2', '10', 8)],
    [['2/10', null, '8']],
  ],
  ['duplicate observations: the last wins', [state('1', '10', 8)], [seen('1', '10', 11), seen('1', '10', 8)], []],
  [
    'unknown status codes are compared like any other',
    [state('1', '10', 8)],
    [seen('1', '10', 99)],
    [['1/10', '8', '99']],
  ],
  ['terminal to another terminal status', [state('1', '10', 11)], [seen('1', '10', 14)], [['1/10', '11', '14']]],
  ['a v2 job: first sight', [], [seen(UUID, null, 'Running')], [[UUID, null, 'Running']]],
  [
    'a v2 job: phase change',
    [state(UUID, null, 'Running')],
    [seen(UUID, null, 'Failed')],
    [[UUID, 'Running', 'Failed']],
  ],
  [
    'a v2 job: the secondary phase is not part of the status',
    [state(UUID, null, 'Pending')],
    [{ ...seen(UUID, null, 'Pending'), status: { ...statusFromKey('Pending'), detail: 'Queuing' } }],
    [],
  ],
  [
    'v1 codes stored before the run model compare equal to the same code observed now',
    [state('1', '10', '8')],
    [seen('1', '10', 8)],
    [],
  ],
];

describe('diffRunStates', () => {
  it.each(table)('%s', (_name, stored, observed, expected) => {
    const changes = diffRunStates(stored, observed);
    expect(changes.map((c) => [runKey(c.current.ref), c.previous?.status ?? null, c.current.status.key])).toEqual(
      expected,
    );
  });

  it('accepts an index as well as a list, with the same answer', () => {
    for (const [, stored, observed] of table) {
      expect(diffRunStates(indexStates(stored), observed)).toEqual(diffRunStates(stored, observed));
    }
  });

  it('hands back the stored state it compared with (the card key needs its time)', () => {
    const prior = state('1', '10', 8);
    const [change] = diffRunStates([prior], [seen('1', '10', 10)]);
    expect(change?.previous).toBe(prior);
  });

  it('keys stored states exactly as runs are keyed', () => {
    for (const s of [state('1', '10', 8), state(UUID, null, 'Running')]) {
      const ref = refFromParts(s.jobId, s.versionId);
      expect(ref && runKey(ref)).toBe(stateKey(s));
    }
  });
});
