/**
 * Charts and reports of comparison and sweep folders, end to end: `compare`
 * and `sweep` draw them into <out>/charts unless --no-charts, `chart` and
 * `report` accept both folders, the specs have the parts a reader needs
 * (bands, the zero line, one forest row per what-if, a heatmap over two
 * parameters), every PNG has its data drawn, and damaged files are refused
 * with one line and exit code 2. The what-if's name carries markup, which
 * the report must show as text.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderPng } from '../../viz/render/png.js';
import { renderSvg } from '../../viz/render/svg.js';
import { chartNumber } from '../../viz/table.js';
import { root } from './fixtures.js';
import { darkPixels, decodePng, inkedFraction } from './png.js';

const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-collections-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const CHROMIUM = '/usr/bin/chromium';
const browser = existsSync(CHROMIUM) || process.env.CI === 'true';

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const MARKUP_NAME = 'Cheaper <b>Budget</b>';
const comparison = join(scratch, 'compare');
const sweep1 = join(scratch, 'sweep-1');
const sweep2 = join(scratch, 'sweep-2');
const lhs = join(scratch, 'lhs');
let compared: ReturnType<typeof shakeout>;
let swept: ReturnType<typeof shakeout>;

beforeAll(() => {
  const whatIf = join(scratch, 'cheap-budget.yaml');
  writeFileSync(whatIf, `name: "${MARKUP_NAME}"\nextends: ${join(root, 'scenarios', 'minimal.yaml')}\nproviders:\n  - { id: budget, price: 0.25 }\n`);
  compared = shakeout('compare', 'scenarios/minimal.yaml', whatIf, '--runs', '3', '--out', comparison, '--quiet');
  swept = shakeout('sweep', 'scenarios/minimal.yaml', '--set', 'classes.small.hazard=0.01,0.03', '--runs', '2', '--out', sweep1, '--quiet');
  for (const [out, args] of [
    [sweep2, ['--set', 'classes.small.hazard=0.01,0.03', '--set', 'providers.budget.price=0.5,1']],
    [lhs, ['--range', 'classes.small.hazard=0.01:0.03', '--range', 'providers.budget.price=0.5:1', '--lhs', '3']],
  ] as const) {
    const r = shakeout('sweep', 'scenarios/minimal.yaml', ...args, '--runs', '2', '--out', out, '--no-charts', '--quiet');
    if (r.code !== 0) throw new Error(r.stderr);
  }
}, 120_000);

const specOf = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, 'charts', `${name}.vl.json`), 'utf8')) as Record<string, any>;

/** Every `values` array of objects in a spec, flattened. */
function dataOf(spec: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === 'object') {
      const values = (o as { values?: unknown }).values;
      if (Array.isArray(values)) out.push(...values.filter((v) => v && typeof v === 'object'));
      Object.values(o).forEach(walk);
    }
  };
  walk(spec);
  return out;
}

/** Marks of every layer, depth first. */
function marksOf(spec: unknown): string[] {
  const out: string[] = [];
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === 'object') {
      const mark = (o as { mark?: unknown }).mark;
      if (typeof mark === 'string') out.push(mark);
      else if (mark && typeof mark === 'object') out.push(String((mark as { type?: unknown }).type));
      Object.values(o).forEach(walk);
    }
  };
  walk(spec);
  return out;
}

