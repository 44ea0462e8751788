/**
 * Turning untrusted strings (ModelArts names, paths, error texts, user input) into Slack text safely.
 *
 * Slack parses `&`, `<` and `>` in every text object (mrkdwn, plain_text and the top-level `text`): `<!channel>`,
 * `<@U123>` and `<https://evil|trusted>` only work when `<` arrives raw, so entity-encoding those three characters is
 * what keeps data from mentioning or spoofing anyone. Formatting characters have no official escape; where they would
 * change meaning they are swapped for look-alikes (the approach jsx-slack takes), and only there, so `learning_rate`
 * stays copyable.
 */

/** Bidi embedding/override/isolate controls and C0/C1 controls other than tab and newline: never meaningful in names,
 * and an RTL override would visually reorder the rest of our line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g;

const ENTITY = /&(?:amp|lt|gt);/y;

/** Look-alikes for mrkdwn delimiters (asterisk operator, modifier letter low macron, tilde operator, modifier grave). */
const LOOKALIKE: Readonly<Record<string, string>> = { '*': '\u2217', _: '\u02cd', '~': '\u223c', '`': '\u02cb' };

const WORD = /[\p{L}\p{N}]/u;

/** Half of a surrogate pair on its own is not valid text (JSON encoders and Slack mangle it): U+FFFD instead. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Drops control characters and repairs lone surrogates. */
export function stripControls(text: string): string {
  return text.replace(CONTROL, '').replace(LONE_SURROGATE, '\ufffd');
}

/** The minimum Slack requires: `&`, `<`, `>` as entities (in that order, so entities are not double-encoded). */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escapes untrusted text for mrkdwn: strips control characters, entity-encodes `&<>`, replaces `* _ ~ \`` with
 * look-alikes where they could open or close formatting (next to a non-word character or the string's edge; a `_`
 * between two letters cannot), and keeps a line-leading `>` from starting a block quote.
 */
export function escapeMrkdwn(text: string): string {
  const clean = escapeEntities(stripControls(text));
  let out = '';
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i] as string;
    const look = LOOKALIKE[c];
    if (look !== undefined) {
      const before = clean[i - 1];
      const after = clean[i + 1];
      const enclosed = before !== undefined && after !== undefined && WORD.test(before) && WORD.test(after);
      out += enclosed && c !== '`' ? c : look;
      continue;
    }
    out += c;
  }
  // A soft hyphen in front keeps `&gt;` at a line start from being read as a block quote.
  return out.replace(/(^|\n)(\s*)&gt;/g, '$1$2\u00ad&gt;');
}

/** escapeMrkdwn for one-line contexts (names, labels): whitespace runs and newlines become one space. */
export function escapeInline(text: string, max = 3000): string {
  // Ids, flavors and numbers (letters, digits, dots, hyphens) have nothing to escape; lists render thousands of them.
  if (text.length <= max && PLAIN.test(text)) return text;
  return truncate(escapeMrkdwn(text.replace(/\s+/g, ' ').trim()), max);
}

const PLAIN = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

let graphemes: Intl.Segmenter | null | undefined;
function segmenter(): Intl.Segmenter | null {
  if (graphemes === undefined) {
    graphemes = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter('en', { granularity: 'grapheme' }) : null;
  }
  return graphemes;
}

/** Largest safe cut index ≤ `cut`: not inside a surrogate pair, a grapheme cluster (when it can tell) or an entity. */
function safeCut(text: string, cut: number): number {
  let at = Math.max(0, Math.min(cut, text.length));
  const code = text.charCodeAt(at - 1);
  if (at > 0 && at < text.length && code >= 0xd800 && code <= 0xdbff) at--;
  const seg = segmenter();
  if (seg && at > 0 && at < text.length) {
    // Only a window around the cut is segmented, so a 1 MB string costs no more than a short one.
    const from = Math.max(0, at - 32);
    let boundary = from;
    for (const s of seg.segment(text.slice(from, Math.min(text.length, at + 32)))) {
      const end = from + s.index + s.segment.length;
      if (end > at) break;
      boundary = end;
    }
    if (boundary > from || from === 0) at = boundary;
  }
  // Never leave half an entity (`&am…`): back up to its `&`.
  for (let p = Math.max(0, at - 4); p < at; p++) {
    if (text[p] !== '&') continue;
    ENTITY.lastIndex = p;
    if (ENTITY.test(text) && ENTITY.lastIndex > at) return p;
  }
  return at;
}

/**
 * Cuts text to at most `max` UTF-16 units (Slack counts at least that many), ending with `…` when cut. Never splits a
 * surrogate pair, a grapheme cluster or an `&amp;`-style entity, so it is safe after escaping.
 */
export function truncate(text: string, max: number): string {
  if (!Number.isFinite(max) || max <= 0) return '';
  if (text.length <= max) return text;
  if (max === 1) return '…';
  const cut = safeCut(text, max - 1);
  return `${text.slice(0, cut).trimEnd()}…`;
}

