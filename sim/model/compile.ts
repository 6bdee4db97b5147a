/**
 * Scenario → CompiledScenario: everything that is the same in every
 * replication, worked out once. Provider fields and `set` values become
 * compiled rules, events become per-month action lists, classes become
 * arrays, and the metric columns are laid out (sim/model/metrics.ts).
 *
 * The compiled scenario is immutable; each replication builds its own
 * mutable World from it (sim/model/world.ts).
 */
import { monthIndex } from '../calendar.js';
import { type DocumentLocation, ModelError } from '../errors.js';
import { qualityReferenceParts } from '../scenario/quality-reference.js';
import type { CampaignSpec, ClassSpec, ProviderSpec, Scenario } from '../scenario/schema.js';
import { type SetPlace, setPlaceOf } from '../scenario/set-place.js';
import { classTable } from './classes.js';
import { compileField, compileNumberOrExpression } from './fields.js';
import {
  type Action,
  type CampaignTemplate,
  type CompiledScenario,
  Eligible,
  type GlobalName,
  type ProviderFunding,
  type ProviderTemplate,
  type VoucherTemplate,
} from './compiled-scenario.js';
import { metricLayout } from './metrics.js';

export {
  type Action,
  type CampaignTemplate,
  type CompiledScenario,
  Eligible,
  type ProviderFunding,
  type ProviderTemplate,
  type VoucherTemplate,
} from './compiled-scenario.js';

const MAX_CLASSES = 30; // class sets are bitmasks in a 32-bit integer

export function compile(scenario: Scenario): CompiledScenario {
  const classIds = Object.keys(scenario.classes);
  if (classIds.length > MAX_CLASSES) throw new ModelError(`at most ${MAX_CLASSES} startup classes are supported, got ${classIds.length}`);
  const allClasses = (1 << classIds.length) - 1;
  const servesMask = (serves: readonly string[] | undefined) =>
    serves === undefined ? allClasses : serves.reduce((m, id) => m | (1 << classIds.indexOf(id)), 0);

  const specs: { spec: ProviderSpec; activeAtStart: boolean }[] = scenario.providers.map((spec) => ({ spec, activeAtStart: true }));
  for (const e of scenario.events) if (e.enter) specs.push({ spec: e.enter, activeAtStart: false });
  // Where each provider's spec was written: its place in `providers`, or in its `enter` event.
  const specAt: DocumentLocation[] = [
    ...scenario.providers.map((_, i) => ['providers', i]),
    ...scenario.events.flatMap((e, k) => (e.enter ? [['events', k, 'enter']] : [])),
  ];
  const ids = specs.map((p) => p.spec.id);
  const indexOf = (id: string) => {
    const j = ids.indexOf(id);
    if (j < 0) throw new ModelError(`unknown provider "${id}"`);
    return j;
  };

  const providers: ProviderTemplate[] = specs.map(({ spec, activeAtStart }, j) => ({
    id: spec.id,
    name: spec.name ?? spec.id,
    rules: {
      price: compileField(spec.price, [...specAt[j], 'price']),
      quality: compileField(spec.quality, [...specAt[j], 'quality']),
      unitCost: compileField(spec.unitCost, [...specAt[j], 'unitCost']),
      fixedCost: compileField(spec.fixedCost ?? 0, [...specAt[j], 'fixedCost']),
      exitRisk: spec.exitRisk === undefined ? null : compileField(spec.exitRisk, [...specAt[j], 'exitRisk']),
    },
    cash: spec.cash,
    serves: servesMask(spec.serves),
    funding: compileFunding(spec.funding, [...specAt[j], 'funding', 'amount']),
    switchCostFactor: spec.switchCostFactor ?? 1,
    activeAtStart,
  }));

  const months = scenario.months;
  const actions: Action[][] = Array.from({ length: months }, () => []);
  const campaigns: CampaignTemplate[] = [];
  const vouchers: VoucherTemplate[] = [];
  let classes: Record<string, ClassSpec> = scenario.classes;
  // Funding as it stands after each set, so a set of one funding field keeps the others.
  const funding = specs.map(({ spec }) => spec.funding ?? null);
  // Where each class's funding probability was last set, by class id (classes.ts, fundingAt).
  const classFundingAt: Record<string, DocumentLocation> = {};
  // Where each provider's funding amount was last set (its spec, then events' sets).
  const fundingAmountAt: DocumentLocation[] = specAt.map((at) => [...at, 'funding', 'amount']);
  for (const [k, e] of scenario.events.entries()) {
    if (e.drop || e.at === undefined) continue;
    const t = monthIndex(scenario.start, e.at);
    if (t < 0 || t >= months) continue; // outside the run: no effect
    const here = actions[t];
    if (e.exit !== undefined) here.push({ kind: 'exit', provider: indexOf(e.exit) });
    if (e.enter) here.push({ kind: 'enter', provider: indexOf(e.enter.id) });
    if (e.campaign) {
      campaigns.push(compileCampaign(e.campaign, t, scenario.start, ids.length, indexOf));
      here.push({ kind: 'campaign', campaign: campaigns.length - 1 });
    }
    if (e.voucher) {
      const v = e.voucher;
      vouchers.push({ from: t, until: v.until === undefined ? Infinity : monthIndex(scenario.start, v.until), classes: servesMask(v.classes), share: v.share });
    }
    for (const [path, value] of Object.entries(e.set ?? {})) {
      const target = setPlaceOf(path);
      // The loader has checked every set path (set-paths.ts); one without a place here is a bug.
      if (!target) throw new ModelError(`cannot set "${path}": not a settable path`);
      const action = compileSet(target, value, indexOf, servesMask, classes, funding, ['events', k, 'set', path], classFundingAt, fundingAmountAt);
      if (action.kind === 'setClasses') classes = action.next;
      here.push(action.kind === 'setClasses' ? action.action : action);
    }
  }

  const layout = metricLayout(ids, classIds, { vouchers: vouchers.length > 0 });
  return {
    scenario,
    metricNames: layout.names,
    layout,
    months,
    start: scenario.start,
    providers,
    classes: classTable(scenario.classes),
    campaigns,
    vouchers,
    actions,
    initialShares: initialShares(scenario, classIds, ids, providers),
  };
}

