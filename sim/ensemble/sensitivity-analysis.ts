/**
 * `sensitivity`: a global sensitivity analysis of a scenario's metrics to
 * some of its numeric values, run as a sweep (sweep.ts) over a Saltelli or
 * Morris design (sensitivity/saltelli.ts, sensitivity/morris.ts) with R
 * replications at every point, the same seeds at every point; the indices
 * are computed on the point means (sensitivity/replications.ts), with the
 * share of each metric's variance that is Monte Carlo noise.
 *
 * A failed design point breaks the estimators (every S_i and ST_i uses every
 * row of A and B; every Morris trajectory is a chain), and dropping rows
 * would bias them silently toward the region where the scenario runs: the
 * indices are then not computed, the folder keeps the design, its outputs
 * and each failure, and the result says which points failed.
 */
import { UsageError } from '../errors.js';
import { INDICES_FILE, type IndexRow, type MetricIndices, type SensitivityRecord, type SensitivitySummary, sensitivityJson, sensitivityMarkdown, writeIndicesCsv } from '../output/sensitivity-files.js';
import type { PointOutcome, SweepSummary } from '../output/sweep-files.js';
import type { Scenario } from '../scenario/schema.js';
import { join } from 'node:path';
import { badParam, duplicateParam, tooFewRuns, tooLargeAnalysis } from './messages.js';
import { morrisDesign, type MorrisDesign, morrisIndices } from './sensitivity/morris.js';
import { averageReplications } from './sensitivity/replications.js';
import { saltelliDesign, type SaltelliDesign } from './sensitivity/saltelli.js';
import { sobolIndices } from './sensitivity/sobol-indices.js';
import type { SweepDesign } from './sweep-design.js';
import { type SweepAnalysis, type SweepCell, type SweepOptions, type WrittenSweep, writeSweep } from './sweep.js';

/** The most design points an analysis runs (as a sweep), and the most runs in all. */
export const MAX_ANALYSIS_POINTS = 100_000;
export const MAX_ANALYSIS_RUNS = 10_000_000;
/** Bootstrap resamples behind the Sobol' intervals. */
export const RESAMPLES = 1000;
/** Levels of the Morris grid. */
export const MORRIS_LEVELS = 4;

export type SensitivityMethod = 'sobol' | 'morris';

export interface SensitivityParameter {
  path: string;
  lo: number;
  hi: number;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Commander's parser of a repeatable `--param <path>=<lo>:<hi>`. */
export function parseParam(text: string, previous: SensitivityParameter[] = []): SensitivityParameter[] {
  const at = text.indexOf('=');
  const path = at < 0 ? '' : text.slice(0, at).trim();
  const parts = at < 0 ? [] : text.slice(at + 1).split(':').map((p) => p.trim());
  const [lo, hi] = parts.map((p) => (NUMBER.test(p) ? Number(p) : NaN));
  if (!path || parts.length !== 2 || !Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) throw new UsageError(badParam(text));
  return [...previous, { path, lo, hi }];
}

/** Design points of an analysis: N(d + 2) for Sobol', r(d + 1) for Morris (r = N trajectories). */
export function designSize(method: SensitivityMethod, parameters: number, samples: number): number {
  return method === 'sobol' ? samples * (parameters + 2) : samples * (parameters + 1);
}

/** An analysis's design, both as the core's estimators need it and as a sweep runs it. */
export interface SensitivityPlan {
  record: SensitivityRecord;
  core: { method: 'sobol'; design: SaltelliDesign } | { method: 'morris'; design: MorrisDesign };
  design: SweepDesign;
}

/**
 * The design of N `samples` (Sobol' base samples, or Morris trajectories)
 * over the parameters, with `runs` replications at each point; the Morris
 * trajectories are keyed by `seed`.
 * @throws UsageError for a path given twice, fewer than 2 runs, or a design too large to run
 */
export function sensitivityPlan(
  parameters: readonly SensitivityParameter[],
  options: { method: SensitivityMethod; samples: number; runs: number; seed: string | number },
): SensitivityPlan {
  const { method, samples, runs, seed } = options;
  const paths = parameters.map((p) => p.path);
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice !== undefined) throw new UsageError(duplicateParam(twice));
  if (runs < 2) throw new UsageError(tooFewRuns(runs));
  const points = designSize(method, parameters.length, samples);
  if (points > MAX_ANALYSIS_POINTS || points * runs > MAX_ANALYSIS_RUNS) throw new UsageError(tooLargeAnalysis(points, runs, MAX_ANALYSIS_POINTS, MAX_ANALYSIS_RUNS));
  const ranges = parameters.map((p) => ({ name: p.path, lo: p.lo, hi: p.hi }));
  const record: SensitivityRecord = {
    method,
    samples,
    levels: method === 'morris' ? MORRIS_LEVELS : null,
    resamples: method === 'sobol' ? RESAMPLES : null,
    parameters: parameters.map(({ path, lo, hi }) => ({ path, lo, hi })),
  };
  const core = method === 'sobol'
    ? { method, design: saltelliDesign(ranges, samples) } as const
    : { method, design: morrisDesign(ranges, { trajectories: samples, levels: MORRIS_LEVELS, seed }) } as const;
  return { record, core, design: { paths, points: core.design.points.map((p) => Array.from(p)), kind: method === 'sobol' ? 'saltelli' : 'morris' } };
}

