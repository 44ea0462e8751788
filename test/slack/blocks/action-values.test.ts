import { describe, expect, it } from 'vitest';
import {
  configsPageValue,
  jobRefValue,
  jobsPageValue,
  linkActionId,
  OPEN_LINK_ACTION,
  type ShareValue,
  shareValue,
  tasksPageValue,
  unwatchValue,
} from '../../../src/slack/blocks/action-values.js';
import { actionMatcher, suffixedActionId } from '../../../src/slack/blocks/kit.js';
import { ACTION } from '../../../src/slack/ids.js';

describe('action values', () => {
  it('encode compactly and round-trip', () => {
    // A v1 job version as buttons always carried it: values on messages posted before runs still decode.
    expect(jobRefValue.encode({ api: 'v1', jobId: '10', versionId: '10' })).toBe('{"j":10,"v":10}');
    expect(jobRefValue.decode('{"j":10,"v":10}')).toEqual({ api: 'v1', jobId: '10', versionId: '10' });
    expect(jobRefValue.decode('{"j":"10","v":"10"}')).toEqual({ api: 'v1', jobId: '10', versionId: '10' });
    // 19-digit ids stay exact strings.
    const big = { api: 'v1', jobId: '9223372036854775807', versionId: '1' } as const;
    expect(jobRefValue.decode(jobRefValue.encode(big))).toEqual(big);
    // A v2 job: its UUID.
    const v2 = { api: 'v2', jobId: '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b' } as const;
    expect(jobRefValue.encode(v2)).toBe('{"j":"6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b"}');
    expect(jobRefValue.decode(jobRefValue.encode(v2))).toEqual(v2);
    expect(jobsPageValue.encode({ page: 2, statusFilter: ['running'] })).toBe('{"p":2,"s":["running"]}');
    expect(jobsPageValue.decode('{"p":2}')).toEqual({ page: 2, statusFilter: [] });
    expect(configsPageValue.decode(configsPageValue.encode({ page: 3, search: 'mnist' }))).toEqual({
      page: 3,
      search: 'mnist',
    });
    expect(
      tasksPageValue.decode(
        tasksPageValue.encode({
          page: 1,
          filters: { datasetId: 'X6c3N3eztX7cr3Arvqu', taskType: 'analysis', status: 2 },
        }),
      ),
    ).toEqual({ page: 1, filters: { datasetId: 'X6c3N3eztX7cr3Arvqu', taskType: 'analysis', status: 2 } });
    expect(unwatchValue.decode(unwatchValue.encode({ watchId: 42 }))).toEqual({ watchId: 42 });
  });

  it('share values name what to render again', () => {
    const values: ShareValue[] = [
      { kind: 'job', ref: { api: 'v1', jobId: '10', versionId: '10' } },
      { kind: 'job', ref: { api: 'v2', jobId: '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b' } },
      { kind: 'viz', jobId: '197' },
      { kind: 'jobs', page: 2, statusFilter: ['failed'] },
      { kind: 'configs', page: 1, search: null },
      { kind: 'tasks', page: 4, filters: { datasetId: null, taskType: 'cleaning', status: null } },
    ];
    for (const v of values) {
      expect(shareValue.decode(shareValue.encode(v))).toEqual(v);
    }
  });

  it('reject stale, forged or malformed values', () => {
    for (const raw of [
      undefined,
      '',
      'not json',
      '{"j":"10"}',
      '{"j":"x","v":"1"}',
      '{"j":-1,"v":1}',
      '{"j":1.5,"v":1}',
      '{"j":1,"v":1,"extra":true}',
      '{"j":"6F1C2A3E-8B4D-4E5F-9A7B-1C2D3E4F5A6B"}',
      '{"j":"6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b","v":1}',
      '{"__proto__":{"j":1}}',
      'x'.repeat(2001),
    ]) {
      expect(jobRefValue.decode(raw)).toBeNull();
    }
    expect(jobsPageValue.decode('{"p":0}')).toBeNull();
    expect(jobsPageValue.decode('{"p":1,"s":[""]}')).toBeNull();
    expect(tasksPageValue.decode('{"p":1,"d":"../etc"}')).toBeNull();
    expect(unwatchValue.decode('{"w":0}')).toBeNull();
    expect(shareValue.decode('{"k":"nope","j":1}')).toBeNull();
    expect(shareValue.decode('{"k":"job","j":1}')).toBeNull();
    expect(shareValue.decode('{"k":"job","j":1,"v":2}')).toEqual({
      kind: 'job',
      ref: { api: 'v1', jobId: '1', versionId: '2' },
    });
  });

  it('stay within the value limit whatever the input', () => {
    const words = Array.from({ length: 1000 }, (_, i) => `JOBSTAT_${'X'.repeat(30)}${i}`);
    const v = jobsPageValue.encode({ page: 1, statusFilter: words });
    expect(v.length).toBeLessThanOrEqual(2000);
    expect(jobsPageValue.decode(v)?.statusFilter).toEqual(words.slice(0, 20));
    // Words the grammar cannot produce are not carried.
    expect(jobsPageValue.encode({ page: 1, statusFilter: ['<!channel>', 'x'.repeat(41), 'failed'] })).toBe(
      '{"p":1,"s":["failed"]}',
    );
    const s = configsPageValue.encode({ page: 1, search: '😀'.repeat(5000) });
    expect(s.length).toBeLessThanOrEqual(2000);
    expect(configsPageValue.decode(s)).not.toBeNull();
    const t = tasksPageValue.encode({
      page: 1,
      filters: { datasetId: '<!channel>', taskType: 'x'.repeat(500), status: 1e9 },
    });
    expect(tasksPageValue.decode(t)).toEqual({ page: 1, filters: { datasetId: null, taskType: null, status: null } });
  });

  it('action ids for several buttons of one kind in one block', () => {
    expect(linkActionId('tensorboard')).toBe('open_link:tensorboard');
    expect(OPEN_LINK_ACTION.test('open_link:console')).toBe(true);
    expect(OPEN_LINK_ACTION.test(ACTION.openLink)).toBe(true);
    expect(OPEN_LINK_ACTION.test('open_linkx')).toBe(false);
    const m = actionMatcher(ACTION.jobsPage);
    expect(m.test(suffixedActionId(ACTION.jobsPage, 'next'))).toBe(true);
    expect(m.test(ACTION.jobsPage)).toBe(true);
    expect(m.test('jobs_pages')).toBe(false);
  });
});
