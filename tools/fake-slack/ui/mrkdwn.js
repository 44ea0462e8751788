// Slack mrkdwn → a small syntax tree. Pure (no DOM), so Node tests can check it; blocks.js turns the tree into DOM
// nodes with textContent only, which is what keeps hostile text (job names like `<!channel>`) inert.

/** @typedef {{t: string, [k: string]: unknown}} MdNode */

const EMOJI = {
  '+1': '👍',
  '-1': '👎',
  abacus: '🧮',
  alarm_clock: '⏰',
  arrow_down: '⬇️',
  arrow_left: '⬅️',
  arrow_right: '➡️',
  arrow_up: '⬆️',
  arrows_counterclockwise: '🔄',
  bar_chart: '📊',
  bell: '🔔',
  black_circle: '⚫',
  boom: '💥',
  brain: '🧠',
  bulb: '💡',
  calendar: '📅',
  card_index_dividers: '🗂️',
  chart_with_downwards_trend: '📉',
  chart_with_upwards_trend: '📈',
  checkered_flag: '🏁',
  clipboard: '📋',
  clock3: '🕒',
  cloud: '☁️',
  computer: '💻',
  construction: '🚧',
  desktop_computer: '🖥️',
  eyes: '👀',
  file_folder: '📁',
  fire: '🔥',
  floppy_disk: '💾',
  gear: '⚙️',
  grey_question: '❔',
  hammer_and_wrench: '🛠️',
  heart: '❤️',
  heavy_check_mark: '✔️',
  heavy_multiplication_x: '✖️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  information_source: 'ℹ️',
  key: '🔑',
  label: '🏷️',
  large_blue_circle: '🔵',
  large_green_circle: '🟢',
  large_orange_circle: '🟠',
  large_purple_circle: '🟣',
  large_yellow_circle: '🟡',
  link: '🔗',
  lock: '🔒',
  mag: '🔍',
  memo: '📝',
  microscope: '🔬',
  no_bell: '🔕',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  open_file_folder: '📂',
  package: '📦',
  page_facing_up: '📄',
  pushpin: '📌',
  question: '❓',
  red_circle: '🔴',
  repeat: '🔁',
  robot_face: '🤖',
  rocket: '🚀',
  round_pushpin: '📍',
  satellite: '📡',
  scroll: '📜',
  skull: '💀',
  small_red_triangle: '🔺',
  small_red_triangle_down: '🔻',
  sparkles: '✨',
  speech_balloon: '💬',
  star: '⭐',
  stop_sign: '🛑',
  stopwatch: '⏱️',
  tada: '🎉',
  test_tube: '🧪',
  thumbsdown: '👎',
  thumbsup: '👍',
  timer_clock: '⏲️',
  twisted_rightwards_arrows: '🔀',
  unlock: '🔓',
  warning: '⚠️',
  wave: '👋',
  white_check_mark: '✅',
  white_circle: '⚪',
  x: '❌',
  zap: '⚡',
};

/** Slack's three entities; nothing else is entity-encoded in mrkdwn. */
export function decodeEntities(s) {
  return s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** Unicode for a `:shortcode:`, or null. */
export function emojiFor(name) {
  return Object.hasOwn(EMOJI, name) ? EMOJI[name] : null;
}

/** Only these schemes become clickable links. */
export function safeUrl(raw) {
  const url = decodeEntities(raw).trim();
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.href : null;
  } catch {
    return null;
  }
}

const QUOTE = /^(?:&gt;|>)\s?/;
const LIST_ITEM = /^(\s*)(?:([•◦▪‣*-])|(\d{1,3})[.)])\s+(.*)$/;

