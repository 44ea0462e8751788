/**
 * Near misses: a command that does not parse but is a small edit away from one that does (a typo, a synonym, the
 * id before the subcommand, a filter word in the wrong place). The fix is found by trying a few bounded edits and
 * keeping the first that the grammar accepts, so a suggestion is always a command that runs.
 */
import {
  ALIASES,
  FILTER_WORDS,
  lookup,
  SUBCOMMANDS,
  type Subcommand,
  SYNONYMS,
  TASK_STATUS_WORDS,
  TASK_TYPES,
} from './vocabulary.js';

/** Edits (insert, delete, substitute, swap two neighbours) between two words: `jbo` is one edit from `job`. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] ?? 0) + 1);
      current[j] = d;
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? Math.max(a.length, b.length);
}

/** Words within a typo's reach (distance ≤ 2, and less than half the word), closest first. */
function within<T extends string>(word: string, candidates: readonly T[]): T[] {
  const w = word.toLowerCase().slice(0, 40);
  const near = candidates
    .map((c) => ({ c, d: editDistance(w, c) }))
    .filter(({ c, d }) => d <= 2 && d < Math.max(2, c.length / 2 + 0.5))
    .sort((x, y) => x.d - y.d)
    .map(({ c }) => c);
  if (near.length > 0) return near;
  // A prefix such as `conf` or `watc` is also a clear intent.
  const prefixed = candidates.filter((s) => w.length >= 3 && s.startsWith(w));
  return prefixed.length === 1 ? prefixed : [];
}

/** The closest subcommand within a typo's reach, or null. */
export function suggestSubcommand(word: string): Subcommand | null {
  return within(word, SUBCOMMANDS)[0] ?? null;
}

/** Words that only make sense as arguments; a typo of one is corrected to it. */
const ARGUMENT_WORDS = [
  ...new Set([
    'running',
    'waiting',
    'failed',
    'completed',
    'cancelled',
    'page',
    'version',
    ...Object.keys(FILTER_WORDS),
    ...Object.keys(TASK_TYPES),
    ...Object.keys(TASK_STATUS_WORDS),
  ]),
];

/** Words people put around an id ("watch job 10", "job id 10") that the grammar does without. */
const FILLER = new Set(['id', 'job', 'jobs', 'number', 'no', 'for', 'of', 'the', 'on', 'in', 'please', 'list', '#']);

/** Subcommands people mix up with each other; tried when the one typed does not fit its arguments. */
const NEIGHBOURS: Partial<Record<Subcommand, readonly Subcommand[]>> = {
  job: ['jobs', 'viz'],
  jobs: ['job'],
  watch: ['watches', 'unwatch'],
  watches: ['watch'],
  unwatch: ['watch'],
  viz: ['job'],
};

const ID = /^#?\d{1,19}$/;
const VERSION_ID = /^v\d{1,19}$/i;
/** Suggestions are for short commands; a long text gets its problem and usage line. */
const MAX_TOKENS = 8;
const MAX_TOKEN_LENGTH = 64;
export const MAX_SUGGESTION_LENGTH = 200;

export interface NearMissVocabulary {
  /** Whether a word is a training job status the `jobs` filter accepts. */
  isStatusWord(word: string): boolean;
  /** Whether the tokens (subcommand first) parse as they are. */
  parses(tokens: readonly string[]): boolean;
}

function resolveHead(word: string): Subcommand | null {
  const w = word.toLowerCase();
  if ((SUBCOMMANDS as readonly string[]).includes(w)) return w as Subcommand;
  return lookup(ALIASES, w) ?? null;
}

interface Candidate {
  sub: Subcommand;
  args: readonly string[];
}

