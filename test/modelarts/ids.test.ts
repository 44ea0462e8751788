import { afterEach, describe, expect, it } from 'vitest';
import { InvalidIdError, validateId } from '../../src/modelarts/index.js';
import { type Harness, harness, v1 } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.api.close();
  await h?.agent.close();
  h = undefined;
});

const HOSTILE = [
  '../',
  '../11',
  '10/../11',
  '%2F',
  '10%2F11',
  '１２',
  '٣',
  '10\u200b',
  ' 10',
  '10 ',
  '',
  '1e3',
  '0x1f',
  '-1',
  '+1',
  '1.5',
  '10?x=1',
  '10#',
  'abc',
];

describe('ids are validated before any request', () => {
  it.each(HOSTILE)('job id %j → InvalidIdError, zero requests', async (bad) => {
    h = harness();
    await expect(h.api.getTrainingJobVersion(bad, 1)).rejects.toBeInstanceOf(InvalidIdError);
    await expect(h.api.getTrainingJobVersion(1, bad)).rejects.toBeInstanceOf(InvalidIdError);
    await expect(h.api.listTrainingJobVersions(bad)).rejects.toBeInstanceOf(InvalidIdError);
    await expect(h.api.getVisualizationJob(bad)).rejects.toBeInstanceOf(InvalidIdError);
    await expect(h.api.getLogFileNames(bad, 1)).rejects.toBeInstanceOf(InvalidIdError);
    await expect(h.api.getAomLog(1, bad, { log_file: 'f' })).rejects.toBeInstanceOf(InvalidIdError);
    expect(h.calls()).toHaveLength(0);
  });

  it.each(['../x', 'a%2Fb', 'a/b', 'tâche', 'abc-def', ''])(
    'task id %j → InvalidIdError, zero requests',
    async (bad) => {
      h = harness();
      await expect(h.api.getProcessorTask(bad)).rejects.toBeInstanceOf(InvalidIdError);
      await expect(h.api.listProcessorTasks({ source_type: 'TASK', source: bad })).rejects.toBeInstanceOf(
        InvalidIdError,
      );
      expect(h.calls()).toHaveLength(0);
    },
  );

  it('dataset, dataset version and workspace ids follow their alphabets', async () => {
    h = harness();
    await expect(h.api.listProcessorTasks({ source_type: 'DATASET', source: 'a/b' })).rejects.toBeInstanceOf(
      InvalidIdError,
    );
    await expect(h.api.listProcessorTasks({ version_id: ['ok', 'x%2Cy'] })).rejects.toBeInstanceOf(InvalidIdError);
    await expect(h.api.listTrainingJobs({ workspace_id: '../0' })).rejects.toBeInstanceOf(InvalidIdError);
    await expect(h.api.listJobVersionStatuses({ workspace_id: 'a b' })).rejects.toBeInstanceOf(InvalidIdError);
    await expect(h.api.listVisualizationJobs({ workspace_id: 'é' })).rejects.toBeInstanceOf(InvalidIdError);
    expect(h.calls()).toHaveLength(0);
  });

  it('numbers must be safe non-negative integers', async () => {
    h = harness();
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      await expect(h.api.getTrainingJobVersion(bad, 1)).rejects.toBeInstanceOf(InvalidIdError);
    }
    expect(h.calls()).toHaveLength(0);
  });

  it('the error shows the input quoted and says what is expected, for the Slack layer', () => {
    const err = (() => {
      try {
        validateId('job_id', '../etc/passwd');
      } catch (e) {
        return e as InvalidIdError;
      }
      throw new Error('expected a throw');
    })();
    expect(err.userMessage).toBe('"../etc/passwd" is not a training job id (digits only)');
    expect(err.kind).toBe('job_id');
  });

  it('valid ids pass, leading zeros are normalised, and a UUID dataset id is accepted', () => {
    expect(validateId('job_id', '0010')).toBe('10');
    expect(validateId('job_id', 0)).toBe('0');
    expect(validateId('task_id', 'ddwRJeTnjpiq4dNUZOq')).toBe('ddwRJeTnjpiq4dNUZOq');
    expect(validateId('dataset_id', '38277e62-9e59-48f4-8d89-c8cf41622c24')).toBe(
      '38277e62-9e59-48f4-8d89-c8cf41622c24',
    );
    expect(validateId('workspace_id', '0')).toBe('0');
  });
});

describe('encoding on the wire', () => {
  it('query values are percent-encoded with %20 for spaces and %2C for commas', async () => {
    h = harness();
    h.pool
      .intercept({ path: (p) => p.startsWith(v1('/training-jobs?')), method: 'GET' })
      .reply(200, '{"is_success":true,"jobs":[]}');
    await h.api.listTrainingJobs({ search_content: 'a b,c/d+e&f=g' });
    expect(h.calls()[0]?.fullUrl).toBe(
      `https://modelarts.test.example${v1('/training-jobs')}?search_content=a%20b%2Cc%2Fd%2Be%26f%3Dg`,
    );
  });
});

describe('v2 ids', () => {
  const ID = '3faf5c03-aaa1-4cbe-879d-24b05d997347';
  it('a job id is a lowercase 36-character UUID; a pasted upper-case one is lowered', () => {
    expect(validateId('training_job_id', ID)).toBe(ID);
    expect(validateId('training_job_id', ID.toUpperCase())).toBe(ID);
  });

  it.each([
    ...HOSTILE,
    `${ID}/`,
    `{${ID}}`,
    ID.replace(/-/g, ''),
    ID.replace('a', 'Ａ'),
    ID.replace('a', 'g'),
    `${ID} `,
    '10',
  ])('refuses the job id %j', (bad) => {
    expect(() => validateId('training_job_id', bad)).toThrow(InvalidIdError);
  });

  it.each(['worker-0', 'worker-7', 'worker-12345'])('takes the task id %j', (task) => {
    expect(validateId('training_task_id', task)).toBe(task);
  });

  it.each([...HOSTILE, 'worker-01', 'Worker-0', 'worker-', 'worker--1', 'worker-123456', 'worker-0 ', 'ps-0'])(
    'refuses the task id %j',
    (bad) => {
      expect(() => validateId('training_task_id', bad)).toThrow(InvalidIdError);
    },
  );
});
