// The demo's Slack stand-in: a channel view over the fake Slack's state. It reads /ui/state, re-reads it whenever
// /ui/events says something changed, and turns typing and clicks into /ui/* calls, which the server sends to the
// bot as correctly signed Slack requests.

import { h, renderAttachment, renderBlocks, renderMrkdwn } from './blocks.js';

const $ = (id) => document.getElementById(id);

const ui = {
  data: null,
  me: localStorage.getItem('fake-slack-user'),
  /** { kind: 'channel', id } | { kind: 'app', tab: 'home' | 'messages' } */
  current: null,
  /** { channel, ts } of the open thread */
  thread: null,
  highlight: null,
  modalKey: null,
  modalInputs: new Map(),
  seenNotices: 0,
  loading: false,
  dirty: false,
  lastHomeOpened: 0,
};

// ---- server calls ---------------------------------------------------------------------------------------------

async function post(path, body) {
  try {
    const res = await fetch(`/ui/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: ui.me, ...body }),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok || json.ok === false) {
      if (json.error && json.error !== 'unknown_command' && json.error !== 'no_bot') toast(describe(json));
    }
    return json;
  } catch (err) {
    toast(`The fake Slack server is not reachable (${err.message}).`);
    return { ok: false };
  }
}

function describe(json) {
  if (json.outcome === 'operation_timeout') return 'The app did not answer within 3 seconds (operation_timeout).';
  if (json.outcome === 'dispatch_failed') return 'The app could not be reached (dispatch_failed).';
  if (json.outcome === 'http_error') return `The app answered HTTP ${json.status}.`;
  return `Something went wrong: ${json.error ?? 'unknown error'}`;
}

async function load() {
  if (ui.loading) {
    ui.dirty = true;
    return;
  }
  ui.loading = true;
  try {
    const qs = ui.me ? `?user=${encodeURIComponent(ui.me)}` : '';
    const res = await fetch(`/ui/state${qs}`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    ui.data = await res.json();
    if (!ui.me || !ui.data.users.some((u) => u.id === ui.me)) {
      ui.me = ui.data.me;
      localStorage.setItem('fake-slack-user', ui.me);
    }
    if (!ui.current) {
      ui.current = initialLocation();
      if (ui.current.kind === 'app' && ui.current.tab === 'home') openHome();
    }
    render();
  } catch (err) {
    toast(`Could not load the workspace (${err.message}).`);
  } finally {
    ui.loading = false;
    if (ui.dirty) {
      ui.dirty = false;
      load();
    }
  }
}

function initialLocation() {
  const m = /^\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})/.exec(location.pathname);
  if (m && ui.data.channels.some((c) => c.id === m[1])) {
    ui.highlight = `${m[2]}.${m[3]}`;
    const threadTs = new URLSearchParams(location.search).get('thread_ts');
    if (threadTs) ui.thread = { channel: m[1], ts: threadTs };
    return { kind: 'channel', id: m[1] };
  }
  if (location.hash === '#home') return { kind: 'app', tab: 'home' };
  const first = ui.data.channels.find((c) => !c.isIm && c.canRead && !c.isArchived);
  return first ? { kind: 'channel', id: first.id } : { kind: 'app', tab: 'home' };
}

// ---- helpers --------------------------------------------------------------------------------------------------

/** The signed-in user's Slack time zone: Slack shows times and `<!date>` tokens in it, not in the browser's. */
function viewerTimeZone() {
  return ui.data.users.find((u) => u.id === ui.me)?.tz;
}

function maps() {
  return {
    users: new Map(ui.data.users.map((u) => [u.id, u])),
    channels: new Map(ui.data.channels.map((c) => [c.id, c])),
    timeZone: viewerTimeZone(),
  };
}

function tsTime(ts) {
  const d = new Date(Number(ts) * 1000);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', timeZone: viewerTimeZone() });
}

function tsFull(ts) {
  return new Date(Number(ts) * 1000).toLocaleString([], { timeZone: viewerTimeZone() });
}

function userName(id) {
  if (id === 'USLACKBOT') return 'Slackbot';
  const u = ui.data.users.find((x) => x.id === id);
  return u ? (u.isBot ? u.name : u.realName || u.name) : id;
}

function isBot(id) {
  return id === ui.data.bot.userId || id === 'USLACKBOT';
}

function currentChannelId() {
  if (ui.current?.kind === 'channel') return ui.current.id;
  if (ui.current?.kind === 'app' && ui.current.tab === 'messages') return ui.data.imChannel;
  return null;
}

function toast(text) {
  const t = h('div', { class: 'toast', role: 'status', text });
  $('toasts').append(t);
  setTimeout(() => t.remove(), 6000);
}

/** An in-page confirm dialog (Block Kit confirm objects); native dialogs would block automation. */
function confirmDialog(title, text, ok, deny) {
  return new Promise((resolve) => {
    const close = (v) => {
      overlay.remove();
      resolve(v);
    };
    const overlay = h(
      'div',
      { class: 'overlay confirm-overlay' },
      h(
        'div',
        { class: 'dialog confirm', role: 'alertdialog', 'aria-label': title },
        h('h2', { text: title }),
        renderMrkdwn(text, { ...maps(), surface: 'modal' }),
        h(
          'div',
          { class: 'dialog-footer' },
          h('button', { type: 'button', class: 'btn', text: deny, onclick: () => close(false) }),
          h('button', { type: 'button', class: 'btn primary', text: ok, onclick: () => close(true) }),
        ),
      ),
    );
    document.body.append(overlay);
  });
}

function ctxFor(surface, extra = {}) {
  return {
    surface,
    ...maps(),
    confirm: confirmDialog,
    onChannel: (id) => select({ kind: 'channel', id }),
    onAction: () => undefined,
    ...extra,
  };
}

function select(location) {
  ui.current = location;
  ui.thread = null;
  ui.highlight = null;
  history.replaceState(null, '', location.kind === 'app' ? '/#home' : '/');
  if (location.kind === 'app' && location.tab === 'home') openHome();
  render();
  $('composer-input').focus();
}

function openHome() {
  // Slack sends app_home_opened each time the tab is opened; the bot refreshes the view then.
  ui.lastHomeOpened = Date.now();
  post('home-opened', { tab: 'home' });
}

// ---- rendering ------------------------------------------------------------------------------------------------

function render() {
  const d = ui.data;
  document.title = `${d.team.name} · fake Slack`;
  $('team-name').textContent = d.team.name;
  $('banner').hidden = d.hasBot;
  renderSidebar();
  renderMain();
  renderThread();
  renderModal();
  renderNotices();
}

function renderSidebar() {
  const d = ui.data;
  const list = $('channel-list');
  list.replaceChildren();
  for (const c of d.channels.filter((x) => !x.isIm && x.canRead)) {
    const active = ui.current?.kind === 'channel' && ui.current.id === c.id;
    list.append(
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: `nav-item${active ? ' active' : ''}${c.isArchived ? ' archived' : ''}`,
            'data-channel-id': c.id,
            'aria-label': `#${c.name}`,
            onclick: () => select({ kind: 'channel', id: c.id }),
          },
          h('span', { class: 'hash', text: c.isPrivate ? '🔒' : '#' }),
          c.name,
        ),
      ),
    );
  }
  const apps = $('app-list');
  apps.replaceChildren(
    h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          id: 'nav-app',
          class: `nav-item${ui.current?.kind === 'app' ? ' active' : ''}`,
          onclick: () => select({ kind: 'app', tab: 'home' }),
        },
        h('span', { class: 'app-icon', text: 'M' }),
        d.bot.name,
      ),
    ),
  );
  const sel = $('user-select');
  sel.replaceChildren(
    ...d.users.filter((u) => !u.isBot).map((u) => h('option', { value: u.id, text: `${u.realName} (@${u.name})` })),
  );
  sel.value = ui.me;
}

