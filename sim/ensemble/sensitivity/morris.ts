/**
 * Morris elementary effects, the cheap screen (M. D. Morris, "Factorial
 * sampling plans for preliminary computational experiments",
 * Technometrics 33 (1991) 161–174), summarised by μ* and σ (F. Campolongo,
 * J. Cariboni, A. Saltelli, "An effective screening design for sensitivity
 * analysis of large models", Environ. Model. Softw. 22 (2007) 1509–1518).
 *
 * Each parameter's range is cut into a grid of p levels {0, 1/(p−1), …, 1}
 * (p even) and moved by Δ = p / (2(p − 1)) of its range. A trajectory starts
 * at a random grid point and moves one parameter at a time, each once, in a
 * random order, up or down at random: k + 1 points for k parameters, so r
 * trajectories cost r(k + 1) runs. The elementary effect of parameter i on
 * a step is
 *
 *   EE_i = (f(x after) − f(x before)) / (±Δ),
 *
 * in output units per whole range of the parameter (the step is Δ of the
 * range), so effects of parameters with different units compare. Over the
 * r trajectories: μ = mean EE_i, μ* = mean |EE_i| (Campolongo et al.), and
 * σ = the standard deviation of EE_i (denominator r − 1). μ* ranks
 * importance; σ large against μ* flags non-linearity or interactions. A
 * parameter without effect has μ* = σ = 0; a linear model has σ = 0.
 */
import { UsageError } from '../../errors.js';
import { drawOf, sensitivityStream, SensitivityPurpose } from './draws.js';
import { oddLevels, outputCountMismatch, wholeAtLeast } from './messages.js';
import { checkParameters, scaled, type ParameterRange } from './parameters.js';

export interface MorrisOptions {
  /** r, the trajectories (≥ 2, for σ). */
  readonly trajectories: number;
  /** p, the grid levels (even, ≥ 2); 4 when not given. */
  readonly levels?: number;
  /** Seed of the trajectories' random starts, directions and orders. */
  readonly seed: string | number;
}

/**
 * r trajectories of k + 1 points each, trajectory by trajectory: point
 * t(k + 1) + s is step s of trajectory t, and step s ≥ 1 moved parameter
 * `moved[t·k + s − 1]` by `direction[t·k + s − 1]` · Δ.
 */
export interface MorrisDesign {
  readonly parameters: readonly ParameterRange[];
  readonly trajectories: number;
  readonly levels: number;
  /** Δ, as a fraction of each parameter's range. */
  readonly delta: number;
  /** The r(k + 1) points, in the parameters' units. */
  readonly points: readonly Float64Array[];
  readonly moved: Int32Array;
  /** +1 or −1. */
  readonly direction: Int8Array;
}

export interface MorrisIndex {
  readonly parameter: string;
  /** μ, the mean elementary effect, in output units per range of the parameter. */
  readonly mu: number;
  /** μ*, the mean absolute elementary effect. */
  readonly muStar: number;
  /** σ, the standard deviation of the elementary effects (r − 1). */
  readonly sigma: number;
  /** The r elementary effects, one per trajectory. */
  readonly effects: Float64Array;
}

/** The design: random trajectories on the p-level grid, from keyed draws (uniforms 0…3k − 1 of trajectory t's key). */
export function morrisDesign(parameters: readonly ParameterRange[], options: MorrisOptions): MorrisDesign {
  checkParameters(parameters);
  const k = parameters.length;
  const r = options.trajectories;
  const p = options.levels ?? 4;
  if (!Number.isInteger(r) || r < 2) throw new UsageError(wholeAtLeast('Morris trajectories', 2, r));
  if (!Number.isInteger(p) || p < 2 || p % 2 !== 0) throw new UsageError(oddLevels(p));
  // Δ is p/2 grid steps; a start at level b < p/2 (or its move down from b + p/2) stays on the grid.
  const jump = p / 2;
  const stream = sensitivityStream(options.seed, SensitivityPurpose.morris);
  const points: Float64Array[] = [];
  const moved = new Int32Array(r * k);
  const direction = new Int8Array(r * k);
  const level = new Int32Array(k);
  for (let t = 0; t < r; t++) {
    const order = Int32Array.from({ length: k }, (_, i) => i);
    for (let i = k - 1; i > 0; i--) {
      const j = Math.min(i, Math.floor(drawOf(stream, t, 2 * k + i) * (i + 1)));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let i = 0; i < k; i++) {
      const base = Math.min(jump - 1, Math.floor(drawOf(stream, t, i) * jump));
      const up = drawOf(stream, t, k + i) < 0.5;
      direction[t * k + order.indexOf(i)] = up ? 1 : -1;
      level[i] = up ? base : base + jump;
    }
    const pointAt = () => Float64Array.from(parameters, (q, i) => scaled(q, level[i] / (p - 1)));
    points.push(pointAt());
    for (let s = 0; s < k; s++) {
      const i = order[s];
      moved[t * k + s] = i;
      level[i] += direction[t * k + s] * jump;
      points.push(pointAt());
    }
  }
  return { parameters, trajectories: r, levels: p, delta: p / (2 * (p - 1)), points, moved, direction };
}

/** μ, μ* and σ of each parameter from `outputs`, one per design point in the design's order. */
export function morrisIndices(design: MorrisDesign, outputs: ArrayLike<number>): MorrisIndex[] {
  const k = design.parameters.length;
  const r = design.trajectories;
  if (outputs.length !== design.points.length) throw new UsageError(outputCountMismatch(design.points.length, outputs.length));
  const effects = Array.from({ length: k }, () => new Float64Array(r));
  for (let t = 0; t < r; t++)
    for (let s = 0; s < k; s++) {
      const before = outputs[t * (k + 1) + s];
      const after = outputs[t * (k + 1) + s + 1];
      effects[design.moved[t * k + s]][t] = (after - before) / (design.direction[t * k + s] * design.delta);
    }
  return design.parameters.map((q, i) => {
    const ee = effects[i];
    let mu = 0;
    let muStar = 0;
    for (const e of ee) {
      mu += e;
      muStar += Math.abs(e);
    }
    mu /= r;
    muStar /= r;
    let ss = 0;
    for (const e of ee) ss += (e - mu) * (e - mu);
    return { parameter: q.name, mu, muStar, sigma: Math.sqrt(ss / (r - 1)), effects: ee };
  });
}
