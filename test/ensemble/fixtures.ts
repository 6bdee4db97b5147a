import { compile, type CompiledScenario } from '../../sim/model/compile.js';
import { type MetricFamilyBlock, metricFamilies } from '../../sim/model/metrics.js';
import { type ScenarioInput, scenarioSchema } from '../../sim/scenario/schema.js';

/** A valid class of small startups, for worlds whose numbers do not matter. */
export const smallClass = {
  share: 1,
  cash: { median: 150000, sigma: 0.8 },
  revenue: { median: 8000, sigma: 1 },
  opex: { median: 20000, sigma: 0.6 },
  tokens: { median: 50, sigma: 1.2 },
  growth: { mean: 0.02, sd: 0.05 },
  switchCost: { median: 20000, sigma: 0.5 },
  hazard: 0.01,
  disruption: { months: 2, loss: 0.3 },
  reconsider: 0.05,
  precision: 8,
  network: 0.5,
  qualityElasticity: 2,
  funding: { probability: 0.6, months: 18 },
};

/** A minimal valid scenario; `extra` overrides top-level keys. */
export function tinyScenario(extra: Partial<ScenarioInput> = {}) {
  return scenarioSchema.parse({
    name: 'Tiny world',
    start: '2024-06',
    months: 26,
    seed: 7,
    runs: 4,
    providers: [{ id: 'a', price: 5, quality: 1, unitCost: 2, cash: 1e9 }],
    classes: { small: smallClass },
    startups: { initial: 100 },
    ...extra,
  });
}

/**
 * A compiled scenario with hand-chosen metric columns, for tests that feed
 * hand-made values instead of running the model (only the columns, months
 * and start are read by the ensemble and output layers).
 */
export function handCompiled(metricNames: string[], months: number, extra: Partial<ScenarioInput> = {}): CompiledScenario {
  const compiled = compile(tinyScenario({ months, ...extra }));
  return { ...compiled, metricNames, layout: { ...compiled.layout, names: metricNames, families: handFamilies(metricNames) } };
}

/** The registry families of hand-picked metric names, a block for each run of names of one family; a name of no family (`m0`) is a family of its own. */
function handFamilies(names: readonly string[]): MetricFamilyBlock[] {
  const fits = (pattern: string, name: string) => new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/<\w+>/g, '[^.]+')}$`).test(name);
  const blocks: MetricFamilyBlock[] = [];
  names.forEach((name, i) => {
    const f = metricFamilies.find((x) => x.pattern === name) ?? metricFamilies.find((x) => fits(x.pattern, name));
    const family = f ?? { pattern: name, kind: 'month' as const, unit: 'count', description: 'a hand-made metric' };
    const last = blocks[blocks.length - 1];
    if (last?.pattern === family.pattern) blocks[blocks.length - 1] = { ...last, count: last.count + 1 };
    else blocks.push({ pattern: family.pattern, kind: family.kind, unit: family.unit, description: family.description, first: i, count: 1 });
  });
  return blocks;
}

/** Run-major values `runs[r][t][m]` → one Float64Array per run, as runReplication returns. */
export function records(runs: number[][][]): Float64Array[] {
  return runs.map((months) => Float64Array.from(months.flat()));
}

/** A CellReader over in-memory records. */
export function readerOver(recs: Float64Array[], metrics: number) {
  return (cells: readonly { metric: number; month: number }[]) =>
    cells.map((c) => Float64Array.from(recs, (rec) => rec[c.month * metrics + c.metric]));
}
