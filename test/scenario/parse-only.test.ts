/**
 * mathjs's parser alone (sim/scenario/mathjs-parse.entry.mjs, bundled by
 * `npm run build:parser`) against the single-file build of all of mathjs,
 * which expressions were parsed with before: the same trees, the same
 * refusals, the same error texts (compileExpression quotes them), over every
 * expression the scenarios and the scenario tests hold, expressions drawn
 * from the grammar the whitelist accepts, and random text.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import type { MathJsInstance, MathNode } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { climateVariables, compileExpression, expressionVariables, loadExpressionParser } from '../../sim/scenario/expression.js';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
/** The whole library, as sim/scenario/expression.ts loaded it before. */
const full = (require('mathjs/lib/browser/math.js') as MathJsInstance).parse as (source: string) => MathNode;
const alone = loadExpressionParser();

/** JSON that keeps what plain JSON loses: NaN, ±Infinity, -0. */
const exact = (_: string, value: unknown) =>
  typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)) ? `number:${Object.is(value, -0) ? '-0' : value}` : value;

type Outcome = { type: string; text: string; json: string } | { error: string; message: string; char: unknown };
function outcome(parse: (source: string) => MathNode, source: string): Outcome {
  try {
    const node = parse(source);
    return { type: node.type, text: node.toString(), json: JSON.stringify(node, exact) };
  } catch (e) {
    const error = e as Error & { char?: unknown };
    return { error: error.constructor.name, message: error.message, char: error.char };
  }
}
function same(source: string): void {
  expect(outcome(alone, source), JSON.stringify(source)).toEqual(outcome(full, source));
}

function files(dir: string, ending: RegExp): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && ending.test(d.name))
    .map((d) => relative(root, join(d.parentPath, d.name)));
}
/** Every string in a YAML file: the expressions among them, and text that is none (a fine case too). */
function yamlStrings(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) yamlStrings(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) yamlStrings(v, into);
  return into;
}
/** The string literals of a test file (the expressions it tries among them); ones with `${` are templates' parts. */
function literals(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"/g)) {
    const body = m[1] !== undefined ? m[1].replace(/\\'/g, "'").replace(/"/g, '\\"') : m[2];
    try {
      found.push(JSON.parse(`"${body}"`) as string);
    } catch {
      found.push(body); // an escape JSON does not know (\x41): the raw text is a case all the same
    }
  }
  return found;
}

const isExpression = (source: string) => {
  try {
    compileExpression(source);
    return true;
  } catch {
    return false;
  }
};

const scenarioTexts = [...files('scenarios', /\.ya?ml$/), ...files('test/scenario/fixtures', /\.ya?ml$/)].flatMap((file) => [
  ...yamlStrings(parseYaml(readFileSync(join(root, file), 'utf8')), new Set()),
]);
const testTexts = [...files('test/scenario', /\.ts$/), 'test/hardening/expression-attacks.test.ts'].flatMap((file) =>
  literals(readFileSync(join(root, file), 'utf8')),
);