/** Where the words could be heading: the subcommand to try and the arguments it would get, most likely first. */
function headCandidates(tokens: readonly string[], vocab: NearMissVocabulary): Candidate[] {
  const [head = '', ...args] = tokens;
  const lower = head.toLowerCase();
  const out: Candidate[] = [];
  const add = (sub: Subcommand, rest: readonly string[], typed = false) => {
    // `job 10 running` is not `jobs 10 running` (status 10): a listing is suggested without ids.
    if (sub === 'jobs' && !typed && rest.some((t) => ID.test(t))) return;
    out.push({ sub, args: rest });
  };
  const withNeighbours = (sub: Subcommand, rest: readonly string[], typed = false) => {
    add(sub, rest, typed);
    for (const n of NEIGHBOURS[sub] ?? []) add(n, rest);
  };
  const known = resolveHead(head);
  if (known) {
    withNeighbours(known, args, true);
    return out;
  }
  const synonym = lookup(SYNONYMS, lower);
  if (synonym) {
    // `analysis` → `tasks analysis`: the word may be an argument of the command it stands for.
    add(synonym, tokens);
    withNeighbours(synonym, args);
  }
  for (const typo of within(head, SUBCOMMANDS)) withNeighbours(typo, args);
  if (ID.test(head)) {
    // `10 watch` → `watch 10`; a bare `10` → `job 10`.
    const subOf = (t: string) => resolveHead(t) ?? lookup(SYNONYMS, t.toLowerCase()) ?? suggestSubcommand(t);
    const at = args.findIndex((t) => subOf(t) !== null);
    const sub = at >= 0 ? subOf(args[at] ?? '') : null;
    if (sub) withNeighbours(sub, [head, ...args.filter((_, i) => i !== at)]);
    add('job', tokens);
  }
  if (Object.hasOwn(TASK_TYPES, lower)) add('tasks', tokens);
  if (vocab.isStatusWord(head) && !ID.test(head)) add('jobs', tokens);
  if (/^(?:page|p\d+)$/.test(lower)) add('jobs', tokens);
  return out;
}

function dropFiller(args: readonly string[]): string[] {
  return args.filter((t) => !FILLER.has(t.toLowerCase()));
}

function fixTypos(args: readonly string[], vocab: NearMissVocabulary): string[] {
  return args.map((t) => {
    const lower = t.toLowerCase();
    if (t.length < 3 || ID.test(t) || ARGUMENT_WORDS.includes(lower) || vocab.isStatusWord(t)) return t;
    return within(lower, ARGUMENT_WORDS)[0] ?? t;
  });
}

/**
 * Ids first, words after: `watch failed 10` → `watch 10 failed`. For `tasks` the dataset id is the word that is
 * neither a type nor a status. The number after `page` stays with it.
 */
function idsFirst(sub: Subcommand, args: readonly string[]): string[] {
  const isId = (t: string, i: number) => {
    if ((args[i - 1] ?? '').toLowerCase() === 'page') return false;
    if (sub !== 'tasks') return ID.test(t) || VERSION_ID.test(t);
    const lower = t.toLowerCase();
    return !Object.hasOwn(TASK_TYPES, lower) && !Object.hasOwn(TASK_STATUS_WORDS, lower) && lower !== 'page';
  };
  const ids = args.filter((t, i) => isId(t, i));
  if (sub === 'tasks' && ids.length !== 1) return [...args];
  return [...ids, ...args.filter((t, i) => !isId(t, i))];
}

function argVariants(sub: Subcommand, args: readonly string[], vocab: NearMissVocabulary): string[][] {
  const dropped = dropFiller(args);
  const fixed = fixTypos(dropped, vocab);
  return [[...args], dropped, fixed, idsFirst(sub, args), idsFirst(sub, fixed)];
}

/**
 * The corrected command (text after `/modelarts`) for tokens that do not parse, or null when no small edit makes
 * them parse.
 */
export function suggestCorrection(tokens: readonly string[], vocab: NearMissVocabulary): string | null {
  // Backticks and control characters would not survive being shown as code; such text gets its problem only.
  const unfit = (t: string) => t.length > MAX_TOKEN_LENGTH || /[`\p{Cc}]/u.test(t);
  if (tokens.length === 0 || tokens.length > MAX_TOKENS || tokens.some(unfit)) return null;
  const original = tokens.join(' ').toLowerCase();
  const tried = new Set<string>();
  for (const { sub, args } of headCandidates(tokens, vocab)) {
    for (const variant of argVariants(sub, args, vocab)) {
      const candidate = [sub, ...variant];
      const text = candidate.join(' ');
      if (tried.has(text) || text.toLowerCase() === original) continue;
      tried.add(text);
      if (text.length <= MAX_SUGGESTION_LENGTH && vocab.parses(candidate)) return text;
    }
  }
  return null;
}
