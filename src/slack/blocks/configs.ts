/** `/modelarts configs`: training job configurations, paged, with engine, image and boot command. */
import type { KnownBlock } from '@slack/types';
import type { TrainingJobConfig, TrainingJobConfigList } from '../../modelarts/index.js';
import { ACTION } from '../ids.js';
import { codeSpan, escapeInline } from '../mrkdwn.js';
import { configsPageValue, shareValue } from './action-values.js';
import { formatDateTime, plural } from './format.js';
import { context, fallbackText, header, joinParts, pagedList, pageOf, section } from './kit.js';
import type { Message, RenderContext } from './types.js';

export interface ConfigsOptions {
  page: number;
  pageSize: number;
  search: string | null;
  ephemeral?: boolean;
}

export const CONFIGS_PAGE_SIZE = 10;
export const CONFIGS_MAX_PAGE_SIZE = 20;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function configText(c: TrainingJobConfig, ctx: RenderContext): string {
  const name = str(c.config_name) ? `*${escapeInline(c.config_name, 120)}*` : '*(unnamed)*';
  const desc = str(c.config_desc) ? ` — _${escapeInline(c.config_desc ?? '', 200)}_` : '';
  const engine = joinParts([str(c.engine_name), str(c.engine_version)], ' ');
  const created = formatDateTime(c.create_time, ctx.timeZone);
  const line2 = joinParts([
    engine !== '' ? escapeInline(engine, 120) : str(c.user_image_url) ? 'custom image' : null,
    created ? `created ${created}` : null,
  ]);
  const image = str(c.user_image_url) ? `image ${codeSpan(c.user_image_url ?? '', 200)}` : null;
  const boot = str(c.user_command) ? `boot ${codeSpan(c.user_command ?? '', 400)}` : null;
  return joinParts([`${name}${desc}`, line2 || null, image, boot], '\n');
}

export function renderConfigs(list: TrainingJobConfigList, ctx: RenderContext, opts: ConfigsOptions): Message {
  const configs = Array.isArray(list.configs) ? list.configs : [];
  const slice = pageOf(
    configs,
    opts.page,
    opts.pageSize,
    list.config_total_count ?? configs.length,
    CONFIGS_MAX_PAGE_SIZE,
  );
  const search = opts.search && opts.search.trim() !== '' ? opts.search : null;
  const title = 'Training job configurations';
  const head: KnownBlock[] = [header(title)];

  if (slice.total === 0 || (slice.rows.length === 0 && slice.page === 1)) {
    head.push(
      section(
        search
          ? `No configurations match “${escapeInline(search, 100)}”. Try \`/modelarts configs\` without a search to see them all.`
          : `No training job configurations in project ${escapeInline(ctx.projectId, 100)}. Save one when creating a training job in the ModelArts console and it shows up here.`,
      ),
    );
    return { text: fallbackText(`${title}: none${search ? ` match “${search}”` : ''}`), blocks: head };
  }

  const summary = joinParts([
    plural(slice.total, 'configuration'),
    search ? `matching “${escapeInline(search, 100)}”` : null,
    `project ${escapeInline(ctx.projectId, 100)}`,
  ]);
  const top = context([summary]);
  if (top) head.push(top);
  const { blocks, shown } = pagedList({
    head,
    slice,
    rows: slice.rows.map((c) => (max: number) => section(configText(c, ctx), { max })),
    pageAction: ACTION.configsPage,
    pageValue: (page) => configsPageValue.encode({ page, search }),
    shareValue: opts.ephemeral ? shareValue.encode({ kind: 'configs', page: slice.page, search }) : null,
    rowChars: { min: 200, max: 900 },
  });
  return {
    text: fallbackText(
      `${title}: ${slice.total}${search ? ` matching “${search}”` : ''} · showing ${shown} (page ${slice.page} of ${slice.pages})`,
    ),
    blocks,
  };
}
