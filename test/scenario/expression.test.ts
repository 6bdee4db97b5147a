import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  ExpressionError,
  expressionVariables,
  type ExpressionScope,
  withCheckedExpressions,
} from '../../sim/scenario/expression.js';

const scope: ExpressionScope = {
  t: 3,
  price: 5,
  quality: 0.85,
  cost: 0.3,
  share: 0.25,
  tokenShare: 0.4,
  lowestPrice: 4.2,
  cash: 3e8,
};

const evaluate = (source: string, s: Partial<ExpressionScope> = {}) => compileExpression(source).evaluate({ ...scope, ...s });

describe('compileExpression: results', () => {
  const { t, price, quality, cost, share, tokenShare, lowestPrice, cash } = scope;
  it.each<[string, number]>([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 2 ** (3 ** 2)],
    ['-2 ^ 2', -4],
    ['+t - -t', t + t],
    ['price * 0.99', price * 0.99],
    ['2 t', 2 * t],
    ['quality / cost', quality / cost],
    ['max(cost, min(12, lowestPrice * 1.1))', Math.max(cost, Math.min(12, lowestPrice * 1.1))],
    ['min(1, 4 * tokenShare)', Math.min(1, 4 * tokenShare)],
    ['min(3, 1, 2)', 1],
    ['max(share)', share],
    ['abs(cost - price)', Math.abs(cost - price)],
    ['exp(-t / 12)', Math.exp(-t / 12)],
    ['log(cash)', Math.log(cash)],
    ['log(8, 2)', Math.log(8) / Math.log(2)],
    ['log10(cash)', Math.log10(cash)],
    ['sqrt(price)', Math.sqrt(price)],
    ['pow(price, 2)', price ** 2],
    ['floor(lowestPrice)', Math.floor(lowestPrice)],
    ['ceil(lowestPrice)', Math.ceil(lowestPrice)],
    ['round(lowestPrice)', Math.round(lowestPrice)],
    ['round(-2.5)', -3],
    ['round(1.005, 2)', 1.01],
    ['round(price / 3, 2)', 1.67],
    ['sign(cost - price)', -1],
    ['t < 12 ? price : price * 0.8', t < 12 ? price : price * 0.8],
    ['t >= 12 ? 1 : 2', 2],
    ['t == 3', 1],
    ['t != 3', 0],
    ['t <= 2', 0],
    ['t > 2 and price < 10', 1],
    ['t > 5 or price > 10', 0],
    ['not (t > 5)', 1],
    ['0 < t < 12', 1],
    ['0 < t < 2', 0],
    ['1e12 / cash', 1e12 / cash],
    ['0x10', 16],
    ['1 / 0', Infinity],
  ])('%s', (source, expected) => {
    expect(evaluate(source)).toBeCloseTo(expected, 12);
  });

  it('takes Infinity as a value', () => {
    expect(evaluate('min(12, lowestPrice * 1.1)', { lowestPrice: Infinity })).toBe(12);
    expect(evaluate('max(cost, min(12, lowestPrice * 1.1))', { lowestPrice: Infinity })).toBe(12);
    expect(evaluate('lowestPrice * 1.1', { lowestPrice: Infinity })).toBe(Infinity);
    expect(evaluate('min(Infinity, 3)')).toBe(3); // mathjs reads Infinity as a number constant
  });

  it('gives NaN where mathjs would go complex, for the caller to refuse', () => {
    expect(evaluate('sqrt(-1)')).toBeNaN();
    expect(evaluate('log(-1)')).toBeNaN();
  });

  it('lists the variables it reads', () => {
    expect([...compileExpression('max(cost, min(12, lowestPrice * 1.1))').variables].sort()).toEqual(['cost', 'lowestPrice']);
    expect(compileExpression('3').variables.size).toBe(0);
  });

  it('reads every variable', () => {
    for (const v of expressionVariables) expect(evaluate(v)).toBe(scope[v]);
  });

  it('is fast once compiled (a closure tree, no mathjs at evaluation)', () => {
    const e = compileExpression('max(cost, min(12, lowestPrice * 1.1))');
    const n = 200_000;
    let sum = 0;
    const started = performance.now();
    for (let i = 0; i < n; i++) sum += e.evaluate(scope);
    const nsPerEval = ((performance.now() - started) * 1e6) / n;
    expect(sum).toBeGreaterThan(0);
    // ~40 ns measured; the bound only catches a fallback to mathjs (~300+ ns) on a slow machine.
    expect(nsPerEval).toBeLessThan(2000);
  });
});

