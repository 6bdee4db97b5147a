/** Scenario files that tests write: worlds with many providers and otherwise small. */

export interface ManyProvidersWorld {
  name: string;
  providers: number;
  months: number;
  runs: number;
  seed: number;
  /** Give each provider a display name (`Provider <i>`), as real scenarios do. */
  named?: boolean;
}

/** A valid scenario (YAML) with `providers` providers p0, p1, … of varied price and quality, one class and 20 startups. */
export function manyProvidersYaml(w: ManyProvidersWorld): string {
  const providers = Array.from(
    { length: w.providers },
    (_, i) => `  - { id: p${i},${w.named ? ` name: Provider ${i},` : ''} price: ${1 + (i % 7)}, quality: ${0.5 + (i % 10) / 20}, unitCost: 0.5, cash: 1e9 }`,
  );
  return `name: ${w.name}
start: 2024-01
months: ${w.months}
seed: ${w.seed}
runs: ${w.runs}
providers:
${providers.join('\n')}
classes:
  small:
    share: 1
    cash: { median: 150000, sigma: 0.8 }
    revenue: { median: 8000, sigma: 1 }
    opex: { median: 15000, sigma: 0.6 }
    tokens: { median: 50, sigma: 1.2 }
    growth: { mean: 0.02, sd: 0.05 }
    switchCost: { median: 20000, sigma: 0.5 }
    hazard: 0.01
    disruption: { months: 2, loss: 0.3 }
    reconsider: 0.2
    precision: 8
    network: 0.5
    qualityElasticity: 2
    funding: { probability: 0.5, months: 12 }
startups: { initial: 20 }
`;
}

export interface CoinFlipWorld {
  seed: number;
  runs?: number;
  /** The claim: cohort.dead.fraction at the end ≥ `value` in at least `probability` of the runs. */
  value?: number;
  probability?: number;
}

/**
 * A claim near its threshold: 40 startups that die only of the hazard
 * (0.05 a month, cash and margins that never run out) for 12 months, so the
 * dead count is Binomial(40, 1 − 0.95¹²) = Binomial(40, 0.46), and "at least
 * 46 % dead" (19 or more) holds in about 48 % of the runs: against a
 * required 50 %, a coin flip.
 */
export function coinFlipYaml(w: CoinFlipWorld): string {
  return `name: Coin flip
start: 2024-01
months: 12
seed: ${w.seed}
runs: ${w.runs ?? 20}
providers:
  - { id: only, price: 1, quality: 1, unitCost: 0.5, cash: 1e12 }
classes:
  small:
    share: 1
    cash: { median: 1e9, sigma: 0 }
    revenue: { median: 10000, sigma: 0 }
    opex: { median: 1000, sigma: 0 }
    tokens: { median: 1, sigma: 0 }
    growth: { mean: 0, sd: 0 }
    switchCost: { median: 1, sigma: 0 }
    hazard: 0.05
    disruption: { months: 1, loss: 0 }
    reconsider: 0
    precision: 1
    network: 0
    qualityElasticity: 0
    funding: { probability: 0, months: 1 }
startups:
  initial: 40
  initialProviders: { only: 1 }
  entry: { rate: 0 }
expect:
  - name: near its threshold
    metric: cohort.dead.fraction
    at: end
    op: ">="
    value: ${w.value ?? 0.46}
    probability: ${w.probability ?? 0.5}
`;
}

/** A tiny world in which startups die only by the class hazard (5 % a month), 40 of them, 12 months. */
export const BASE = `name: Base
start: 2024-01
months: 12
seed: 3
runs: 20
providers:
  - { id: only, price: 1, quality: 1, unitCost: 0.5, cash: 1e12 }
classes:
  small:
    share: 1
    cash: { median: 1e9, sigma: 0 }
    revenue: { median: 10000, sigma: 0 }
    opex: { median: 1000, sigma: 0 }
    tokens: { median: 1, sigma: 0 }
    growth: { mean: 0, sd: 0 }
    switchCost: { median: 1, sigma: 0 }
    hazard: 0.05
    disruption: { months: 1, loss: 0 }
    reconsider: 0
    precision: 1
    network: 0
    qualityElasticity: 0
    funding: { probability: 0, months: 1 }
startups:
  initial: 40
  initialProviders: { only: 1 }
  entry: { rate: 0 }
`;

/** An expect list of one claim on the cohort's dead fraction at the end against `baseline`; `how` is `ratio: 1` or `difference: 0.0001`. */
export const relativeExpect = (name: string, baseline: string, how: string, op = '>=') =>
  `expect:\n  - name: ${name}\n    metric: cohort.dead.fraction\n    at: end\n    op: "${op}"\n    baseline: ${baseline}\n    ${how}\n    probability: 0.8\n`;
