/**
 * Runs the ensemble of a compiled scenario into a result folder
 * (sim/output/result-folder.ts holds the folder's pieces):
 *
 * Pipeline: repair an interrupted swap → check the target, the
 * expectations, the memory and the disk (fail before any compute) → run the
 * ensemble into `<out>.partial` (or, with `resume`, finish the runs an
 * interrupted one left there) → aggregate into timeseries.csv while
 * collecting the summary's rows → runs.csv (runs.parquet meanwhile on one
 * of the executor's workers, when it has them) → expectations → summary →
 * manifest → seal and rename into place (folder-swap.ts).
 *
 * What is kept when it goes wrong: an interruption (signal) or a full disk
 * keeps `<out>.partial` for `--resume`; any other failure removes it. An
 * existing `<out>` is never touched until the new folder replaces it.
 */
import { existsSync, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { CompiledScenario } from '../model/compile.js';
import { folderPath, partialPath } from '../output/folder-swap.js';
import { fileSystemError } from '../output/fs-error.js';
import type { Manifest } from '../output/manifest.js';
import { notEnoughDisk } from '../output/messages.js';
import { checkTarget, claimTarget, openPartialFolder, partialRecord, resumeCommand } from '../output/result-folder.js';
import { DEFAULT_SLAB_BYTES, recordBytes, RUNS_DIR, VALUES_FILE } from '../output/run-store.js';
import type { Summary } from '../output/summary.js';
import { aggregateBlocks } from './aggregate.js';
import { inlineExecutor, type ReplicationExecutor, runEnsemble } from './ensemble.js';
import { evaluateExpectations, inScenarioOrder, resolveExpectations } from './expectations.js';
import { assertBaselinesGiven, evaluateRelative, type CompiledBaseline, type RelativeOptions } from './relative.js';
import { assertResources } from './limits.js';
import { formatBytes } from './messages.js';

export interface WriteResultFolderOptions {
  /** The result folder to create (relative to the working folder, or absolute). */
  out: string;
  /** Replications, ≥ 1; default the scenario's `runs`. */
  runs?: number;
  /** Replace an existing `out` (only once the new folder is complete), or discard an unfinished `<out>.partial`. */
  force?: boolean;
  /**
   * Finish the interrupted run of this same scenario (sha256, runs, versions)
   * in `<out>.partial`, computing only the runs it lacks; with none there,
   * run from scratch (or, when `out` already holds this result, do nothing).
   */
  resume?: boolean;
  /** Stops between runs: `<out>.partial` is kept for `resume`, and InterruptedError is thrown. */
  signal?: AbortSignal;
  /** The scenario file as the user named it, for messages. */
  scenarioFile?: string;
  /** Recorded in the manifest, program name first; default `shakeout` and this process's arguments. */
  command?: readonly string[];
  /** After each run: (runs done, runs in total). */
  onProgress?: (done: number, total: number) => void;
  /** Default: one replication at a time on this thread. Not closed here: the caller owns it. */
  executor?: ReplicationExecutor;
  /** Bytes of per-run values the aggregator holds at once; default DEFAULT_SLAB_BYTES (16 MiB). */
  budgetBytes?: number;
  /** Rows per row group of runs.parquet; default ROW_GROUP_ROWS (runs-parquet.ts). */
  rowGroupRows?: number;
  /** The caller draws the charts into `<out>/charts` afterwards: the disk check counts them. */
  charts?: boolean;
  /**
   * The baselines of the scenario's relative expectations, by index in
   * `expect` (relative.ts), run on `executor` once the scenario's runs are
   * done; none when absent.
   */
  relative?: { baselines: ReadonlyMap<number, CompiledBaseline> } & Omit<RelativeOptions, 'executor'>;
}

export interface WrittenResult {
  /** `out`, absolute. */
  dir: string;
  manifest: Manifest;
  summary: Summary;
  /** Runs taken over from an interrupted run (`resume`). */
  reused: number;
  /** `resume` found `out` already holding this result: nothing was run or written. */
  alreadyComplete: boolean;
}

/**
 * Bytes of the standard charts (viz/draw.ts), generously: a fixed part per
 * chart (its PNG, PDF, SVG and spec: 1.0 MB for all six of the shipped
 * 2024 scenario over 24 months, PNG at the default scale) and a part that
 * grows with the points drawn (the specs hold the rows they chart).
 */
export function chartsBytes(months: number, metrics: number): number {
  return 6 * 256 * 1024 + (months + 1) * metrics * 100;
}

/** Bytes a run writes under `out`: the per-run values not yet written, the tables, and the charts when drawn. */
export function diskNeeded(compiled: CompiledScenario, runs: number, written: number, charts: boolean): number {
  const metrics = compiled.metricNames.length;
  const values = recordBytes({ metrics: compiled.metricNames, months: compiled.months, runs, start: compiled.start }) * runs;
  // The text files: ~120 bytes per timeseries row, ~16 per runs.csv cell; and the aggregation's
  // scratch copy of the values while they are read slab by slab (run-store.ts, SCRATCH_FILE).
  const tables = metrics * compiled.months * 120 + runs * metrics * 16;
  const scratch = values > DEFAULT_SLAB_BYTES ? values : 0;
  // runs.parquet: the values in long form (measured at under half their float64 bytes, counted as all of
  // them) and its footer, which holds the resolved scenario (a scenario file is at most 512 KiB).
  const parquet = values + (1 << 20);
  return values - written + scratch + tables + parquet + (charts ? chartsBytes(compiled.months, metrics) : 0);
}

/** Refuses up front when the disk under `out` cannot hold what the run will write. */
function assertDiskSpace(out: string, compiled: CompiledScenario, runs: number, resuming: boolean, charts: boolean): void {
  const written = resuming ? (statSync(join(partialPath(out), RUNS_DIR, VALUES_FILE), { throwIfNoEntry: false })?.size ?? 0) : 0;
  const needed = diskNeeded(compiled, runs, written, charts);
  let dir = dirname(out);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  let free: number;
  try {
    const fs = statfsSync(dir);
    free = fs.bavail * fs.bsize;
  } catch {
    return; // no statfs here: the writes will say so if the disk fills
  }
  if (needed > free) throw new UsageError(notEnoughDisk(out, formatBytes(needed), formatBytes(free), charts));
}

/**
 * Runs the ensemble and writes the complete result folder `options.out`.
 * Throws UsageError (nothing written) when `out` exists without `force`,
 * holds anything but a sealed result (never replaced, ownership.ts) or is
 * the root of a file system, an unfinished run is in the way, an
 * expectation names an unknown metric or a month outside the run, or the
 * run cannot fit in memory or on the disk;
 * InterruptedError when `signal` stops it (`<out>.partial` is kept).
 */
export async function writeResultFolder(
  compiled: CompiledScenario,
  options: WriteResultFolderOptions,
): Promise<WrittenResult> {
  const began = performance.now();
  const out = folderPath(options.out);
  const { runs = compiled.scenario.runs, force = false, resume = false } = options;
  const command = options.command ?? ['shakeout', ...process.argv.slice(2)];
  const executor = options.executor ?? inlineExecutor();
  const record = partialRecord(compiled, runs, force, command);
  const resumeLine = resumeCommand(command);

  // ---- checks: nothing is created or changed before they pass ----
  try {
    checkTarget(out);
    const expectations = resolveExpectations(compiled);
    assertBaselinesGiven(compiled, options.relative?.baselines);
    assertResources(compiled.scenario, { workers: executor.concurrency, runs, file: options.scenarioFile });
    const claim = claimTarget(out, record, { resume, force, resumeLine });
    if (claim.kind === 'done') {
      return { dir: out, manifest: claim.manifest, summary: claim.summary, reused: runs, alreadyComplete: claim.alreadyComplete };
    }
    assertDiskSpace(out, compiled, runs, claim.resuming, !!options.charts);
    return await build(expectations, claim);
  } catch (e) {
    throw fileSystemError(e, out);
  }

  async function build(expectations: ReturnType<typeof resolveExpectations>, claim: { resuming: boolean; replace: boolean }): Promise<WrittenResult> {
    const folder = openPartialFolder(out, record, claim, resumeLine);
    const { resuming } = claim;
    let done = 0;
    try {
      folder.create();
      let reused = -1;
      const store = await runEnsemble(compiled, {
        runs,
        dir: folder.partial,
        resume: resuming,
        signal: options.signal,
        scenarioFile: options.scenarioFile,
        executor,
        onProgress: (d, total) => {
          if (reused < 0) reused = resuming ? d : 0;
          done = d;
          options.onProgress?.(d, total);
        },
      });
      done = runs;
      const { signal } = options;
      const { manifest, summary } = await folder.finish({
        run: compiled,
        runs,
        rows: aggregateBlocks(store, { budgetBytes: options.budgetBytes, signal }),
        store,
        expectations: async () => {
          const columns = await store.cells(expectations.map((e) => e.cell), { signal });
          const relative = options.relative ? await evaluateRelative(compiled, options.relative.baselines, store, { ...options.relative, executor, signal }) : new Map();
          return inScenarioOrder(evaluateExpectations(expectations, () => columns), expectations, relative);
        },
        command,
        began,
        signal,
        offload: executor.runOutput ? (job, s) => executor.runOutput!(job, s) : undefined,
        rowGroupRows: options.rowGroupRows,
      });
      return { dir: out, manifest, summary, reused: Math.max(0, reused), alreadyComplete: false };
    } catch (e) {
      throw folder.failure(e, done, runs);
    }
  }
}
