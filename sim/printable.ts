/**
 * Text read from a scenario file (or a folder's file names), made safe to
 * print on a terminal. A name, an id, a seed or an expression may hold
 * escape sequences (ESC and the C1 controls start the sequences that clear
 * the screen or retitle the window), line breaks (a forged `FAIL` line),
 * bidirectional overrides and isolates, or zero-width characters (text that
 * reads as something else). Every such character is written as a visible
 * escape (`\n`, `\u001b`), and long text is cut, so one string is one short
 * piece of one line. docs/security.md, "Bounded and escaped text".
 */
import { grouped } from './grouped.js';

/** Controls (C0, DEL, C1), line and paragraph separators, invisible formatting characters (Cf: bidi, zero-width, BOM) and lone surrogates. */
const UNPRINTABLE_CLASS = String.raw`[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]`;
const UNPRINTABLE = new RegExp(UNPRINTABLE_CLASS, 'gu');
const UNPRINTABLE_OR_QUOTE = new RegExp(`["\\\\]|${UNPRINTABLE_CLASS}`, 'gu');
const HAS_UNPRINTABLE = new RegExp(UNPRINTABLE_CLASS, 'u');

/** `\n`, `\t`, `\r`, `\"`, `\\`, else `\uXXXX` (`\u{XXXXX}` past the BMP). */
function escape(c: string): string {
  if (c === '"' || c === '\\') return `\\${c}`;
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  const code = c.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Whether `text` holds a character that printable() would escape. */
export function hasUnprintable(text: string): boolean {
  return HAS_UNPRINTABLE.test(text);
}

/**
 * The first `max` characters of `text` (UTF-16 units, never splitting a
 * surrogate pair) and whether it was cut; the cut leaves room for an "…".
 */
export function shorten(text: string, max: number): { head: string; cut: boolean } {
  if (text.length <= max) return { head: text, cut: false };
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { head: text.slice(0, end), cut: true };
}

/**
 * `text` safe for a terminal: the characters above written as escapes,
 * cut to `max` characters with "…". Quotes and backslashes are kept: for
 * text printed as it is (a name in a table, a file name).
 */
export function printable(text: string, max = Infinity): string {
  const { head, cut } = shorten(text, max);
  return head.replace(UNPRINTABLE, escape) + (cut ? '…' : '');
}

/**
 * `text` in double quotes, safe for a terminal: as printable(), with `"`
 * and `\` escaped too, so the quotes show where the text ends. Text longer
 * than `max` is cut, with "…" and its full length: `"aaaa…" (30,000 characters)`.
 */
export function quote(text: string, max = 80): string {
  const { head, cut } = shorten(text, max);
  const shown = `"${head.replace(UNPRINTABLE_OR_QUOTE, escape)}${cut ? '…' : ''}"`;
  return cut ? `${shown} (${grouped(text.length)} characters)` : shown;
}

/**
 * Each line of a message made safe for a terminal, the line breaks between
 * them kept: the last guard before stderr, for messages assembled from
 * text that should already have gone through printable() or quote().
 */
export function printableLines(message: string): string {
  return message
    .split('\n')
    .map((line) => printable(line))
    .join('\n');
}
