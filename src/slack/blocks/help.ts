/** `/modelarts help`, usage errors ("did you mean") and error sentences. */
import type { KnownBlock } from '@slack/types';
import { codeSpan, escapeEntities, stripControls, truncateMrkdwn } from '../mrkdwn.js';
import { USAGE } from '../use-cases/parser.js';
import { context, fallbackText, header, section } from './kit.js';
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

function grammarBlocks(): KnownBlock[] {
  const lookups = ['jobs', 'job', 'configs', 'viz', 'tasks'] as const;
  const alerts = ['watch', 'unwatch', 'watches'] as const;
  const blocks: KnownBlock[] = [
    header('ModelArts in Slack'),
    section(
      `*Look things up* — answers only you see; *Share in channel* posts them.\n${lookups.map((s) => `• ${USAGE[s]}`).join('\n')}`,
    ),
    section(
      [
        '*STATUS* for `jobs`: `running`, `waiting`, `failed`, `completed`, `cancelled`, a status name such as `JOBSTAT_FAILED` or `killed`, or a status number.',
        '*Task types* for `tasks`: `analysis`, `cleaning`, `augmentation`, `validation`, `selection`; task *STATUS*: `running`, `completed`, `failed`, `stopped`.',
        'Ids are numbers: `/modelarts job 10 10`, `/modelarts job 10 v3` and `/modelarts job 10 version 3` are the same kind of request.',
      ].join('\n'),
    ),
    section(
      `*Alerts in this channel* — one card per job version, edited as its status moves; the outcome is replied in its thread.\n${alerts.map((s) => `• ${USAGE[s]}`).join('\n')}\nWithout a filter a job or version watch reports every outcome; \`watch failures\` reports failed versions only.`,
    ),
  ];
  const shortcuts = context([
    'Shortcuts: *Look up a ModelArts job* (⚡ menu) opens a form · *Watch this ModelArts job* on a message watches the job it links to · the app’s *Home* tab lists your watches and what runs now · ModelArts console links unfurl into a job card.',
    `${USAGE.help}`,
  ]);
  if (shortcuts) blocks.push(shortcuts);
  return blocks;
}

export interface HelpOptions {
  /** The usage line relevant to the problem (from the parser). */
  usage?: string | null;
  /** The subcommand the user probably meant. */
  didYouMean?: string | null;
  /** What was wrong, one sentence. */
  problem?: string | null;
}

/**
 * Full help without options. With a problem: the problem, the relevant usage line and "did you mean"; when there is
 * neither a usage line nor a suggestion, the full grammar follows so the user still has a next step.
 */
export function renderHelp(opts: HelpOptions = {}): Message {
  const problemText = present(opts.problem);
  const usageText = present(opts.usage);
  const suggestionText = present(opts.didYouMean);
  const problem = problemText ? composed(problemText, 1000) : null;
  const usage = usageText ? composed(usageText, 600) : null;
  const suggestion = suggestionText ? codeSpan(`/modelarts ${suggestionText}`, 60) : null;
  if (!problem && !usage && !suggestion) {
    return {
      text: 'ModelArts in Slack: /modelarts jobs, job, configs, viz, tasks, watch, unwatch, watches',
      blocks: grammarBlocks(),
    };
  }
  const lines = [
    problem ? `⚠️ ${problem}` : null,
    suggestion ? `Did you mean ${suggestion}?` : null,
    usage ? `Usage: ${usage}` : null,
  ].filter((l): l is string => l !== null);
  const blocks: KnownBlock[] = [section(lines.join('\n'), { max: 2500 })];
  if (!usage && !suggestion) blocks.push(...grammarBlocks());
  else {
    const more = context(['`/modelarts help` lists every command.']);
    if (more) blocks.push(more);
  }
  const fallback = [
    problemText ? `⚠️ ${problemText}` : null,
    suggestionText ? `Did you mean /modelarts ${suggestionText}?` : null,
    usageText ? `Usage: ${usageText}` : null,
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
