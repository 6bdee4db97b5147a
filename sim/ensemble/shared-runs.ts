/**
 * Shared history in a comparison (sim/model/shared-history.ts): a what-if
 * that coincides with its baseline up to month m takes over the baseline's
 * world at m instead of simulating months 0 … m − 1 again. The executor
 * runs replication r of the baseline and of every what-if that shares its
 * first months as one task (loadShared), so the forked world never leaves
 * the thread that made it; the what-ifs' rows wait here until the
 * comparison writes their result folders, where they are taken as that
 * scenario's runs. Everything else is as without sharing: each scenario's
 * values are the bytes of running it alone, a run missing here (the
 * baseline was resumed, or the what-if failed after the fork) is run alone.
 *
 * Pipeline: planSharing (which what-ifs, from sharedMonths, within a memory
 * budget) → sharingExecutors (one executor per scenario, over the
 * command's) → writeResultFolder per scenario as before.
 */
import type { CompiledScenario } from '../model/compile.js';
import { sharedMonths } from '../model/shared-history.js';
import type { LoadedScenarioRuns, ReplicationExecutor } from './executor.js';
import { unpackShared } from './shared-rows.js';

/**
 * Bytes of what-if rows held at once, waiting for their result folders: a
 * what-if beyond it is run alone (its sharing would cost memory a large
 * ensemble may not have).
 */
export const SHARED_ROWS_BUDGET = 256 * 1024 * 1024;


/**
 * The months each what-if shares with the baseline (0: run alone): from
 * sharedMonths, keeping what-ifs in order while their rows for `runs`
 * replications fit in `budgetBytes`.
 */
export function planSharing(baseline: CompiledScenario, whatIfs: readonly CompiledScenario[], runs: number, budgetBytes = SHARED_ROWS_BUDGET): number[] {
  let held = 0;
  return whatIfs.map((w) => {
    const m = sharedMonths(baseline, w);
    if (m < 1) return 0;
    const bytes = runs * w.months * w.metricNames.length * 8;
    if (held + bytes > budgetBytes) return 0;
    held += bytes;
    return m;
  });
}

/**
 * One executor per scenario (the baseline's first, then each what-if's in
 * order), over `executor`: the baseline's runs compute the sharing
 * what-ifs' as well (executor.loadShared), whose rows are then served to
 * their own executors. None of them closes `executor`. With no what-if
 * sharing, or an executor without loadShared, they are `executor` itself.
 */
export function sharingExecutors(executor: ReplicationExecutor, baseline: CompiledScenario, whatIfs: readonly CompiledScenario[], shared: readonly number[]): ReplicationExecutor[] {
  const sharing = whatIfs.flatMap((compiled, i) => (shared[i] >= 1 ? [{ compiled, shared: shared[i], index: i }] : []));
  const loadShared = executor.loadShared?.bind(executor);
  if (sharing.length === 0 || !loadShared) return [executor, ...whatIfs.map(() => executor)];
  /** held[i]: what-if i's rows by replication, until its own executor takes them. */
  const held = whatIfs.map(() => new Map<number, Float64Array>());
  const size = baseline.months * baseline.metricNames.length;
  const over = (load: (compiled: CompiledScenario) => LoadedScenarioRuns): ReplicationExecutor => ({
    concurrency: executor.concurrency,
    load,
    close: async () => {},
  });

  const baselineExecutor = over((compiled) => {
    if (compiled !== baseline) return executor.load(compiled);
    const group = loadShared(baseline, sharing);
    return {
      async run(replication) {
        const rows = unpackShared(await group.run(replication), sharing.length, size);
        sharing.forEach((w, k) => {
          const r = rows[k + 1];
          if (r) held[w.index].set(replication, r);
        });
        return rows[0]!;
      },
      release: () => group.release(),
    };
  });

  const whatIfExecutor = (i: number) =>
    over((compiled) => {
      if (compiled !== whatIfs[i]) return executor.load(compiled);
      let alone: LoadedScenarioRuns | undefined;
      return {
        async run(replication) {
          const rows = held[i].get(replication);
          if (rows) {
            held[i].delete(replication);
            return rows;
          }
          alone ??= executor.load(compiled);
          return alone.run(replication);
        },
        async release() {
          held[i].clear();
          await alone?.release();
        },
      };
    });

  return [baselineExecutor, ...whatIfs.map((_, i) => (shared[i] >= 1 ? whatIfExecutor(i) : executor))];
}