function renderMain() {
  const d = ui.data;
  const { channels } = maps();
  const title = $('channel-title');
  const topic = $('channel-topic');
  const tabs = $('app-tabs');
  const composer = $('composer');
  const input = $('composer-input');
  const note = $('composer-note');
  const homeEl = $('home');
  const messagesEl = $('messages');
  if (ui.current.kind === 'app') {
    title.textContent = d.bot.name;
    topic.textContent = 'App';
    tabs.hidden = false;
    for (const b of tabs.querySelectorAll('button')) b.classList.toggle('active', b.dataset.tab === ui.current.tab);
    if (ui.current.tab === 'home') {
      homeEl.hidden = false;
      messagesEl.hidden = true;
      composer.hidden = true;
      note.hidden = true;
      renderHome();
      return;
    }
    homeEl.hidden = true;
    messagesEl.hidden = false;
    composer.hidden = true;
    note.hidden = false;
    note.textContent = 'Sending messages to this app has been turned off.';
    renderMessages(d.imChannel);
    return;
  }
  const c = channels.get(ui.current.id);
  tabs.hidden = true;
  homeEl.hidden = true;
  messagesEl.hidden = false;
  title.textContent = c ? `${c.isPrivate ? '🔒' : '#'}${c.name}` : ui.current.id;
  topic.textContent = c?.topic ?? '';
  if (c?.isArchived) {
    composer.hidden = true;
    note.hidden = false;
    note.textContent = `You are viewing #${c.name}, an archived channel.`;
  } else {
    composer.hidden = false;
    note.hidden = true;
    // A phone's composer has room for the channel's name only.
    const narrow = window.matchMedia('(max-width: 640px)').matches;
    input.placeholder = `Message #${c?.name ?? ''}${narrow ? '' : ' — try /modelarts help'}`;
  }
  renderMessages(ui.current.id);
}

