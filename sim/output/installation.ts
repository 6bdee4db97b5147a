/**
 * Which shakeout wrote a result: the folder it is installed in (the one
 * holding its own package.json, not the user's working folder) and, when
 * that folder is a git checkout, its commit and whether its tracked files
 * were changed. A release tarball installed by npm is not a checkout: its
 * version says what it is, and the git fields are null.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GitState {
  /** `git rev-parse HEAD` of the installation; null when it is not a checkout or git is missing. */
  commit: string | null;
  /** Tracked files differ from HEAD (untracked ones do not count); null as for `commit`. */
  treeModified: boolean | null;
}

/** Per git call, milliseconds: a slow or stuck git costs a run this much, not the run itself. */
const GIT_TIMEOUT_MS = 3000;
const NO_GIT: GitState = { commit: null, treeModified: null };

let root: string | null | undefined;

/** The folder holding shakeout's own package.json, above this module (source or dist alike); null if none. */
export function installationRoot(): string | null {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string };
      if (pkg.name === 'shakeout') return (root = dir);
    }
    const up = dirname(dir);
    if (up === dir) return (root = null);
    dir = up;
  }
}

/**
 * The environment git runs in: the caller's, without the variables that
 * would point it at another repository (a user running shakeout from a git
 * hook has GIT_DIR set to their own).
 */
function gitEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
}

function git(dir: string, args: readonly string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'core.fsmonitor=false', ...args], {
    encoding: 'utf8',
    env: gitEnv(),
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: GIT_TIMEOUT_MS,
    windowsHide: true,
  });
}

/**
 * The git state of `dir` when `dir` is the top of a checkout. A folder
 * inside someone else's checkout (shakeout under the node_modules of a
 * project kept in git) has no state of its own: null fields, not the
 * project's commit. Any failure (git missing, not a checkout, a timeout)
 * gives null fields, silently.
 */
export function gitState(dir: string): GitState {
  try {
    const [top, head] = git(dir, ['rev-parse', '--show-toplevel', 'HEAD']).trim().split('\n');
    if (!top || !head || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(head)) return NO_GIT;
    if (realpathSync(top) !== realpathSync(dir)) return NO_GIT;
    const status = git(dir, ['status', '--porcelain', '--untracked-files=no']);
    return { commit: head, treeModified: status.trim() !== '' };
  } catch {
    return NO_GIT;
  }
}

let state: GitState | undefined;

/** gitState of the installation, asked of git once per process. */
export function installationGitState(): GitState {
  if (state !== undefined) return state;
  const dir = installationRoot();
  return (state = dir === null ? NO_GIT : gitState(dir));
}
