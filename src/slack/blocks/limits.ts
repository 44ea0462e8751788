/**
 * Slack's Block Kit limits (notes/slack-platform.md §1) as zod schemas, checked offline. Slack publishes no schema, so
 * this covers the blocks and elements our renderers use, strictly: an unknown field or block type is reported too,
 * because Slack answers `invalid_blocks` for those as well.
 */
import { z } from 'zod';

export const LIMITS = Object.freeze({
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  id: 255,
  overflowOptions: 5,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  placeholder: 150,
  inputLabel: 2000,
  modalTitle: 24,
  privateMetadata: 3000,
  /** Slack answers msg_blocks_too_long at ~13.2k characters of block text (undocumented); we keep under 12k. */
  messageTextTotal: 12_000,
  /** The top-level `text` is cut by Slack at 40k; as a notification fallback ours stays far shorter. */
  fallbackText: 40_000,
});

const str = (max: number) => z.string().min(1).max(max);

const plain = (max: number) =>
  z.strictObject({ type: z.literal('plain_text'), text: str(max), emoji: z.boolean().optional() });
const mrkdwn = (max: number) =>
  z.strictObject({ type: z.literal('mrkdwn'), text: str(max), verbatim: z.boolean().optional() });
const textObject = (max: number) => z.discriminatedUnion('type', [plain(max), mrkdwn(max)]);

const HttpUrl = z
  .string()
  .max(LIMITS.url)
  .refine((u) => /^https?:\/\/[^\s]+$/i.test(u), 'must be an absolute http(s) URL');
const Id = str(LIMITS.id);

const Confirm = z.strictObject({
  title: plain(100),
  text: textObject(300),
  confirm: plain(30),
  deny: plain(30),
  style: z.enum(['primary', 'danger']).optional(),
});

const OptionObject = z.strictObject({
  text: textObject(LIMITS.optionText),
  value: z.string().max(LIMITS.optionValue).optional(),
  description: plain(LIMITS.optionText).optional(),
  url: HttpUrl.optional(),
});

const Button = z.strictObject({
  type: z.literal('button'),
  text: plain(LIMITS.buttonText),
  action_id: Id.optional(),
  value: z.string().max(LIMITS.buttonValue).optional(),
  url: HttpUrl.optional(),
  style: z.enum(['primary', 'danger']).optional(),
  confirm: Confirm.optional(),
  accessibility_label: str(75).optional(),
});

const Overflow = z.strictObject({
  type: z.literal('overflow'),
  action_id: Id.optional(),
  options: z.array(OptionObject).min(1).max(LIMITS.overflowOptions),
  confirm: Confirm.optional(),
});

const StaticSelect = z.strictObject({
  type: z.literal('static_select'),
  action_id: Id.optional(),
  placeholder: plain(LIMITS.placeholder).optional(),
  options: z.array(OptionObject).min(1).max(LIMITS.selectOptions),
  initial_option: OptionObject.optional(),
  confirm: Confirm.optional(),
  focus_on_load: z.boolean().optional(),
});

/** A select whose options the app loads as the user types (block_suggestion). */
const ExternalSelect = z.strictObject({
  type: z.literal('external_select'),
  action_id: Id.optional(),
  placeholder: plain(LIMITS.placeholder).optional(),
  initial_option: OptionObject.optional(),
  min_query_length: z.number().int().min(0).max(100).optional(),
  confirm: Confirm.optional(),
  focus_on_load: z.boolean().optional(),
});

const ConversationsSelect = z.strictObject({
  type: z.literal('conversations_select'),
  action_id: Id.optional(),
  placeholder: plain(LIMITS.placeholder).optional(),
  initial_conversation: Id.optional(),
  default_to_current_conversation: z.boolean().optional(),
  response_url_enabled: z.boolean().optional(),
  confirm: Confirm.optional(),
  focus_on_load: z.boolean().optional(),
  filter: z
    .strictObject({
      include: z
        .array(z.enum(['im', 'mpim', 'private', 'public']))
        .min(1)
        .optional(),
      exclude_external_shared_channels: z.boolean().optional(),
      exclude_bot_users: z.boolean().optional(),
    })
    .optional(),
});

