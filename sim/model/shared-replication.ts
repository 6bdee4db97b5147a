/**
 * One replication of a baseline and of the what-ifs that share its first
 * months (shared-history.ts): the baseline's world is stepped once, and at
 * the start of each what-if's first differing month m a fork of it
 * (fork.ts) goes on as that what-if. A what-if's rows of months 0 … m − 1
 * are the baseline's; the rest are its own. Each set of rows is the same
 * bytes runReplication would give that scenario alone.
 */
import type { CompiledScenario } from './compile.js';
import { forkWorld } from './fork.js';
import { initWorld, runReplication } from './replication.js';
import { releaseStartupTable } from './startups.js';
import { step } from './step.js';
import type { World } from './world.js';

/** A what-if of the group and the months it shares with the baseline (1 … months). */
export interface SharingWhatIf {
  readonly compiled: CompiledScenario;
  readonly shared: number;
}

/**
 * Runs replication `replication` of `base` and of every what-if, sharing
 * their common months; returns the rows of the baseline, then of each
 * what-if in the order given (row-major `values[t · metrics + m]`).
 */
export function runSharedReplication(base: CompiledScenario, whatIfs: readonly SharingWhatIf[], replication: number): Float64Array[] {
  const months = base.months;
  const k = base.metricNames.length;
  const out: Float64Array[] = [new Float64Array(months * k), ...whatIfs.map(() => new Float64Array(months * k))];
  const forkAt = (t: number) => whatIfs.flatMap((w, i) => (w.shared === t ? [i] : []));
  const world = initWorld(base, replication);
  for (let t = 0; t < months; t++) {
    for (const i of forkAt(t)) {
      if (t === 0) out[i + 1] = runReplication(whatIfs[i].compiled, replication);
      else finish(forkWorld(world, whatIfs[i].compiled, t), t, out[i + 1]);
    }
    step(world, t, out[0].subarray(t * k, (t + 1) * k));
  }
  releaseStartupTable(world.startups);
  // A what-if's months before its fork are the baseline's rows.
  whatIfs.forEach((w, i) => out[i + 1].set(out[0].subarray(0, Math.min(w.shared, months) * k)));
  return out;
}

/** Steps a forked world from month `from` to the end into `out`. */
function finish(world: World, from: number, out: Float64Array): void {
  const k = world.compiled.metricNames.length;
  for (let t = from; t < world.compiled.months; t++) step(world, t, out.subarray(t * k, (t + 1) * k));
  releaseStartupTable(world.startups);
}
