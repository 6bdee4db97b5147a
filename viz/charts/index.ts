/**
 * The standard charts of a result folder (ARCHITECTURE.md, "Charts for
 * papers"), each a pure function from the result table to a vega-lite spec.
 * Pipeline: result folder → table (table.ts) → specs (here) → SVG, PNG,
 * PDF (render/) or the HTML report (report.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_KINDS, DEFAULT_KINDS, type Chart, type ChartKind, type ChartSelection } from './chart.js';
import { closeNames } from '../../sim/close-names.js';
import { UsageError } from '../../sim/errors.js';
import { unknownChart, unknownChartMetric } from '../messages.js';
import { readChartTable } from '../read-table.js';
import { groupingNote, providerGroups, type ResultTable } from '../table.js';
import { activeProvidersSpec } from './active.js';
import { deathsSpec } from './deaths.js';
import { flowsSpec } from './flows.js';
import { hhiSpec } from './hhi.js';
import { chartableMetrics, chartFor, type MetricChart } from './metric-choice.js';
import { providerPanelsSpec } from './panels.js';
import type { ChartOptions } from './parts.js';
import { seriesSpec, valueFormat } from './series.js';
import { sharesSpec } from './shares.js';
import { survivalSpec } from './survival.js';
import { runLine } from '../table.js';
import { folderKind } from '../../sim/output/read-collection.js';
import { calibrationCharts, comparisonCharts, sensitivityCharts, sweepCharts } from './collections.js';

export type { ChartOptions } from './parts.js';

export { CHART_KINDS, DEFAULT_KINDS, type Chart, type ChartKind, type ChartSelection } from './chart.js';

const CAPTIONS: Record<string, string> = {
  'hhi.tokens':
    'How concentrated the market for tokens becomes, against the thresholds of the 2023 US Merger Guidelines: moderately concentrated above 1,000, highly above 1,800.',
  'hhi.customers': 'How concentrated the customer base (startups per provider) becomes, against the 2023 US Merger Guidelines thresholds (1,000 and 1,800).',
  'hhi.revenue': 'How concentrated billed revenue becomes, against the 2023 US Merger Guidelines thresholds (1,000 and 1,800).',
  'share.tokens': "Who wins the departing provider's traffic, and how each provider's share of tokens moves afterwards.",
  'share.customers': "Who wins the departing provider's customers, and how each provider's share of startups moves afterwards.",
  survival: 'How many of the startups alive at the start are still alive each month, by class: whether the small die faster.',
  metric: 'The mean across runs and the 90 % band of runs.',
  deaths: 'When startups die and why: running out of cash, the background hazard, or being left with no provider.',
  flows:
    'Where the startups that switched went: each cell counts moves from the row provider to the column provider, from month 0 on. In month 0 the starting startups first re-choose the provider they were given, so a provider that exits later can have received moves before its exit.',
  providers: 'How many providers stay in the market, and when exits and entries happen.',
};

/** Each metric asked for with its chart; throws UsageError naming the first unknown one, with the close names. */
function chartsFor(table: ResultTable, metrics: readonly string[]): { metric: string; chart: MetricChart }[] {
  return [...new Set(metrics)].map((metric) => {
    const chart = chartFor(table, metric);
    if (chart) return { metric, chart };
    const known = chartableMetrics(table);
    throw new UsageError(unknownChartMetric(metric, known, closeNames(metric, known)));
  });
}

/** The file stem of a metric chart: the metric with dashes, kept apart from the standard charts' names. */
function metricChartName(metric: string): string {
  const name = metric.replace(/[^A-Za-z0-9_-]+/g, '-');
  return ['hhi-tokens', 'shares-tokens', 'survival', 'deaths', 'flows', 'providers'].includes(name) ? `${name}-metric` : name;
}

/** The title of a spec on one line. */
function titleOf(spec: TopLevelSpec): string {
  const text = (spec as { title?: { text?: string | string[] } }).title?.text ?? '';
  return Array.isArray(text) ? text.join(' ') : text;
}

/** The charts of a result table, in CHART_KINDS order; throws UsageError for an unknown metric or kind. */