/** @param amountAt where `amount` was last written, for a ModelError's file and line */
function compileFunding(f: ProviderSpec['funding'], amountAt?: DocumentLocation): ProviderFunding | null {
  if (!f) return null;
  return {
    below: compileNumberOrExpression(f.below),
    probability: compileNumberOrExpression(f.probability),
    amount: compileField(f.amount, amountAt),
  };
}

function compileCampaign(
  c: CampaignSpec,
  t: number,
  start: string,
  providerCount: number,
  indexOf: (id: string) => number,
): CampaignTemplate {
  const fromProviders = new Uint8Array(providerCount);
  for (const id of c.from ?? []) fromProviders[indexOf(id)] = 1;
  return {
    provider: indexOf(c.provider),
    from: t,
    until: c.until === undefined ? Infinity : monthIndex(start, c.until),
    grant: c.grant,
    validity: c.validity,
    eligible: Eligible[c.eligible],
    fromProviders,
    support: c.support ?? 0,
    budget: c.budget ?? Infinity,
  };
}

type CompiledSet =
  | Exclude<Action, { kind: 'setClasses' }>
  | { kind: 'setClasses'; action: Action; next: Record<string, ClassSpec> };

/** Names of the world's settable globals by scenario path. */
const GLOBALS: Readonly<Record<string, GlobalName>> = {
  horizon: 'horizon',
  'qualityReference.value': 'qualityReference',
  'qualityReference.frontierWeight': 'frontierWeight',
  'startups.entry.rate': 'entryRate',
  'startups.entry.qualityElasticity': 'entryElasticity',
};

