/**
 * summary.json: the headline numbers of a result folder (market
 * concentration, the cohort's deaths, providers left) and the expectation
 * verdicts. Built from timeseries rows as they stream past, so it costs no
 * extra pass over the runs. No timestamps: see manifest.json.
 */
import { monthLabel } from '../calendar.js';
import type { MetricCatalog } from './metric-catalog.js';
import type { ExpectationResult, TimeseriesRow } from './result-types.js';

export const SUMMARY_JSON_FILE = 'summary.json';

/** Month indices t reported besides the last month: one and two years in. */
export const SUMMARY_MONTHS: readonly number[] = [12, 24];

/** The families the summary reports, by their registry patterns (MODEL.md section 8). */
const HHI = 'hhi.tokens';
const PROVIDERS = 'providers.active';
const COHORT = 'cohort.dead.fraction';
const COHORT_CLASS = 'cohort.dead.<class>.fraction';

/** A metric at a month across runs: mean and the 90 % range p05–p95 (units of the metric). */
export interface Band {
  /** Month index t, 0-based. */
  month: number;
  date: string;
  mean: number;
  p05: number;
  p50: number;
  p95: number;
}

export interface ClassBand extends Band {
  /** Startup class id. */
  class: string;
}

export interface Summary {
  scenario: string | null;
  seed: number | string;
  runs: number;
  months: number;
  /** `YYYY-MM` of the first and the last month. */
  start: string;
  end: string;
  /** HHI of tokens (0–10 000) at t = 12, 24 and the last month, those within the run. */
  hhiTokens: Band[];
  /** Fraction of the t = 0 cohort dead by t = 12, overall; null when the run is shorter. */
  cohortDead: Band | null;
  /** The same by startup class, in metric order. */
  cohortDeadByClass: ClassBand[];
  /** Providers active at the last month (count). */
  providersActive: Band | null;
  expectations: ExpectationResult[];
}

export interface SummaryContext {
  scenario: string | null;
  seed: number | string;
  runs: number;
  months: number;
  start: string;
}

function band(row: TimeseriesRow): Band {
  return { month: row.month, date: row.date, mean: row.mean, p05: row.p05, p50: row.p50, p95: row.p95 };
}

/** The metric of a one-metric family, if the run has it. */
function single(catalog: MetricCatalog, pattern: string): string | undefined {
  return catalog.membersOf(pattern)[0]?.name;
}

/** The (metric, month) cells the summary reports. */
function wanted(catalog: MetricCatalog, months: number): Set<string> {
  const last = months - 1;
  const keys = new Set<string>();
  const hhiMonths = [...SUMMARY_MONTHS.filter((t) => t < last), last];
  const hhi = single(catalog, HHI);
  const providers = single(catalog, PROVIDERS);
  const cohort = single(catalog, COHORT);
  if (hhi !== undefined) for (const t of hhiMonths) keys.add(`${hhi}@${t}`);
  if (providers !== undefined) keys.add(`${providers}@${last}`);
  if (cohort !== undefined) keys.add(`${cohort}@${SUMMARY_MONTHS[0]}`);
  for (const m of catalog.membersOf(COHORT_CLASS)) keys.add(`${m.name}@${SUMMARY_MONTHS[0]}`);
  return keys;
}

export interface SummaryCollector {
  /** Offer every timeseries row; the few the summary needs are kept. */
  take(row: TimeseriesRow): void;
  /** The summary, once every row has been offered. */
  build(expectations: ExpectationResult[]): Summary;
}

/** Collects the rows a summary needs from the stream of timeseries rows; the run's metrics described by `catalog`. */
export function summaryCollector(catalog: MetricCatalog, context: SummaryContext): SummaryCollector {
  const keys = wanted(catalog, context.months);
  const kept = new Map<string, TimeseriesRow>();
  const get = (metric: string | undefined, month: number) => (metric === undefined ? undefined : kept.get(`${metric}@${month}`));
  const [hhi, providersActive, cohortDead] = [HHI, PROVIDERS, COHORT].map((p) => single(catalog, p));
  const last = context.months - 1;
  return {
    take(row) {
      const key = `${row.metric}@${row.month}`;
      if (keys.has(key)) kept.set(key, row);
    },
    build(expectations) {
      const t12 = SUMMARY_MONTHS[0];
      const hhiMonths = [...SUMMARY_MONTHS.filter((t) => t < last), last];
      const cohort = get(cohortDead, t12);
      const providers = get(providersActive, last);
      return {
        scenario: context.scenario,
        seed: context.seed,
        runs: context.runs,
        months: context.months,
        start: context.start,
        end: monthLabel(context.start, last),
        hhiTokens: hhiMonths.flatMap((t) => {
          const row = get(hhi, t);
          return row ? [band(row)] : [];
        }),
        cohortDead: cohort ? band(cohort) : null,
        cohortDeadByClass: catalog.membersOf(COHORT_CLASS).flatMap((m) => {
          const id = m.bindings.class;
          const row = get(m.name, t12);
          return row && id !== undefined ? [{ class: id, ...band(row) }] : [];
        }),
        providersActive: providers ? band(providers) : null,
        expectations,
      };
    },
  };
}

/** summary.json text: NaN (an empty statistic) becomes null, as JSON has no NaN. */
export function summaryJson(summary: Summary): string {
  return JSON.stringify(summary, null, 2) + '\n';
}
