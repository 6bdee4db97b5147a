/**
 * The metric registry as text: the table of families in docs/model.md
 * section 8 (`npm run docs:metrics` writes it; a test fails when it is
 * stale) and the per-scenario listing of `shakeout metrics`.
 */
import { type MetricFamily, metricFamilies, type MetricScope } from '../model/metrics.js';

export const DOC_TABLE_BEGIN = '<!-- metrics table: generated from sim/model/metrics.ts by `npm run docs:metrics` -->';
export const DOC_TABLE_END = '<!-- end of metrics table -->';

/** The Markdown table of every metric family, one row each, in column order. */
export function familiesMarkdown(families: readonly MetricFamily[] = metricFamilies): string {
  // Placeholders in code spans: a bare <id> would be read as an HTML tag and vanish.
  const rows = families.map((f) => `| \`${f.pattern}\` | ${f.kind} | ${f.unit} | ${f.description.replace(/<(\w+)>/g, '`<$1>`')} |`);
  return ['| metric | kind | unit | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** `text` with the part between the two markers replaced by the current table. */
export function withFamiliesTable(text: string): string {
  const begin = text.indexOf(DOC_TABLE_BEGIN);
  const end = text.indexOf(DOC_TABLE_END);
  if (begin < 0 || end < begin) throw new Error('docs/model.md has lost the markers of its metrics table');
  return `${text.slice(0, begin + DOC_TABLE_BEGIN.length)}\n${familiesMarkdown()}\n${text.slice(end)}`;
}

export interface ScenarioMetric {
  name: string;
  family: string;
  kind: MetricFamily['kind'];
  unit: string;
  description: string;
}

/** Every metric name of a scenario with its family's kind, unit and meaning, in column order. */
export function scenarioMetrics(scope: MetricScope): ScenarioMetric[] {
  return metricFamilies.flatMap((f) =>
    f.names(scope).map((name) => ({ name, family: f.pattern, kind: f.kind, unit: f.unit, description: f.description })),
  );
}

/** Aligned columns: name, kind, unit, meaning. */
export function metricsText(metrics: readonly ScenarioMetric[]): string {
  const width = (pick: (m: ScenarioMetric) => string) => Math.max(...metrics.map((m) => pick(m).length));
  const [n, k, u] = [width((m) => m.name), width((m) => m.kind), width((m) => m.unit)];
  return metrics.map((m) => `${m.name.padEnd(n)}  ${m.kind.padEnd(k)}  ${m.unit.padEnd(u)}  ${m.description}`).join('\n');
}
