/**
 * The `/modelarts` grammar. Pure: text in, a typed command or a typed problem out. Every input yields one of the
 * two (the property tests hold it to that), so the listener always has something to answer.
 */
import type { WatchFilter, WatchTarget } from '../../store/types.js';
import { MAX_SUGGESTION_LENGTH, suggestCorrection, suggestSubcommand } from './near-miss.js';
import {
  ALIASES,
  FILTER_WORDS,
  lookup,
  SUBCOMMANDS,
  type Subcommand,
  SYNONYMS,
  TASK_STATUS_WORDS,
  TASK_TYPES,
  type TaskTypeWord,
  USAGE,
} from './vocabulary.js';

export { editDistance, suggestSubcommand } from './near-miss.js';
export { SUBCOMMANDS, type Subcommand, TASK_TYPES, type TaskTypeWord, USAGE } from './vocabulary.js';

/** Training job statuses are resolved by the caller's table (statuses.ts), so the parser stays independent of it. */
export type StatusWordParser = (word: string) => number[] | null;

export type ParsedCommand =
  | { kind: 'help'; topic: Subcommand | null }
  | { kind: 'jobs'; statuses: number[]; statusWords: string[]; page: number }
  | { kind: 'job'; jobId: string; versionId: string | null }
  | { kind: 'configs'; search: string | null; page: number }
  | { kind: 'viz'; jobId: string | null; page: number }
  | {
      kind: 'tasks';
      datasetId: string | null;
      taskType: TaskTypeWord | null;
      status: number | null;
      statusWord: string | null;
      page: number;
    }
  | { kind: 'watch'; target: WatchTarget; filter: WatchFilter }
  | { kind: 'unwatch'; target: WatchTarget }
  | { kind: 'watches' }
  /** A job named by name (or a prefix of it): resolved against both training APIs, then shown or watched. */
  | { kind: 'find'; name: string; action: 'job' | 'watch'; filter: WatchFilter };

export interface ParseProblem {
  /** The subcommand the problem belongs to (null: none recognised). */
  subcommand: Subcommand | null;
  /** One sentence in plain words; may quote the user's token in backticks. */
  problem: string;
  /** The relevant usage line, when there is one. */
  usage: string | null;
  /** The corrected command (the text after `/modelarts`) for a near miss, which parses as it is. */
  suggestion: string | null;
}

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; error: ParseProblem };

const MAX_PAGE = 10_000;
/** Decimal ids as ModelArts issues them; 19 digits is the int64 ceiling. */
const NUMERIC_ID = /^\d{1,19}$/;
/** v2 job ids: UUIDs (typed in any case; ModelArts issues them in lower case). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Training job names as both consoles allow them: letters, digits, `-`, `_` (and `.` in old jobs), at most 64. */
const JOB_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
/** Dataset ids are short alphanumeric strings (e.g. `X6c3N3eztX7cr3Arvqu`). */
const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const problem = (subcommand: Subcommand | null, text: string): ParseResult => ({
  ok: false,
  error: { subcommand, problem: text, usage: subcommand ? USAGE[subcommand] : null, suggestion: null },
});