export function standardCharts(table: ResultTable, selection: ChartSelection = {}): Chart[] {
  const asked = chartsFor(table, selection.metrics ?? []);
  for (const k of selection.only ?? []) if (!(CHART_KINDS as readonly string[]).includes(k)) throw new UsageError(unknownChart(k, CHART_KINDS));
  const wanted = (kind: ChartKind) => (selection.only?.length ? selection.only.includes(kind) : kind === 'metric' || DEFAULT_KINDS.includes(kind));
  const options: ChartOptions = { width: selection.width };
  const note = groupingNote(providerGroups(table));
  const withGrouping = (caption: string) => (note ? `${caption} ${note}` : caption);
  const of = (chart: MetricChart) => asked.filter((a) => a.chart === chart).map((a) => a.metric);
  const hhi = of('hhi');
  const shares = of('shares');
  const charts: Omit<Chart, 'title'>[] = [];
  if (wanted('hhi'))
    for (const m of hhi.length ? hhi : ['hhi.tokens'])
      charts.push({ kind: 'hhi', name: m.replace('.', '-'), caption: CAPTIONS[m] ?? CAPTIONS['hhi.tokens'].replace('the market for tokens', m), spec: hhiSpec(table, m, options) });
  if (wanted('shares'))
    for (const m of shares.length ? shares : ['share.tokens'])
      charts.push({ kind: 'shares', name: m.replace('share.', 'shares-'), caption: withGrouping(CAPTIONS[m]), spec: sharesSpec(table, m, options) });
  if (wanted('survival')) charts.push({ kind: 'survival', name: 'survival', caption: CAPTIONS.survival, spec: survivalSpec(table, options) });
  if (wanted('deaths')) charts.push({ kind: 'deaths', name: 'deaths', caption: CAPTIONS.deaths, spec: deathsSpec(table, options) });
  // No flows without two providers.
  if (wanted('flows') && [...table.series.keys()].some((k) => k.startsWith('flows.')))
    charts.push({ kind: 'flows', name: 'flows', caption: withGrouping(CAPTIONS.flows), spec: flowsSpec(table, options) });
  if (wanted('providers')) charts.push({ kind: 'providers', name: 'providers', caption: CAPTIONS.providers, spec: activeProvidersSpec(table, options) });
  if (wanted('metric'))
    for (const { metric, chart } of asked) {
      if (chart === 'series') charts.push({ kind: 'metric', name: metricChartName(metric), caption: `${metric}: ${CAPTIONS.metric}`, spec: seriesSpec(table, metric, options) });
      if (chart === 'panels') charts.push({ kind: 'metric', name: metricChartName(metric), caption: withGrouping(`${metric}.<provider>: ${CAPTIONS.metric}`), spec: panelsOf(table, metric, options) });
    }
  return charts.map((c) => ({ ...c, title: titleOf(c.spec) }));
}

/** Panels of any per-provider family, each on its own scale (cash differs by orders of magnitude between providers). */
function panelsOf(table: ResultTable, family: string, options: ChartOptions): TopLevelSpec {
  let largest = 0;
  for (const [metric, rows] of table.series)
    if (metric.startsWith(`${family}.`)) for (const r of rows) for (const v of [r.p05, r.p95, r.mean]) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  return providerPanelsSpec(table, {
    ...options,
    family,
    title: `${family} by provider`,
    subtitle: [runLine(table), 'Mean and 90 % band of runs; each panel its own scale'],
    format: valueFormat(largest),
    sharedScale: false,
  });
}

/**
 * The standard charts of the result folder `dir` (reads manifest.json and
 * the rows of timeseries.csv the charts use; no rendering). Memory is
 * bounded by what the charts draw, whatever the number of metrics (read-table.ts).
 * A comparison, sweep, sensitivity analysis or calibration folder gets its own charts (collections.ts).
 */
export function chartsOf(dir: string, selection: ChartSelection = {}): Chart[] {
  const kind = folderKind(dir);
  if (kind === 'comparison') return comparisonCharts(dir, selection);
  if (kind === 'sweep') return sweepCharts(dir, selection);
  if (kind === 'calibration') return calibrationCharts(dir, selection);
  if (kind === 'sensitivity') return sensitivityCharts(dir, selection);
  return standardCharts(readChartTable(dir, selection.metrics), selection);
}
