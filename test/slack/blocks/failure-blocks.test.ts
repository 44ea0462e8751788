import { describe, expect, it } from 'vitest';
import type { JobAlert } from '../../../src/alerts/index.js';
import { emptyRun, type JobRun, type RunFailure, v1Status } from '../../../src/modelarts/index.js';
import {
  canWatch,
  checkLimits,
  hasLogs,
  logsButton,
  reasonLine,
  reasonText,
  renderFloodSummary,
  renderLogsModal,
} from '../../../src/slack/blocks/index.js';

const failed: JobRun = {
  ...emptyRun({ api: 'v1', jobId: '10', versionId: '12' }, v1Status(11)),
  name: 'resnet50',
  startedAt: Date.UTC(2026, 0, 1),
  failure: {
    reason: 'RuntimeError: CUDA out of memory. `rm -rf` <@U123> *bold*',
    source: 'log',
    exitCode: 1,
    task: 'worker-0',
    excerpt: ['Traceback (most recent call last):', 'RuntimeError: CUDA out of memory.'],
  },
};

describe('failure parts', () => {
  it('shows the reason as escaped code with the exit code and task, once each', () => {
    const line = reasonLine(failed) ?? '';
    expect(line.startsWith('*Why:* `RuntimeError: CUDA out of memory.')).toBe(true);
    expect(line).toContain('&lt;@U123&gt;');
    expect(line).not.toContain('<@U123>');
    expect(line).toContain(' · exit code 1 · worker-0');
    expect(reasonText({ ...failed.failure!, reason: 'task worker-0 exited with code 1' })).toBe(
      '`task worker-0 exited with code 1`',
    );
  });

  it('shows a status sentence as words, and nothing for a run that did not fail', () => {
    const image = emptyRun({ api: 'v1', jobId: '1', versionId: '2' }, v1Status(3));
    expect(reasonLine(image)).toBe('*Why:* The image build failed: the job never started');
    expect(reasonLine({ ...failed, status: v1Status(10) })).toBeNull();
    expect(reasonLine({ ...failed, failure: null })).toBeNull();
  });

  it('offers Logs on ended runs that ran and Watch only while a run can change', () => {
    expect(logsButton(failed)?.action_id).toBe('job_logs');
    expect(hasLogs({ ...failed, status: v1Status(3) })).toBe(false);
    expect(hasLogs({ ...failed, status: v1Status(8) })).toBe(false);
    expect(canWatch(failed)).toBe(false);
    expect(canWatch({ status: v1Status(8) })).toBe(true);
  });
});

describe('logs modal', () => {
  it('fits 300 long hostile lines into the modal, newest kept, with the OBS log location', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `${i} ${'&<>`*'.repeat(100)}`);
    const view = renderLogsModal({ run: { ...failed, logLocation: 'obs://bucket/logs/' }, lines });
    expect(checkLimits(view)).toEqual([]);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('299 ');
    expect(text).toContain('obs://bucket/logs/');
    expect(text).toContain('*Why:*');
  });

  it('says when there are no lines, or why they could not be read', () => {
    expect(JSON.stringify(renderLogsModal({ run: failed, lines: null }).blocks)).toContain('no log lines yet');
    const err = renderLogsModal({ run: failed, lines: null, error: 'ModelArts did not answer in time.' });
    expect(JSON.stringify(err.blocks)).toContain('did not answer in time');
  });
});

describe('flood summary', () => {
  const alertOf = (i: number, reason: string): JobAlert => ({
    projectId: 'p1',
    run: { ...failed, name: `run-${i}`, failure: { ...(failed.failure as RunFailure), reason } },
    previousStatus: null,
    logTail: null,
    creatorUserId: null,
    watchId: 1,
    event: 'terminal',
  });

  it('names the newest runs first with their reasons, counts the rest and the common reasons', () => {
    const alerts = Array.from({ length: 20 }, (_, i) => alertOf(i + 1, i % 2 ? 'CUDA out of memory' : `E${i}`));
    const m = renderFloodSummary(alerts, { now: new Date(), timeZone: 'UTC', projectId: 'p1' });
    expect(checkLimits(m)).toEqual([]);
    const text = JSON.stringify(m.blocks);
    expect(text).toContain('*20 runs failed* in project p1');
    expect(text.indexOf('*run-20*')).toBeLessThan(text.indexOf('*run-19*'));
    expect(text).not.toContain('*run-8*');
    expect(text).toContain('… and 8 more');
    expect(text).toContain('Most common: `CUDA out of memory` ×10');
    expect(m.text).toMatch(/^🔴 20 runs failed in project p1: run-20/);
  });
});
