/** `/modelarts help` (an overview, or one subcommand with examples), near misses ("did you mean") and error sentences. */
import type { KnownBlock } from '@slack/types';
import { codeSpan, escapeEntities, stripControls, truncateMrkdwn } from '../mrkdwn.js';
import { EXAMPLES, SUMMARY, type Subcommand, USAGE } from '../use-cases/vocabulary.js';
import { actions, context, fallbackText, header, runButton, section } from './kit.js';
import type { Message } from './types.js';

/**
 * Sentences and usage lines are composed by the app (mrkdwn with backticks around user tokens) but may quote user
 * input or upstream text: entities are encoded (no mention or link can come through) and formatting is kept.
 */
function composed(text: string, max: number): string {
  return truncateMrkdwn(escapeEntities(stripControls(text)).trim(), max);
}

/** The text without control characters, or null when nothing visible is left. */
function present(text: string | null | undefined): string | null {
  const clean = typeof text === 'string' ? stripControls(text).trim() : '';
  return clean === '' ? null : clean;
}

const COMMAND = '/modelarts';
const LOOKUPS = ['jobs', 'job', 'viz', 'configs', 'tasks'] as const;
const ALERTS = ['watch', 'unwatch', 'watches'] as const;
/** The commands people run most, one click from the help. */
const QUICK: ReadonlyArray<readonly [string, string]> = [
  ['Jobs', 'jobs'],
  ['Running jobs', 'jobs running'],
  ['Watches', 'watches'],
];
/** Subcommands whose bare form is a read-only list, safe to offer as a button. */
const LISTS: ReadonlySet<Subcommand> = new Set(['jobs', 'viz', 'configs', 'tasks', 'watches']);

/** "`/modelarts jobs running` — job versions, newest first; filter by status" */
function line(example: string, what: string): string {
  return `• ${codeSpan(`${COMMAND} ${example}`, 80)} — ${what}`;
}

function firstExample(sub: Subcommand): string {
  // The bare word for lists (what most people want), the first real example otherwise.
  const examples = EXAMPLES[sub];
  const richer = examples.find(([text]) => text !== sub) ?? examples[0];
  return sub === 'viz' ? 'viz' : (richer?.[0] ?? sub);
}

function overviewBlocks(): KnownBlock[] {
  const blocks: KnownBlock[] = [
    header('ModelArts in Slack'),
    section(
      'Look up training jobs, TensorBoards and data tasks, and get alerts here when jobs finish. Answers are private until you press *Share in channel*.',
    ),
    section(`*Look up*\n${LOOKUPS.map((s) => line(firstExample(s), SUMMARY[s])).join('\n')}`),
    section(
      `*Watch* (alerts in this channel)\n${[
        line('watch 10', 'alerts here when a version of job 10 finishes'),
        line('watch failures', 'alerts on every failed job of either training API'),
        line('unwatch 10', SUMMARY.unwatch),
        line('watches', SUMMARY.watches),
      ].join('\n')}`,
    ),
    section(
      `*Other*\n${line('help watch', 'one command with its examples')}\n• ⚡ *Look up a ModelArts job* in the shortcuts menu · *Watch this ModelArts job* on a message · the app’s *Home* tab · console links unfurl into a card`,
    ),
  ];
  const bar = actions(QUICK.map(([label, text], i) => runButton(label, text, { suffix: String(i + 1) })));
  if (bar) blocks.push(bar);
  return blocks;
}

/** Notes a subcommand needs beyond its examples: the words its filters take. */
const TOPIC_NOTES: Partial<Record<Subcommand, string>> = {
  jobs: '*STATUS*: `running`, `waiting`, `failed`, `completed`, `cancelled`, a v2 phase such as `Abnormal` or `Terminated`, a v1 status name such as `JOBSTAT_FAILED` or `killed`, or a status number.',
  job: 'Digits are an old-version (v1) job and version: `job 10 3`, `job 10 v3` and `job 10 version 3` are the same. A UUID is a new-version (v2) job, which has no versions. Anything else is a job name, or the start of one.',
  tasks:
    '*Types*: `analysis`, `cleaning`, `augmentation`, `validation`, `selection`. *Status*: `running`, `completed`, `failed`, `stopped`.',
  watch:
    'One card per job version, edited as its status moves; the outcome is replied in its thread. Without a filter every outcome is reported.',
  viz: 'A TensorBoard is up while its visualization job runs; the list shows an *Open TensorBoard* button then.',
};

