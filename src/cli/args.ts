/** Argument parsing shared by the `api` subcommands (v1 and v2). */
import { parseArgs } from 'node:util';
import type { ModelArtsApi } from '../modelarts/index.js';
import { UsageError } from './types.js';

export type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

const COMMON: OptionSpec = { json: { type: 'boolean' }, timeout: { type: 'string' } };

export interface Parsed {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

export function parse(
  args: string[],
  options: OptionSpec,
  positionals: { min: number; max: number; usage: string },
): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split(/\.\s|\n/)[0]} — usage: ${positionals.usage}`);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) throw new UsageError(`usage: ${positionals.usage}`);
  return { positionals: parsed.positionals, values: parsed.values as Parsed['values'] };
}

export function intOption(values: Parsed['values'], name: string, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

export interface Sub {
  options: OptionSpec;
  positionals: { min: number; max: number; usage: string };
  run(api: ModelArtsApi, parsed: Parsed, print: (text: string) => void): Promise<void>;
}

export const json = (value: unknown): string => JSON.stringify(value, null, 2);

export function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
