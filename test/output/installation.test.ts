/**
 * Which shakeout wrote a result: the installation's folder, and its git
 * commit when it is a checkout of its own, else null fields (an npm install,
 * git missing, or shakeout inside another project's checkout).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { gitState, gitStateAsync, installationGitState, installationGitStateSoon, installationRoot } from '../../sim/output/installation.js';
import { buildManifest } from '../../sim/output/manifest.js';
import { handWorld } from './hand-made.js';
import { tempDir } from './tmp.js';

const root = join(import.meta.dirname, '..', '..');
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] }).trim();

/** A git checkout holding a package.json, one commit, with a fixed identity so no global config is needed. */
function checkout(): string {
  const dir = tempDir();
  git(dir, 'init', '--quiet');
  writeFileSync(join(dir, 'package.json'), '{"name":"shakeout","version":"0.0.0"}\n');
  git(dir, 'add', 'package.json');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'commit.gpgsign=false', 'commit', '--quiet', '-m', 'x');
  return dir;
}

/** The state of a folder, asked of git while the thread waits, or in the background. */
const ways: [string, (dir: string) => Promise<unknown>][] = [
  ['gitState', async (dir) => gitState(dir)],
  ['gitStateAsync', (dir) => gitStateAsync(dir)],
];

describe.each(ways)('%s', (_, gitState) => {
  test('a checkout: its commit, and modified only when a tracked file changed', async () => {
    const dir = checkout();
    const head = git(dir, 'rev-parse', 'HEAD');
    expect(await gitState(dir)).toEqual({ commit: head, treeModified: false });
    writeFileSync(join(dir, 'untracked.txt'), 'not part of the tree\n');
    expect(await gitState(dir)).toEqual({ commit: head, treeModified: false });
    writeFileSync(join(dir, 'package.json'), '{"name":"shakeout","version":"0.0.1"}\n');
    expect(await gitState(dir)).toEqual({ commit: head, treeModified: true });
  });

  test('a folder that is not a checkout: null fields', async () => {
    expect(await gitState(tempDir())).toEqual({ commit: null, treeModified: null });
  });

  test("shakeout under the node_modules of a project in git: null fields, not the project's commit", async () => {
    const project = checkout();
    const installed = join(project, 'node_modules', 'shakeout');
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(installed, 'package.json'), '{"name":"shakeout","version":"0.1.0"}\n');
    expect(await gitState(installed)).toEqual({ commit: null, treeModified: null });
  });

  test('git missing: null fields, and no error', async () => {
    const dir = checkout();
    const path = process.env.PATH;
    process.env.PATH = tempDir();
    try {
      expect(await gitState(dir)).toEqual({ commit: null, treeModified: null });
    } finally {
      process.env.PATH = path;
    }
  });

  test("GIT_DIR in the caller's environment does not point it at another repository", async () => {
    const other = checkout();
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = join(other, '.git');
    try {
      expect(await gitState(tempDir())).toEqual({ commit: null, treeModified: null });
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });
});

describe('the manifest names the installation that ran', () => {
  test("the installation is the folder of shakeout's own package.json", () => {
    expect(realpathSync(installationRoot()!)).toBe(realpathSync(root));
  });

  test('shakeoutCommit and shakeoutTreeModified, after shakeoutVersion, the other fields in their order', () => {
    const manifest = buildManifest({ scenario: handWorld().scenario, runs: 4, months: 26, start: '2024-06', command: ['shakeout'], wallTimeSeconds: 1, files: [] });
    // The tests run from a checkout of shakeout (its HEAD) or from an unpacked tarball (null).
    let head: string | null = null;
    try {
      if (realpathSync(git(root, 'rev-parse', '--show-toplevel')) === realpathSync(root)) head = git(root, 'rev-parse', 'HEAD');
    } catch {
      head = null;
    }
    expect(manifest.shakeoutCommit).toBe(head);
    expect(manifest.shakeoutTreeModified).toBe(head === null ? null : git(root, 'status', '--porcelain', '--untracked-files=no') !== '');
    expect(Object.keys(manifest)).toEqual([
      'format',
      'shakeoutVersion',
      'shakeoutCommit',
      'shakeoutTreeModified',
      'scenarioName',
      'scenario',
      'scenarioSha256',
      'seed',
      'runs',
      'months',
      'start',
      'command',
      'nodeVersion',
      'createdAt',
      'wallTimeSeconds',
      'files',
    ]);
  });

  test('git is asked once per process', () => {
    expect(installationGitState()).toBe(installationGitState());
  });

  test('asked in the background, the installation has the state asked while waiting', async () => {
    expect(await installationGitStateSoon()).toEqual(gitState(installationRoot()!));
  });
});
