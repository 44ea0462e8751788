/**
 * Loose Block Kit checks, the ones real Slack enforces with `invalid_blocks` (or `invalid_arguments` for views), so
 * a payload the bot renders wrongly fails here instead of only in production. Deliberately independent of the app's
 * own zod limits (src/slack/blocks/limits.ts): two implementations of the same table catch each other's mistakes.
 */

export interface BlockProblem {
  pointer: string;
  message: string;
}

export type Surface = 'message' | 'modal' | 'home';

/** Slack reports msg_blocks_too_long somewhat above 13k characters of block text (notes §1, bolt-js#2509). */
export const MAX_BLOCK_TEXT_CHARS = 13_200;

const KNOWN_BLOCKS = new Set([
  'section',
  'header',
  'context',
  'divider',
  'image',
  'actions',
  'input',
  'rich_text',
  'markdown',
  'file',
  'video',
  'table',
  'context_actions',
  'card',
  'carousel',
  'alert',
  'data_table',
  'task_card',
  'plan',
  'container',
]);

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly problems: BlockProblem[] = [];
  textChars = 0;

  add(pointer: string, message: string): void {
    this.problems.push({ pointer, message });
  }

  str(v: unknown, p: string, max: number, { required = false, min = 0 } = {}): void {
    if (v === undefined || v === null) {
      if (required) this.add(p, 'missing required field');
      return;
    }
    if (typeof v !== 'string') {
      this.add(p, 'must be a string');
      return;
    }
    if (v.length > max) this.add(p, `must be at most ${max} characters`);
    if (v.length < min) this.add(p, `must be at least ${min} characters`);
  }

  text(v: unknown, p: string, max: number, opts: { plainOnly?: boolean; required?: boolean } = {}): void {
    if (v === undefined) {
      if (opts.required) this.add(p, 'missing required field');
      return;
    }
    if (!isObj(v)) {
      this.add(p, 'must be a text object');
      return;
    }
    if (v.type !== 'plain_text' && v.type !== 'mrkdwn') {
      this.add(`${p}/type`, 'must be plain_text or mrkdwn');
      return;
    }
    if (opts.plainOnly && v.type !== 'plain_text') this.add(`${p}/type`, 'must be plain_text');
    if (typeof v.text !== 'string') {
      this.add(`${p}/text`, 'must be a string');
      return;
    }
    if (v.text.length === 0) this.add(`${p}/text`, 'must be at least 1 characters');
    if (v.text.length > max) this.add(`${p}/text`, `must be at most ${max} characters`);
    this.textChars += v.text.length;
  }

  confirm(v: unknown, p: string): void {
    if (v === undefined) return;
    if (!isObj(v)) {
      this.add(p, 'must be a confirm object');
      return;
    }
    this.text(v.title, `${p}/title`, 100, { plainOnly: true });
    this.text(v.text, `${p}/text`, 300, { required: true });
    this.text(v.confirm, `${p}/confirm`, 30, { plainOnly: true });
    this.text(v.deny, `${p}/deny`, 30, { plainOnly: true });
  }

  option(v: unknown, p: string, { plainOnly = true, allowUrl = false } = {}): void {
    if (!isObj(v)) {
      this.add(p, 'must be an option object');
      return;
    }
    this.text(v.text, `${p}/text`, 75, { plainOnly, required: true });
    this.str(v.value, `${p}/value`, 150, { required: true });
    this.text(v.description, `${p}/description`, 75, { plainOnly });
    if (v.url !== undefined) {
      if (!allowUrl) this.add(`${p}/url`, 'url is only allowed in overflow menus');
      this.str(v.url, `${p}/url`, 3000);
    }
  }

  options(v: unknown, p: string, min: number, max: number, opts: { plainOnly?: boolean; allowUrl?: boolean } = {}) {
    if (!Array.isArray(v)) {
      this.add(p, 'must be an array');
      return;
    }
    if (v.length < min) this.add(p, `must have at least ${min} items`);
    if (v.length > max) this.add(p, `must have at most ${max} items`);
    for (const [i, o] of v.entries()) this.option(o, `${p}/${i}`, opts);
  }

  element(v: unknown, p: string, where: 'actions' | 'accessory' | 'input' | 'context'): void {
    if (!isObj(v)) {
      this.add(p, 'must be an element object');
      return;
    }
    const type = v.type;
    if (typeof type !== 'string') {
      this.add(`${p}/type`, 'missing required field');
      return;
    }
    if (where !== 'context') this.str(v.action_id, `${p}/action_id`, 255);
    this.confirm(v.confirm, `${p}/confirm`);
    switch (type) {
      case 'button':
        this.text(v.text, `${p}/text`, 75, { plainOnly: true, required: true });
        this.str(v.value, `${p}/value`, 2000);
        this.str(v.url, `${p}/url`, 3000);
        this.str(v.accessibility_label, `${p}/accessibility_label`, 75);
        if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') {
          this.add(`${p}/style`, 'must be primary or danger');
        }
        return;
      case 'overflow':
        this.options(v.options, `${p}/options`, 1, 5, { allowUrl: true });
        return;
      case 'static_select':
      case 'multi_static_select':
        this.text(v.placeholder, `${p}/placeholder`, 150, { plainOnly: true });
        if (v.options !== undefined) this.options(v.options, `${p}/options`, 1, 100);
        else if (Array.isArray(v.option_groups)) {
          if (v.option_groups.length > 100) this.add(`${p}/option_groups`, 'must have at most 100 items');
          v.option_groups.forEach((g, i) => {
            if (!isObj(g)) {
              this.add(`${p}/option_groups/${i}`, 'must be an option group');
              return;
            }
            this.text(g.label, `${p}/option_groups/${i}/label`, 75, { plainOnly: true, required: true });
            this.options(g.options, `${p}/option_groups/${i}/options`, 1, 100);
          });
        } else this.add(`${p}/options`, 'options or option_groups is required');
        return;
      case 'checkboxes':
      case 'radio_buttons':
        this.options(v.options, `${p}/options`, 1, 10, { plainOnly: false });
        return;
      case 'plain_text_input':
        this.text(v.placeholder, `${p}/placeholder`, 150, { plainOnly: true });
        if (typeof v.max_length === 'number' && v.max_length > 3000) {
          this.add(`${p}/max_length`, 'must be at most 3000');
        }
        this.str(v.initial_value, `${p}/initial_value`, 3000);
        return;
      case 'image':
        if (v.image_url === undefined && v.slack_file === undefined)
          this.add(`${p}/image_url`, 'missing required field');
        this.str(v.image_url, `${p}/image_url`, 3000);
        this.str(v.alt_text, `${p}/alt_text`, 2000, { required: true });
        return;
      case 'mrkdwn':
      case 'plain_text':
        if (where !== 'context') this.add(`${p}/type`, 'text objects are only allowed in context blocks');
        this.text(v, p, 3000);
        return;
      case 'conversations_select':
      case 'multi_conversations_select':
      case 'channels_select':
      case 'multi_channels_select':
      case 'users_select':
      case 'multi_users_select':
      case 'external_select':
      case 'multi_external_select':
      case 'datepicker':
      case 'timepicker':
      case 'datetimepicker':
      case 'number_input':
      case 'email_text_input':
      case 'url_text_input':
      case 'rich_text_input':
      case 'file_input':
      case 'workflow_button':
      case 'feedback_buttons':
      case 'icon_button':
        this.text(v.placeholder, `${p}/placeholder`, 150, { plainOnly: true });
        return;
      default:
        this.add(`${p}/type`, `unsupported element type ${type}`);
    }
  }

  block(b: unknown, p: string, blockIds: Set<string>): void {
    if (!isObj(b)) {
      this.add(p, 'must be a block object');
      return;
    }
    const type = b.type;
    if (typeof type !== 'string' || !KNOWN_BLOCKS.has(type)) {
      this.add(`${p}/type`, `unknown block type ${String(type)}`);
      return;
    }
    if (b.block_id !== undefined) {
      this.str(b.block_id, `${p}/block_id`, 255, { min: 1 });
      if (typeof b.block_id === 'string') {
        if (blockIds.has(b.block_id)) this.add(`${p}/block_id`, `duplicate block_id ${b.block_id}`);
        blockIds.add(b.block_id);
      }
    }
    switch (type) {
      case 'section': {
        if (b.text === undefined && b.fields === undefined) this.add(p, 'section needs text or fields');
        this.text(b.text, `${p}/text`, 3000);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields)) this.add(`${p}/fields`, 'must be an array');
          else {
            if (b.fields.length > 10) this.add(`${p}/fields`, 'must have at most 10 items');
            for (const [i, f] of b.fields.entries()) this.text(f, `${p}/fields/${i}`, 2000);
          }
        }
        if (b.accessory !== undefined) this.element(b.accessory, `${p}/accessory`, 'accessory');
        return;
      }
      case 'header':
        this.text(b.text, `${p}/text`, 150, { plainOnly: true, required: true });
        return;
      case 'context':
        if (!Array.isArray(b.elements)) {
          this.add(`${p}/elements`, 'must be an array');
          return;
        }
        if (b.elements.length < 1 || b.elements.length > 10) this.add(`${p}/elements`, 'must have 1 to 10 items');
        for (const [i, e] of b.elements.entries()) this.element(e, `${p}/elements/${i}`, 'context');
        return;
      case 'image':
        if (b.image_url === undefined && b.slack_file === undefined)
          this.add(`${p}/image_url`, 'missing required field');
        this.str(b.image_url, `${p}/image_url`, 3000);
        this.str(b.alt_text, `${p}/alt_text`, 2000, { required: true });
        this.text(b.title, `${p}/title`, 2000, { plainOnly: true });
        return;
      case 'actions': {
        if (!Array.isArray(b.elements)) {
          this.add(`${p}/elements`, 'must be an array');
          return;
        }
        if (b.elements.length < 1 || b.elements.length > 25) this.add(`${p}/elements`, 'must have 1 to 25 items');
        const actionIds = new Set<string>();
        b.elements.forEach((e, i) => {
          this.element(e, `${p}/elements/${i}`, 'actions');
          if (isObj(e) && typeof e.action_id === 'string') {
            if (actionIds.has(e.action_id)) this.add(`${p}/elements/${i}/action_id`, 'duplicate action_id');
            actionIds.add(e.action_id);
          }
        });
        return;
      }
      case 'input':
        this.text(b.label, `${p}/label`, 2000, { plainOnly: true, required: true });
        this.text(b.hint, `${p}/hint`, 2000, { plainOnly: true });
        if (b.element === undefined) this.add(`${p}/element`, 'missing required field');
        else this.element(b.element, `${p}/element`, 'input');
        return;
      case 'markdown':
        this.str(b.text, `${p}/text`, 12_000, { required: true, min: 1 });
        if (typeof b.text === 'string') this.textChars += b.text.length;
        return;
      default:
        return;
    }
  }
}

