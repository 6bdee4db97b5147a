/**
 * Sandboxed expressions (MODEL.md section 7): `"max(cost, min(12, lowestPrice * 1.1))"`.
 *
 * mathjs only parses. Its evaluator is not a sandbox (it accepts `a = 1`
 * and `ones(20000, 20000)`), so the syntax tree is walked against a
 * whitelist (numbers, the variables below, arithmetic, comparisons,
 * logic, the conditional and a few pure functions) and turned once into a
 * tree of plain closures. Evaluating `max(cost, min(12, lowestPrice * 1.1))`
 * that way costs ~25 ns here (~60 ns with computed-key variable reads),
 * against ~300 ns for mathjs's own `evaluate`, and never reaches mathjs.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { MathNode } from 'mathjs';
import { closest, numberTooLarge, printable, quote } from './messages.js';

/** The variables of provider expressions (MODEL.md section 7). */
export const expressionVariables = ['t', 'price', 'quality', 'cost', 'share', 'tokenShare', 'lowestPrice', 'cash'] as const;
/** The variables of a class's `funding.probability` expression, the funding climate (MODEL.md section 12). */
export const climateVariables = ['t', 'deathRate', 'cohortDead', 'hhi'] as const;
export type ExpressionVariable = (typeof expressionVariables)[number] | (typeof climateVariables)[number];
/** The variables one kind of expression may read. */
export type VariableList = readonly ExpressionVariable[];
export type ExpressionScope = Record<ExpressionVariable, number>;

/**
 * A checked expression as plain data: what the whitelist let through, with
 * mathjs's operator and function names. It crosses to worker threads (a
 * structured clone), which build the evaluator from it without loading
 * mathjs (evaluatorOf).
 */
export type ExpressionTree =
  | { readonly number: number }
  | { readonly variable: ExpressionVariable }
  | { readonly operator: string; readonly args: readonly ExpressionTree[] }
  | { readonly compare: readonly string[]; readonly args: readonly ExpressionTree[] }
  | { readonly condition: ExpressionTree; readonly then: ExpressionTree; readonly otherwise: ExpressionTree }
  | { readonly call: string; readonly args: readonly ExpressionTree[] };

export interface CompiledExpression {
  readonly source: string;
  readonly tree: ExpressionTree;
  /** The variables the expression reads. */
  readonly variables: ReadonlySet<ExpressionVariable>;
  /** Comparisons and logic give 1 or 0; a non-finite result is the caller's to judge. */
  evaluate(scope: ExpressionScope): number;
}

/** An expression that does not parse or uses something outside the whitelist. One line. */
export class ExpressionError extends Error {
  /** E_EXPR_UNKNOWN_VARIABLE for a variable that does not exist there, else E_EXPR (DiagnosticCode). */
  readonly code: 'E_EXPR' | 'E_EXPR_UNKNOWN_VARIABLE';
  constructor(message: string, code: 'E_EXPR' | 'E_EXPR_UNKNOWN_VARIABLE' = 'E_EXPR') {
    super(message);
    this.name = 'ExpressionError';
    this.code = code;
  }
}

type Eval = (scope: ExpressionScope) => number;

/** Bounds that keep hostile input from exhausting the stack in the parser or the walk. */
const maxLength = 1000;
const maxDepth = 64;


const bool = (x: boolean): number => (x ? 1 : 0);

/** Named property reads: faster than `s[name]` with a computed key. */
const readers: Record<ExpressionVariable, Eval> = {
  t: (s) => s.t,
  price: (s) => s.price,
  quality: (s) => s.quality,
  cost: (s) => s.cost,
  share: (s) => s.share,
  tokenShare: (s) => s.tokenShare,
  lowestPrice: (s) => s.lowestPrice,
  cash: (s) => s.cash,
  deathRate: (s) => s.deathRate,
  cohortDead: (s) => s.cohortDead,
  hhi: (s) => s.hhi,
};

/** mathjs's unary and binary operators that are allowed, by mathjs function name. */
const unary: Record<string, (a: Eval) => Eval> = {
  unaryMinus: (a) => (s) => -a(s),
  unaryPlus: (a) => (s) => +a(s),
  not: (a) => (s) => bool(!a(s)),
};
const binary: Record<string, (a: Eval, b: Eval) => Eval> = {
  add: (a, b) => (s) => a(s) + b(s),
  subtract: (a, b) => (s) => a(s) - b(s),
  multiply: (a, b) => (s) => a(s) * b(s),
  divide: (a, b) => (s) => a(s) / b(s),
  pow: (a, b) => (s) => a(s) ** b(s),
  smaller: (a, b) => (s) => bool(a(s) < b(s)),
  smallerEq: (a, b) => (s) => bool(a(s) <= b(s)),
  larger: (a, b) => (s) => bool(a(s) > b(s)),
  largerEq: (a, b) => (s) => bool(a(s) >= b(s)),
  equal: (a, b) => (s) => bool(a(s) === b(s)),
  unequal: (a, b) => (s) => bool(a(s) !== b(s)),
  and: (a, b) => (s) => bool(!!a(s) && !!b(s)),
  or: (a, b) => (s) => bool(!!a(s) || !!b(s)),
};
const comparisons: Record<string, (x: number, y: number) => boolean> = {
  smaller: (x, y) => x < y,
  smallerEq: (x, y) => x <= y,
  larger: (x, y) => x > y,
  largerEq: (x, y) => x >= y,
  equal: (x, y) => x === y,
  unequal: (x, y) => x !== y,
};

