/**
 * One replication of a baseline and of the what-ifs that share its first
 * months (shared-history.ts): the baseline's world is stepped once, and at
 * the start of each what-if's first differing month m a fork of it
 * (fork.ts) goes on as that what-if. A what-if's rows of months 0 … m − 1
 * are the baseline's; the rest are its own. Each set of rows is the same
 * bytes runReplication would give that scenario alone. A what-if whose
 * months after the fork throw is left out (null): run alone, it throws the
 * same error with its own replication's context, and the baseline goes on.
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
 * what-if in the order given (row-major `values[t · metrics + m]`), null
 * for a what-if that threw. An error of the baseline's own run is thrown.
 */
export function runSharedReplication(base: CompiledScenario, whatIfs: readonly SharingWhatIf[], replication: number): (Float64Array | null)[] {
  const months = base.months;
  const k = base.metricNames.length;
  const out: (Float64Array | null)[] = [new Float64Array(months * k), ...whatIfs.map(() => new Float64Array(months * k))];
  const rows = out[0]!;
  const forkAt = (t: number) => whatIfs.flatMap((w, i) => (w.shared === t ? [i] : []));
  const world = initWorld(base, replication);
  for (let t = 0; t < months; t++) {
    for (const i of forkAt(t)) {
      try {
        if (t === 0) out[i + 1] = runReplication(whatIfs[i].compiled, replication);
        else finish(forkWorld(world, whatIfs[i].compiled, t), t, out[i + 1]!);
      } catch {
        out[i + 1] = null;
      }
    }
    step(world, t, rows.subarray(t * k, (t + 1) * k));
  }
  releaseStartupTable(world.startups);
  // A what-if's months before its fork are the baseline's rows.
  whatIfs.forEach((w, i) => out[i + 1]?.set(rows.subarray(0, Math.min(w.shared, months) * k)));
  return out;
}

/** Steps a forked world from month `from` to the end into `out`. */
function finish(world: World, from: number, out: Float64Array): void {
  const k = world.compiled.metricNames.length;
  for (let t = from; t < world.compiled.months; t++) step(world, t, out.subarray(t * k, (t + 1) * k));
  releaseStartupTable(world.startups);
}
