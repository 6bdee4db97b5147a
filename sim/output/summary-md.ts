/** summary.md: the summary as a short report a reader can take in at a glance. */
import { printable } from '../printable.js';
import type { ComparisonOp } from '../scenario/schema.js';
import type { ExpectationResult } from './result-types.js';
import type { Band, Summary } from './summary.js';
import { fractionText, settleText, thresholdText, VERDICT_RULE, verdictsSentence } from './verdict-text.js';

export const SUMMARY_MD_FILE = 'summary.md';

/** Rounded for reading (the CSV and JSON files keep every digit); NaN is a dash. */
export function readableNumber(x: number): string {
  if (Number.isNaN(x)) return '–';
  if (Number.isInteger(x) || Math.abs(x) >= 100) return String(Math.round(x) || 0);
  return String(Number(x.toPrecision(3)) || 0);
}

/**
 * Characters with a meaning in Markdown as GitHub and CommonMark render it
 * inline: code, emphasis, links and images, HTML tags and entities, table
 * cells, strikethrough, math, headings' closing `#`. An underscore inside a
 * word means nothing (ids such as `open_ai` stay as written).
 */
const MARKDOWN_SPECIAL = /[\\`*[\]<>|~&$#]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

/**
 * Text from the scenario (its name, expectation names and metrics, a text
 * seed, class ids) as Markdown that shows exactly that text, on one line and
 * at most `max` characters: escaped for the terminal first (line breaks,
 * controls and invisible characters as visible escapes, printable.ts), then
 * every Markdown character backslash-escaped, so no name can add a heading,
 * a table cell, a link or an HTML tag to summary.md.
 */
export function markdownText(text: string, max = 200): string {
  return printable(String(text), max).replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
}

const OP_TEXT: Record<ComparisonOp, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '==': '=' };

function range(b: Band): string {
  return `${readableNumber(b.p05)} – ${readableNumber(b.p95)}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

/** The markdown text of summary.md. */
export function summaryMarkdown(s: Summary): string {
  const out: string[] = [];
  out.push(`# ${s.scenario === null ? 'Unnamed scenario' : markdownText(s.scenario)}`, '');
  out.push(`${s.runs} run${s.runs === 1 ? '' : 's'} of ${s.months} months, ${s.start} to ${s.end}, seed ${markdownText(String(s.seed))}.`);
  out.push('Ranges are the 90 % range across runs (5th to 95th percentile).', '');

  if (s.hhiTokens.length) {
    out.push('## Market concentration', '', 'HHI of tokens served (0–10 000).', '');
    out.push(...table(['month', 'date', 'mean', '90 % range'], s.hhiTokens.map((b) => [`t = ${b.month}`, b.date, readableNumber(b.mean), range(b)])), '');
  }

  if (s.cohortDead || s.cohortDeadByClass.length) {
    const at = s.cohortDead ?? s.cohortDeadByClass[0];
    out.push('## Deaths in the starting cohort', '', `Fraction of the t = 0 startups dead by t = ${at.month} (${at.date}).`, '');
    const rows = s.cohortDeadByClass.map((b) => [markdownText(b.class), readableNumber(b.mean), range(b)]);
    if (s.cohortDead) rows.unshift(['all', readableNumber(s.cohortDead.mean), range(s.cohortDead)]);
    out.push(...table(['class', 'mean', '90 % range'], rows), '');
  }

  if (s.providersActive) {
    const b = s.providersActive;
    out.push('## Providers at the end', '');
    out.push(`Active providers at t = ${b.month} (${b.date}): mean ${readableNumber(b.mean)}, median ${readableNumber(b.p50)}, 90 % range ${range(b)}.`, '');
  }

  out.push('## Expectations', '');
  if (s.expectations.length === 0) out.push('The scenario states no expectations.', '');
  else out.push(VERDICT_RULE, '', ...expectationTable(s.expectations), '');
  return out.join('\n');
}

/** A table of expectation verdicts, then the sentence that sums them up (at least one verdict). */
export function expectationTable(expectations: readonly ExpectationResult[]): string[] {
  const rows = expectations.map((e) => [
    markdownText(e.name),
    `${markdownText(e.metric)} ${OP_TEXT[e.op]} ${markdownText(thresholdText(e), 400)} at ${e.at === 'end' ? `end (t = ${e.month})` : markdownText(e.at)}`,
    `${readableNumber(e.fraction)} (${e.holds}/${e.runs})`,
    `${fractionText(e.low)} – ${fractionText(e.high)}`,
    `≥ ${e.probability}`,
    e.verdict === 'INCONCLUSIVE' ? `INCONCLUSIVE: ${settleText(e)}` : e.verdict,
  ]);
  return [...table(['expectation', 'condition', 'runs where it holds', '95 % interval', 'required', 'verdict'], rows), '', verdictsSentence(expectations)];
}
