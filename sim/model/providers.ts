/**
 * Providers' monthly decisions and accounts (MODEL.md section 3, steps 2
 * and 8; section 4 "Perceived exit risk"; section 7 "Provider funding").
 * All per-provider work, done once a month outside the startup loops.
 */
import { monthLabel } from '../calendar.js';
import { ModelError } from '../errors.js';
import { badFundingAmount, badProviderField } from './messages.js';
import { Purpose, uniformAt } from '../rng/keyed.js';
import { dynamicFields, evaluateField, staticValue, type FieldRule } from './fields.js';
import type { World } from './world.js';

const PRICE = 0;
const QUALITY = 1;
const UNIT_COST = 2;
const FIXED_COST = 3;
const EXIT_RISK = 4;

/**
 * Fills the expression scope for provider j from its last values.
 * `lowestPrice` is the lowest last-month price among the other providers
 * active last month (+∞ when there is none).
 */
function fillScope(world: World, j: number, lowestPrice: number): void {
  const p = world.providers;
  const s = world.scope;
  s.t = world.t;
  s.price = p.price[j];
  s.quality = p.quality[j];
  s.cost = p.unitCost[j];
  s.share = p.customerShare[j];
  s.tokenShare = p.tokenShare[j];
  s.lowestPrice = lowestPrice;
  s.cash = p.cash[j];
}

function checked(world: World, j: number, field: number, rule: FieldRule, value: number): number {
  if (Number.isFinite(value) && value >= 0) return value;
  const id = world.compiled.providers[j].id;
  throw new ModelError(badProviderField(id, dynamicFields[field], rule.source, value, monthLabel(world.compiled.start, world.t), world.t), rule.origin);
}

function lowestPriceExcept(world: World, j: number, among: Uint8Array): number {
  const p = world.providers;
  let low = Infinity;
  for (let k = 0; k < world.providerCount; k++) if (k !== j && among[k] && p.price[k] < low) low = p.price[k];
  return low;
}

/**
 * Puts a provider's static values (numbers or `initial`s) in place before its
 * first evaluation, so expressions that read `price`, `quality` or `cost` at
 * t = 0 (or in the month it enters) see them (MODEL.md section 9).
 */
export function seedStaticValues(world: World, j: number): void {
  const p = world.providers;
  const r = p.rules[j];
  p.price[j] = staticValue(r[PRICE]!) ?? NaN;
  p.quality[j] = staticValue(r[QUALITY]!) ?? NaN;
  p.unitCost[j] = staticValue(r[UNIT_COST]!) ?? NaN;
}

/**
 * Step 2: providers set price, quality, unit cost and fixed cost (numbers or
 * expressions of last month's values), then x_j; the quality factors
 * (q_j / q_ref)^η_s follow.
 */
export function setProviderFields(world: World): void {
  const p = world.providers;
  const P = world.providerCount;
  const t = world.t;
  const lowest = world.scratch;
  // All providers decide from last month's prices, so the lows are taken before anyone moves.
  for (let j = 0; j < P; j++) lowest[j] = lowestPriceExcept(world, j, t === 0 ? p.active : p.wasActive);
  const next = [p.price, p.quality, p.unitCost, p.fixedCost];
  const values = [0, 0, 0, 0];
  for (let j = 0; j < P; j++) {
    if (!p.active[j]) continue;
    fillScope(world, j, lowest[j]);
    for (let f = PRICE; f <= FIXED_COST; f++) {
      const rule = p.rules[j][f]!;
      const first = p.ruleFirst[j][f] === t;
      values[f] = checked(world, j, f, rule, evaluateField(rule, first, world.scope));
    }
    for (let f = PRICE; f <= FIXED_COST; f++) next[f][j] = values[f];
    p.exitRisk[j] = exitRisk(world, j);
  }
  updateQualityFactors(world);
}

/** x_j(t) (MODEL.md section 9, "Exit risk"): the scenario's rule clamped to [0, 1], or the default rule. */
function exitRisk(world: World, j: number): number {
  const p = world.providers;
  const rule = p.rules[j][EXIT_RISK];
  if (rule) {
    const x = evaluateField(rule, p.ruleFirst[j][EXIT_RISK] === world.t, world.scope);
    if (Number.isNaN(x)) checked(world, j, EXIT_RISK, rule, x);
    return Math.min(1, Math.max(0, x));
  }
  if (!p.hasHistory[j] || p.profit[j] >= 0) return 0;
  return Math.exp(-Math.max(p.cash[j], 0) / -p.profit[j] / world.horizon);
}

