// Block Kit → DOM for the demo page. Every string reaches the page through textContent or a checked attribute
// (never parsed as HTML), so whatever the bot sends — including hostile job names — is shown, not executed.

import { emojiFor, formatSlackDate, parseMrkdwn, safeUrl } from './mrkdwn.js';

/**
 * @typedef {object} RenderContext
 * @property {'message'|'modal'|'home'} surface
 * @property {Map<string, {name: string, realName?: string}>} users
 * @property {Map<string, {name: string}>} channels
 * @property {(action: object) => void} onAction      an element was used (block_actions)
 * @property {(channelId: string) => void} [onChannel] a #channel mention was clicked
 * @property {(blockId: string, actionId: string, read: () => object) => void} [registerInput] modal inputs
 * @property {Record<string, string>} [errors]         input errors by block_id
 * @property {(title: string, text: string, ok: string, deny: string) => Promise<boolean>} confirm
 */

/** Creates an element; children are nodes or strings (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'href' || k === 'src') {
      const safe = k === 'href' ? safeUrl(String(v)) : safeImage(String(v));
      if (safe) el.setAttribute(k, safe);
    } else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

function safeImage(raw) {
  try {
    const u = new URL(raw, location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'data:' ? u.href : null;
  } catch {
    return null;
  }
}

const str = (v) => (typeof v === 'string' ? v : '');

/** plain_text with `emoji: true` still turns :shortcodes: into emoji, as Slack does. */
function plainText(text, emoji = true) {
  const s = str(text);
  return emoji ? s.replace(/:([a-z0-9_+'-]+):/g, (all, name) => emojiFor(name) ?? all) : s;
}

/** A text object (plain_text or mrkdwn) as a node. */
export function renderText(obj, ctx, cls = '') {
  if (!obj || typeof obj !== 'object') return h('span', { class: cls });
  if (obj.type === 'mrkdwn') return renderMrkdwn(obj.text, ctx, cls);
  return h('span', { class: `plain ${cls}`.trim(), text: plainText(obj.text, obj.emoji !== false) });
}

/** mrkdwn as block-level nodes (lines, quotes, lists, preformatted). */
export function renderMrkdwn(text, ctx, cls = '') {
  const root = h('div', { class: `mrkdwn ${cls}`.trim() });
  for (const node of parseMrkdwn(str(text))) {
    if (node.t === 'line') root.append(h('div', { class: 'line' }, inline(node.c, ctx)));
    else if (node.t === 'pre') root.append(h('pre', { class: 'pre', text: node.v }));
    else if (node.t === 'quote') {
      root.append(
        h(
          'blockquote',
          {},
          node.c.map((l) => h('div', { class: 'line' }, inline(l, ctx))),
        ),
      );
    } else if (node.t === 'list') {
      const list = h(node.ordered ? 'ol' : 'ul', node.ordered && node.start !== 1 ? { start: node.start } : {});
      for (const item of node.items) {
        list.append(h('li', item.indent > 0 ? { class: 'indented' } : {}, inline(item.c, ctx)));
      }
      root.append(list);
    }
  }
  return root;
}

function inline(nodes, ctx) {
  return nodes.map((n) => {
    switch (n.t) {
      case 'text':
        return document.createTextNode(n.v);
      case 'bold':
        return h('b', {}, inline(n.c, ctx));
      case 'italic':
        return h('i', {}, inline(n.c, ctx));
      case 'strike':
        return h('s', {}, inline(n.c, ctx));
      case 'code':
        return h('code', { text: n.v });
      case 'emoji':
        return h('span', { class: 'emoji', title: `:${n.name}:`, text: n.v });
      case 'link':
        return h('a', { href: n.url, target: '_blank', rel: 'noopener noreferrer', text: n.label });
      case 'user': {
        const u = ctx.users.get(n.id);
        return h('span', { class: 'mention', text: `@${u?.name ?? n.label ?? n.id}` });
      }
      case 'channel': {
        const c = ctx.channels.get(n.id);
        return h('a', {
          class: 'mention channel-link',
          href: '#',
          onclick: (ev) => {
            ev.preventDefault();
            if (c) ctx.onChannel?.(n.id);
          },
          text: `#${c?.name ?? n.label ?? n.id}`,
        });
      }
      case 'usergroup':
        return h('span', { class: 'mention', text: n.label ?? `@${n.id}` });
      case 'special':
        return h('span', { class: 'mention special', text: `@${n.name}` });
      case 'date': {
        const text = formatSlackDate(n.ts, n.format, Date.now(), ctx.timeZone) ?? n.fallback;
        return n.link
          ? h('a', { href: n.link, target: '_blank', rel: 'noopener noreferrer', text })
          : h('span', { class: 'date', title: n.fallback, text });
      }
      default:
        return document.createTextNode('');
    }
  });
}

/** A list of blocks as one container. */
export function renderBlocks(blocks, ctx) {
  const root = h('div', { class: `blocks surface-${ctx.surface}` });
  for (const block of Array.isArray(blocks) ? blocks : []) {
    if (!block || typeof block !== 'object') continue;
    root.append(renderBlock(block, ctx));
  }
  return root;
}

function renderBlock(b, ctx) {
  const blockId = str(b.block_id);
  switch (b.type) {
    case 'section': {
      const main = h('div', { class: 'section-main' });
      if (b.text) main.append(renderText(b.text, ctx, 'section-text'));
      if (Array.isArray(b.fields) && b.fields.length) {
        main.append(
          h(
            'div',
            { class: 'fields' },
            b.fields.map((f) => h('div', { class: 'field' }, renderText(f, ctx))),
          ),
        );
      }
      const accessory = b.accessory ? h('div', { class: 'accessory' }, renderElement(b.accessory, blockId, ctx)) : null;
      return h('div', { class: 'block section', 'data-block-id': blockId }, main, accessory);
    }
    case 'header':
      return h('div', { class: 'block header', 'data-block-id': blockId, text: plainText(b.text?.text) });
    case 'context':
      return h(
        'div',
        { class: 'block context', 'data-block-id': blockId },
        (Array.isArray(b.elements) ? b.elements : []).map((e) =>
          e?.type === 'image'
            ? h('img', { class: 'context-image', src: e.image_url, alt: str(e.alt_text) })
            : renderText(e, ctx, 'context-text'),
        ),
      );
    case 'divider':
      return h('hr', { class: 'block divider', 'data-block-id': blockId });
    case 'image':
      return h(
        'figure',
        { class: 'block image', 'data-block-id': blockId },
        b.title ? h('figcaption', { text: plainText(b.title.text) }) : null,
        h('img', { src: b.image_url, alt: str(b.alt_text), loading: 'lazy' }),
      );
    case 'actions':
      return h(
        'div',
        { class: 'block actions', 'data-block-id': blockId },
        (Array.isArray(b.elements) ? b.elements : []).map((e) => renderElement(e, blockId, ctx)),
      );
    case 'input':
      return renderInput(b, ctx);
    case 'markdown':
      return h('div', { class: 'block markdown', 'data-block-id': blockId }, renderMrkdwn(b.text, ctx));
    case 'rich_text':
      return h('div', { class: 'block rich-text', 'data-block-id': blockId }, renderRichText(b.elements, ctx));
    default:
      return h('div', {
        class: 'block unsupported',
        text: `[${str(b.type) || 'unknown'} block — not shown by this fake]`,
      });
  }
}

function renderRichText(elements, ctx) {
  const out = [];
  for (const el of Array.isArray(elements) ? elements : []) {
    const parts = richInline(el.elements, ctx);
    if (el.type === 'rich_text_preformatted') out.push(h('pre', { class: 'pre' }, parts));
    else if (el.type === 'rich_text_quote') out.push(h('blockquote', {}, parts));
    else if (el.type === 'rich_text_list') {
      const list = h(el.style === 'ordered' ? 'ol' : 'ul');
      for (const item of Array.isArray(el.elements) ? el.elements : [])
        list.append(h('li', {}, richInline(item.elements, ctx)));
      out.push(list);
    } else out.push(h('div', { class: 'line' }, parts));
  }
  return out;
}

function richInline(elements, ctx) {
  return (Array.isArray(elements) ? elements : []).map((e) => {
    let node;
    switch (e?.type) {
      case 'text':
        node = document.createTextNode(str(e.text));
        break;
      case 'link':
        node = h('a', { href: e.url, target: '_blank', rel: 'noopener noreferrer', text: str(e.text) || str(e.url) });
        break;
      case 'emoji':
        node = h('span', { class: 'emoji', text: emojiFor(str(e.name)) ?? `:${str(e.name)}:` });
        break;
      case 'user':
        node = h('span', { class: 'mention', text: `@${ctx.users.get(e.user_id)?.name ?? str(e.user_id)}` });
        break;
      case 'channel':
        node = h('span', { class: 'mention', text: `#${ctx.channels.get(e.channel_id)?.name ?? str(e.channel_id)}` });
        break;
      case 'broadcast':
        node = h('span', { class: 'mention special', text: `@${str(e.range)}` });
        break;
      default:
        node = document.createTextNode('');
    }
    const s = e?.style ?? {};
    if (s.code) node = h('code', {}, node);
    if (s.strike) node = h('s', {}, node);
    if (s.italic) node = h('i', {}, node);
    if (s.bold) node = h('b', {}, node);
    return node;
  });
}

async function confirmed(el, ctx) {
  const c = el.confirm;
  if (!c) return true;
  return ctx.confirm(
    plainText(c.title?.text ?? 'Are you sure?'),
    str(c.text?.text),
    plainText(c.confirm?.text ?? 'Yes'),
    plainText(c.deny?.text ?? 'Cancel'),
  );
}

function openUrl(url) {
  const safe = safeUrl(str(url));
  if (safe) window.open(safe, '_blank', 'noopener,noreferrer');
}

function optionsOf(el) {
  if (Array.isArray(el.options)) return el.options;
  if (Array.isArray(el.option_groups)) return el.option_groups.flatMap((g) => g.options ?? []);
  return [];
}

/** An interactive element in a section accessory or an actions block. */
function renderElement(el, blockId, ctx) {
  if (!el || typeof el !== 'object') return null;
  const actionId = str(el.action_id);
  const fire = (extra) => ctx.onAction({ actionId, blockId, ...extra });
  switch (el.type) {
    case 'button': {
      const label = plainText(el.text?.text);
      const cls = `btn${el.style === 'primary' ? ' primary' : el.style === 'danger' ? ' danger' : ''}${el.url ? ' link-button' : ''}`;
      return h(
        'button',
        {
          type: 'button',
          class: cls,
          'data-action-id': actionId,
          'aria-label': el.accessibility_label ?? undefined,
          title: el.url ? (safeUrl(str(el.url)) ?? '') : undefined,
          onclick: async () => {
            if (!(await confirmed(el, ctx))) return;
            // URL buttons open the link and still send block_actions, like Slack.
            if (el.url) openUrl(el.url);
            fire(el.value !== undefined ? { value: el.value } : {});
          },
        },
        label,
        el.url ? h('span', { class: 'external', text: ' ↗' }) : null,
      );
    }
    case 'overflow': {
      const menu = h('div', { class: 'menu overflow-menu', hidden: true, role: 'menu' });
      for (const o of optionsOf(el)) {
        menu.append(
          h('button', {
            type: 'button',
            class: 'menu-item',
            role: 'menuitem',
            text: plainText(o.text?.text),
            onclick: async () => {
              menu.hidden = true;
              if (!(await confirmed(el, ctx))) return;
              if (o.url) openUrl(o.url);
              fire({ value: o.value });
            },
          }),
        );
      }
      const toggle = h('button', {
        type: 'button',
        class: 'btn overflow',
        'data-action-id': actionId,
        'aria-label': 'More actions',
        text: '⋮',
        onclick: (ev) => {
          ev.stopPropagation();
          const open = menu.hidden;
          for (const m of document.querySelectorAll('.overflow-menu')) m.hidden = true;
          menu.hidden = !open;
        },
      });
      return h('div', { class: 'overflow-wrap' }, toggle, menu);
    }
    case 'static_select':
    case 'external_select':
    case 'conversations_select':
    case 'channels_select':
    case 'users_select': {
      const select = selectFor(el, ctx);
      select.dataset.actionId = actionId;
      select.addEventListener('change', async () => {
        if (!(await confirmed(el, ctx))) return;
        const v = select.value;
        if (el.type === 'conversations_select') fire({ selectedConversation: v });
        else if (el.type === 'channels_select') fire({ selectedConversation: v });
        else if (el.type === 'users_select') fire({ selectedUser: v });
        else fire({ value: v });
      });
      return select;
    }
    case 'datepicker': {
      const input = h('input', { type: 'date', value: str(el.initial_date), 'data-action-id': actionId });
      input.addEventListener('change', () => fire({ selectedDate: input.value }));
      return input;
    }
    case 'image':
      return h('img', { class: 'accessory-image', src: el.image_url, alt: str(el.alt_text) });
    default:
      return h('span', { class: 'unsupported', text: `[${str(el.type)}]` });
  }
}

function selectFor(el, ctx) {
  const select = h('select', { class: 'select' });
  const placeholder = plainText(el.placeholder?.text) || 'Select an item';
  select.append(h('option', { value: '', text: placeholder }));
  if (el.type === 'conversations_select' || el.type === 'channels_select' || el.type === 'multi_conversations_select') {
    const include = el.filter?.include;
    for (const [id, c] of ctx.channels) {
      // As in Slack: pickers never offer archived conversations, and the element's filter narrows the rest.
      if (c.isIm || c.isArchived) continue;
      if (Array.isArray(include) && !include.includes(c.isPrivate ? 'private' : 'public')) continue;
      select.append(h('option', { value: id, text: `${c.isPrivate ? '🔒' : '#'}${c.name}` }));
    }
    const initial = el.initial_conversation ?? el.initial_channel;
    if (initial) select.value = initial;
  } else if (el.type === 'users_select') {
    for (const [id, u] of ctx.users)
      if (!u.isBot) select.append(h('option', { value: id, text: u.realName ?? u.name }));
    if (el.initial_user) select.value = el.initial_user;
  } else {
    if (Array.isArray(el.option_groups)) {
      for (const g of el.option_groups) {
        const group = h('optgroup', { label: plainText(g.label?.text) });
        for (const o of g.options ?? [])
          group.append(h('option', { value: str(o.value), text: plainText(o.text?.text) }));
        select.append(group);
      }
    } else {
      for (const o of optionsOf(el)) select.append(h('option', { value: str(o.value), text: plainText(o.text?.text) }));
    }
    if (el.initial_option?.value) select.value = el.initial_option.value;
  }
  return select;
}

/** An input block in a modal (or Home): a form control that reports Slack's state shape on submit. */
function renderInput(b, ctx) {
  const blockId = str(b.block_id);
  const el = b.element ?? {};
  const actionId = str(el.action_id);
  const id = `input-${blockId}`;
  let control;
  let read;
  switch (el.type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input': {
      const attrs = {
        id,
        class: 'text-input',
        placeholder: plainText(el.placeholder?.text),
        maxlength: el.max_length,
        'data-action-id': actionId,
      };
      control = el.multiline
        ? h('textarea', { ...attrs, rows: 4 })
        : h('input', {
            ...attrs,
            type:
              el.type === 'number_input'
                ? 'number'
                : el.type === 'email_text_input'
                  ? 'email'
                  : el.type === 'url_text_input'
                    ? 'url'
                    : 'text',
          });
      if (typeof el.initial_value === 'string') control.value = el.initial_value;
      read = () => ({ type: el.type, value: control.value === '' ? null : control.value });
      break;
    }
    case 'external_select': {
      // Options come from the app as the user types (block_suggestion), once the query is long enough.
      let chosen = el.initial_option ?? null;
      const input = h('input', {
        type: 'text',
        id,
        class: 'text-input',
        autocomplete: 'off',
        placeholder: plainText(el.placeholder?.text),
        'data-action-id': actionId,
      });
      if (chosen) input.value = plainText(chosen.text?.text);
      const list = h('div', { class: 'suggestions', role: 'listbox' });
      input.addEventListener('input', async () => {
        chosen = null;
        const query = input.value;
        list.replaceChildren();
        if (query.length < (el.min_query_length ?? 3) || !ctx.suggest) return;
        const options = await ctx.suggest({ actionId, value: query });
        if (input.value !== query) return;
        for (const o of options) {
          const item = h('button', {
            type: 'button',
            role: 'option',
            class: 'suggestion',
            text: plainText(o.text?.text),
          });
          item.addEventListener('click', () => {
            chosen = o;
            input.value = plainText(o.text?.text);
            list.replaceChildren();
          });
          list.append(item);
        }
      });
      control = h('div', { class: 'external-select' }, input, list);
      read = () => ({ type: el.type, selected_option: chosen });
      break;
    }
    case 'static_select':
    case 'conversations_select':
    case 'channels_select':
    case 'users_select': {
      control = selectFor(el, ctx);
      control.id = id;
      control.dataset.actionId = actionId;
      const key =
        el.type === 'conversations_select'
          ? 'selected_conversation'
          : el.type === 'channels_select'
            ? 'selected_channel'
            : el.type === 'users_select'
              ? 'selected_user'
              : 'selected_option';
      read = () => {
        const v = control.value;
        if (key !== 'selected_option') return { type: el.type, [key]: v || null };
        const o = optionsOf(el).find((x) => x.value === v);
        return { type: el.type, selected_option: o ?? null };
      };
      break;
    }
    case 'checkboxes':
    case 'radio_buttons': {
      const multi = el.type === 'checkboxes';
      const boxes = optionsOf(el).map((o) => {
        const input = h('input', { type: multi ? 'checkbox' : 'radio', name: id, value: str(o.value) });
        const initial = multi
          ? (el.initial_options ?? []).some((x) => x.value === o.value)
          : el.initial_option?.value === o.value;
        input.checked = initial;
        return { o, input, row: h('label', { class: 'choice' }, input, renderText(o.text, ctx)) };
      });
      control = h(
        'div',
        { id, class: 'choices', 'data-action-id': actionId },
        boxes.map((x) => x.row),
      );
      read = () => {
        const chosen = boxes.filter((x) => x.input.checked).map((x) => x.o);
        return multi
          ? { type: el.type, selected_options: chosen }
          : { type: el.type, selected_option: chosen[0] ?? null };
      };
      break;
    }
    case 'datepicker': {
      control = h('input', { id, type: 'date', value: str(el.initial_date), 'data-action-id': actionId });
      read = () => ({ type: el.type, selected_date: control.value || null });
      break;
    }
    default:
      control = h('span', { class: 'unsupported', text: `[${str(el.type)} input]` });
      read = () => ({ type: el.type });
  }
  if (el.focus_on_load) control.setAttribute('autofocus', '');
  ctx.registerInput?.(blockId, actionId, read, b.optional === true);
  const error = ctx.errors?.[blockId];
  return h(
    'div',
    { class: `block input${error ? ' has-error' : ''}`, 'data-block-id': blockId },
    h(
      'label',
      { for: id, class: 'input-label' },
      plainText(b.label?.text),
      b.optional ? h('span', { class: 'optional', text: ' (optional)' }) : null,
    ),
    control,
    b.hint ? h('div', { class: 'hint', text: plainText(b.hint.text) }) : null,
    error ? h('div', { class: 'input-error', role: 'alert', text: error }) : null,
  );
}

/** Legacy attachments and unfurls: a colour bar with blocks or title/text/fields. */
export function renderAttachment(a, ctx) {
  if (!a || typeof a !== 'object') return null;
  const named = { danger: '#e01e5a', good: '#2eb67d', warning: '#ecb22e' };
  const raw = str(a.color);
  const color = /^#?[0-9a-f]{3,8}$/i.test(raw)
    ? `#${raw.replace(/^#/, '')}`
    : Object.hasOwn(named, raw)
      ? named[raw]
      : '#dddddd';
  const bar = h('div', { class: 'attachment-bar' });
  bar.style.background = color;
  const body = h('div', { class: 'attachment-body' });
  if (a.title)
    body.append(
      a.title_link
        ? h('a', {
            class: 'attachment-title',
            href: a.title_link,
            target: '_blank',
            rel: 'noopener noreferrer',
            text: str(a.title),
          })
        : h('div', { class: 'attachment-title', text: str(a.title) }),
    );
  if (a.text) body.append(renderMrkdwn(a.text, ctx));
  if (Array.isArray(a.fields)) {
    body.append(
      h(
        'div',
        { class: 'fields' },
        a.fields.map((f) => h('div', { class: 'field' }, h('b', { text: str(f.title) }), renderMrkdwn(f.value, ctx))),
      ),
    );
  }
  if (Array.isArray(a.blocks)) body.append(renderBlocks(a.blocks, ctx));
  if (a.footer) body.append(h('div', { class: 'context-text', text: str(a.footer) }));
  return h('div', { class: 'attachment' }, bar, body);
}
