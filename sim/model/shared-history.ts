/**
 * Shared history: when may a what-if take over its baseline's world instead
 * of simulating the same months again? Randomness is keyed by (seed,
 * replication, purpose, month, startup), never drawn from a running stream
 * (sim/rng/keyed.ts), so two scenarios that apply the same model to the same
 * world in months 0 … m − 1 hold the same state at the end of month m − 1,
 * byte for byte; the what-if can then go on from a copy (fork.ts).
 *
 * The rule is conservative: everything that is not an event must be equal
 * (the resolved scenario without its name, description, sources, events,
 * expectations and run count; the compiled providers, entering ones
 * included, and classes; the metric columns), then the month's events as
 * applied (in order, a campaign by its content, the vouchers running that
 * month) are compared month by month. Anything the comparison cannot put
 * into words (a function it does not know) counts as different.
 */
import type { CompiledScenario } from './compile.js';

/** Keys of a scenario that do not reach a replication, or reach it only through the compiled events. */
const NOT_SIMULATED = new Set(['name', 'description', 'sources', 'events', 'expect', 'runs']);

/**
 * Months 0 … m − 1 that `what` is sure to simulate exactly as `base` does:
 * 0 when anything but the events differs, `months` when nothing does.
 */
export function sharedMonths(base: CompiledScenario, what: CompiledScenario): number {
  let same: boolean;
  try {
    same = fixedPart(base) === fixedPart(what);
  } catch {
    return 0;
  }
  if (!same) return 0;
  for (let t = 0; t < base.months; t++) {
    try {
      if (monthPart(base, t) !== monthPart(what, t)) return t;
    } catch {
      return t;
    }
  }
  return base.months;
}

/** Everything of a compiled scenario that is not an event, as canonical JSON. */
function fixedPart(c: CompiledScenario): string {
  const scenario = Object.fromEntries(Object.entries(c.scenario).filter(([k]) => !NOT_SIMULATED.has(k)));
  return canonical({
    scenario,
    months: c.months,
    start: c.start,
    metricNames: c.metricNames,
    providers: c.providers,
    classes: c.classes,
    initialShares: c.initialShares,
  });
}

/** What month t applies: its actions in order (a campaign by its content) and the vouchers running then. */
function monthPart(c: CompiledScenario, t: number): string {
  const actions = (c.actions[t] ?? []).map((a) => (a.kind === 'campaign' ? { kind: a.kind, campaign: c.campaigns[a.campaign] } : a));
  const vouchers = c.vouchers.filter((v) => v.from <= t && t <= v.until).map((v) => ({ classes: v.classes, share: v.share }));
  return canonical({ actions, vouchers });
}

/**
 * Canonical JSON: keys sorted, typed arrays as tagged lists, numbers that
 * JSON cannot hold tagged, an expression by its source; `origin` (where a
 * value was written, for messages) left out. Throws on anything else it
 * cannot spell out, such as a function.
 */
export function canonical(value: unknown): string {
  return JSON.stringify(plain(value, new Set()));
}

function plain(value: unknown, path: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value === undefined) return { undefined: true };
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : { number: String(Object.is(value, -0) ? '-0' : value) };
  if (typeof value !== 'object') throw new TypeError(`cannot compare a ${typeof value}`);
  if (path.has(value)) throw new TypeError('cannot compare a cycle');
  path.add(value);
  try {
    if (ArrayBuffer.isView(value)) return { [value.constructor.name]: Array.from(value as unknown as ArrayLike<number>, (x) => plain(x, path)) };
    if (Array.isArray(value)) return value.map((x) => plain(x, path));
    const record = value as Record<string, unknown>;
    if (typeof record.evaluate === 'function' && typeof record.source === 'string') return { expression: record.source };
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) throw new TypeError('cannot compare an instance');
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort()) if (key !== 'origin') out[key] = plain(record[key], path);
    return out;
  } finally {
    path.delete(value);
  }
}