interface FunctionSpec {
  readonly arity: readonly [min: number, max: number];
  readonly build: (args: readonly Eval[]) => Eval;
}
const fn1 = (f: (x: number) => number): FunctionSpec => ({ arity: [1, 1], build: ([a]) => (s) => f(a(s)) });
const variadic = (f: (...xs: number[]) => number, two: (x: number, y: number) => number): FunctionSpec => ({
  arity: [1, Infinity],
  build: (args) => {
    if (args.length === 1) return args[0];
    if (args.length === 2) {
      const [a, b] = args;
      return (s) => two(a(s), b(s));
    }
    return (s) => f(...args.map((a) => a(s)));
  },
});

/** Real-valued twins of mathjs's functions (a negative square root is NaN here, complex there). */
const functions: Record<string, FunctionSpec> = {
  abs: fn1(Math.abs),
  exp: fn1(Math.exp),
  log: {
    arity: [1, 2],
    build: ([a, b]) => (b ? (s) => Math.log(a(s)) / Math.log(b(s)) : (s) => Math.log(a(s))),
  },
  log10: fn1(Math.log10),
  sqrt: fn1(Math.sqrt),
  pow: { arity: [2, 2], build: ([a, b]) => (s) => a(s) ** b(s) },
  floor: fn1(Math.floor),
  ceil: fn1(Math.ceil),
  round: { arity: [1, 2], build: ([a, b]) => (b ? (s) => roundTo(a(s), b(s)) : (s) => roundTo(a(s), 0)) },
  sign: fn1(Math.sign),
  min: variadic(Math.min, (x, y) => Math.min(x, y)),
  max: variadic(Math.max, (x, y) => Math.max(x, y)),
};
const functionNames = Object.keys(functions);

/** Rounds half away from zero to `digits` decimals, as mathjs does (round(-2.5) = -3, round(1.005, 2) = 1.01). */
function roundTo(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  if (!Number.isInteger(digits) || digits < 0 || digits > 15) return NaN;
  const magnitude = Math.abs(x);
  // Shift by the exponent in the decimal text so 1.005 is not read as 1.00499….
  const shifted = Number(`${magnitude}e${digits}`);
  const rounded = Number.isFinite(shifted) && !String(magnitude).includes('e')
    ? Number(`${Math.round(shifted)}e-${digits}`)
    : Math.round(magnitude * 10 ** digits) / 10 ** digits;
  return Math.sign(x) * rounded;
}

let parser: ((source: string) => MathNode) | undefined;
/**
 * mathjs's parser alone: its own `parse` and node classes, bundled at build
 * time (`npm run build:parser`, from mathjs-parse.entry.mjs) into one file
 * that loads and first parses in ~20 ms, against ~0.2 s and ~25 MiB more
 * for the single-file build of all of mathjs, whose `create(all)` builds
 * hundreds of typed functions that parsing never calls. Only `parse` is
 * used, never `evaluate`; test/scenario/parse-only.test.ts holds it to the
 * full build (same trees, same refusals, same messages).
 */
function parse(source: string): MathNode {
  return loadExpressionParser()(source);
}

/** Loads mathjs's parser now, not at the first expression (a worker started early does this while it waits). */
export function loadExpressionParser(): (source: string) => MathNode {
  if (!parser) {
    const file = fileURLToPath(new URL('./mathjs-parse.cjs', import.meta.url));
    if (!existsSync(file)) throw new Error(`mathjs's parser is missing (${file}): run \`npm run build\``);
    parser = (createRequire(import.meta.url)(file) as { parse: (source: string) => MathNode }).parse;
  }
  return parser;
}

/**
 * Parses and checks `source`, and builds its evaluator. `variables` are those
 * it may read: a provider field's by default, or `climateVariables`.
 * @throws ExpressionError when it does not parse or uses anything outside the whitelist.
 */
