/**
 * The metric registry (MODEL.md section 8): every metric family declared
 * once, with its kind and unit. The CSV columns, the docs and the charts
 * all come from this list; `metricLayout` expands the families for one
 * scenario's providers and classes, and `recordMetrics` fills one month's
 * row in the same order.
 */
import type { MetricFamilyBlock, MetricLayout } from './compiled-scenario.js';
import type { World } from './world.js';

export type { MetricFamilyBlock, MetricLayout } from './compiled-scenario.js';

export type MetricKind = 'stock' | 'month' | 'cumulative';

/** A scenario's providers (every one, from t = 0) and classes, which the placeholders range over. */
export interface MetricScope {
  readonly providers: readonly string[];
  readonly classes: readonly string[];
  /** Whether the scenario has a voucher event: the voucher metrics exist only then (MODEL.md section 12). */
  readonly vouchers?: boolean;
}

/** What a month's row needs beyond the world, computed once per month. */
export interface MonthSummary {
  readonly tokens: Concentration;
  readonly revenue: Concentration;
  readonly customers: Concentration;
}

export interface MetricFamily {
  /** The name, with `<id>`, `<class>`, `<from>`, `<to>` placeholders. */
  readonly pattern: string;
  readonly kind: MetricKind;
  readonly unit: string;
  /** One line: what the number is (docs/model.md section 8 is generated from it). */
  readonly description: string;
  /** Only in scenarios that use an extension (MODEL.md section 12): names only when the scope says so. */
  readonly optional?: boolean;
  /** Its metric names for one scenario, in column order. */
  names(scope: MetricScope): string[];
  /** Writes this month's values of the family into out[at …], in the order of `names`. */
  record(world: World, month: MonthSummary, out: Float64Array, at: number): void;
}

type Record1 = (world: World, month: MonthSummary) => number;

/** A family of one metric. */
function scalar(pattern: string, kind: MetricKind, unit: string, description: string, value: Record1): MetricFamily {
  return { pattern, kind, unit, description, names: () => [pattern], record: (w, m, out, at) => void (out[at] = value(w, m)) };
}

/** A family of one metric per provider (`<id>`), in provider order. */
function perProvider(pattern: string, kind: MetricKind, unit: string, description: string, value: (world: World, j: number) => number): MetricFamily {
  return {
    pattern,
    kind,
    unit,
    description,
    names: ({ providers }) => providers.map((id) => pattern.replace('<id>', id)),
    record: (w, _m, out, at) => {
      for (let j = 0; j < w.providerCount; j++) out[at + j] = value(w, j);
    },
  };
}

/**
 * A family of one metric that exists only in scenarios that use the
 * extension it measures (`when` of its scope, `uses` of a world), so adding
 * it moves no other scenario's columns.
 */
function optionalScalar(when: (scope: MetricScope) => boolean, uses: (world: World) => boolean, pattern: string, kind: MetricKind, unit: string, description: string, value: Record1): MetricFamily {
  return {
    pattern,
    kind,
    unit,
    description,
    optional: true,
    names: (scope) => (when(scope) ? [pattern] : []),
    record: (w, m, out, at) => {
      if (uses(w)) out[at] = value(w, m);
    },
  };
}
const withVouchers = (scope: MetricScope) => scope.vouchers === true;
const hasVouchers = (world: World) => world.compiled.vouchers.length > 0;

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
const sum = (xs: Float64Array) => xs.reduce((a, x) => a + x, 0);

