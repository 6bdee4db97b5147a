/**
 * Random numbers of the sensitivity analysis, from the project's keyed
 * generator (sim/rng/keyed.ts): the seed gives a root key as a scenario's
 * seed does (replication 0), and each use (bootstrap resampling, Morris
 * trajectories) has its own stream, so the same seed gives the same draws
 * on any machine and one use never shifts another's. The stream constants
 * are not model purposes: these draws share nothing with a simulation's.
 */
import { keyOf, replicationKey, uniform } from '../../rng/keyed.js';

/** What a stream is for; part of its key. Never renumber: results depend on it. */
export const SensitivityPurpose = {
  bootstrap: 0x5e5a_0001,
  morris: 0x5e5a_0002,
} as const;
export type SensitivityPurposeCode = (typeof SensitivityPurpose)[keyof typeof SensitivityPurpose];

/** The stream of one use under a seed. */
export function sensitivityStream(seed: string | number, purpose: SensitivityPurposeCode): number {
  const root = replicationKey(seed, 0);
  return keyOf(keyOf(root[0], purpose) ^ root[1], purpose);
}

/** The k-th uniform in [0, 1) of item `index` (a bootstrap resample, a trajectory) of a stream. */
export function drawOf(stream: number, index: number, k: number): number {
  return uniform(keyOf(stream, index), k);
}

/** A whole number uniform on 0 … n − 1 from the k-th uniform of item `index`. */
export function indexDraw(stream: number, index: number, k: number, n: number): number {
  return Math.min(n - 1, Math.floor(drawOf(stream, index, k) * n));
}