describe('shakeout compare', () => {
  test('draws the comparison charts into <out>/charts, and none into the scenarios', () => {
    expect(compared.code, compared.stderr).toBe(0);
    const files = readdirSync(join(comparison, 'charts')).sort();
    const names = ['compare-hhi-tokens', 'compare-survival', 'difference-hhi-tokens', 'difference-survival', 'forest'];
    expect(files).toEqual(names.flatMap((n) => ['pdf', 'png', 'svg', 'vl.json'].map((e) => `${n}.${e}`)).sort());
    expect(existsSync(join(comparison, 'minimal', 'charts'))).toBe(false);
    expect(existsSync(join(comparison, 'cheap-budget', 'charts'))).toBe(false);
  });

  test('the overlay draws each scenario with its band, the HHI one with the 2023 thresholds', () => {
    const hhi = specOf(comparison, 'compare-hhi-tokens');
    const rows = dataOf(hhi).filter((v) => 'scenario' in v);
    expect([...new Set(rows.map((r) => r.scenario))]).toEqual(['minimal', 'cheap-budget']);
    // 24 months of each scenario, each with its band around the mean.
    expect(rows).toHaveLength(48);
    for (const r of rows) expect((r.low as number) <= (r.mean as number) && (r.mean as number) <= (r.high as number), JSON.stringify(r)).toBe(true);
    expect(dataOf(hhi).filter((v) => 'label' in v).map((v) => v.value)).toEqual([1000, 1800]);
    expect(marksOf(hhi)).toEqual(expect.arrayContaining(['area', 'line', 'rule']));
    const survival = dataOf(specOf(comparison, 'compare-survival')).filter((v) => 'scenario' in v);
    // Survival starts at 100 % and falls.
    expect(survival[0].mean).toBeGreaterThan(0.9);
    expect(survival[23].mean as number).toBeLessThan(survival[0].mean as number);
  });

  test('the difference charts draw what-if − baseline from diff.csv with its 95 % interval and a zero line', () => {
    const diff = readFileSync(join(comparison, 'diff.csv'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('cheap-budget,hhi.tokens,'))
      .map((l) => l.split(','));
    const spec = specOf(comparison, 'difference-hhi-tokens');
    const rows = dataOf(spec).filter((v) => 'scenario' in v);
    expect(rows.map((r) => r.mean)).toEqual(diff.map((f) => chartNumber(Number(f[4]))));
    expect(rows.map((r) => r.low)).toEqual(diff.map((f) => chartNumber(Number(f[6]))));
    expect(dataOf(spec).some((v) => v.zero === 0)).toBe(true);
    // Survival is 1 − the dead fraction: its difference is the dead fraction's, negated.
    const dead = readFileSync(join(comparison, 'diff.csv'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('cheap-budget,cohort.dead.fraction,'))
      .map((l) => Number(l.split(',')[4]));
    expect(dataOf(specOf(comparison, 'difference-survival')).filter((v) => 'scenario' in v).map((r) => r.mean)).toEqual(dead.map((x) => chartNumber(-x)));
  });

  test('the forest plot has a panel per headline measure and a row per what-if, with its interval', () => {
    const summary = JSON.parse(readFileSync(join(comparison, 'summary.json'), 'utf8'));
    const headline = summary.whatIfs[0].headline as { difference: number; ciLow: number; ciHigh: number }[];
    const forest = specOf(comparison, 'forest');
    expect(forest.vconcat).toHaveLength(headline.length);
    forest.vconcat.forEach((panel: unknown, i: number) => {
      const rows = dataOf(panel).filter((v) => 'scenario' in v);
      expect(rows).toEqual([{ scenario: 'cheap-budget', difference: chartNumber(headline[i].difference), low: chartNumber(headline[i].ciLow), high: chartNumber(headline[i].ciHigh) }]);
    });
  });
});

describe('shakeout sweep', () => {
  test('draws one chart per metric into <out>/charts: the metric against the parameter with its 95 % band', () => {
    expect(swept.code, swept.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(sweep1, 'summary.json'), 'utf8'));
    const specs = readdirSync(join(sweep1, 'charts')).filter((f) => f.endsWith('.vl.json'));
    expect(specs).toHaveLength(summary.cells.length);
    expect(readdirSync(join(sweep1, 'charts'))).toHaveLength(4 * summary.cells.length);
    const spec = specOf(sweep1, 'sweep-hhi-tokens-t23');
    const i = summary.cells.findIndex((c: { metric: string; month: number }) => c.metric === 'hhi.tokens' && c.month === 23);
    expect(spec.data.values).toEqual(
      summary.points.map((p: { point: number; parameters: number[]; cells: { mean: number; ciLow: number; ciHigh: number }[] }) => ({
        point: p.point,
        mean: chartNumber(p.cells[i].mean),
        low: chartNumber(p.cells[i].ciLow),
        high: chartNumber(p.cells[i].ciHigh),
        p0: chartNumber(p.parameters[0]),
      })),
    );
    expect(marksOf(spec)).toEqual(['area', 'line']);
  });

  test('--no-charts draws none', () => {
    expect(existsSync(join(sweep2, 'charts'))).toBe(false);
  });
});

describe('shakeout chart on a comparison or a sweep folder', () => {
  test('draws a heatmap for a grid over two parameters, a panel per parameter for a Latin hypercube', () => {
    for (const dir of [sweep2, lhs]) {
      const r = shakeout('chart', dir, '--format', 'svg', '--json', '--quiet');
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { name: string }[]).map((c) => c.name)).toContain('sweep-hhi-tokens-t23');
    }
    const heatmap = specOf(sweep2, 'sweep-hhi-tokens-t23');
    expect(marksOf(heatmap)).toEqual(['rect', 'text']);
    expect(heatmap.data.values).toHaveLength(4);
    const scatter = specOf(lhs, 'sweep-hhi-tokens-t23');
    expect(scatter.facet.field).toBe('parameter');
    expect(new Set(scatter.data.values.map((v: { parameter: string }) => v.parameter))).toEqual(new Set(['classes.small.hazard', 'providers.budget.price']));
    expect(scatter.data.values).toHaveLength(2 * 3);
  });

  test('every PNG has its data drawn over its frame, and its title', async () => {
    for (const dir of [comparison, sweep1]) {
      for (const file of readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.png'))) {
        const img = decodePng(readFileSync(join(dir, 'charts', file)));
        const spec = JSON.parse(readFileSync(join(dir, 'charts', file.replace('.png', '.vl.json')), 'utf8'));
        const strip = (o: unknown): void => {
          if (Array.isArray(o)) o.forEach(strip);
          else if (o && typeof o === 'object') {
            const values = (o as { values?: unknown }).values;
            if (Array.isArray(values) && values.some((v) => v && typeof v === 'object' && !('label' in v) && !('zero' in v))) (o as { values: unknown[] }).values = [];
            Object.values(o).forEach(strip);
          }
        };
        strip(spec);
        const svg = await renderSvg(spec as TopLevelSpec);
        const frame = decodePng(renderPng(svg.svg, svg.width, 4));
        expect(inkedFraction(img) - inkedFraction(frame), file).toBeGreaterThan(0.004);
        expect(darkPixels(img, 24, 16, 480, 72), file).toBeGreaterThan(800);
      }
    }
  }, 60_000);

  test('--metric and --only are refused with one line: a comparison draws all its charts', () => {
    const r = shakeout('chart', comparison, '--metric', 'hhi.customers');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `--metric: chooses among the charts of a result folder, but ${comparison} is a comparison, whose charts are all drawn; leave --metric out, or give one of its result folders\n`,
    );
  });
});

