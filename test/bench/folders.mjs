// Comparing two result folders written by `shakeout run` (the whole-process
// step of test/bench/README.md): the files that differ, with manifest.json
// compared but for the fields that differ between two writings of the same
// work, as test/folder-files.ts does in the tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

/** Manifest fields that carry the command line, the time or the wall time, not the work. */
export const VOLATILE_MANIFEST_FIELDS = ['command', 'createdAt', 'wallTimeSeconds'];

/** Manifest fields that name the build that wrote the folder: ignored when comparing two builds' results. */
export const BUILD_MANIFEST_FIELDS = ['shakeoutVersion', 'shakeoutCommit', 'shakeoutTreeModified'];

/** Every file of a folder: relative `/`-separated path → absolute path. */
function listFiles(dir) {
  const out = new Map();
  for (const name of readdirSync(dir, { recursive: true })) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out.set(relative(dir, path).split('\\').join('/'), path);
  }
  return out;
}

function sameManifest(a, b, ignored) {
  const [x, y] = [a, b].map((p) => JSON.parse(readFileSync(p, 'utf8')));
  for (const k of ignored) {
    delete x[k];
    delete y[k];
  }
  return isDeepStrictEqual(x, y);
}

/**
 * The relative paths of the files that are not the same in folders `a` and
 * `b`, sorted: present in one only, or different bytes (every manifest.json
 * but for VOLATILE_MANIFEST_FIELDS, and the fields of `ignoreManifestFields`,
 * e.g. BUILD_MANIFEST_FIELDS). Empty when the folders hold the same results.
 */
export function folderDifferences(a, b, { ignoreManifestFields = [] } = {}) {
  const ignored = [...VOLATILE_MANIFEST_FIELDS, ...ignoreManifestFields];
  const [fa, fb] = [listFiles(a), listFiles(b)];
  const differ = [];
  for (const name of new Set([...fa.keys(), ...fb.keys()])) {
    const [pa, pb] = [fa.get(name), fb.get(name)];
    if (!pa || !pb) differ.push(name);
    else if (name === 'manifest.json' || name.endsWith('/manifest.json')) {
      if (!sameManifest(pa, pb, ignored)) differ.push(name);
    } else if (!readFileSync(pa).equals(readFileSync(pb))) differ.push(name);
  }
  return differ.sort();
}
