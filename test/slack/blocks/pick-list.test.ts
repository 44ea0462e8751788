/** The pick list of `/modelarts job NAME` and `watch NAME`: candidates of both APIs with a button each. */
import { describe, expect, it } from 'vitest';
import { renderPickList } from '../../../src/slack/blocks/index.js';
import { asRun, CTX, docVersion, HOSTILE, V2_JOB, v2Run } from './fixtures.js';
import { compactText, expectSafe } from './helpers.js';

const values = (m: { blocks: unknown[] }) =>
  [...JSON.stringify(m.blocks).matchAll(/"value":"\{\\"c\\":\\"([^\\]+)\\"\}"/g)].map((x) => x[1]);

describe('pick list', () => {
  it('offers each candidate with a button that runs the command on its id (snapshot)', () => {
    const runs = [v2Run('Running'), asRun(docVersion)];
    const m = expectSafe(
      renderPickList({ name: 'bert', matches: runs, near: [], action: 'job', filterWord: null }, CTX),
    );
    expect(values(m)).toEqual([`job ${V2_JOB}`, 'job 10 10']);
    expect(compactText(m)).toMatchSnapshot();
    const watch = expectSafe(
      renderPickList({ name: 'bert', matches: runs, near: [], action: 'watch', filterWord: 'failed' }, CTX),
    );
    // A v1 job is watched whole (every version), like `watch JOB_ID`.
    expect(values(watch)).toEqual([`watch ${V2_JOB} failed`, 'watch 10 failed']);
  });

  it('shows near misses when nothing matched, caps the list and survives hostile names', () => {
    const many = Array.from({ length: 20 }, () => ({ ...v2Run('Failed'), name: HOSTILE }));
    const m = expectSafe(renderPickList({ name: 'x', matches: [], near: many, action: 'job', filterWord: null }, CTX));
    expect(compactText(m)).toContain('No training job is named `x`');
    expect(compactText(m)).toContain('12 more not shown');
    expect(JSON.stringify(m.blocks)).not.toContain('<!channel>');
  });
});
