/**
 * `shakeout merge`: the shards of a run, sweep, sensitivity analysis or
 * comparison (shards.ts) joined into the folder one process would have
 * written, byte for byte but for the manifest's command, time and wall
 * time.
 *
 * Pipeline: read and check the shards (sim/output/merge-shards.ts) →
 * check the scenario they carry (parsed and validated as a scenario file
 * is) → the one-machine writer, fed with what the shards computed instead
 * of running it: a result folder's store joined from the shards' stores
 * and then finished as `run` finishes it (result-folder.ts: aggregation,
 * tables, summary, manifest); a sweep's points' outcomes given to
 * writeSweep; a comparison's scenarios each a joined result folder, then
 * its paired differences as `compare` writes them. `<out>` follows the
 * rules of every sealed folder (collection-folder.ts): built in
 * `<out>.partial`, replacing only a folder of its own kind with `force`.
 * The shard folders are only read.
 */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { compile, type CompiledScenario } from '../model/compile.js';
import { canonicalJson, sha256Hex } from '../output/canonical-json.js';
import { folderPath } from '../output/folder-swap.js';
import { fileSystemError } from '../output/fs-error.js';
import { assertOutsideShards, mergePointOutcomes, mergeRunStores, type ReadShard, readShards } from '../output/merge-shards.js';
import { shardWorkChanged } from '../output/messages.js';
import { checkTarget, claimTarget, openPartialFolder, partialRecord, resumeCommand } from '../output/result-folder.js';
import type { SensitivityRecord, SweepCellSpec, SweepManifest } from '../output/sweep-files.js';
import { parseScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { aggregateBlocks } from './aggregate.js';
import { type ComparedInput, writeComparison, type WrittenComparison } from './compare.js';
import { inlineExecutor } from './executor.js';
import { evaluateExpectations, resolveExpectations } from './expectations.js';
import { assertResources } from './limits.js';
import type { WrittenResult } from './run-to-folder.js';
import { sensitivityAnalysis, sensitivityPlan } from './sensitivity-analysis.js';
import type { SensitivitySummary } from '../output/sensitivity-files.js';
import { sweepCells, writeSweep, type WrittenSweep } from './sweep.js';

export interface MergeOptions {
  out: string;
  /** Replace an existing folder of the merged kind (only once the new one is complete). */
  force?: boolean;
  signal?: AbortSignal;
  /** Recorded in the manifests, program name first. */
  command?: readonly string[];
  /** Bytes of per-run values the aggregator holds at once. */
  budgetBytes?: number;
}

export type Merged =
  | { kind: 'run'; written: WrittenResult; shards: number }
  | { kind: 'sweep'; written: WrittenSweep; shards: number }
  | { kind: 'sensitivity'; written: WrittenSweep<SensitivitySummary>; shards: number }
  | { kind: 'compare'; written: WrittenComparison; shards: number };

/**
 * The scenario a shard carries, checked as a scenario file is (schema,
 * semantics) and compiled; it must be exactly the scenario its hash names.
 * @throws UsageError
 */
function compiledOf(shard: ReadShard, data: unknown): CompiledScenario {
  const file = join(shard.dir, 'manifest.json');
  let scenario: Scenario;
  try {
    scenario = parseScenario(JSON.stringify(data), file, () => {
      throw new Error('a resolved scenario extends nothing');
    }).scenario;
  } catch (e) {
    throw new UsageError(`${shardWorkChanged(shard.dir)} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  if (sha256Hex(canonicalJson(scenario)) !== sha256Hex(canonicalJson(data))) throw new UsageError(shardWorkChanged(shard.dir));
  return compile(scenario);
}

/** Joins the shard folders `dirs` into `options.out`. @throws UsageError when they are not all the shards of one piece of work */
export async function mergeShards(dirs: readonly string[], options: MergeOptions): Promise<Merged> {
  const shards = readShards(dirs);
  const out = folderPath(options.out);
  assertOutsideShards(options.out, shards);
  const { manifest } = shards[0];
  const command = options.command ?? ['shakeout', ...process.argv.slice(2)];
  const work = manifest.work as Record<string, unknown>;
  const count = shards.length;
  if (manifest.shardOf === 'run') {
    const compiled = compiledOf(shards[0], work.scenario);
    const stores = shards.map((s) => ({ dir: s.dir, first: s.manifest.shard.first, end: s.manifest.shard.end }));
    return { kind: 'run', written: await mergeResult(compiled, manifest.runs, stores, { ...options, out, command }), shards: count };
  }
  if (manifest.shardOf === 'compare') {
    const scenarios = work.scenarios as { folder: string; scenario: unknown }[];
    const inputs: ComparedInput[] = scenarios.map((s) => ({ folder: s.folder, compiled: compiledOf(shards[0], s.scenario) }));
    const [baseline, ...whatIfs] = inputs;
    const written = await writeComparison(baseline, whatIfs, {
      out,
      force: options.force,
      signal: options.signal,
      command,
      executor: inlineExecutor(),
      writeResult: (input, dir) =>
        mergeResult(input.compiled, manifest.runs, shards.map((s) => ({ dir: join(s.dir, input.folder), first: s.manifest.shard.first, end: s.manifest.shard.end })), { ...options, out: dir, command }),
    });
    return { kind: 'compare', written, shards: count };
  }
  // A sweep or a sensitivity analysis: every design point's outcome, then the one-machine writer.
  const compiled = compiledOf(shards[0], work.scenario);
  const scenario = compiled.scenario;
  const design = work.design as SweepManifest['design'];
  const specs = work.cells as SweepCellSpec[];
  const cells = sweepCells(compiled, specs.map((c) => `${c.metric}@${c.month}`));
  const outcomes = mergePointOutcomes(shards, cells.length, scenario.runs);
  const sweepOptions = { out, force: options.force, signal: options.signal, command, executor: inlineExecutor(), outcomes };
  if (manifest.shardOf === 'sensitivity') {
    const record = work.analysis as SensitivityRecord;
    const plan = sensitivityPlan(record.parameters, { method: record.method, samples: record.samples, runs: scenario.runs, seed: scenario.seed });
    if (canonicalJson(plan.design.points) !== canonicalJson(design.points) || canonicalJson(plan.record) !== canonicalJson(record)) throw new UsageError(shardWorkChanged(shards[0].dir));
    const written = await writeSweep(scenario, plan.design, cells, { ...sweepOptions, analysis: sensitivityAnalysis(plan, cells, scenario) });
    return { kind: 'sensitivity', written, shards: count };
  }
  const written = await writeSweep(scenario, { kind: design.kind as 'grid' | 'lhs', paths: design.paths, points: design.points }, cells, sweepOptions);
  return { kind: 'sweep', written, shards: count };
}

/**
 * A result folder at `options.out` from the runs of the shards' stores
 * `sources`, finished as `run` finishes one (result-folder.ts).
 */
async function mergeResult(
  compiled: CompiledScenario,
  runs: number,
  sources: readonly { dir: string; first: number; end: number }[],
  options: MergeOptions & { command: readonly string[] },
): Promise<WrittenResult> {
  const began = performance.now();
  const { out, command, signal } = options;
  const record = partialRecord(compiled, runs, !!options.force, command);
  const resumeLine = resumeCommand(command);
  let claim: ReturnType<typeof claimTarget>;
  let expectations: ReturnType<typeof resolveExpectations>;
  try {
    checkTarget(out);
    expectations = resolveExpectations(compiled);
    // As `run` refuses a run too large for this machine, before anything is written.
    assertResources(compiled.scenario, { workers: 1, runs });
    claim = claimTarget(out, record, { resume: false, force: !!options.force, resumeLine });
  } catch (e) {
    throw fileSystemError(e, out);
  }
  if (claim.kind === 'done') return { dir: out, manifest: claim.manifest, summary: claim.summary, reused: runs, alreadyComplete: claim.alreadyComplete };
  const folder = openPartialFolder(out, record, claim, resumeLine);
  try {
    folder.create();
    const store = await mergeRunStores(sources, folder.partial, { metrics: compiled.metricNames, families: compiled.layout.families, months: compiled.months, runs, start: compiled.start });
    const { manifest, summary } = await folder.finish({
      run: compiled,
      runs,
      rows: aggregateBlocks(store, { budgetBytes: options.budgetBytes, signal }),
      store,
      expectations: async () => {
        const columns = await store.cells(expectations.map((e) => e.cell), { signal });
        return evaluateExpectations(expectations, () => columns);
      },
      command,
      began,
      signal,
    });
    return { dir: out, manifest, summary, reused: 0, alreadyComplete: false };
  } catch (e) {
    throw fileSystemError(folder.failure(e, 0, runs), out);
  }
}
