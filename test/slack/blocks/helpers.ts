/**
 * Checks every rendered payload must pass: Slack's limits, and no angle-bracket control sequence that did not come
 * from us. Data can only reach Slack's parser through a raw `<`, so every raw `<` must start one of our own tokens:
 * a `<!date^…>`, a mention of a known creator, a channel link of a known channel, or a link to a URL we supplied.
 */
import { expect } from 'vitest';
import { assertWithinLimits } from '../../../src/slack/blocks/index.js';
import { CONSOLE, TENSORBOARD } from './fixtures.js';

const ALLOWED_USERS = new Set(['UALICE01', 'UBOB0002', 'UVIEWER1']);
const ALLOWED_CHANNELS = new Set(['C0GENERAL', 'C0OPS']);
const ALLOWED_URLS = [CONSOLE, TENSORBOARD];

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** Every raw `<…` in the payload that is not one of ours. */
export function foreignTokens(payload: unknown): string[] {
  const bad: string[] = [];
  for (const s of strings(payload)) {
    for (let i = s.indexOf('<'); i >= 0; i = s.indexOf('<', i + 1)) {
      const rest = s.slice(i, i + 200);
      const ok =
        /^<!date\^\d+\^\{[a-z_]+\}(?: \{[a-z_]+\})?\|[^<>|]*>/.test(rest) ||
        ((m) => m !== null && ALLOWED_USERS.has(m[1] ?? ''))(/^<@([UW][A-Z0-9]+)>/.exec(rest)) ||
        ((m) => m !== null && ALLOWED_CHANNELS.has(m[1] ?? ''))(/^<#([CGD][A-Z0-9]+)>/.exec(rest)) ||
        ALLOWED_URLS.some((u) => rest.startsWith(`<${u}`));
      if (!ok) bad.push(rest.slice(0, 60));
    }
  }
  return bad;
}

/** Within limits, nothing foreign, and (for messages) a meaningful fallback text. */
export function expectSafe<T>(payload: T): T {
  assertWithinLimits(payload);
  expect(foreignTokens(payload)).toEqual([]);
  const all = strings(payload).join('\n');
  for (const raw of ['<!channel>', '<!here', '<!everyone>', '<@U123>', '<#C123', '<https://evil']) {
    expect(all).not.toContain(raw);
  }
  // No lone surrogates (a cut through an emoji) anywhere.
  expect(all).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  const p = payload as { type?: string; text?: unknown };
  if (p.type !== 'modal' && p.type !== 'home') {
    expect(typeof p.text).toBe('string');
    expect((p.text as string).trim().length).toBeGreaterThan(3);
  }
  return payload;
}

type Obj = Record<string, unknown>;

function textOf(t: unknown): string {
  return typeof t === 'object' && t !== null ? String((t as Obj).text ?? '') : '';
}

function element(e: Obj): string {
  switch (e.type) {
    case 'button':
      return `[${textOf(e.text)}](${String(e.action_id)}${e.url ? ` ${String(e.url)}` : ''}${e.value ? ` ${String(e.value)}` : ''}${e.style ? ` ${String(e.style)}` : ''})`;
    case 'mrkdwn':
    case 'plain_text':
      return textOf(e);
    default:
      return `<${String(e.type)} ${String(e.action_id ?? '')}>`;
  }
}

/** A compact, reviewable text form of a payload (what snapshots and the closing note show). */
export function compactText(payload: unknown): string {
  const p = payload as Obj;
  const lines: string[] = [];
  if (p.type === 'modal' || p.type === 'home') {
    lines.push(
      `${String(p.type)}${p.title ? ` "${textOf(p.title)}"` : ''}${p.callback_id ? ` (${String(p.callback_id)})` : ''}`,
    );
  } else lines.push(`text: ${String(p.text)}`);
  for (const block of (p.blocks as Obj[] | undefined) ?? []) {
    switch (block.type) {
      case 'header':
        lines.push(`# ${textOf(block.text)}`);
        break;
      case 'section': {
        const body = block.text
          ? textOf(block.text)
          : ((block.fields as Obj[] | undefined) ?? []).map((f) => textOf(f).replace(/\n/g, ' ')).join(' | ');
        lines.push(`${body}${block.accessory ? `   ${element(block.accessory as Obj)}` : ''}`);
        break;
      }
      case 'context':
        lines.push(`  ~ ${((block.elements as Obj[]) ?? []).map(element).join(' | ')}`);
        break;
      case 'actions':
        lines.push(((block.elements as Obj[]) ?? []).map(element).join(' '));
        break;
      case 'divider':
        lines.push('---');
        break;
      case 'input':
        lines.push(
          `[input ${String(block.block_id)}: ${textOf(block.label)} <${String((block.element as Obj).type)}>]`,
        );
        break;
      default:
        lines.push(`<${String(block.type)}>`);
    }
  }
  if (p.metadata) lines.push(`metadata: ${JSON.stringify(p.metadata)}`);
  return lines.join('\n');
}