describe("mathjs's parser alone parses as all of mathjs did", () => {
  it('on every string of the scenarios (their expressions among them)', () => {
    const texts = [...new Set(scenarioTexts)];
    expect(texts).toContain('max(cost, min(4, lowestPrice * 1.1))');
    expect(texts.filter(isExpression).length).toBeGreaterThan(5);
    for (const source of texts) same(source);
  });

  it('on every string literal of the scenario and expression-attack tests', () => {
    const texts = [...new Set(testTexts)];
    expect(texts).toContain('max(cost, min(12, lowestPrice * 1.1))');
    expect(texts).toContain('cos.constructor("return process")()');
    for (const source of texts) same(source);
  });

  it('on the syntax the whitelist accepts, and the syntax it names in its refusals', () => {
    for (const source of [
      '1 + 2 * 3', '2 ^ 3 ^ 2', '-2 ^ 2', '2^-3', '-t^2', '+t - -t', '2 t', '2t', '2 t^2', '3(t + 1)', '(t)(price)', '2 price cost',
      '1/2 t', '1 / 2t', 't/2(1)', 'not t', 'not not t', '!t', 't!', 't > 2 and price < 10 or cost', 't or price and cost',
      '0 < t < 12', '1 <= t == price != cost >= 2 > 1', 't ? 1 : 2', 't ? 1 : t ? 2 : 3', 'a ? b ? 1 : 2 : 3', 't > 2 ? -1 : +1',
      'max(1, min(2, 3))', 'log(8, 2)', 'round(1.005, 2)', 'max()', 'pow(2, 3)', 'f(x)(y)', 'sin(pi)',
      '1e3', '1E-3', '.5', '5.', '1.5e+2', '0x1F', '0xffi8', '0x1.8', '0b101', '0o17', '0x', '1e400', '2.5e-400', 'Infinity', '-Infinity', 'NaN',
      'true', 'false', 'null', 'undefined', 'pi', 'e', 'i', 'tau', 'phi', 'E', 'PI', '"text"', "'text'",
      'a = 1', 'f(x) = x', 'x.y', 'x["y"]', '[1, 2]', '[1, 2][1]', '{a: 1}', '1:3', 'a; b', 'a\nb', '5 cm', '5 cm to inch', '3 % 2',
      '50%', 't mod 2', 'x & 1', 'x | 1', 'x << 1', 'x >> 1', 'x >>> 1', 'x xor 1', '~x', 'x ?? 1', "x'", 'x .* y', 'x ./ y', 'x .^ 2',
      '', ' ', '(', ')', '()', '1 +', '* 2', 't ? 1', 'max(1,', '1 2', 'x y', '\u0000\n', '\t t \t', 't\r\n',
    ])
      same(source);
  });

  it('on expressions drawn from the grammar the whitelist accepts', () => {
    const variable = fc.constantFrom(...expressionVariables, ...climateVariables, 'x', 'pi', 'e');
    const number = fc.oneof(
      fc.nat({ max: 10_000 }).map(String),
      fc.double({ noNaN: true, min: 0, max: 1e12 }).map(String),
      fc.tuple(fc.nat({ max: 99 }), fc.nat({ max: 999 }), fc.integer({ min: -20, max: 20 })).map(([a, b, x]) => `${a}.${b}e${x}`),
      fc.constantFrom('.5', '5.', '0x1F', '0b11', '0o7', 'Infinity', 'NaN', '1e400'),
    );
    const space = fc.constantFrom('', ' ', '  ');
    const call = fc.constantFrom('max', 'min', 'abs', 'exp', 'log', 'log10', 'sqrt', 'pow', 'floor', 'ceil', 'round', 'sign', 'sin');
    const binary = fc.constantFrom('+', '-', '*', '/', '^', '<', '<=', '>', '>=', '==', '!=', ' and ', ' or ');
    const { expr } = fc.letrec<{ expr: string }>((tie) => ({
      expr: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        number,
        variable,
        fc.tuple(fc.constantFrom('-', '+', 'not '), tie('expr')).map(([op, a]) => `${op}${a}`),
        fc.tuple(tie('expr'), space, binary, space, tie('expr')).map((parts) => parts.join('')),
        fc.tuple(number, space, variable).map((parts) => parts.join('')),
        fc.tuple(tie('expr'), space, tie('expr')).map(([a, s, b]) => `${a}${s}(${b})`),
        fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
        fc.tuple(call, fc.array(tie('expr'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
        tie('expr').map((a) => `(${a})`),
      ),
    }));
    fc.assert(fc.property(expr, (source) => same(source)), { numRuns: 1000 });
  });

  it('on random text, of the characters expressions are made of and of any', () => {
    const alphabet = [...'0123456789.eExXbo+-*/^%()[]{},;:?!<>=&|~\'" \n\tatpric_$\\'];
    const tokens = ['max(', 'min(', 'log(', 'sqrt(', 'round(', ' and ', ' or ', 'not ', ' mod ', ' to ', ' in ', ' xor ', 'price', 'cost', 't',
      '1e', '0x', '0b', 'Infinity', 'NaN', 'true', 'null', ' ? ', ' : ', '==', '<=', '>=', '!=', '>>>', '<<', '.*', "'", '"', 'cm', '%'];
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 40 }), (source) => same(source)), { numRuns: 1000 });
    fc.assert(fc.property(fc.array(fc.constantFrom(...tokens, ...alphabet), { maxLength: 20 }), (parts) => same(parts.join(''))), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (source) => same(source)), { numRuns: 500 });
  });
});

describe("mathjs's parser alone is all the CLI loads of mathjs", () => {
  it('holds parse and nothing else of the library', () => {
    const bundle = require('../../sim/scenario/mathjs-parse.cjs') as Record<string, unknown>;
    expect(Object.keys(bundle)).toEqual(['parse']);
    expect(bundle.parse).toBe(alone);
  });

  it('is what compiling an expression loads, not the single-file build of all of mathjs', () => {
    const script = `
      const { createRequire } = await import('node:module');
      const { compileExpression } = await import(${JSON.stringify(join(root, 'dist/sim/scenario/expression.js'))});
      compileExpression('max(cost, min(12, lowestPrice * 1.1))');
      console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache).filter((m) => m.includes('mathjs'))));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const loaded = (JSON.parse(r.stdout) as string[]).map((m) => relative(root, m));
    expect(loaded).toEqual([join('dist', 'sim', 'scenario', 'mathjs-parse.cjs')]);
  });
});
