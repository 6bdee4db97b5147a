/**
 * Sobol' indices from the outputs of a Saltelli design (saltelli.ts), with
 * the estimators Saltelli et al. (2010, Table 2) recommend:
 *
 *   first order  S_i  = (1/N) Σ_j f(B)_j (f(A_B^(i))_j − f(A)_j) / V
 *                       (Sobol' 2007; Saltelli et al. 2010, estimator (b))
 *   total        ST_i = (1/2N) Σ_j (f(A)_j − f(A_B^(i))_j)² / V
 *                       (Jansen 1999; Saltelli et al. 2010, estimator (f))
 *
 * where V is the variance (denominator 2N) of the 2N outputs f(A) ∪ f(B).
 * The outputs are centred on the mean of f(A) ∪ f(B) first, as SALib does:
 * the estimators' expectations do not change, and S_i's variance falls when
 * the mean is large against the spread.
 *
 * References: I. M. Sobol', S. Tarantola, D. Gatelli, S. S. Kucherenko,
 * W. Mauntz, "Estimating the approximation error when fixing unessential
 * factors in global sensitivity analysis", Reliab. Eng. Syst. Saf. 92
 * (2007) 957–960; M. J. W. Jansen, "Analysis of variance designs for model
 * output", Comput. Phys. Commun. 117 (1999) 35–43; B. Efron and
 * R. Tibshirani, "An Introduction to the Bootstrap" (1993), ch. 13, for the
 * percentile intervals.
 */
import { UsageError } from '../../errors.js';
import { quantileSorted } from '../stats.js';
import { indexDraw, sensitivityStream, SensitivityPurpose } from './draws.js';
import { outputCountMismatch, wholeAtLeast } from './messages.js';
import type { SaltelliDesign } from './saltelli.js';

/** An estimate with its bootstrap 95 % percentile interval. */
export interface IntervalEstimate {
  readonly value: number;
  /** 2.5 % percentile of the bootstrap estimates. */
  readonly low: number;
  /** 97.5 % percentile. */
  readonly high: number;
}

/** One parameter's indices, as shares of the output variance (0–1, up to estimation error). */
export interface SobolIndex {
  readonly parameter: string;
  /** S_i: the share of variance due to the parameter alone. */
  readonly first: IntervalEstimate;
  /** ST_i: the share due to the parameter with all its interactions. */
  readonly total: IntervalEstimate;
}

export interface SobolAnalysis {
  readonly indices: readonly SobolIndex[];
  /** V, the variance of f(A) ∪ f(B), in the output's units squared. */
  readonly variance: number;
  readonly baseSamples: number;
  /** Bootstrap resamples behind the intervals. */
  readonly resamples: number;
}

export interface SobolOptions {
  /** Seed of the bootstrap resampling: the same seed gives the same intervals. */
  readonly seed: string | number;
  /** Bootstrap resamples; 1000 when not given. */
  readonly resamples?: number;
}

/** Indices of every parameter from the rows `rows` (all N when null) of A, B and each A_B^(i); NaN when V = 0. */
function estimate(y: ArrayLike<number>, n: number, d: number, rows: Int32Array | null): { first: Float64Array; total: Float64Array; variance: number } {
  const row = (j: number) => (rows ? rows[j] : j);
  let mean = 0;
  for (let j = 0; j < n; j++) mean += y[row(j)] + y[n + row(j)];
  mean /= 2 * n;
  let v = 0;
  for (let j = 0; j < n; j++) {
    const a = y[row(j)] - mean;
    const b = y[n + row(j)] - mean;
    v += a * a + b * b;
  }
  v /= 2 * n;
  const first = new Float64Array(d);
  const total = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const offset = (2 + i) * n;
    let s = 0;
    let t = 0;
    for (let j = 0; j < n; j++) {
      const r = row(j);
      const fa = y[r] - mean;
      const fab = y[offset + r] - mean;
      s += (y[n + r] - mean) * (fab - fa);
      t += (fa - fab) * (fa - fab);
    }
    first[i] = s / n / v;
    total[i] = t / (2 * n) / v;
  }
  return { first, total, variance: v };
}

/**
 * First-order and total indices of each parameter from `outputs`, one per
 * design point in the design's order, with bootstrap 95 % percentile
 * intervals: each resample draws N rows with replacement (one draw for all
 * matrices, which keeps A, B and A_B^(i) paired) from keyed random numbers.
 */
export function sobolIndices(design: SaltelliDesign, outputs: ArrayLike<number>, options: SobolOptions): SobolAnalysis {
  const n = design.baseSamples;
  const d = design.parameters.length;
  if (outputs.length !== design.points.length) throw new UsageError(outputCountMismatch(design.points.length, outputs.length));
  const resamples = options.resamples ?? 1000;
  if (!Number.isInteger(resamples) || resamples < 1) throw new UsageError(wholeAtLeast('bootstrap resamples', 1, resamples));
  const point = estimate(outputs, n, d, null);
  const stream = sensitivityStream(options.seed, SensitivityPurpose.bootstrap);
  const firsts = Array.from({ length: d }, () => new Float64Array(resamples));
  const totals = Array.from({ length: d }, () => new Float64Array(resamples));
  const rows = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let k = 0; k < n; k++) rows[k] = indexDraw(stream, b, k, n);
    const e = estimate(outputs, n, d, rows);
    for (let i = 0; i < d; i++) {
      firsts[i][b] = e.first[i];
      totals[i][b] = e.total[i];
    }
  }
  const interval = (value: number, draws: Float64Array): IntervalEstimate => {
    const sorted = draws.slice().sort();
    return { value, low: quantileSorted(sorted, 0.025), high: quantileSorted(sorted, 0.975) };
  };
  const indices = design.parameters.map((p, i) => ({
    parameter: p.name,
    first: interval(point.first[i], firsts[i]),
    total: interval(point.total[i], totals[i]),
  }));
  return { indices, variance: point.variance, baseSamples: n, resamples };
}
