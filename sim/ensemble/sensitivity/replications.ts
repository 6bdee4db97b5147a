/**
 * Replications per design point. A stochastic model gives a different
 * output at the same parameters with each replication (seed), so a command
 * runs R replications at every design point and the indices are computed
 * on the point means. What is left of the noise in those means inflates V:
 * it lowers every S_i and raises every ST_i. The noise share says how much.
 *
 * With P design points, R ≥ 2 replications each, y_pr the output of
 * replication r at point p, ȳ_p the point's mean and ȳ the grand mean:
 *
 *   within-point variance  σ²_w = (1/P) Σ_p (1/(R−1)) Σ_r (y_pr − ȳ_p)²
 *   total variance         σ²_T = (1/(PR − 1)) Σ_p Σ_r (y_pr − ȳ)²
 *   noise share            σ²_w / σ²_T
 *   noise share of means   (σ²_w / R) / ((1/(P − 1)) Σ_p (ȳ_p − ȳ)²)
 *
 * With y = f(x) + ε, ε of variance σ²_ε independent of x, the noise share
 * tends to σ²_ε / (Var f + σ²_ε): the share of one run's variance that is
 * replication noise. The noise share of means is the share of the variance
 * of the averaged outputs (what the indices see) that is noise; a small one
 * (say < 0.05) means the indices are barely biased by the noise. Both are
 * NaN when R = 1, and either may pass 1 by chance when f hardly varies.
 */
import { UsageError } from '../../errors.js';
import { outputCountMismatch, unevenReplications, wholeAtLeast } from './messages.js';
import type { SaltelliDesign } from './saltelli.js';
import { sobolIndices, type SobolAnalysis, type SobolOptions } from './sobol-indices.js';

export interface NoiseShare {
  /** R, the replications per design point. */
  readonly replications: number;
  /** σ²_w, in the output's units squared. */
  readonly withinVariance: number;
  /** σ²_T, in the output's units squared. */
  readonly totalVariance: number;
  /** σ²_w / σ²_T. */
  readonly share: number;
  /** (σ²_w / R) / the variance of the point means. */
  readonly shareOfMeans: number;
}

/** The point means of `outputs` (one list of R replications per design point) and their noise share. */
export function averageReplications(outputs: readonly ArrayLike<number>[]): { means: Float64Array; noise: NoiseShare } {
  const p = outputs.length;
  if (p < 2) throw new UsageError(wholeAtLeast('design points', 2, p));
  const r = outputs[0].length;
  if (!Number.isInteger(r) || r < 1) throw new UsageError(wholeAtLeast('replications', 1, r));
  outputs.forEach((ys, point) => {
    if (ys.length !== r) throw new UsageError(unevenReplications(point, r, ys.length));
  });
  const means = new Float64Array(p);
  let within = 0;
  for (let k = 0; k < p; k++) {
    const ys = outputs[k];
    let m = 0;
    for (let j = 0; j < r; j++) m += ys[j];
    m /= r;
    means[k] = m;
    let ss = 0;
    for (let j = 0; j < r; j++) ss += (ys[j] - m) * (ys[j] - m);
    within += r > 1 ? ss / (r - 1) : NaN;
  }
  within /= p;
  let grand = 0;
  for (let k = 0; k < p; k++) grand += means[k];
  grand /= p;
  let total = 0;
  let between = 0;
  for (let k = 0; k < p; k++) {
    between += (means[k] - grand) * (means[k] - grand);
    const ys = outputs[k];
    for (let j = 0; j < r; j++) total += (ys[j] - grand) * (ys[j] - grand);
  }
  total /= p * r - 1;
  between /= p - 1;
  const noise = { replications: r, withinVariance: within, totalVariance: total, share: within / total, shareOfMeans: within / r / between };
  return { means, noise };
}

/** Sobol' indices on the point means of replicated outputs (one list per design point), with their noise share. */
export function sobolIndicesReplicated(
  design: SaltelliDesign,
  outputs: readonly ArrayLike<number>[],
  options: SobolOptions,
): SobolAnalysis & { readonly noise: NoiseShare } {
  if (outputs.length !== design.points.length) throw new UsageError(outputCountMismatch(design.points.length, outputs.length));
  const { means, noise } = averageReplications(outputs);
  return { ...sobolIndices(design, means, options), noise };
}