/** Parses mrkdwn into block-level nodes: paragraph lines, quotes, lists and preformatted text. */
export function parseMrkdwn(text) {
  const out = [];
  const source = String(text ?? '');
  const fence = /```([\s\S]*?)```/g;
  let last = 0;
  for (const m of source.matchAll(fence)) {
    if (m.index > last) out.push(...parseLines(source.slice(last, m.index)));
    out.push({ t: 'pre', v: decodeEntities(m[1].replace(/^\n/, '').replace(/\n$/, '')) });
    last = m.index + m[0].length;
  }
  if (last < source.length) out.push(...parseLines(source.slice(last)));
  return out;
}

function parseLines(chunk) {
  const lines = chunk.split('\n');
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (QUOTE.test(line)) {
      const quoted = [];
      while (i < lines.length && QUOTE.test(lines[i])) {
        quoted.push(lines[i].replace(QUOTE, ''));
        i++;
      }
      out.push({ t: 'quote', c: quoted.map((l) => parseInline(l)) });
      continue;
    }
    if (LIST_ITEM.test(line)) {
      const first = LIST_ITEM.exec(line);
      const ordered = first[3] !== undefined;
      const items = [];
      while (i < lines.length) {
        const m = LIST_ITEM.exec(lines[i]);
        if (!m || (m[3] !== undefined) !== ordered) break;
        items.push({ indent: m[1].length, c: parseInline(m[4]) });
        i++;
      }
      out.push({ t: 'list', ordered, start: ordered ? Number(first[3]) : 1, items });
      continue;
    }
    out.push({ t: 'line', c: parseInline(line) });
    i++;
  }
  // Leading/trailing empty lines are what Slack trims when it shows a message.
  while (out.length && out[0].t === 'line' && out[0].c.length === 0) out.shift();
  while (out.length && out.at(-1).t === 'line' && out.at(-1).c.length === 0) out.pop();
  return out;
}

const isWordChar = (ch) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
const isSpace = (ch) => ch === undefined || /\s/.test(ch);

