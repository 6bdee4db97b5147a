/**
 * The sandboxed expressions (docs/security.md, "Expressions") against the
 * attacks published for mathjs: its security documentation and example
 * (`import`, `createUnit`, `evaluate`, `parse`, `simplify`, `derivative`,
 * `resolve`, `reviver`), the exploits of its issues #821 and #822 and of the
 * 2017 remote-code-execution write-up (CVE-2017-1001002, CVE-2017-1001003),
 * the cases of its own test/unit-tests/expression/security.test.js, the
 * advisories of 2023 (FunctionNode/SymbolNode, 11.9.1), 2024 (13.1.1: import,
 * createUnit and reviver in the CLI; rawArgs; ObjectWrappingMap) and 2026
 * (GHSA-5v89-rwgr-qj6g, unsafe index getter; GHSA-29qv-4j9f-fjw5, unsafe
 * property setter), the denial of service of issue #2088 (`1:999999999…`),
 * and prototype pollution through `config` (CVE-2020-7743).
 *
 * Every one must be refused when the file is loaded, with a one-line reason,
 * and nothing in them may run.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionError, expressionVariables } from '../../sim/scenario/expression.js';
import { problems, scenario } from '../scenario/helpers.js';

const attacks: [source: string, expression: string][] = [
  // mathjs docs, "Security" and examples/advanced/more_secure_eval.js
  ['docs', 'import({}, {})'],
  ['docs', 'import({ sqrt: 1 }, { override: true })'],
  ['docs', 'createUnit("foo")'],
  ['docs', 'createUnit("knot", "0.514444 m/s")'],
  ['docs', 'evaluate("1 + 1")'],
  ['docs', 'parse("1 + 1")'],
  ['docs', 'compile("1 + 1")'],
  ['docs', 'simplify("2 x + x")'],
  ['docs', 'derivative("x^2", "x")'],
  ['docs', 'resolve(parse("x"), {x: 1})'],
  ['docs', 'reviver("x", 1)'],
  ['docs', 'chain(3).add(4).done()'],
  ['docs', 'config({ number: "BigNumber" })'],
  // CVE-2017-1001002/3, the write-up "How we exploited a remote code execution vulnerability in math.js"
  ['cve-2017', 'cos.constructor("return process")()'],
  ['cve-2017', 'cos.constructor("return process.mainModule.require(\'child_process\').execSync(\'id\')")()'],
  ['cve-2017', '[].map.constructor("return this")()'],
  ['cve-2017', 'sqrt.constructor("console.log(1)")'],
  // issue #821
  ['#821', '["//","a/*\\nreturn process.mainModule.require"]._data.map(cos.constructor)[1]()("child_process").execSync("ps >&2")'],
  ['#821', 'import({matrix:cos.constructor},{override:1});x=["process.mainModule.require(\\"child_process\\").execSync(\\"ps >&2\\")"];x()'],
  ['#821', 'a=["process.mainModule.require(\\"child_process\\").execSync(\\"ps >&2\\")"]._data;a.isRange=true;x={subset:cos.constructor}[a];x()'],
  // issue #822
  ['#822', '{}.constructor.assign(cos.constructor, {binding: cos.bind})'],
  ['#822', 'cos.constructor.binding()("console.log(1)")()'],
  // mathjs test/unit-tests/expression/security.test.js
  ['security.test', 'f=[].map.constructor("console.log(1)"); f()'],
  ['security.test', 'f=[].map.constructor.call(null, "console.log(1)"); f()'],
  ['security.test', 'f=[].map.constructor.apply(null, ["console.log(1)"]); f()'],
  ['security.test', '[].constructor()'],
  ['security.test', 'constructor'],
  ['security.test', 'toString'],
  ['security.test', 'f=[].map["constructor"]("console.log(1)"); f()'],
  ['security.test', 'prop="constructor"; f=[].map[prop]("console.log(1)"); f()'],
  ['security.test', 'f=[].map[concat("constr", "uctor")]("console.log(1)"); f()'],
  ['security.test', 'f=[].map.constructor.bind()("console.log(1)"); f()'],
  ['security.test', 'price.co\u006Estructor'],
  ['security.test', 'price["co\\u006Estructor"]'],
  ['security.test', 'price.constructor = 2'],
  ['security.test', 'a = {"constructor": 2}'],
  ['security.test', 'p = parser(); p.evaluate("", []); o = p.get("constructor")'],
  ['security.test', 'O = {}.constructor; d = O.getOwnPropertyDescriptor(O.__proto__, "constructor")'],
  ['security.test', 'f=[].map["\\u0063onstructor"]("console.log(1)"); f()'],
  ['security.test', '{hasOwnProperty: 2}'],
  ['security.test', '{toString: 2}'],
  ['security.test', '{}.constructor.assign(expression.node.AssignmentNode.prototype, {_compile: "".toString.bind("1")})'],
  ['security.test', 'expression.node.AssignmentNode.prototype.__defineGetter__("_compile", {}.valueOf.bind("".toString.bind("1")))'],
  ['security.test', 's={};s.__proto__=expression.node.SymbolNode["prototype"]'],
  ['security.test', 'x=parse("cos");x.name = "\\");},\\"evaluate\\": function(a) {return global.eval}};//a"'],
  ['security.test', 'cos.syntax="global.eval";s=unit("5 cm")'],
  ['security.test', 'expression.node.ConstantNode.prototype.clone.call({"value":"evaluate"}).evaluate()("1")'],
  ['security.test', 'c(x,y)="1";expression.node.Node.prototype.compile.apply({_compile:c}).evaluate()'],
  ['security.test', 'f()=false;g()={length:3};h()={"0":0,"1":0,"2":0};j(x)=[x("constructor")]'],
  ['security.test', 'subset(parse("1"), index("value"), "evaluate").compile().evaluate()("1")'],
  ['security.test', 'badValue = {"isNode": true, "_compile": evaluate("f(a, b) = \\"evaluate\\"")}'],
  ['security.test', 'evaluate("f(validateSafeMethod)=cos.constructor(\\"return evaluate\\")()")'],
  ['security.test', 'f=chain("a(){return evaluate;};function b").typed({"":f()=0}).done()'],
  ['security.test', 'evilMath=chain().create().done()'],
  ['security.test', '[][\"(){}+console.log(`hacked...`);function a\"]()=0'],
  ['security.test', '{}[\"(){}+console.log(`hacked...`);function a\"]()=0'],
  ['security.test', '{}.__proto__'],
  ['security.test', '[]._data'],
  ['security.test', 'unit("5cm").valueOf'],
  ['security.test', 'expression'],
  ['security.test', 'type'],
  ['security.test', 'error'],
  ['security.test', 'json'],
  // 2023 advisory (11.9.1): the function name of a FunctionNode
  ['2023', 'evalFunctionNode=parse("constructor(\'return process.version\')")._compile({},{})'],
  ['2023', 'constructor("return process.version")'],
  ['2023', '__proto__("x")'],
  // 2024 advisories (13.1.1)
  ['2024', 'import({ add: f(x, y) = x }, { override: true })'],
  ['2024', 'createUnit("x", { definition: "1 m" })'],
  ['2024', 'reviver("key", {"mathjs": "Unit", "value": 1})'],
  ['2024', 'f(x) = x; g = f; delete(g)'],
  // 2026 advisories (15.2.0)
  ['GHSA-5v89-rwgr-qj6g', 'matrix([1]).get({length: 1, reduce: f(a, b) = cos.constructor})'],
  ['GHSA-5v89-rwgr-qj6g', 'm = matrix([1, 2]); m.get({"length": 1})'],
  ['GHSA-29qv-4j9f-fjw5', 'a = [1, 2]; a.map = cos.constructor; a.map("return process")'],
  ['GHSA-29qv-4j9f-fjw5', 'a = [1]; a["map"] = 1'],
  // issue #2088 and the STACK.md notes: denial of service
  ['#2088', '1:999999999999999999'],
  ['dos', 'ones(20000, 20000)'],
  ['dos', 'zeros(1e9)'],
  ['dos', 'range(1, 1e9)'],
  ['dos', 'factorial(1e6)'],
  ['dos', 'identity(1e5)'],
  ['dos', 'random([1e9])'],
  // CVE-2020-7743: prototype pollution through config and objects
  ['cve-2020-7743', 'config({"__proto__": {"polluted": "yes"}})'],
  ['cve-2020-7743', 'a = {"__proto__": {"polluted": "yes"}}'],
  // assignment and function definition, the two things mathjs's hardening leaves open
  ['stack.md', 'a = 1'],
  ['stack.md', 'price = 0'],
  ['stack.md', 'f(x) = x ^ 2'],
  ['stack.md', 'lowestPrice[1] = 0'],
];

const canary = '__shakeout_pwned__';

describe('published mathjs attacks', () => {
  it.each(attacks)('refuses [%s] %s at load time', (_, source) => {
    expect(() => compileExpression(source)).toThrow(ExpressionError);
    const reason = (() => {
      try {
        compileExpression(source);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(reason.trim()).not.toBe('');
    expect(reason).not.toContain('\n');
    // The same text in a scenario file: a located one-line error, nothing run.
    const message = problems(scenario(`providers:\n  - { id: a, price: ${JSON.stringify(source)}, quality: 1, unitCost: 2, cash: 1e9 }`));
    expect(message.split('\n')).toHaveLength(1);
    // A long expression is quoted cut, with its length.
    expect(message).toMatch(/^x\.yaml:2: providers\.a\.price: expected a number ≥ 0 or an expression, got ".*"(?: \([\d,]+ characters\))?: .+$/);
  });

  it('runs none of them: no global, no prototype, no process change', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    for (const [, source] of attacks) {
      try {
        compileExpression(source.replace('console.log(1)', `globalThis.${canary} = 1`));
      } catch {
        // refused, as the test above checks
      }
    }
    expect((globalThis as Record<string, unknown>)[canary]).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});

describe('the whitelist', () => {
  const allowed = new Set(['abs', 'exp', 'log', 'log10', 'sqrt', 'pow', 'floor', 'ceil', 'round', 'sign', 'min', 'max']);
  /** Every name mathjs defines: functions, constants, classes, namespaces. */
  const mathjsNames = Object.keys(createRequire(import.meta.url)('mathjs/lib/browser/math.js') as object);

  it('knows hundreds of mathjs names to try', () => {
    expect(mathjsNames.length).toBeGreaterThan(300);
    for (const name of ['import', 'createUnit', 'evaluate', 'parse', 'compile', 'simplify', 'derivative', 'resolve', 'reviver', 'chain', 'config', 'parser', 'typed'])
      expect(mathjsNames).toContain(name);
  });

  it('refuses every mathjs function but the pure math ones, called or named', () => {
    for (const name of mathjsNames) {
      // To the parser, Infinity is a number (`Infinity(1)` is Infinity × 1) and `not` the logical operator: both allowed.
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name === 'Infinity' || name === 'not') continue;
      if (allowed.has(name)) {
        expect(() => compileExpression(`${name}(1, 2)`), name).not.toThrow(/not allowed/);
        continue;
      }
      expect(() => compileExpression(`${name}(1)`), name).toThrow(ExpressionError);
      if (!(expressionVariables as readonly string[]).includes(name)) expect(() => compileExpression(name), name).toThrow(ExpressionError);
    }
  });

  it('reads only the variables of MODEL.md section 7', () => {
    expect([...expressionVariables]).toEqual(['t', 'price', 'quality', 'cost', 'share', 'tokenShare', 'lowestPrice', 'cash']);
    for (const name of ['x', 'process', 'global', 'globalThis', 'this', 'window', 'require', 'module', 'Function', 'eval', 'undefined', 'prototype', 'hasOwnProperty', 'valueOf', 'pi', 'e', 'i', 'Infinity2'])
      expect(() => compileExpression(`${name} + 1`), name).toThrow(ExpressionError);
  });

  it('refuses a number that is not finite when the file is loaded', () => {
    expect(() => compileExpression('1e400')).toThrow('the number 1e400 is too large; every number must be finite');
    expect(() => compileExpression('NaN')).toThrow('NaN (not a number) is not allowed');
    expect(compileExpression('min(Infinity, price)').evaluate({ t: 0, price: 5, quality: 1, cost: 1, share: 0, tokenShare: 0, lowestPrice: 1, cash: 0 })).toBe(5);
  });

  it('types cannot go wrong at run time: every value is a number, every call has its arity checked at load', () => {
    for (const source of ['"text" + 1', 'true + 1', 'null', 'undefined', '[1] * 2', 'sqrt()', 'pow(1)', 'round(1, 2, 3)', 'min()', 'log(1, 2, 3)', '5 cm', '2 + 3i'])
      expect(() => compileExpression(source), source).toThrow(ExpressionError);
  });
});
