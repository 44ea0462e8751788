import { describe, expect, it } from 'vitest';
import {
  isTerminalTrainingStatus,
  PROCESSOR_TASK_STATUSES,
  parseStatusWord,
  processorTaskStatus,
  statusCodesForCategory,
  TRAINING_JOB_STATUSES,
  trainingJobStatus,
} from '../../src/modelarts/index.js';

describe('training job statuses', () => {
  it('covers 0–22 in order, with names from the docs', () => {
    expect(TRAINING_JOB_STATUSES.map((s) => s.code)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(trainingJobStatus(8)).toEqual({
      code: 8,
      name: 'JOBSTAT_RUNNING',
      label: 'running',
      emoji: '🔵',
      category: 'running',
      terminal: false,
    });
    expect(trainingJobStatus(11)).toMatchObject({
      name: 'JOBSTAT_FAILED',
      category: 'failed',
      emoji: '🔴',
      terminal: true,
    });
    expect(trainingJobStatus(10)).toMatchObject({ category: 'succeeded', emoji: '🟢', terminal: true });
    expect(trainingJobStatus(13)).toMatchObject({ category: 'cancelled', emoji: '⚪', terminal: true });
    expect(trainingJobStatus(7)).toMatchObject({ category: 'waiting', emoji: '🟡', terminal: false });
    expect(trainingJobStatus(22)).toMatchObject({ name: 'MOUNT_FAILED', category: 'failed' });
  });

  it('unknown codes render as "unknown (N)" and never throw', () => {
    for (const code of [23, 99, -1, 1.5, Number.NaN]) {
      const s = trainingJobStatus(code);
      expect(s).toMatchObject({ name: 'UNKNOWN', emoji: '❔', category: 'unknown', terminal: false });
    }
    expect(trainingJobStatus(99).label).toBe('unknown (99)');
    expect(trainingJobStatus(0)).toMatchObject({ name: 'JOBSTAT_UNKNOWN', category: 'unknown' });
  });

  it('every terminal category is terminal and no other is', () => {
    for (const s of TRAINING_JOB_STATUSES) {
      expect(s.terminal).toBe(['succeeded', 'failed', 'cancelled'].includes(s.category));
      expect(isTerminalTrainingStatus(s.code)).toBe(s.terminal);
    }
  });

  it('category code lists', () => {
    expect(statusCodesForCategory('failed')).toEqual([3, 5, 6, 11, 14, 16, 17, 21, 22]);
    expect(statusCodesForCategory('running')).toEqual([8, 9, 15, 19]);
    expect(statusCodesForCategory('waiting')).toEqual([1, 2, 4, 7, 18]);
    expect(statusCodesForCategory('succeeded')).toEqual([10, 20]);
    expect(statusCodesForCategory('cancelled')).toEqual([12, 13]);
  });
});

describe('parseStatusWord', () => {
  it.each([
    ['running', [8, 9, 15, 19]],
    ['Failed', [3, 5, 6, 11, 14, 16, 17, 21, 22]],
    ['completed', [10, 20]],
    ['succeeded', [10, 20]],
    ['canceled', [12, 13]],
    ['cancelled', [12, 13]],
    ['waiting', [1, 2, 4, 7, 18]],
    ['JOBSTAT_FAILED', [11]],
    ['jobstat_killed', [12]],
    ['killed', [12]],
    ['image-failed', [3]],
    ['mount_failed', [22]],
    ['11', [11]],
    [' 8 ', [8]],
  ])('%j → %j', (word, codes) => {
    expect(parseStatusWord(word)).toEqual(codes);
  });

  it.each(['', 'runing', 'JOBSTAT_NOPE', '-1', '1.5', '<script>'])('%j → null', (word) => {
    expect(parseStatusWord(word)).toBeNull();
  });
});

describe('processor task statuses', () => {
  it('0–4 and unknown', () => {
    expect(PROCESSOR_TASK_STATUSES.map((s) => s.category)).toEqual([
      'waiting',
      'running',
      'succeeded',
      'failed',
      'cancelled',
    ]);
    expect(processorTaskStatus(3)).toMatchObject({ label: 'failed', terminal: true, emoji: '🔴' });
    expect(processorTaskStatus(5)).toMatchObject({ label: 'unknown (5)', category: 'unknown' });
  });
});

describe('parseStatusWord with inherited property names', () => {
  it('does not mistake Object.prototype members for category words', () => {
    expect(parseStatusWord('constructor')).toBeNull();
    expect(parseStatusWord('toString')).toBeNull();
    expect(parseStatusWord('__proto__')).toBeNull();
  });
});