/** Problems Slack would reject `blocks` for on `surface` (empty when fine). */
export function checkBlocks(blocks: unknown, surface: Surface, base = '/blocks'): BlockProblem[] {
  return runBlocks(blocks, surface, base).problems;
}

function runBlocks(blocks: unknown, surface: Surface, base: string): Checker {
  const c = new Checker();
  if (!Array.isArray(blocks)) {
    c.add(base, 'must be an array');
    return c;
  }
  const max = surface === 'message' ? 50 : 100;
  if (blocks.length > max) c.add(base, `must have at most ${max} items`);
  const ids = new Set<string>();
  for (const [i, b] of blocks.entries()) c.block(b, `${base}/${i}`, ids);
  return c;
}

/** Total characters of text objects in `blocks` (what msg_blocks_too_long counts). */
export function blockTextChars(blocks: unknown): number {
  return runBlocks(blocks, 'home', '/blocks').textChars;
}

/** Problems Slack would reject a modal or Home view for (views.open/update/push/publish answer invalid_arguments). */
export function checkView(view: unknown, base = '/view'): BlockProblem[] {
  const c = new Checker();
  if (!isObj(view)) {
    c.add(base, 'must be a view object');
    return c.problems;
  }
  if (view.type !== 'modal' && view.type !== 'home') {
    c.add(`${base}/type`, 'must be modal or home');
    return c.problems;
  }
  if (view.type === 'modal') {
    c.text(view.title, `${base}/title`, 24, { plainOnly: true, required: true });
    c.text(view.submit, `${base}/submit`, 24, { plainOnly: true });
    c.text(view.close, `${base}/close`, 24, { plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined)
      c.add(`${base}/submit`, 'submit is required when a view has input blocks');
  }
  c.str(view.private_metadata, `${base}/private_metadata`, 3000);
  c.str(view.callback_id, `${base}/callback_id`, 255);
  c.str(view.external_id, `${base}/external_id`, 255);
  c.problems.push(...checkBlocks(view.blocks, view.type === 'modal' ? 'modal' : 'home', `${base}/blocks`));
  return c.problems;
}

/** Slack's response_metadata.messages lines for problems. */
export function problemMessages(problems: BlockProblem[]): string[] {
  return problems.map((p) => `[ERROR] ${p.message} [json-pointer:${p.pointer}]`);
}
