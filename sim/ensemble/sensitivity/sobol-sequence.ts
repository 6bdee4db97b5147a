/**
 * Sobol' low-discrepancy points in [0, 1)^d (I. M. Sobol', "On the
 * distribution of points in a cube and the approximate evaluation of
 * integrals", USSR Comput. Math. Math. Phys. 7 (1967) 86–112), with Joe and
 * Kuo's (2008) direction numbers (joe-kuo.ts) and Antonov and Saleev's
 * Gray-code order (USSR Comput. Math. Math. Phys. 19 (1979) 252–256): point
 * i + 1 is point i with one direction number XOR-ed in, the one at the
 * lowest zero bit of i. This is the order of Joe and Kuo's reference program
 * `sobol.cc` and of `scipy.stats.qmc.Sobol(scramble=False)`; point 0 is the
 * origin. Unscrambled: the same arguments give the same points.
 *
 * 32-bit direction numbers, so up to 2^32 points, each coordinate a
 * multiple of 2^-32.
 */
import { UsageError } from '../../errors.js';
import { JOE_KUO_ROWS } from './joe-kuo.js';
import { badPointCount, tooManyDimensions } from './messages.js';

const BITS = 32;
const MAX_INDEX = 2 ** BITS;

/** The most dimensions the embedded direction numbers give. */
export const SOBOL_DIMENSIONS = JOE_KUO_ROWS.length + 1;

/**
 * The 32 direction numbers V_1 … V_32 of each dimension, left-aligned:
 * V_j = m_j · 2^(32 − j), extended past the initial m_j by Bratley and Fox's
 * recurrence (ACM TOMS 14 (1988) 88–100) as Joe and Kuo's `sobol.cc` writes
 * it: V_j = V_{j−s} ⊕ (V_{j−s} >> s) ⊕ a_1 V_{j−1} ⊕ … ⊕ a_{s−1} V_{j−s+1}.
 */
const DIRECTIONS: readonly Uint32Array[] = (() => {
  const first = new Uint32Array(BITS);
  for (let j = 0; j < BITS; j++) first[j] = 2 ** (BITS - 1 - j);
  const all = [first];
  for (const { s, a, m } of JOE_KUO_ROWS) {
    const v = new Uint32Array(BITS);
    for (let j = 0; j < BITS; j++) {
      if (j < s) {
        v[j] = m[j] * 2 ** (BITS - 1 - j);
        continue;
      }
      let x = v[j - s] ^ (v[j - s] >>> s);
      for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x ^= v[j - k];
      v[j] = x >>> 0;
    }
    all.push(v);
  }
  return all;
})();

/** 0-based position of the lowest zero bit of i (0 ≤ i < 2^32). */
function lowestZeroBit(i: number): number {
  let c = 0;
  while (i % 2 === 1) {
    i = (i - 1) / 2;
    c++;
  }
  return c;
}

/**
 * Points `first`, `first + 1`, …, `first + count − 1` of the
 * `dimensions`-dimensional sequence, each a row of coordinates in [0, 1).
 * Point 0 is the origin; callers that want to skip it pass `first = 1`.
 * Throws UsageError for more than SOBOL_DIMENSIONS dimensions or indices
 * past 2^32 − 1.
 */
export function sobolPoints(count: number, dimensions: number, first = 0): Float64Array[] {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > SOBOL_DIMENSIONS)
    throw new UsageError(tooManyDimensions(dimensions, SOBOL_DIMENSIONS));
  if (!Number.isInteger(first) || first < 0 || first >= MAX_INDEX) throw new UsageError(badPointCount('first point', first, MAX_INDEX - 1));
  if (!Number.isInteger(count) || count < 0 || first + count > MAX_INDEX)
    throw new UsageError(badPointCount('point count', count, MAX_INDEX - first));
  // The state at `first`: the XOR of the direction numbers at the set bits of first's Gray code.
  const x = new Uint32Array(dimensions);
  for (let j = 0; j < BITS; j++) {
    const grayBit = (Math.floor(first / 2 ** j) % 2) ^ (Math.floor(first / 2 ** (j + 1)) % 2);
    if (grayBit) for (let d = 0; d < dimensions; d++) x[d] ^= DIRECTIONS[d][j];
  }
  const points: Float64Array[] = [];
  for (let n = 0; n < count; n++) {
    const row = new Float64Array(dimensions);
    for (let d = 0; d < dimensions; d++) row[d] = x[d] / MAX_INDEX;
    points.push(row);
    if (first + n + 1 < MAX_INDEX) {
      const c = lowestZeroBit(first + n);
      for (let d = 0; d < dimensions; d++) x[d] ^= DIRECTIONS[d][c];
    }
  }
  return points;
}
