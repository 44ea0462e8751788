import { describe, expect, it } from 'vitest';
import { type JobAlert, parseJobAlert, runSnapshot } from '../../src/alerts/job-alert.js';
import { cardEvent, dedupeKey, factsFromRun, jobAlert, terminalReplyRow } from '../../src/alerts/rows.js';
import { emptyRun, runFromV1Version, v1Status, v2Status } from '../../src/modelarts/index.js';
import { TrainingJobVersionSchema } from '../../src/modelarts/resources/training-jobs.js';
import type { Watch } from '../../src/store/types.js';
import { fixture } from '../modelarts/helpers.js';

const UUID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';
const detail = runFromV1Version(TrainingJobVersionSchema.parse(JSON.parse(fixture('version-detail.json'))));

const watch: Watch = {
  id: 4,
  teamId: 'T1',
  channelId: 'C1',
  projectId: 'p1',
  creatorUserId: 'U1',
  target: { kind: 'run', jobId: '10', versionId: '10' },
  filter: 'default',
  createdAt: new Date(0),
  endedAt: null,
  disabledAt: null,
  disabledReason: null,
  lastStatus: null,
};

/** What the outbox stores and hands back: JSON text. */
const stored = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('alert payloads', () => {
  it('round-trip a run snapshot through JSON, without usage series and console link', () => {
    const alert = jobAlert(
      factsFromRun('p1', { ...detail, consoleUrl: 'https://x.example' }, { previousStatus: '8', logTail: ['boom'] }),
      watch,
      'terminal',
    );
    expect(alert.run.usage).toBeNull();
    expect(alert.run.consoleUrl).toBeNull();
    const back = parseJobAlert(stored(alert));
    expect(back).toEqual(alert);
    expect(back?.run).toEqual(runSnapshot(detail));
  });

  it('rebuild a v2 status from its key and keep its secondary phase', () => {
    const run = { ...emptyRun({ api: 'v2', jobId: UUID }, v2Status('Abnormal', 'CreateFailed')), name: 'bert' };
    const back = parseJobAlert(stored(jobAlert(factsFromRun('p1', run), null, 'terminal')));
    expect(back?.run.ref).toEqual({ api: 'v2', jobId: UUID });
    expect(back?.run.status).toEqual(v2Status('Abnormal', 'CreateFailed'));
  });

  it('are lenient per field and strict on what names the run', () => {
    const good = stored(jobAlert(factsFromRun('p1', detail), watch, 'status')) as Record<string, unknown>;
    const run = good.run as Record<string, unknown>;
    const sloppy = parseJobAlert({
      ...good,
      watchId: 'four',
      run: {
        ...run,
        name: 42,
        resources: 'lots',
        parameters: [{ name: 1 }],
        modelMetrics: { total: { accuracy: 'x' } },
      },
    });
    expect(sloppy).toMatchObject({
      watchId: null,
      run: { name: null, parameters: [], modelMetrics: { total: {}, classes: [] } },
    });
    expect(sloppy?.run.resources.accelerators).toBeNull();
    for (const broken of [
      { ...good, run: { ...run, ref: { api: 'v1', jobId: '10' } } },
      { ...good, run: { ...run, ref: { api: 'v2', jobId: '10' } } },
      { ...good, run: { ...run, ref: { api: 'v1', jobId: UUID, versionId: '3' } } },
      { ...good, run: { ...run, status: {} } },
      { ...good, event: 'other' },
      null,
      'text',
    ]) {
      expect(parseJobAlert(broken)).toBeNull();
    }
  });

  it('read rows queued before the run model (the old v1 payload) into the same shape', () => {
    const legacy = {
      projectId: 'p1',
      jobId: '10',
      versionId: '12',
      jobName: 'resnet50',
      versionName: 'V0003',
      status: 11,
      previousStatus: 8,
      createTime: 1_563_172_000_000,
      startTime: 1_563_172_362_000,
      durationMs: 7_440_000,
      engine: 'TensorFlow TF-1.4.0-python2.7',
      flavor: 'modelarts.p3.8xlarge',
      gpuNum: 8,
      metrics: { total: { accuracy: 0.5 }, classes: [] },
      logTail: ['RuntimeError: CUDA out of memory'],
      creatorUserId: 'U1',
      watchId: 4,
      event: 'terminal',
    };
    const alert = parseJobAlert(legacy) as JobAlert;
    expect(alert).toMatchObject({
      projectId: 'p1',
      previousStatus: '8',
      logTail: ['RuntimeError: CUDA out of memory'],
      creatorUserId: 'U1',
      watchId: 4,
      event: 'terminal',
    });
    expect(alert.run).toMatchObject({
      ref: { api: 'v1', jobId: '10', versionId: '12' },
      status: v1Status(11),
      name: 'resnet50',
      versionName: 'V0003',
      createdAt: 1_563_172_000_000,
      startedAt: 1_563_172_362_000,
      durationMs: 7_440_000,
      engine: 'TensorFlow 1.4.0 python2.7',
      modelMetrics: { total: { accuracy: 0.5 }, classes: [] },
    });
    expect(alert.run.resources).toMatchObject({
      flavor: 'modelarts.p3.8xlarge',
      accelerators: { kind: 'GPU', count: 8, type: null },
    });
    expect(parseJobAlert({ ...legacy, gpuNum: 0, engine: null })?.run).toMatchObject({
      engine: null,
      resources: { accelerators: null },
    });
    expect(parseJobAlert({ ...legacy, jobId: 'x' })).toBeNull();
  });
});

describe('dedupe keys', () => {
  it('keep the format of the v1-only build for job versions, so an upgrade queues nothing twice', () => {
    expect(terminalReplyRow(watch, factsFromRun('p1', { ...detail, status: v1Status(11) }), new Date()).dedupeKey).toBe(
      'v1|T1|C1|10|10|terminal:11',
    );
    expect(cardEvent('10', { status: '8', updatedAt: new Date(1_700_000_000_000) })).toBe(
      'card:10:from:8@1700000000000',
    );
  });

  it('name a v2 job by its UUID with an empty version part', () => {
    const run = emptyRun({ api: 'v2', jobId: UUID }, v2Status('Failed'));
    const row = terminalReplyRow(
      { ...watch, target: { kind: 'run', jobId: UUID, versionId: null } },
      factsFromRun('p1', run),
      new Date(),
    );
    expect(row.dedupeKey).toBe(`v1|T1|C1|${UUID}||terminal:Failed`);
    expect(row.dedupeKey).toBe(
      dedupeKey({ teamId: 'T1', channelId: 'C1', jobId: UUID, versionId: '', event: 'terminal:Failed' }),
    );
    expect([row.jobId, row.versionId]).toEqual([UUID, null]);
  });
});
