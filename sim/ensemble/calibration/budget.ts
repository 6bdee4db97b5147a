/**
 * What every optimiser of calibration shares: the objective's type, the
 * stop rules, and a counter that ends the search when the evaluations run
 * out. The optimisers are deterministic (same objective values, same
 * points, in the same order), which is what lets `calibrate --resume`
 * replay a journal of values instead of computing them again.
 */

/** The function minimised: a point's value; NaN is taken as +∞ (a point that cannot be evaluated). */
export type Objective = (x: readonly number[]) => Promise<number> | number;

export interface StopRules {
  /** The most evaluations, ≥ 1. */
  maxEvaluations: number;
  /** Converged when the objective values the optimiser compares differ by at most this (units of the objective)… */
  tolerance: number;
  /** …and the points they are at differ by at most this in every coordinate (units of x). */
  xTolerance: number;
}

/** Why a search stopped: it converged, or the evaluations ran out. */
export type StopReason = 'tolerance' | 'maxEvaluations';

export interface Minimum {
  /** The best point evaluated (the first, in evaluation order, among equals). */
  x: number[];
  value: number;
  evaluations: number;
  stop: StopReason;
}

/** Thrown by a counter that has no evaluation left; caught by the optimiser that owns it. */
export class OutOfEvaluations {}

/** Counts evaluations, keeps the best, refuses the one past the budget. */
export function evaluationCounter(f: Objective, maxEvaluations: number) {
  let count = 0;
  let best: { x: number[]; value: number } | null = null;
  return {
    get count() {
      return count;
    },
    get best() {
      return best;
    },
    async at(x: readonly number[]): Promise<number> {
      if (count >= maxEvaluations) throw new OutOfEvaluations();
      count++;
      const raw = await f(x);
      const value = Number.isNaN(raw) ? Infinity : raw;
      if (best === null || value < best.value) best = { x: [...x], value };
      return value;
    },
  };
}

/** The largest difference between any coordinate of `a` and `b`. */
export function maxDistance(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
