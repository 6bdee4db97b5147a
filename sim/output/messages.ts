/** User-facing messages of the output layer: one line each, saying what is wrong and how to fix it. */
import { printable } from '../printable.js';

export function folderExists(out: string): string {
  return `${out} already exists; use --force to replace it, or --out to write elsewhere`;
}

/** `what`: what is at `out` (ownership.ts's Occupant), e.g. "a file". */
export function notReplaceable(out: string, what: string, kind: 'a result' | 'a comparison' | 'a sweep' | 'a sensitivity analysis' | 'a calibration' | 'a shard' = 'a result'): string {
  const wanted = kind.replace(/^a /, 'a shakeout ');
  return `${out} is ${what}, not ${wanted} (a folder with shakeout's manifest.json and no PARTIAL marker), so shakeout will not replace it, even with --force; choose another folder with --out, or move ${out} away first`;
}

export function fileSystemRoot(out: string): string {
  return `cannot write a result folder at ${out}: it is the root of the file system; choose a folder below it with --out`;
}

export function mountPoint(out: string): string {
  return `${out} is a mount point: shakeout replaces a result by renaming it, which a mount point does not allow; choose another folder with --out`;
}

export function linkInResult(link: string, results: string): string {
  return `${link} is a symbolic link inside the result folder ${results}: shakeout does not write through links there; remove the link, or choose where to write with --out`;
}

export function notAResultFolder(dir: string): string {
  return `${dir} is not a result folder (no readable manifest.json); run \`shakeout run\` to make one`;
}

/** A comparison folder where a result folder is wanted; `scenarios`: its scenarios' folders. */
export function aComparison(dir: string, scenarios: readonly string[]): string {
  const shown = scenarios.slice(0, 4).map((s) => printable(s, 200));
  const which = shown.length ? `: use one of its scenarios' result folders (${shown.join(', ')}${scenarios.length > 4 ? ', …' : ''})` : '';
  return `${printable(dir, 200)} is a comparison (written by \`shakeout compare\`), not a result folder${which}`;
}

/** A sweep folder where a result folder is wanted. */
export function aSweep(dir: string): string {
  return `${printable(dir, 200)} is a sweep (written by \`shakeout sweep\`), not a result folder: its results are in sweep.csv, points.csv and summary.md`;
}

/** A sensitivity analysis's folder where a result folder is wanted. */
export function aSensitivityAnalysis(dir: string): string {
  return `${printable(dir, 200)} is a sensitivity analysis (written by \`shakeout sensitivity\`), not a result folder: its results are in indices.csv, summary.md and sweep.csv`;
}

export function notARunStore(dir: string): string {
  return `${dir} holds no per-run values (runs/index.json missing or unreadable)`;
}

export function incompleteRunStore(dir: string, bytes: number, expected: number): string {
  return `${dir}: runs/values.f64 has ${bytes < 0 ? 'no' : bytes} bytes, expected ${expected}; the run was interrupted or the file damaged`;
}

export function badTimeseriesHeader(file: string, header: string): string {
  return `${file}: unexpected header "${header}"; was it written by another version of shakeout?`;
}

// ---- unfinished runs (folder-swap.ts, result-folder.ts, ensemble/run-to-folder.ts) ----

