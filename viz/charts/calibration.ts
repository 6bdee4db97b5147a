/**
 * The chart of a calibration folder (`shakeout calibrate`): the objective
 * at each evaluation (dots) and the best so far (a step line), so that one
 * sees how fast the search closed in and whether it had stopped improving.
 * An objective spanning more than two orders of magnitude is drawn on a
 * symmetric log scale (linear below 1, so an exact fit at 0 still shows).
 * Failed evaluations (+∞) are left out and counted in the subtitle.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CalibrationFolder } from '../../sim/output/read-calibration.js';
import { chartNumber } from '../table.js';
import { INK, SERIES_COLOUR } from '../theme.js';
import { frame, spec, type ChartOptions, type Json } from './parts.js';

/** The largest finite objective over the smallest positive one above which the scale is logarithmic. */
const LOG_RATIO = 100;

const METHOD_NAMES = { 'nelder-mead': 'Nelder–Mead', 'cma-es': 'CMA-ES' } as const;

/** A number for a subtitle: three significant digits. */
const short = (x: number) => (Number.isInteger(x) || Math.abs(x) >= 100 ? String(Math.round(x)) : String(Number(x.toPrecision(3))));

export function calibrationObjectiveSpec(folder: CalibrationFolder, options: ChartOptions = {}): TopLevelSpec {
  const { fit, objectives } = folder;
  let best = Infinity;
  const values: Json[] = objectives.map((objective, evaluation) => {
    best = Math.min(best, objective);
    return { evaluation, objective: chartNumber(objective), best: chartNumber(best) };
  });
  const finite = objectives.filter(Number.isFinite);
  const largest = Math.max(0, ...finite);
  const smallest = Math.min(...finite.filter((x) => x > 0), Infinity);
  const symlog = largest > LOG_RATIO * Math.max(1, Number.isFinite(smallest) ? smallest : 1);
  const failed = objectives.length - finite.length;
  const f = frame(options, 'Calibration objective over the evaluations', [
    `${METHOD_NAMES[fit.method]}, ${objectives.length} evaluations × ${fit.runs} run${fit.runs === 1 ? '' : 's'}, seed ${String(fit.seed).slice(0, 40)}` +
      (failed ? `; ${failed} failed left out` : ''),
    `Best ${short(fit.objective)} at evaluation ${fit.bestEvaluation}; ${fit.stop === 'tolerance' ? 'converged' : 'stopped at maxEvaluations'}`,
  ]);
  const x = { field: 'evaluation', type: 'quantitative', scale: { nice: false, padding: 4 }, axis: { title: 'Evaluation', format: 'd', tickCount: 5, grid: false } };
  // On the log scale, ticks at 0 and the powers of ten (vega's own symlog ticks are linear).
  const decades = symlog ? [0, ...Array.from({ length: Math.ceil(Math.log10(largest)) + 1 }, (_, k) => 10 ** k).filter((v) => v <= largest * 1.5)] : null;
  const ticks = decades ? { values: decades } : { tickCount: 5 };
  const y = { type: 'quantitative', scale: symlog ? { type: 'symlog' } : { zero: true }, axis: { title: 'Σ ((mean − value) / sd)²', format: '~s', ...ticks } };
  return spec({
    ...f,
    description:
      'The objective of a calibration, Σ ((mean − value) / sd)² over its targets, at each evaluation of the search (dots) and the lowest found so far (line).',
    data: { values },
    layer: [
      { transform: [{ filter: 'datum.objective != null' }], mark: { type: 'point', filled: true, size: 10, color: INK.muted, opacity: 0.6 }, encoding: { x, y: { ...y, field: 'objective' } } },
      { transform: [{ filter: 'datum.best != null' }], mark: { type: 'line', color: SERIES_COLOUR, interpolate: 'step-after', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'best' } } },
    ],
  });
}