function renderHome() {
  const el = $('home');
  const home = ui.data.home;
  el.replaceChildren();
  if (!home) {
    const text = ui.data.hasBot
      ? 'Loading the app’s Home tab…'
      : 'No bot is connected, so the app has not published a Home tab.';
    el.append(h('div', { class: 'empty', text }));
    return;
  }
  el.append(
    renderBlocks(home.view.blocks, ctxFor('home', { onAction: (a) => post('action', { ...a, viewId: home.view.id }) })),
  );
}

function timeline(channelId) {
  const d = ui.data;
  const items = (d.messages[channelId] ?? []).map((m) => ({ kind: 'message', ts: m.ts, m }));
  for (const e of d.ephemerals) {
    if (e.channel === channelId && !e.thread_ts) items.push({ kind: 'ephemeral', ts: e.ts, m: e });
  }
  return items.sort((a, b) => Number(a.ts) - Number(b.ts));
}

function renderMessages(channelId) {
  const el = $('messages');
  const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  const keep = el.scrollTop;
  el.replaceChildren();
  const items = channelId ? timeline(channelId) : [];
  if (items.length === 0) {
    el.append(h('div', { class: 'empty', text: 'No messages yet. Type /modelarts help below to start.' }));
  }
  let previousDay = '';
  for (const item of items) {
    const day = new Date(Number(item.ts) * 1000).toDateString();
    if (day !== previousDay) {
      el.append(h('div', { class: 'day-divider' }, h('span', { text: day })));
      previousDay = day;
    }
    el.append(item.kind === 'ephemeral' ? renderEphemeral(item.m) : renderMessage(item.m, { inThread: false }));
  }
  if (ui.highlight) {
    const target = el.querySelector(`[data-ts="${CSS.escape(ui.highlight)}"]`);
    if (target) {
      target.classList.add('highlight');
      target.scrollIntoView({ block: 'center' });
      ui.highlight = null;
      return;
    }
  }
  el.scrollTop = atBottom ? el.scrollHeight : keep;
}