describe('compileExpression: refusals', () => {
  // From mathjs's security documentation and advisories, and the STACK.md notes.
  const attacks = [
    'cos.constructor("return process")()',
    '[].map.constructor("return process")()',
    'import({}, {})',
    'import({ evaluate: 1 }, { override: true })',
    'evaluate("1")',
    'parse("1")',
    'compile("1")',
    'simplify("x")',
    'derivative("x^2", "x")',
    'resolve(x)',
    'createUnit("x")',
    'createUnit("foo", "1 m")',
    'f(x) = x',
    'a = 1',
    'price = 0',
    'ones(20000, 20000)',
    'zeros(1e9)',
    'range(1, 1e9)',
    '"abc".constructor',
    '{}.constructor',
    '[]',
    '[1, 2][1]',
    'price.constructor',
    'price["constructor"]',
    'cos.constructor',
    'toString()',
    'Function("return process")()',
    'process.exit(1)',
    'this',
    'constructor',
    '__proto__',
    'reviver("x")',
    'chain(1)',
    'help(sin)',
    '5 cm',
    '5 cm to inch',
    '1:3',
    'a; b',
    'price\nprice',
    'true',
    'null',
    '"text"',
    'price!',
    "price'",
    '3 % 2',
    't mod 2',
    'price & 1',
    'price | 1',
    'price << 1',
    'price xor 1',
    '~price',
    'price ?? 1',
    'sin(t)',
    'pi * t',
    'e',
    'sqrt(1, 2)',
    'pow(2)',
    'round(1, 2, 3)',
    'min()',
    '',
    '   ',
    'price * ',
    '((',
    '('.repeat(300) + 't' + ')'.repeat(300),
    't + '.repeat(400) + 't',
    '1'.repeat(1001),
  ];
  const named = attacks.map((a) => [a.length > 40 ? `${a.slice(0, 37)}...` : a, a]);
  it.each(named)('refuses %j at compile time', (_, source) => {
    expect(() => compileExpression(source)).toThrow(ExpressionError);
  });

  it('accepts brackets 64 deep, the whitelist\'s limit', () => {
    expect(evaluate('('.repeat(64) + 't' + ')'.repeat(64), { t: 3 })).toBe(3);
  });

  it.each<[string, string]>([
    ['cheap', 'unknown variable "cheap"; the variables are t, price, quality, cost, share, tokenShare, lowestPrice, cash'],
    ['lowestprice * 2', 'unknown variable "lowestprice" (did you mean "lowestPrice"?)'],
    ['evaluate("1")', 'the function "evaluate" is not allowed; the functions are abs, exp, log, log10, sqrt, pow, floor, ceil, round, sign, min, max'],
    ['a = 1', 'assignment (=) is not allowed; to compare, write =='],
    ['f(x) = x', 'defining functions is not allowed'],
    ['"abc".constructor', 'property access (. or [ ]) is not allowed'],
    ['[].map.constructor("x")', 'property access (. or [ ]) is not allowed'],
    ['3 % 2', 'the operator "%" is not allowed'],
    ['sqrt(1, 2)', 'sqrt takes 1 argument, got 2'],
    ['a; b', 'only one expression is allowed (no ";" or line breaks)'],
    ['price * ', 'cannot parse: unexpected end of expression (char 9)'],
    // Brackets deeper than the whitelist's 64 levels are refused before mathjs recurses into them, so the
    // message does not depend on the stack left to its parser: balanced or not, inside a call or not.
    ['('.repeat(65) + 't' + ')'.repeat(65), 'the expression nests too deeply'],
    ['('.repeat(267), 'the expression nests too deeply'],
    ['max(' + '('.repeat(64) + 't', 'the expression nests too deeply'],
    // A fuzzed file found it: mathjs quotes the offending text, line break and all.
    ['\u0000\n', 'cannot parse: syntax error in part "\\u0000\\n" (char 1)'],
  ])('says why %j is refused', (source, message) => {
    // An unknown variable has its own code (docs/errors.md); every other refusal is E_EXPR.
    const code = message.startsWith('unknown variable') ? 'E_EXPR_UNKNOWN_VARIABLE' : 'E_EXPR';
    expect(() => compileExpression(source)).toThrow(new ExpressionError(message, code));
  });
});

describe('checked trees (what a worker thread compiles from)', () => {
  const sources = [
    'max(cost, min(12, lowestPrice * 1.1))',
    't < 6 ? price : price * 0.9',
    '0 < t <= 12',
    '-(share - 0.5) ^ 2 + log(cash + 1, 10)',
    'round(quality * 3.14159, 2) + abs(sign(tokenShare - 0.2))',
    'not (t == 3) and (cost != 1 or sqrt(price) > 1)',
    'max(t, price, cost, share)',
  ];
  const scopes = Array.from({ length: 20 }, (_, i) => ({
    t: i,
    price: 0.5 + i / 7,
    quality: 1 + (i % 3),
    cost: (i * 0.37) % 2,
    share: (i % 10) / 10,
    tokenShare: ((i * 3) % 10) / 10,
    lowestPrice: 0.4 + i / 11,
    cash: i * 1e5,
  }));

  it.each(sources)('%s: the tree, cloned to another thread, evaluates as the text does', (source) => {
    const parsed = compileExpression(source);
    const tree = structuredClone(parsed.tree);
    const rebuilt = withCheckedExpressions({ [source]: tree }, () => compileExpression(source));
    expect(rebuilt).not.toBe(parsed);
    expect([...rebuilt.variables].sort()).toEqual([...parsed.variables].sort());
    for (const scope of scopes) expect(Object.is(rebuilt.evaluate(scope), parsed.evaluate(scope))).toBe(true);
  });

  it('stand in for the parser only while the body runs', () => {
    // A tree given for a source is used as is (it was checked where it was made), so a stand-in shows.
    const tree = compileExpression('t + 1').tree;
    const inside = withCheckedExpressions({ 'price * 2': tree }, () => compileExpression('price * 2'));
    expect(inside.evaluate({ ...scope, t: 3, price: 5 })).toBe(4);
    expect(compileExpression('price * 2').evaluate({ ...scope, t: 3, price: 5 })).toBe(10);
  });
});
