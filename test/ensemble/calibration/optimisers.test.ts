/** The optimisers of calibration on functions whose minimum is known. */
import { describe, expect, it } from 'vitest';
import { cmaEs, eigen } from '../../../sim/ensemble/calibration/cma-es.js';
import { fold, minimiseInBox, valueAt } from '../../../sim/ensemble/calibration/bounds.js';
import { nelderMead } from '../../../sim/ensemble/calibration/nelder-mead.js';

const rosenbrock = (x: readonly number[]) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
const quadratic = (centre: readonly number[]) => (x: readonly number[]) => x.reduce((s, v, i) => s + (i + 1) * (v - centre[i]) ** 2, 0);
const rules = { maxEvaluations: 2000, tolerance: 1e-12, xTolerance: 1e-8 };

describe('Nelder–Mead', () => {
  it('finds the minimum of the Rosenbrock function at (1, 1) from (−1.2, 1)', async () => {
    const m = await nelderMead(rosenbrock, [-1.2, 1], [0.1, 0.1], rules);
    expect(m.stop).toBe('tolerance');
    expect(m.x[0]).toBeCloseTo(1, 4);
    expect(m.x[1]).toBeCloseTo(1, 4);
    expect(m.value).toBeLessThan(1e-8);
  });

  it('finds the centre of a quadratic in three dimensions', async () => {
    const m = await nelderMead(quadratic([3, -2, 0.5]), [0, 0, 0], [1, 1, 1], rules);
    m.x.forEach((v, i) => expect(v).toBeCloseTo([3, -2, 0.5][i], 4));
  });

  it('stops after maxEvaluations, counting every evaluation, and returns the best point seen', async () => {
    const seen: number[] = [];
    const m = await nelderMead((x) => (seen.push(rosenbrock(x)), rosenbrock(x)), [-1.2, 1], [0.1, 0.1], { ...rules, maxEvaluations: 17 });
    expect(m.stop).toBe('maxEvaluations');
    expect(m.evaluations).toBe(17);
    expect(seen).toHaveLength(17);
    expect(m.value).toBe(Math.min(...seen));
  });

  it('is a pure function of the objective values: the same search twice visits the same points', async () => {
    const visit = async () => {
      const points: string[] = [];
      await nelderMead((x) => (points.push(x.join(',')), rosenbrock(x)), [-1.2, 1], [0.1, 0.1], { ...rules, maxEvaluations: 60 });
      return points;
    };
    expect(await visit()).toEqual(await visit());
  });
});

describe('CMA-ES', () => {
  it('finds the centre of a quadratic in four dimensions', async () => {
    const centre = [1, -1, 2, 0.5];
    const m = await cmaEs(quadratic(centre), [0, 0, 0, 0], 0.5, 7, { maxEvaluations: 5000, tolerance: 1e-14, xTolerance: 1e-8 });
    expect(m.stop).toBe('tolerance');
    m.x.forEach((v, i) => expect(v).toBeCloseTo(centre[i], 4));
  });

  it('finds the minimum of the Rosenbrock function', async () => {
    const m = await cmaEs(rosenbrock, [-1.2, 1], 0.5, 'rosen', { maxEvaluations: 5000, tolerance: 1e-14, xTolerance: 1e-9 });
    expect(m.x[0]).toBeCloseTo(1, 3);
    expect(m.x[1]).toBeCloseTo(1, 3);
  });

  it('is deterministic given a seed, and another seed searches elsewhere', async () => {
    const visit = async (seed: number) => {
      const points: string[] = [];
      await cmaEs((x) => (points.push(x.join(',')), rosenbrock(x)), [0, 0], 0.3, seed, { ...rules, maxEvaluations: 30 });
      return points;
    };
    const a = await visit(1);
    expect(a).toHaveLength(30);
    expect(await visit(1)).toEqual(a);
    expect(await visit(2)).not.toEqual(a);
  });

  it('eigen: B diag(D²) Bᵀ gives back the matrix, and B is orthonormal', () => {
    const C = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ];
    const { B, D } = eigen(C);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        expect(B.reduce((s, row) => s + row[i] * row[j], 0)).toBeCloseTo(i === j ? 1 : 0, 12);
        expect(B[i].reduce((s, b, k) => s + b * D[k] ** 2 * B[j][k], 0)).toBeCloseTo(C[i][j], 12);
      }
  });
});

describe('bounds', () => {
  it('fold reflects at 0 and 1 and is the identity inside', () => {
    expect([0, 0.3, 1, 1.2, -0.3, 2.5, -1.5].map(fold).map((v) => Number(v.toFixed(12)))).toEqual([0, 0.3, 1, 0.8, 0.3, 0.5, 0.5]);
    expect(valueAt({ lower: 2, upper: 4, start: 3 }, 1.25)).toBe(3.5);
  });

  for (const method of ['nelder-mead', 'cma-es'] as const) {
    it(`${method}: a minimum inside the box is found, and the objective is never called outside it`, async () => {
      const box = [
        { lower: -2, upper: 2, start: -1.2 },
        { lower: -1, upper: 3, start: 1 },
      ];
      const outside: number[][] = [];
      const m = await minimiseInBox(
        method,
        (x) => {
          if (x.some((v, i) => v < box[i].lower || v > box[i].upper)) outside.push([...x]);
          return rosenbrock(x);
        },
        box,
        { maxEvaluations: 5000, tolerance: 1e-14, xTolerance: 1e-9 },
        3,
      );
      expect(outside).toEqual([]);
      expect(m.x[0]).toBeCloseTo(1, 3);
      expect(m.x[1]).toBeCloseTo(1, 3);
    });

    it(`${method}: a minimum outside the box lands on the bound`, async () => {
      // Unbounded minimum at (5, −3); in [0, 2] × [−1, 1] the minimum is the corner (2, −1).
      const m = await minimiseInBox(method, quadratic([5, -3]), [{ lower: 0, upper: 2, start: 1 }, { lower: -1, upper: 1, start: 0 }], { maxEvaluations: 3000, tolerance: 1e-12, xTolerance: 1e-9 }, 5);
      expect(m.x[0]).toBeCloseTo(2, 5);
      expect(m.x[1]).toBeCloseTo(-1, 5);
    });
  }
});
