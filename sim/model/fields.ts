/**
 * Provider fields that may change over time (MODEL.md sections 7 and 9):
 * a number, an expression, or `{initial, then}`. Compiled once; evaluated
 * once per provider per month, never per startup.
 */
import type { DocumentLocation } from '../errors.js';
import { compileExpression, type CompiledExpression, type ExpressionScope } from '../scenario/expression.js';
import type { Dynamic } from '../scenario/schema.js';

/** A compiled field: exactly one of `constant` or `expression` is used after the first month. */
export interface FieldRule {
  /** The value in every month when the field is a plain number. */
  readonly constant: number | null;
  /** The value in the rule's first month (`initial`), if given. */
  readonly initial: number | null;
  readonly expression: CompiledExpression | null;
  /** As written, for messages. */
  readonly source: string;
  /** Where it was written in the scenario (a provider's field, an entering provider's, a `set`'s value), for messages. */
  readonly origin?: DocumentLocation;
}

export const dynamicFields = ['price', 'quality', 'unitCost', 'fixedCost', 'exitRisk'] as const;
export type DynamicField = (typeof dynamicFields)[number];

const cache = new Map<string, CompiledExpression>();

function compiled(source: string): CompiledExpression {
  let e = cache.get(source);
  if (!e) {
    e = compileExpression(source);
    cache.set(source, e);
  }
  return e;
}

export function compileField(value: Dynamic, origin?: DocumentLocation): FieldRule {
  const at = origin ? { origin } : {};
  if (typeof value === 'number') return { constant: value, initial: null, expression: null, source: String(value), ...at };
  if (typeof value === 'string') return { constant: null, initial: null, expression: compiled(value), source: value, ...at };
  return { constant: null, initial: value.initial, expression: compiled(value.then), source: value.then, ...at };
}

/**
 * The value a rule gives in a month. `first` is the rule's first month
 * (t = 0, the month a provider enters, or the month a `set` installs it),
 * where `initial` wins over the expression.
 */
export function evaluateField(rule: FieldRule, first: boolean, scope: ExpressionScope): number {
  if (rule.constant !== null) return rule.constant;
  if (first && rule.initial !== null) return rule.initial;
  return rule.expression!.evaluate(scope);
}

/** A field's number without evaluation (its constant or `initial`), or null: section 9's "numeric or initial value". */
export function staticValue(rule: FieldRule): number | null {
  return rule.constant ?? rule.initial;
}

/** A number or an expression with no first-month rule (provider funding). */
export type NumberRule = FieldRule;

export function compileNumberOrExpression(value: number | string): NumberRule {
  return compileField(value);
}
