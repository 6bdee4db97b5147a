/**
 * Your files are never removed (docs/security.md): the real CLI, pointed
 * at folders that are not its own. `--force` replaces only a sealed
 * result; a sibling whose name merely looks like a leftover is never
 * touched; `--out` naming `.`, `/`, a mount point or a file is one line and
 * exit 2, leaving nothing behind; file-system errors of `chart` and
 * `report` are one line; a process killed while drawing leaves nothing the
 * next one cannot prove its own and remove; links inside a result folder
 * are not written through.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { files } from '../folder-files.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scenario = join(root, 'scenarios', 'minimal.yaml');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-folders-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** A fresh empty folder inside the scratch folder. */
function fresh(): string {
  const dir = join(scratch, `case-${++n}`);
  mkdirSync(dir);
  return dir;
}

function shakeout(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI under a file-size limit of `kib` KiB (`ulimit -f`): writes past it fail with EFBIG, as on a full disk. */
function shakeoutLimited(kib: number, args: string[]) {
  const r = spawnSync('bash', ['-c', `ulimit -f ${kib} && exec "$@"`, 'bash', process.execPath, cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const bash = spawnSync('bash', ['-c', 'ulimit -f 1 && echo ok'], { encoding: 'utf8' }).stdout?.trim() === 'ok';

/** One line on stderr, exit 2, no "internal error". */
function expectRefused(r: ReturnType<typeof shakeout>, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr.trimEnd()).toMatch(pattern);
}

const run = (out: string, ...more: string[]) => shakeout(['run', scenario, '--runs', '2', '--no-charts', '--quiet', '--out', out, ...more]);

/** A number that reads like a year and is not the id of a running process (old versions took such names for their own). */
function deadYear(): number {
  for (let year = 2023; ; year--) {
    try {
      process.kill(year, 0);
    } catch (e) {
      if ((e as { code?: string }).code === 'ESRCH') return year;
    }
  }
}

/** A result folder of the minimal scenario (2 runs, no charts), made once and copied. */
let result: string;
beforeAll(() => {
  result = join(scratch, 'result');
  const r = run(result);
  expect(r.code, r.stderr).toBe(0);
});

function copyOfResult(parent: string, name = 'res'): string {
  const dir = join(parent, name);
  cpSync(result, dir, { recursive: true });
  return dir;
}

describe('--force replaces only a shakeout result', () => {
  test('a folder of the user (thesis/chapter1.tex) is refused and kept', () => {
    const parent = fresh();
    const thesis = join(parent, 'thesis');
    mkdirSync(thesis);
    writeFileSync(join(thesis, 'chapter1.tex'), 'draft\n');
    const r = run(thesis, '--force');
    expectRefused(r, /thesis is a folder, not a shakeout result .* so shakeout will not replace it, even with --force; choose another folder with --out/);
    expect(readFileSync(join(thesis, 'chapter1.tex'), 'utf8')).toBe('draft\n');
    expect(readdirSync(parent)).toEqual(['thesis']);
  });

  test('the folder holding the scenario being run is refused and kept', () => {
    const parent = fresh();
    const scenarios = join(parent, 'scenarios');
    mkdirSync(scenarios);
    cpSync(scenario, join(scenarios, 'minimal.yaml'));
    const r = shakeout(['run', join(scenarios, 'minimal.yaml'), '--runs', '2', '--no-charts', '--quiet', '--out', scenarios, '--force']);
    expectRefused(r, /scenarios is a folder, not a shakeout result/);
    expect(readdirSync(scenarios)).toEqual(['minimal.yaml']);
    expect(readdirSync(parent)).toEqual(['scenarios']);
  });

  test('a folder inside another result (other-result/runs) is refused, and that result stays whole', () => {
    const other = copyOfResult(fresh(), 'other-result');
    const before = files(other);
    const r = run(join(other, 'runs'), '--force');
    expectRefused(r, /runs is a folder, not a shakeout result/);
    expect(files(other)).toEqual(before);
    expect(readdirSync(join(other, '..'))).toEqual(['other-result']);
  });
});

describe('a sibling that merely looks like a leftover is never touched', () => {
  test('res.old-<year>/ and res.partial.tmp-<year>/ beside a result survive a refused run', () => {
    const parent = fresh();
    const res = copyOfResult(parent);
    const year = deadYear();
    const backup = copyOfResult(parent, `res.old-${year}`);
    const staging = join(parent, `res.partial.tmp-${year}`);
    mkdirSync(staging);
    writeFileSync(join(staging, 'notes.txt'), 'mine\n');
    const before = { res: files(res), backup: files(backup), staging: files(staging) };
    const r = run(res);
    expectRefused(r, /res already exists; use --force to replace it/);
    expect({ res: files(res), backup: files(backup), staging: files(staging) }).toEqual(before);
  });

  test('with no res/, res.old-<year>/ is not moved into its place: the run writes a new result beside it', () => {
    const parent = fresh();
    const year = deadYear();
    const backup = copyOfResult(parent, `res.old-${year}`);
    writeFileSync(join(backup, 'notes.txt'), 'mine\n');
    const before = files(backup);
    const r = run(join(parent, 'res'));
    expect(r.code, r.stderr).toBe(0);
    expect(files(backup)).toEqual(before);
    expect(existsSync(join(parent, 'res', 'notes.txt'))).toBe(false);
    expect(readdirSync(parent).sort()).toEqual(['res', `res.old-${year}`]);
  });
});

describe('--out that cannot be a result folder: one line, exit 2, nothing left behind', () => {
  test('--out . (the working folder)', () => {
    const parent = fresh();
    const work = join(parent, 'work');
    mkdirSync(work);
    writeFileSync(join(work, 'keep.txt'), 'x');
    const r = shakeout(['run', scenario, '--runs', '2', '--no-charts', '--quiet', '--out', '.', '--force'], work);
    expectRefused(r, /work is a folder, not a shakeout result/);
    expect(readdirSync(work)).toEqual(['keep.txt']);
    expect(readdirSync(parent)).toEqual(['work']);
  });

  test('--out / (the root of the file system)', () => {
    const before = existsSync('/.partial');
    const r = run('/', '--force');
    expectRefused(r, /^cannot write a result folder at \/: it is the root of the file system; choose a folder below it with --out$/);
    expect(existsSync('/.partial')).toBe(before);
  });

  const mountPoint = ['/dev/shm', '/proc', '/sys'].find((p) => {
    try {
      return lstatSync(p).dev !== lstatSync(join(p, '..')).dev;
    } catch {
      return false;
    }
  });
  test.skipIf(!mountPoint)('--out <a mount point>', () => {
    const r = run(mountPoint!, '--force');
    expectRefused(r, /is a folder, not a shakeout result/);
    expect(existsSync(`${mountPoint}.partial`)).toBe(false);
  });

  test('--out <a regular file> --force: refused up front, the file kept, and nothing to remove by hand', () => {
    const parent = fresh();
    const file = join(parent, 'notes.txt');
    writeFileSync(file, 'mine\n');
    for (let attempt = 0; attempt < 2; attempt++) {
      expectRefused(run(file, '--force'), /notes\.txt is a file, not a shakeout result/);
      expect(readFileSync(file, 'utf8')).toBe('mine\n');
      expect(readdirSync(parent)).toEqual(['notes.txt']);
    }
  });
});

describe('chart and report: file-system errors are one line', () => {
  test('chart, when a file is in the way of charts/', () => {
    const res = copyOfResult(fresh());
    writeFileSync(join(res, 'charts'), 'not a folder');
    expectRefused(shakeout(['chart', res, '--format', 'svg', '--quiet']), /^cannot write .*charts: a file is in the way of a folder \(EEXIST\); choose another folder with --out$/);
  });

  test('report, when its --out goes through a file', () => {
    const parent = fresh();
    const res = copyOfResult(parent);
    writeFileSync(join(parent, 'file'), 'x');
    expectRefused(shakeout(['report', res, '--out', join(parent, 'file', 'report.html'), '--quiet']), /^cannot write .*file: a file is in the way of a folder \(EEXIST\); choose another folder with --out$/);
  });

  test.skipIf(process.getuid?.() === 0 || process.platform === 'win32')('chart and report, in a read-only result folder', () => {
    const res = copyOfResult(fresh());
    chmodSync(res, 0o555);
    try {
      expectRefused(shakeout(['chart', res, '--format', 'svg', '--quiet']), /permission denied \(EACCES\)/);
      expectRefused(shakeout(['report', res, '--quiet']), /permission denied \(EACCES\)/);
    } finally {
      chmodSync(res, 0o755);
    }
  });

  test.skipIf(!bash)('chart, and run drawing its charts, on a full disk: one line, no temporaries left', () => {
    const parent = fresh();
    const res = copyOfResult(parent);
    // The chart specs are 4 to 18 KiB: a limit of 8 KiB stops the first large one.
    const chart = shakeoutLimited(8, ['chart', res, '--format', 'svg', '--quiet']);
    expectRefused(chart, /^cannot write .*: a file grew past the size this system allows \(EFBIG\); choose another folder with --out$/);
    expect(readdirSync(join(res, 'charts')).filter((f) => !/^[a-z-]+\.(vl\.json|svg)$/.test(f))).toEqual([]);
    // Two months, no expectations: every file of the result is under 32 KiB, and the PNGs are over.
    const short = join(parent, 'short.yaml');
    writeFileSync(short, readFileSync(scenario, 'utf8').replace(/^expect:[^]*$/m, ''));
    const out = join(parent, 'drawn');
    const ran = shakeoutLimited(32, ['run', short, '--runs', '2', '--months', '2', '--quiet', '--out', out]);
    expectRefused(ran, /^wrote .*drawn, but could not draw its charts: a file grew past the size this system allows \(EFBIG\); the result itself is complete: fix that, then run: shakeout chart .*drawn$/);
    expect(readdirSync(join(out, 'charts')).filter((f) => !/^[a-z-]+\.(vl\.json|svg|png|pdf)$/.test(f))).toEqual([]);
  });
});

describe('a process killed while drawing charts', () => {
  test('leaves nothing that the next `shakeout chart` does not remove', async () => {
    const res = copyOfResult(fresh());
    const charts = join(res, 'charts');
    // A drawing process stopped just before it renames its first SVG into place, holding a temporary: then SIGKILL.
    const child = join(res, '..', 'hold.mjs');
    writeFileSync(
      child,
      [
        "import fs from 'node:fs';",
        "import { syncBuiltinESMExports } from 'node:module';",
        'const rename = fs.renameSync;',
        'fs.renameSync = (from, to) => {',
        "  if (String(to).endsWith('.svg')) { fs.writeSync(1, 'holding\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); }",
        '  return rename(from, to);',
        '};',
        'syncBuiltinESMExports();',
        'const { drawCharts } = await import(process.argv[2]);',
        "await drawCharts(process.argv[3], { formats: ['svg'] });",
      ].join('\n'),
    );
    const draw = join(root, 'dist', 'viz', 'draw.js');
    await new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, [child, draw, res], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      p.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('holding')) p.kill('SIGKILL');
      });
      p.on('close', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`the drawing process was not killed: ${stderr}`))));
    });
    // It did leave something behind.
    expect(readdirSync(charts).filter((f) => !f.endsWith('.vl.json')).length).toBeGreaterThan(0);

    const r = shakeout(['chart', res, '--format', 'svg', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const names = ['hhi-tokens', 'shares-tokens', 'survival', 'deaths', 'flows', 'providers'];
    expect(readdirSync(charts).sort()).toEqual(names.flatMap((c) => [`${c}.svg`, `${c}.vl.json`]).sort());
  });
});

describe('links inside a received result folder are not written through', () => {
  test('charts/ a link to another folder: chart refuses, the other folder stays empty', () => {
    const parent = fresh();
    const res = copyOfResult(parent);
    const elsewhere = join(parent, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(res, 'charts'));
    expectRefused(shakeout(['chart', res, '--format', 'svg', '--quiet']), /charts is a symbolic link inside the result folder .*: shakeout does not write through links there/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  test('report.html a link to a file elsewhere: report refuses, the link and the file stay as they were', () => {
    const parent = fresh();
    const res = copyOfResult(parent);
    const page = join(parent, 'page.html');
    writeFileSync(page, 'mine\n');
    symlinkSync(page, join(res, 'report.html'));
    expectRefused(shakeout(['report', res, '--quiet']), /report\.html is a symbolic link inside the result folder/);
    expect(lstatSync(join(res, 'report.html')).isSymbolicLink()).toBe(true);
    expect(readFileSync(page, 'utf8')).toBe('mine\n');
    expect(readdirSync(parent).sort()).toEqual(['page.html', 'res']);
  });
});
