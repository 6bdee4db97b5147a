/**
 * The metric registry (MODEL.md section 8): every metric family declared
 * once, with its kind and unit. The CSV columns, the docs and the charts
 * all come from this list; `metricLayout` expands the families for one
 * scenario's providers and classes, and `recordMetrics` fills one month's
 * row in the same order.
 */
import type { World } from './world.js';

export type MetricKind = 'stock' | 'month' | 'cumulative';

export interface MetricFamily {
  /** The name, with `<id>`, `<class>`, `<from>`, `<to>` placeholders. */
  readonly pattern: string;
  readonly kind: MetricKind;
  readonly unit: string;
  readonly description: string;
}

export const metricFamilies: readonly MetricFamily[] = [
  { pattern: 'hhi.customers', kind: 'stock', unit: '0–10 000', description: "HHI over active providers' shares of alive startups" },
  { pattern: 'hhi.tokens', kind: 'month', unit: '0–10 000', description: 'HHI over shares of tokens served, free ones included' },
  { pattern: 'hhi.revenue', kind: 'month', unit: '0–10 000', description: 'HHI over shares of billed revenue' },
  { pattern: 'cr1.tokens', kind: 'month', unit: 'fraction', description: 'largest provider share of tokens' },
  { pattern: 'cr4.tokens', kind: 'month', unit: 'fraction', description: 'four largest providers share of tokens' },
  { pattern: 'providers.active', kind: 'stock', unit: 'count', description: 'providers serving the market' },
  { pattern: 'share.customers.<id>', kind: 'stock', unit: 'fraction', description: "provider's share of alive startups" },
  { pattern: 'share.tokens.<id>', kind: 'month', unit: 'fraction', description: "provider's share of tokens served" },
  { pattern: 'startups.alive', kind: 'stock', unit: 'count', description: 'alive startups' },
  { pattern: 'startups.entered', kind: 'month', unit: 'count', description: 'new startups' },
  { pattern: 'deaths', kind: 'month', unit: 'count', description: 'startups that died this month' },
  { pattern: 'deaths.runway', kind: 'month', unit: 'count', description: 'deaths from running out of cash' },
  { pattern: 'deaths.hazard', kind: 'month', unit: 'count', description: 'deaths from the exogenous hazard' },
  { pattern: 'deaths.stranded', kind: 'month', unit: 'count', description: 'deaths for want of any provider' },
  { pattern: 'deaths.cumulative', kind: 'cumulative', unit: 'count', description: 'deaths since t = 0' },
  { pattern: 'cohort.dead.fraction', kind: 'cumulative', unit: 'fraction', description: 'fraction of the t = 0 cohort dead' },
  { pattern: 'cohort.dead.<class>.fraction', kind: 'cumulative', unit: 'fraction', description: 'the same, within a class' },
  {
    pattern: 'cohort.dead.<class>.on.<id>.fraction',
    kind: 'cumulative',
    unit: 'fraction',
    description: 'the same, among those of the class whose provider at t = 0 was <id>; 0 where there were none',
  },
  { pattern: 'switches.voluntary', kind: 'month', unit: 'count', description: 'switches by reconsidering startups' },
  { pattern: 'switches.forced', kind: 'month', unit: 'count', description: "switches forced by a provider's exit" },
  { pattern: 'flows.<from>.<to>', kind: 'cumulative', unit: 'count', description: 'switches from one provider to another' },
  { pattern: 'providers.exited.bankrupt', kind: 'cumulative', unit: 'count', description: 'providers that ran out of cash' },
  { pattern: 'providers.exited.event', kind: 'cumulative', unit: 'count', description: 'providers withdrawn by an exit event' },
  { pattern: 'tokens.free', kind: 'month', unit: 'million tokens', description: 'tokens used from grants' },
  { pattern: 'price.paid', kind: 'month', unit: 'USD per million tokens', description: 'billed USD over all tokens used' },
  { pattern: 'provider.cash.<id>', kind: 'stock', unit: 'USD', description: "provider's cash" },
  { pattern: 'provider.profit.<id>', kind: 'month', unit: 'USD', description: 'revenue − costs booked this month' },
];

/** Column offsets of one scenario's metrics. Per-provider blocks have one column per provider, in provider order. */
export interface MetricLayout {
  readonly names: readonly string[];
  readonly shareCustomers: number;
  readonly shareTokens: number;
  readonly cohortClass: number;
  /** cohortClassOn + s * providers + j */
  readonly cohortClassOn: number;
  /** flows + from * (providers - 1) + (to < from ? to : to - 1) */
  readonly flows: number;
  readonly providerCash: number;
  readonly providerProfit: number;
  readonly scalar: Readonly<Record<string, number>>;
}

