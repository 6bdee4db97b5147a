// The folder comparison of the whole-process benchmark (test/bench/folders.mjs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../output/tmp.js';
// @ts-expect-error a plain script of the benchmarks, without types
import { BUILD_MANIFEST_FIELDS, folderDifferences } from './folders.mjs';

/** A folder with a manifest and two data files, one of them in runs/. */
function folder(manifest: object, values = 'abc', csv = 'x,y\n1,2\n'): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'runs'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'runs', 'values.f64'), values);
  writeFileSync(join(dir, 'timeseries.csv'), csv);
  return dir;
}

const manifest = { version: 1, seed: 3, runs: 10, command: ['run', 'a.yaml', '--workers', '1'], createdAt: '2026-01-01T00:00:00Z', wallTimeSeconds: 1.5 };

describe('folderDifferences', () => {
  it('finds none when only the command, the time and the wall time differ', () => {
    const a = folder(manifest);
    const b = folder({ ...manifest, command: ['run', 'a.yaml', '--workers', '2'], createdAt: '2026-02-02T00:00:00Z', wallTimeSeconds: 0.9 });
    expect(folderDifferences(a, b)).toEqual([]);
  });

  it('names a data file whose bytes differ, and a manifest that differs in its work', () => {
    const a = folder(manifest);
    const b = folder({ ...manifest, seed: 4 }, 'abd');
    expect(folderDifferences(a, b)).toEqual(['manifest.json', 'runs/values.f64']);
  });

  it('ignores the build that wrote a manifest only when asked to', () => {
    const a = folder({ ...manifest, shakeoutVersion: '0.1.0', shakeoutCommit: 'aaaa', shakeoutTreeModified: false });
    const b = folder({ ...manifest, shakeoutVersion: '0.2.0', shakeoutCommit: 'bbbb', shakeoutTreeModified: true });
    expect(folderDifferences(a, b)).toEqual(['manifest.json']);
    expect(folderDifferences(a, b, { ignoreManifestFields: BUILD_MANIFEST_FIELDS })).toEqual([]);
  });

  it('names a file that only one folder has', () => {
    const a = folder(manifest);
    const b = folder(manifest);
    writeFileSync(join(b, 'summary.md'), '# extra\n');
    expect(folderDifferences(a, b)).toEqual(['summary.md']);
    expect(folderDifferences(b, a)).toEqual(['summary.md']);
  });
});
