/**
 * summary.json: the headline numbers of a result folder (market
 * concentration, the cohort's deaths, providers left) and the expectation
 * verdicts. Built from timeseries rows as they stream past, so it costs no
 * extra pass over the runs. No timestamps: see manifest.json.
 */
import { monthLabel } from '../calendar.js';
import type { ExpectationResult, TimeseriesRow } from './result-types.js';

export const SUMMARY_JSON_FILE = 'summary.json';

/** Month indices t reported besides the last month: one and two years in. */
export const SUMMARY_MONTHS: readonly number[] = [12, 24];

const HHI = 'hhi.tokens';
const PROVIDERS = 'providers.active';
const COHORT = 'cohort.dead.fraction';
const COHORT_CLASS = /^cohort\.dead\.([^.]+)\.fraction$/;

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

/** The (metric, month) cells the summary reports. */
function wanted(metrics: readonly string[], months: number): Set<string> {
  const last = months - 1;
  const keys = new Set<string>();
  const hhiMonths = [...SUMMARY_MONTHS.filter((t) => t < last), last];
  for (const t of hhiMonths) keys.add(`${HHI}@${t}`);
  keys.add(`${PROVIDERS}@${last}`);
  for (const m of metrics) if (m === COHORT || COHORT_CLASS.test(m)) keys.add(`${m}@${SUMMARY_MONTHS[0]}`);
  return keys;
}

export interface SummaryCollector {
  /** Offer every timeseries row; the few the summary needs are kept. */
  take(row: TimeseriesRow): void;
  /** The summary, once every row has been offered. */
  build(expectations: ExpectationResult[]): Summary;
}

/** Collects the rows a summary needs from the stream of timeseries rows. */
export function summaryCollector(metrics: readonly string[], context: SummaryContext): SummaryCollector {
  const keys = wanted(metrics, context.months);
  const kept = new Map<string, TimeseriesRow>();
  const get = (metric: string, month: number) => kept.get(`${metric}@${month}`);
  const last = context.months - 1;
  return {
    take(row) {
      const key = `${row.metric}@${row.month}`;
      if (keys.has(key)) kept.set(key, row);
    },
    build(expectations) {
      const t12 = SUMMARY_MONTHS[0];
      const hhiMonths = [...SUMMARY_MONTHS.filter((t) => t < last), last];
      const cohort = get(COHORT, t12);
      const providers = get(PROVIDERS, last);
      return {
        scenario: context.scenario,
        seed: context.seed,
        runs: context.runs,
        months: context.months,
        start: context.start,
        end: monthLabel(context.start, last),
        hhiTokens: hhiMonths.flatMap((t) => {
          const row = get(HHI, t);
          return row ? [band(row)] : [];
        }),
        cohortDead: cohort ? band(cohort) : null,
        cohortDeadByClass: metrics.flatMap((m) => {
          const id = COHORT_CLASS.exec(m)?.[1];
          const row = id === undefined ? undefined : get(m, t12);
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
