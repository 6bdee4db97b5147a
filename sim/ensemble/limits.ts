/**
 * Will this run fit in memory? Checked before anything is compiled or
 * written (docs/security.md, "Limits"): a scenario with 10^9 startups is
 * refused with the estimate, not left to run the machine out of memory
 * in month 40.
 *
 * Per replication in flight (one per worker) the model holds its startup
 * table and returns one record of every metric at every month; the
 * ensemble also holds a few values per run (expectations, progress) and
 * the aggregator's slab budget. The startup table's bytes per startup are
 * measured from the table itself, so they follow its layout.
 */
import { freemem, totalmem } from 'node:os';
import { UsageError } from '../errors.js';
import { metricFamilies } from '../model/metrics.js';
import { GRANT_ENTRY_BYTES, MAX_STARTUPS, RECORD_BYTES } from '../model/startups.js';
import { DEFAULT_SLAB_BYTES } from '../output/run-store.js';
import { qualityReferenceParts } from '../scenario/quality-reference.js';
import type { Scenario } from '../scenario/schema.js';
import { resolveSetPath } from '../scenario/set-paths.js';
import { tooBigForMemory, tooManyStartups } from './messages.js';

/** What one replication's startup table may grow to, and what a run needs in all. */
export interface ResourceEstimate {
  /** Startups of one replication: the t = 0 population plus the expected entrants. */
  startups: number;
  /** Bytes the startup table holds per startup (sim/model/startups.ts). */
  bytesPerStartup: number;
  /** Metric columns (MODEL.md section 8) for these providers and classes. */
  metrics: number;
  /** Bytes of one replication in flight: its startups and its metric record. */
  bytesPerReplication: number;
  /** Replications in flight at once. */
  workers: number;
  /** Bytes in all, the fixed parts included. */
  bytes: number;
}

/** The aggregator's default slab budget (aggregate.ts), and what a worker thread costs before it runs anything. */
const AGGREGATOR_BYTES = DEFAULT_SLAB_BYTES;
const WORKER_BASE_BYTES = 64 << 20;

/**
 * Bytes per startup of the model's startup table: one record, and, when the
 * scenario runs campaigns, an entry of the grant table, as if every startup
 * were granted free tokens (few are; the estimate is an upper bound).
 */
export function bytesPerStartup(campaigns = false): number {
  return RECORD_BYTES + (campaigns ? GRANT_ENTRY_BYTES : 0);
}

/**
 * Metric columns for `providers` provider ids and `classes` class ids, from
 * the registry's patterns (counted, not listed: a scenario may have a
 * million flow columns, and this runs before it is refused or built).
 */
export function metricCount(providers: number, classes: number, vouchers = false): number {
  let n = 0;
  for (const { pattern, optional } of metricFamilies) {
    // The optional families are the voucher metrics, one name each.
    if (optional) {
      if (vouchers) n++;
      continue;
    }
    if (pattern.includes('<from>')) n += providers * Math.max(0, providers - 1);
    else n += (pattern.includes('<class>') ? classes : 1) * (pattern.includes('<id>') ? providers : 1);
  }
  return n;
}

/**
 * The largest expected number of entrants per month: `entry.rate` times the
 * quality factor (Q/q_ref)^η of MODEL.md step 3, over every value a `set`
 * may give them. Qualities written as expressions are unknown until the run;
 * the factor uses the numbers (and `initial`s) written, and is at least 1.
 */
