/**
 * Small Block Kit builders that enforce the per-element limits at construction (so a renderer cannot forget), plus
 * list fitting and paging shared by the list renderers. Text handed to `section`/`context` is mrkdwn we composed from
 * escaped parts; plain labels go through `plainText`.
 */
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
  MrkdwnElement,
  SectionBlock,
} from '@slack/types';
import { ACTION } from '../ids.js';
import { escapeEntities, plainText, safeUrl, stripControls, truncate, truncateMrkdwn } from '../mrkdwn.js';
import { runCommandValue } from './action-values.js';
import { formatInteger, plural } from './format.js';
import { blocksTextLength, LIMITS } from './limits.js';

type Maybe<T> = T | null | undefined | false;

export function compact<T>(items: readonly Maybe<T>[]): T[] {
  return items.filter((x): x is T => x !== null && x !== undefined && x !== false);
}

/** Joins the present parts: `joinParts(['a', null, 'b'])` → `a · b`. */
export function joinParts(parts: readonly Maybe<string>[], separator = ' · '): string {
  return compact(parts)
    .filter((p) => p !== '')
    .join(separator);
}

export function mrkdwnText(text: string, max: number): MrkdwnElement {
  const t = truncateMrkdwn(text, max);
  return { type: 'mrkdwn', text: t.trim() === '' ? '—' : t };
}

export function section(
  text: string,
  options: { accessory?: Button; max?: number; blockId?: string } = {},
): SectionBlock {
  const block: SectionBlock = { type: 'section', text: mrkdwnText(text, options.max ?? LIMITS.sectionText) };
  if (options.blockId) block.block_id = truncate(options.blockId, LIMITS.id);
  if (options.accessory) block.accessory = options.accessory;
  return block;
}

/** A header from raw text (escaped here), at most 150 characters. */
export function header(raw: string): HeaderBlock {
  return { type: 'header', text: plainText(raw, LIMITS.headerText) };
}

