import { uniform } from './keyed.js';

/** Fills `out[0..n)` with a uniformly random permutation of 0…n−1 (Fisher–Yates, uniforms k = 0…n−2 of the key). */
export function permutation(key: number, n: number, out: Int32Array): Int32Array {
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniform(key, n - 1 - i) * (i + 1));
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}
