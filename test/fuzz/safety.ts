/** What every payload rendered from upstream data must satisfy, whatever the data. */
import { expect } from 'vitest';
import { checkLimits } from '../../src/slack/blocks/limits.js';
import { FORBIDDEN_IN_MRKDWN } from './wire.js';

type Obj = Record<string, unknown>;

/** Strings Slack parses as mrkdwn: mrkdwn text objects, and a message's top-level fallback `text`. */
export function mrkdwnStrings(payload: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Obj;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    for (const value of Object.values(o)) if (value && typeof value === 'object') walk(value);
  };
  walk(payload);
  const top = payload as Obj;
  if (typeof top.text === 'string' && top.type !== 'modal' && top.type !== 'home') out.push(top.text);
  return out;
}

/** Every `url` field (buttons, links, images). */
export function urls(payload: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Obj)) {
      if ((key === 'url' || key === 'image_url') && typeof value === 'string') out.push(value);
      else walk(value);
    }
  };
  walk(payload);
  return out;
}

export function expectSafePayload(payload: unknown): void {
  expect(checkLimits(payload)).toEqual([]);
  for (const text of mrkdwnStrings(payload)) {
    for (const raw of FORBIDDEN_IN_MRKDWN) expect(text).not.toContain(raw);
  }
  // Button and image URLs must be web links (a javascript: or obs:// URL makes Slack reject the whole message).
  for (const url of urls(payload)) expect(url).toMatch(/^https?:\/\/[^\s<>]+$/);
  // The data has no lone surrogates, so any in the payload were made by a cut through a surrogate pair.
  expect(JSON.stringify(payload)).not.toMatch(
    /(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/,
  );
}
