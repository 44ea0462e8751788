import { describe, expect, it } from 'vitest';
import type { ObservedRun, RunChange } from '../../src/alerts/diff.js';
import { endedAfterWatch, FIRST_SIGHT_MARGIN_MS, filterMatches, planAlerts } from '../../src/alerts/plan.js';
import { refFromParts, refParts, statusFromKey, v1Status } from '../../src/modelarts/index.js';
import type { RunState, Watch, WatchFilter, WatchTarget } from '../../src/store/types.js';

const UUID = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';

const WATCH_AT = Date.parse('2024-05-01T10:00:00Z');
const HOUR = 3_600_000;
let nextId = 1;

function watch(target: WatchTarget, extra: Partial<Watch> = {}): Watch {
  return {
    id: nextId++,
    teamId: 'T1',
    channelId: 'C1',
    projectId: 'p',
    creatorUserId: 'U1',
    target,
    filter: 'default',
    createdAt: new Date(WATCH_AT),
    endedAt: null,
    disabledAt: null,
    disabledReason: null,
    lastStatus: null,
    ...extra,
  };
}

function change(
  jobId: string,
  versionId: string | null,
  from: number | string | null,
  to: number | string,
  times: Partial<Omit<ObservedRun, 'ref' | 'status'>> = {},
): RunChange {
  const ref = refFromParts(jobId, versionId);
  if (!ref) throw new Error('not a run');
  const previous: RunState | null =
    from === null
      ? null
      : {
          projectId: 'p',
          jobId,
          versionId,
          status: String(from),
          jobName: null,
          versionName: null,
          updatedAt: new Date(0),
        };
  return {
    previous,
    current: {
      ref,
      status: statusFromKey(String(to)),
      createdAt: null,
      startedAt: null,
      endedAt: null,
      durationMs: null,
      ...times,
    },
  };
}

const kinds = (intents: ReturnType<typeof planAlerts>) =>
  intents.map(
    (i) =>
      `${i.kind}@${i.watch.channelId}#${i.watch.id}:${refParts(i.change.current.ref).versionId ?? i.change.current.ref.jobId}`,
  );

describe('filterMatches', () => {
  const table: Array<[WatchFilter, WatchTarget['kind'], number, boolean]> = [
    ['default', 'run', 10, true],
    ['default', 'run', 11, true],
    ['default', 'run', 13, true],
    ['default', 'job', 12, true],
    ['default', 'project', 11, true],
    ['default', 'project', 3, true],
    ['default', 'project', 10, false],
    ['default', 'project', 13, false],
    ['failed', 'run', 10, false],
    ['failed', 'run', 22, true],
    ['completed', 'job', 10, true],
    ['completed', 'job', 11, false],
    ['cancelled', 'job', 12, true],
    ['cancelled', 'job', 13, true],
    ['all', 'project', 10, true],
    ['all', 'run', 8, false],
    ['all', 'run', 99, false],
  ];
  it.each(table)('%s on a %s watch, status %i → %s', (filter, kind, status, expected) => {
    const target: WatchTarget =
      kind === 'project' ? { kind } : kind === 'job' ? { kind, jobId: '1' } : { kind, jobId: '1', versionId: '2' };
    expect(filterMatches({ filter, target }, v1Status(status))).toBe(expected);
  });
});

describe('endedAfterWatch', () => {
  const v = (t: Partial<Omit<ObservedRun, 'ref' | 'status'>>) => change('1', '2', null, 11, t).current;
  it('compares the end time with the watch, with a margin for clock skew', () => {
    const w = watch({ kind: 'project' });
    expect(endedAfterWatch(w, v({ endedAt: WATCH_AT + 1 }), false, FIRST_SIGHT_MARGIN_MS)).toBe(true);
    expect(endedAfterWatch(w, v({ endedAt: WATCH_AT - 60_000 }), false, FIRST_SIGHT_MARGIN_MS)).toBe(true);
    expect(endedAfterWatch(w, v({ endedAt: WATCH_AT - HOUR }), false, FIRST_SIGHT_MARGIN_MS)).toBe(false);
    expect(endedAfterWatch(w, v({ startedAt: WATCH_AT - HOUR, durationMs: 2 * HOUR }), false, 0)).toBe(true);
  });
  it('without any time: run watches report, project watches stay quiet, job watches report the newest', () => {
    expect(endedAfterWatch(watch({ kind: 'run', jobId: '1', versionId: '2' }), v({}), false, 0)).toBe(true);
    expect(endedAfterWatch(watch({ kind: 'project' }), v({}), true, 0)).toBe(false);
    expect(endedAfterWatch(watch({ kind: 'job', jobId: '1' }), v({}), true, 0)).toBe(true);
    expect(endedAfterWatch(watch({ kind: 'job', jobId: '1' }), v({}), false, 0)).toBe(false);
    expect(endedAfterWatch(watch({ kind: 'project' }), v({ createdAt: WATCH_AT + 5 }), false, 0)).toBe(true);
  });
});

