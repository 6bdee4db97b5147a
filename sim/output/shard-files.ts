/**
 * A shard folder (`--shard k/n`, shard.ts): one process's share of a run,
 * a sweep, a sensitivity analysis or a comparison. It is not a result: it
 * holds only what its share computed, and `shakeout merge` joins the n
 * shards into the folder one process would have written.
 *
 *   manifest.json   format SHARD_FORMAT: what it is a shard of (`shardOf`),
 *                   which (`shard`: k of n, its block first … end − 1 of
 *                   `items` replications or design points), the hashes the
 *                   shards must share (scenario, design), seed, runs,
 *                   months, and `work`: what the merge needs to finish
 *   runs/           run: the per-run values of its block (run-store.ts),
 *                   run `first + i` stored as run i
 *   points/<i>.json sweep, sensitivity: the outcome of design point i
 *                   (every reported cell in every run, or its error)
 *   <folder>/runs/  compare: each scenario's values of its block
 *
 * Like every sealed folder it is built in `<out>.partial` and moved into
 * place (collection-folder.ts); `--force` replaces only a shard.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { Scenario } from '../scenario/schema.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { type CollectionKind, collectionRecord, manifestIdentity } from './collection-folder.js';
import type { PartialRecord } from './folder-swap.js';
import { UsageError } from '../errors.js';
import { aShard } from './messages.js';
import { MANIFEST_FILE, SHARD_FORMAT, type WrittenBy, writtenBy, type WrittenHow, writtenHow } from './manifest.js';
import { int, months, seed, sha256, text } from './manifest-fields.js';
import type { SensitivityRecord, SweepCellSpec, SweepManifest } from './sweep-files.js';

export { SHARD_FORMAT } from './manifest.js';
/** Where a sweep's shard keeps its points' outcomes. */
export const SHARD_POINTS_DIR = 'points';

/** What a shard is a share of: the command that wrote it. */
export type ShardOf = 'run' | 'sweep' | 'sensitivity' | 'compare';

/** What the merge needs to finish the work as one process would have. */
export type ShardWork =
  | { scenario: Scenario }
  | { scenario: Scenario; design: SweepManifest['design']; cells: SweepCellSpec[]; analysis?: SensitivityRecord }
  | { scenarios: { folder: string; scenario: Scenario }[] };

export interface ShardManifest extends WrittenBy, WrittenHow {
  format: typeof SHARD_FORMAT;
  shardOf: ShardOf;
  /** Shard `index` of `count` (1-based), holding items first … end − 1. */
  shard: { index: number; count: number; first: number; end: number };
  /** Replications (run, compare) or design points (sweep, sensitivity) of the whole work. */
  items: number;
  scenarioName: string | null;
  /** SHA-256 of the resolved scenario (the baseline's, for a comparison). */
  scenarioSha256: string;
  /** What else makes the work one: a sweep's design, cells and analysis (sweepSha256), a comparison's scenarios; null for a run. */
  designSha256: string | null;
  seed: number | string;
  runs: number;
  months: number;
  start: string;
  work: ShardWork;
}

/** What makes two shard folders shards of the same work (and the same shard). */
export function shardSha256(m: Pick<ShardManifest, 'shardOf' | 'scenarioSha256' | 'designSha256' | 'items'> & { shard: { index: number; count: number } }): string {
  return sha256Hex(canonicalJson({ shardOf: m.shardOf, scenario: m.scenarioSha256, design: m.designSha256, items: m.items, index: m.shard.index, count: m.shard.count }));
}

export function buildShardManifest(
  input: Omit<ShardManifest, 'format' | keyof WrittenBy | keyof WrittenHow> & Pick<WrittenHow, 'command' | 'wallTimeSeconds' | 'files'>,
): ShardManifest {
  const { command, wallTimeSeconds, files, ...what } = input;
  return { format: SHARD_FORMAT, ...writtenBy(), ...what, ...writtenHow({ command, wallTimeSeconds, files }) };
}

/** resume.json of a shard's `<out>.partial`. */
export function shardRecord(m: Pick<ShardManifest, 'shardOf' | 'scenarioSha256' | 'designSha256' | 'items' | 'shard' | 'seed' | 'runs' | 'months' | 'scenarioName'>, force: boolean, command: readonly string[]): PartialRecord {
  const name = `shard ${m.shard.index} of ${m.shard.count} of a ${m.shardOf} of ${m.scenarioName ?? 'a scenario'}`;
  return collectionRecord(shardSha256(m), name, m.seed, m.runs, m.months, force, command);
}


/** The envelope of a shard's manifest.json; `work` is checked by the merge against the hashes. */
export const shardManifestSchema = z.object({
  format: z.literal(SHARD_FORMAT),
  shakeoutVersion: text(100),
  shakeoutCommit: z.string().max(100).nullable(),
  shakeoutTreeModified: z.boolean().nullable(),
  shardOf: z.enum(['run', 'sweep', 'sensitivity', 'compare']),
  shard: z.object({ index: int(1), count: int(1), first: int(0), end: int(0) }),
  items: int(0),
  scenarioName: text(1000).nullable(),
  scenarioSha256: sha256,
  designSha256: sha256.nullable(),
  seed,
  runs: int(1),
  months,
  start: z.string().regex(/^\d{4}-\d{2}$/),
  work: z.record(z.string(), z.unknown()),
  command: z.array(text(100_000)).max(10_000),
  nodeVersion: text(100),
  createdAt: z.string().max(100),
  wallTimeSeconds: z.number().min(0),
  files: z.array(text(4096)).max(10_000_000),
});

/** A shard folder as a sealed folder of collection-folder.ts. */
export const shardKind: CollectionKind<ShardManifest> = {
  occupant: 'a shard',
  parseManifest(data) {
    const parsed = shardManifestSchema.safeParse(data);
    return parsed.success ? (parsed.data as unknown as ShardManifest) : null;
  },
  identity: (m) => manifestIdentity(m, shardSha256(m)),
};

/** The shard's manifest path, for messages. */
export const shardManifestPath = (dir: string) => join(dir, MANIFEST_FILE);

/** Refuses a shard folder where a finished folder is wanted (`chart`, `report`), saying what to do. @throws UsageError */
export function assertNotShard(dir: string, data: unknown): void {
  const m = data as { format?: unknown; shard?: { index?: unknown; count?: unknown }; shardOf?: unknown } | null;
  if (m?.format !== SHARD_FORMAT) return;
  const n = (x: unknown) => (Number.isSafeInteger(x) ? String(x) : '?');
  const of = { run: 'run', sweep: 'sweep', sensitivity: 'sensitivity analysis', compare: 'comparison' }[String(m.shardOf)] ?? 'piece of work';
  throw new UsageError(aShard(dir, n(m.shard?.index), n(m.shard?.count), of));
}
