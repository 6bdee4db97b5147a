/**
 * The metric registry is the one declaration of every metric: the row the
 * engine records, the names a scenario has, `shakeout metrics` and the
 * table in docs/model.md section 8 all come from it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOC_TABLE_BEGIN, DOC_TABLE_END, familiesMarkdown, scenarioMetrics } from '../../sim/cli/metric-tables.js';
import { compile } from '../../sim/model/compile.js';
import { metricCount } from '../../sim/ensemble/limits.js';
import { metricFamilies, metricLayout } from '../../sim/model/metrics.js';
import { loadScenario } from '../../sim/scenario/load.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const SHIPPED = ['scenarios/minimal.yaml', 'scenarios/china-2024-openai-exit.yaml', 'scenarios/bench/bench-10k.yaml'];

describe('the metric registry', () => {
  it('is the table of docs/model.md section 8 (npm run docs:metrics rewrites it)', () => {
    const doc = readFileSync(join(root, 'docs', 'model.md'), 'utf8');
    const table = doc.slice(doc.indexOf(DOC_TABLE_BEGIN) + DOC_TABLE_BEGIN.length, doc.indexOf(DOC_TABLE_END)).trim();
    expect(table, 'docs/model.md is stale: run npm run docs:metrics').toBe(familiesMarkdown());
    expect(table.split('\n')).toHaveLength(metricFamilies.length + 2);
  });

  it.each(SHIPPED)("gives %s's recorded columns, each under one family", (file) => {
    const compiled = compile(loadScenario(join(root, file)).scenario);
    const listed = scenarioMetrics({ providers: compiled.providers.map((p) => p.id), classes: compiled.classes.ids });
    expect(listed.map((m) => m.name)).toEqual(compiled.metricNames);
    // Names are unique, and every family of the registry has at least one name here.
    expect(new Set(compiled.metricNames).size).toBe(compiled.metricNames.length);
    // Every family but the optional ones (no shipped scenario uses an extension) has at least one name here.
    expect(new Set(listed.map((m) => m.family)).size).toBe(metricFamilies.filter((f) => !f.optional).length);
  });

  it('lists the optional voucher metrics only for a scenario with a voucher event, last', () => {
    const base = loadScenario(join(root, 'scenarios/minimal.yaml')).scenario;
    const withVoucher = { ...base, events: [...base.events, { at: base.start, voucher: { classes: Object.keys(base.classes), share: 0.3 } }] };
    const compiled = compile(withVoucher);
    const listed = scenarioMetrics({ providers: compiled.providers.map((p) => p.id), classes: compiled.classes.ids, vouchers: true });
    expect(listed.map((m) => m.name)).toEqual(compiled.metricNames);
    expect(compiled.metricNames.slice(-2)).toEqual(['vouchers.cost', 'vouchers.cost.cumulative']);
    expect(compiled.metricNames.slice(0, -2)).toEqual(compile(base).metricNames);
    expect(new Set(listed.map((m) => m.family)).size).toBe(metricFamilies.length);
  });

  it('is counted by the memory check as it is expanded', () => {
    const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, k) => `${prefix}${k}`);
    for (const [providers, classes] of [[1, 1], [2, 3], [10, 4], [0, 2]])
      for (const vouchers of [false, true])
        expect(metricCount(providers, classes, vouchers), `${providers} providers, ${classes} classes`).toBe(
          metricLayout(ids(providers, 'p'), ids(classes, 'c'), { vouchers }).names.length,
        );
  });
});

describe('shakeout metrics', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'metrics', ...args], { cwd: root, encoding: 'utf8' });

  it('lists the names with kind, unit and meaning, as text and as JSON', () => {
    const text = run('scenarios/minimal.yaml');
    expect(text.status).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines.find((l) => l.startsWith('share.tokens.leader '))).toMatch(/^share\.tokens\.leader\s+month\s+fraction\s+provider's share of tokens served/);
    const json = run('scenarios/minimal.yaml', '--json');
    expect(json.status).toBe(0);
    const metrics = JSON.parse(json.stdout) as { name: string; kind: string }[];
    expect(metrics).toHaveLength(lines.length);
    expect(metrics.find((m) => m.name === 'cohort.dead.fraction')?.kind).toBe('cumulative');
  });

  it('refuses a bad scenario in one line, exit 2', () => {
    const r = run('scenarios/nowhere.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^scenarios\/nowhere\.yaml/);
  });
});