export function compileExpression(source: string, variables: VariableList = expressionVariables): CompiledExpression {
  const adopted = checkedTrees?.get(source);
  if (adopted) return compiledFromTree(source, adopted);
  // One text may be checked against either list: the key tells them apart.
  const key = variables === expressionVariables ? source : `${variables.join(',')}\u0000${source}`;
  const known = compiledCache.get(key);
  if (known instanceof ExpressionError) throw new ExpressionError(known.message, known.code);
  if (known) return known;
  // The schema, the whole-document checks and the model each compile the same texts.
  if (compiledCache.size >= cacheSize) compiledCache.clear();
  try {
    const compiled = compileUncached(source, variables);
    compiledCache.set(key, compiled);
    return compiled;
  } catch (e) {
    if (e instanceof ExpressionError) compiledCache.set(key, e);
    throw e;
  }
}

const cacheSize = 1000;
const compiledCache = new Map<string, CompiledExpression | ExpressionError>();

/** Trees checked elsewhere (on the main thread), by source: used instead of parsing while set. */
let checkedTrees: ReadonlyMap<string, ExpressionTree> | undefined;

/**
 * Runs `body` with `trees` standing in for the parser: an expression whose
 * source is among them is built from its tree, so a worker thread that is
 * given the trees of a scenario compiles it without loading mathjs. The
 * trees must come from compileExpression (`tree`): they are not checked again.
 */
export function withCheckedExpressions<T>(trees: Readonly<Record<string, ExpressionTree>>, body: () => T): T {
  const outer = checkedTrees;
  checkedTrees = new Map(Object.entries(trees));
  try {
    return body();
  } finally {
    checkedTrees = outer;
  }
}

function compiledFromTree(source: string, tree: ExpressionTree): CompiledExpression {
  const variables = new Set<ExpressionVariable>();
  return { source, tree, variables, evaluate: evaluatorOf(tree, variables) };
}

/**
 * Number literals, for refusing one that overflows (mathjs reads `1e400`,
 * and `0x` followed by 300 hex digits, as Infinity): decimal, and hex,
 * binary and octal (mathjs also reads `0x1.8` and a word size, `0xffi8`).
 */
