/** A result folder's metrics described: from the families runs/index.json lists, or, in an older folder, from the names. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compile } from '../../sim/model/compile.js';
import { metricFamilies } from '../../sim/model/metrics.js';
import { FORMAT_1_PATTERNS, metricCatalog, providerFamilyPrefix } from '../../sim/output/metric-catalog.js';
import { readManifest, readMetricCatalog, readSummary } from '../../sim/output/read-folder.js';
import { writeResultFolder } from '../../sim/ensemble/run-to-folder.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { handExecutor, handWorld } from './hand-made.js';
import { tempDir } from './tmp.js';

const root = join(import.meta.dirname, '..', '..');
const minimal = compile(loadScenario(join(root, 'scenarios', 'minimal.yaml')).scenario);

describe('metricCatalog from listed families', () => {
  const catalog = metricCatalog(minimal.metricNames, minimal.layout.families);

  test('binds providers, classes and switch ends, with the family’s kind and unit', () => {
    expect(catalog.describe('share.tokens.rival')).toEqual({
      name: 'share.tokens.rival',
      family: 'share.tokens.<id>',
      kind: 'month',
      unit: 'fraction',
      description: "provider's share of tokens served, 0–1; every provider from t = 0",
      bindings: { provider: 'rival' },
    });
    expect(catalog.describe('cohort.dead.small.on.leader.fraction')?.bindings).toEqual({ class: 'small', provider: 'leader' });
    expect(catalog.describe('flows.budget.rival')?.bindings).toEqual({ from: 'budget', to: 'rival' });
    expect(catalog.describe('hhi.tokens')).toMatchObject({ family: 'hhi.tokens', unit: '0–10 000', bindings: {} });
    expect(catalog.describe('no.such.metric')).toBeUndefined();
  });

  test('members of a family in column order; the voucher families, absent here, have none', () => {
    expect(catalog.membersOf('provider.cash.<id>').map((m) => m.bindings.provider)).toEqual(['leader', 'rival', 'budget']);
    expect(catalog.namesOf('flows.<from>.<to>')).toHaveLength(3 * 2);
    expect(catalog.membersOf('vouchers.cost')).toEqual([]);
    expect(catalog.patterns()).not.toContain('vouchers.cost');
  });

  test('the families of an old folder are today’s registry minus nothing: FORMAT_1_PATTERNS are all registry patterns', () => {
    const patterns = metricFamilies.map((f) => f.pattern);
    for (const p of FORMAT_1_PATTERNS) expect(patterns).toContain(p);
  });

  test('without families (a folder written before they were listed) the same families and bindings, kind and unit unknown', () => {
    const old = metricCatalog(minimal.metricNames);
    expect(old.declared).toBe(false);
    for (const name of minimal.metricNames) {
      const now = catalog.describe(name)!;
      expect(old.describe(name)).toEqual({ ...now, kind: null, unit: null, description: null });
    }
    expect(old.patterns()).toEqual(catalog.patterns());
  });

  test('a provider id that looks like part of a name is still bound by the declared pattern', () => {
    const c = compile({ ...minimal.scenario, providers: minimal.scenario.providers.map((p) => (p.id === 'budget' ? { ...p, id: 'tokens' } : p)), startups: { ...minimal.scenario.startups, initialProviders: { leader: 0.6, rival: 0.3, tokens: 0.1 } } });
    const cat = metricCatalog(c.metricNames, c.layout.families);
    expect(cat.membersOf('share.tokens.<id>').map((m) => m.name)).toEqual(['share.tokens.leader', 'share.tokens.rival', 'share.tokens.tokens']);
  });

  test('providerFamilyPrefix: only the families of one provider each', () => {
    expect(['share.tokens.<id>', 'provider.cash.<id>', 'flows.<from>.<to>', 'cohort.dead.<class>.on.<id>.fraction', 'hhi.tokens'].map(providerFamilyPrefix)).toEqual([
      'share.tokens',
      'provider.cash',
      null,
      null,
      null,
    ]);
  });
});

describe('runs/index.json', () => {
  test('lists each family with its block of columns; the summary reads the classes from it; an old index still reads', async () => {
    const out = join(tempDir(), 'result');
    await writeResultFolder(handWorld(), { out, runs: 2, executor: handExecutor(), command: ['shakeout', 'run', 'x.yaml'] });
    const indexFile = join(out, 'runs', 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8'));
    expect(index.families.filter((f: { count: number }) => f.count > 0).map((f: { pattern: string; first: number; count: number }) => [f.pattern, f.first, f.count])).toEqual([
      ['hhi.tokens', 0, 1],
      ['hhi.customers', 1, 1],
      ['providers.active', 2, 1],
      ['startups.alive', 3, 1],
      ['cohort.dead.fraction', 4, 1],
      ['cohort.dead.<class>.fraction', 5, 1],
      ['cohort.dead.<class>.on.<id>.fraction', 6, 1],
      ['price.paid', 7, 1],
      ['deaths', 8, 1],
    ]);
    expect(readSummary(out).cohortDeadByClass.map((b) => b.class)).toEqual(['small']);
    const manifest = readManifest(out);
    expect(readMetricCatalog(out, manifest).describe('cohort.dead.small.fraction')).toMatchObject({ kind: 'cumulative', unit: 'fraction', bindings: { class: 'small' } });
    delete index.families;
    writeFileSync(indexFile, JSON.stringify(index, null, 2) + '\n');
    const old = readMetricCatalog(out, manifest);
    expect(old.declared).toBe(false);
    expect(old.describe('cohort.dead.small.fraction')).toMatchObject({ family: 'cohort.dead.<class>.fraction', kind: null, bindings: { class: 'small' } });
  });

  test('a family block that does not tile the names, or a name that does not fit its pattern, is refused', async () => {
    const out = join(tempDir(), 'result');
    await writeResultFolder(handWorld(), { out, runs: 2, executor: handExecutor(), command: ['shakeout', 'run', 'x.yaml'] });
    const indexFile = join(out, 'runs', 'index.json');
    const good = readFileSync(indexFile, 'utf8');
    const manifest = readManifest(out);
    const index = JSON.parse(good);
    index.families[1].first = 0;
    writeFileSync(indexFile, JSON.stringify(index));
    expect(() => readMetricCatalog(out, manifest)).toThrow(/families\[1\]\.first: expected 1, where the previous family ends/);
    const renamed = JSON.parse(good);
    renamed.metrics[5] = 'cohort.dead.small.share';
    writeFileSync(indexFile, JSON.stringify(renamed));
    expect(() => readMetricCatalog(out, manifest)).toThrow(/"cohort\.dead\.small\.share" does not fit its family's pattern "cohort\.dead\.<class>\.fraction"/);
  });
});
