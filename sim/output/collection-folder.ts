/**
 * The life of every sealed folder shakeout writes: a result
 * (result-folder.ts), a comparison, a sweep (docs/security.md). It is
 * built in `<out>.partial`, sealed, and only then moved to `<out>`,
 * replacing an existing folder of the same kind only with `force` and
 * never anything else; an interrupted one keeps `<out>.partial` for
 * `--resume`, which finishes exactly the same work (the same identity:
 * scenario or scenarios, design, seed, runs and months, version).
 * What is kept when it goes wrong (`failure`): an interruption (signal)
 * or a full disk keeps `<out>.partial`; any other failure removes it.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InterruptedError, UsageError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import {
  assertNotForeign,
  assertTarget,
  assertWritable,
  claimPartial,
  commitPartial,
  createPartial,
  inspectPartial,
  PARTIAL_FORMAT,
  type PartialRecord,
  partialPath,
  recoverSwap,
  releasePartial,
  removePartial,
  type SealedOccupant,
  sealPartial,
} from './folder-swap.js';
import { fileSystemCode } from './fs-error.js';
import { MANIFEST_FILE, shakeoutVersion } from './manifest.js';
import { appeared, cannotResume, interrupted, NO_ROOM_CODES, noRoom, notMovedIntoPlace, partialExists, partialMarkerText } from './messages.js';
import { readSmallFile } from './ownership.js';

/** Files of `<out>.partial` that are not part of the result (folder-swap.ts), left out of the manifest. */
export const BOOKKEEPING: ReadonlySet<string> = new Set(['PARTIAL', 'resume.json', 'lock', 'runs/done']);

/** Every file under `dir`, relative, `/`-separated. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'));
}

/** What a sealed folder's manifest says about the work that made it, for comparing with a resume. */
export type RunIdentity = Pick<PartialRecord, 'scenarioSha256' | 'runs' | 'seed' | 'months' | 'shakeoutVersion' | 'nodeVersion'>;

/** What a sealed folder's manifest says it is (`sha256`: of what it ran), with whether it was written with --force. */
export function manifestIdentity(
  m: Pick<PartialRecord, 'runs' | 'seed' | 'months' | 'shakeoutVersion' | 'nodeVersion'> & { command: readonly string[] },
  sha256: string,
): RunIdentity & { force: boolean } {
  return { scenarioSha256: sha256, runs: m.runs, seed: m.seed, months: m.months, shakeoutVersion: m.shakeoutVersion, nodeVersion: m.nodeVersion, force: m.command.includes('--force') };
}

const nodeMajor = (version: string) => version.replace(/^v/, '').split('.')[0];

/** Why the work recorded in `theirs` is not the work `ours` asks for, or null when it is. */
export function difference(theirs: RunIdentity | null, ours: PartialRecord): string | null {
  if (!theirs) return 'it does not say which run it is (resume.json and manifest.json are missing or damaged)';
  if (theirs.runs !== ours.runs) return `it has ${theirs.runs} runs and this command asks for ${ours.runs}`;
  if (theirs.seed !== ours.seed) return `it has seed ${theirs.seed} and this command has ${ours.seed}`;
  if (theirs.months !== ours.months) return `it has ${theirs.months} months and this command has ${ours.months}`;
  if (theirs.scenarioSha256 !== ours.scenarioSha256)
    return `it is a run of another scenario (sha256 ${String(theirs.scenarioSha256).slice(0, 12)}…, this one is ${ours.scenarioSha256.slice(0, 12)}…): the file or a base it extends changed`;
  if (theirs.shakeoutVersion !== ours.shakeoutVersion) return `it was started by shakeout ${theirs.shakeoutVersion}, and this is ${ours.shakeoutVersion}`;
  if (nodeMajor(theirs.nodeVersion) !== nodeMajor(ours.nodeVersion))
    return `it was started with Node.js ${theirs.nodeVersion}, and this is ${ours.nodeVersion} (results are byte-identical only within one major version)`;
  return null;
}

/** What a kind of collection folder tells the generic code. */
export interface CollectionKind<M> {
  /** What a sealed one is (ownership.ts's Occupant): the only thing `--force` replaces. */
  occupant: SealedOccupant;
  /** Its manifest.json, parsed and checked, or null. */
  parseManifest(data: unknown): M | null;
  /** What a sealed one's manifest says it is, to compare with a resume. */
  identity(manifest: M): RunIdentity & { force: boolean };
  /** Whatever else a complete one must hold to be taken as it is (a readable summary); default nothing. */
  complete?(dir: string, manifest: M): boolean;
  /** The message when a finished `<out>.partial` moved into place turns out not to be complete; default: it cannot be resumed. */
  notComplete?(out: string): string;
}

/** resume.json for a collection: `sha256` is the hash of its identity (scenarios, design), `name` what its marker calls it. */
export function collectionRecord(sha256: string, name: string, seed: number | string, runs: number, months: number, force: boolean, command: readonly string[]): PartialRecord {
  return {
    format: PARTIAL_FORMAT,
    shakeoutVersion: shakeoutVersion(),
    nodeVersion: process.version,
    scenarioSha256: sha256,
    scenarioName: name,
    seed,
    runs,
    months,
    force,
    command: [...command],
    createdAt: new Date().toISOString(),
  };
}

/** The manifest of the sealed collection in `dir`, or null when there is none to trust. */
export function readCollectionManifest<M>(dir: string, kind: CollectionKind<M>): M | null {
  const text = readSmallFile(join(dir, MANIFEST_FILE), 16 << 20);
  if (text === null) return null;
  try {
    return kind.parseManifest(JSON.parse(text));
  } catch {
    return null;
  }
}

