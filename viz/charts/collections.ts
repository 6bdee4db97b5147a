/**
 * The charts of the two folders that hold more than one result: a
 * comparison (`shakeout compare`, comparison.ts) and a sweep
 * (`shakeout sweep`, sweep.ts), and a sensitivity analysis's indices
 * (sensitivity.ts). Read with the checks of sim/output/read-collection.ts
 * and read-indices.ts; no rendering here.
 */
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { UsageError } from '../../sim/errors.js';
import { type ComparisonFolder, readComparisonFolder, readSweepFolder, type SweepFolder } from '../../sim/output/read-collection.js';
import { notForCollections } from '../messages.js';
import { readChartTable } from '../read-table.js';
import { differenceSpec, forestSpec, overlayHhiSpec, overlaySurvivalSpec, scenarioLines } from './comparison.js';
import type { Chart, ChartSelection } from './chart.js';
import { cellName, sweepChartKind, sweepSpec } from './sweep.js';
import { type CalibrationFolder, readCalibrationFolder } from '../../sim/output/read-calibration.js';
import { calibrationObjectiveSpec } from './calibration.js';
import { readSensitivityFolder, type SensitivityFolder } from '../../sim/output/read-indices.js';
import { analysedCells, sensitivitySpec } from './sensitivity.js';

/** The metrics of diff.csv the comparison charts draw. */
export const COMPARISON_DIFF_METRICS = ['hhi.tokens', 'cohort.dead.fraction'];

/** The title of a spec on one line. */
function titleOf(spec: TopLevelSpec): string {
  const text = (spec as { title?: { text?: string | string[] } }).title?.text ?? '';
  return Array.isArray(text) ? text.join(' ') : text;
}

/** `--metric` and `--only` choose among a result folder's charts; a comparison or sweep draws all of its own. */
function refuseSelection(dir: string, kind: string, selection: ChartSelection): void {
  if (selection.metrics?.length) throw new UsageError(notForCollections('--metric', dir, kind));
  if (selection.only?.length) throw new UsageError(notForCollections('--only', dir, kind));
}

/** The charts of a comparison folder already read. */
export function comparisonChartsOf(folder: ComparisonFolder, selection: ChartSelection = {}): Chart[] {
  const { dir, summary, diff } = folder;
  const options = { width: selection.width };
  const sources = scenarioLines(summary).map((line) => ({ line, table: readChartTable(join(dir, line.folder), ['cohort.dead.fraction']) }));
  const charts: Omit<Chart, 'title'>[] = [
    {
      kind: 'comparison',
      name: 'compare-hhi-tokens',
      caption:
        'How concentrated the market for tokens becomes in each scenario, mean and 90 % band of runs, against the 2023 US Merger Guidelines thresholds (1,000 and 1,800).',
      spec: overlayHhiSpec(summary, sources, options),
    },
    {
      kind: 'comparison',
      name: 'compare-survival',
      caption: 'How many of the startups alive at the start are still alive each month, in each scenario: mean and 90 % band of runs.',
      spec: overlaySurvivalSpec(summary, sources, options),
    },
    {
      kind: 'comparison',
      name: 'difference-hhi-tokens',
      caption:
        'The effect of each what-if on the HHI of tokens, month by month: the mean of the paired differences (run r of the what-if − run r of the baseline) and its 95 % interval. Where the band leaves zero, the effect is more than noise.',
      spec: differenceSpec(summary, diff, 'hhi.tokens', options, { title: 'Difference in the HHI of tokens', axis: 'HHI difference', format: '+,d' }),
    },
    {
      kind: 'comparison',
      name: 'difference-survival',
      caption: 'The effect of each what-if on the survival of the starting startups, in percentage points: paired mean and its 95 % interval.',
      spec: differenceSpec(summary, diff, 'cohort.dead.fraction', options, {
        title: 'Difference in survival of the starting startups',
        axis: 'Survival difference (% points)',
        format: 'percent',
        sign: -1,
      }),
    },
  ];
  if (summary.whatIfs.some((w) => w.headline.length > 0))
    charts.push({
      kind: 'comparison',
      name: 'forest',
      caption:
        'Each what-if against the baseline on the headline measures: the paired mean difference (dot) and its 95 % interval (bar); an interval that does not cross the dashed line at zero is an effect the runs resolve.',
      spec: forestSpec(summary, options),
    });
  return charts.map((c) => ({ ...c, title: titleOf(c.spec) }));
}