function entrantsPerMonth(s: Scenario): number {
  const rates = [s.startups.entry.rate];
  const elasticities = [s.startups.entry.qualityElasticity];
  const references = [qualityReferenceParts(s.qualityReference).value];
  const qualities: number[] = [];
  const quality = (q: unknown) => {
    if (typeof q === 'number') qualities.push(q);
    else if (q && typeof q === 'object' && typeof (q as { initial?: unknown }).initial === 'number') qualities.push((q as { initial: number }).initial);
  };
  for (const p of s.providers) quality(p.quality);
  for (const e of s.events) {
    if (e.enter) quality(e.enter.quality);
    for (const [path, value] of Object.entries(e.set ?? {})) {
      const target = resolveSetPath(s, path);
      if (typeof target === 'string') continue;
      if (target.kind === 'provider' && target.field === 'quality') quality(value);
      if (target.kind === 'scenario' && target.keys[0] === 'qualityReference' && value && typeof value === 'object') {
        references.push(qualityReferenceParts(value as { value?: number }).value);
        continue;
      }
      if (target.kind !== 'scenario' || typeof value !== 'number') continue;
      const global = target.keys.join('.');
      if (global === 'startups.entry.rate') rates.push(value);
      else if (global === 'startups.entry.qualityElasticity') elasticities.push(value);
      else if (global === 'qualityReference' || global === 'qualityReference.value') references.push(value);
    }
  }
  const rate = Math.max(0, ...rates);
  if (rate === 0) return 0;
  // Q is the best quality on offer, which may be any provider's once the others exit:
  // with η < 0 the lowest quality written gives the most entrants (0 gives unboundedly many).
  const best = Math.max(0, ...qualities);
  const worst = Math.min(best, ...qualities);
  let factor = 1;
  for (const eta of elasticities) for (const ref of references) factor = Math.max(factor, ((eta < 0 ? worst : best) / ref) ** eta);
  return rate * (Number.isNaN(factor) ? 1 : factor);
}

export interface ResourceOptions {
  /** Replications in flight at once; default 1. */
  workers?: number;
  /** Replications in all; default the scenario's `runs`. */
  runs?: number;
}

/** What running `scenario` (flags applied) is expected to need. */
export function estimateResources(scenario: Scenario, options: ResourceOptions = {}): ResourceEstimate {
  const workers = Math.max(1, options.workers ?? 1);
  const runs = options.runs ?? scenario.runs;
  const providers = scenario.providers.length + scenario.events.filter((e) => e.enter).length;
  const metrics = metricCount(providers, Object.keys(scenario.classes).length, scenario.events.some((e) => e.voucher !== undefined));
  const startups = scenario.startups.initial + Math.ceil(entrantsPerMonth(scenario) * scenario.months);
  const perStartup = bytesPerStartup(scenario.events.some((e) => e.campaign !== undefined));
  const record = scenario.months * metrics * 8;
  const bytesPerReplication = startups * perStartup + record;
  // Per run: its expectation cells and the resume bookkeeping (run-store.ts), 8 bytes each.
  const perRun = 8 * (scenario.expect.length + 2);
  return {
    startups,
    bytesPerStartup: perStartup,
    metrics,
    bytesPerReplication,
    workers,
    bytes: workers * (bytesPerReplication + WORKER_BASE_BYTES) + runs * perRun + AGGREGATOR_BYTES,
  };
}

/**
 * The memory this process may use: the machine's, or less where a
 * container limit says so (`process.constrainedMemory`, cgroups).
 */
export function availableMemory(): number {
  const total = totalmem();
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  return constrained && constrained > 0 && constrained < total ? constrained : total;
}

export interface AssertResourcesOptions extends ResourceOptions {
  /** The scenario file as the user named it, for the message. */
  file?: string;
  /** Default availableMemory(). */
  availableBytes?: number;
}

/**
 * Refuses a run that cannot fit in this machine's memory, or whose
 * startups cannot fit in one replication's memory (MAX_STARTUPS), before it starts.
 * @throws UsageError naming the estimate and the limit
 */
export function assertResources(scenario: Scenario, options: AssertResourcesOptions = {}): ResourceEstimate {
  const estimate = estimateResources(scenario, options);
  const available = options.availableBytes ?? availableMemory();
  if (!(estimate.bytes <= available)) throw new UsageError(tooBigForMemory(options.file, estimate, scenario.months, available, freemem()));
  if (!(estimate.startups <= MAX_STARTUPS)) throw new UsageError(tooManyStartups(options.file, estimate.startups, scenario.months, MAX_STARTUPS));
  return estimate;
}
