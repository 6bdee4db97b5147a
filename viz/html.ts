/**
 * HTML built so that text cannot become markup: in html`…` every
 * interpolated value is escaped unless it is itself html`…` (or raw(),
 * for markup this program wrote). The report's values come from a result
 * folder, which may come from anyone (docs/security.md).
 */

/** Markup: text already safe to put in a page. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Text for HTML element content and attribute values (quoted with "). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined) return '';
  return escapeHtml(String(value));
}

/** A template whose interpolations are escaped (arrays joined, Html kept as it is). */
export function html(strings: TemplateStringsArray, ...values: readonly Value[]): Html {
  let text = strings[0];
  for (let i = 0; i < values.length; i++) text += render(values[i]) + strings[i + 1];
  return new Html(text);
}

/** Markup written by this program, not from any input. */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** Html parts joined with `separator`. */
export function joinHtml(parts: readonly Html[], separator = '\n'): Html {
  return new Html(parts.map((p) => p.text).join(separator));
}

/**
 * JSON to put inside <script type="application/json">: `<`, `>`, `&` and the
 * line separators U+2028 and U+2029 written as \u escapes, so that no text in
 * it can end the element (`</script>`) or open a comment (`<!--`).
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
