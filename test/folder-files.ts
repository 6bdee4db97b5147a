/** Reading result folders in tests: every file as bytes, by relative path. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';

/** Every file of a folder, relative `/`-separated path → bytes. */
export function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out.set(relative(dir, path).split('\\').join('/'), readFileSync(path));
  }
  return out;
}

/** The same without manifest.json, the one file that carries times. */
export function withoutManifest(dir: string): Map<string, Buffer> {
  const f = files(dir);
  f.delete('manifest.json');
  return f;
}

/** The fields of a manifest that differ between two writings of the same work. */
const VOLATILE = ['command', 'createdAt', 'wallTimeSeconds'];

/**
 * Every file of `merged` is the bytes of the same file of `one`, and the
 * same files are there; each manifest.json equal but for the command, the
 * time and the wall time.
 */
export function expectSameFolder(merged: string, one: string): void {
  const a = files(merged);
  const b = files(one);
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [name, bytes] of b) {
    if (name === 'manifest.json' || name.endsWith('/manifest.json')) {
      const [x, y] = [a.get(name)!, bytes].map((m) => JSON.parse(m.toString('utf8')));
      for (const k of VOLATILE) {
        delete x[k];
        delete y[k];
      }
      expect(x, name).toEqual(y);
    } else expect(a.get(name)!.equals(bytes), `${name} differs`).toBe(true);
  }
}