/** The charts of the comparison folder `dir`. @throws UsageError */
export function comparisonCharts(dir: string, selection: ChartSelection = {}): Chart[] {
  refuseSelection(dir, 'a comparison', selection);
  return comparisonChartsOf(readComparisonFolder(dir, (m) => COMPARISON_DIFF_METRICS.includes(m)), selection);
}

/** A file stem from a metric and month: letters, digits, `_` and `-` only. */
function stem(metric: string, month: number): string {
  return `sweep-${metric.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 100)}-t${month}`;
}

const SWEEP_CAPTIONS = {
  line: 'the mean over the runs at each value of the parameter, and the 95 % interval of that mean. Every point uses the same replication seeds, so the curve is not blurred by noise between points.',
  heatmap: 'the mean over the runs in each cell of the grid, darkest lowest (viridis scale).',
  scatter: 'the mean over the runs at each point of the design against each parameter, with the 95 % interval of that mean; the other parameters vary too, so a trend is a main effect blurred by them.',
};

/** The charts of a sweep folder already read: one per reported metric. */
export function sweepChartsOf(folder: SweepFolder, selection: ChartSelection = {}): Chart[] {
  const s = folder.summary;
  const options = { width: selection.width };
  const kind = sweepChartKind(s);
  const names = new Set<string>();
  return s.cells.map((c, i) => {
    let name = stem(c.metric, c.month);
    while (names.has(name)) name = `${name}-${i}`;
    names.add(name);
    const spec = sweepSpec(s, i, options);
    return { kind: 'sweep', name, title: titleOf(spec), caption: `${cellName(c)}: ${SWEEP_CAPTIONS[kind]}`, spec };
  });
}

/** The charts of the sweep folder `dir`. @throws UsageError */
export function sweepCharts(dir: string, selection: ChartSelection = {}): Chart[] {
  refuseSelection(dir, 'a sweep', selection);
  return sweepChartsOf(readSweepFolder(dir), selection);
}

/** The chart of a calibration folder already read: the objective over the evaluations. */
export function calibrationChartsOf(folder: CalibrationFolder, selection: ChartSelection = {}): Chart[] {
  const spec = calibrationObjectiveSpec(folder, { width: selection.width });
  const caption =
    'The objective Σ ((mean − value) / sd)² at each evaluation of the search (dots) and the lowest so far (line). Every evaluation uses the same replication seeds, so two evaluations differ by their parameters, not by noise.';
  return [{ kind: 'calibration', name: 'objective', title: titleOf(spec), caption, spec }];
}

/** The charts of the calibration folder `dir`. @throws UsageError */
export function calibrationCharts(dir: string, selection: ChartSelection = {}): Chart[] {
  refuseSelection(dir, 'a calibration', selection);
  return calibrationChartsOf(readCalibrationFolder(dir), selection);
}

const SENSITIVITY_CAPTIONS = {
  sobol:
    "the share of the metric's variance (over the point means) that each parameter explains alone (S1) and with all its interactions (ST), with bootstrap 95 % intervals; ST well above S1 means interactions matter.",
  morris:
    'the mean absolute elementary effect μ* (how much the parameter moves the metric) beside σ (how much that effect varies: non-linearity or interaction), in the units of the metric.',
};

/** The charts of a sensitivity analysis already read: one per analysed metric (none when the indices were not computed). */
export function sensitivityChartsOf(folder: SensitivityFolder, selection: ChartSelection = {}): Chart[] {
  const options = { width: selection.width };
  const names = new Set<string>();
  return analysedCells(folder.rows).map((c, i) => {
    let name = stem(c.metric, c.month).replace(/^sweep-/, 'sensitivity-');
    while (names.has(name)) name = `${name}-${i}`;
    names.add(name);
    const spec = sensitivitySpec(folder, c, options);
    return { kind: 'sensitivity', name, title: titleOf(spec), caption: `${cellName(c)}: ${SENSITIVITY_CAPTIONS[folder.manifest.analysis.method]}`, spec };
  });
}

/** The charts of the sensitivity analysis folder `dir`. @throws UsageError */
export function sensitivityCharts(dir: string, selection: ChartSelection = {}): Chart[] {
  refuseSelection(dir, 'a sensitivity analysis', selection);
  return sensitivityChartsOf(readSensitivityFolder(dir), selection);
}
