/**
 * The `/modelarts` grammar. Pure: text in, a typed command or a typed problem out. Every input yields one of the
 * two (the property tests hold it to that), so the listener always has something to answer. The shared pieces
 * (result types, ids, `page N`, naming a job) are in parse-args.ts.
 */
import type { WatchFilter, WatchTarget } from '../../store/types.js';
import { MAX_SUGGESTION_LENGTH, suggestCorrection, suggestSubcommand } from './near-miss.js';
import {
  DATASET_ID,
  type ParseResult,
  problem,
  quoteToken,
  resolveSubcommand,
  type StatusWordParser,
  takeJobAndVersion,
  takePage,
  tokenize,
  UUID,
} from './parse-args.js';
import { FILTER_WORDS, lookup, TASK_STATUS_WORDS, TASK_TYPES, type TaskTypeWord, USAGE } from './vocabulary.js';

export { editDistance, suggestSubcommand } from './near-miss.js';
export {
  type ParsedCommand,
  type ParseProblem,
  type ParseResult,
  quoteToken,
  type StatusWordParser,
  tokenize,
} from './parse-args.js';
export { SUBCOMMANDS, type Subcommand, TASK_TYPES, type TaskTypeWord, USAGE } from './vocabulary.js';

function parseJobs(args: string[], parseStatus: StatusWordParser): ParseResult {
  const paged = takePage('jobs', args);
  if (!paged.ok) return paged.result;
  const codes = new Set<number>();
  const words: string[] = [];
  for (const token of paged.rest) {
    const parsed = parseStatus(token);
    if (!parsed || parsed.length === 0) {
      return problem(
        'jobs',
        `${quoteToken(token)} is not a status. Use running, waiting, failed, completed, cancelled or a status name.`,
      );
    }
    for (const c of parsed) codes.add(c);
    words.push(token.toLowerCase());
  }
  return {
    ok: true,
    command: { kind: 'jobs', statuses: [...codes].sort((a, b) => a - b), statusWords: words, page: paged.page },
  };
}

function parseJob(args: string[], parseStatus: StatusWordParser): ParseResult {
  const parsed = takeJobAndVersion('job', args, parseStatus);
  if (!parsed.ok) return parsed.result;
  if (parsed.name !== null) {
    const extra = parsed.rest[0];
    if (extra !== undefined) return problem('job', `Unexpected ${quoteToken(extra)} after the job name.`);
    return { ok: true, command: { kind: 'find', name: parsed.name, action: 'job', filter: 'default' } };
  }
  if (parsed.rest.length > 0) {
    const extra = parsed.rest[0] ?? '';
    return problem(
      'job',
      parsed.versionId === null
        ? isV2Id(parsed.jobId)
          ? `Unexpected ${quoteToken(extra)} after the job id: jobs of the new training API have no versions.`
          : `${quoteToken(extra)} is not a version id: version ids are numbers.`
        : `Unexpected ${quoteToken(extra)} after the version id.`,
    );
  }
  return { ok: true, command: { kind: 'job', jobId: parsed.jobId, versionId: parsed.versionId } };
}

function parseConfigs(args: string[]): ParseResult {
  const paged = takePage('configs', args);
  if (!paged.ok) return paged.result;
  const search = paged.rest.join(' ').trim();
  if (search.length > 64) return problem('configs', 'The search text is limited to 64 characters.');
  return { ok: true, command: { kind: 'configs', search: search.length > 0 ? search : null, page: paged.page } };
}

function parseViz(args: string[]): ParseResult {
  const paged = takePage('viz', args);
  if (!paged.ok) return paged.result;
  const [id, ...rest] = paged.rest;
  if (id === undefined) return { ok: true, command: { kind: 'viz', jobId: null, page: paged.page } };
  const jobId = /^#?(\d{1,19})$/.exec(id)?.[1];
  if (!jobId) return problem('viz', `${quoteToken(id)} is not a visualization job id: those are numbers.`);
  if (rest.length > 0) return problem('viz', `Unexpected ${quoteToken(rest[0] ?? '')} after the job id.`);
  if (paged.page !== 1) return problem('viz', '`page` goes with the list (`/modelarts viz page 2`), not with one job.');
  return { ok: true, command: { kind: 'viz', jobId, page: 1 } };
}

function parseTaskStatus(token: string): number | null {
  const lower = token.toLowerCase();
  if (/^[0-4]$/.test(lower)) return Number(lower);
  return lookup(TASK_STATUS_WORDS, lower) ?? null;
}

function parseTasks(args: string[]): ParseResult {
  const paged = takePage('tasks', args);
  if (!paged.ok) return paged.result;
  let datasetId: string | null = null;
  let taskType: TaskTypeWord | null = null;
  let status: number | null = null;
  let statusWord: string | null = null;
  for (const [index, token] of paged.rest.entries()) {
    const lower = token.toLowerCase();
    if (Object.hasOwn(TASK_TYPES, lower)) {
      if (taskType) return problem('tasks', 'Give one task type at most.');
      taskType = lower as TaskTypeWord;
      continue;
    }
    const s = parseTaskStatus(token);
    if (s !== null) {
      if (status !== null) return problem('tasks', 'Give one status at most.');
      status = s;
      statusWord = lower;
      continue;
    }
    if (index === 0 && DATASET_ID.test(token)) {
      datasetId = token;
      continue;
    }
    return problem(
      'tasks',
      index === 0
        ? `${quoteToken(token)} is not a dataset id, task type or status.`
        : `${quoteToken(token)} is not a task type (analysis, cleaning, augmentation, validation, selection) or status (running, completed, failed, stopped).`,
    );
  }
  return { ok: true, command: { kind: 'tasks', datasetId, taskType, status, statusWord, page: paged.page } };
}