function messageShell(m, { author, ephemeral, inThread }) {
  const bot = isBot(author);
  const initials = (userName(author) || '?').slice(0, 1).toUpperCase();
  return h(
    'article',
    {
      class: `msg${ephemeral ? ' ephemeral' : ''}${bot ? ' from-bot' : ''}`,
      'data-ts': m.ts,
      'data-testid': ephemeral ? 'ephemeral-message' : inThread ? 'thread-message' : 'message',
    },
    h('div', { class: `avatar${bot ? ' bot' : ''}`, text: bot && author !== 'USLACKBOT' ? 'M' : initials }),
    h(
      'div',
      { class: 'msg-body' },
      h(
        'div',
        { class: 'meta' },
        h('span', { class: 'author', text: userName(author) }),
        bot ? h('span', { class: 'badge', text: 'APP' }) : null,
        h('time', { class: 'time', title: tsFull(m.ts), text: tsTime(m.ts) }),
      ),
    ),
  );
}

function content(m, ctx) {
  const wrap = h('div', { class: 'content' });
  if (Array.isArray(m.blocks) && m.blocks.length > 0) wrap.append(renderBlocks(m.blocks, ctx));
  else wrap.append(renderMrkdwn(m.text, ctx));
  for (const a of m.attachments ?? []) {
    const node = renderAttachment(a, ctx);
    if (node) wrap.append(node);
  }
  return wrap;
}

function renderMessage(m, { inThread }) {
  const shell = messageShell(m, { author: m.user, ephemeral: false, inThread });
  const body = shell.querySelector('.msg-body');
  if (m.subtype === 'thread_broadcast' && !inThread) {
    body.append(h('div', { class: 'broadcast-note', text: 'replied to a thread:' }));
  }
  if (m.subtype === 'tombstone') {
    body.append(h('div', { class: 'tombstone', text: 'This message was deleted.' }));
  } else {
    const ctx = ctxFor('message', {
      onAction: (a) => post('action', { ...a, channelId: m.channel, messageTs: m.ts }),
    });
    body.append(content(m, ctx));
    for (const [url, u] of Object.entries(m.unfurls ?? {})) {
      const node = renderAttachment({ ...u, ...(u.blocks ? {} : { title: u.title ?? url }) }, ctx);
      if (node) body.append(h('div', { class: 'unfurl', 'data-url': url }, node));
    }
  }
  if (m.edited) body.append(h('span', { class: 'edited', title: tsFull(m.edited.ts), text: '(edited)' }));
  if (!inThread && m.reply_count > 0) {
    body.append(
      h('button', {
        type: 'button',
        class: 'thread-link',
        text: `${m.reply_count} ${m.reply_count === 1 ? 'reply' : 'replies'}`,
        onclick: () => openThread(m.channel, m.ts),
      }),
    );
  }
  if (m.subtype !== 'tombstone') shell.append(hoverActions(m, inThread));
  return shell;
}