/** The command line to show a user, each word quoted for a POSIX shell where needed. */
export function commandLine(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** How every PARTIAL marker begins: what tells shakeout's unfinished runs from other folders (ownership.ts). */
export const PARTIAL_HEADLINE = 'This folder is an unfinished shakeout run';

/** The contents of the PARTIAL marker of `<out>.partial`. */
export function partialMarkerText(out: string, resume: string, scenario: string, runs: number, createdAt: string): string {
  return [
    `${PARTIAL_HEADLINE}: some of its replications are missing, and it`,
    `is not a result yet. Once every run is done it becomes ${out}.`,
    '',
    `Scenario: ${scenario}; ${runs} runs; started ${createdAt}.`,
    '',
    'To finish it (only the missing runs are computed, and the result is the same, byte for',
    'byte, as an uninterrupted run):',
    '',
    `  ${resume}`,
    '',
    'To discard it, delete this folder, or run again with --force.',
    '',
  ].join('\n');
}

export function partialExists(partial: string, resume: string): string {
  return `${partial} holds an unfinished run; finish it with \`${resume}\`, or add --force to discard it and start over`;
}

export function partialLocked(partial: string, pid: number, host: string, here: boolean): string {
  const who = here ? `process ${pid}` : `process ${pid} on ${host}`;
  return `${partial} is being written by another shakeout (${who}); wait for it to finish, or stop it. If no shakeout is running, delete ${partial}/lock`;
}

export function partialUnknown(partial: string): string {
  return `${partial} exists but is neither a result nor an unfinished run of shakeout (no PARTIAL marker or manifest.json of shakeout's); move or delete it`;
}

export function cannotResume(partial: string, why: string): string {
  return `cannot resume ${partial}: ${why}; run with --force instead of --resume to discard it and start over`;
}

export function interrupted(signal: string, done: number, runs: number, partial: string, resume: string): string {
  return `interrupted by ${signal}: ${done} of ${runs} runs are saved in ${partial}; to finish them, run: ${resume}`;
}

// ---- the file system says no ----

const reasons: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'a file grew past the size this system allows',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'an input/output error (a failing disk?)',
  EISDIR: 'a folder is in the way of a file',
  EEXIST: 'a file is in the way of a folder',
  ENOTEMPTY: 'a folder is in the way',
  EBUSY: 'the folder is in use (a mount point?)',
  EXDEV: 'it is on another file system than the folder beside it (a mount point?)',
};

/** Error codes that mean there is no room, so what was computed is kept for --resume. */
export const NO_ROOM_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** Error codes worth a one-line message of their own. */
export function fileSystemReason(code: string): string | undefined {
  return Object.hasOwn(reasons, code) ? reasons[code] : undefined;
}

export function noRoom(out: string, code: string, done: number, runs: number, partial: string, resume: string): string {
  const saved = done > 0 ? `${done} of ${runs} runs are saved in ${partial}` : `the unfinished run is kept in ${partial}`;
  return `cannot write ${out}: ${reasons[code]} (${code}); ${saved}: free some space, then run: ${resume}`;
}

export function cannotWrite(path: string, code: string): string {
  return `cannot write ${path}: ${reasons[code] ?? code} (${code}); choose another folder with --out`;
}

export function notEnoughDisk(out: string, needed: string, free: string, charts: boolean): string {
  const values = 'the per-run values, runs × months × metrics × 8 bytes, in runs/ and runs.parquet';
  const what = charts ? `${values}, and the charts` : values;
  const fixes = charts ? 'free some space, lower --runs, add --no-charts, or choose another folder with --out' : 'free some space, lower --runs, or choose another folder with --out';
  return `cannot write ${out}: it needs about ${needed} of disk (${what}), but only ${free} are free there; ${fixes}`;
}

export function chartsNotDrawn(out: string, code: string): string {
  return `wrote ${out}, but could not draw its charts: ${fileSystemReason(code) ?? code} (${code}); the result itself is complete: fix that, then run: shakeout chart ${out}`;
}

export function notMovedIntoPlace(out: string, partial: string, code: string): string {
  return `cannot put the finished result in place at ${out}: ${fileSystemReason(code) ?? code} (${code}); it is complete in ${partial}: move it into place yourself`;
}

export function appeared(out: string, partial: string): string {
  return `${out} appeared while the run was going on, so the finished result was left in ${partial}; move it into place yourself, or run again with --resume --force to replace ${out} with it`;
}

// ---- reading a result folder (read-folder.ts): its files are untrusted ----

export function missingResultFile(dir: string, file: string): string {
  return `${dir}: no ${file}; is this a finished result folder? (run \`shakeout run\` to make one)`;
}

/** A file of the folder that cannot be read, or is not a regular file of a sensible size. */
export function unreadableResultFile(path: string, why: string): string {
  return `${path}: ${why}; was the result folder damaged or edited?`;
}

export const notRegular = 'not a regular file (a device, a named pipe or a socket), so it is not read';
export const isFolder = 'a folder, not a file';
export const tooLarge = (limit: string) => `larger than ${limit}, more than shakeout writes for this run`;

export function badJson(path: string, line: number): string {
  return `${line > 0 ? `${path}:${line}` : path}: not valid JSON; was the result folder damaged or edited?`;
}

/** A field of manifest.json or summary.json that is not what shakeout writes; `more`: other problems found. */
export function badResultField(path: string, field: string, why: string, more: number): string {
  const rest = more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '';
  return `${path}: ${field ? `${field}: ` : ''}${why}${rest}; was the result folder damaged or edited?`;
}

