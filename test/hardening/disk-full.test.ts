/**
 * A disk that fills up in the middle of a run (docs/security.md,
 * "Interrupted runs"): one line, exit 2, the runs already stored kept in
 * `<out>.partial`, and `--resume` finishes them once there is room, with
 * the bytes of an uninterrupted run. The full disk is a file-size limit
 * (`ulimit -f`): writes past it fail with EFBIG, as they fail with ENOSPC
 * on a full disk, and take the same path.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-disk-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const bash = spawnSync('bash', ['-c', 'ulimit -f 1 && echo ok'], { encoding: 'utf8' }).stdout?.trim() === 'ok';

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile() && name !== 'manifest.json') out.set(relative(dir, path), readFileSync(path));
  }
  return out;
}

describe.skipIf(!bash || process.platform === 'win32')('a full disk', () => {
  it('stops with one line and exit 2, keeps the runs, and --resume finishes them with the same bytes', () => {
    const args = ['run', join(root, 'scenarios', 'minimal.yaml'), '--runs', '150', '--no-charts', '--workers', '1', '--quiet'];
    const reference = join(scratch, 'reference');
    expect(spawnSync(process.execPath, [cli, ...args, '--out', reference]).status).toBe(0);

    // values.f64 grows to 150 × 8 KB: a limit of 512 KiB stops it about half way.
    const out = join(scratch, 'out');
    const full = spawnSync('bash', ['-c', 'ulimit -f 512 && exec "$@"', 'bash', process.execPath, cli, ...args, '--out', out], { encoding: 'utf8' });
    expect(full.status, full.stderr).toBe(2);
    const lines = full.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^cannot write ${out}: a file grew past the size this system allows \\(EFBIG\\); \\d+ of 150 runs are saved in ${out}\\.partial: free some space, then run: .* --resume$`),
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(`${out}.partial`, 'PARTIAL'))).toBe(true);

    const resumed = spawnSync(process.execPath, [cli, ...args.filter((a) => a !== '--quiet'), '--out', out, '--resume'], { encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/wrote .*: 150 runs \([1-9]\d* kept from the interrupted run\)/);
    const got = files(out);
    const want = files(reference);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, bytes] of want) expect(got.get(name)!.equals(bytes), name).toBe(true);
  });
});
