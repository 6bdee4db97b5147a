/**
 * The mutable state of one replication: the compiled scenario it runs,
 * its random key, the startups' arrays, the providers' arrays, the running
 * campaigns, this month's flows and the cumulative counters behind the
 * metrics. `createWorld` also builds the t = 0 population (MODEL.md
 * section 6, "Initial startups").
 */
import { type BirthGroups, createBirthGroups } from './births.js';
import type { ExpressionScope } from '../scenario/expression.js';
import { qualityReferenceParts } from '../scenario/quality-reference.js';
import { Purpose, replicationKey, streamOf, type ReplicationKey } from '../rng/keyed.js';
import type { ClassTable } from './classes.js';
import type { CompiledScenario, ProviderFunding } from './compiled-scenario.js';
import { dynamicFields, type DynamicField, type FieldRule } from './fields.js';
import { instantiateKernel, kernelLayout, type Kernel, type KernelLayout } from './kernel.js';
import { createStartupTable, type StartupTable } from './startups.js';

export interface ProviderState {
  active: Uint8Array;
  /** Active at the end of last month (for lowestPrice and exit risk). */
  wasActive: Uint8Array;
  /** Goes bankrupt at the start of next month (MODEL.md section 3, step 8). */
  bankrupt: Uint8Array;
  /** USD per million tokens. */
  price: Float64Array;
  quality: Float64Array;
  /** USD per million tokens served. */
  unitCost: Float64Array;
  /** USD per month. */
  fixedCost: Float64Array;
  /** x_j: perceived probability of exit within the horizon. */
  exitRisk: Float64Array;
  /** USD. */
  cash: Float64Array;
  /** USD, this month's revenue − costs (read next month as "last month's"). */
  profit: Float64Array;
  /** 1 once the provider has closed a month's accounts in this market. */
  hasHistory: Uint8Array;
  /** Customer and token shares of the last recorded month (network term, expressions). */
  customerShare: Float64Array;
  tokenShare: Float64Array;
  serves: Int32Array;
  /** Multiplies S_i on a switch to the provider (MODEL.md section 12). */
  switchCostFactor: Float64Array;
  rules: (FieldRule | null)[][];
  /** The month each rule took effect (its `initial` applies then). */
  ruleFirst: Int32Array[];
  funding: (ProviderFunding | null)[];
}

/** This month's flows, reset in step 1. */
export interface MonthFlows {
  tokens: Float64Array;
  revenue: Float64Array;
  cost: Float64Array;
  customers: Float64Array;
  entered: number;
  deathsRunway: number;
  deathsHazard: number;
  deathsStranded: number;
  switchesVoluntary: number;
  switchesForced: number;
  freeTokens: number;
  /** USD of startups' bills paid by compute vouchers. */
  voucherCost: number;
}

export interface Cohort {
  size: number;
  deadTotal: number;
  sizeByClass: Float64Array;
  deadByClass: Float64Array;
  /** [class * providers + provider at t = 0] */
  sizeByClassOn: Float64Array;
  deadByClassOn: Float64Array;
}

export interface World {
  readonly compiled: CompiledScenario;
  readonly replication: number;
  readonly key: ReplicationKey;
  /** streamOf(key, attributes, 0), the stream of every birth draw (sim/kernel/births.ts). */
  readonly attributesStream: number;
  /** Where each birth group starts in the table: startups are keyed by (group, rank), births.ts. */
  readonly births: BirthGroups;
  readonly providerCount: number;
  /** The month being stepped. */
  t: number;
  classes: ClassTable;
  horizon: number;
  /** The fixed part of q_ref (`qualityReference` or its `value`); entry's reference. */
  qualityReference: number;
  /** w of relative quality (MODEL.md section 12): q_ref,s = value^(1−w) · frontier_s^w; 0 when not used. */
  frontierWeight: number;
  entryRate: number;
  entryElasticity: number;
  readonly startups: StartupTable;
  /** Startups alive now. */
  alive: number;
  readonly providers: ProviderState;
  /** Million tokens left in each campaign's budget; Infinity when unlimited. */
  readonly budgetLeft: Float64Array;
  readonly campaignStarted: Uint8Array;
  /** runningCampaigns[j]: provider j's campaigns running this month, in event order. */
  readonly runningCampaigns: number[][];
  readonly month: MonthFlows;
  readonly totals: { deaths: number; flows: Float64Array; exitedBankrupt: number; exitedEvent: number; voucherCost: number };
  /** This month's fraction 0–1 of a startup's bill paid by vouchers, by class (MODEL.md section 12); 0 without vouchers. */
  readonly voucherShare: Float64Array;
  readonly cohort: Cohort;
  /** (q_j / q_ref,s)^η_s for this month: [class * providers + provider]. */
  readonly qualityFactor: Float64Array;
  /** Reused buffers, so the step allocates nothing. */
  readonly scratch: Float64Array;
  readonly scope: ExpressionScope;
  readonly climate: Climate;
  choosers: Int32Array;
  /** Next month's voluntary choosers, listed by operate (see chooseProviders). */
  readonly reconsidering: ReconsiderList;
  /** Each provider's class mask of step 4 (active ? serves : 0), this month and at the list's making. */
  readonly keeps: Int32Array;
  readonly keptAtListing: Int32Array;
  /** The step kernel over the startups' memory, and where its scratch space lies (kernel.ts). */
  readonly kernel: Kernel;
  readonly layout: KernelLayout;
}

/**
 * The funding climate (MODEL.md section 12): this month's rescue
 * probability of each class, and the counters its expressions read.
 */