export function mismatch(value: string, other: string, otherValue: string): string {
  return `${value}, but ${other} says ${otherValue}`;
}

export function badTimeseriesRow(path: string, line: number, why: string): string {
  return `${path}:${line}: ${why}; was the result folder damaged or edited?`;
}

export function truncatedTimeseries(path: string, metric: string, got: number, months: number): string {
  return `${path}: ends in the rows of ${metric}, with ${got} of its ${months} months; was the result folder damaged or edited?`;
}

/** summary.json: an expectation whose `pass` says otherwise than its `verdict`. */
export const passDisagrees = 'pass must be true exactly when the verdict is PASS';
/** summary.json: an expectation that is neither absolute (a value) nor relative (a baseline with a ratio or a difference). */
export const expectationForm = 'expected either a value, or a baseline with a ratio or a difference';

/** A folder whose manifest names another kind than the one a reader wants. */
export function notAFolderOf(dir: string, kind: string, command: string): string {
  return `${dir} is not ${kind} (no manifest.json of one); run \`shakeout ${command}\` to make one`;
}

/** A row of diff.csv that is not what shakeout writes. */
export function badDiffRow(path: string, line: number, why: string): string {
  return `${path}:${line}: ${why}; was the comparison folder damaged or edited?`;
}

/** A row of a calibration's evaluations.csv that is not what shakeout writes. */
export function badEvaluationsRow(path: string, line: number, why: string): string {
  return `${path}:${line}: ${why}; was the calibration folder damaged or edited?`;
}

// ---- shards (shard.ts, shard-files.ts, merge-shards.ts) ----

export function badShard(text: string, max: number): string {
  return `--shard ${printable(text, 100)}: expected k/n with 1 ≤ k ≤ n ≤ ${max}, e.g. --shard 3/8 for the third of eight shards`;
}

/** A shard folder where a result (or a comparison, a sweep, an analysis) is wanted. */
export function aShard(dir: string, index: number | string, count: number | string, of: string): string {
  return `${printable(dir, 200)} is shard ${index} of ${count} of a ${of} (written with --shard), not a finished result: join the shards first with \`shakeout merge <shard folders…> --out <dir>\``;
}

export function noShards(): string {
  return 'merge needs the shard folders, e.g. shakeout merge shards/* --out results/sweep';
}

export function notAShard(dir: string): string {
  return `${printable(dir, 200)} is not a shard folder (no readable manifest.json of a shard): pass the folders that \`--shard k/n\` wrote`;
}

export function unfinishedShard(dir: string): string {
  return `${printable(dir, 200)} is an unfinished shard (it has a PARTIAL marker): finish it with its command and --resume, then merge`;
}

export function shardBlockWrong(dir: string, index: number, count: number, held: string, expected: string): string {
  return `${printable(dir, 200)} says it is shard ${index} of ${count} but holds items ${held}, not ${expected}; it was changed after it was written`;
}

export function shardsDiffer(dir: string, other: string, what: string, here: string, there: string): string {
  return `${printable(dir, 200)} and ${printable(other, 200)} are not shards of the same work: ${what} is ${printable(here, 100)} in the first and ${printable(there, 100)} in the second`;
}

export function shardTwice(dir: string, other: string, index: number, count: number): string {
  return `${printable(dir, 200)} and ${printable(other, 200)} are both shard ${index} of ${count}: pass each shard once`;
}

export function shardsMissing(missing: readonly number[], count: number): string {
  const shown = missing.slice(0, 10).join(', ') + (missing.length > 10 ? ', …' : '');
  return `shard${missing.length === 1 ? '' : 's'} ${shown} of ${count} ${missing.length === 1 ? 'is' : 'are'} missing: merge needs all ${count}`;
}

export function shardWorkChanged(dir: string): string {
  return `${printable(dir, 200)}: manifest.json's work does not match its own hashes; the folder was changed after it was written`;
}

export function shardFileBad(path: string, why: string): string {
  return `${printable(path, 300)}: ${why}; the shard is damaged, run it again`;
}

export function mergeIntoShard(out: string, shard: string): string {
  return `--out ${printable(out, 200)} is inside, or holds, the shard folder ${printable(shard, 200)}: merge never writes into its shards; choose another folder with --out`;
}

export function badIndicesRow(path: string, line: number, why: string): string {
  return `${path}:${line}: ${why}; was the sensitivity analysis folder damaged or edited?`;
}
