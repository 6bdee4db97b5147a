/**
 * One-way layers (ARCHITECTURE.md, "Layout": imports follow the data):
 * scenario → model → ensemble → output (the result-folder format) → viz,
 * with the CLI on top and the leaf utilities at the top of `sim/` below
 * everything. Every `.ts` file under `sim/` and `viz/` is read, its
 * `import … from`, `export … from` and `import('…')` specifiers (type-only
 * ones included) are resolved to files, and the rules and the absence of
 * cycles are checked on that graph.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..');

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts'))
    .map((d) => relative(root, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
}

/** The project file a relative specifier names (`./x.js` is `./x.ts`), or null for a package or built-in. */
function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = relative(root, join(root, dirname(from), specifier)).split(sep).join('/');
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`, base])
    if (existsSync(join(root, candidate))) return candidate;
  throw new Error(`${from}: cannot resolve '${specifier}'`);
}

/** `source` without its comments (strings and template literals kept as they are). */
function withoutComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
      out += ' ';
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** A statement `import … from '…'`, `import '…'` or `export … from '…'` (type-only ones included). */
const STATIC = /(?:^|[;}\n])\s*(?:import|export)\b(?:[^;'"`]*?\bfrom)?\s*(['"])([^'"\n]+)\1/g;
/** `import('…')`, in code or in a type. */
const DYNAMIC = /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/** The module specifiers `source` imports or re-exports from, in order of kind then place. */
function specifiers(source: string): string[] {
  const code = withoutComments(source);
  return [STATIC, DYNAMIC].flatMap((re) => [...code.matchAll(re)].map((m) => m[2]));
}

/** Project files `file` imports: static and dynamic imports, and re-exports, type-only ones included. */
function importsOf(file: string): string[] {
  const found = new Set<string>();
  for (const specifier of specifiers(readFileSync(join(root, file), 'utf8'))) {
    const target = resolve(file, specifier);
    if (target && target.endsWith('.ts')) found.add(target);
  }
  return [...found].sort();
}

const files = [...tsFiles('sim'), ...tsFiles('viz')];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

/** The layer of a file: `leaf` for the utilities at the top of sim/, else its folder. */
function layer(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'viz') return 'viz';
  if (parts.length === 2) return file === 'sim/index.ts' ? 'index' : 'leaf';
  return parts[1];
}

/** Which layers each layer may import (its own always). */
const allowed: Record<string, readonly string[]> = {
  leaf: [],
  rng: ['leaf'],
  kernel: ['leaf'],
  scenario: ['leaf'],
  model: ['leaf', 'scenario', 'rng', 'kernel'],
  output: ['leaf', 'scenario'],
  ensemble: ['leaf', 'scenario', 'rng', 'kernel', 'model', 'output'],
  viz: ['leaf', 'output'],
  cli: ['leaf', 'scenario', 'rng', 'kernel', 'model', 'output', 'ensemble', 'viz'],
  index: ['leaf', 'scenario', 'rng', 'kernel', 'model', 'output', 'ensemble'],
};

describe('layers', () => {
  test('every form of import is found, and none in comments or strings', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      'import {',
      '  c,',
      '  type D,',
      "} from './c.js';",
      "import './side-effect.js';",
      "export { e } from './e.js';",
      "export type { F } from './f.js';",
      "export * from './g.js';",
      "type H = typeof import('./h.js');",
      "const i = await import('./i.js');",
      "// import { x } from './commented.js';",
      "/* export { y } from './block.js'; */",
      "const text = 'not an import';",
    ].join('\n');
    expect(specifiers(source).sort()).toEqual(['./a.js', './b.js', './c.js', './e.js', './f.js', './g.js', './h.js', './i.js', './side-effect.js']);
  });

  test('the graph was read: every layer has files, and imports were found', () => {
    const layers = new Set(files.map(layer));
    for (const l of ['leaf', 'scenario', 'model', 'ensemble', 'output', 'viz', 'cli']) expect(layers, l).toContain(l);
    expect(graph.get('sim/cli/main.ts')?.length).toBeGreaterThan(0);
  });

  test('each file imports only its own layer and the layers below it', () => {
    const bad: string[] = [];
    for (const [from, targets] of graph) {
      const mine = layer(from);
      const may = allowed[mine];
      expect(may, `${from}: no rule for layer '${mine}'`).toBeDefined();
      for (const to of targets) {
        const theirs = layer(to);
        if (theirs !== mine && !may.includes(theirs)) bad.push(`${from} → ${to} (${mine} may not import ${theirs})`);
      }
    }
    expect(bad, bad.join('\n')).toEqual([]);
  });

  test('there is no import cycle, type-only imports included', () => {
    // Depth-first search; a back edge closes a cycle, reported as the path around it.
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const cycles: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      path.push(file);
      for (const to of graph.get(file) ?? []) {
        if (state.get(to) === 'open') cycles.push([...path.slice(path.indexOf(to)), to].join(' → '));
        else if (!state.has(to)) visit(to);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles, cycles.join('\n')).toEqual([]);
  });
});
