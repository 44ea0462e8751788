import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStatusWord } from '../../../src/modelarts/statuses.js';
import {
  editDistance,
  type ParseResult,
  parseCommand,
  SUBCOMMANDS,
  suggestSubcommand,
  USAGE,
} from '../../../src/slack/use-cases/parser.js';

const parse = (text: string): ParseResult => parseCommand(text, parseStatusWord);
const command = (text: string) => {
  const r = parse(text);
  if (!r.ok) throw new Error(`expected ${text} to parse, got: ${r.error.problem}`);
  return r.command;
};
const failure = (text: string) => {
  const r = parse(text);
  if (r.ok) throw new Error(`expected ${text} to fail, got ${JSON.stringify(r.command)}`);
  return r.error;
};

describe('parseCommand', () => {
  it('treats empty text and help as help', () => {
    expect(command('')).toEqual({ kind: 'help', topic: null });
    expect(command('   ')).toEqual({ kind: 'help', topic: null });
    expect(command('help')).toEqual({ kind: 'help', topic: null });
    expect(command('HELP watch')).toEqual({ kind: 'help', topic: 'watch' });
    expect(command('help nonsense')).toEqual({ kind: 'help', topic: null });
    expect(command('help wtach')).toEqual({ kind: 'help', topic: 'watch' });
  });

  it('parses jobs with status words and a page', () => {
    expect(command('jobs')).toEqual({ kind: 'jobs', statuses: [], statusWords: [], page: 1 });
    const c = command('jobs running failed page 3');
    expect(c.kind).toBe('jobs');
    if (c.kind !== 'jobs') return;
    expect(c.page).toBe(3);
    expect(c.statusWords).toEqual(['running', 'failed']);
    const expected = [...new Set([...(parseStatusWord('running') ?? []), ...(parseStatusWord('failed') ?? [])])];
    expect(c.statuses).toEqual(expected.sort((a, b) => a - b));
    expect(command('jobs JOBSTAT_FAILED').kind).toBe('jobs');
    expect(command('jobs p2')).toMatchObject({ page: 2 });
  });

  it('rejects an unknown status and a bad page with the jobs usage', () => {
    const e = failure('jobs sleeping');
    expect(e.subcommand).toBe('jobs');
    expect(e.usage).toBe(USAGE.jobs);
    expect(e.problem).toContain('`sleeping`');
    expect(failure('jobs page').problem).toContain('needs a number');
    expect(failure('jobs page zero').problem).toContain('`zero`');
    expect(failure('jobs page 0').problem).toContain('Pages go from 1');
    expect(failure('jobs page 2 page 3').problem).toContain('only once');
  });

  it('parses job with and without a version', () => {
    expect(command('job 10')).toEqual({ kind: 'job', jobId: '10', versionId: null });
    expect(command('job 10 12')).toEqual({ kind: 'job', jobId: '10', versionId: '12' });
    expect(command('job #10 v12')).toEqual({ kind: 'job', jobId: '10', versionId: '12' });
    expect(command('job 10 version 12')).toEqual({ kind: 'job', jobId: '10', versionId: '12' });
    expect(command('show 10')).toEqual({ kind: 'job', jobId: '10', versionId: null });
  });

  it('reads a UUID as a v2 job and anything else name-like as a name or prefix', () => {
    const uuid = '6f1c2a3e-8b4d-4e5f-9a7b-1c2d3e4f5a6b';
    expect(command(`job ${uuid.toUpperCase()}`)).toEqual({ kind: 'job', jobId: uuid, versionId: null });
    expect(failure(`job ${uuid} 3`).problem).toContain('no versions');
    expect(command('job resnet50-ft')).toEqual({ kind: 'find', name: 'resnet50-ft', action: 'job', filter: 'default' });
    expect(command(`watch ${uuid} failed`)).toEqual({
      kind: 'watch',
      target: { kind: 'run', jobId: uuid, versionId: null },
      filter: 'failed',
    });
    expect(command('watch bert failed')).toEqual({ kind: 'find', name: 'bert', action: 'watch', filter: 'failed' });
    expect(failure('unwatch bert').problem).toContain('/modelarts watches');
    // Grammar words stay slips with a suggestion, never a job's name.
    expect(failure('job running').suggestion).toBe('jobs running');
  });

  it('explains bad job ids with the job usage', () => {
    for (const text of ['job', 'job a/b', 'job 10 xyz', 'job 10 11 12', 'job ../10', 'job 10%2F11', 'job 10 version']) {
      const e = failure(text);
      expect(e.subcommand).toBe('job');
      expect(e.usage).toBe(USAGE.job);
    }
  });

  it('parses configs with search and page', () => {
    expect(command('configs')).toEqual({ kind: 'configs', search: null, page: 1 });
    expect(command('configs resnet page 2')).toEqual({ kind: 'configs', search: 'resnet', page: 2 });
    expect(command('configs my config')).toEqual({ kind: 'configs', search: 'my config', page: 1 });
    expect(failure(`configs ${'x'.repeat(80)}`).subcommand).toBe('configs');
  });

  it('parses viz', () => {
    expect(command('viz 10')).toEqual({ kind: 'viz', jobId: '10', page: 1 });
    expect(command('viz')).toEqual({ kind: 'viz', jobId: null, page: 1 });
    expect(command('viz page 3')).toEqual({ kind: 'viz', jobId: null, page: 3 });
    expect(failure('viz 10 page 2').usage).toBe(USAGE.viz);
    expect(failure('viz ten').usage).toBe(USAGE.viz);
    expect(failure('viz 10 11').usage).toBe(USAGE.viz);
  });

  it('parses tasks in any combination', () => {
    expect(command('tasks')).toEqual({
      kind: 'tasks',
      datasetId: null,
      taskType: null,
      status: null,
      statusWord: null,
      page: 1,
    });
    expect(command('tasks X6c3N3eztX7cr3Arvqu analysis completed page 2')).toEqual({
      kind: 'tasks',
      datasetId: 'X6c3N3eztX7cr3Arvqu',
      taskType: 'analysis',
      status: 2,
      statusWord: 'completed',
      page: 2,
    });
    expect(command('tasks failed')).toMatchObject({ datasetId: null, status: 3 });
    expect(command('tasks cleaning')).toMatchObject({ datasetId: null, taskType: 'cleaning' });
    expect(failure('tasks ds1 bogus').usage).toBe(USAGE.tasks);
    expect(failure('tasks ds/1').usage).toBe(USAGE.tasks);
    expect(failure('tasks analysis cleaning').problem).toContain('one task type');
  });

  it('parses every watch form', () => {
    expect(command('watch 10 12')).toEqual({
      kind: 'watch',
      target: { kind: 'run', jobId: '10', versionId: '12' },
      filter: 'default',
    });
    expect(command('watch 10 12 failed')).toMatchObject({ filter: 'failed' });
    expect(command('watch 10')).toEqual({ kind: 'watch', target: { kind: 'job', jobId: '10' }, filter: 'default' });
    expect(command('watch 10 completed')).toEqual({
      kind: 'watch',
      target: { kind: 'job', jobId: '10' },
      filter: 'completed',
    });
    expect(command('watch 10 canceled')).toMatchObject({ filter: 'cancelled' });
    expect(command('watch 10 all')).toMatchObject({ filter: 'all' });
    expect(command('watch failures')).toEqual({ kind: 'watch', target: { kind: 'project' }, filter: 'default' });
    expect(failure('watch').usage).toBe(USAGE.watch);
    expect(failure('watch 10 12 sometimes').usage).toBe(USAGE.watch);
    expect(failure('watch 10 12 failed extra').usage).toBe(USAGE.watch);
    expect(failure('watch failures now').usage).toBe(USAGE.watch);
    expect(failure('watch a/b').usage).toBe(USAGE.watch);
  });

  it('parses unwatch and watches', () => {
    expect(command('unwatch 10 12')).toEqual({
      kind: 'unwatch',
      target: { kind: 'run', jobId: '10', versionId: '12' },
    });
    expect(command('unwatch 10')).toEqual({ kind: 'unwatch', target: { kind: 'job', jobId: '10' } });
    expect(command('unwatch failures')).toEqual({ kind: 'unwatch', target: { kind: 'project' } });
    expect(command('watches')).toEqual({ kind: 'watches' });
    expect(failure('watches 10').usage).toBe(USAGE.watches);
  });

  it('corrects a typo of a subcommand to the whole command', () => {
    expect(failure('jbos').suggestion).toBe('jobs');
    expect(failure('cnfigs').suggestion).toBe('configs');
    expect(failure('wathc 10').suggestion).toBe('watch 10');
    expect(failure('taks').suggestion).toBe('tasks');
    expect(failure('conf').suggestion).toBe('configs');
    expect(failure('jbo 10').suggestion).toBe('job 10');
    expect(failure('jbos running').suggestion).toBe('jobs running');
    const far = failure('deploy');
    expect(far.suggestion).toBeNull();
    expect(far.problem).toContain('`deploy`');
  });

  it('answers synonyms with the command they stand for', () => {
    const cases: Array<[string, string]> = [
      ['status 10', 'job 10'],
      ['status', 'jobs'],
      ['info 10 3', 'job 10 3'],
      ['get 10', 'job 10'],
      ['describe 10 v3', 'job 10 v3'],
      ['ls', 'jobs'],
      ['running', 'jobs running'],
      ['failed', 'jobs failed'],
      ['sub 10', 'watch 10'],
      ['follow 10 failed', 'watch 10 failed'],
      ['unsub failures', 'unwatch failures'],
      ['tb 5', 'viz 5'],
      ['analysis', 'tasks analysis'],
    ];
    for (const [typed, meant] of cases) expect([typed, failure(typed).suggestion]).toEqual([typed, meant]);
  });

  it('puts ids and filter words where the grammar wants them', () => {
    const cases: Array<[string, string]> = [
      ['10', 'job 10'],
      ['10 3', 'job 10 3'],
      ['10 watch', 'watch 10'],
      ['watch failed 10', 'watch 10 failed'],
      ['watch 10 all 3', 'watch 10 3 all'],
      ['watch job 10', 'watch 10'],
      ['job id 10', 'job 10'],
      ['job running', 'jobs running'],
      ['watches 10', 'watch 10'],
      ['watch list', 'watches'],
      ['jobs runing', 'jobs running'],
      ['watch 10 fail', 'watch 10 failed'],
      ['tasks analysis X6c3N3eztX7cr3Arvqu', 'tasks X6c3N3eztX7cr3Arvqu analysis'],
    ];
    for (const [typed, meant] of cases) expect([typed, failure(typed).suggestion]).toEqual([typed, meant]);
  });

  it('offers no fix where none is small, and never a listing for an id', () => {
    for (const text of ['job te/n', 'job 10 running', 'jobs page', 'deploy now', 'configs page x']) {
      expect([text, failure(text).suggestion]).toEqual([text, null]);
    }
  });

  it('does not resolve words through Object.prototype', () => {
    for (const text of [
      'constructor',
      '__proto__',
      'toString',
      'jobs constructor',
      'tasks ds1 constructor',
      'watch 1 toString',
    ]) {
      expect(parse(text).ok).toBe(false);
    }
  });

  it('quotes hostile tokens without breaking out of the code span', () => {
    const e = failure('job `<!channel>`');
    expect(e.problem).toBe('`<!channel>` is not a job id or name: ids are numbers or UUIDs.');
    expect(failure(`x${'y'.repeat(500)}`).problem.length).toBeLessThan(80);
  });
});

