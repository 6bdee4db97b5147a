/**
 * CMA-ES, the covariance matrix adaptation evolution strategy with
 * weighted recombination and cumulative step-size adaptation, after
 * Hansen's tutorial ("The CMA Evolution Strategy: A Tutorial", 2016) and
 * its reference code purecma: population λ = 4 + ⌊3 ln n⌋, parents
 * μ = ⌊λ/2⌋, its default learning rates. Its normal draws are keyed by the
 * seed, the generation and the candidate (sim/rng/keyed.ts), so a seed
 * gives the same search on every machine. Unbounded: bounds are bounds.ts's.
 */
import { standardNormal } from '../../rng/distributions.js';
import { drawKey, Purpose, replicationKey } from '../../rng/keyed.js';
import { evaluationCounter, type Minimum, type Objective, OutOfEvaluations, type StopRules } from './budget.js';

/** Generations whose best values must agree within the tolerance before the search is taken to have converged. */
const HISTORY = 10;

/**
 * Minimises `f` from the mean `start` with initial step size `sigma`
 * (units of x, the same in every coordinate); `seed` keys the draws.
 */
export async function cmaEs(f: Objective, start: readonly number[], sigma0: number, seed: string | number, rules: StopRules): Promise<Minimum> {
  const n = start.length;
  const lambda = 4 + Math.floor(3 * Math.log(n));
  const mu = Math.floor(lambda / 2);
  const raw = Array.from({ length: mu }, (_, i) => Math.log(mu + 0.5) - Math.log(i + 1));
  const total = raw.reduce((a, b) => a + b, 0);
  const w = raw.map((x) => x / total);
  const muEff = 1 / w.reduce((s, x) => s + x * x, 0);
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const cs = (muEff + 2) / (n + muEff + 5);
  const c1 = 2 / ((n + 1.3) ** 2 + muEff);
  const cmu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff));
  const damps = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cs;
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));

  const root = replicationKey(seed, 0);
  const counter = evaluationCounter(f, rules.maxEvaluations);
  let mean = [...start];
  let sigma = sigma0;
  let pc = new Array<number>(n).fill(0);
  let ps = new Array<number>(n).fill(0);
  let C = identity(n);
  let { B, D } = { B: identity(n), D: new Array<number>(n).fill(1) };
  const bests: number[] = [];
  let stop: Minimum['stop'] = 'maxEvaluations';
  try {
    for (let g = 0; ; g++) {
      const offspring: { x: number[]; y: number[]; value: number }[] = [];
      for (let k = 0; k < lambda; k++) {
        const key = drawKey(root, Purpose.calibration, g, k);
        const z = Array.from({ length: n }, (_, i) => standardNormal(key, i));
        const y = B.map((row) => row.reduce((s, b, j) => s + b * D[j] * z[j], 0));
        const x = mean.map((m, i) => m + sigma * y[i]);
        offspring.push({ x, y, value: await counter.at(x) });
      }
      offspring.sort((a, b) => (a.value === b.value ? 0 : a.value < b.value ? -1 : 1));
      const old = mean;
      const yw = Array.from({ length: n }, (_, i) => offspring.slice(0, mu).reduce((s, o, j) => s + w[j] * o.y[i], 0));
      mean = old.map((m, i) => m + sigma * yw[i]);
      // C^(-1/2) y_w = B D^(-1) Bᵀ y_w
      const bty = Array.from({ length: n }, (_, j) => B.reduce((s, row, i) => s + row[j] * yw[i], 0) / D[j]);
      const invSqrtCy = B.map((row) => row.reduce((s, b, j) => s + b * bty[j], 0));
      ps = ps.map((p, i) => (1 - cs) * p + Math.sqrt(cs * (2 - cs) * muEff) * invSqrtCy[i]);
      const psNorm = Math.hypot(...ps);
      const hsig = psNorm / Math.sqrt(1 - (1 - cs) ** (2 * (g + 1))) / chiN < 1.4 + 2 / (n + 1) ? 1 : 0;
      pc = pc.map((p, i) => (1 - cc) * p + hsig * Math.sqrt(cc * (2 - cc) * muEff) * yw[i]);
      const c1a = c1 * (1 - (1 - hsig) * cc * (2 - cc));
      C = C.map((row, i) =>
        row.map((c, j) => {
          let rankMu = 0;
          for (let k = 0; k < mu; k++) rankMu += w[k] * offspring[k].y[i] * offspring[k].y[j];
          return (1 - c1a - cmu) * c + c1 * pc[i] * pc[j] + cmu * rankMu;
        }),
      );
      sigma *= Math.exp((cs / damps) * (psNorm / chiN - 1));
      ({ B, D } = eigen(C));

      bests.push(offspring[0].value);
      const recent = bests.slice(-HISTORY);
      const values = [...recent, ...offspring.map((o) => o.value)];
      const low = Math.min(...values);
      const high = Math.max(...values);
      const spread = low === high ? 0 : high - low;
      const step = sigma * Math.sqrt(Math.max(...C.map((row, i) => row[i])));
      if (bests.length >= HISTORY && spread <= rules.tolerance && step <= rules.xTolerance) {
        stop = 'tolerance';
        break;
      }
    }
  } catch (e) {
    if (!(e instanceof OutOfEvaluations)) throw e;
  }
  const best = counter.best!;
  return { x: best.x, value: best.value, evaluations: counter.count, stop };
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/**
 * B and D of a symmetric C = B diag(D²) Bᵀ, by cyclic Jacobi rotations (n is
 * the number of calibrated values: a handful). D is floored at a tiny
 * positive value, so a collapsed direction never divides by zero.
 */
export function eigen(C: readonly (readonly number[])[]): { B: number[][]; D: number[] } {
  const n = C.length;
  const A = C.map((row, i) => row.map((_, j) => (C[i][j] + C[j][i]) / 2));
  const V = identity(n);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += A[i][j] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(A[p][q]) < 1e-300) continue;
        const theta = (A[q][q] - A[p][p]) / (2 * A[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k][p];
          const akq = A[k][q];
          A[k][p] = c * akp - s * akq;
          A[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p][k];
          const aqk = A[q][k];
          A[p][k] = c * apk - s * aqk;
          A[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k][p];
          const vkq = V[k][q];
          V[k][p] = c * vkp - s * vkq;
          V[k][q] = s * vkp + c * vkq;
        }
      }
  }
  return { B: V, D: A.map((row, i) => Math.sqrt(Math.max(row[i], 1e-300))) };
}
