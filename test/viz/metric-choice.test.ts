/** What `--metric` may name, from the folder's metric families (runs/index.json), not from guesses at names. */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compile } from '../../sim/model/compile.js';
import type { Manifest } from '../../sim/output/manifest.js';
import { metricCatalog } from '../../sim/output/metric-catalog.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { chartableMetrics, chartFor, providerFamilies } from '../../viz/charts/metric-choice.js';
import { classesOf, providersOf, resultTable } from '../../viz/table.js';

const root = join(import.meta.dirname, '..', '..');
const base = loadScenario(join(root, 'scenarios', 'minimal.yaml')).scenario;
// A provider whose id is also the last word of `hhi.tokens`, `cr1.tokens` and `cr4.tokens`.
const scenario = {
  ...base,
  providers: base.providers.map((p) => (p.id === 'budget' ? { ...p, id: 'tokens' } : p)),
  startups: { ...base.startups, initialProviders: { leader: 0.6, rival: 0.3, tokens: 0.1 } },
};
const compiled = compile(scenario);
const manifest = { scenario, scenarioName: scenario.name ?? null, runs: 2, months: scenario.months, start: scenario.start } as unknown as Manifest;
const rows = (metric: string) => [{ metric, month: 0, date: scenario.start, mean: 0.1, sd: 0, p05: 0, p50: 0.1, p95: 0.2, ci_low: 0, ci_high: 0.2 }];
const names = compiled.metricNames.filter((m) => !m.startsWith('flows.'));
const table = resultTable({
  dir: 'results/x',
  manifest,
  timeseries: names.flatMap(rows) as never,
  metricNames: names,
  catalog: metricCatalog(compiled.metricNames, compiled.layout.families),
});

describe('metric choice from the families', () => {
  test('a provider named "tokens" leaves hhi.tokens, cr1.tokens and cr4.tokens chartable', () => {
    const offered = chartableMetrics(table);
    for (const m of ['hhi.tokens', 'cr1.tokens', 'cr4.tokens', 'startups.alive', 'cohort.dead.small.fraction']) expect(offered).toContain(m);
    expect(offered).not.toContain('share.tokens.tokens');
    expect(chartFor(table, 'hhi.tokens')).toBe('hhi');
    expect(chartFor(table, 'cr1.tokens')).toBe('series');
  });

  test('the per-provider families, and the charts they get', () => {
    expect(providerFamilies(table)).toEqual(['share.customers', 'share.tokens', 'provider.cash', 'provider.profit']);
    expect(chartFor(table, 'share.tokens')).toBe('shares');
    expect(chartFor(table, 'provider.cash')).toBe('panels');
    expect(chartFor(table, 'provider')).toBeUndefined();
  });

  test('providers and classes are the bindings of their families', () => {
    expect(providersOf(table).map((p) => p.id)).toEqual(['leader', 'rival', 'tokens']);
    expect(classesOf(table)).toEqual(['small']);
  });
});
