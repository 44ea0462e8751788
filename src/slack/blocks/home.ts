/** The App Home tab: the user's watches and the project's running job versions with accelerator totals. */
import type { HomeView, KnownBlock } from '@slack/types';
import type { ListedRun } from '../../modelarts/index.js';
import type { Watch } from '../../store/types.js';
import { ACTION } from '../ids.js';
import { escapeInline, isChannelId, mention } from '../mrkdwn.js';
import { formatDateTime, formatInteger, plural } from './format.js';
import { runRowText } from './jobs-overview.js';
import { button, context, divider, fitRows, header, joinParts, section } from './kit.js';
import { LIMITS } from './limits.js';
import { fitLines } from './task-result.js';
import type { RenderContext } from './types.js';
import { unwatchButton, watchText } from './watches.js';

export interface HomeModel {
  userId: string;
  watches: Watch[];
  running: ListedRun[];
  /** The project's newest failures of the last day, each with its reason when known. */
  failed?: ListedRun[];
  gpuTotal: number;
  npuTotal: number;
  /** Why the running versions could not be loaded (the watches still show). */
  error?: string | null;
}

/** The Home tab shares the message budget: Slack documents no aggregate limit for views, so we stay conservative. */
const WATCH_CHARS = 5000;
const RUNNING_CHARS = 5000;
const RUNNING_PER_SECTION = 6;

function watchRows(model: HomeModel, ctx: RenderContext): KnownBlock[] {
  if (model.watches.length === 0) {
    return [
      section(
        'You have no watches. In a channel, `/modelarts watch JOB_ID|UUID|NAME` posts a card there and reports how the job ends; `/modelarts watch failures` reports every failed training job in the project.',
      ),
    ];
  }
  const { blocks } = fitRows(
    [],
    model.watches.map((w) => (max: number) => {
      const where = isChannelId(w.channelId) ? `in <#${w.channelId}>` : `in ${escapeInline(w.channelId, 40)}`;
      const b = unwatchButton(w);
      return section(`${watchText(w, ctx, { showCreator: false })}\n${where}`, {
        max,
        ...(b ? { accessory: b } : {}),
      });
    }),
    [],
    {
      maxBlocks: 30,
      maxChars: WATCH_CHARS,
      maxRowChars: 500,
      minRowChars: 150,
      more: (hidden) =>
        context([
          `… ${plural(hidden, 'more watch', 'more watches')}: \`/modelarts watches\` in a channel lists its watches.`,
        ]) ?? section('…'),
    },
  );
  return blocks;
}

function runningRows(model: HomeModel, ctx: RenderContext): KnownBlock[] {
  if (model.error) {
    return [section(`⚠️ Could not load the running job versions: ${escapeInline(model.error, 500)}`)];
  }
  if (model.running.length === 0) {
    return [section('Nothing is running in the project right now. `/modelarts jobs` lists every job version.')];
  }
  const lines = model.running.map((r) => runRowText(r, ctx).replace(/\n/g, '\n    '));
  const kept = fitLines(lines, RUNNING_CHARS);
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < kept.length; i += RUNNING_PER_SECTION) {
    blocks.push(section(kept.slice(i, i + RUNNING_PER_SECTION).join('\n'), { max: LIMITS.sectionText }));
  }
  return blocks;
}

/** The last day's failures, the reason first in each row (see runRowText). */
function failedRows(model: HomeModel, ctx: RenderContext): KnownBlock[] {
  const failed = model.failed ?? [];
  if (failed.length === 0) return [section('No job version failed in the last day.')];
  const lines = fitLines(
    failed.map((r) => runRowText(r, ctx).replace(/\n/g, '\n    ')),
    RUNNING_CHARS,
  );
  return [section(lines.join('\n'), { max: LIMITS.sectionText })];
}

export function renderHome(model: HomeModel, ctx: RenderContext): HomeView {
  const who = mention(model.userId);
  const refresh = button({ text: '↻ Refresh', actionId: ACTION.homeRefresh, value: 'home' });
  const updated = formatDateTime(ctx.now, ctx.timeZone);
  const accelerators = joinParts([
    Number.isFinite(model.gpuTotal) && model.gpuTotal > 0 ? `*${plural(model.gpuTotal, 'GPU')}*` : null,
    Number.isFinite(model.npuTotal) && model.npuTotal > 0 ? `*${plural(model.npuTotal, 'NPU')}*` : null,
  ]);
  const blocks: KnownBlock[] = [
    header(`ModelArts · ${ctx.projectId}`),
    section(
      `${who ? `Hi ${who}! ` : ''}Your watches and what runs now in project *${escapeInline(ctx.projectId, 100)}*.`,
      refresh ? { accessory: refresh } : {},
    ),
  ];
  const quiet = context([joinParts([updated ? `updated ${updated}` : null, '`/modelarts help` lists every command'])]);
  if (quiet) blocks.push(quiet);
  blocks.push(divider(), section(`*Your watches* (${formatInteger(model.watches.length)})`), ...watchRows(model, ctx));
  blocks.push(
    divider(),
    section(
      model.error
        ? '*Running now*'
        : `*Running now* · ${plural(model.running.length, 'job version')}${accelerators ? ` · ${accelerators} in use` : ''}`,
    ),
    ...runningRows(model, ctx),
  );
  if (model.failed !== undefined && !model.error) {
    blocks.push(divider(), section('*Failed in the last day*'), ...failedRows(model, ctx));
  }
  return { type: 'home', blocks: blocks.slice(0, LIMITS.viewBlocks) };
}
