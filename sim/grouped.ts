/**
 * A whole number with thousands separators, `1,234,567`, as
 * `n.toLocaleString('en-US')` writes it (a fraction is rounded first).
 * Not through Intl: the first locale-aware call pages in about 5 MiB of
 * the ICU data built into Node, kept for the life of the process, and the
 * scenario's schema formats its bounds in every process that reads a
 * scenario (bench-1m through the CLI: peak RSS about 6 MiB lower).
 */
export function grouped(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '∞' : n < 0 ? '-∞' : 'NaN';
  const whole = Math.round(n);
  const digits = wholeDigits(Math.abs(whole));
  let text = digits.slice(0, digits.length % 3 || 3);
  for (let at = text.length; at < digits.length; at += 3) text += ',' + digits.slice(at, at + 3);
  return whole < 0 ? '-' + text : text;
}

/** The digits of a whole number ≥ 0 as JavaScript's shortest form gives them, without an exponent (`1e+21` → 1 and 21 zeros). */
function wholeDigits(n: number): string {
  const [mantissa, exponent] = String(n).split('e+');
  if (exponent === undefined) return mantissa;
  const [head, tail = ''] = mantissa.split('.');
  return head + tail.padEnd(Number(exponent), '0');
}
