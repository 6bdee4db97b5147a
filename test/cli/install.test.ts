/**
 * Installed as a user installs it: `npm pack` of the project, the tarball
 * installed globally into a temporary prefix, then, from a folder that has
 * nothing to do with the repository, the `shakeout` command and the
 * README's library example. Dependencies come from npm's cache (filled by
 * `npm ci`), so this needs no network when the cache is warm.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-install-'));
const prefix = join(scratch, 'prefix');
const elsewhere = join(scratch, 'elsewhere');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

beforeAll(() => {
  // dist/ is built by `npm test`; packing it as it is keeps the test from building twice.
  const tarball = execFileSync(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', scratch], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
  execFileSync(npm, ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error', join(scratch, tarball)], {
    cwd: scratch,
    stdio: 'pipe',
  });
  mkdirSync(join(elsewhere, 'scenarios'), { recursive: true });
  copyFileSync(join(root, 'scenarios', 'minimal.yaml'), join(elsewhere, 'scenarios', 'minimal.yaml'));
}, 300_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const shakeout = (...args: string[]) => spawnSync(join(prefix, 'bin', 'shakeout'), args, { cwd: elsewhere, encoding: 'utf8' });

describe('the packed tarball, installed globally', () => {
  it('runs `shakeout --version` and a small scenario from an unrelated folder', () => {
    const version = shakeout('--version');
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
    const run = shakeout('run', 'scenarios/minimal.yaml', '--runs', '2', '--no-charts', '--quiet', '--out', 'result');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(elsewhere, 'result', 'manifest.json'), 'utf8'));
    expect(manifest.runs).toBe(2);
    // An npm install is no git checkout: its version says what it is.
    expect(manifest).toMatchObject({ shakeoutCommit: null, shakeoutTreeModified: null });
  });

  it('ships LICENSE, CITATION.cff and CHANGELOG.md', () => {
    const installed = join(prefix, 'lib', 'node_modules', 'shakeout');
    for (const file of ['LICENSE', 'CITATION.cff', 'CHANGELOG.md']) expect(readFileSync(join(installed, file), 'utf8')).toBe(readFileSync(join(root, file), 'utf8'));
  });

  it("runs the README's library example, importing 'shakeout' through the package's exports", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = /## Using it as a library\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'the README lost its library example').toBeDefined();
    // A project that depends on the installed package.
    mkdirSync(join(elsewhere, 'node_modules'), { recursive: true });
    symlinkSync(join(prefix, 'lib', 'node_modules', 'shakeout'), join(elsewhere, 'node_modules', 'shakeout'), 'dir');
    writeFileSync(join(elsewhere, 'example.mjs'), `${example}\nconsole.log(JSON.stringify({ length: values.length, metrics: compiled.metricNames.length, months: compiled.months, ensemble: sink.count, same: sink.values[0].every((v, i) => Object.is(v, values[i])) }));\n`);
    const r = spawnSync(process.execPath, ['example.mjs'], { cwd: elsewhere, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.length).toBe(out.metrics * out.months);
    // The ensemble ran on the installed package's workers, replication 0 with the bytes of this thread.
    expect([out.ensemble, out.same]).toEqual([20, true]);
  });
});