export function metricLayout(providerIds: readonly string[], classIds: readonly string[]): MetricLayout {
  const names: string[] = [];
  const scalar: Record<string, number> = {};
  const blocks: Record<string, number> = {};
  for (const f of metricFamilies) {
    blocks[f.pattern] = names.length;
    if (!f.pattern.includes('<')) {
      scalar[f.pattern] = names.length;
      names.push(f.pattern);
    } else if (f.pattern === 'cohort.dead.<class>.on.<id>.fraction') {
      for (const c of classIds) for (const p of providerIds) names.push(`cohort.dead.${c}.on.${p}.fraction`);
    } else if (f.pattern === 'flows.<from>.<to>') {
      for (const a of providerIds) for (const b of providerIds) if (a !== b) names.push(`flows.${a}.${b}`);
    } else if (f.pattern.includes('<class>')) {
      for (const c of classIds) names.push(f.pattern.replace('<class>', c));
    } else {
      for (const p of providerIds) names.push(f.pattern.replace('<id>', p));
    }
  }
  return {
    names,
    shareCustomers: blocks['share.customers.<id>'],
    shareTokens: blocks['share.tokens.<id>'],
    cohortClass: blocks['cohort.dead.<class>.fraction'],
    cohortClassOn: blocks['cohort.dead.<class>.on.<id>.fraction'],
    flows: blocks['flows.<from>.<to>'],
    providerCash: blocks['provider.cash.<id>'],
    providerProfit: blocks['provider.profit.<id>'],
    scalar,
  };
}

/** HHI (0–10 000) and CR1, CR4 (fractions) of nonnegative amounts over active providers; all 0 when the total is 0. */
function concentration(amounts: Float64Array, active: Uint8Array, sorted: Float64Array): { hhi: number; cr1: number; cr4: number } {
  let total = 0;
  let n = 0;
  for (let j = 0; j < amounts.length; j++) if (active[j]) total += amounts[j];
  if (!(total > 0)) return { hhi: 0, cr1: 0, cr4: 0 };
  let hhi = 0;
  for (let j = 0; j < amounts.length; j++) {
    if (!active[j]) continue;
    const s = amounts[j] / total;
    hhi += s * s;
    sorted[n++] = s;
  }
  const top = sorted.subarray(0, n).sort().reverse();
  return { hhi: 10000 * hhi, cr1: top[0] ?? 0, cr4: (top[0] ?? 0) + (top[1] ?? 0) + (top[2] ?? 0) + (top[3] ?? 0) };
}

/** Writes month `t`'s metrics of `world` into `out` from column 0 (MODEL.md section 8, step 9). */
export function recordMetrics(world: World, out: Float64Array): void {
  const L = world.compiled.layout;
  const P = world.providerCount;
  const pr = world.providers;
  const m = world.month;
  const S = L.scalar;
  // Providers only leave in step 1, so those active now are those that served this month.
  const tokenConc = concentration(m.tokens, pr.active, world.scratch);
  const revenueConc = concentration(m.revenue, pr.active, world.scratch);
  const customerConc = concentration(m.customers, pr.active, world.scratch);
  out[S['hhi.customers']] = customerConc.hhi;
  out[S['hhi.tokens']] = tokenConc.hhi;
  out[S['hhi.revenue']] = revenueConc.hhi;
  out[S['cr1.tokens']] = tokenConc.cr1;
  out[S['cr4.tokens']] = tokenConc.cr4;
  let active = 0;
  for (let j = 0; j < P; j++) active += pr.active[j];
  out[S['providers.active']] = active;
  for (let j = 0; j < P; j++) {
    out[L.shareCustomers + j] = pr.customerShare[j];
    out[L.shareTokens + j] = pr.tokenShare[j];
    out[L.providerCash + j] = pr.cash[j];
    out[L.providerProfit + j] = pr.profit[j];
  }
  out[S['startups.alive']] = world.alive;
  out[S['startups.entered']] = m.entered;
  out[S['deaths']] = m.deathsRunway + m.deathsHazard + m.deathsStranded;
  out[S['deaths.runway']] = m.deathsRunway;
  out[S['deaths.hazard']] = m.deathsHazard;
  out[S['deaths.stranded']] = m.deathsStranded;
  out[S['deaths.cumulative']] = world.totals.deaths;

  const c = world.cohort;
  out[S['cohort.dead.fraction']] = c.size > 0 ? c.deadTotal / c.size : 0;
  const classes = c.sizeByClass.length;
  for (let s = 0; s < classes; s++) {
    out[L.cohortClass + s] = c.sizeByClass[s] > 0 ? c.deadByClass[s] / c.sizeByClass[s] : 0;
    for (let j = 0; j < P; j++) {
      const k = s * P + j;
      out[L.cohortClassOn + k] = c.sizeByClassOn[k] > 0 ? c.deadByClassOn[k] / c.sizeByClassOn[k] : 0;
    }
  }
  out[S['switches.voluntary']] = m.switchesVoluntary;
  out[S['switches.forced']] = m.switchesForced;
  let f = L.flows;
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) if (a !== b) out[f++] = world.totals.flows[a * P + b];
  out[S['providers.exited.bankrupt']] = world.totals.exitedBankrupt;
  out[S['providers.exited.event']] = world.totals.exitedEvent;
  out[S['tokens.free']] = m.freeTokens;
  let tokens = 0;
  let billed = 0;
  for (let j = 0; j < P; j++) {
    tokens += m.tokens[j];
    billed += m.revenue[j];
  }
  out[S['price.paid']] = tokens > 0 ? billed / tokens : 0;
}
