/**
 * The checked trees of every expression a compiled scenario evaluates, by
 * source: what a worker thread needs to compile the scenario without
 * parsing, and so without loading mathjs (withCheckedExpressions).
 */
import type { CompiledExpression, ExpressionTree } from '../scenario/expression.js';
import type { CompiledScenario, ProviderFunding } from './compiled-scenario.js';
import type { FieldRule } from './fields.js';

export function expressionTrees(compiled: CompiledScenario): Record<string, ExpressionTree> {
  const trees: Record<string, ExpressionTree> = {};
  const add = (rule: FieldRule | null) => {
    if (rule?.expression) trees[rule.expression.source] = rule.expression.tree;
  };
  const addFunding = (funding: ProviderFunding | null) => {
    if (funding) for (const rule of [funding.below, funding.probability, funding.amount]) add(rule);
  };
  for (const provider of compiled.providers) {
    for (const rule of Object.values(provider.rules)) add(rule);
    addFunding(provider.funding);
  }
  const addClasses = (rules: readonly (CompiledExpression | null)[]) => {
    for (const e of rules) if (e) trees[e.source] = e.tree;
  };
  addClasses(compiled.classes.fundingRule);
  for (const action of compiled.actions.flat()) {
    if (action.kind === 'setField') add(action.rule);
    else if (action.kind === 'setFunding') addFunding(action.funding);
    else if (action.kind === 'setClasses') addClasses(action.classes.fundingRule);
  }
  return trees;
}
