/** Reading result folders in tests: every file as bytes, by relative path. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

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
