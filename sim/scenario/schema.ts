/**
 * The scenario schema (MODEL.md section 11): the single source of the
 * scenario's TypeScript types, of its structural validation and of the
 * published JSON Schema (`scenarios/scenario.schema.json`).
 *
 * Structural rules live here, including that every expression compiles
 * (so a bad one is reported with the other structural problems); rules that
 * need the whole document (ids that exist, shares that sum to 1, events
 * after `start`) live in `semantics.ts`. Messages not worded here come from
 * `messages.issueMessage`, which the loader passes to every parse.
 */
import { z } from 'zod';
import { climateVariables, compileExpression, ExpressionError, type VariableList } from './expression.js';
import { MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_TEXT_LENGTH } from './limits.js';
import { grouped } from '../grouped.js';
import { badExpression, describe, expected, expectedNumber } from './messages.js';

export { describe };

/** `YYYY-MM`, a calendar month. */
export const monthSchema = z
  .string({ error: (i) => expected('a month written YYYY-MM', i.input) })
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: (i) => expected('a month written YYYY-MM', i.input) });

/** A range a number must lie in, with the words used in messages. */
interface Bound {
  readonly text: string;
  readonly min?: number;
  readonly gt?: number;
  readonly max?: number;
  readonly int?: boolean;
}
const anyNumber: Bound = { text: 'a number' };
const nonNegative: Bound = { text: 'a number ≥ 0', min: 0 };
const positiveBound: Bound = { text: 'a number > 0', gt: 0 };
const probabilityBound: Bound = { text: 'a probability in 0–1', min: 0, max: 1 };
const shareBound: Bound = { text: 'a share in 0–1', min: 0, max: 1 };
const countBound: Bound = { text: 'a whole number ≥ 0', min: 0, int: true };
const weightBound: Bound = { text: 'a weight in 0–1', min: 0, max: 1 };

/** A finite number within `bound`; `text` words the message (e.g. "… or an expression"). */
function bounded(bound: Bound, text: string = bound.text) {
  const error = (i: { input?: unknown }) => expectedNumber(text, i.input);
  // z.number() already refuses Infinity and NaN (YAML .inf, .nan).
  let s = z.number({ error });
  if (bound.int) s = s.int({ error });
  if (bound.gt !== undefined) s = s.gt(bound.gt, { error });
  if (bound.min !== undefined) s = s.min(bound.min, { error });
  if (bound.max !== undefined) s = s.max(bound.max, { error });
  return s;
}

/**
 * An expression that compiles (MODEL.md section 7). `what` names the
 * number it could have been instead, for the message.
 */
const expressionText = (what?: string, variables?: VariableList) =>
  z
    .string({ error: (i) => expected('an expression', i.input) })
    .min(1, { abort: true, error: () => badExpression(what, '', 'the expression is empty') })
    .superRefine((source, ctx) => {
      try {
        compileExpression(source, variables);
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
        ctx.addIssue({ code: 'custom', message: badExpression(what, source, e.message), input: source, params: { code: e.code } });
      }
    });

/**
 * A value that may change over time (MODEL.md section 7): a number within
 * `bound`, an expression, or `{initial, then}` (the number at t = 0, the
 * expression from t = 1 on; section 9). Whether an expression may read
 * `price`, `quality` or `cost` at t = 0 is checked in `semantics.ts`.
 */
function dynamic(bound: Bound) {
  const text = `${bound.text} or an expression`;
  return z.union(
    [
      bounded(bound, text),
      expressionText(bound.text),
      z.strictObject({ initial: bounded(bound), then: expressionText() }),
    ],
    { error: (i) => expectedNumber(text, i.input) },
  );
}

/** A number or expression without range (the shape every dynamic field shares). */
export const dynamicSchema = dynamic(anyNumber);
export type Dynamic = z.infer<typeof dynamicSchema>;

function numberOrExpression(bound: Bound, variables?: VariableList) {
  const text = `${bound.text} or an expression`;
  return z.union([bounded(bound, text), expressionText(bound.text, variables)], { error: (i) => expectedNumber(text, i.input) });
}

/** A number or an expression (provider funding). */
export const numberOrExpressionSchema = numberOrExpression(anyNumber);

export const lognormalSchema = z.strictObject({ median: bounded(nonNegative), sigma: bounded(nonNegative) });
export const normalSchema = z.strictObject({ mean: bounded(anyNumber), sd: bounded(nonNegative) });

/**
 * Text of at most `max` characters (limits.ts says why each bound), as the
 * file's text is shown in messages, tables, charts and summary.md.
 * `what` names it in the message: "a name", "a description".
 */
function boundedText(max: number, what: string) {
  return z.string().max(max, { error: (i) => expected(`${what} of at most ${grouped(max)} characters`, i.input) });
}

