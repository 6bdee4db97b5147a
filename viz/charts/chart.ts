/** What a chart is, and which charts are asked for: shared by the builders of every kind of folder. */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartOptions } from './parts.js';

/** The kinds of chart, in the order they are drawn and shown; `metric` charts are drawn only for the metrics `--metric` names. */
export const CHART_KINDS = ['hhi', 'shares', 'survival', 'deaths', 'flows', 'providers', 'metric'] as const;

/** The kinds drawn when `--metric` names nothing of theirs. */
export const DEFAULT_KINDS: readonly ChartKind[] = ['hhi', 'shares', 'survival', 'deaths', 'flows', 'providers'];
export type ChartKind = (typeof CHART_KINDS)[number];

export interface Chart {
  /** A result folder's kinds, or the charts of a comparison, a sweep, a sensitivity analysis or a calibration folder (collections.ts). */
  kind: ChartKind | 'comparison' | 'sweep' | 'sensitivity' | 'calibration';
  /** File stem under charts/, e.g. `hhi-tokens`. */
  name: string;
  /** The title on one line (the spec may wrap it). */
  title: string;
  /** What a reader learns from it, one sentence: the report's caption. */
  caption: string;
  spec: TopLevelSpec;
}

export interface ChartSelection extends ChartOptions {
  /**
   * Metrics (any name of the folder's timeseries.csv, e.g. `hhi.customers`,
   * `cr1.tokens`) and per-provider families (`share.customers`,
   * `provider.cash`) to chart (metric-choice.ts). An HHI gets the HHI
   * chart, a share family the share panels, another family panels of its
   * own, any other metric its mean and band. The HHI and share charts keep
   * their defaults (`hhi.tokens`, `share.tokens`) when none of theirs is named.
   */
  metrics?: readonly string[];
  /** Kinds to draw; default all. */
  only?: readonly string[];
}