const PlainTextInput = z.strictObject({
  type: z.literal('plain_text_input'),
  action_id: Id.optional(),
  placeholder: plain(LIMITS.placeholder).optional(),
  initial_value: z.string().max(3000).optional(),
  multiline: z.boolean().optional(),
  min_length: z.number().int().min(0).max(3000).optional(),
  max_length: z.number().int().min(1).max(3000).optional(),
  focus_on_load: z.boolean().optional(),
});

const ImageElement = z.strictObject({
  type: z.literal('image'),
  image_url: HttpUrl,
  alt_text: str(2000),
});

const blockId = Id.optional();

const Section = z
  .strictObject({
    type: z.literal('section'),
    block_id: blockId,
    text: textObject(LIMITS.sectionText).optional(),
    fields: z.array(textObject(LIMITS.fieldText)).min(1).max(LIMITS.sectionFields).optional(),
    accessory: z
      .discriminatedUnion('type', [Button, Overflow, StaticSelect, ImageElement, ConversationsSelect])
      .optional(),
    expand: z.boolean().optional(),
  })
  .refine((s) => s.text !== undefined || s.fields !== undefined, 'a section needs text or fields');

const Header = z.strictObject({ type: z.literal('header'), block_id: blockId, text: plain(LIMITS.headerText) });

const Context = z.strictObject({
  type: z.literal('context'),
  block_id: blockId,
  elements: z
    .array(z.union([textObject(LIMITS.contextText), ImageElement]))
    .min(1)
    .max(LIMITS.contextElements),
});

const Actions = z.strictObject({
  type: z.literal('actions'),
  block_id: blockId,
  elements: z
    .array(z.discriminatedUnion('type', [Button, Overflow, StaticSelect, ConversationsSelect]))
    .min(1)
    .max(LIMITS.actionsElements),
});

const Divider = z.strictObject({ type: z.literal('divider'), block_id: blockId });

const Image = z.strictObject({
  type: z.literal('image'),
  block_id: blockId,
  image_url: HttpUrl,
  alt_text: str(2000),
  title: plain(2000).optional(),
});

const Input = z.strictObject({
  type: z.literal('input'),
  block_id: blockId,
  label: plain(LIMITS.inputLabel),
  element: z.discriminatedUnion('type', [PlainTextInput, ConversationsSelect, StaticSelect, ExternalSelect]),
  hint: plain(2000).optional(),
  optional: z.boolean().optional(),
  dispatch_action: z.boolean().optional(),
});

const Block = z.discriminatedUnion('type', [Section, Header, Context, Actions, Divider, Image, Input]);

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** Duplicate block_ids in one surface and duplicate action_ids in one block are rejected by Slack. */
function idIssues(blocks: readonly unknown[]): Issue[] {
  const issues: Issue[] = [];
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    if (typeof block !== 'object' || block === null) return;
    const b = block as { block_id?: unknown; elements?: unknown; accessory?: unknown; element?: unknown };
    if (typeof b.block_id === 'string') {
      if (blockIds.has(b.block_id)) issues.push({ path: ['blocks', i, 'block_id'], message: 'duplicate block_id' });
      blockIds.add(b.block_id);
    }
    const elements = [
      ...(Array.isArray(b.elements) ? b.elements : []),
      ...(b.accessory !== undefined ? [b.accessory] : []),
      ...(b.element !== undefined ? [b.element] : []),
    ];
    const actionIds = new Set<string>();
    for (const element of elements) {
      const id = (element as { action_id?: unknown } | null)?.action_id;
      if (typeof id !== 'string') continue;
      if (actionIds.has(id)) {
        issues.push({ path: ['blocks', i], message: `duplicate action_id "${id}" in one block` });
      }
      actionIds.add(id);
    }
  });
  return issues;
}

