/**
 * The guides of docs/guide/ are run, not just read: each guide's fenced
 * blocks run in order in a fresh folder (`sh` with `shakeout` standing for
 * the built CLI, `python`, `r`, `js` against the library), every one must
 * exit 0, and what they print is checked against the result files
 * themselves. Python blocks run where pandas is installed, R blocks where
 * Rscript is (`.ci/run` installs both). Every `sim/…`, `test/…` and
 * `scenarios/…` path the guides name, every file they link, and every
 * function or type they name in backticks must exist.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './output/tmp.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const guideDir = join(root, 'docs', 'guide');
const GUIDES = ['what-if.md', 'python-and-r.md', 'extending.md'];

/** Languages the test runs, and those that only show (output, a file's lines, an excerpt of the source). */
const RUN = ['sh', 'python', 'r', 'js'] as const;
const SHOW = ['text', 'yaml', 'ts', 'sql'];
type Lang = (typeof RUN)[number];

interface Printed {
  stdout: string;
  stderr: string;
}

interface Block {
  lang: string;
  code: string;
}

function blocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
}

const guide = (name: string) => readFileSync(join(guideDir, name), 'utf8');

const works = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
/** The first Python with pandas: the one on the PATH, or Debian's (python3-pandas) behind a version manager's. */
const python = ['python3', '/usr/bin/python3'].find((p) => works(p, ['-c', 'import pandas, numpy']));
const hasPandas = python !== undefined;
const hasR = works('Rscript', ['-e', 'invisible(0)']);