/** Inline mrkdwn of one line: formatting, code, links, mentions, emoji. */
export function parseInline(s) {
  const nodes = [];
  let buf = '';
  const flush = () => {
    if (buf) nodes.push({ t: 'text', v: decodeEntities(buf) });
    buf = '';
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch === '<') {
      const end = s.indexOf('>', i + 1);
      if (end > i + 1) {
        flush();
        nodes.push(angle(s.slice(i + 1, end)));
        i = end + 1;
        continue;
      }
    }
    if (ch === '`') {
      const end = s.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        nodes.push({ t: 'code', v: decodeEntities(s.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if ((ch === '*' || ch === '_' || ch === '~') && !isWordChar(s[i - 1]) && !isSpace(s[i + 1]) && s[i + 1] !== ch) {
      const end = closing(s, i + 1, ch);
      if (end !== -1) {
        flush();
        const kind = ch === '*' ? 'bold' : ch === '_' ? 'italic' : 'strike';
        nodes.push({ t: kind, c: parseInline(s.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (ch === ':') {
      const m = /^:([a-z0-9_+'-]+):/.exec(s.slice(i));
      const emoji = m && emojiFor(m[1]);
      if (emoji) {
        flush();
        nodes.push({ t: 'emoji', name: m[1], v: emoji });
        i += m[0].length;
        continue;
      }
    }
    buf += ch;
    i++;
  }
  flush();
  return nodes;
}

function closing(s, from, ch) {
  for (let j = from; j < s.length; j++) {
    if (s[j] === '<' || s[j] === '`') {
      // Markup never closes inside a link or code span.
      const end = s.indexOf(s[j] === '<' ? '>' : '`', j + 1);
      if (end !== -1) j = end;
      continue;
    }
    if (s[j] === ch && !isSpace(s[j - 1]) && !isWordChar(s[j + 1])) return j;
  }
  return -1;
}

/** `<…>` constructs: links, user/channel/group mentions, special mentions, dates. */
function angle(inner) {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? null : decodeEntities(inner.slice(bar + 1));
  if (target.startsWith('@')) return { t: 'user', id: target.slice(1), label };
  if (target.startsWith('#')) return { t: 'channel', id: target.slice(1), label };
  if (target.startsWith('!')) {
    const body = target.slice(1);
    if (body.startsWith('subteam^')) return { t: 'usergroup', id: body.slice('subteam^'.length), label };
    if (body.startsWith('date^')) {
      const [, ts, format, link] = body.split('^');
      return {
        t: 'date',
        ts: Number(ts),
        format: format ?? '',
        link: link ? safeUrl(link) : null,
        fallback: label ?? '',
      };
    }
    if (body === 'here' || body === 'channel' || body === 'everyone') return { t: 'special', name: body, label };
    return { t: 'text', v: label ?? `<${decodeEntities(inner)}>` };
  }
  const url = safeUrl(target);
  if (url) return { t: 'link', url, label: label ?? decodeEntities(target) };
  // Not a link Slack would make: show what was written, as text.
  return { t: 'text', v: label ?? decodeEntities(target) };
}

const ORDINAL = (n) => {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return n + (s[(v - 20) % 10] ?? s[v] ?? s[0]);
};

/** `<!date^…>` tokens rendered in the viewer's time zone, like Slack does. */
export function formatSlackDate(epochSeconds, format, nowMs = Date.now(), timeZone) {
  if (!Number.isFinite(epochSeconds)) return null;
  const d = new Date(epochSeconds * 1000);
  const opts = timeZone ? { timeZone } : {};
  const part = (o) => new Intl.DateTimeFormat('en-US', { ...opts, ...o }).format(d);
  const dayNum = Number(part({ day: 'numeric' }));
  // Days as the viewer sees them: "today" in Berlin is not "today" in UTC around midnight.
  const dayOf = (x) =>
    new Intl.DateTimeFormat('en-CA', { ...opts, year: 'numeric', month: '2-digit', day: '2-digit' }).format(x);
  const sameDay = (a, b) => dayOf(a) === dayOf(b);
  const now = new Date(nowMs);
  const pretty = (fallback) => {
    if (sameDay(d, now)) return 'today';
    if (sameDay(d, new Date(nowMs - 86_400_000))) return 'yesterday';
    if (sameDay(d, new Date(nowMs + 86_400_000))) return 'tomorrow';
    return fallback;
  };
  const ago = () => {
    const diff = Math.round((nowMs - d.getTime()) / 1000);
    const abs = Math.abs(diff);
    const [n, unit] =
      abs < 60
        ? [abs, 'second']
        : abs < 3600
          ? [Math.round(abs / 60), 'minute']
          : abs < 86400
            ? [Math.round(abs / 3600), 'hour']
            : [Math.round(abs / 86400), 'day'];
    const label = `${n} ${unit}${n === 1 ? '' : 's'}`;
    return diff >= 0 ? `${label} ago` : `in ${label}`;
  };
  const dateLong = `${part({ weekday: 'long' })}, ${part({ month: 'long' })} ${ORDINAL(dayNum)}, ${part({ year: 'numeric' })}`;
  const date = `${part({ month: 'long' })} ${ORDINAL(dayNum)}, ${part({ year: 'numeric' })}`;
  const dateShort = part({ month: 'short', day: 'numeric', year: 'numeric' });
  const tokens = {
    date_num: new Intl.DateTimeFormat('en-CA', { ...opts, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      d,
    ),
    date,
    date_short: dateShort,
    date_long: dateLong,
    date_pretty: pretty(date),
    date_short_pretty: pretty(dateShort),
    date_long_pretty: pretty(dateLong),
    time: part({ hour: 'numeric', minute: '2-digit' }),
    time_secs: part({ hour: 'numeric', minute: '2-digit', second: '2-digit' }),
    ago: ago(),
  };
  return format.replace(/\{(\w+)\}/g, (all, name) => (Object.hasOwn(tokens, name) ? tokens[name] : all));
}