/** Ids name providers, classes and events in paths and metric names, so they are short plain words. */
export const idPattern = /^[A-Za-z0-9_-]+$/;
const idText = 'an id of letters, digits, "_" or "-"';
export const idSchema = z
  .string({ error: (i) => expected(idText, i.input) })
  .max(MAX_ID_LENGTH, { abort: true, error: (i) => expected(`an id of at most ${MAX_ID_LENGTH} characters`, i.input) })
  .regex(idPattern, { error: (i) => expected(idText, i.input) });

const nameSchema = boundedText(MAX_NAME_LENGTH, 'a name');

export const providerFundingSchema = z.strictObject({
  /** Months of last month's loss the cash must cover before the provider seeks funding. */
  below: numberOrExpression(nonNegative),
  probability: numberOrExpression(probabilityBound),
  /** USD raised. */
  amount: numberOrExpression(nonNegative),
});

export const providerSchema = z.strictObject({
  id: idSchema,
  name: nameSchema.optional(),
  /** USD per million tokens. */
  price: dynamic(nonNegative),
  /** Index; `qualityReference` is 1.0. */
  quality: dynamic(nonNegative),
  /** USD per million tokens served. */
  unitCost: dynamic(nonNegative),
  /** USD per month. */
  fixedCost: dynamic(nonNegative).optional(),
  /** Perceived probability of exit within the horizon; default rule when absent. */
  exitRisk: dynamic(probabilityBound).optional(),
  /** USD the provider can lose before it must exit. */
  cash: bounded(nonNegative),
  /** Startup classes it accepts; all when absent. */
  serves: z.array(idSchema).optional(),
  /** Multiplies a startup's switching cost when it switches to this provider (MODEL.md section 12); 1 when absent. */
  switchCostFactor: bounded(positiveBound).optional(),
  funding: providerFundingSchema.optional(),
});
export type ProviderSpec = z.infer<typeof providerSchema>;

export const classSchema = z.strictObject({
  share: bounded(shareBound),
  cash: lognormalSchema,
  revenue: lognormalSchema,
  opex: lognormalSchema,
  tokens: lognormalSchema,
  growth: normalSchema,
  switchCost: lognormalSchema,
  hazard: bounded(probabilityBound),
  disruption: z.strictObject({ months: bounded(countBound), loss: bounded(probabilityBound) }),
  reconsider: bounded(probabilityBound),
  precision: bounded(nonNegative),
  network: bounded(anyNumber),
  qualityElasticity: bounded(anyNumber),
  funding: z.strictObject({
    /** A number, or an expression of the funding climate (MODEL.md section 12), evaluated monthly and clamped to 0–1. */
    probability: numberOrExpression(probabilityBound, climateVariables),
    months: bounded(nonNegative),
  }),
});
export type ClassSpec = z.infer<typeof classSchema>;

export const campaignSchema = z.strictObject({
  provider: idSchema,
  /** Million free tokens per eligible new customer. */
  grant: bounded(nonNegative),
  /** Months the grant lasts from the switch. */
  validity: bounded(countBound),
  eligible: z.enum(['migrants', 'new', 'all'], { error: (i) => expected('one of migrants, new, all', i.input) }),
  from: z.array(idSchema).optional(),
  support: bounded(probabilityBound).default(0),
  /** Total million tokens it may grant; unlimited when absent. */
  budget: bounded(nonNegative).optional(),
  until: monthSchema.optional(),
});
export type CampaignSpec = z.infer<typeof campaignSchema>;

/**
 * A compute voucher (MODEL.md section 12): from its event's month through
 * `until` (inclusive; to the end when absent), startups of the listed
 * classes pay (1 − share) of their billed token cost and the public the rest.
 */
export const voucherSchema = z.strictObject({
  /** Class ids; unknown ones are reported by `semantics.ts`. */
  classes: z.array(idSchema).min(1, { error: 'expected at least one class' }),
  /** Fraction 0–1 of the bill the public pays. */
  share: bounded(shareBound),
  until: monthSchema.optional(),
});
export type VoucherSpec = z.infer<typeof voucherSchema>;

/** Keys are provider ids; one that is not is reported by `semantics.ts`, quoted. */
const shareMapSchema = z.record(boundedText(MAX_ID_LENGTH, 'a provider id'), bounded(shareBound));

export const eventSchema = z.strictObject({
  id: idSchema.optional(),
  /** Required except on a drop; `semantics.ts` checks it. */
  at: monthSchema.optional(),
  exit: idSchema.optional(),
  enter: providerSchema.optional(),
  campaign: campaignSchema.optional(),
  voucher: voucherSchema.optional(),
  /** Dotted path → value; the paths and values are checked in `semantics.ts`. */
  set: z.record(boundedText(MAX_NAME_LENGTH, 'a path'), z.unknown()).optional(),
  /** In a child file: remove the base's event with this id. */
  drop: z.literal(true, { error: (i) => expected('true', i.input) }).optional(),
});
export type EventSpec = z.infer<typeof eventSchema>;

