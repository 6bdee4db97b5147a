/**
 * The charts of a comparison folder (`shakeout compare`): the scenarios
 * overlaid with their 90 % bands (from each scenario's own result folder),
 * the paired difference what-if − baseline over time with its 95 %
 * interval (diff.csv), and a forest plot of the headline measures, one row
 * per what-if (summary.json). A scenario keeps its colour in every chart:
 * the baseline the first of the palette, the what-ifs the next, in order.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { DiffRow } from '../../sim/output/read-collection.js';
import type { ComparisonSummary, HeadlineRow } from '../../sim/output/comparison-files.js';
import { chartNumber, seriesOf, type ResultTable } from '../table.js';
import { BAND_OPACITY, FONT_SIZE, INK, paletteColour } from '../theme.js';
import { HHI_THRESHOLD_LINE, HHI_THRESHOLDS } from './hhi.js';
import { frame, labelWidth, wrap, legendColumns, monthlyData, plotWidthOf, spec, timeX, type ChartOptions, type Json } from './parts.js';
import { valueFormat } from './series.js';

/** A scenario of the comparison as the charts name it. */
export interface ScenarioLine {
  /** Its folder in the comparison (unique). */
  folder: string;
  /** What the legend says: its folder, shortened to fit. */
  label: string;
  colour: string;
}

/** Legend labels longer than this are cut with an ellipsis (the report and summary.md give the full names). */
const MAX_LABEL = 40;

export function shortLabel(text: string, max = MAX_LABEL): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The scenarios of `summary`, baseline first, with their colours. */
export function scenarioLines(summary: ComparisonSummary): ScenarioLine[] {
  return [summary.baseline, ...summary.whatIfs].map((s, i) => ({ folder: s.folder, label: shortLabel(s.folder), colour: paletteColour(i) }));
}

const runsLine = (s: ComparisonSummary) => `${s.runs} paired run${s.runs === 1 ? '' : 's'} of each scenario, seed ${String(s.seed).slice(0, 40)}`;

function legend(lines: readonly ScenarioLine[], width: number, title: string): Json {
  return {
    title,
    titleOrient: 'top',
    columns: legendColumns(Math.max(...lines.map((l) => l.label.length)), plotWidthOf(width) - 10, lines.length),
    symbolType: 'stroke',
    symbolStrokeWidth: 2,
    symbolSize: 160,
    symbolOpacity: 1,
    labelLimit: Math.round(plotWidthOf(width)),
  };
}

/** Colour (and, for greyscale print, dash) by scenario; `shown` the lines drawn. */
function byScenario(shown: readonly ScenarioLine[], width: number, title: string): { color: Json; strokeDash: Json } {
  const domain = shown.map((l) => l.label);
  const dashes = [[], [5, 2], [1.5, 1.5], [6, 2, 1.5, 2], [1.5, 3], [8, 3]];
  const l = legend(shown, width, title);
  return {
    color: { field: 'scenario', type: 'nominal', sort: domain, scale: { domain, range: shown.map((s) => s.colour) }, legend: l },
    strokeDash: { field: 'scenario', type: 'nominal', sort: domain, scale: { domain, range: shown.map((_, i) => dashes[i % dashes.length]) }, legend: l },
  };
}

/** A result table's start and months, for the time axis (every scenario of a comparison has the same). */
function timeTable(s: ComparisonSummary): ResultTable {
  return { manifest: { months: s.months, start: s.start } } as unknown as ResultTable;
}

export interface OverlaySource {
  line: ScenarioLine;
  table: ResultTable;
}

/**
 * The scenarios overlaid: the mean of `metric` across runs and its 90 %
 * band, one colour each. `transform` maps a row's values (survival is
 * 1 − the dead fraction).
 */
function overlaySpec(
  summary: ComparisonSummary,
  sources: readonly OverlaySource[],
  metric: string,
  options: ChartOptions,
  look: { title: string; subtitle: string[]; y: Json; transform?: (x: number) => number; extra?: (x: Json) => Json[] },
): TopLevelSpec {
  const f = frame(options, look.title, [runsLine(summary), ...look.subtitle]);
  const map = look.transform ?? ((x: number) => x);
  const values: Json[] = [];
  for (const { line, table } of sources)
    for (const r of seriesOf(table, metric)) {
      const a = map(r.p05);
      const b = map(r.p95);
      values.push({ date: r.date, scenario: line.label, mean: chartNumber(map(r.mean)), low: chartNumber(Math.min(a, b)), high: chartNumber(Math.max(a, b)) });
    }
  const x = timeX(timeTable(summary), f.width);
  const { color, strokeDash } = byScenario(
    sources.map((s) => s.line),
    f.width,
    'Scenario',
  );
  const y = look.y;
  return spec({
    ...f,
    description: `${metric} in each scenario: mean and 90 % band across runs.`,
    layer: [
      {
        data: monthlyData(values),
        layer: [
          { mark: { type: 'area', opacity: BAND_OPACITY * 0.8 }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color } },
          { mark: { type: 'line' }, encoding: { x, y: { ...y, field: 'mean' }, color, strokeDash } },
        ],
      },
      ...(look.extra ? look.extra(x) : []),
    ],
  });
}