/** A quiet context line; empty parts are dropped, at most 10 elements. Null when nothing is left. */
export function context(parts: readonly Maybe<string>[], maxEach = 2000): ContextBlock | null {
  const elements = compact(parts)
    .filter((p) => p.trim() !== '')
    .slice(0, LIMITS.contextElements)
    .map((p) => mrkdwnText(p, maxEach));
  return elements.length > 0 ? { type: 'context', elements } : null;
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export interface ButtonSpec {
  /** Raw label (escaped here, ≤ 75). */
  text: string;
  actionId: string;
  value?: string;
  url?: string | null;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

/** A button; null for a URL button whose URL is not a usable http(s) URL, or a value that would not fit. */
export function button(spec: ButtonSpec): Button | null {
  const b: Button = { type: 'button', text: plainText(spec.text, LIMITS.buttonText), action_id: spec.actionId };
  if (spec.url !== undefined) {
    const url = safeUrl(spec.url);
    if (url === null) return null;
    b.url = url;
  }
  if (spec.value !== undefined) {
    if (spec.value.length > LIMITS.buttonValue) return null;
    b.value = spec.value;
  }
  if (spec.style) b.style = spec.style;
  if (spec.confirm) {
    b.confirm = {
      title: plainText(spec.confirm.title, 100),
      text: plainText(spec.confirm.text, 300),
      confirm: plainText(spec.confirm.confirm, 30),
      deny: plainText(spec.confirm.deny, 30),
      ...(spec.style === 'danger' ? { style: 'danger' as const } : {}),
    };
  }
  return b;
}

/**
 * A button that runs `/modelarts TEXT` for whoever clicks it, privately; null when the text would not fit. Several
 * in one actions block need a distinct `suffix` each.
 */
export function runButton(
  label: string,
  text: string,
  options: { style?: 'primary'; suffix?: string } = {},
): Button | null {
  return button({
    text: label,
    actionId: options.suffix ? suffixedActionId(ACTION.runCommand, options.suffix) : ACTION.runCommand,
    value: runCommandValue.encode({ command: text }),
    ...(options.style ? { style: options.style } : {}),
  });
}

/** An actions block of the present buttons (≤ 25); null when none is left. */
export function actions(buttons: readonly Maybe<Button>[], blockId?: string): ActionsBlock | null {
  const elements = compact(buttons).slice(0, LIMITS.actionsElements);
  if (elements.length === 0) return null;
  const block: ActionsBlock = { type: 'actions', elements };
  if (blockId) block.block_id = truncate(blockId, LIMITS.id);
  return block;
}

/** The notification text: entities encoded (it is mrkdwn too), one line, short. */
export function fallbackText(raw: string, max = 1500): string {
  const t = truncate(escapeEntities(stripControls(raw).replace(/\s+/g, ' ').trim()), max);
  return t === '' ? 'ModelArts' : t;
}

// --- list fitting -------------------------------------------------------------------------------------------------

export interface FitOptions {
  maxBlocks: number;
  maxChars: number;
  /** The note shown when rows had to be left out. */
  more: (hidden: number) => KnownBlock;
  /** Upper bound for one row's text. */
  maxRowChars?: number;
  /** Lower bound: rows are not squeezed below this; fewer rows are shown instead. */
  minRowChars?: number;
}

/**
 * Puts as many rows between `head` and `tail` as Slack allows: each row is rendered with an equal share of the
 * remaining character budget (within bounds), and rows that do not fit are counted in a "more" note.
 */
export function fitRows(
  head: readonly KnownBlock[],
  rows: ReadonlyArray<(maxChars: number) => KnownBlock>,
  tail: readonly KnownBlock[],
  options: FitOptions,
): { blocks: KnownBlock[]; shown: number } {
  const noteReserve = 300;
  const fixedChars = blocksTextLength(head) + blocksTextLength(tail);
  const blockRoom = options.maxBlocks - head.length - tail.length - 1;
  const charRoom = options.maxChars - fixedChars - noteReserve;
  const wanted = Math.max(1, Math.min(rows.length, blockRoom));
  const perRow = Math.max(
    options.minRowChars ?? 150,
    Math.min(options.maxRowChars ?? 1500, Math.floor(charRoom / wanted)),
  );
  const body: KnownBlock[] = [];
  let used = 0;
  for (const render of rows) {
    if (body.length >= blockRoom) break;
    const block = render(perRow);
    const size = blocksTextLength(block);
    if (used + size > charRoom) break;
    body.push(block);
    used += size;
  }
  const hidden = rows.length - body.length;
  return { blocks: [...head, ...body, ...(hidden > 0 ? [options.more(hidden)] : []), ...tail], shown: body.length };
}

// --- paging -------------------------------------------------------------------------------------------------------

export interface PageSlice<T> {
  rows: T[];
  page: number;
  pages: number;
  total: number;
  pageSize: number;
  /** True when `items` was the whole list (sliced here); false when it already was the requested page. */
  complete: boolean;
}

/**
 * Resolves what a list renderer was given: the whole list (longer than a page, or exactly `total` on a later page —
 * sliced here) or just the requested page (shown as is). `pageSize` is clamped to `maxPageSize`.
 */
export function pageOf<T>(
  items: readonly T[],
  page: number,
  pageSize: number,
  total: number,
  maxPageSize: number,
): PageSlice<T> {
  const size = Math.max(1, Math.min(maxPageSize, Number.isFinite(pageSize) ? Math.floor(pageSize) : maxPageSize));
  const p = Number.isFinite(page) ? Math.max(1, Math.min(1_000_000, Math.floor(page))) : 1;
  const reported = Number.isFinite(total) && total >= 0 ? Math.floor(total) : items.length;
  // Exactly `total` items is the whole list too (on page 1 both readings agree).
  const complete = items.length > size || items.length === reported;
  const sum = complete ? Math.max(reported, items.length) : Math.max(reported, (p - 1) * size + items.length);
  const rows = complete ? items.slice((p - 1) * size, p * size) : items.slice();
  return { rows, page: p, pages: Math.max(1, Math.ceil(sum / size)), total: sum, pageSize: size, complete };
}

/** The notice for a page number beyond the list ("Page 5 is past the end: there is 1 page."). */
export function pastEndNotice(slice: Pick<PageSlice<unknown>, 'page' | 'pages'>): KnownBlock {
  return section(
    `Page ${formatInteger(slice.page)} is past the end: there ${slice.pages === 1 ? 'is' : 'are'} ${plural(slice.pages, 'page')}.`,
  );
}

/** "page 2 of 5 · 11–20 of 48 configurations"; null on an empty page (the past-end notice says it then). */
export function pageRangeLine(slice: PageSlice<unknown>, noun?: string): string | null {
  if (slice.rows.length === 0) return null;
  const first = (slice.page - 1) * slice.pageSize;
  const total = noun ? plural(slice.total, noun) : formatInteger(slice.total);
  return `page ${formatInteger(slice.page)} of ${formatInteger(slice.pages)} · ${formatInteger(first + 1)}–${formatInteger(first + slice.rows.length)} of ${total}`;
}

/** `jobs_page:next` style ids: two page buttons in one actions block need distinct action_ids. */
export function suffixedActionId(base: string, suffix: string): string {
  return `${base}:${suffix}`;
}

/** Matches `base` and every `base:suffix` action_id (for listeners: `app.action(actionMatcher(ACTION.jobsPage), …)`). */
export function actionMatcher(base: string): RegExp {
  return new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?::[a-z0-9_-]+)?$`);
}

/** Previous / Next buttons for a paged list; null when there is only one page. */
export function pagerButtons(
  slice: Pick<PageSlice<unknown>, 'page' | 'pages'>,
  actionId: string,
  valueFor: (page: number) => string,
): Button[] {
  const out: Button[] = [];
  if (slice.page > 1) {
    const prev = button({
      text: '◀ Previous',
      actionId: suffixedActionId(actionId, 'prev'),
      value: valueFor(Math.min(slice.page - 1, slice.pages)),
    });
    if (prev) out.push(prev);
  }
  if (slice.page < slice.pages) {
    const next = button({
      text: 'Next ▶',
      actionId: suffixedActionId(actionId, 'next'),
      value: valueFor(slice.page + 1),
    });
    if (next) out.push(next);
  }
  return out;
}

export interface PagedListSpec {
  /** The header and summary lines above the rows. */
  head: readonly KnownBlock[];
  slice: PageSlice<unknown>;
  /** Each row rendered within a character budget. */
  rows: ReadonlyArray<(maxChars: number) => KnownBlock>;
  /** The action_id base of Previous/Next, and the value each page's button carries. */
  pageAction: string;
  pageValue: (page: number) => string;
  /** The Share button's value on a private answer; null leaves the button out. */
  shareValue: string | null;
  rowChars: { min: number; max: number };
}

/**
 * A paged list message: the head, a past-the-end notice when the page is empty, as many rows as Slack allows, and a
 * foot with the page range, Previous/Next and Share.
 */
export function pagedList(spec: PagedListSpec): { blocks: KnownBlock[]; shown: number } {
  const head = [...spec.head];
  if (spec.slice.rows.length === 0) head.push(pastEndNotice(spec.slice));
  const foot: KnownBlock[] = [];
  const pageLine = context([pageRangeLine(spec.slice)]);
  if (pageLine) foot.push(pageLine);
  const bar = actions([
    ...pagerButtons(spec.slice, spec.pageAction, spec.pageValue),
    spec.shareValue !== null
      ? button({ text: 'Share in channel', actionId: ACTION.share, value: spec.shareValue })
      : null,
  ]);
  if (bar) foot.push(bar);
  return fitRows(head, spec.rows, foot, {
    maxBlocks: LIMITS.messageBlocks,
    maxChars: LIMITS.messageTextTotal,
    maxRowChars: spec.rowChars.max,
    minRowChars: spec.rowChars.min,
    more: (hidden) =>
      context([`… ${formatInteger(hidden)} more on this page did not fit in one message.`]) ?? section('…'),
  });
}
