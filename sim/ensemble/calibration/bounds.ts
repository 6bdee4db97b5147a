/**
 * Bounded search by an unbounded optimiser. Each parameter is searched in
 * units of its range, y = (x − lower) / (upper − lower), and a point
 * outside [0, 1] is folded back in by reflection at the bounds (a triangle
 * wave: y = 1.2 is x at 0.8 of the range, y = −0.3 at 0.3). So every point
 * the optimiser asks for is inside the bounds and no value is ever clamped
 * onto a bound it did not reach; the fold is continuous, so the objective
 * stays as smooth in y as it is in x, and an optimum on a bound is
 * reached from either side. (A logit transform cannot start on a bound, and
 * clamping makes the objective flat outside, where a simplex can stall.)
 */
import { type Minimum, type Objective, type StopRules } from './budget.js';
import { cmaEs } from './cma-es.js';
import { nelderMead } from './nelder-mead.js';

export type CalibrationMethod = 'nelder-mead' | 'cma-es';

export interface Bounded {
  lower: number;
  upper: number;
  start: number;
}

/** The first simplex's step (Nelder–Mead) and the first step size (CMA-ES), in units of each range. */
export const NELDER_MEAD_STEP = 0.1;
export const CMA_ES_SIGMA = 0.2;

/** y folded into [0, 1] by reflection at 0 and 1. */
export function fold(y: number): number {
  const t = ((y % 2) + 2) % 2;
  return t <= 1 ? t : 2 - t;
}

/**
 * The value of a parameter at `y` (units of its range, folded in), to 12
 * significant digits: the start written 0.5 is evaluated at 0.5, not at
 * 0.5000000000000002 (the value is written in the files and becomes the
 * scenario's), and the search loses nothing at that scale.
 */
export function valueAt(p: Bounded, y: number): number {
  const x = Number((p.lower + (p.upper - p.lower) * fold(y)).toPrecision(12));
  return Math.min(p.upper, Math.max(p.lower, x));
}

/**
 * Minimises `f` over the box of `parameters`, from their starts; `f` is
 * only ever called inside the box. The tolerance on x is in units of each
 * range. The result's `x` is in the parameters' own units.
 */
export async function minimiseInBox(
  method: CalibrationMethod,
  f: Objective,
  parameters: readonly Bounded[],
  rules: StopRules,
  seed: string | number,
): Promise<Minimum> {
  const toX = (y: readonly number[]) => parameters.map((p, i) => valueAt(p, y[i]));
  const g: Objective = (y) => f(toX(y));
  const start = parameters.map((p) => (p.start - p.lower) / (p.upper - p.lower));
  const found =
    method === 'nelder-mead'
      ? await nelderMead(g, start, parameters.map(() => NELDER_MEAD_STEP), rules)
      : await cmaEs(g, start, CMA_ES_SIGMA, seed, rules);
  return { ...found, x: toX(found.x) };
}