export interface Climate {
  /** This month's funding.probability of each class, in [0, 1] (step 2). */
  readonly fundingProbability: Float64Array;
  /** Startups alive now, by class. */
  readonly aliveByClass: Float64Array;
  /** Alive at the start of the month (before its entrants), and this month's deaths, by class. */
  readonly aliveAtStart: Float64Array;
  readonly deathsByClass: Float64Array;
  /** Last month's deaths over last month's alive at start, by class; 0 at t = 0. */
  readonly deathRate: Float64Array;
  /** Last month's hhi.tokens; 0 at t = 0. */
  hhiTokens: number;
  readonly scope: ExpressionScope;
}

/**
 * The survivors of month t − 1 whose reconsideration falls in month t, in
 * index order: operate lists them as it passes, so step 4 need not scan the
 * whole table. `month` is the month the list is for (−1: none).
 */
export interface ReconsiderList {
  month: number;
  count: number;
  list: Int32Array;
}

export function createWorld(compiled: CompiledScenario, replication: number): World {
  const s = compiled.scenario;
  const P = compiled.providers.length;
  const C = compiled.classes.ids.length;
  const templates = compiled.providers;
  const perProvider = () => new Float64Array(P);
  const expectedEntrants = Math.ceil(s.startups.entry.rate * compiled.months * 1.25);
  const key = replicationKey(s.seed, replication);
  const layout = kernelLayout(P, C, compiled.campaigns.length, compiled.months);
  const startups = createStartupTable(s.startups.initial + expectedEntrants, layout.records);
  const world: World = {
    compiled,
    replication,
    key,
    attributesStream: streamOf(key, Purpose.attributes, 0),
    births: createBirthGroups(compiled.months),
    providerCount: P,
    t: 0,
    classes: compiled.classes,
    horizon: s.horizon,
    qualityReference: qualityReferenceParts(s.qualityReference).value,
    frontierWeight: qualityReferenceParts(s.qualityReference).frontierWeight,
    entryRate: s.startups.entry.rate,
    entryElasticity: s.startups.entry.qualityElasticity,
    startups,
    alive: 0,
    providers: {
      active: Uint8Array.from(templates, (p) => (p.activeAtStart ? 1 : 0)),
      wasActive: new Uint8Array(P),
      bankrupt: new Uint8Array(P),
      price: perProvider(),
      quality: perProvider(),
      unitCost: perProvider(),
      fixedCost: perProvider(),
      exitRisk: perProvider(),
      cash: Float64Array.from(templates, (p) => p.cash),
      profit: perProvider(),
      hasHistory: new Uint8Array(P),
      customerShare: perProvider(),
      tokenShare: perProvider(),
      serves: Int32Array.from(templates, (p) => p.serves),
      switchCostFactor: Float64Array.from(templates, (p) => p.switchCostFactor),
      rules: templates.map((p) => dynamicFields.map((f) => p.rules[f])),
      ruleFirst: templates.map(() => new Int32Array(dynamicFields.length)),
      funding: templates.map((p) => p.funding),
    },
    budgetLeft: Float64Array.from(compiled.campaigns, (c) => c.budget),
    campaignStarted: new Uint8Array(compiled.campaigns.length),
    runningCampaigns: templates.map(() => []),
    month: {
      tokens: perProvider(),
      revenue: perProvider(),
      cost: perProvider(),
      customers: perProvider(),
      entered: 0,
      deathsRunway: 0,
      deathsHazard: 0,
      deathsStranded: 0,
      switchesVoluntary: 0,
      switchesForced: 0,
      freeTokens: 0,
      voucherCost: 0,
    },
    totals: { deaths: 0, flows: new Float64Array(P * P), exitedBankrupt: 0, exitedEvent: 0, voucherCost: 0 },
    voucherShare: new Float64Array(C),
    cohort: {
      size: 0,
      deadTotal: 0,
      sizeByClass: new Float64Array(C),
      deadByClass: new Float64Array(C),
      sizeByClassOn: new Float64Array(C * P),
      deadByClassOn: new Float64Array(C * P),
    },
    qualityFactor: new Float64Array(C * P),
    scratch: new Float64Array(P),
    scope: { t: 0, price: 0, quality: 0, cost: 0, share: 0, tokenShare: 0, lowestPrice: Infinity, cash: 0, deathRate: 0, cohortDead: 0, hhi: 0 },
    climate: {
      fundingProbability: new Float64Array(C),
      aliveByClass: new Float64Array(C),
      aliveAtStart: new Float64Array(C),
      deathsByClass: new Float64Array(C),
      deathRate: new Float64Array(C),
      hhiTokens: 0,
      scope: { t: 0, price: 0, quality: 0, cost: 0, share: 0, tokenShare: 0, lowestPrice: 0, cash: 0, deathRate: 0, cohortDead: 0, hhi: 0 },
    },
    choosers: new Int32Array(1024),
    reconsidering: { month: -1, count: 0, list: new Int32Array(1024) },
    keeps: new Int32Array(P),
    keptAtListing: new Int32Array(P),
    kernel: instantiateKernel(startups.memory, layout, P, C, compiled.campaigns.length),
    layout,
  };
  return world;
}

export function fieldIndex(field: DynamicField): number {
  return dynamicFields.indexOf(field);
}

/** The world's reusable index buffer, grown (contents kept) to hold at least n. */
export function choosersBuffer(world: World, n: number): Int32Array {
  if (world.choosers.length < n) {
    const grown = new Int32Array(Math.max(n, world.choosers.length * 2));
    grown.set(world.choosers);
    world.choosers = grown;
  }
  return world.choosers;
}

/** Doubles the reconsideration list, keeping its contents. */
export function growReconsidering(world: World): void {
  const r = world.reconsidering;
  const grown = new Int32Array(r.list.length * 2);
  grown.set(r.list);
  r.list = grown;
}