function topicBlocks(sub: Subcommand): KnownBlock[] {
  const blocks: KnownBlock[] = [
    section(`*${codeSpan(`${COMMAND} ${sub}`, 40)}* — ${SUMMARY[sub]}\n${USAGE[sub]}`),
    section(`*Examples*\n${EXAMPLES[sub].map(([text, what]) => line(text, what)).join('\n')}`),
  ];
  const note = TOPIC_NOTES[sub];
  const quiet = context([note, `${codeSpan(`${COMMAND} help`, 40)} lists every command.`]);
  if (quiet) blocks.push(quiet);
  const bar = actions([LISTS.has(sub) ? runButton(`Run ${COMMAND} ${sub}`, sub) : null]);
  if (bar) blocks.push(bar);
  return blocks;
}

export interface HelpOptions {
  /** One subcommand's help, with examples. */
  topic?: Subcommand | null;
  /** The usage line relevant to the problem (from the parser). */
  usage?: string | null;
  /** The corrected command for a near miss (the text after `/modelarts`). */
  suggestion?: string | null;
  /** What was wrong, one sentence. */
  problem?: string | null;
}

/**
 * The overview without options, one subcommand with `topic`. With a problem: the problem and either the corrected
 * command with a button that runs it, or the relevant usage line; with neither, the list of commands and a Help
 * button, so the user still has a next step.
 */
export function renderHelp(opts: HelpOptions = {}): Message {
  const problemText = present(opts.problem);
  const usageText = present(opts.usage);
  const suggestionText = present(opts.suggestion);
  if (!problemText && !usageText && !suggestionText) {
    if (opts.topic) {
      return {
        text: fallbackText(`/modelarts ${opts.topic}: ${SUMMARY[opts.topic]}`),
        blocks: topicBlocks(opts.topic),
      };
    }
    return {
      text: 'ModelArts in Slack: /modelarts jobs, job, viz, configs, tasks, watch, unwatch, watches',
      blocks: overviewBlocks(),
    };
  }
  const problem = problemText ? composed(problemText, 1000) : null;
  const usage = usageText && !suggestionText ? composed(usageText, 600) : null;
  const suggestion = suggestionText ? codeSpan(`${COMMAND} ${suggestionText}`, 220) : null;
  const lines = [
    problem ? `⚠️ ${problem}` : null,
    suggestion ? `Did you mean ${suggestion}?` : null,
    usage ? `Usage: ${usage}` : null,
  ].filter((l): l is string => l !== null);
  const blocks: KnownBlock[] = [section(lines.join('\n'), { max: 2500 })];
  if (suggestionText) {
    const bar = actions([runButton(`Run ${COMMAND} ${suggestionText}`, suggestionText, { style: 'primary' })]);
    if (bar) blocks.push(bar);
  } else if (!usage) {
    blocks.push(section(`Commands: ${[...LOOKUPS, ...ALERTS].map((s) => codeSpan(s, 20)).join(' ')}`));
    const bar = actions([runButton('Show help', 'help')]);
    if (bar) blocks.push(bar);
  }
  const more = context([`${codeSpan(`${COMMAND} help`, 40)} lists every command.`]);
  if (more) blocks.push(more);
  const fallback = [
    problemText ? `⚠️ ${problemText}` : null,
    suggestionText ? `Did you mean /modelarts ${suggestionText}?` : null,
    usageText && !suggestionText ? `Usage: ${usageText}` : null,
  ]
    .filter((l): l is string => l !== null)
    .join(' ');
  return { text: fallbackText(fallback.replace(/`/g, '')), blocks };
}

/** An error answer: the sentence (what happened and what to do), and the usage line when the error was the user's. */
export function renderErrorMessage(sentence: string, usage?: string | null): Message {
  const text = present(sentence) ?? 'Something went wrong.';
  const blocks: KnownBlock[] = [section(`⚠️ ${composed(text, 2500)}`, { max: 2900 })];
  const usageText = present(usage);
  if (usageText) {
    const u = context([`Usage: ${composed(usageText, 1000)}`]);
    if (u) blocks.push(u);
  }
  return { text: fallbackText(`⚠️ ${text.replace(/`/g, '')}`), blocks };
}
