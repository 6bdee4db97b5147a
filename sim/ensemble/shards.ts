/**
 * Writing a shard folder (`--shard k/n`; sim/output/shard.ts holds the
 * partition, shard-files.ts the folder): one process computes its block of
 * the replications (run, compare) or of the design points (sweep,
 * sensitivity) and writes only those, with a shard manifest. Each
 * replication keeps its index among all of them, and so its seed: the
 * merge (merge.ts) joins the shards into the bytes one process writes.
 *
 * A shard folder is a sealed folder like the others (collection-folder.ts):
 * built in `<out>.partial`, resumable with `--resume` (the runs or points
 * it stored are kept), replaced only by a shard with `--force`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InterruptedError } from '../errors.js';
import type { CompiledScenario } from '../model/compile.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { canonicalJson, sha256Hex } from '../output/canonical-json.js';
import { claimCollection, openCollectionFolder } from '../output/collection-folder.js';
import { comparisonScenariosSha256 } from '../output/comparison-folder.js';
import { folderPath } from '../output/folder-swap.js';
import { fileSystemError } from '../output/fs-error.js';
import { resumeCommand } from '../output/result-folder.js';
import { createRunStore } from '../output/run-store.js';
import { type Shard, shardRange, type ShardRange } from '../output/shard.js';
import { buildShardManifest, SHARD_POINTS_DIR, shardKind, type ShardManifest, shardRecord, type ShardWork } from '../output/shard-files.js';
import { readPointOutcome, type SensitivityRecord, type SweepCellSpec, sweepSha256 } from '../output/sweep-files.js';
import type { Scenario } from '../scenario/schema.js';
import { runReplications, type RunSink } from './ensemble.js';
import type { FolderOptions } from './folder-options.js';
import { resolveExpectations } from './expectations.js';
import { assertResources } from './limits.js';
import type { SweepDesign } from './sweep-design.js';
import { runPoint, type SweepCell } from './sweep.js';

export interface ShardOptions extends FolderOptions {
  shard: Shard;
  /** After each run or point of the shard: done, in the shard. */
  onProgress?: (done: number, total: number) => void;
  scenarioFile?: string;
}

export interface WrittenShard {
  dir: string;
  manifest: ShardManifest;
  /** Items (replications or points) of the shard. */
  range: ShardRange;
  alreadyComplete: boolean;
}

type ShardIdentity = Omit<ShardManifest, 'format' | 'shard' | 'shakeoutVersion' | 'shakeoutCommit' | 'shakeoutTreeModified' | 'command' | 'nodeVersion' | 'createdAt' | 'wallTimeSeconds' | 'files'>;

/**
 * Claims `options.out` for the shard, lets `fill` write its block into
 * `<out>.partial` (`resuming`: an interrupted shard's files are there), and
 * seals the folder with its shard manifest.
 */
async function writeShardFolder(
  identity: ShardIdentity,
  options: ShardOptions,
  fill: (partial: string, range: ShardRange, resuming: boolean) => Promise<void>,
): Promise<WrittenShard> {
  const began = performance.now();
  const out = folderPath(options.out);
  const range = shardRange(options.shard, identity.items);
  const shard = { ...options.shard, ...range };
  const command = options.command ?? ['shakeout', ...process.argv.slice(2)];
  const resumeLine = resumeCommand(command);
  const record = shardRecord({ ...identity, shard }, !!options.force, command);
  let claim: ReturnType<typeof claimCollection<ShardManifest>>;
  try {
    claim = claimCollection(out, record, shardKind, { resume: !!options.resume, force: !!options.force, resumeLine });
  } catch (e) {
    throw fileSystemError(e, out);
  }
  if (claim.kind === 'done') return { dir: out, manifest: claim.manifest, range, alreadyComplete: claim.alreadyComplete };
  const folder = openCollectionFolder(out, record, claim, resumeLine);
  let done = 0;
  try {
    folder.create();
    await fill(folder.partial, range, folder.resuming);
    done = range.end - range.first;
    const { shardOf, ...rest } = identity;
    const manifest = folder.finish(
      (files) => buildShardManifest({ shardOf, shard, ...rest, command: [...command], wallTimeSeconds: (performance.now() - began) / 1000, files }),
      options.signal,
    );
    return { dir: out, manifest, range, alreadyComplete: false };
  } catch (e) {
    const interrupted = e instanceof InterruptedError ? e.done : done;
    throw fileSystemError(folder.failure(e, interrupted, range.end - range.first), out);
  }
}

/**
 * A sink for replications first … end − 1 of a run, into a store of its
 * own: run r is stored as run r − first, and every run outside the block
 * counts as held, so runReplications runs the block alone.
 */
