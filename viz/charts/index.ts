/**
 * The standard charts of a result folder (ARCHITECTURE.md, "Charts for
 * papers"), each a pure function from the result table to a vega-lite spec.
 * Pipeline: result folder → table (table.ts) → specs (here) → SVG, PNG,
 * PDF (render/) or the HTML report (report.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { closeNames } from '../../sim/close-names.js';
import { UsageError } from '../../sim/errors.js';
import { unknownChart, unknownChartMetric } from '../messages.js';
import { readChartTable } from '../read-table.js';
import { groupingNote, providerGroups, type ResultTable } from '../table.js';
import { activeProvidersSpec } from './active.js';
import { deathsSpec } from './deaths.js';
import { flowsSpec } from './flows.js';
import { HHI_METRICS, hhiSpec } from './hhi.js';
import type { ChartOptions } from './parts.js';
import { SHARE_METRICS, sharesSpec } from './shares.js';
import { survivalSpec } from './survival.js';

export type { ChartOptions } from './parts.js';

/** The kinds of chart, in the order they are drawn and shown. */
export const CHART_KINDS = ['hhi', 'shares', 'survival', 'deaths', 'flows', 'providers'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export interface Chart {
  kind: ChartKind;
  /** File stem under charts/, e.g. `hhi-tokens`. */
  name: string;
  /** The title on one line (the spec may wrap it). */
  title: string;
  /** What a reader learns from it, one sentence: the report's caption. */
  caption: string;
  spec: TopLevelSpec;
}

export interface ChartSelection extends ChartOptions {
  /**
   * HHI metrics (`hhi.tokens`, `hhi.customers`, `hhi.revenue`) and share
   * families (`share.tokens`, `share.customers`) to chart; each kind keeps
   * its default (`hhi.tokens`, `share.tokens`) when none of it is named.
   */
  metrics?: readonly string[];
  /** Kinds to draw; default all. */
  only?: readonly string[];
}

const CAPTIONS: Record<string, string> = {
  'hhi.tokens': 'How concentrated the market for tokens becomes, against the thresholds at which US merger guidelines call a market highly concentrated.',
  'hhi.customers': 'How concentrated the customer base (startups per provider) becomes, against the US merger-guideline thresholds.',
  'hhi.revenue': 'How concentrated billed revenue becomes, against the US merger-guideline thresholds.',
  'share.tokens': "Who wins the departing provider's traffic, and how each provider's share of tokens moves afterwards.",
  'share.customers': "Who wins the departing provider's customers, and how each provider's share of startups moves afterwards.",
  survival: 'How many of the startups alive at the start are still alive each month, by class: whether the small die faster.',
  deaths: 'When startups die and why: running out of cash, the background hazard, or being left with no provider.',
  flows: 'Where the startups that switched went: each cell counts moves from the row provider to the column provider.',
  providers: 'How many providers stay in the market, and when exits and entries happen.',
};

function checkMetrics(table: ResultTable, metrics: readonly string[]): void {
  const known = [...HHI_METRICS, ...SHARE_METRICS].filter((m) => table.series.has(m) || [...table.series.keys()].some((k) => k.startsWith(`${m}.`)));
  for (const m of metrics) if (!known.includes(m)) throw new UsageError(unknownChartMetric(m, known, closeNames(m, known)));
}

/** The charts of a result table, in CHART_KINDS order; throws UsageError for an unknown metric or kind. */
/** The title of a spec on one line. */
function titleOf(spec: TopLevelSpec): string {
  const text = (spec as { title?: { text?: string | string[] } }).title?.text ?? '';
  return Array.isArray(text) ? text.join(' ') : text;
}

export function standardCharts(table: ResultTable, selection: ChartSelection = {}): Chart[] {
  const metrics = selection.metrics ?? [];
  checkMetrics(table, metrics);
  for (const k of selection.only ?? []) if (!(CHART_KINDS as readonly string[]).includes(k)) throw new UsageError(unknownChart(k, CHART_KINDS));
  const wanted = (kind: ChartKind) => !selection.only?.length || selection.only.includes(kind);
  const options: ChartOptions = { width: selection.width };
  const note = groupingNote(providerGroups(table));
  const withGrouping = (caption: string) => (note ? `${caption} ${note}` : caption);
  const hhi = metrics.filter((m) => HHI_METRICS.includes(m));
  const shares = metrics.filter((m) => SHARE_METRICS.includes(m));
  const charts: Omit<Chart, 'title'>[] = [];
  if (wanted('hhi'))
    for (const m of hhi.length ? hhi : ['hhi.tokens'])
      charts.push({ kind: 'hhi', name: m.replace('.', '-'), caption: CAPTIONS[m], spec: hhiSpec(table, m, options) });
  if (wanted('shares'))
    for (const m of shares.length ? shares : ['share.tokens'])
      charts.push({ kind: 'shares', name: m.replace('share.', 'shares-'), caption: withGrouping(CAPTIONS[m]), spec: sharesSpec(table, m, options) });
  if (wanted('survival')) charts.push({ kind: 'survival', name: 'survival', caption: CAPTIONS.survival, spec: survivalSpec(table, options) });
  if (wanted('deaths')) charts.push({ kind: 'deaths', name: 'deaths', caption: CAPTIONS.deaths, spec: deathsSpec(table, options) });
  // No flows without two providers.
  if (wanted('flows') && [...table.series.keys()].some((k) => k.startsWith('flows.')))
    charts.push({ kind: 'flows', name: 'flows', caption: withGrouping(CAPTIONS.flows), spec: flowsSpec(table, options) });
  if (wanted('providers')) charts.push({ kind: 'providers', name: 'providers', caption: CAPTIONS.providers, spec: activeProvidersSpec(table, options) });
  return charts.map((c) => ({ ...c, title: titleOf(c.spec) }));
}

/**
 * The standard charts of the result folder `dir` (reads manifest.json and
 * the rows of timeseries.csv the charts use; no rendering). Memory is
 * bounded by what the charts draw, whatever the number of metrics (read-table.ts).
 */
export function chartsOf(dir: string, selection: ChartSelection = {}): Chart[] {
  return standardCharts(readChartTable(dir), selection);
}
