/**
 * manifest.json: what was run, with what, and how long it took. It is the
 * only file of a result folder with timestamps and durations, so every other
 * file is byte-identical across repeated runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../scenario/schema.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { installationGitState, installationRoot } from './installation.js';

export const MANIFEST_FILE = 'manifest.json';
export const RESULT_FORMAT = 'shakeout-result/1';
/** A comparison folder's manifest (comparison-files.ts): the scenarios' result folders inside, and their paired differences. */
export const COMPARISON_FORMAT = 'shakeout-comparison/1';
/** A sweep folder's manifest (sweep-files.ts): one scenario at many design points. */
export const SWEEP_FORMAT = 'shakeout-sweep/1';
/** A sensitivity analysis's manifest (sensitivity-files.ts): a sweep over a Saltelli or Morris design, with the indices. */
export const SENSITIVITY_FORMAT = 'shakeout-sensitivity/1';
/** A calibration folder's manifest (calibration-files.ts): the values of a scenario fitted to targets. */
export const CALIBRATION_FORMAT = 'shakeout-calibration/1';
/** A shard's manifest (shard-files.ts): one process's share of a run, sweep, analysis or comparison, not a finished result. */
export const SHARD_FORMAT = 'shakeout-shard/1';

/** Who wrote a folder: every manifest's first fields after its format. */
export interface WrittenBy {
  shakeoutVersion: string;
  /** The git commit of the shakeout installation that ran; null when it is not a git checkout (an npm install). */
  shakeoutCommit: string | null;
  /** Whether that checkout's tracked files differed from the commit; null as for `shakeoutCommit`. */
  shakeoutTreeModified: boolean | null;
}

/** When and how a folder was written: every manifest's last fields. */
export interface WrittenHow {
  /** The command line, program name first. */
  command: string[];
  /** `process.version`, e.g. `v20.20.2`. */
  nodeVersion: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** Seconds from the start of the command to the writing of the manifest. */
  wallTimeSeconds: number;
  /** Other files of the folder, relative, `/`-separated, sorted. */
  files: string[];
}

/** This installation's WrittenBy. */
export function writtenBy(): WrittenBy {
  const git = installationGitState();
  return { shakeoutVersion: shakeoutVersion(), shakeoutCommit: git.commit, shakeoutTreeModified: git.treeModified };
}

/** WrittenHow now, from the command, its wall time and the folder's files. */
export function writtenHow(input: Pick<WrittenHow, 'command' | 'wallTimeSeconds' | 'files'>): WrittenHow {
  return {
    command: [...input.command],
    nodeVersion: process.version,
    createdAt: new Date().toISOString(),
    wallTimeSeconds: Math.round(input.wallTimeSeconds * 1000) / 1000,
    files: [...input.files].sort(),
  };
}

export interface Manifest extends WrittenBy, WrittenHow {
  format: typeof RESULT_FORMAT;
  scenarioName: string | null;
  /** The resolved scenario (extends merged, defaults filled in). */
  scenario: Scenario;
  /** SHA-256 of canonicalJson(scenario). */
  scenarioSha256: string;
  seed: number | string;
  runs: number;
  months: number;
  /** `YYYY-MM` of t = 0. */
  start: string;
}

export interface ManifestInput {
  scenario: Scenario;
  runs: number;
  months: number;
  start: string;
  command: readonly string[];
  /** Seconds. */
  wallTimeSeconds: number;
  files: readonly string[];
  /** Default: now. */
  createdAt?: Date;
}

let version: string | undefined;

/** The `version` of the shakeout package.json above this module (source or dist alike). */
export function shakeoutVersion(): string {
  if (version !== undefined) return version;
  const root = installationRoot();
  if (root === null) return (version = 'unknown');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  return (version = pkg.version ?? 'unknown');
}

/**
 * What ran: the manifest without what differs between two runs of the same
 * scenario and seed with one version of shakeout (timestamps, duration,
 * command line, file list, and the git commit, the tree's state and the
 * Node.js version, which a commit or an update that changes no result
 * would change). runs.parquet carries it, so that file too is
 * byte-identical across repeated runs; manifest.json has the rest.
 */
export type RunProvenance = Omit<Manifest, 'command' | 'createdAt' | 'wallTimeSeconds' | 'files' | 'shakeoutCommit' | 'shakeoutTreeModified' | 'nodeVersion'>;

/** The provenance of a run of `scenario` (runs.parquet; the manifest's fields of the same names). */
export function buildProvenance(input: Pick<ManifestInput, 'scenario' | 'runs' | 'months' | 'start'>): RunProvenance {
  return {
    format: RESULT_FORMAT,
    shakeoutVersion: shakeoutVersion(),
    scenarioName: input.scenario.name ?? null,
    scenario: input.scenario,
    scenarioSha256: sha256Hex(canonicalJson(input.scenario)),
    seed: input.scenario.seed,
    runs: input.runs,
    months: input.months,
    start: input.start,
  };
}

/** The manifest of a finished result folder. */
export function buildManifest(input: ManifestInput): Manifest {
  const p = buildProvenance(input);
  const by = writtenBy();
  // Spelled out: the fields keep their order in manifest.json.
  return {
    format: p.format,
    shakeoutVersion: by.shakeoutVersion,
    shakeoutCommit: by.shakeoutCommit,
    shakeoutTreeModified: by.shakeoutTreeModified,
    scenarioName: p.scenarioName,
    scenario: p.scenario,
    scenarioSha256: p.scenarioSha256,
    seed: p.seed,
    runs: p.runs,
    months: p.months,
    start: p.start,
    command: [...input.command],
    nodeVersion: process.version,
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    wallTimeSeconds: Math.round(input.wallTimeSeconds * 1000) / 1000,
    files: [...input.files].sort(),
  };
}