/** Shows a user's token back inside backticks without letting it break out of the code span. */
export function quoteToken(token: string): string {
  const clean = token.replace(/[`\r\n]/g, '').slice(0, 40);
  return `\`${clean}${token.length > 40 ? '…' : ''}\``;
}

/** Splits on any whitespace, including the non-breaking spaces that pasted text brings along. */
export function tokenize(text: string): string[] {
  return text
    .replace(/[\u00a0\u2000-\u200b\u3000]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0);
}

function resolveSubcommand(word: string): Subcommand | null {
  const w = word.toLowerCase();
  if ((SUBCOMMANDS as readonly string[]).includes(w)) return w as Subcommand;
  return lookup(ALIASES, w) ?? null;
}

/** Takes a trailing `page N` off the arguments. */
function takePage(
  sub: Subcommand,
  args: string[],
): { ok: true; page: number; rest: string[] } | { ok: false; result: ParseResult } {
  const rest: string[] = [];
  let page = 1;
  let seen = false;
  for (let i = 0; i < args.length; i++) {
    const token = args[i] ?? '';
    const lower = token.toLowerCase();
    const glued = /^(?:page|p)(\d+)$/.exec(lower);
    if (lower === 'page' || glued) {
      const raw = glued ? glued[1] : args[i + 1];
      if (!glued) i++;
      if (seen) return { ok: false, result: problem(sub, 'Give `page` only once.') };
      if (raw === undefined || !/^\d{1,6}$/.test(raw)) {
        return {
          ok: false,
          result: problem(
            sub,
            raw === undefined ? '`page` needs a number.' : `${quoteToken(raw)} is not a page number.`,
          ),
        };
      }
      const n = Number(raw);
      if (n < 1 || n > MAX_PAGE) return { ok: false, result: problem(sub, `Pages go from 1 to ${MAX_PAGE}.`) };
      page = n;
      seen = true;
      continue;
    }
    rest.push(token);
  }
  return { ok: true, page, rest };
}

function isVersionKeyword(token: string): boolean {
  return /^(?:version|ver|v)$/i.test(token);
}

/** Accepts `7`, `v7`, `V0007` style version tokens. */
function versionToken(token: string): string | null {
  const m = /^(?:v(?:ersion)?)?(\d{1,19})$/i.exec(token);
  return m ? (m[1] ?? null) : null;
}

/** Words that mean something to the grammar (`running`, `list`, `id`): read as a slip, never as a job's name. */
const GRAMMAR_WORDS = new Set(['id', 'list', 'version', 'ver', 'page', 'project', 'all', 'latest']);

function isCommandWord(token: string, parseStatus: StatusWordParser): boolean {
  const w = token.toLowerCase();
  return (
    GRAMMAR_WORDS.has(w) ||
    resolveSubcommand(w) !== null ||
    lookup(SYNONYMS, w) !== undefined ||
    lookup(FILTER_WORDS, w) !== undefined ||
    (parseStatus(w)?.length ?? 0) > 0
  );
}

type JobArg =
  | { ok: true; jobId: string; versionId: string | null; name: null; rest: string[] }
  | { ok: true; jobId: null; versionId: null; name: string; rest: string[] }
  | { ok: false; result: ParseResult };

/**
 * Parses what names a job and returns what is left: `JOB_ID [VERSION_ID]` (digits, with an optional `version`
 * keyword: a v1 job), a UUID (a v2 job, which has no versions), or anything else that can be a job name.
 */
function takeJobAndVersion(sub: Subcommand, args: string[], parseStatus: StatusWordParser): JobArg {
  const [first, ...after] = args;
  if (first === undefined) return { ok: false, result: problem(sub, 'Which job? Give its id or its name.') };
  if (UUID.test(first)) {
    const next = after[0];
    if (next !== undefined && (isVersionKeyword(next) || /^\d{1,19}$/.test(next))) {
      return {
        ok: false,
        result: problem(sub, `${quoteToken(first)} is a job of the new training API: those have no versions.`),
      };
    }
    return { ok: true, jobId: first.toLowerCase(), versionId: null, name: null, rest: after };
  }
  const jobId = /^#?(\d{1,19})$/.exec(first)?.[1];
  if (!jobId) {
    // Number-like tokens (`0x10`, `1e3`, 20 digits) are ids gone wrong, not names: say so rather than search.
    if (JOB_NAME.test(first) && !isCommandWord(first, parseStatus) && !Number.isFinite(Number(first))) {
      return { ok: true, jobId: null, versionId: null, name: first, rest: after };
    }
    return {
      ok: false,
      result: problem(sub, `${quoteToken(first)} is not a job id or name: ids are numbers or UUIDs.`),
    };
  }
  let rest = after;
  if (rest[0] !== undefined && isVersionKeyword(rest[0])) {
    const v = rest[1];
    if (v === undefined || !NUMERIC_ID.test(v)) {
      return {
        ok: false,
        result: problem(
          sub,
          v === undefined ? '`version` needs a VERSION_ID.' : `${quoteToken(v)} is not a version id.`,
        ),
      };
    }
    return { ok: true, jobId, versionId: v, name: null, rest: rest.slice(2) };
  }
  const versionId = rest[0] !== undefined ? versionToken(rest[0]) : null;
  if (versionId) rest = rest.slice(1);
  return { ok: true, jobId, versionId, name: null, rest };
}

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