/** `out`'s manifest, when `out` is a complete collection of exactly what `record` describes. */
function complete<M extends { files: string[] }>(out: string, record: PartialRecord, kind: CollectionKind<M>): M | null {
  const manifest = readCollectionManifest(out, kind);
  if (!manifest || difference(kind.identity(manifest), record) || !manifest.files.every((f) => existsSync(join(out, f)))) return null;
  return kind.complete && !kind.complete(out, manifest) ? null : manifest;
}

export type CollectionClaim<M> = { kind: 'done'; manifest: M; alreadyComplete: boolean } | { kind: 'open'; resuming: boolean; replace: boolean };

/**
 * The checks on `out` (not a file system's root, an interrupted swap
 * repaired, nothing there but a collection of this kind), then what becomes
 * of `<out>.partial` (the rules of claimTarget in result-folder.ts).
 * @throws UsageError
 */
export function claimCollection<M extends { files: string[] }>(
  out: string,
  record: PartialRecord,
  kind: CollectionKind<M>,
  options: { resume: boolean; force: boolean; resumeLine: string },
): CollectionClaim<M> {
  const { resume, force, resumeLine } = options;
  assertTarget(out);
  recoverSwap(out);
  assertNotForeign(out, kind.occupant);
  const partial = partialPath(out);
  let resuming = false;
  let replace = force;
  let state = inspectPartial(out);
  if (resume && state.kind === 'unfinished' && !state.record && readCollectionManifest(state.dir, kind)) {
    // Killed while sealing (sealPartial): resume.json already removed, the manifest written before it,
    // which says what the run is and lists its files. Finish the seal as the killed run would have, and
    // go on as with a sealed folder killed before its rename.
    claimPartial(out);
    sealPartial(partial);
    state = inspectPartial(out);
  }
  if (resume && state.kind === 'none') {
    const done = complete(out, record, kind);
    if (done) return { kind: 'done', manifest: done, alreadyComplete: true };
  }
  if (state.kind === 'unfinished' || state.kind === 'complete') {
    if (resume) {
      const sealed = state.kind === 'complete' ? readCollectionManifest(state.dir, kind) : null;
      const theirs = state.kind === 'unfinished' ? state.record : sealed && kind.identity(sealed);
      const why = difference(theirs, record);
      if (why) throw new UsageError(cannotResume(partial, why));
      replace = force || !!theirs?.force;
      if (state.kind === 'complete') {
        commitPartial(partial, out, replace);
        const done = complete(out, record, kind);
        if (!done) throw new UsageError(kind.notComplete?.(out) ?? cannotResume(partial, 'it is not complete'));
        return { kind: 'done', manifest: done, alreadyComplete: false };
      }
      claimPartial(out);
      resuming = true;
    } else {
      if (!force) throw new UsageError(partialExists(partial, resumeLine));
      claimPartial(out);
      removePartial(out);
    }
  }
  assertWritable(out, replace, kind.occupant);
  return { kind: 'open', resuming, replace };
}

/** `<out>.partial` while a collection fills it. */
export interface CollectionPartial {
  readonly partial: string;
  /** Whether it was taken over from an interrupted run. */
  readonly resuming: boolean;
  create(): void;
  /**
   * Writes the manifest `build` makes from the list of files (every file
   * but the bookkeeping, the manifest's own excluded), seals the folder and
   * moves it into place; `signal` is checked once more before the seal.
   */
  finish<M>(build: (files: string[]) => M, signal?: AbortSignal): M;
  /** What to throw for `e`, thrown while the folder was filled (`done` of `runs` runs, or points, stored). */
  failure(e: unknown, done: number, runs: number): unknown;
}

export function openCollectionFolder(out: string, record: PartialRecord, claim: { resuming: boolean; replace: boolean }, resumeLine: string, scenario = record.scenarioName ?? 'unnamed'): CollectionPartial {
  const partial = partialPath(out);
  const { resuming, replace } = claim;
  let created = false;
  let sealed = false;
  return {
    partial,
    resuming,
    create() {
      if (resuming) return;
      createPartial(out, record, partialMarkerText(out, resumeLine, scenario, record.runs, record.createdAt));
      created = true;
    },
    finish(build, signal) {
      // A manifest.json from an attempt interrupted after writing it is rewritten here, not listed.
      const manifest = build(listFiles(partial).filter((f) => !BOOKKEEPING.has(f) && f !== MANIFEST_FILE));
      writeFileAtomic(join(partial, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
      if (signal?.aborted) throw new InterruptedError('interrupted', typeof signal.reason === 'string' ? signal.reason : 'SIGINT', record.runs, record.runs);
      sealPartial(partial);
      sealed = true;
      try {
        commitPartial(partial, out, replace);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        throw new UsageError(appeared(out, partial));
      }
      return manifest;
    },
    failure(e, done, runs) {
      if (sealed) {
        const code = fileSystemCode(e);
        return code ? new UsageError(notMovedIntoPlace(out, partial, code)) : e;
      }
      if (e instanceof InterruptedError) {
        releasePartial(partial);
        return new InterruptedError(interrupted(e.signal, done, runs, partial, resumeLine), e.signal, done, runs);
      }
      const code = fileSystemCode(e);
      if (code && NO_ROOM_CODES.has(code) && existsSync(partial)) {
        releasePartial(partial);
        return new UsageError(noRoom(out, code, done, runs, partial, resumeLine));
      }
      if (created || resuming) rmSync(partial, { recursive: true, force: true });
      return e;
    },
  };
}