/** Cuts from the front instead, keeping the end (log tails): `…` + the last part. */
export function truncateStart(text: string, max: number): string {
  if (!Number.isFinite(max) || max <= 0) return '';
  if (text.length <= max) return text;
  if (max === 1) return '…';
  // Cut where a forward cut of the same text would: a safe boundary at or after the needed start.
  let start = text.length - (max - 1);
  const code = text.charCodeAt(start);
  if (code >= 0xdc00 && code <= 0xdfff) start++;
  for (let p = Math.max(0, start - 4); p < start; p++) {
    if (text[p] !== '&') continue;
    ENTITY.lastIndex = p;
    if (ENTITY.test(text) && ENTITY.lastIndex > start) start = ENTITY.lastIndex;
  }
  return `…${text.slice(start)}`;
}

/**
 * Truncates mrkdwn we composed (escaped data plus our own markup): prefers a line boundary, never leaves one of our
 * `<…>` links half open and closes a code span it cut through.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 4) return truncate(text, max);
  const room = max - 2; // ellipsis plus a possible closing backtick
  let cut = text.lastIndexOf('\n', room);
  if (cut < room / 2) cut = safeCut(text, room);
  let head = text.slice(0, cut);
  const open = head.lastIndexOf('<');
  if (open > head.lastIndexOf('>')) head = head.slice(0, open);
  head = head.trimEnd();
  const ticks = head.split('```').length - 1;
  if (ticks % 2 === 1) {
    return `${head.slice(0, safeCut(head, max - 5)).trimEnd()}…\`\`\``;
  }
  const singles = (head.replace(/```/g, '').match(/`/g) ?? []).length;
  return singles % 2 === 1 ? `${head}…\`` : `${head}…`;
}

/** Inline code for untrusted text: backticks cannot end the span, newlines become spaces. Empty text gives `—`. */
export function codeSpan(text: string, max = 3000): string {
  const body = escapeEntities(stripControls(text).replace(/\s+/g, ' ').trim()).replace(/`/g, '\u02cb');
  if (body === '') return '—';
  return `\`${truncate(body, Math.max(1, max - 2))}\``;
}

/** A fenced code block for untrusted multi-line text; `keep: 'end'` keeps the last part (log tails). */
export function codeBlock(text: string, max = 3000, keep: 'start' | 'end' = 'start'): string {
  const body = escapeEntities(stripControls(text.replace(/\r\n?/g, '\n')))
    .replace(/`/g, '\u02cb')
    .replace(/^\n+|\s+$/g, '');
  if (body === '') return '';
  const room = Math.max(1, max - 6);
  const cut = keep === 'end' ? truncateStart(body, room) : truncate(body, room);
  return `\`\`\`${cut}\`\`\``;
}

/** The URL as an absolute http(s) URL of at most 3000 characters, or null (javascript:, relative, garbage). */
export function safeUrl(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || url.trim() === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (parsed.username !== '' || parsed.password !== '') return null;
  const href = parsed.href;
  return href.length <= 3000 ? href : null;
}

/**
 * A mrkdwn link `<url|label>`. The label is escaped; the URL must be http(s) (otherwise only the label is shown) and
 * has the characters that would end the link (`|`, `>`) percent-encoded.
 */
export function link(url: string | null | undefined, label: string, maxLabel = 200): string {
  const text = escapeInline(label, maxLabel);
  const href = safeUrl(url);
  if (href === null) return text;
  const encoded = href.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return `<${encoded}|${text === '' ? escapeInline(href, maxLabel) : text}>`;
}

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji: boolean;
}

/** A plain_text object: entities encoded (Slack decodes them there too), one line, cut to `max`, never empty. */
export function plainText(text: string | null | undefined, max: number, fallback = '—'): PlainText {
  const body = truncate(
    escapeEntities(
      stripControls(text ?? '')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
    max,
  );
  return { type: 'plain_text', text: body === '' ? truncate(fallback, max) || '-' : body, emoji: true };
}

/** Slack user ids as Slack issues them; anything else is never turned into a mention. */
const USER_ID = /^[UW][A-Z0-9]{2,30}$/;

/** `<@U123>` for a valid user id, null otherwise. */
export function mention(userId: string | null | undefined): string | null {
  return typeof userId === 'string' && USER_ID.test(userId) ? `<@${userId}>` : null;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,30}$/;

export function isChannelId(id: string | null | undefined): id is string {
  return typeof id === 'string' && CHANNEL_ID.test(id);
}

/**
 * Slack's `<!date^…>` token, rendered in each reader's own time zone (channel posts have many readers); `fallback` is
 * shown where the client cannot format it. Returns the escaped fallback alone for an unusable time.
 */
export function slackDate(epochMs: number | null | undefined, format: string, fallback: string): string {
  const safeFallback = escapeInline(fallback, 100).replace(/\|/g, '/');
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs) || epochMs < 0 || epochMs > 253402300799000) {
    return safeFallback;
  }
  return `<!date^${Math.floor(epochMs / 1000)}^${format}|${safeFallback}>`;
}