/** A copy of `dir` with `file` rewritten by `edit`. */
function damaged(dir: string, name: string, file: string, edit: (text: string) => string): string {
  const copy = join(scratch, name);
  cpSync(dir, copy, { recursive: true });
  writeFileSync(join(copy, file), edit(readFileSync(join(copy, file), 'utf8')));
  return copy;
}

describe('damaged folders are refused with one line and exit code 2', () => {
  test.each([
    [
      'a number of diff.csv',
      () => damaged(comparison, 'bad-number', 'diff.csv', (t) => t.replace(/\n(cheap-budget,hhi\.tokens,5,[^,]*,)[^,]*/, '\n$1oops')),
      (dir: string) => new RegExp(`^${dir}/diff\\.csv:\\d+: mean: expected a number, got "oops"; was the comparison folder damaged or edited\\?\\n$`),
    ],
    [
      'a diff.csv cut short',
      () => damaged(comparison, 'cut-short', 'diff.csv', (t) => t.slice(0, t.length - 30)),
      (dir: string) => new RegExp(`^${dir}/diff\\.csv:\\d+: the last line has no line end \\(the file was cut short\\?\\); was the comparison folder damaged or edited\\?\\n$`),
    ],
    [
      'a what-if of summary.json the manifest does not name',
      () => damaged(comparison, 'other-whatif', 'summary.json', (t) => t.replace('"folder": "cheap-budget"', '"folder": "elsewhere"')),
      (dir: string) => new RegExp(`^${dir}/summary\\.json: whatIfs: the scenarios differ from manifest\\.json's \\(minimal, cheap-budget\\); was the result folder damaged or edited\\?\\n$`),
    ],
    [
      "a scenario folder that leaves the comparison",
      () => damaged(comparison, 'escape', 'manifest.json', (t) => t.replace('"folder": "cheap-budget"', '"folder": "../cheap-budget"')),
      (dir: string) => new RegExp(`^${dir}/manifest\\.json: scenarios\\[1\\]\\.folder: expected a folder name inside the comparison; was the result folder damaged or edited\\?\\n$`),
    ],
    [
      'a sweep point with too few parameters',
      () => damaged(sweep2, 'few-parameters', 'summary.json', (t) => t.replace(/"parameters": \[\s*([\d.e-]+),\s*[\d.e-]+\s*\]/, '"parameters": [$1]')),
      (dir: string) => new RegExp(`^${dir}/summary\\.json: points\\[0\\]\\.parameters: .*; was the result folder damaged or edited\\?\\n$`),
    ],
    [
      'a sweep summary of another design',
      () => damaged(sweep2, 'other-design', 'summary.json', (t) => t.replace('"design": "grid"', '"design": "lhs"')),
      (dir: string) => new RegExp(`^${dir}/summary\\.json: design: lhs differs from manifest\\.json's grid; was the result folder damaged or edited\\?\\n$`),
    ],
  ])('%s', (_what, make, message) => {
    const dir = make();
    for (const command of ['chart', 'report']) {
      const r = shakeout(command, dir, ...(command === 'chart' ? ['--format', 'svg'] : []));
      expect(r.code, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr, command).toMatch(message(dir));
    }
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });
});