describe('levenshtein and suggestions', () => {
  it('measures edit distance', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('jobs', 'job')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    // A swap of two neighbours is one slip of the fingers.
    expect(editDistance('jbo', 'job')).toBe(1);
  });
  it('maps each subcommand to itself', () => {
    for (const s of SUBCOMMANDS) expect(suggestSubcommand(s)).toBe(s);
  });
});

describe('parseCommand properties', () => {
  const word = fc.oneof(
    fc.constantFrom(
      ...SUBCOMMANDS,
      'page',
      'failed',
      'running',
      'all',
      'version',
      'analysis',
      'failures',
      '10',
      '007',
      'v3',
      '<!channel>',
      '`',
      '../',
      '%2F',
    ),
    fc.string({ maxLength: 12 }),
    fc.nat().map(String),
  );
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.array(word, { maxLength: 8 }).map((ws) => ws.join(' ')),
    fc.string({ unit: 'grapheme', maxLength: 60 }),
  );

  it('answers every input and never throws', () => {
    fc.assert(
      fc.property(text, (t) => {
        const r = parse(t);
        if (r.ok) {
          expect(SUBCOMMANDS).toContain(r.command.kind === 'find' ? r.command.action : r.command.kind);
        } else {
          expect(r.error.problem.length).toBeGreaterThan(0);
          expect(r.error.problem.length).toBeLessThan(400);
          if (r.error.subcommand) expect(r.error.usage).toBe(USAGE[r.error.subcommand]);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('suggests only commands that parse, and never the text as typed', () => {
    fc.assert(
      fc.property(text, (t) => {
        const r = parse(t);
        if (r.ok || r.error.suggestion === null) return;
        expect(parse(r.error.suggestion).ok).toBe(true);
        expect(r.error.suggestion.toLowerCase()).not.toBe(t.trim().toLowerCase());
        expect(r.error.suggestion).not.toMatch(/[\r\n`]/);
        expect(r.error.suggestion.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts only decimal ids for jobs, versions and visualization jobs', () => {
    fc.assert(
      fc.property(text, (t) => {
        const r = parse(t);
        if (!r.ok) return;
        const c = r.command;
        if (c.kind === 'job' || (c.kind === 'viz' && c.jobId !== null)) expect(c.jobId).toMatch(/^\d+$/);
        if (c.kind === 'job' && c.versionId !== null) expect(c.versionId).toMatch(/^\d+$/);
        if ((c.kind === 'watch' || c.kind === 'unwatch') && c.target.kind !== 'project') {
          expect(c.target.jobId).toMatch(/^\d+$/);
        }
        if ('page' in c) expect(c.page).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('never echoes a backtick or newline from the user inside a problem quote', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (junk) => {
        const r = parse(`job ${junk.replace(/\s/g, '')}x`);
        if (r.ok) return;
        const quoted = /`([^`]*)`/.exec(r.error.problem)?.[1] ?? '';
        expect(quoted).not.toMatch(/[\r\n]/);
      }),
    );
  });
});
