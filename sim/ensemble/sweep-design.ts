/**
 * The design of a sweep: which values each swept path takes, and the
 * points (one value per path) the sweep runs. A full-factorial design
 * crosses every path's values (the first path varies slowest); a Latin
 * hypercube of N points (McKay, Beckman and Conover 1979) splits each
 * path's range into N equal strata and takes one point in each, in an
 * order drawn independently per path, at a uniform position inside its
 * stratum. The hypercube's draws are keyed by the seed (sim/rng/keyed.ts),
 * so a seed gives the same design on every machine.
 */
import { UsageError } from '../errors.js';
import type { DesignKind } from '../output/sweep-files.js';
import { Purpose, replicationKey, uniformAt } from '../rng/keyed.js';
import { badRange, badSweepValues, duplicateSweepPath, tooManyPoints } from './messages.js';

/** A swept path: its listed values, or a range [lo, hi] (with n evenly spaced values for a full-factorial design). */
export type SweepParameter = { path: string; values: number[] } | { path: string; lo: number; hi: number; n: number | null };

export interface SweepDesign {
  /** The swept paths, in the order given. */
  paths: string[];
  /** points[i][j]: the value of paths[j] at point i. */
  points: number[][];
  /** grid and lhs here; saltelli and morris from sensitivity-analysis.ts. */
  kind: DesignKind;
}

/** The most points a sweep takes: each is an ensemble. */
export const MAX_POINTS = 100_000;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const number = (text: string): number | null => (NUMBER.test(text.trim()) && Number.isFinite(Number(text)) ? Number(text) : null);

/** Commander's parser of a repeatable `--set <path>=<v1>,<v2>,…`. */
export function parseSweepSet(text: string, previous: SweepParameter[] = []): SweepParameter[] {
  const at = text.indexOf('=');
  const path = at < 0 ? '' : text.slice(0, at).trim();
  const values = at < 0 ? [] : text.slice(at + 1).split(',').map(number);
  if (!path || values.length === 0 || values.some((v) => v === null)) throw new UsageError(badSweepValues(text));
  return [...previous, { path, values: values as number[] }];
}

/** Commander's parser of a repeatable `--range <path>=<lo>:<hi>[:<n>]`. */
export function parseRange(text: string, previous: SweepParameter[] = []): SweepParameter[] {
  const at = text.indexOf('=');
  const path = at < 0 ? '' : text.slice(0, at).trim();
  const parts = at < 0 ? [] : text.slice(at + 1).split(':');
  const [lo, hi, n] = parts.map(number);
  const count = parts.length === 3 ? n : null;
  const ok = path && (parts.length === 2 || parts.length === 3) && lo !== null && hi !== null && lo < hi &&
    (parts.length === 2 || (count !== null && Number.isInteger(count) && count >= 2));
  if (!ok) throw new UsageError(badRange(text));
  return [...previous, { path, lo: lo!, hi: hi!, n: count }];
}

/**
 * Evenly spaced values from lo to hi, both included, to 12 significant
 * digits, so that 0.3:0.9:3 gives 0.6 and not 0.6000000000000001 (the
 * value is written in the files and becomes the scenario's).
 */
function spaced(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : Number((lo + ((hi - lo) * i) / (n - 1)).toPrecision(12))));
}

/**
 * The design: with `lhs`, a Latin hypercube of `lhs` points over every
 * parameter's range (a listed parameter spans its smallest to largest
 * value); else the full-factorial grid, where a range needs its n.
 * @throws UsageError for a path given twice, a range without n in a grid, or too many points
 */
export function sweepDesign(parameters: readonly SweepParameter[], options: { lhs?: number; seed: string | number }): SweepDesign {
  const paths = parameters.map((p) => p.path);
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice !== undefined) throw new UsageError(duplicateSweepPath(twice));
  if (options.lhs !== undefined) return { paths, points: latinHypercube(parameters, options.lhs, options.seed), kind: 'lhs' };
  const axes = parameters.map((p) => {
    if ('values' in p) return p.values;
    if (p.n === null) throw new UsageError(badRange(`${p.path}=${p.lo}:${p.hi}`, true));
    return spaced(p.lo, p.hi, p.n);
  });
  const count = axes.reduce((n, a) => n * a.length, 1);
  if (count > MAX_POINTS) throw new UsageError(tooManyPoints(count, MAX_POINTS));
  let points: number[][] = [[]];
  for (const axis of axes) points = points.flatMap((p) => axis.map((v) => [...p, v]));
  return { paths, points, kind: 'grid' };
}

/** `n` points of a Latin hypercube over the parameters' ranges, keyed by `seed`. */
export function latinHypercube(parameters: readonly SweepParameter[], n: number, seed: string | number): number[][] {
  if (n > MAX_POINTS) throw new UsageError(tooManyPoints(n, MAX_POINTS));
  const root = replicationKey(seed, 0);
  const columns = parameters.map((p, j) => {
    const [lo, hi] = 'values' in p ? [Math.min(...p.values), Math.max(...p.values)] : [p.lo, p.hi];
    // A random permutation of the strata (Fisher–Yates on keyed uniforms), then a position in each.
    const strata = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const k = Math.floor(uniformAt(root, Purpose.design, j, i, 0) * (i + 1));
      [strata[i], strata[k]] = [strata[k], strata[i]];
    }
    return strata.map((s, i) => lo + ((hi - lo) * (s + uniformAt(root, Purpose.design, j, i, 1))) / n);
  });
  return Array.from({ length: n }, (_, i) => columns.map((c) => c[i]));
}