function hoverActions(m, inThread) {
  const menu = h('div', { class: 'menu message-menu', hidden: true, role: 'menu' });
  for (const s of ui.data.shortcuts.filter((x) => x.type === 'message')) {
    menu.append(
      h('button', {
        type: 'button',
        class: 'menu-item',
        role: 'menuitem',
        text: s.name,
        onclick: () => {
          menu.hidden = true;
          post('message-shortcut', { callbackId: s.callbackId, channelId: m.channel, messageTs: m.ts });
        },
      }),
    );
  }
  menu.append(
    h('button', {
      type: 'button',
      class: 'menu-item',
      role: 'menuitem',
      text: 'Copy link',
      onclick: async () => {
        menu.hidden = true;
        const link = `${location.origin}/archives/${m.channel}/p${m.ts.replace('.', '')}`;
        await navigator.clipboard?.writeText(link).catch(() => undefined);
        toast('Link copied.');
      },
    }),
  );
  return h(
    'div',
    { class: 'hover-actions' },
    inThread
      ? null
      : h('button', {
          type: 'button',
          class: 'icon-button',
          title: 'Reply in thread',
          'aria-label': 'Reply in thread',
          text: '💬',
          onclick: () => openThread(m.channel, m.ts),
        }),
    h('button', {
      type: 'button',
      class: 'icon-button more-actions',
      title: 'More actions',
      'aria-label': 'More actions',
      text: '⋯',
      onclick: (ev) => {
        ev.stopPropagation();
        const open = menu.hidden;
        for (const x of document.querySelectorAll('.message-menu')) x.hidden = true;
        menu.hidden = !open;
      },
    }),
    menu,
  );
}

function renderEphemeral(e) {
  const shell = messageShell(e, { author: e.author, ephemeral: true, inThread: Boolean(e.thread_ts) });
  const body = shell.querySelector('.msg-body');
  body.prepend(
    h(
      'div',
      { class: 'ephemeral-note' },
      h('span', { text: '👁 Only visible to you' }),
      h('button', {
        type: 'button',
        class: 'dismiss',
        text: 'Dismiss',
        onclick: () => post('dismiss', { ephemeralId: e.id }),
      }),
    ),
  );
  body.append(
    content(
      e,
      ctxFor('message', {
        onAction: (a) => post('action', { ...a, channelId: e.channel, messageTs: e.ts, ephemeral: true }),
      }),
    ),
  );
  return shell;
}

function openThread(channel, ts) {
  ui.thread = { channel, ts };
  renderThread();
  $('thread-input').focus();
}

function renderThread() {
  const panel = $('thread-panel');
  if (!ui.thread) {
    panel.hidden = true;
    return;
  }
  const { channel, ts } = ui.thread;
  const parent = (ui.data.messages[channel] ?? []).find((m) => m.ts === ts);
  panel.hidden = false;
  const list = $('thread-messages');
  list.replaceChildren();
  if (!parent) {
    list.append(h('div', { class: 'empty', text: 'This thread is no longer available.' }));
    return;
  }
  const c = ui.data.channels.find((x) => x.id === channel);
  $('thread-title').textContent = c ? `Thread in #${c.name}` : 'Thread';
  list.append(renderMessage(parent, { inThread: true }));
  const replies = parent.replies.map((r) => ({ ts: r.ts, node: () => renderMessage(r, { inThread: true }) }));
  for (const e of ui.data.ephemerals.filter((x) => x.channel === channel && x.thread_ts === ts)) {
    replies.push({ ts: e.ts, node: () => renderEphemeral(e) });
  }
  replies.sort((a, b) => Number(a.ts) - Number(b.ts));
  list.append(
    h('div', {
      class: 'reply-count',
      text: `${parent.replies.length} ${parent.replies.length === 1 ? 'reply' : 'replies'}`,
    }),
  );
  for (const r of replies) list.append(r.node());
  $('thread-composer').hidden = Boolean(c?.isArchived);
}