/**
 * (q_j / q_ref,s)^η_s for every class and active provider. q_ref,s is the
 * fixed `qualityReference` unless relative quality is on (MODEL.md section
 * 12): then value^(1−w) · frontier_s^w, frontier_s the best quality among
 * the active providers that serve class s (the fixed value when none does,
 * or when the best is 0, so the factors stay finite).
 */
export function updateQualityFactors(world: World): void {
  const P = world.providerCount;
  const eta = world.classes.qualityElasticity;
  const p = world.providers;
  const w = world.frontierWeight;
  for (let s = 0; s < eta.length; s++) {
    let reference = world.qualityReference;
    if (w !== 0) {
      const frontier = frontierQuality(world, s);
      if (frontier > 0) reference = Math.pow(world.qualityReference, 1 - w) * Math.pow(frontier, w);
    }
    for (let j = 0; j < P; j++) world.qualityFactor[s * P + j] = p.active[j] ? Math.pow(p.quality[j] / reference, eta[s]) : 0;
  }
}

/** The highest quality among the active providers that serve class s this month; 0 when none does. */
export function frontierQuality(world: World, s: number): number {
  const p = world.providers;
  let best = 0;
  for (let j = 0; j < world.providerCount; j++) if (p.active[j] && p.serves[j] & (1 << s) && p.quality[j] > best) best = p.quality[j];
  return best;
}

/**
 * Customer shares among alive startups and token shares of the month's
 * flows (MODEL.md section 8, "Counting rules"); they are next month's
 * `share` and `tokenShare`.
 */
export function updateShares(world: World): void {
  const p = world.providers;
  const m = world.month;
  const P = world.providerCount;
  let customers = 0;
  let tokens = 0;
  for (let j = 0; j < P; j++) {
    customers += m.customers[j];
    tokens += m.tokens[j];
  }
  for (let j = 0; j < P; j++) {
    p.customerShare[j] = customers > 0 ? m.customers[j] / customers : 0;
    p.tokenShare[j] = tokens > 0 ? m.tokens[j] / tokens : 0;
  }
}

/**
 * Step 8: providers book the month, raise funding if they have a rule for
 * it, and those left with negative cash are marked to exit at the start of
 * next month. Inactive providers' cash is frozen and their profit is 0.
 */
export function closeProviderAccounts(world: World): void {
  const p = world.providers;
  const m = world.month;
  for (let j = 0; j < world.providerCount; j++) {
    if (!p.active[j]) {
      p.profit[j] = 0;
      continue;
    }
    const profit = m.revenue[j] - m.cost[j];
    p.profit[j] = profit;
    p.cash[j] += profit;
    p.hasHistory[j] = 1;
    const funding = p.funding[j];
    if (funding) raiseFunding(world, j);
    if (p.cash[j] < 0) p.bankrupt[j] = 1;
  }
}

/** MODEL.md section 7, "Provider funding": with runway below `below` months, raise `amount` with `probability`. */
function raiseFunding(world: World, j: number): void {
  const p = world.providers;
  const f = p.funding[j]!;
  fillScope(world, j, lowestPriceExcept(world, j, p.active));
  const cash = p.cash[j];
  const loss = -p.profit[j];
  const runway = cash <= 0 ? 0 : loss > 0 ? cash / loss : Infinity;
  const below = evaluateField(f.below, false, world.scope);
  if (!(runway < below)) return;
  const probability = Math.min(1, Math.max(0, evaluateField(f.probability, false, world.scope)));
  if (uniformAt(world.key, Purpose.providerFunding, world.t, j) < probability) {
    const amount = evaluateField(f.amount, false, world.scope);
    if (!Number.isFinite(amount)) {
      const id = world.compiled.providers[j].id;
      throw new ModelError(badFundingAmount(id, f.amount.source, amount, monthLabel(world.compiled.start, world.t), world.t), f.amount.origin);
    }
    p.cash[j] += amount;
  }
}
