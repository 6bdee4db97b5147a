/**
 * Shared builders for the model tests: degenerate classes (every sigma 0, so
 * each startup of a class gets exactly the class medians), scenarios passed
 * through the schema so defaults are filled, and column readers by metric
 * name.
 */
import { compile, type CompiledScenario } from '../../sim/model/compile.js';
import { runReplication } from '../../sim/model/replication.js';
import { scenarioSchema, type ScenarioInput } from '../../sim/scenario/schema.js';

type ClassInput = ScenarioInput['classes'][string];
type ProviderInput = ScenarioInput['providers'][number];

export interface DegenerateClass {
  share?: number;
  cash?: number;
  revenue?: number;
  opex?: number;
  tokens?: number;
  growth?: number;
  switchCost?: number;
  hazard?: number;
  disruption?: { months: number; loss: number };
  reconsider?: number;
  precision?: number;
  network?: number;
  qualityElasticity?: number;
  funding?: { probability: number; months: number };
}

/** A class whose draws are all degenerate: lognormals with sigma 0, growth with sd 0. */
export function degenerateClass(c: DegenerateClass = {}): ClassInput {
  const ln = (median: number) => ({ median, sigma: 0 });
  return {
    share: c.share ?? 1,
    cash: ln(c.cash ?? 1e6),
    revenue: ln(c.revenue ?? 10000),
    opex: ln(c.opex ?? 0),
    tokens: ln(c.tokens ?? 1000),
    growth: { mean: c.growth ?? 0, sd: 0 },
    switchCost: ln(c.switchCost ?? 0),
    hazard: c.hazard ?? 0,
    disruption: c.disruption ?? { months: 0, loss: 0 },
    reconsider: c.reconsider ?? 0,
    precision: c.precision ?? 1,
    network: c.network ?? 0,
    qualityElasticity: c.qualityElasticity ?? 1,
    funding: c.funding ?? { probability: 1, months: 12 },
  };
}

/** A provider that never loses money unless told to: unit and fixed costs 0. */
export function provider(id: string, price: ProviderInput['price'], quality: number, extra: Partial<ProviderInput> = {}): ProviderInput {
  return { id, price, quality, unitCost: 0, fixedCost: 0, cash: 1e9, ...extra };
}

/** A scenario through the schema (defaults filled). */
export function scenario(input: Omit<ScenarioInput, 'start'> & { start?: string }) {
  return scenarioSchema.parse({ start: '2024-01', seed: 1, ...input });
}

export function compiled(input: Omit<ScenarioInput, 'start'> & { start?: string }): CompiledScenario {
  return compile(scenario(input));
}

/** Reads one replication's rows by metric name. */
export class Rows {
  readonly k: number;
  private readonly index: Map<string, number>;
  constructor(
    readonly compiled: CompiledScenario,
    readonly values: Float64Array,
  ) {
    this.k = compiled.metricNames.length;
    this.index = new Map(compiled.metricNames.map((n, i) => [n, i]));
  }
  static run(c: CompiledScenario, replication = 0): Rows {
    return new Rows(c, runReplication(c, replication));
  }
  has(name: string): boolean {
    return this.index.has(name);
  }
  col(name: string): number {
    const m = this.index.get(name);
    if (m === undefined) throw new Error(`no metric "${name}"`);
    return m;
  }
  at(name: string, t: number): number {
    return this.values[t * this.k + this.col(name)];
  }
  series(name: string): number[] {
    const m = this.col(name);
    return Array.from({ length: this.compiled.months }, (_, t) => this.values[t * this.k + m]);
  }
}

/** A row written by `step` for one month, read by name. */
export function rowReader(c: CompiledScenario, row: Float64Array) {
  const index = new Map(c.metricNames.map((n, i) => [n, i]));
  return (name: string): number => {
    const m = index.get(name);
    if (m === undefined) throw new Error(`no metric "${name}"`);
    return row[m];
  };
}

/** Softmax of λ·V. */
export function softmax(lambda: number, v: readonly number[]): number[] {
  const top = Math.max(...v.map((x) => lambda * x));
  const w = v.map((x) => Math.exp(lambda * x - top));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

/** |observed − expected| ≤ 4 · se, with a readable failure message. */
export function expectWithin4SE(observed: number, expected: number, se: number, what: string): void {
  const z = se > 0 ? (observed - expected) / se : observed === expected ? 0 : Infinity;
  if (!(Math.abs(z) <= 4)) {
    throw new Error(`${what}: observed ${observed}, expected ${expected} ± 4·${se.toExponential(3)} (z = ${z.toFixed(2)})`);
  }
}