async function runBlock(compiled: CompiledScenario, dir: string, range: ShardRange, resuming: boolean, runs: number, options: ShardOptions, progress: (done: number) => void): Promise<void> {
  const count = range.end - range.first;
  const store = createRunStore(dir, { metrics: compiled.metricNames, families: compiled.layout.families, months: compiled.months, runs: count, start: compiled.start }, { resume: resuming });
  const sink: RunSink = {
    has: (r) => r < range.first || r >= range.end || store.has(r - range.first),
    write: (r, values) => store.write(r - range.first, values),
  };
  try {
    if (count > 0) {
      progress(store.count);
      await runReplications(compiled, { runs, executor: options.executor, sink, signal: options.signal, scenarioFile: options.scenarioFile, onProgress: () => progress(store.count) });
    }
  } catch (e) {
    if (e instanceof InterruptedError) {
      store.sync();
      store.abort();
      throw new InterruptedError(e.message, e.signal, store.count, count);
    }
    store.abort();
    throw e;
  }
  store.finish();
}

const scenarioSha = (scenario: Scenario) => sha256Hex(canonicalJson(scenario));

/** `run --shard k/n`: replications of the block of `runs` into `<out>/runs/`. */
export function writeRunShard(compiled: CompiledScenario, runs: number, options: ShardOptions): Promise<WrittenShard> {
  const { scenario } = compiled;
  resolveExpectations(compiled);
  assertResources(scenario, { workers: options.executor.concurrency, runs, file: options.scenarioFile });
  const identity: ShardIdentity = {
    shardOf: 'run',
    items: runs,
    scenarioName: scenario.name ?? null,
    scenarioSha256: scenarioSha(scenario),
    designSha256: null,
    seed: scenario.seed,
    runs,
    months: compiled.months,
    start: compiled.start,
    work: { scenario } satisfies ShardWork,
  };
  return writeShardFolder(identity, options, (partial, range, resuming) =>
    runBlock(compiled, partial, range, resuming, runs, options, (d) => options.onProgress?.(d, range.end - range.first)),
  );
}

/** `compare --shard k/n`: each scenario's replications of the block into `<out>/<folder>/runs/`. */
export function writeCompareShard(all: readonly { folder: string; compiled: CompiledScenario; file?: string }[], options: ShardOptions): Promise<WrittenShard> {
  const [baseline] = all;
  const { runs, seed } = baseline.compiled.scenario;
  for (const s of all) {
    resolveExpectations(s.compiled);
    assertResources(s.compiled.scenario, { workers: options.executor.concurrency, runs, file: s.file });
  }
  const scenarios = all.map((s) => ({ folder: s.folder, scenario: s.compiled.scenario }));
  const identity: ShardIdentity = {
    shardOf: 'compare',
    items: runs,
    scenarioName: baseline.compiled.scenario.name ?? null,
    scenarioSha256: scenarioSha(baseline.compiled.scenario),
    designSha256: comparisonScenariosSha256(scenarios.map((s) => ({ folder: s.folder, scenarioSha256: scenarioSha(s.scenario) }))),
    seed,
    runs,
    months: baseline.compiled.months,
    start: baseline.compiled.start,
    work: { scenarios } satisfies ShardWork,
  };
  return writeShardFolder(identity, options, async (partial, range, resuming) => {
    const count = range.end - range.first;
    for (const [k, s] of all.entries()) {
      const dir = join(partial, s.folder);
      mkdirSync(dir, { recursive: true });
      await runBlock(s.compiled, dir, range, resuming, runs, { ...options, scenarioFile: s.file }, (d) => options.onProgress?.(k * count + d, all.length * count));
    }
  });
}

/** `sweep --shard k/n` and `sensitivity --shard k/n`: the outcomes of the block of design points, in `<out>/points/<i>.json`. */
export function writeSweepShard(
  scenario: Scenario,
  design: SweepDesign,
  cells: readonly SweepCell[],
  months: { months: number; start: string },
  options: ShardOptions & { analysis?: SensitivityRecord },
): Promise<WrittenShard> {
  const specs: SweepCellSpec[] = cells.map(({ metric, month, date }) => ({ metric, month, date }));
  const designRecord = { kind: design.kind, paths: design.paths, points: design.points };
  const { analysis } = options;
  const identity: ShardIdentity = {
    shardOf: analysis ? 'sensitivity' : 'sweep',
    items: design.points.length,
    scenarioName: scenario.name ?? null,
    scenarioSha256: scenarioSha(scenario),
    designSha256: sweepSha256(scenario, designRecord, specs, analysis),
    seed: scenario.seed,
    runs: scenario.runs,
    months: months.months,
    start: months.start,
    work: { scenario, design: designRecord, cells: specs, ...(analysis ? { analysis } : {}) } satisfies ShardWork,
  };
  return writeShardFolder(identity, options, async (partial, range, resuming) => {
    const kept = join(partial, SHARD_POINTS_DIR);
    mkdirSync(kept, { recursive: true });
    let done = 0;
    for (let i = range.first; i < range.end; i++) {
      const file = join(kept, `${i}.json`);
      if (!(resuming && readPointOutcome(file, i, cells.length, scenario.runs))) {
        const outcome = await runPoint(scenario, design.paths, design.points[i], i, cells, options);
        writeFileAtomic(file, JSON.stringify(outcome) + '\n');
      }
      options.onProgress?.(++done, range.end - range.first);
    }
  });
}