const numberLiteral = /(?<![A-Za-z_$\d.])(?:0[xX][\da-fA-F]*(?:\.[\da-fA-F]*)?|0[bB][01]*(?:\.[01]*)?|0[oO][0-7]*(?:\.[0-7]*)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/g;

/** The value of a literal's whole part: non-decimal ones through their integer digits (Number() refuses `0x1.8`); NaN for a bare `0x`, which mathjs refuses itself. */
function literalValue(literal: string): number {
  return /^0[xXbBoO]/.test(literal) ? Number(literal.replace(/\..*$/, '')) : Number(literal);
}

function compileUncached(source: string, variables: VariableList): CompiledExpression {
  if (source.trim() === '') throw new ExpressionError('the expression is empty');
  if (source.length > maxLength) throw new ExpressionError(`the expression is longer than ${maxLength} characters`);
  for (const literal of source.match(numberLiteral) ?? []) {
    if (Math.abs(literalValue(literal)) === Infinity) throw new ExpressionError(numberTooLarge(literal));
  }
  // Refused before parsing: how deep mathjs's parser can recurse depends on the caller's stack, so
  // deep brackets would otherwise meet "nests too deeply" or a parse error depending on where it ran.
  if (bracketDepth(source) > maxDepth) throw new ExpressionError('the expression nests too deeply');
  let root: MathNode;
  try {
    root = parse(source);
  } catch (e) {
    if (e instanceof RangeError) throw new ExpressionError('the expression nests too deeply');
    const reason = e instanceof Error ? e.message : String(e);
    // mathjs quotes the offending text, which may hold line breaks or controls.
    throw new ExpressionError(`cannot parse: ${printable(reason.charAt(0).toLowerCase() + reason.slice(1))}`);
  }
  return compiledFromTree(source, check(root, 0, variables));
}

/** The deepest nesting of (, [ and { in `source`, closing brackets taken as they come. */
function bracketDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (const c of source) {
    if (c === '(' || c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/** The whitelist: mathjs's syntax tree as an ExpressionTree, or an ExpressionError naming what is not allowed. */
function check(node: MathNode, depth: number, variables: VariableList): ExpressionTree {
  if (depth > maxDepth) throw new ExpressionError('the expression nests too deeply');
  const sub = (n: MathNode) => check(n, depth + 1, variables);
  switch (node.type) {
    case 'ConstantNode': {
      const value: unknown = (node as unknown as { value: unknown }).value;
      if (Number.isNaN(value)) throw new ExpressionError('NaN (not a number) is not allowed');
      if (typeof value === 'number') return { number: value };
      if (typeof value === 'string') throw new ExpressionError('text in quotes is not allowed');
      throw new ExpressionError(`"${String(value)}" is not allowed; use numbers (1 for true, 0 for false)`);
    }
    case 'SymbolNode': {
      const name = (node as unknown as { name: string }).name;
      if (!(variables as readonly string[]).includes(name)) throw new ExpressionError(unknownVariable(name, variables), 'E_EXPR_UNKNOWN_VARIABLE');
      return { variable: name as ExpressionVariable };
    }
    case 'ParenthesisNode':
      return sub((node as unknown as { content: MathNode }).content);
    case 'OperatorNode': {
      const { fn, op, args } = node as unknown as { fn: string; op: string; args: MathNode[] };
      if ((args.length === 1 && Object.hasOwn(unary, fn)) || (args.length === 2 && Object.hasOwn(binary, fn))) return { operator: fn, args: args.map(sub) };
      throw new ExpressionError(`the operator "${op}" is not allowed`);
    }
    case 'RelationalNode': {
      // `0 < t < 12`: every adjacent pair must hold.
      const { conditionals, params } = node as unknown as { conditionals: string[]; params: MathNode[] };
      for (const c of conditionals) if (!Object.hasOwn(comparisons, c)) throw new ExpressionError(`the comparison "${c}" is not allowed`);
      return { compare: conditionals, args: params.map(sub) };
    }
    case 'ConditionalNode': {
      const n = node as unknown as { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
      return { condition: sub(n.condition), then: sub(n.trueExpr), otherwise: sub(n.falseExpr) };
    }
    case 'FunctionNode': {
      const n = node as unknown as { fn: MathNode; args: MathNode[] };
      if (n.fn.type !== 'SymbolNode') {
        sub(n.fn); // refuses the callee (an accessor, a call) with its own message
        throw new ExpressionError('only the allowed functions may be called');
      }
      const name = (n.fn as unknown as { name: string }).name;
      if (!Object.hasOwn(functions, name)) {
        throw new ExpressionError(`the function ${quote(name)} is not allowed; the functions are ${functionNames.join(', ')}`);
      }
      const [min, max] = functions[name].arity;
      if (n.args.length < min || n.args.length > max) {
        const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} or ${max}`;
        throw new ExpressionError(`${name} takes ${wanted} argument${min === 1 && max === 1 ? '' : 's'}, got ${n.args.length}`);
      }
      return { call: name, args: n.args.map(sub) };
    }
    case 'AssignmentNode':
      throw new ExpressionError('assignment (=) is not allowed; to compare, write ==');
    case 'FunctionAssignmentNode':
      throw new ExpressionError('defining functions is not allowed');
    case 'AccessorNode':
      throw new ExpressionError('property access (. or [ ]) is not allowed');
    case 'IndexNode':
      throw new ExpressionError('indexing ([ ]) is not allowed');
    case 'ArrayNode':
      throw new ExpressionError('lists ([ ]) are not allowed');
    case 'ObjectNode':
      throw new ExpressionError('objects ({ }) are not allowed');
    case 'BlockNode':
      throw new ExpressionError('only one expression is allowed (no ";" or line breaks)');
    case 'RangeNode':
      throw new ExpressionError('ranges (:) are not allowed');
    default:
      throw new ExpressionError(`${node.type} is not allowed`);
  }
}

/** The tree as a closure (noting the variables it reads); no mathjs here. */
function evaluatorOf(tree: ExpressionTree, variables: Set<ExpressionVariable>): Eval {
  const sub = (t: ExpressionTree) => evaluatorOf(t, variables);
  if ('number' in tree) {
    const value = tree.number;
    return () => value;
  }
  if ('variable' in tree) {
    variables.add(tree.variable);
    return readers[tree.variable];
  }
  if ('operator' in tree) {
    const [a, b] = tree.args.map(sub);
    return tree.args.length === 1 ? unary[tree.operator](a) : binary[tree.operator](a, b);
  }
  if ('compare' in tree) {
    const tests = tree.compare.map((c) => comparisons[c]);
    const operands = tree.args.map(sub);
    return (s) => {
      let left = operands[0](s);
      for (let i = 0; i < tests.length; i++) {
        const right = operands[i + 1](s);
        if (!tests[i](left, right)) return 0;
        left = right;
      }
      return 1;
    };
  }
  if ('condition' in tree) {
    const [c, a, b] = [sub(tree.condition), sub(tree.then), sub(tree.otherwise)];
    return (s) => (c(s) ? a(s) : b(s));
  }
  return functions[tree.call].build(tree.args.map(sub));
}

function unknownVariable(name: string, variables: VariableList): string {
  const near = closest(name, [...variables]);
  if (near) return `unknown variable ${quote(name)} (did you mean ${quote(near)}?)`;
  return `unknown variable ${quote(name)}; the variables are ${variables.join(', ')}`;
}
