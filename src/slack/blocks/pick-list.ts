/**
 * `/modelarts job NAME` and `watch NAME` when the name does not settle on one job: the candidates (or the near
 * misses), newest first, each with a button that runs the command on that job's id.
 */
import type { KnownBlock } from '@slack/types';
import { type ListedRun, listedIds } from '../../modelarts/index.js';
import { codeSpan } from '../mrkdwn.js';
import { formatInteger } from './format.js';
import { runRowText } from './jobs-overview.js';
import { context, fallbackText, runButton, section } from './kit.js';
import type { Message, RenderContext } from './types.js';

/** Candidates shown; a name that common needs more of its letters. */
export const PICK_LIST_MAX = 8;

export interface PickListModel {
  /** The name or prefix as typed. */
  name: string;
  /** Several jobs whose names are (or start with) `name`; empty when none did. */
  matches: readonly ListedRun[];
  /** Jobs whose names contain `name` elsewhere, shown when nothing matched. */
  near: readonly ListedRun[];
  /** What the button does: show the job's card, or watch it with `filterWord` (null: the default filter). */
  action: 'job' | 'watch';
  filterWord: string | null;
}

/** The command text naming a listed run by id: a v2 UUID, a v1 job and version (a v1 job alone for watches). */
function commandFor(run: ListedRun, model: PickListModel): string | null {
  const { jobId, versionId } = listedIds(run);
  if (jobId === null) return null;
  if (model.action === 'watch') {
    const filter = model.filterWord ? ` ${model.filterWord}` : '';
    return `watch ${jobId}${filter}`;
  }
  const version = run.ref?.api === 'v1' && versionId !== null ? ` ${versionId}` : '';
  return `job ${jobId}${version}`;
}

export function renderPickList(model: PickListModel, ctx: RenderContext): Message {
  const several = model.matches.length > 0;
  const runs = several ? model.matches : model.near;
  const shown = runs.slice(0, PICK_LIST_MAX);
  const name = codeSpan(model.name, 80);
  const lead = several
    ? `${formatInteger(runs.length)} training jobs match ${name}. Pick one:`
    : `No training job is named ${name}. These names contain it:`;
  const blocks: KnownBlock[] = [section(lead)];
  shown.forEach((run, i) => {
    const command = commandFor(run, model);
    const label = model.action === 'watch' ? 'Watch' : 'Show';
    const pick = command ? runButton(label, command, { suffix: String(i) }) : null;
    blocks.push(section(runRowText(run, ctx), { max: 700, ...(pick ? { accessory: pick } : {}) }));
  });
  const more = runs.length - shown.length;
  const hint = context([
    more > 0 ? `${formatInteger(more)} more not shown: type more of the name, or the job’s id.` : null,
    `Names match from their start; ids always work: \`/modelarts ${model.action} JOB_ID\`.`,
  ]);
  if (hint) blocks.push(hint);
  return {
    text: fallbackText(
      several
        ? `${runs.length} training jobs match ${model.name.slice(0, 80)}`
        : `No training job is named ${model.name.slice(0, 80)}`,
    ),
    blocks,
  };
}