/** A folder as a reader of the guides would have it: `shakeout` on the PATH, the shipped scenarios, the library installed. */
function workspace(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'shakeout'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} "$@"\n`);
  chmodSync(join(dir, 'bin', 'shakeout'), 0o755);
  mkdirSync(join(dir, 'scenarios'));
  for (const f of ['minimal.yaml', 'scenario.schema.json']) copyFileSync(join(root, 'scenarios', f), join(dir, 'scenarios', f));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'shakeout'), 'dir');
  return dir;
}

/** Runs one block in `dir`; returns what it printed, after requiring exit 0. */
function runBlock(dir: string, block: Block, k: number): Printed {
  const env = { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, NO_COLOR: '1' };
  const file = (ext: string) => {
    const f = join(dir, `block-${k}.${ext}`);
    writeFileSync(f, block.code);
    return f;
  };
  const lang = block.lang as Lang;
  const [cmd, args] =
    lang === 'sh' ? ['bash', ['-euo', 'pipefail', file('sh')]]
    : lang === 'python' ? [python!, [file('py')]]
    : lang === 'r' ? ['Rscript', [file('R')]]
    : [process.execPath, [file('mjs')]];
  const r = spawnSync(cmd, args as string[], { cwd: dir, env, encoding: 'utf8' });
  expect(r.status, `${block.lang} block ${k} failed:\n${block.code}\n${r.stderr}`).toBe(0);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** Runs a guide's blocks in order in one folder (skipping a language this machine lacks); their outputs by block index. */
function runGuide(name: string, skip: readonly string[] = []): { dir: string; out: Map<number, Printed>; all: Block[] } {
  const dir = workspace();
  const all = blocks(guide(name));
  const out = new Map<number, Printed>();
  all.forEach((b, k) => {
    if ((RUN as readonly string[]).includes(b.lang) && !skip.includes(b.lang)) out.set(k, runBlock(dir, b, k));
  });
  return { dir, out, all };
}

const indexOfLang = (all: Block[], lang: string, nth = 0) => all.map((b, k) => (b.lang === lang ? k : -1)).filter((k) => k >= 0)[nth];

/** A CSV of shakeout's (quoted only where needed) as objects. */
function readCsv(file: string): Record<string, string>[] {
  const rows = readFileSync(file, 'utf8').trim().split('\n').map(splitCsvLine);
  return rows.slice(1).map((r) => Object.fromEntries(rows[0].map((h, i) => [h, r[i]])));
}
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out;
}

/** Every run's values of a result folder: value(run, t, metric). */
function runValues(folder: string): (run: number, t: number, metric: string) => number {
  const index = JSON.parse(readFileSync(join(folder, 'runs', 'index.json'), 'utf8')) as { metrics: string[]; months: number };
  const bytes = readFileSync(join(folder, 'runs', 'values.f64'));
  const M = index.metrics.length;
  return (run, t, metric) => bytes.readDoubleLE(8 * ((run * index.months + t) * M + index.metrics.indexOf(metric)));
}

/** The paired difference what-if − baseline of a metric at the last month, from the two runs.csv files. */
function pairedFromRunsCsv(comparison: string, metric: string): number {
  const base = readCsv(join(comparison, 'minimal', 'runs.csv'));
  const alt = readCsv(join(comparison, 'cheaper', 'runs.csv'));
  expect(alt.map((r) => r.run)).toEqual(base.map((r) => r.run));
  return alt.reduce((a, r, i) => a + Number(r[metric]) - Number(base[i][metric]), 0) / alt.length;
}

/** The printed number after `label`. */
function printed(out: string, label: string): number {
  const line = out.split('\n').find((l) => l.startsWith(label));
  expect(line, `no line "${label}…" in:\n${out}`).toBeDefined();
  return Number(line!.slice(label.length).trim().split(/\s+/)[0]);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the guides of docs/guide/', () => {
  it('are the three guides, linked from the README, with only blocks the test runs or that only show', () => {
    expect(readdirSync(guideDir).sort()).toEqual([...GUIDES].sort());
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const name of GUIDES) {
      expect(readme).toContain(`](docs/guide/${name})`);
      const all = blocks(guide(name));
      expect(all.some((b) => (RUN as readonly string[]).includes(b.lang)), name).toBe(true);
      for (const b of all) expect([...RUN, ...SHOW], `${name}: a \`${b.lang}\` block`).toContain(b.lang);
    }
  });

  it('name only paths, links, functions and types that exist', () => {
    const source = sourceFiles(join(root, 'sim')).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const name of GUIDES) {
      const text = guide(name);
      const prose = text.replace(/^```\w*\n[\s\S]*?^```$/gm, '');
      for (const [path] of text.matchAll(/\b(?:sim|test|scenarios|viz|docs)\/[\w./-]*[\w]/g)) {
        expect(existsSync(join(root, path)), `${name} names ${path}`).toBe(true);
      }
      for (const [, link] of text.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)) {
        if (/^https?:/.test(link)) continue;
        expect(existsSync(join(guideDir, link)), `${name} links ${link}`).toBe(true);
      }
      for (const [, id] of prose.matchAll(/`([a-z]+[A-Z]\w*|[A-Z][a-z]+[A-Z]\w*)`/g)) {
        expect(new RegExp(`\\b${id}\\b`).test(source), `${name} names \`${id}\`, which is nowhere in sim/`).toBe(true);
      }
    }
  });

  it('what-if.md: init, edit, validate and compare run; diff.csv is the paired difference of the two result folders', () => {
    const { dir, out, all } = runGuide('what-if.md');
    const what = readFileSync(join(dir, 'cheaper.yaml'), 'utf8');
    expect(what).toContain('extends: "./scenarios/minimal.yaml"');
    expect(what).toContain('classes.small.switchCost.median: 5000');
    const sh = all.map((b, k) => (b.lang === 'sh' ? k : -1)).filter((k) => k >= 0);
    expect(out.get(sh[1])!.stderr).toMatch(/^cheaper\.yaml: ok \(/);
    const comparison = join(dir, 'results', 'compare-minimal');
    expect(out.get(sh[2])!.stdout).toBe(readFileSync(join(comparison, 'summary.md'), 'utf8'));
    expect(out.get(sh[2])!.stdout).toContain('| measure | month | baseline | what-if | difference | 95 % interval | variance reduction |');
    const [header, row] = out.get(sh[3])!.stdout.trim().split('\n');
    expect(guide('what-if.md')).toContain(`\`${header}\``);
    const cells = Object.fromEntries(header.split(',').map((h, i) => [h, row.split(',')[i]]));
    expect(cells.date).toBe('2026-05');
    expect(Number(cells.mean)).toBeCloseTo(pairedFromRunsCsv(comparison, 'cohort.dead.fraction'), 12);
    expect(Number(cells.mean)).toBeCloseTo(Number(cells.whatif_mean) - Number(cells.baseline_mean), 12);
  });

  it('python-and-r.md: the pandas and R blocks print what the files hold', () => {
    const skip = [...(hasPandas ? [] : ['python']), ...(hasR ? [] : ['r'])];
    const { dir, out, all } = runGuide('python-and-r.md', skip);
    const comparison = join(dir, 'results', 'compare-minimal');
    expect(out.get(indexOfLang(all, 'sh'))!.stdout).toContain('diff.csv');
    // The independent expectations, from the files.
    const hhi = readCsv(join(comparison, 'minimal', 'timeseries.csv')).filter((r) => r.metric === 'hhi.tokens' && r.date.startsWith('2025-'));
    expect(hhi).toHaveLength(12);
    const hhi2025 = hhi.reduce((a, r) => a + Number(r.mean), 0) / hhi.length;
    const paired = pairedFromRunsCsv(comparison, 'cohort.dead.fraction');
    const run0 = runValues(join(comparison, 'minimal'))(0, 12, 'hhi.tokens');
    const checks: [string, string][] = [];
    if (hasPandas) checks.push(['python', out.get(indexOfLang(all, 'python'))!.stdout]);
    if (hasR) checks.push(['r', out.get(indexOfLang(all, 'r'))!.stdout]);
    for (const [lang, text] of checks) {
      expect(printed(text, 'mean HHI of tokens in 2025:'), lang).toBeCloseTo(hhi2025, 3);
      expect(printed(text, 'paired difference of cohort.dead.fraction at the end:'), lang).toBeCloseTo(paired, 6);
      expect(printed(text, 'diff.csv says:'), lang).toBeCloseTo(paired, 6);
    }
    if (hasPandas) expect(printed(out.get(indexOfLang(all, 'python'))!.stdout, 'run 0, HHI of tokens at t = 12:')).toBeCloseTo(run0, 3);
    if (hasR) expect(out.get(indexOfLang(all, 'r'))!.stdout).toContain('95 percent confidence interval');
  });

  it('extending.md: the library snippet prints, run by run, what the CLI run of the same scenario records', () => {
    const { dir, out, all } = runGuide('extending.md');
    const lines = out.get(indexOfLang(all, 'js'))!.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    const r = spawnSync(process.execPath, [cli, 'run', 'scenarios/minimal.yaml', '--runs', '4', '--no-charts', '--quiet', '--out', 'check'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const value = runValues(join(dir, 'check'));
    lines.forEach((line, run) => {
      let first = -1;
      for (let t = 0; t < 24 && first < 0; t++) if (value(run, t, 'share.tokens.rival') > 0.5) first = t;
      expect(line).toBe(`run ${run}: the rival serves most tokens from t = ${first}`);
    });
  });
});