/** HHI of tokens in each scenario, with the 2023 merger-guideline thresholds. */
export function overlayHhiSpec(summary: ComparisonSummary, sources: readonly OverlaySource[], options: ChartOptions = {}): TopLevelSpec {
  let highest: number = HHI_THRESHOLDS[1].value;
  for (const { table } of sources) for (const r of seriesOf(table, 'hhi.tokens')) for (const v of [r.mean, r.p95]) if (Number.isFinite(v)) highest = Math.max(highest, v);
  const top = Math.min(10000, Math.ceil((highest * 1.1) / 500) * 500);
  return overlaySpec(summary, sources, 'hhi.tokens', options, {
    title: 'HHI of tokens served, by scenario',
    subtitle: ['Mean and 90 % band (5th–95th percentile of runs)', HHI_THRESHOLD_LINE],
    y: { type: 'quantitative', scale: { domain: [0, top], nice: false }, axis: { title: 'HHI (0–10,000)', format: ',d', tickCount: 5 } },
    extra: () => [
      {
        data: { values: HHI_THRESHOLDS.map((t) => ({ ...t })) },
        layer: [
          { mark: { type: 'rule', color: INK.rule, strokeDash: [4, 2], strokeWidth: 0.8 }, encoding: { y: { field: 'value', type: 'quantitative' } } },
          {
            mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: FONT_SIZE.note, color: INK.muted },
            encoding: { x: { value: 'width' }, y: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
    ],
  });
}

/** Survival of the t = 0 cohort (all classes) in each scenario. */
export function overlaySurvivalSpec(summary: ComparisonSummary, sources: readonly OverlaySource[], options: ChartOptions = {}): TopLevelSpec {
  return overlaySpec(summary, sources, 'cohort.dead.fraction', options, {
    title: 'Survival of the starting startups, by scenario',
    subtitle: ['All classes: mean and 90 % band of runs'],
    y: { type: 'quantitative', scale: { domain: [0, 1], nice: false }, axis: { title: 'Alive, of those alive at start (%)', format: '.0%', tickCount: 5 } },
    transform: (x) => 1 - x,
  });
}

/**
 * The paired difference what-if − baseline of `metric` over time, one
 * colour per what-if, with its 95 % interval over the paired runs and a
 * rule at zero; `sign` −1 turns a difference of dead fractions into one of
 * survival.
 */
export function differenceSpec(
  summary: ComparisonSummary,
  rows: readonly DiffRow[],
  metric: string,
  options: ChartOptions,
  look: { title: string; axis: string; format?: string; sign?: 1 | -1 },
): TopLevelSpec {
  const lines = scenarioLines(summary).slice(1);
  const label = new Map(lines.map((l) => [l.folder, l.label]));
  const sign = look.sign ?? 1;
  const values: Json[] = [];
  let largest = 0;
  for (const r of rows) {
    if (r.metric !== metric || !label.has(r.scenario)) continue;
    const a = sign * r.ciLow;
    const b = sign * r.ciHigh;
    values.push({ date: r.date, scenario: label.get(r.scenario), mean: chartNumber(sign * r.mean), low: chartNumber(Math.min(a, b)), high: chartNumber(Math.max(a, b)) });
    for (const v of [a, b, r.mean]) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  }
  const baseline = shortLabel(summary.baseline.folder);
  const f = frame(options, look.title, [runsLine(summary), `What-if − ${baseline}: mean of the paired differences and its 95 % interval`]);
  const x = timeX(timeTable(summary), f.width);
  const { color, strokeDash } = byScenario(lines, f.width, 'What-if');
  const format = look.format === 'percent' ? (largest < 0.05 ? '+.1%' : '+.0%') : (look.format ?? valueFormat(largest));
  const y = { type: 'quantitative', scale: { zero: true }, axis: { title: look.axis, format, tickCount: 5 } };
  return spec({
    ...f,
    description: `${metric}: what-if − baseline over the paired runs, its mean and 95 % Student-t interval, per what-if.`,
    layer: [
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: INK.rule, strokeWidth: 0.8 }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
      {
        data: monthlyData(values),
        layer: [
          { mark: { type: 'area', opacity: BAND_OPACITY }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color } },
          { mark: { type: 'line' }, encoding: { x, y: { ...y, field: 'mean' }, color, strokeDash } },
        ],
      },
    ],
  });
}

/** How a headline measure is named in the forest plot: `HHI of tokens, t = 23`. */
function measureName(r: Pick<HeadlineRow, 'label' | 'month' | 'date'>): string {
  return `${r.label}, t = ${r.month}`;
}

/** The headline measures of the comparison, in the order of the first what-if that has them. */
export function headlineMeasures(summary: ComparisonSummary): { key: string; name: string; metric: string }[] {
  const seen = new Map<string, { key: string; name: string; metric: string }>();
  for (const w of summary.whatIfs)
    for (const r of w.headline) {
      const key = `${r.metric}@${r.month}`;
      if (!seen.has(key)) seen.set(key, { key, name: measureName(r), metric: r.metric });
    }
  return [...seen.values()];
}

/**
 * The forest plot: for each headline measure a panel with one row per
 * what-if, its paired difference from the baseline (a dot) and the 95 %
 * interval (a bar), and a rule at no effect; each panel its own scale.
 */
export function forestSpec(summary: ComparisonSummary, options: ChartOptions = {}): TopLevelSpec {
  const lines = scenarioLines(summary).slice(1);
  const measures = headlineMeasures(summary);
  const f = frame(options, 'Effect of each what-if on the headline measures', [
    runsLine(summary),
    `What-if − ${shortLabel(summary.baseline.folder)}: paired mean (dot) and its 95 % interval (bar); each panel its own scale`,
  ]);
  const longest = Math.max(...lines.map((l) => labelWidth(l.label, FONT_SIZE.label)));
  // The y labels take what they need, up to 45 % of the chart.
  const labelRoom = Math.min(longest + 8, f.width * 0.45);
  const panelWidth = Math.max(60, f.width - labelRoom - 24);
  const row = 14;
  const domain = lines.map((l) => l.label);
  const color = { field: 'scenario', type: 'nominal', sort: domain, scale: { domain, range: lines.map((l) => l.colour) }, legend: null };
  const panels = measures.map((m) => {
    const values: Json[] = [];
    let largest = 0;
    for (const [i, w] of summary.whatIfs.entries())
      for (const r of w.headline)
        if (`${r.metric}@${r.month}` === m.key) {
          values.push({ scenario: lines[i].label, difference: chartNumber(r.difference), low: chartNumber(r.ciLow), high: chartNumber(r.ciHigh) });
          for (const v of [r.ciLow, r.ciHigh, r.difference]) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
        }
    const fraction = m.metric.endsWith('.fraction');
    const x = {
      type: 'quantitative',
      scale: { zero: true, nice: true },
      axis: { title: null, format: fraction ? (largest < 0.05 ? '.1%' : '.0%') : largest >= 1e4 ? '~s' : ',~r', tickCount: 4, labelOverlap: true, grid: true },
    };
    const y = { field: 'scenario', type: 'nominal', sort: domain, scale: { domain, padding: 0.4 }, axis: { title: null, labelLimit: Math.round(labelRoom), grid: false } };
    return {
      title: { text: wrap(m.name, panelWidth + labelRoom, FONT_SIZE.label), fontSize: FONT_SIZE.label, fontWeight: 'normal', anchor: 'start', offset: 4 },
      width: panelWidth,
      height: row * lines.length,
      data: { values },
      layer: [
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: INK.rule, strokeDash: [4, 2], strokeWidth: 0.8 }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
        { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y, x: { ...x, field: 'low' }, x2: { field: 'high' }, color } },
        { mark: { type: 'point', filled: true, size: 30, opacity: 1 }, encoding: { y, x: { ...x, field: 'difference' }, color } },
      ],
    };
  });
  const { width: _w, height: _h, autosize: _a, ...rest } = f;
  return spec({
    ...rest,
    description: 'Forest plot: per headline measure, each what-if’s paired difference from the baseline with its 95 % Student-t interval.',
    spacing: 10,
    vconcat: panels,
    resolve: { scale: { x: 'independent' } },
  });
}
