/**
 * Saltelli sampling (A. Saltelli, P. Annoni, I. Azzini, F. Campolongo,
 * M. Ratto, S. Tarantola, "Variance based sensitivity analysis of model
 * output. Design and estimator for the total sensitivity index", Comput.
 * Phys. Commun. 181 (2010) 259–270, section 3): two N × d matrices A and
 * B from one 2d-dimensional Sobol' sequence (A its first d columns, B its
 * last d), and for each parameter i the matrix A_B^(i), which is A with
 * column i taken from B. The model is run at all N(d + 2) rows.
 *
 * Convention: the sequence starts at its point 1; point 0, the origin,
 * would put every parameter at its lower end in the first row of both A and
 * B. (SALib skips points the same way; Owen, "On dropping the first Sobol'
 * point", 2022, argues for keeping it with scrambling, which this
 * unscrambled design does not use.) N a power of two keeps the sequence's
 * balance best.
 */
import { UsageError } from '../../errors.js';
import { SOBOL_DIMENSIONS, sobolPoints } from './sobol-sequence.js';
import { tooManyParameters, wholeAtLeast } from './messages.js';
import { checkParameters, scaled, type ParameterRange } from './parameters.js';

/** The most parameters a design can vary: two sequence dimensions each. */
export const SALTELLI_MAX_PARAMETERS = Math.floor(SOBOL_DIMENSIONS / 2);

/**
 * A design's rows, matrix by matrix: rows 0 … N − 1 are A, N … 2N − 1 are
 * B, and (2 + i)N … (3 + i)N − 1 are A_B^(i) for parameter i (0-based).
 * Row j of every matrix comes from the same sequence point, so row j of
 * A_B^(i) differs from row j of A in column i alone.
 */
export interface SaltelliDesign {
  readonly parameters: readonly ParameterRange[];
  /** N, the rows of each matrix. */
  readonly baseSamples: number;
  /** The N(d + 2) design points, in the parameters' units, one Float64Array of d values each. */
  readonly points: readonly Float64Array[];
}

/** Index of row j of matrix A (0), B (1) or A_B^(i) (i + 2) in a design's points. */
export function designRow(baseSamples: number, matrix: number, j: number): number {
  return matrix * baseSamples + j;
}

/** The Saltelli design of N base samples over the parameters' ranges. */
export function saltelliDesign(parameters: readonly ParameterRange[], baseSamples: number): SaltelliDesign {
  checkParameters(parameters);
  const d = parameters.length;
  if (d > SALTELLI_MAX_PARAMETERS) throw new UsageError(tooManyParameters(d, SALTELLI_MAX_PARAMETERS));
  if (!Number.isInteger(baseSamples) || baseSamples < 2) throw new UsageError(wholeAtLeast('base samples', 2, baseSamples));
  const unit = sobolPoints(baseSamples, 2 * d, 1);
  const a = unit.map((u) => Float64Array.from(parameters, (p, i) => scaled(p, u[i])));
  const b = unit.map((u) => Float64Array.from(parameters, (p, i) => scaled(p, u[d + i])));
  const points: Float64Array[] = [...a, ...b];
  for (let i = 0; i < d; i++)
    for (let j = 0; j < baseSamples; j++) {
      const row = Float64Array.from(a[j]);
      row[i] = b[j][i];
      points.push(row);
    }
  return { parameters, baseSamples, points };
}
