/**
 * The output side of `shakeout merge`: read the shard folders, check that
 * they are the n shards of one piece of work (same kind, scenario, design,
 * seed, runs, months, shard count, version; each shard once, none
 * missing; each holding exactly its block), then join what they computed:
 * the per-run values into one run store (run-store.ts, each run at its own
 * index), or the design points' outcomes in point order. The finishing
 * (aggregation, tables, summaries, charts) is the one-machine code's
 * (sim/ensemble/merge.ts). Shard folders are only read, never written.
 */
import { realpathSync } from 'node:fs';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { comparisonScenariosSha256 } from './comparison-folder.js';
import { MANIFEST_FILE } from './manifest.js';
import {
  mergeIntoShard,
  notAShard,
  noShards,
  shardBlockWrong,
  shardFileBad,
  shardsDiffer,
  shardsMissing,
  shardTwice,
  shardWorkChanged,
  unfinishedShard,
} from './messages.js';
import { PARTIAL_MARKER, present, readSmallFile } from './ownership.js';
import { createRunStore, openRunStore, type RunStoreReader, type RunStoreShape } from './run-store.js';
import { shardRange } from './shard.js';
import { SHARD_POINTS_DIR, type ShardManifest, shardManifestSchema } from './shard-files.js';
import { type PointOutcome, readPointOutcome, sweepSha256 } from './sweep-files.js';

const MANIFEST_MAX_BYTES = 64 << 20;

export interface ReadShard {
  dir: string;
  manifest: ShardManifest;
}

/** The shard manifest of `dir`, or null when `dir` holds none. */
export function readShardManifest(dir: string): ShardManifest | null {
  const text = readSmallFile(join(dir, MANIFEST_FILE), MANIFEST_MAX_BYTES);
  if (text === null) return null;
  try {
    const parsed = shardManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as unknown as ShardManifest) : null;
  } catch {
    return null;
  }
}

/** A scenario's folder inside a comparison: one plain name, never a path. */
const folderName = z
  .string()
  .min(1)
  .max(255)
  .refine((f) => f !== '.' && f !== '..' && !/[/\\\0]/.test(f));
const compareWork = z.object({ scenarios: z.array(z.object({ folder: folderName, scenario: z.unknown() })).min(2).max(1000) });
const sweepWork = z.object({
  scenario: z.unknown(),
  design: z.object({ kind: z.enum(['grid', 'lhs', 'saltelli', 'morris']), paths: z.array(z.string().max(500)).min(1).max(100), points: z.array(z.array(z.number())) }),
  cells: z.array(z.object({ metric: z.string().max(500), month: z.number().int().min(0).max(1199), date: z.string().max(20) })).min(1).max(1000),
  analysis: z.unknown().optional(),
});

/**
 * Whether the work recorded in `m` is well formed (a comparison's folders
 * plain names, a design's points as many as its items, each a value per
 * path) and hashes to what `m` says it is.
 */
function workMatches(m: ShardManifest): boolean {
  const w = m.work as Record<string, unknown>;
  try {
    if (m.shardOf === 'run') return m.items === m.runs && sha256Hex(canonicalJson(w.scenario)) === m.scenarioSha256 && m.designSha256 === null;
    if (m.shardOf === 'compare') {
      const parsed = compareWork.safeParse(w);
      if (!parsed.success || m.items !== m.runs) return false;
      const folders = parsed.data.scenarios.map((s) => s.folder);
      if (new Set(folders).size !== folders.length) return false;
      const compared = parsed.data.scenarios.map((s) => ({ folder: s.folder, scenarioSha256: sha256Hex(canonicalJson(s.scenario)) }));
      return compared[0].scenarioSha256 === m.scenarioSha256 && comparisonScenariosSha256(compared) === m.designSha256;
    }
    const parsed = sweepWork.safeParse(w);
    if (!parsed.success) return false;
    const { design } = parsed.data;
    if (design.points.length !== m.items || !design.points.every((p) => p.length === design.paths.length)) return false;
    const sweep = w as { scenario: never; design: never; cells: never; analysis?: never };
    return sha256Hex(canonicalJson(sweep.scenario)) === m.scenarioSha256 && sweepSha256(sweep.scenario, sweep.design, sweep.cells, sweep.analysis) === m.designSha256 && (m.shardOf === 'sensitivity') === !!sweep.analysis;
  } catch {
    return false;
  }
}

const nodeMajor = (version: string) => version.replace(/^v/, '').split('.')[0];

/** What must be the same in every shard of one piece of work, as [name, value]. */
function sharedFields(m: ShardManifest): [string, string][] {
  return [
    ['the command (shardOf)', m.shardOf],
    ['the shard count', String(m.shard.count)],
    ['the seed', String(m.seed)],
    ['the runs', String(m.runs)],
    ['the months', String(m.months)],
    ['the start', m.start],
    ['the items', String(m.items)],
    // After the seed, runs and months, which the resolved scenario holds too: the message names the plainer difference.
    ['the scenario (sha256)', m.scenarioSha256.slice(0, 12)],
    ['the design (sha256)', m.designSha256?.slice(0, 12) ?? 'none'],
    ['the shakeout version', m.shakeoutVersion],
    ['the Node.js major version', nodeMajor(m.nodeVersion)],
  ];
}

