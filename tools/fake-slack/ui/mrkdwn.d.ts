// Types for the browser module mrkdwn.js, so TypeScript tests can import it.

export type InlineNode =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'bold' | 'italic' | 'strike'; c: InlineNode[] }
  | { t: 'emoji'; name: string; v: string }
  | { t: 'link'; url: string; label: string }
  | { t: 'user' | 'channel' | 'usergroup'; id: string; label: string | null }
  | { t: 'special'; name: 'here' | 'channel' | 'everyone'; label: string | null }
  | { t: 'date'; ts: number; format: string; link: string | null; fallback: string };

export type BlockNode =
  | { t: 'line'; c: InlineNode[] }
  | { t: 'quote'; c: InlineNode[][] }
  | { t: 'list'; ordered: boolean; start: number; items: Array<{ indent: number; c: InlineNode[] }> }
  | { t: 'pre'; v: string };

export function decodeEntities(s: string): string;
export function emojiFor(name: string): string | null;
export function safeUrl(raw: string): string | null;
export function parseMrkdwn(text: string): BlockNode[];
export function parseInline(s: string): InlineNode[];
export function formatSlackDate(epochSeconds: number, format: string, nowMs?: number, timeZone?: string): string | null;