/**
 * The indices of every cell from the points' outcomes (one list of R
 * replications per point and cell), or none when a point failed.
 */
export function computeIndices(plan: SensitivityPlan, cells: readonly SweepCell[], outcomes: readonly PointOutcome[], runs: number, seed: string | number): SensitivitySummary {
  const failedPoints = outcomes.flatMap((o) => ('error' in o ? [o.point] : []));
  const base = { ...plan.record, designPoints: plan.design.points.length, runs, failedPoints };
  if (failedPoints.length > 0) return { ...base, computed: false, metrics: [] };
  const metrics = cells.map((cell, c): MetricIndices => {
    const outputs = outcomes.map((o) => (o as { values: number[][] }).values[c]);
    const { means, noise } = averageReplications(outputs);
    let variance: number | null = null;
    let indices: IndexRow[];
    if (plan.core.method === 'sobol') {
      const a = sobolIndices(plan.core.design, means, { seed, resamples: RESAMPLES });
      variance = a.variance;
      indices = a.indices.flatMap((i) => [
        { parameter: i.parameter, index: 'S1' as const, value: i.first.value, ciLow: i.first.low, ciHigh: i.first.high },
        { parameter: i.parameter, index: 'ST' as const, value: i.total.value, ciLow: i.total.low, ciHigh: i.total.high },
      ]);
    } else {
      indices = morrisIndices(plan.core.design, means).flatMap((i) =>
        (
          [
            ['mu', i.mu],
            ['mu_star', i.muStar],
            ['sigma', i.sigma],
          ] as const
        ).map(([index, value]) => ({ parameter: i.parameter, index, value, ciLow: NaN, ciHigh: NaN })),
      );
    }
    return { metric: cell.metric, month: cell.month, date: cell.date, variance, noise: { ...noise }, indices };
  });
  return { ...base, computed: true, metrics };
}

/** The analysis a sweep over the plan's design ends with: indices.csv (when every point ran) and the summaries. */
export function sensitivityAnalysis(plan: SensitivityPlan, cells: readonly SweepCell[], scenario: Scenario): SweepAnalysis<SensitivitySummary> {
  return {
    record: plan.record,
    name: 'sensitivity analysis',
    write(dir: string, summary: SweepSummary, outcomes: readonly PointOutcome[]) {
      const result = computeIndices(plan, cells, outcomes, scenario.runs, scenario.seed);
      if (result.computed) writeIndicesCsv(join(dir, INDICES_FILE), result);
      return { result, json: sensitivityJson(summary, result), markdown: sensitivityMarkdown(summary, result) };
    },
  };
}

/**
 * Runs the plan's design on `scenario` (resolved, flags applied; its runs
 * and seed are the analysis's) and writes the analysis folder `options.out`:
 * the sweep's files, indices.csv (when every point ran) and the summaries.
 */
export function writeSensitivity(scenario: Scenario, plan: SensitivityPlan, cells: readonly SweepCell[], options: SweepOptions): Promise<WrittenSweep<SensitivitySummary>> {
  return writeSweep(scenario, plan.design, cells, { ...options, analysis: sensitivityAnalysis(plan, cells, scenario) });
}
