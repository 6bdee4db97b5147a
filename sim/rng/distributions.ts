/**
 * Distributions by inversion of keyed uniforms
 * (sim/rng/keyed.ts). Each takes the uniforms it needs from a draw key, so a
 * draw's randomness is fixed by its key alone.
 */
import { uniform } from './keyed.js';

// Acklam's rational approximation of the standard normal quantile
// (relative error < 1.2e-9), one uniform per draw.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Standard normal quantile of u in (0, 1); u = 0 is nudged to the smallest positive double. */
export function normalQuantile(u: number): number {
  // The central region takes 95 % of draws; the tails live in their own function so this one stays small enough to inline.
  if (!(u >= P_LOW && u <= 1 - P_LOW)) return normalTail(u);
  const q = u - 0.5;
  const r = q * q;
  return ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}

/** normalQuantile below P_LOW and above 1 − P_LOW. */
function normalTail(u: number): number {
  if (u <= 0) u = Number.MIN_VALUE;
  if (u < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(u));
    return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  const q = Math.sqrt(-2 * Math.log(1 - u));
  return -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
}

/** A standard normal from the k-th uniform of a key. */
export function standardNormal(key: number, k: number): number {
  return normalQuantile(uniform(key, k));
}

function logFactorial(k: number): number {
  if (k < 2) return 0;
  if (k < 20) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  // Stirling series, accurate to double precision for k ≥ 20.
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}

/**
 * Poisson(mean) by inversion of the uniform u: the least n with
 * P(X ≤ n) ≥ u. So the count is monotone in the mean for a fixed u (MODEL.md
 * section 10): a what-if whose entry rate is a little higher gets the
 * baseline's entrants and a few more, never a fresh draw. (Rejection
 * samplers such as PTRS are not: for means 15 and 15.5 from one key their
 * counts agreed only 45 % of the time.)
 *
 * P(X = mode) is computed in logs (no underflow of exp(−mean) for means
 * above 745); the terms on each side of it are taken as far as they count
 * (10^-18 of the mode's), so the work grows as √mean: about 80,000 terms
 * at the largest entry mean the engine allows (10^7). Below the mode the
 * cdf is summed from the left tail up, above it the right tail from the
 * top down, so u near 0 or near 1 is resolved as finely as the doubles
 * allow. Monotone in the mean up to rounding: a u within a relative 10^-14
 * or so of a cdf value may fall either side.
 */
export function poissonInverse(u: number, mean: number): number {
  if (!(mean > 0)) return 0;
  const mode = Math.floor(mean);
  const pMode = Math.exp(mode * Math.log(mean) - mean - logFactorial(mode));
  const negligible = pMode * 1e-18;
  // P(X = k) down from the mode and up from it, as far as the terms count; below[d] is k = mode − d, above[d] is k = mode + 1 + d.
  let below = termsBelow;
  let nBelow = 0;
  for (let k = mode, p = pMode; k >= 0 && p > negligible; p *= k / mean, k--) {
    if (nBelow === below.length) below = termsBelow = grownTerms(below);
    below[nBelow++] = p;
  }
  let above = termsAbove;
  let nAbove = 0;
  for (let k = mode + 1, p = (pMode * mean) / (mode + 1); p > negligible; k++, p *= mean / k) {
    if (nAbove === above.length) above = termsAbove = grownTerms(above);
    above[nAbove++] = p;
  }
  // Each side summed from its smallest term: the cdf near 0 and the tail near 1 keep their precision.
  let lower = 0;
  for (let d = nBelow - 1; d >= 0; d--) lower += below[d];
  let upper = 0;
  for (let d = nAbove - 1; d >= 0; d--) upper += above[d];
  // The truncated terms' total stands for 1, so that rounding in P(X = mode) cancels.
  const total = lower + upper;
  if (u * total <= lower) {
    let cdf = 0;
    for (let d = nBelow - 1; d >= 0; d--) {
      cdf += below[d];
      if (u * total <= cdf) return mode - d;
    }
    return mode;
  }
  // The least n above the mode with P(X > n) ≤ 1 − u, the tail summed from the top.
  const v = (1 - u) * total;
  let n = mode + nAbove;
  let tail = 0;
  while (n > mode + 1 && tail + above[n - mode - 1] <= v) {
    tail += above[n - mode - 1];
    n--;
  }
  return n;
}

/** poissonInverse's terms, kept from call to call on this thread (one call a month drew ~3 KB of arrays). */
let termsBelow: Float64Array<ArrayBuffer> = new Float64Array(256);
let termsAbove: Float64Array<ArrayBuffer> = new Float64Array(256);

function grownTerms(terms: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(terms.length * 2);
  grown.set(terms);
  return grown;
}

/** A Poisson(mean) count from the k-th uniform of a key, by inversion (poissonInverse). */
export function poisson(key: number, mean: number, k = 0): number {
  return poissonInverse(uniform(key, k), mean);
}