export const comparisonOps = ['>=', '>', '<=', '<', '=='] as const;
export type ComparisonOp = (typeof comparisonOps)[number];

export const expectationSchema = z.strictObject({
  name: nameSchema.min(1),
  metric: boundedText(MAX_NAME_LENGTH, 'a metric name').min(1),
  /** A month `YYYY-MM`, or `end` (the last month). */
  at: z.union([monthSchema, z.literal('end')], { error: (i) => expected('a month YYYY-MM or "end"', i.input) }),
  op: z.enum(comparisonOps, { error: (i) => expected('one of >=, >, <=, <, ==', i.input) }),
  /** An absolute expectation: the metric is compared with this number. */
  value: bounded(anyNumber).optional(),
  /**
   * A relative expectation: the scenario file (relative to the file that
   * writes it) whose run with the same seed each run is compared with,
   * through `ratio` (× its value) or `difference` (+ its value); `semantics.ts`
   * checks that exactly one of value and baseline is given, and one of
   * ratio and difference with a baseline.
   */
  baseline: boundedText(MAX_NAME_LENGTH, 'a scenario file name').min(1, { error: () => 'expected a scenario file name, got ""' }).optional(),
  ratio: bounded(positiveBound).optional(),
  difference: bounded(anyNumber).optional(),
  /** The fraction of runs in which it must hold. */
  probability: bounded(probabilityBound).default(0.5),
});
export type ExpectationSpec = z.infer<typeof expectationSchema>;

/**
 * The quality reference q_ref (MODEL.md sections 4 and 12): a number, or
 * `{value, frontierWeight}` for relative quality, where the reference of
 * class s in month t is value^(1−w) · frontier_s(t)^w. A number is
 * `{value: number, frontierWeight: 0}`.
 */
export const qualityReferenceObjectSchema = z.strictObject({
  value: bounded(positiveBound).default(1),
  /** w: how much the reference follows the best quality on offer to the class. */
  frontierWeight: bounded(weightBound).default(0),
});
export const qualityReferenceSchema = z.union([bounded(positiveBound), qualityReferenceObjectSchema], {
  error: (i) => expectedNumber('a number > 0 or {value, frontierWeight}', i.input),
});
export type QualityReference = z.infer<typeof qualityReferenceSchema>;

export const scenarioSchema = z.strictObject({
  name: nameSchema.optional(),
  description: boundedText(MAX_TEXT_LENGTH, 'a description').optional(),
  /** Resolved by the loader, which drops it from the merged scenario. */
  extends: z.string().optional(),
  sources: z.array(boundedText(MAX_TEXT_LENGTH, 'a source note')).optional(),
  start: monthSchema,
  months: bounded({ text: 'a whole number of months in 1–1200', min: 1, max: 1200, int: true }),
  seed: z
    .union([bounded(anyNumber), z.string()], { error: (i) => expected('a number or text', i.input) })
    .refine((seed) => typeof seed !== 'string' || seed.length <= MAX_NAME_LENGTH, {
      error: (i) => expected(`a number or text of at most ${MAX_NAME_LENGTH} characters`, i.input),
    })
    .default(1),
  runs: bounded({ text: 'a whole number ≥ 1', min: 1, int: true }).default(100),
  /** Planning horizon H, months. */
  horizon: bounded(positiveBound).default(12),
  qualityReference: qualityReferenceSchema.default(1),
  providers: z.array(providerSchema).min(1, { error: 'expected at least one provider' }),
  classes: z.record(idSchema, classSchema).refine((classes) => Object.keys(classes).length > 0, {
    error: 'expected at least one class',
    abort: true,
  }),
  startups: z.strictObject({
    initial: bounded(countBound),
    initialProviders: z
      .record(boundedText(MAX_ID_LENGTH, 'a provider or class id'), z.union([bounded(shareBound), shareMapSchema], {
        error: (i) => expected('a share in 0–1, or a map of shares by provider', i.input),
      }))
      .optional(),
    entry: z
      .strictObject({ rate: bounded(nonNegative).default(0), qualityElasticity: bounded(anyNumber).default(0) })
      .default({ rate: 0, qualityElasticity: 0 }),
  }),
  events: z.array(eventSchema).default([]),
  expect: z.array(expectationSchema).default([]),
});

/** A scenario as written (after `extends` is resolved), defaults filled in. */
export type Scenario = z.infer<typeof scenarioSchema>;
/** A scenario as written, before defaults. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