/** Sum of the characters of every text object in the blocks (what Slack's undocumented aggregate limit counts). */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + blocksTextLength(v), 0);
  if (typeof value !== 'object' || value === null) return 0;
  const record = value as Record<string, unknown>;
  if ((record.type === 'plain_text' || record.type === 'mrkdwn') && typeof record.text === 'string') {
    return record.text.length;
  }
  let n = 0;
  for (const v of Object.values(record)) n += blocksTextLength(v);
  return n;
}

const MessagePayload = z
  .looseObject({
    text: z.string().max(LIMITS.fallbackText).optional(),
    blocks: z.array(Block).max(LIMITS.messageBlocks).optional(),
    metadata: z.strictObject({ event_type: Id, event_payload: z.record(z.string(), z.unknown()) }).optional(),
  })
  .superRefine((m, ctx) => {
    if ((m.text ?? '').trim() === '' && (m.blocks ?? []).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'a message needs text or blocks' });
    }
    if (m.blocks !== undefined && (m.text ?? '').trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'a message with blocks needs a fallback text' });
    }
    const total = blocksTextLength(m.blocks ?? []);
    if (total > LIMITS.messageTextTotal) {
      ctx.addIssue({
        code: 'custom',
        path: ['blocks'],
        message: `${total} characters of block text, more than ${LIMITS.messageTextTotal}`,
      });
    }
  });

const ViewBase = {
  blocks: z.array(Block).max(LIMITS.viewBlocks),
  private_metadata: z.string().max(LIMITS.privateMetadata).optional(),
  callback_id: z.string().max(LIMITS.id).optional(),
  external_id: z.string().max(LIMITS.id).optional(),
};

const ModalPayload = z
  .strictObject({
    type: z.literal('modal'),
    ...ViewBase,
    title: plain(LIMITS.modalTitle),
    submit: plain(LIMITS.modalTitle).optional(),
    close: plain(LIMITS.modalTitle).optional(),
    clear_on_close: z.boolean().optional(),
    notify_on_close: z.boolean().optional(),
    submit_disabled: z.boolean().optional(),
  })
  .refine((v) => v.submit !== undefined || !v.blocks.some((b) => b.type === 'input'), {
    message: 'a modal with input blocks needs a submit button',
    path: ['submit'],
  });

const HomePayload = z.strictObject({ type: z.literal('home'), ...ViewBase });

function pathText(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(payload)' : path.map((p) => String(p)).join('.');
}

/**
 * Every limit the payload breaks, as `path: problem` lines; empty when Slack would accept it. Accepts a message
 * (`{ text, blocks }`), a modal or home view, or a bare block array.
 */
export function checkLimits(payload: unknown): string[] {
  const record = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const kind = Array.isArray(payload)
    ? 'blocks'
    : record.type === 'modal'
      ? 'modal'
      : record.type === 'home'
        ? 'home'
        : 'message';
  const schema =
    kind === 'modal'
      ? ModalPayload
      : kind === 'home'
        ? HomePayload
        : kind === 'blocks'
          ? z.array(Block).max(LIMITS.messageBlocks)
          : MessagePayload;
  const result = schema.safeParse(payload);
  const issues: Issue[] = result.success ? [] : result.error.issues.map((i) => ({ path: i.path, message: i.message }));
  const blocks = Array.isArray(payload) ? payload : Array.isArray(record.blocks) ? record.blocks : [];
  issues.push(...idIssues(blocks));
  return issues.map((i) => `${pathText(i.path)}: ${i.message}`);
}

export class BlockLimitError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Block Kit payload breaks Slack's limits:\n${problems.slice(0, 20).join('\n')}`);
    this.name = 'BlockLimitError';
  }
}

/** Throws BlockLimitError listing every problem; returns the payload unchanged when it is within limits. */
export function assertWithinLimits<T>(payload: T): T {
  const problems = checkLimits(payload);
  if (problems.length > 0) throw new BlockLimitError(problems);
  return payload;
}