/**
 * Reads the shard folders `dirs` and checks that they are all n shards of
 * one piece of work; returns them in shard order. @throws UsageError naming the first problem
 */
export function readShards(dirs: readonly string[]): ReadShard[] {
  if (dirs.length === 0) throw new UsageError(noShards());
  const shards = dirs.map((dir): ReadShard => {
    if (present(join(dir, PARTIAL_MARKER))) throw new UsageError(unfinishedShard(dir));
    const manifest = readShardManifest(dir);
    if (!manifest) throw new UsageError(notAShard(dir));
    const { index, count, first, end } = manifest.shard;
    const expected = shardRange({ index, count }, manifest.items);
    if (index > count || first !== expected.first || end !== expected.end)
      throw new UsageError(shardBlockWrong(dir, index, count, `${first}…${end - 1}`, `${expected.first}…${expected.end - 1}`));
    if (!workMatches(manifest)) throw new UsageError(shardWorkChanged(dir));
    return { dir, manifest };
  });
  const [head] = shards;
  const ours = sharedFields(head.manifest);
  for (const s of shards.slice(1)) {
    const theirs = sharedFields(s.manifest);
    const k = theirs.findIndex(([, v], i) => v !== ours[i][1]);
    if (k >= 0) throw new UsageError(shardsDiffer(head.dir, s.dir, ours[k][0], ours[k][1], theirs[k][1]));
  }
  const count = head.manifest.shard.count;
  const byIndex = new Map<number, ReadShard>();
  for (const s of shards) {
    const other = byIndex.get(s.manifest.shard.index);
    if (other) throw new UsageError(shardTwice(other.dir, s.dir, s.manifest.shard.index, count));
    byIndex.set(s.manifest.shard.index, s);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length) throw new UsageError(shardsMissing(missing, count));
  return [...byIndex.keys()].sort((a, b) => a - b).map((k) => byIndex.get(k)!);
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
function realish(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = resolve(abs, '..');
    return parent === abs ? abs : join(realish(parent), relative(parent, abs));
  }
}

const inside = (child: string, parent: string) => {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
};

/** Refuses an `out` that is, is inside, or holds a shard folder (and so its `.partial` too): merge never writes into its shards. */
export function assertOutsideShards(out: string, shards: readonly ReadShard[]): void {
  const target = realish(out);
  const partial = realish(`${out}.partial`);
  for (const s of shards) {
    const dir = realish(s.dir);
    if (inside(target, dir) || inside(dir, target) || inside(partial, dir) || inside(dir, partial)) throw new UsageError(mergeIntoShard(out, s.dir));
  }
}

/**
 * Joins the run stores `sources` (each holding runs first … end − 1, in
 * order, of `shape`) into a new store in `<dir>/runs/`; returns its reader.
 * @throws UsageError when a shard's store is missing, damaged or of another shape
 */
export async function mergeRunStores(sources: readonly { dir: string; first: number; end: number }[], dir: string, shape: RunStoreShape): Promise<RunStoreReader> {
  const readers = sources.map((s) => {
    const reader = openRunStore(s.dir);
    const { metrics, months, runs, start } = reader.shape;
    const same = months === shape.months && start === shape.start && Array.isArray(metrics) && metrics.join('\n') === shape.metrics.join('\n') && runs === s.end - s.first;
    if (!same) throw new UsageError(shardFileBad(join(s.dir, 'runs', 'index.json'), `expected runs ${s.first}…${s.end - 1} of ${shape.months} months of ${shape.metrics.length} metrics`));
    return reader;
  });
  const store = createRunStore(dir, shape);
  try {
    for (const [i, reader] of readers.entries()) await reader.forEachRun((r, record) => store.write(sources[i].first + r, record));
  } catch (e) {
    store.abort();
    throw e;
  }
  return store.finish();
}

/** The outcomes of every design point, in point order, from the sweep shards. @throws UsageError for a missing or damaged point */
export function mergePointOutcomes(shards: readonly ReadShard[], cells: number, runs: number): PointOutcome[] {
  const outcomes: PointOutcome[] = [];
  for (const { dir, manifest } of shards)
    for (let i = manifest.shard.first; i < manifest.shard.end; i++) {
      const file = join(dir, SHARD_POINTS_DIR, `${i}.json`);
      const outcome = readPointOutcome(file, i, cells, runs);
      if (!outcome) throw new UsageError(shardFileBad(file, `design point ${i} is missing or unreadable`));
      outcomes.push(outcome);
    }
  return outcomes;
}