/** The registry (MODEL.md section 8), in column order. Adding a metric is adding an entry here. */
export const metricFamilies: readonly MetricFamily[] = [
  scalar('hhi.customers', 'stock', '0–10 000', "HHI over active providers' shares of alive startups", (_w, m) => m.customers.hhi),
  scalar('hhi.tokens', 'month', '0–10 000', 'HHI over shares of tokens served, free ones included', (_w, m) => m.tokens.hhi),
  scalar('hhi.revenue', 'month', '0–10 000', 'HHI over shares of billed revenue', (_w, m) => m.revenue.hhi),
  scalar('cr1.tokens', 'month', 'fraction', 'share of tokens of the largest provider, 0–1', (_w, m) => m.tokens.cr1),
  scalar('cr4.tokens', 'month', 'fraction', 'share of tokens of the four largest providers, 0–1', (_w, m) => m.tokens.cr4),
  scalar('providers.active', 'stock', 'count', 'providers serving the market', (w) => w.providers.active.reduce((a, x) => a + x, 0)),
  perProvider('share.customers.<id>', 'stock', 'fraction', "provider's share of alive startups, 0–1; every provider of the scenario from t = 0", (w, j) => w.providers.customerShare[j]),
  perProvider('share.tokens.<id>', 'month', 'fraction', "provider's share of tokens served, 0–1; every provider from t = 0", (w, j) => w.providers.tokenShare[j]),
  scalar('startups.alive', 'stock', 'count', 'alive startups', (w) => w.alive),
  scalar('startups.entered', 'month', 'count', 'new startups', (w) => w.month.entered),
  scalar('deaths', 'month', 'count', 'startups that died this month', (w) => w.month.deathsRunway + w.month.deathsHazard + w.month.deathsStranded),
  scalar('deaths.runway', 'month', 'count', 'deaths from running out of cash', (w) => w.month.deathsRunway),
  scalar('deaths.hazard', 'month', 'count', 'deaths from the exogenous hazard', (w) => w.month.deathsHazard),
  scalar('deaths.stranded', 'month', 'count', 'deaths for want of any provider', (w) => w.month.deathsStranded),
  scalar('deaths.cumulative', 'cumulative', 'count', 'deaths since t = 0', (w) => w.totals.deaths),
  scalar('cohort.dead.fraction', 'cumulative', 'fraction', 'fraction of the t = 0 cohort dead by the end of the month: the bloodbath measure', (w) => ratio(w.cohort.deadTotal, w.cohort.size)),
  {
    pattern: 'cohort.dead.<class>.fraction',
    kind: 'cumulative',
    unit: 'fraction',
    description: 'the same, within a class',
    names: ({ classes }) => classes.map((c) => `cohort.dead.${c}.fraction`),
    record: (w, _m, out, at) => {
      const c = w.cohort;
      for (let s = 0; s < c.sizeByClass.length; s++) out[at + s] = ratio(c.deadByClass[s], c.sizeByClass[s]);
    },
  },
  {
    pattern: 'cohort.dead.<class>.on.<id>.fraction',
    kind: 'cumulative',
    unit: 'fraction',
    description: 'the same, among the cohort\'s startups of the class whose provider at t = 0 was <id> (e.g. the small startups that depended on OpenAI); 0 where there were none',
    names: ({ classes, providers }) => classes.flatMap((c) => providers.map((p) => `cohort.dead.${c}.on.${p}.fraction`)),
    record: (w, _m, out, at) => {
      const c = w.cohort;
      for (let k = 0; k < c.sizeByClassOn.length; k++) out[at + k] = ratio(c.deadByClassOn[k], c.sizeByClassOn[k]);
    },
  },
  scalar('switches.voluntary', 'month', 'count', 'switches by reconsidering startups', (w) => w.month.switchesVoluntary),
  scalar('switches.forced', 'month', 'count', "switches forced by a provider's exit", (w) => w.month.switchesForced),
  {
    pattern: 'flows.<from>.<to>',
    kind: 'cumulative',
    unit: 'count',
    description: 'switches from one provider to another, forced and voluntary (entrants\' first choices are not switches), every ordered pair of distinct providers from t = 0',
    names: ({ providers }) => providers.flatMap((a) => providers.filter((b) => b !== a).map((b) => `flows.${a}.${b}`)),
    record: (w, _m, out, at) => {
      const P = w.providerCount;
      let f = at;
      for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) if (a !== b) out[f++] = w.totals.flows[a * P + b];
    },
  },
  scalar('providers.exited.bankrupt', 'cumulative', 'count', 'providers that ran out of cash', (w) => w.totals.exitedBankrupt),
  scalar('providers.exited.event', 'cumulative', 'count', 'providers withdrawn by an exit event', (w) => w.totals.exitedEvent),
  scalar('tokens.free', 'month', 'million tokens', 'tokens used from grants', (w) => w.month.freeTokens),
  scalar('price.paid', 'month', 'USD per million tokens', 'billed USD over all tokens used, free ones included: the effective price', (w) => ratio(sum(w.month.revenue), sum(w.month.tokens))),
  perProvider('provider.cash.<id>', 'stock', 'USD', "provider's cash; frozen once it is inactive", (w, j) => w.providers.cash[j]),
  perProvider('provider.profit.<id>', 'month', 'USD', 'revenue − costs booked this month; 0 once inactive', (w, j) => w.providers.profit[j]),
  optionalScalar(withVouchers, hasVouchers, 'vouchers.cost', 'month', 'USD', 'the part of startups\' token bills paid by compute vouchers; only in scenarios with a voucher event', (w) => w.month.voucherCost),
  optionalScalar(withVouchers, hasVouchers, 'vouchers.cost.cumulative', 'cumulative', 'USD', 'the same since t = 0', (w) => w.totals.voucherCost),
];

