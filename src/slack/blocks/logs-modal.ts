/**
 * The Logs modal a run's Logs button opens: the reason first, then the last few hundred log lines as code blocks
 * (sections of at most 3,000 characters, the modal's 100 blocks), and where the whole log lives (OBS, console).
 */
import type { KnownBlock, ModalView } from '@slack/types';
import type { JobRun } from '../../modelarts/index.js';
import { codeBlock, codeSpan, escapeInline, plainText } from '../mrkdwn.js';
import { reasonLine } from './failure.js';
import { consoleButton, titleLine } from './job-parts.js';
import { actions, context, section } from './kit.js';
import { LIMITS } from './limits.js';

/** Log lines a modal shows at most, newest kept. */
export const LOGS_MODAL_LINES = 300;
const LINE_CHARS = 240;
/** Room in one section for a code block of whole lines. */
const CHUNK_CHARS = LIMITS.sectionText - 100;
/** Blocks kept for everything that is not a log chunk. */
const OTHER_BLOCKS = 6;

const TITLE = 'Logs';

/** The modal shown at once (a trigger_id expires in 3 s), replaced when the log has been read. */
export function renderLogsLoading(): ModalView {
  return {
    type: 'modal',
    title: plainText(TITLE, LIMITS.modalTitle),
    close: plainText('Close', LIMITS.modalTitle),
    blocks: [section('⏳ Reading the log from ModelArts…')],
  };
}

/** The modal when not even the run could be read: the same sentence a command would answer. */
export function renderLogsProblem(sentence: string): ModalView {
  return {
    type: 'modal',
    title: plainText(TITLE, LIMITS.modalTitle),
    close: plainText('Close', LIMITS.modalTitle),
    blocks: [section(`⚠️ ${escapeInline(sentence, 1000)}`)],
  };
}

/** Whole lines into code blocks that each fit a section, oldest first; the newest lines win when room runs out. */
function logChunks(lines: readonly string[], maxChunks: number): { blocks: KnownBlock[]; shown: number } {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  // From the newest line back, so the end of the log (where the error is) is what fits.
  for (let i = lines.length - 1; i >= 0; i--) {
    const raw = lines[i] ?? '';
    const line = raw.length > LINE_CHARS ? `${raw.slice(0, LINE_CHARS - 1)}…` : raw;
    // Escaping can grow a line (& → &amp;): count the worst case so a chunk never overflows its section.
    const cost = line.length * 5 + 1;
    if (size + cost > CHUNK_CHARS && current.length > 0) {
      chunks.unshift(current);
      if (chunks.length >= maxChunks) {
        current = [];
        break;
      }
      current = [];
      size = 0;
    }
    current.unshift(line);
    size += cost;
  }
  if (current.length > 0 && chunks.length < maxChunks) chunks.unshift(current);
  const blocks: KnownBlock[] = [];
  let shown = 0;
  for (const chunk of chunks) {
    const body = codeBlock(chunk.join('\n'), LIMITS.sectionText, 'end');
    if (!body) continue;
    blocks.push(section(body));
    shown += chunk.length;
  }
  return { blocks, shown };
}

export interface LogsModalInput {
  run: JobRun;
  /** The end of the log, oldest first; null when the run has not logged (or it could not be read). */
  lines: string[] | null;
  /** Why the log could not be read, as a sentence for the person; null when it was read. */
  error?: string | null;
}

export function renderLogsModal(input: LogsModalInput): ModalView {
  const { run } = input;
  const lines = input.lines ?? [];
  const blocks: KnownBlock[] = [
    section([titleLine(run), reasonLine(run, 500)].filter((l) => l !== null).join('\n'), { max: 1500 }),
  ];
  const chunks = logChunks(lines.slice(-LOGS_MODAL_LINES), LIMITS.viewBlocks - OTHER_BLOCKS);
  if (input.error) blocks.push(section(`⚠️ ${escapeInline(input.error, 500)}`));
  else if (chunks.shown === 0) blocks.push(section('This run has no log lines yet.'));
  else {
    const about = context([
      chunks.shown < lines.length
        ? `The last ${chunks.shown} of the ${lines.length} lines read, oldest first.`
        : `The last ${chunks.shown} lines, oldest first.`,
    ]);
    if (about) blocks.push(about);
    blocks.push(...chunks.blocks);
  }
  const where = context([run.logLocation ? `The whole log: ${codeSpan(run.logLocation, 500)}` : null]);
  if (where) blocks.push(where);
  const bar = actions([consoleButton(run, 'Open in console')]);
  if (bar) blocks.push(bar);
  return {
    type: 'modal',
    title: plainText(TITLE, LIMITS.modalTitle),
    close: plainText('Close', LIMITS.modalTitle),
    blocks,
  };
}
