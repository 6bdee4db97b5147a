/**
 * Paired differences of a what-if against its baseline (common random
 * numbers): both ran the same replications with the same seeds, so run r
 * of one and run r of the other saw the same startups, draws and shocks
 * wherever the worlds coincide, and the difference d_r = whatif_r −
 * baseline_r has a much smaller variance than the difference of two
 * independent means. Per metric (those both scenarios record, in the
 * baseline's order) and month: the mean, sd and 95 % Student-t interval of
 * d, the shares of runs in which the what-if is lower and higher, and each
 * side's mean and sd (for the variance reduction of a headline row).
 */
import { monthLabel } from '../calendar.js';
import { UsageError } from '../errors.js';
import type { RunStoreReader } from '../output/run-store.js';
import { DEFAULT_SLAB_BYTES } from '../output/run-store.js';
import type { PairedRow } from '../output/comparison-files.js';
import { differentShapes } from './messages.js';
import { summarise, summariseSorted } from './stats.js';

export interface PairedOptions {
  /** Bytes of per-run values held at once (both scenarios together); default DEFAULT_SLAB_BYTES. */
  budgetBytes?: number;
  signal?: AbortSignal;
}

/** The metrics both stores record, as [name, baseline index, what-if index], in the baseline's order. */
export function commonMetrics(baseline: RunStoreReader, whatif: RunStoreReader): [string, number, number][] {
  const theirs = new Map(whatif.shape.metrics.map((name, i) => [name, i]));
  return baseline.shape.metrics.flatMap((name, i) => (theirs.has(name) ? [[name, i, theirs.get(name)!] as [string, number, number]] : []));
}

/** Yields a PairedRow for every common metric (baseline order) and month (ascending). */
export async function* pairedDifferences(baseline: RunStoreReader, whatif: RunStoreReader, options: PairedOptions = {}): AsyncGenerator<PairedRow> {
  const a = baseline.shape;
  const b = whatif.shape;
  if (a.runs !== b.runs || a.months !== b.months || a.start !== b.start) throw new UsageError(differentShapes(a, b));
  const { runs, months, start } = a;
  const metrics = commonMetrics(baseline, whatif);
  // Metrics per pass: both sides' runs × months values of each fit the budget (at least one metric).
  const perMetric = 2 * runs * months * 8;
  const chunk = Math.max(1, Math.floor((options.budgetBytes ?? DEFAULT_SLAB_BYTES) / perMetric));
  const d = new Float64Array(runs);
  for (let first = 0; first < metrics.length; first += chunk) {
    const part = metrics.slice(first, first + chunk);
    const cells = (side: 1 | 2) => part.flatMap((m) => Array.from({ length: months }, (_, t) => ({ metric: m[side], month: t })));
    const left = await baseline.cells(cells(1), { signal: options.signal });
    const right = await whatif.cells(cells(2), { signal: options.signal });
    for (let k = 0; k < part.length; k++) {
      for (let t = 0; t < months; t++) {
        const x = left[k * months + t];
        const y = right[k * months + t];
        let lower = 0;
        let higher = 0;
        for (let r = 0; r < runs; r++) {
          d[r] = y[r] - x[r];
          if (d[r] < 0) lower++;
          else if (d[r] > 0) higher++;
        }
        const diff = summariseSorted(d.slice().sort());
        const base = summarise(x);
        const what = summarise(y);
        yield {
          metric: part[k][0],
          month: t,
          date: monthLabel(start, t),
          mean: diff.mean,
          sd: diff.sd,
          ciLow: diff.ciLow,
          ciHigh: diff.ciHigh,
          pLower: lower / runs,
          pHigher: higher / runs,
          baselineMean: base.mean,
          whatifMean: what.mean,
          baselineSd: base.sd,
          whatifSd: what.sd,
        };
      }
    }
  }
}

/**
 * The variance reduction of common random numbers at one cell:
 * (sd_baseline² + sd_whatif²) / sd_difference², the factor by which pairing
 * shrinks the variance of the estimated difference against independent
 * runs. Infinity when the difference does not vary but the sides do
 * (an identical what-if); NaN when nothing varies or with one run.
 */
export function varianceReduction(row: Pick<PairedRow, 'sd' | 'baselineSd' | 'whatifSd'>): number {
  const sides = row.baselineSd ** 2 + row.whatifSd ** 2;
  const diff = row.sd ** 2;
  if (!(sides > 0)) return NaN;
  return diff > 0 ? sides / diff : Infinity;
}
