/**
 * The charts of a sensitivity analysis (`shakeout sensitivity`), one per
 * analysed metric (a metric at a month), from indices.csv:
 *
 *   Sobol'   a bar per parameter and index, first-order S1 beside total
 *            ST, with the bootstrap 95 % interval as a rule across each bar
 *   Morris   a bar per parameter of μ* (the mean absolute elementary
 *            effect) beside σ (their spread: non-linearity or
 *            interaction), in the metric's units
 *
 * Parameters run down the chart in the order they were given, so a long
 * path fits as a label; the bars are horizontal.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { IndexCsvRow, SensitivityFolder } from '../../sim/output/read-indices.js';
import { chartNumber } from '../table.js';
import { FONT_SIZE, INK, PALETTE } from '../theme.js';
import { frame, spec, type ChartOptions, type Json } from './parts.js';
import { valueFormat } from './series.js';

/**
 * Parameter labels longer than this are cut from the left (the end of a path
 * names the value); at the label size this fits the 42 % of a 3.5 in chart
 * the axis gives them, so the axis itself never cuts the other end too.
 */
const MAX_LABEL = 22;
/** Points of plot height per parameter: two bars and the gap between parameters. */
const ROW_HEIGHT = 24;

function label(path: string): string {
  return path.length > MAX_LABEL ? `…${path.slice(path.length - MAX_LABEL + 1)}` : path;
}

/** The analysed cells (metric and month) in file order. */
export function analysedCells(rows: readonly IndexCsvRow[]): { metric: string; month: number; date: string }[] {
  const seen = new Map<string, { metric: string; month: number; date: string }>();
  for (const r of rows) if (!seen.has(`${r.metric}@${r.month}`)) seen.set(`${r.metric}@${r.month}`, { metric: r.metric, month: r.month, date: r.date });
  return [...seen.values()];
}

const NAMES: Record<string, string> = { S1: 'S1, first order', ST: 'ST, total', mu_star: 'μ*', sigma: 'σ' };

/** The bar chart of one analysed cell's indices. */
export function sensitivitySpec(folder: SensitivityFolder, cell: { metric: string; month: number; date: string }, options: ChartOptions = {}): TopLevelSpec {
  const { analysis, runs } = folder.manifest;
  const sobol = analysis.method === 'sobol';
  const shown = sobol ? ['S1', 'ST'] : ['mu_star', 'sigma'];
  const order = analysis.parameters.map((p) => label(p.path));
  const values: Json[] = folder.rows
    .filter((r) => r.metric === cell.metric && r.month === cell.month && shown.includes(r.index))
    .map((r) => ({ parameter: label(r.parameter), index: NAMES[r.index], value: chartNumber(r.value), low: chartNumber(r.ciLow), high: chartNumber(r.ciHigh) }));
  const title = sobol ? `Sobol' indices of ${cell.metric}` : `Morris screening of ${cell.metric}`;
  const design = sobol ? `Saltelli design, N = ${analysis.samples}` : `${analysis.samples} Morris trajectories`;
  const what = sobol ? 'first-order S1 and total ST, with bootstrap 95 % intervals' : 'μ* (mean absolute elementary effect) and σ (their spread), in the units of the metric';
  const f = frame(options, title, [`${design} × ${runs} runs per point`, `At t = ${cell.month} (${cell.date}): ${what}`]);
  const largest = Math.max(0, ...values.flatMap((v) => [v.value, v.high].filter((x): x is number => typeof x === 'number').map(Math.abs)));
  const x: Json = {
    field: 'value',
    type: 'quantitative',
    // Sobol' indices are shares of variance: 0 to 1, wider only where an estimate or its interval goes past.
    scale: sobol ? { domain: [Math.min(0, ...values.map((v) => v.low ?? 0)), Math.max(1, ...values.map((v) => v.high ?? 0))], nice: false } : { zero: true, nice: true },
    axis: { title: sobol ? 'Share of variance' : `Effect on ${cell.metric}`, format: sobol ? '.1f' : valueFormat(largest), tickCount: sobol ? 3 : 4, labelOverlap: true },
  };
  const y = { field: 'parameter', type: 'nominal', sort: order, axis: { title: null, labelLimit: Math.round(f.width * 0.42), labelFontSize: FONT_SIZE.label } };
  const yOffset = { field: 'index', type: 'nominal', sort: shown.map((i) => NAMES[i]) };
  const colour = {
    field: 'index',
    type: 'nominal',
    sort: shown.map((i) => NAMES[i]),
    scale: { domain: shown.map((i) => NAMES[i]), range: [PALETTE[4], PALETTE[0]] },
    legend: { title: null, orient: 'bottom', direction: 'horizontal' },
  };
  const layers: Json[] = [{ mark: { type: 'bar', height: { band: 0.9 } }, encoding: { x, y, yOffset, color: colour } }];
  if (sobol) layers.push({ mark: { type: 'rule', color: INK.text, strokeWidth: 1 }, encoding: { x: { ...x, field: 'low' }, x2: { field: 'high' }, y, yOffset } });
  // An interval below zero moves the axis off zero: mark zero.
  if (sobol && x.scale.domain![0] < 0) layers.unshift({ mark: { type: 'rule', color: INK.rule, strokeWidth: 0.8, strokeDash: [3, 2] }, encoding: { x: { datum: 0, type: 'quantitative' } } });
  return spec({
    ...f,
    height: Math.max(60, order.length * ROW_HEIGHT),
    description: `${title} at t = ${cell.month} (${cell.date}): ${what}, one bar per parameter and index.`,
    data: { values },
    layer: layers,
  });
}
