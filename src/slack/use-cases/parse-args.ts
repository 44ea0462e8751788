/**
 * The pieces of the `/modelarts` grammar every subcommand shares: the result types, tokens, ids, `page N` and the
 * words that name a job (and its version). parser.ts reads each subcommand with them.
 */
import type { WatchFilter, WatchTarget } from '../../store/types.js';
import {
  ALIASES,
  FILTER_WORDS,
  lookup,
  SUBCOMMANDS,
  type Subcommand,
  SYNONYMS,
  type TaskTypeWord,
  USAGE,
} from './vocabulary.js';

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
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Training job names as both consoles allow them: letters, digits, `-`, `_` (and `.` in old jobs), at most 64. */
const JOB_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
/** Dataset ids are short alphanumeric strings (e.g. `X6c3N3eztX7cr3Arvqu`). */
export const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const problem = (subcommand: Subcommand | null, text: string): ParseResult => ({
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

export function resolveSubcommand(word: string): Subcommand | null {
  const w = word.toLowerCase();
  if ((SUBCOMMANDS as readonly string[]).includes(w)) return w as Subcommand;
  return lookup(ALIASES, w) ?? null;
}

/** Takes a trailing `page N` off the arguments. */
export function takePage(
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
export function takeJobAndVersion(sub: Subcommand, args: string[], parseStatus: StatusWordParser): JobArg {
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