describe('shakeout report on a comparison or a sweep folder', () => {
  let comparisonPage = '';
  let sweepPage = '';
  beforeAll(() => {
    for (const dir of [comparison, sweep2]) {
      const r = shakeout('report', dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe(`wrote ${dir}/report.html\n`);
    }
    comparisonPage = readFileSync(join(comparison, 'report.html'), 'utf8');
    sweepPage = readFileSync(join(sweep2, 'report.html'), 'utf8');
  });

  test('writes one page with the charts, the headline table and the manifest; markup from the folder is text', () => {
    for (const part of ['id="headline"', 'id="scenarios"', 'id="manifest"', 'id="figure-forest"', 'id="figure-compare-hhi-tokens"', 'HHI of tokens'])
      expect(comparisonPage.includes(part), part).toBe(true);
    expect(comparisonPage.includes('Cheaper &lt;b&gt;Budget&lt;/b&gt;')).toBe(true);
    expect(comparisonPage.includes('<b>Budget')).toBe(false);
    for (const part of ['id="points"', 'id="manifest"', 'id="figure-sweep-hhi-tokens-t23"', 'providers.budget.price']) expect(sweepPage.includes(part), part).toBe(true);
  });

  test.skipIf(!browser)(
    'renders every chart in headless Chromium, with no error and no request',
    async () => {
      const context = await chromium.launchPersistentContext(mkdtempSync(join(scratch, 'profile-')), {
        executablePath: CHROMIUM,
        headless: true,
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: 30_000,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      try {
        for (const [dir, count] of [
          [comparison, 5],
          [sweep2, 7],
        ] as const) {
          const page = await context.newPage();
          const problems: string[] = [];
          const requests: string[] = [];
          page.on('console', (m) => {
            if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
          });
          page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
          page.on('request', (r) => {
            if (!r.url().startsWith('file:')) requests.push(r.url());
          });
          await page.goto(pathToFileURL(join(dir, 'report.html')).href);
          await page.waitForSelector('body[data-charts]', { timeout: 20_000 });
          expect(await page.getAttribute('body', 'data-charts')).toBe('rendered');
          const charts = await page.$$eval('.chart', (els) =>
            els.map((el) => ({ rendered: el.getAttribute('data-rendered'), marks: el.querySelectorAll('svg.marks path, svg.marks text').length })),
          );
          expect(charts).toHaveLength(count);
          for (const c of charts) {
            expect(c.rendered).toBe('true');
            expect(c.marks).toBeGreaterThan(10);
          }
          expect(problems).toEqual([]);
          expect(requests).toEqual([]);
          await page.close();
        }
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});
