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