function isV2Id(id: string): boolean {
  return UUID.test(id);
}

function parseWatchTarget(
  sub: 'watch' | 'unwatch',
  args: string[],
  parseStatus: StatusWordParser,
):
  | { ok: true; target: WatchTarget; filter: WatchFilter }
  | { ok: true; name: string; filter: WatchFilter }
  | { ok: false; result: ParseResult } {
  const first = args[0];
  if (first === undefined) {
    return { ok: false, result: problem(sub, 'What should I watch? Give a JOB_ID, or `failures`.') };
  }
  if (/^(?:failures|failed|project)$/i.test(first)) {
    if (args.length > 1) {
      return {
        ok: false,
        result: problem(sub, `\`${sub} failures\` takes nothing more (it alerts on every failed training job).`),
      };
    }
    return { ok: true, target: { kind: 'project' }, filter: 'default' };
  }
  const parsed = takeJobAndVersion(sub, args, parseStatus);
  if (!parsed.ok) return parsed;
  let filter: WatchFilter = 'default';
  const [filterWord, ...extra] = parsed.rest;
  if (filterWord !== undefined) {
    const f = lookup(FILTER_WORDS, filterWord.toLowerCase());
    if (!f) {
      return {
        ok: false,
        result: problem(
          sub,
          parsed.versionId === null && /^\w+$/.test(filterWord) && !/^\d+$/.test(filterWord)
            ? `${quoteToken(filterWord)} is not a filter: use failed, completed, cancelled or all.`
            : `${quoteToken(filterWord)} is not a version id or a filter (failed, completed, cancelled, all).`,
        ),
      };
    }
    filter = f;
  }
  if (extra.length > 0) {
    return { ok: false, result: problem(sub, `Unexpected ${quoteToken(extra[0] ?? '')} after the filter.`) };
  }
  if (parsed.name !== null) return { ok: true, name: parsed.name, filter };
  // A v2 job runs once: watching it is watching that run (RunRef parts: the UUID, no version).
  const target: WatchTarget = isV2Id(parsed.jobId)
    ? { kind: 'run', jobId: parsed.jobId, versionId: null }
    : parsed.versionId === null
      ? { kind: 'job', jobId: parsed.jobId }
      : { kind: 'run', jobId: parsed.jobId, versionId: parsed.versionId };
  return { ok: true, target, filter };
}

/** Parses the text after `/modelarts`. Never throws. A near miss comes back with its corrected command. */
export function parseCommand(text: string, parseStatus: StatusWordParser): ParseResult {
  try {
    const tokens = tokenize(text.slice(0, 2000));
    const result = parseTokens(tokens, parseStatus);
    if (result.ok) return result;
    const suggestion = suggestCorrection(tokens, {
      isStatusWord: (word) => (parseStatus(word)?.length ?? 0) > 0,
      parses: (candidate) => parseTokens([...candidate], parseStatus).ok,
    });
    if (suggestion === null || suggestion.length > MAX_SUGGESTION_LENGTH) return result;
    return { ok: false, error: { ...result.error, suggestion } };
  } catch {
    // The grammar is total; this only guards against a misbehaving status parser.
    return problem(null, 'I could not read that command.');
  }
}

function parseTokens(tokens: string[], parseStatus: StatusWordParser): ParseResult {
  const [head, ...args] = tokens;
  if (head === undefined) return { ok: true, command: { kind: 'help', topic: null } };
  const sub = resolveSubcommand(head);
  if (!sub) {
    const near = suggestSubcommand(head);
    return {
      ok: false,
      error: {
        subcommand: null,
        problem: `I don’t know ${quoteToken(head)}.`,
        usage: near ? USAGE[near] : null,
        suggestion: null,
      },
    };
  }
  switch (sub) {
    case 'help': {
      const topicWord = args[0];
      // A topic is only a pointer into the help: a typo of one is as good as the word.
      const topic = topicWord ? (resolveSubcommand(topicWord) ?? suggestSubcommand(topicWord)) : null;
      return { ok: true, command: { kind: 'help', topic } };
    }
    case 'jobs':
      return parseJobs(args, parseStatus);
    case 'job':
      return parseJob(args, parseStatus);
    case 'configs':
      return parseConfigs(args);
    case 'viz':
      return parseViz(args);
    case 'tasks':
      return parseTasks(args);
    case 'watch': {
      const parsed = parseWatchTarget('watch', args, parseStatus);
      if (!parsed.ok) return parsed.result;
      if ('name' in parsed) {
        return { ok: true, command: { kind: 'find', name: parsed.name, action: 'watch', filter: parsed.filter } };
      }
      return { ok: true, command: { kind: 'watch', target: parsed.target, filter: parsed.filter } };
    }
    case 'unwatch': {
      const parsed = parseWatchTarget('unwatch', args, parseStatus);
      if (!parsed.ok) return parsed.result;
      if ('name' in parsed) {
        return problem(
          'unwatch',
          `Give the job’s id to stop a watch: \`/modelarts watches\` lists them with their ids.`,
        );
      }
      return { ok: true, command: { kind: 'unwatch', target: parsed.target } };
    }
    case 'watches':
      if (args.length > 0) return problem('watches', '`watches` takes no arguments.');
      return { ok: true, command: { kind: 'watches' } };
  }
}

/** The log label of a parsed command (never the raw text, which may hold anything). */
export function subcommandOf(result: ParseResult): string {
  if (result.ok) return result.command.kind === 'find' ? result.command.action : result.command.kind;
  return result.error.subcommand ?? 'unknown';
}
