/**
 * Nelder–Mead simplex search (Nelder and Mead 1965), with the standard
 * coefficients and the tie rules of Lagarias, Reeds, Wright and Wright
 * (1998): reflection 1, expansion 2, contraction ½, shrink ½; the simplex
 * is kept sorted with ties broken by age, so a run is a pure function of
 * the objective's values. Unbounded: bounds are bounds.ts's business.
 */
import { evaluationCounter, maxDistance, type Minimum, type Objective, OutOfEvaluations, type StopRules } from './budget.js';

/**
 * Minimises `f` from `start`, the first simplex being `start` and `start`
 * moved by `step[i]` along each axis i (units of x).
 */
export async function nelderMead(f: Objective, start: readonly number[], step: readonly number[], rules: StopRules): Promise<Minimum> {
  const n = start.length;
  const counter = evaluationCounter(f, rules.maxEvaluations);
  let stop: Minimum['stop'] = 'maxEvaluations';
  try {
    const simplex: { x: number[]; value: number }[] = [];
    for (let i = 0; i <= n; i++) {
      const x = [...start];
      if (i > 0) x[i - 1] += step[i - 1];
      simplex.push({ x, value: await counter.at(x) });
    }
    const along = (from: readonly number[], to: readonly number[], t: number) => from.map((c, j) => c + t * (to[j] - c));
    for (;;) {
      // Stable sort: among equal values the older vertex stays ahead.
      simplex.sort((a, b) => (a.value === b.value ? 0 : a.value < b.value ? -1 : 1));
      const best = simplex[0];
      const worst = simplex[n];
      // Equal values (infinite ones included: points that cannot be evaluated) do not differ.
      const spread = worst.value === best.value ? 0 : worst.value - best.value;
      const size = Math.max(...simplex.slice(1).map((v) => maxDistance(v.x, best.x)));
      if (spread <= rules.tolerance && size <= rules.xTolerance) {
        stop = 'tolerance';
        break;
      }
      const centroid = Array.from({ length: n }, (_, j) => simplex.slice(0, n).reduce((s, v) => s + v.x[j], 0) / n);
      const xr = along(centroid, worst.x, -1);
      const fr = await counter.at(xr);
      if (fr < best.value) {
        const xe = along(centroid, worst.x, -2);
        const fe = await counter.at(xe);
        simplex[n] = fe < fr ? { x: xe, value: fe } : { x: xr, value: fr };
        continue;
      }
      if (fr < simplex[n - 1].value) {
        simplex[n] = { x: xr, value: fr };
        continue;
      }
      // Contract: outside (towards the reflected point) when it beat the worst, else inside.
      const outside = fr < worst.value;
      const xc = outside ? along(centroid, xr, 0.5) : along(centroid, worst.x, 0.5);
      const fc = await counter.at(xc);
      if (outside ? fc <= fr : fc < worst.value) {
        simplex[n] = { x: xc, value: fc };
        continue;
      }
      for (let i = 1; i <= n; i++) {
        const x = along(best.x, simplex[i].x, 0.5);
        simplex[i] = { x, value: await counter.at(x) };
      }
    }
  } catch (e) {
    if (!(e instanceof OutOfEvaluations)) throw e;
  }
  const best = counter.best!;
  return { x: best.x, value: best.value, evaluations: counter.count, stop };
}