/**
 * The metric name of a registry `pattern` with its placeholders filled in,
 * e.g. metricName('cohort.dead.<class>.on.<id>.fraction', { class: 'small', id: 'openai' }).
 * @throws Error when `pattern` is no family's, or a placeholder is left unfilled (a programming error)
 */
export function metricName(pattern: string, bindings: Readonly<Record<string, string>> = {}): string {
  if (!metricFamilies.some((f) => f.pattern === pattern)) throw new Error(`no metric family has the pattern ${pattern}`);
  const name = pattern.replace(/<(\w+)>/g, (whole, key: string) => bindings[key] ?? whole);
  if (/<\w+>/.test(name)) throw new Error(`metricName: ${pattern} needs ${name.match(/<\w+>/g)!.join(', ')}`);
  return name;
}

export function metricLayout(providerIds: readonly string[], classIds: readonly string[], options: { vouchers?: boolean } = {}): MetricLayout {
  const scope: MetricScope = { providers: providerIds, classes: classIds, vouchers: options.vouchers === true };
  const names: string[] = [];
  const offsets: number[] = [];
  const families: MetricFamilyBlock[] = [];
  for (const f of metricFamilies) {
    offsets.push(names.length);
    // A loop, not push(...): flows alone are providers² names (360,000 for 600 providers), past the spread's stack.
    for (const name of f.names(scope)) names.push(name);
    const first = offsets[offsets.length - 1];
    families.push({ pattern: f.pattern, kind: f.kind, unit: f.unit, description: f.description, first, count: names.length - first });
  }
  return { names, offsets, families };
}

export interface Concentration {
  readonly hhi: number;
  readonly cr1: number;
  readonly cr4: number;
}

/** HHI (0–10 000) and CR1, CR4 (fractions) of nonnegative amounts over active providers; all 0 when the total is 0. */
function concentration(amounts: Float64Array, active: Uint8Array, sorted: Float64Array): Concentration {
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

/** Writes month `t`'s metrics of `world` into `out` from column 0 (MODEL.md section 8, step 9), family by family. */
export function recordMetrics(world: World, out: Float64Array): void {
  const m = world.month;
  const active = world.providers.active;
  // Providers only leave in step 1, so those active now are those that served this month.
  const month: MonthSummary = {
    tokens: concentration(m.tokens, active, world.scratch),
    revenue: concentration(m.revenue, active, world.scratch),
    customers: concentration(m.customers, active, world.scratch),
  };
  world.climate.hhiTokens = month.tokens.hhi; // next month's `hhi` (funding climate)
  const offsets = world.compiled.layout.offsets;
  for (let f = 0; f < metricFamilies.length; f++) metricFamilies[f].record(world, month, out, offsets[f]);
}
