/**
 * The files of a sensitivity analysis (`shakeout sensitivity`): a sweep
 * folder (sweep-files.ts) over a Saltelli or Morris design, whose manifest
 * has format SENSITIVITY_FORMAT and records the analysis, plus
 *
 *   indices.csv    tidy, one row per metric, parameter and index: metric,
 *                  month, date, method, parameter, index (S1 and ST for
 *                  Sobol', mu, mu_star and sigma for Morris), value, and the
 *                  bootstrap 95 % interval ci_low, ci_high (Sobol' only)
 *   summary.json   the sweep's summary with a `sensitivity` member: the
 *                  indices and, per metric, the share of its variance that
 *                  is Monte Carlo noise between replications
 *   summary.md     the same, to read, then the sweep's table of points
 *
 * sweep.csv holds the raw design with its outputs (one row per point and
 * replication), points.csv the point means the indices are computed on.
 */
import { createAtomicWriter } from './atomic-write.js';
import { csvLine, formatNumber } from './format.js';
import { markdownText, readableNumber } from './summary-md.js';
import { type SensitivityRecord, sweepMarkdown, type SweepSummary } from './sweep-files.js';

export type { SensitivityRecord } from './sweep-files.js';

export const INDICES_FILE = 'indices.csv';

export type IndexName = 'S1' | 'ST' | 'mu' | 'mu_star' | 'sigma';

export interface IndexRow {
  parameter: string;
  index: IndexName;
  value: number;
  /** The bootstrap 95 % interval (Sobol'); NaN for Morris. */
  ciLow: number;
  ciHigh: number;
}

/** The share of a metric's variance that is Monte Carlo noise between replications (sim/ensemble/sensitivity/replications.ts). */
export interface NoiseRecord {
  replications: number;
  withinVariance: number;
  totalVariance: number;
  /** Of one run's variance. */
  share: number;
  /** Of the point means' variance, which the indices see. */
  shareOfMeans: number;
}

export interface MetricIndices {
  metric: string;
  month: number;
  date: string;
  /** Sobol': V, the variance of the point means over A and B, in the metric's units squared; null for Morris. */
  variance: number | null;
  noise: NoiseRecord;
  indices: IndexRow[];
}

export interface SensitivitySummary extends SensitivityRecord {
  /** Design points (N(d + 2) for Sobol', r(d + 1) for Morris) and replications at each. */
  designPoints: number;
  runs: number;
  /** Whether the indices were computed: not when a design point failed (then failedPoints lists them and metrics is empty). */
  computed: boolean;
  failedPoints: number[];
  metrics: MetricIndices[];
}

const INDEX_HEADER = ['metric', 'month', 'date', 'method', 'parameter', 'index', 'value', 'ci_low', 'ci_high'];

/** Writes indices.csv atomically. */
export function writeIndicesCsv(path: string, s: SensitivitySummary): void {
  const out = createAtomicWriter(path);
  try {
    out.write(csvLine(INDEX_HEADER));
    for (const m of s.metrics)
      for (const r of m.indices)
        out.write(
          csvLine([m.metric, String(m.month), m.date, s.method, r.parameter, r.index, formatNumber(r.value), formatNumber(r.ciLow), formatNumber(r.ciHigh)]),
        );
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}

/** summary.json of an analysis: the sweep's summary with `sensitivity`; NaN (an empty statistic) becomes null. */
export function sensitivityJson(sweep: SweepSummary, s: SensitivitySummary): string {
  return JSON.stringify({ ...sweep, sensitivity: s }, null, 2) + '\n';
}

const interval = (r: IndexRow) => `${readableNumber(r.value)} [${readableNumber(r.ciLow)}, ${readableNumber(r.ciHigh)}]`;
/** A share as a percentage, to two significant digits below 10 %: `0.012` is `1.2 %`, `1.9` is `190 %`. */
export function percentText(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const v = 100 * x;
  return `${Math.abs(v) >= 10 ? Math.round(v) : Number(v.toPrecision(2))} %`;
}

/** A noise share of the point means above which the indices say more about the noise than about the parameters. */
export const NOISY = 0.2;
const percent = percentText;

/** summary.md of an analysis: the indices of each metric with its noise share, then the sweep's points. */
export function sensitivityMarkdown(sweep: SweepSummary, s: SensitivitySummary): string {
  const name = sweep.scenario === null ? 'an unnamed scenario' : markdownText(sweep.scenario);
  const out: string[] = [`# Sensitivity of ${name}`, ''];
  const ranges = s.parameters.map((p) => `${markdownText(p.path)} on [${readableNumber(p.lo)}, ${readableNumber(p.hi)}]`).join(', ');
  const method =
    s.method === 'sobol'
      ? `Sobol' indices from a Saltelli design of N = ${s.samples} base samples (${s.designPoints} points), first order S1 and total ST (Jansen), with bootstrap 95 % intervals (${s.resamples} resamples)`
      : `Morris elementary effects from ${s.samples} trajectories on a ${s.levels}-level grid (${s.designPoints} points): μ* ranks importance, σ large against μ* flags interactions or non-linearity; effects are in the metric's units per whole range of the parameter`;
  out.push(
    `${method}. Parameters, each uniform: ${ranges}. ${s.runs} runs at every point, averaged; every point uses the same replication seeds ` +
      `(seed ${markdownText(String(sweep.seed))}).`,
    '',
  );
  if (!s.computed) {
    out.push(
      `**The indices were not computed**: ${s.failedPoints.length} design point${s.failedPoints.length === 1 ? '' : 's'} failed ` +
        `(${s.failedPoints.slice(0, 20).join(', ')}${s.failedPoints.length > 20 ? ', …' : ''}; why is below), and every estimator needs every point. ` +
        'Narrow the ranges so that the scenario accepts every point.',
      '',
    );
  }
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  for (const m of s.metrics) {
    out.push(`## ${markdownText(m.metric)} at t = ${m.month} (${m.date})`, '');
    out.push(
      `Monte Carlo noise between replications: ${percent(m.noise.share)} of one run's variance, ${percent(m.noise.shareOfMeans)} of the variance of the point means ` +
        `(what the indices see; a large share lowers every S1 and raises every ST: raise --runs).` +
        (m.noise.shareOfMeans > NOISY ? ' **That is too much noise for the indices to mean much.**' : ''),
      '',
    );
    const of = (p: string, i: IndexName) => m.indices.find((r) => r.parameter === p && r.index === i)!;
    if (s.method === 'sobol') {
      out.push(line(['parameter', 'S1 [95 % interval]', 'ST [95 % interval]']), line(['---', '---', '---']));
      for (const p of s.parameters) out.push(line([markdownText(p.path), interval(of(p.path, 'S1')), interval(of(p.path, 'ST'))]));
    } else {
      out.push(line(['parameter', 'μ*', 'μ', 'σ']), line(['---', '---', '---', '---']));
      for (const p of s.parameters) out.push(line([markdownText(p.path), ...(['mu_star', 'mu', 'sigma'] as const).map((i) => readableNumber(of(p.path, i).value))]));
    }
    out.push('');
  }
  const points = sweepMarkdown(sweep).split('\n').slice(1);
  out.push('## The design points', ...points);
  return out.join('\n');
}