describe('planAlerts', () => {
  it('run watch: a card on every change, a thread reply on the terminal one', () => {
    const w = watch({ kind: 'run', jobId: '1', versionId: '2' });
    const latest = new Map([['1', '2']]);
    expect(kinds(planAlerts({ changes: [change('1', '2', 7, 8)], watches: [w], latestVersionByJob: latest }))).toEqual([
      `card@C1#${w.id}:2`,
    ]);
    expect(kinds(planAlerts({ changes: [change('1', '2', 8, 10)], watches: [w], latestVersionByJob: latest }))).toEqual(
      [`card@C1#${w.id}:2`, `terminal_reply@C1#${w.id}:2`],
    );
  });

  it('the filter selects thread replies, never cards', () => {
    const w = watch({ kind: 'run', jobId: '1', versionId: '2' }, { filter: 'failed' });
    expect(
      kinds(planAlerts({ changes: [change('1', '2', 8, 10)], watches: [w], latestVersionByJob: new Map() })),
    ).toEqual([`card@C1#${w.id}:2`]);
  });

  it('versions a watch does not cover are ignored', () => {
    const w = watch({ kind: 'run', jobId: '1', versionId: '2' });
    const j = watch({ kind: 'job', jobId: '5' });
    expect(planAlerts({ changes: [change('1', '3', 8, 11)], watches: [w, j], latestVersionByJob: new Map() })).toEqual(
      [],
    );
  });

  it('first sight: a version finished long before the version watch began gets its card but no reply', () => {
    const w = watch({ kind: 'run', jobId: '1', versionId: '2' });
    const old = change('1', '2', null, 10, { endedAt: WATCH_AT - HOUR });
    expect(kinds(planAlerts({ changes: [old], watches: [w], latestVersionByJob: new Map() }))).toEqual([
      `card@C1#${w.id}:2`,
    ]);
    const fresh = change('1', '2', null, 10, { endedAt: WATCH_AT + 1000 });
    expect(kinds(planAlerts({ changes: [fresh], watches: [w], latestVersionByJob: new Map() }))).toEqual([
      `card@C1#${w.id}:2`,
      `terminal_reply@C1#${w.id}:2`,
    ]);
  });

  it('job watch first sight: history stays quiet, the newest, running and new versions get cards', () => {
    const w = watch({ kind: 'job', jobId: '1' });
    const latest = new Map([['1', '4']]);
    const changes = [
      change('1', '1', null, 10, { createdAt: WATCH_AT - 10 * HOUR, endedAt: WATCH_AT - 9 * HOUR }),
      change('1', '2', null, 8, { createdAt: WATCH_AT - 8 * HOUR }),
      change('1', '3', null, 11, { createdAt: WATCH_AT - 7 * HOUR, endedAt: WATCH_AT + 1000 }),
      change('1', '4', null, 7, { createdAt: WATCH_AT - HOUR }),
      change('1', '5', null, 1, { createdAt: WATCH_AT + HOUR }),
    ];
    expect(kinds(planAlerts({ changes, watches: [w], latestVersionByJob: latest }))).toEqual([
      `card@C1#${w.id}:2`,
      `card@C1#${w.id}:3`,
      `terminal_reply@C1#${w.id}:3`,
      `card@C1#${w.id}:4`,
      `card@C1#${w.id}:5`,
    ]);
  });

  it('project watch: failures only by default, none for history, no cards', () => {
    const w = watch({ kind: 'project' });
    const changes = [
      change('1', '1', 8, 11, { endedAt: WATCH_AT + HOUR }),
      change('2', '2', 8, 10, { endedAt: WATCH_AT + HOUR }),
      change('3', '3', null, 11, { endedAt: WATCH_AT - 24 * HOUR }),
      change('4', '4', null, 5, { endedAt: WATCH_AT + HOUR }),
      change('5', '5', 7, 8),
    ];
    expect(kinds(planAlerts({ changes, watches: [w], latestVersionByJob: new Map() }))).toEqual([
      `project_failure@C1#${w.id}:1`,
      `project_failure@C1#${w.id}:4`,
    ]);
  });

  it('one intent per channel and kind; the oldest watch speaks; other channels get their own', () => {
    const older = watch({ kind: 'run', jobId: '1', versionId: '2' }, { createdAt: new Date(WATCH_AT - HOUR) });
    const newer = watch({ kind: 'job', jobId: '1' }, { filter: 'all' });
    const elsewhere = watch({ kind: 'job', jobId: '1' }, { channelId: 'C2' });
    const project = watch({ kind: 'project' });
    const projectElsewhere = watch({ kind: 'project' }, { channelId: 'C3' });
    const intents = planAlerts({
      changes: [change('1', '2', 8, 11, { endedAt: WATCH_AT + HOUR })],
      watches: [newer, project, elsewhere, projectElsewhere, older],
      latestVersionByJob: new Map([['1', '2']]),
    });
    expect(kinds(intents)).toEqual([
      `card@C1#${older.id}:2`,
      `terminal_reply@C1#${older.id}:2`,
      `card@C2#${elsewhere.id}:2`,
      `terminal_reply@C2#${elsewhere.id}:2`,
      // C1's project watch defers to the thread reply already going to C1.
      `project_failure@C3#${projectElsewhere.id}:2`,
    ]);
  });

  it('a v2 job: a run watch covers it by its UUID; job watches (v1 jobs) never do', () => {
    const run = watch({ kind: 'run', jobId: UUID, versionId: null });
    const v1Job = watch({ kind: 'job', jobId: UUID });
    const other = watch({ kind: 'run', jobId: '1', versionId: '2' });
    const intents = planAlerts({
      changes: [change(UUID, null, 'Running', 'Failed', { endedAt: WATCH_AT + HOUR })],
      watches: [run, v1Job, other],
      latestVersionByJob: new Map(),
    });
    expect(kinds(intents)).toEqual([`card@C1#${run.id}:${UUID}`, `terminal_reply@C1#${run.id}:${UUID}`]);
  });

  it('a v2 job: project watches hear about its failure like any other run', () => {
    const w = watch({ kind: 'project' });
    const changes = [
      change(UUID, null, 'Running', 'Abnormal', { endedAt: WATCH_AT + HOUR }),
      change('6f1c2a3e-0000-4e5f-9a7b-1c2d3e4f5a6b', null, 'Running', 'Completed', { endedAt: WATCH_AT + HOUR }),
    ];
    expect(kinds(planAlerts({ changes, watches: [w], latestVersionByJob: new Map() }))).toEqual([
      `project_failure@C1#${w.id}:${UUID}`,
    ]);
  });

  it('an observed transition is never history: a job seen waiting that failed before it started is reported', () => {
    const w = watch({ kind: 'project' });
    // Queued for three days, failed without running: the only times it has are three days old.
    const queued = () => change(UUID, null, 'Pending', 'Failed', { createdAt: WATCH_AT - 72 * HOUR });
    // The stored state was confirmed by a poll after the watch began: the failure happened while it listened.
    expect(
      kinds(planAlerts({ changes: [queued()], watches: [w], latestVersionByJob: new Map(), observedAt: WATCH_AT + 1 })),
    ).toEqual([`project_failure@C1#${w.id}:${UUID}`]);
    // Confirmed only before the watch began (or unknown): the run's own times decide, and they say history.
    for (const observedAt of [WATCH_AT - 1, null]) {
      expect(planAlerts({ changes: [queued()], watches: [w], latestVersionByJob: new Map(), observedAt })).toEqual([]);
    }
    // A first sight is judged by its times whatever the poll history.
    const first = change(UUID, null, null, 'Failed', { createdAt: WATCH_AT - 72 * HOUR });
    expect(
      planAlerts({ changes: [first], watches: [w], latestVersionByJob: new Map(), observedAt: WATCH_AT + 1 }),
    ).toEqual([]);
  });
});