function renderModal() {
  const root = $('modal-root');
  const top = ui.data.modals.at(-1);
  const key = top ? `${top.view.id}:${top.view.hash}:${JSON.stringify(top.errors)}:${top.problem ?? ''}` : null;
  if (key === ui.modalKey) return;
  // Keep what the user typed when only errors or a problem changed on the same view.
  const previousValues = new Map();
  if (top && ui.modalKey?.startsWith(`${top.view.id}:${top.view.hash}:`)) {
    for (const [blockId, entry] of ui.modalInputs) previousValues.set(blockId, entry.control());
  }
  ui.modalKey = key;
  ui.modalInputs = new Map();
  root.replaceChildren();
  if (!top) return;
  const v = top.view;
  const form = h('form', {
    class: 'dialog modal',
    role: 'dialog',
    'aria-modal': 'true',
    'aria-label': v.title?.text ?? 'Modal',
    novalidate: true,
  });
  const ctx = ctxFor('modal', {
    errors: top.errors,
    onAction: (a) => post('action', { ...a, viewId: v.id, values: collectValues() }),
    suggest: async (q) => (await post('suggest', { ...q, viewId: v.id })).options ?? [],
    registerInput: (blockId, actionId, read, optional) => {
      ui.modalInputs.set(blockId, { actionId, read, optional, control: () => null });
    },
  });
  const body = h('div', { class: 'modal-body' }, renderBlocks(v.blocks, ctx));
  for (const [blockId, node] of previousValues) {
    const el = body.querySelector(`#input-${CSS.escape(blockId)}`);
    if (el && node !== null && 'value' in el) el.value = node;
  }
  for (const [blockId, entry] of ui.modalInputs) {
    entry.control = () => {
      const el = body.querySelector(`#input-${CSS.escape(blockId)}`);
      return el && 'value' in el ? el.value : null;
    };
  }
  form.append(
    ...[
      h(
        'header',
        { class: 'modal-header' },
        h('h2', { text: v.title?.text ?? '' }),
        h('button', {
          type: 'button',
          class: 'icon-button close',
          'aria-label': 'Close',
          text: '✕',
          onclick: () => closeModal(v.id),
        }),
      ),
      top.problem ? h('div', { class: 'modal-problem', role: 'alert', text: top.problem }) : null,
      body,
      h(
        'footer',
        { class: 'dialog-footer' },
        h('button', { type: 'button', class: 'btn', text: v.close?.text ?? 'Cancel', onclick: () => closeModal(v.id) }),
        v.submit ? h('button', { type: 'submit', class: 'btn primary', text: v.submit.text }) : null,
      ),
    ].filter(Boolean),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const values = collectValues();
    const missing = [...ui.modalInputs.entries()].filter(
      ([blockId, entry]) => !entry.optional && isEmpty(values[blockId]?.[entry.actionId]),
    );
    for (const el of form.querySelectorAll('.client-error')) el.remove();
    if (missing.length > 0) {
      for (const [blockId] of missing) {
        const block = form.querySelector(`[data-block-id="${CSS.escape(blockId)}"]`);
        block?.append(
          h('div', { class: 'input-error client-error', role: 'alert', text: 'Please complete this required field.' }),
        );
      }
      return;
    }
    const submit = form.querySelector('button[type=submit]');
    if (submit) submit.disabled = true;
    await post('view-submit', { viewId: v.id, values });
    if (submit) submit.disabled = false;
  });
  root.append(h('div', { class: 'overlay' }, form));
  form.querySelector('input, textarea, select')?.focus();
}

function isEmpty(entry) {
  if (!entry) return true;
  for (const k of [
    'value',
    'selected_conversation',
    'selected_channel',
    'selected_user',
    'selected_option',
    'selected_date',
  ]) {
    if (k in entry) return entry[k] === null || entry[k] === '';
  }
  if (Array.isArray(entry.selected_options)) return entry.selected_options.length === 0;
  return false;
}

function collectValues() {
  const values = {};
  for (const [blockId, entry] of ui.modalInputs) values[blockId] = { [entry.actionId]: entry.read() };
  return values;
}

function closeModal(viewId) {
  post('view-close', { viewId });
}

function renderNotices() {
  for (const n of ui.data.notices) {
    if (n.at > ui.seenNotices) toast(n.text);
  }
  ui.seenNotices = Math.max(ui.seenNotices, ...ui.data.notices.map((n) => n.at));
}

// ---- composer -------------------------------------------------------------------------------------------------

