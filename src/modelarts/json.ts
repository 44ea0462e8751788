/**
 * JSON parsing that never loses digits. The aom-log cursor `start_line` arrives as a bare 19-digit number
 * (notes §6.5) that JSON.parse would round; integers beyond Number.MAX_SAFE_INTEGER are kept as their exact decimal
 * text instead. Bodies without a run of 16+ digits cannot hold such a number and take the fast native path.
 */
import { parse as parseLossless } from 'lossless-json';

const MAYBE_UNSAFE = /\d{16,}/;
const INTEGER = /^-?\d+$/;

function parseNumber(text: string): number | string {
  if (INTEGER.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  return Number(text);
}

/** Parses JSON text; unsafe integers become strings. Throws SyntaxError on invalid JSON. */
export function parseJson(text: string): unknown {
  if (!MAYBE_UNSAFE.test(text)) return JSON.parse(text) as unknown;
  return parseLossless(text, null, { parseNumber, onDuplicateKey: ({ newValue }) => newValue });
}
