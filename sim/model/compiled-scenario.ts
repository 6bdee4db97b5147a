/**
 * What compile.ts makes of a scenario: the compiled scenario and its parts
 * (their types, and the codes of a campaign's `eligible`). Apart from compile.ts, so that the world (world.ts) and the
 * metrics (metrics.ts), which compile.ts uses, can name them without an
 * import cycle.
 */
import type { Scenario } from '../scenario/schema.js';
import type { ClassTable } from './classes.js';
import type { DynamicField, FieldRule, NumberRule } from './fields.js';

/** Where each family's block starts in one scenario's row, and every metric name in column order. */
export interface MetricLayout {
  readonly names: readonly string[];
  /** offsets[f]: the first column of metricFamilies[f]. */
  readonly offsets: readonly number[];
  /** Each family's declaration and its block of columns, in registry order: what runs/index.json lists (`families`). */
  readonly families: readonly MetricFamilyBlock[];
}

/** A registry family as a result folder records it: its declaration and the columns its metrics fill. */
export interface MetricFamilyBlock {
  readonly pattern: string;
  readonly kind: 'stock' | 'month' | 'cumulative';
  readonly unit: string;
  readonly description: string;
  /** First column, and how many (0 for an optional family the scenario lacks). */
  readonly first: number;
  readonly count: number;
}

export interface ProviderFunding {
  readonly below: NumberRule;
  readonly probability: NumberRule;
  readonly amount: NumberRule;
}

export interface ProviderTemplate {
  readonly id: string;
  readonly name: string;
  readonly rules: Readonly<Record<DynamicField, FieldRule | null>>;
  /** USD. */
  readonly cash: number;
  /** Bit s set when the provider serves class s. */
  readonly serves: number;
  readonly funding: ProviderFunding | null;
  /** Multiplies S_i on a switch to this provider (MODEL.md section 12); 1 by default. */
  readonly switchCostFactor: number;
  /** Active at t = 0 (declared under `providers`, not by an `enter` event). */
  readonly activeAtStart: boolean;
}

export const Eligible = { migrants: 0, new: 1, all: 2 } as const;

export interface CampaignTemplate {
  readonly provider: number;
  /** First and last month (inclusive) it runs. */
  readonly from: number;
  readonly until: number;
  /** Million free tokens per grant. */
  readonly grant: number;
  /** Months a grant lasts. */
  readonly validity: number;
  readonly eligible: (typeof Eligible)[keyof typeof Eligible];
  /** fromProviders[j] = 1 when leaving j makes a startup a migrant. */
  readonly fromProviders: Uint8Array;
  /** Fraction 0–1 of the switching cost spared. */
  readonly support: number;
  /** Million tokens; Infinity when unlimited. */
  readonly budget: number;
}

/** The world's settable scalars (set events of horizon, qualityReference's parts and startups.entry). */
export type GlobalName = 'horizon' | 'qualityReference' | 'frontierWeight' | 'entryRate' | 'entryElasticity';

/** A compute voucher (MODEL.md section 12). */
export interface VoucherTemplate {
  /** First and last month (inclusive) it runs. */
  readonly from: number;
  readonly until: number;
  /** Bit s set when it covers class s. */
  readonly classes: number;
  /** Fraction 0–1 of the bill the public pays. */
  readonly share: number;
}

/** One thing an event does (MODEL.md section 7), in file order within its month. */
export type Action =
  | { readonly kind: 'exit'; readonly provider: number }
  | { readonly kind: 'enter'; readonly provider: number }
  | { readonly kind: 'campaign'; readonly campaign: number }
  | { readonly kind: 'setField'; readonly provider: number; readonly field: DynamicField; readonly rule: FieldRule }
  | { readonly kind: 'setServes'; readonly provider: number; readonly serves: number }
  | { readonly kind: 'setFunding'; readonly provider: number; readonly funding: ProviderFunding | null }
  | { readonly kind: 'setSwitchCostFactor'; readonly provider: number; readonly value: number }
  | { readonly kind: 'setGlobal'; readonly name: GlobalName; readonly value: number }
  /** A set of the whole quality reference: a number n is {value: n, frontierWeight: 0}. */
  | { readonly kind: 'setQualityReference'; readonly value: number; readonly frontierWeight: number }
  | { readonly kind: 'setClasses'; readonly classes: ClassTable; readonly rederiveSwitchCost: boolean; readonly rederiveGrowth: boolean };

export interface CompiledScenario {
  readonly scenario: Scenario;
  /** Metric names in column order (MODEL.md section 8). */
  readonly metricNames: readonly string[];
  readonly layout: MetricLayout;
  readonly months: number;
  /** `YYYY-MM` of t = 0. */
  readonly start: string;
  readonly providers: readonly ProviderTemplate[];
  readonly classes: ClassTable;
  readonly campaigns: readonly CampaignTemplate[];
  /** In event order; empty when the scenario has none (then no voucher metrics either). */
  readonly vouchers: readonly VoucherTemplate[];
  /** actions[t]: the month's event actions in file order. */
  readonly actions: readonly (readonly Action[])[];
  /** initialChoice[s]: cumulative provider shares for class s, or null to choose by logit. */
  readonly initialShares: readonly (Float64Array | null)[];
}
