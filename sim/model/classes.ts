/**
 * Startup classes (MODEL.md section 6) as parallel arrays indexed by class
 * code, so the startup loops read `hazard[cls[i]]` instead of chasing
 * objects. A `set` on a class field builds a new table (sim/model/events.ts).
 */
import { climateVariables, compileExpression, type CompiledExpression } from '../scenario/expression.js';
import type { ClassSpec } from '../scenario/schema.js';
import type { DocumentLocation } from '../errors.js';

export interface ClassTable {
  readonly ids: readonly string[];
  readonly share: Float64Array;
  readonly cashMedian: Float64Array;
  readonly cashSigma: Float64Array;
  readonly revenueMedian: Float64Array;
  readonly revenueSigma: Float64Array;
  readonly opexMedian: Float64Array;
  readonly opexSigma: Float64Array;
  readonly tokensMedian: Float64Array;
  readonly tokensSigma: Float64Array;
  readonly growthMean: Float64Array;
  readonly growthSd: Float64Array;
  readonly switchMedian: Float64Array;
  readonly switchSigma: Float64Array;
  /** Monthly exogenous failure probability. */
  readonly hazard: Float64Array;
  readonly disruptionMonths: Float64Array;
  readonly disruptionLoss: Float64Array;
  /** Monthly probability of re-choosing a provider. */
  readonly reconsider: Float64Array;
  /** Logit λ_s. */
  readonly precision: Float64Array;
  /** Network weight γ_s. */
  readonly network: Float64Array;
  /** η_s. */
  readonly qualityElasticity: Float64Array;
  /** The number as written; NaN where it is an expression (fundingRule). */
  readonly fundingProbability: Float64Array;
  /** The funding-climate expression of each class (MODEL.md section 12), or null where it is a number. */
  readonly fundingRule: readonly (CompiledExpression | null)[];
  /** Where each class's funding probability was last written in the scenario document (for a ModelError's file and line). */
  readonly fundingAt: readonly DocumentLocation[];
  readonly fundingMonths: Float64Array;
}

/** @param fundingAt where each class's funding probability is written, by class id; default `classes.<id>.funding.probability` */
export function classTable(classes: Record<string, ClassSpec>, fundingAt: Readonly<Record<string, DocumentLocation>> = {}): ClassTable {
  const ids = Object.keys(classes);
  const col = (f: (c: ClassSpec) => number) => Float64Array.from(ids, (id) => f(classes[id]));
  return {
    ids,
    share: col((c) => c.share),
    cashMedian: col((c) => c.cash.median),
    cashSigma: col((c) => c.cash.sigma),
    revenueMedian: col((c) => c.revenue.median),
    revenueSigma: col((c) => c.revenue.sigma),
    opexMedian: col((c) => c.opex.median),
    opexSigma: col((c) => c.opex.sigma),
    tokensMedian: col((c) => c.tokens.median),
    tokensSigma: col((c) => c.tokens.sigma),
    growthMean: col((c) => c.growth.mean),
    growthSd: col((c) => c.growth.sd),
    switchMedian: col((c) => c.switchCost.median),
    switchSigma: col((c) => c.switchCost.sigma),
    hazard: col((c) => c.hazard),
    disruptionMonths: col((c) => c.disruption.months),
    disruptionLoss: col((c) => c.disruption.loss),
    reconsider: col((c) => c.reconsider),
    precision: col((c) => c.precision),
    network: col((c) => c.network),
    qualityElasticity: col((c) => c.qualityElasticity),
    fundingProbability: col((c) => (typeof c.funding.probability === 'number' ? c.funding.probability : NaN)),
    fundingRule: ids.map((id) => {
      const p = classes[id].funding.probability;
      return typeof p === 'string' ? compileExpression(p, climateVariables) : null;
    }),
    fundingMonths: col((c) => c.funding.months),
    fundingAt: ids.map((id) => fundingAt[id] ?? ['classes', id, 'funding', 'probability']),
  };
}