function renderCommandHint() {
  const input = $('composer-input');
  const hint = $('command-hint');
  const text = input.value;
  hint.replaceChildren();
  if (!text.startsWith('/') || text.includes(' ')) {
    hint.hidden = true;
    return;
  }
  const matches = ui.data.commands.filter((c) => c.command.startsWith(text));
  hint.hidden = matches.length === 0;
  for (const c of matches) {
    hint.append(
      h(
        'button',
        {
          type: 'button',
          class: 'command-suggestion',
          onclick: () => {
            input.value = `${c.command} `;
            renderCommandHint();
            input.focus();
          },
        },
        h('b', { text: c.command }),
        c.usageHint ? h('span', { class: 'usage', text: ` ${c.usageHint}` }) : null,
        c.description ? h('div', { class: 'description', text: c.description }) : null,
      ),
    );
  }
}

async function send() {
  const input = $('composer-input');
  const text = input.value.trim();
  const channelId = currentChannelId();
  if (!text || !channelId) return;
  input.value = '';
  renderCommandHint();
  if (text.startsWith('/')) await post('command', { channelId, text });
  else await post('message', { channelId, text });
}

async function sendThreadReply() {
  const input = $('thread-input');
  const text = input.value.trim();
  if (!text || !ui.thread) return;
  input.value = '';
  if (text.startsWith('/')) {
    toast('Slash commands cannot be used in threads.');
    return;
  }
  await post('message', { channelId: ui.thread.channel, text, threadTs: ui.thread.ts });
}

function renderShortcutMenu() {
  const menu = $('shortcut-menu');
  menu.replaceChildren(h('div', { class: 'menu-title', text: 'Shortcuts' }));
  const globals = ui.data.shortcuts.filter((s) => s.type === 'global');
  if (globals.length === 0) menu.append(h('div', { class: 'menu-item', text: 'No shortcuts' }));
  for (const s of globals) {
    menu.append(
      h(
        'button',
        {
          type: 'button',
          class: 'menu-item',
          role: 'menuitem',
          onclick: () => {
            menu.hidden = true;
            post('shortcut', { callbackId: s.callbackId });
          },
        },
        h('b', { text: s.name }),
        h('span', { class: 'usage', text: ` ${ui.data.bot.name}` }),
      ),
    );
  }
}

// ---- wiring ---------------------------------------------------------------------------------------------------

function wire() {
  $('composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    send();
  });
  $('composer-input').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      send();
    }
  });
  $('composer-input').addEventListener('input', renderCommandHint);
  $('thread-composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sendThreadReply();
  });
  $('thread-input').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      sendThreadReply();
    }
  });
  $('thread-close').addEventListener('click', () => {
    ui.thread = null;
    renderThread();
  });
  $('shortcut-button').addEventListener('click', (ev) => {
    ev.stopPropagation();
    renderShortcutMenu();
    $('shortcut-menu').hidden = !$('shortcut-menu').hidden;
  });
  for (const b of $('app-tabs').querySelectorAll('button')) {
    b.addEventListener('click', () => select({ kind: 'app', tab: b.dataset.tab }));
  }
  $('user-select').addEventListener('change', (ev) => {
    ui.me = ev.target.value;
    localStorage.setItem('fake-slack-user', ui.me);
    ui.modalKey = null;
    ui.seenNotices = Date.now();
    load();
  });
  document.addEventListener('click', (ev) => {
    if (!(ev.target instanceof Element) || !ev.target.closest('.menu')) {
      for (const m of document.querySelectorAll('.menu')) if (m.id !== 'command-hint') m.hidden = true;
    }
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      for (const m of document.querySelectorAll('.menu')) m.hidden = true;
    }
  });

  const events = new EventSource('/ui/events');
  events.addEventListener('change', () => load());
  events.addEventListener('error', () => {
    // EventSource reconnects by itself; a reload after it catches up keeps the page current.
  });
}

ui.seenNotices = Date.now();
wire();
load();