/** A checked `set` path (MODEL.md section 9, "Paths" and "set"; set-paths.ts), by its place, as an action. */
function compileSet(
  target: SetPlace,
  value: unknown,
  indexOf: (id: string) => number,
  servesMask: (s: readonly string[] | undefined) => number,
  classes: Record<string, ClassSpec>,
  funding: (ProviderSpec['funding'] | null)[],
  origin: DocumentLocation,
  classFundingAt: Record<string, DocumentLocation>,
  fundingAmountAt: DocumentLocation[],
): CompiledSet {
  switch (target.kind) {
    case 'scenario': {
      const path = target.keys.join('.');
      if (path === 'qualityReference') return { kind: 'setQualityReference', ...qualityReferenceParts(value as number | { value?: number }) };
      return { kind: 'setGlobal', name: GLOBALS[path], value: value as number };
    }
    case 'provider': {
      const provider = indexOf(target.id);
      if (target.field === 'serves') return { kind: 'setServes', provider, serves: servesMask(value as string[]) };
      if (target.field === 'switchCostFactor') return { kind: 'setSwitchCostFactor', provider, value: value as number };
      if (target.field === 'funding') {
        funding[provider] = (value as ProviderSpec['funding'] | null) ?? null;
        fundingAmountAt[provider] = [...origin, 'amount'];
        return { kind: 'setFunding', provider, funding: compileFunding(funding[provider] ?? undefined, fundingAmountAt[provider]) };
      }
      return { kind: 'setField', provider, field: target.field, rule: compileField(value as never, origin) };
    }
    case 'providerFunding': {
      const provider = indexOf(target.id);
      const current = funding[provider];
      const next = current && { ...current, [target.field]: value };
      funding[provider] = next ?? null;
      if (target.field === 'amount') fundingAmountAt[provider] = origin;
      return { kind: 'setFunding', provider, funding: compileFunding(next ?? undefined, fundingAmountAt[provider]) };
    }
    case 'class': {
      const next = structuredClone(classes);
      setIn(next[target.id] as unknown as Record<string, unknown>, target.keys, value);
      const field = target.keys[0];
      // A set of the funding probability (or the whole funding map) is where a bad value of it comes from from now on.
      if (field === 'funding' && (target.keys.length === 1 || target.keys[1] === 'probability'))
        classFundingAt[target.id] = target.keys.length === 1 ? [...origin, 'probability'] : origin;
      return {
        kind: 'setClasses',
        next,
        action: {
          kind: 'setClasses',
          classes: classTable(next, { ...classFundingAt }),
          rederiveSwitchCost: field === 'switchCost',
          rederiveGrowth: field === 'growth',
        },
      };
    }
  }
}

function setIn(target: Record<string, unknown>, parts: readonly string[], value: unknown): void {
  let node = target;
  for (const key of parts.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

/**
 * Cumulative initial-provider shares per class (MODEL.md section 9,
 * "serves"): over the providers that serve the class, renormalised.
 */
function initialShares(
  scenario: Scenario,
  classIds: readonly string[],
  ids: readonly string[],
  providers: readonly ProviderTemplate[],
): (Float64Array | null)[] {
  const given = scenario.startups.initialProviders;
  return classIds.map((cls, s) => {
    if (!given) return null;
    const perClass = typeof Object.values(given)[0] === 'object';
    const map = (perClass ? given[cls] : given) as Record<string, number> | undefined;
    if (!map) return null;
    const weights = new Float64Array(ids.length);
    for (const [id, w] of Object.entries(map)) {
      const j = ids.indexOf(id);
      if (j >= 0 && providers[j].activeAtStart && providers[j].serves & (1 << s)) weights[j] = w;
    }
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new ModelError(`initialProviders give class "${cls}" no provider that serves it`);
    let acc = 0;
    return weights.map((w) => (acc += w / total));
  });
}
