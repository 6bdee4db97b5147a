/**
 * Distributions by inversion or exact rejection over keyed uniforms
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
 * Poisson(mean), exact: inversion for mean < 10, else Hörmann's PTRS
 * transformed rejection (1993). Uses uniforms k = 0, 1, … of the key.
 */
export function poisson(key: number, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean < 10) {
    const u = uniform(key, 0);
    let p = Math.exp(-mean);
    let cdf = p;
    let n = 0;
    while (u > cdf && n < 1000) {
      n++;
      p *= mean / n;
      cdf += p;
    }
    return n;
  }
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (let k = 0; ; k += 2) {
    const U = uniform(key, k) - 0.5;
    const V = uniform(key, k + 1);
    const us = 0.5 - Math.abs(U);
    const n = Math.floor((2 * a / us + b) * U + mean + 0.43);
    if (us >= 0.07 && V <= vr) return n;
    if (n < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + n * loglam - logFactorial(n)) return n;
  }
}
