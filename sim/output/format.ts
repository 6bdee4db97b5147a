/** Deterministic text for numbers and CSV fields, so that equal results give equal bytes. */

/**
 * A number as the shortest text that reads back to the same double
 * (`String(x)`), with −0 written 0 and NaN (an empty statistic) written as
 * an empty field.
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return '';
  if (x === 0) return '0';
  return String(x);
}

/** A CSV field, quoted (RFC 4180) only when it holds a comma, quote or line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with its line end (\n). */
export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\n';
}

/** Splits one CSV record (without its line end) into fields, undoing csvField's quoting. */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let text = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new SyntaxError(`unterminated quoted field: ${line}`);
        text += line.slice(i, q);
        if (line[q + 1] === '"') {
          text += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(text);
    } else {
      const comma = line.indexOf(',', i);
      fields.push(line.slice(i, comma < 0 ? line.length : comma));
      i = comma < 0 ? line.length : comma;
    }
    if (i >= line.length) return fields;
    i++; // the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

/** The inverse of formatNumber: an empty field is NaN. */
export function parseNumber(text: string): number {
  return text === '' ? NaN : Number(text);
}
