/**
 * Which shakeout wrote a result: the folder it is installed in (the one
 * holding its own package.json, not the user's working folder) and, when
 * that folder is a git checkout, its commit and whether its tracked files
 * were changed. A release tarball installed by npm is not a checkout: its
 * version says what it is, and the git fields are null.
 */
import { execFile, execFileSync } from 'node:child_process';
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

const REV_PARSE = ['rev-parse', '--show-toplevel', 'HEAD'];
const STATUS = ['status', '--porcelain', '--untracked-files=no'];

function gitArgs(dir: string, args: readonly string[]): string[] {
  return ['-C', dir, '-c', 'core.fsmonitor=false', ...args];
}

function git(dir: string, args: readonly string[]): string {
  return execFileSync('git', gitArgs(dir, args), {
    encoding: 'utf8',
    env: gitEnv(),
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: GIT_TIMEOUT_MS,
    windowsHide: true,
  });
}

/** As git, without blocking the thread while git runs. */
function gitAsync(dir: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', gitArgs(dir, args), { encoding: 'utf8', env: gitEnv(), timeout: GIT_TIMEOUT_MS, windowsHide: true }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin?.end();
  });
}

/** HEAD from `git rev-parse --show-toplevel HEAD` in `dir`, when `dir` is the top of the checkout; else null. */
function headOf(dir: string, revParse: string): string | null {
  const [top, head] = revParse.trim().split('\n');
  if (!top || !head || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(head)) return null;
  return realpathSync(top) === realpathSync(dir) ? head : null;
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
    const head = headOf(dir, git(dir, REV_PARSE));
    return head === null ? NO_GIT : { commit: head, treeModified: git(dir, STATUS).trim() !== '' };
  } catch {
    return NO_GIT;
  }
}

/** gitState, asking git without blocking the thread. */
export async function gitStateAsync(dir: string): Promise<GitState> {
  try {
    const head = headOf(dir, await gitAsync(dir, REV_PARSE));
    return head === null ? NO_GIT : { commit: head, treeModified: (await gitAsync(dir, STATUS)).trim() !== '' };
  } catch {
    return NO_GIT;
  }
}

let state: GitState | undefined;
let asking: Promise<GitState> | undefined;

/** gitState of the installation, asked of git once per process. */
export function installationGitState(): GitState {
  if (state !== undefined) return state;
  const dir = installationRoot();
  return (state = dir === null ? NO_GIT : gitState(dir));
}

/**
 * Starts asking git for installationGitState in the background (once per
 * process), so that the manifest does not wait for it: `run` calls this as
 * it starts and awaits it before the manifest. Two git processes in a row
 * cost the main thread about 40 ms when it waited for them at the end.
 */
export function installationGitStateSoon(): Promise<GitState> {
  if (state !== undefined) return Promise.resolve(state);
  asking ??= (async () => {
    const dir = installationRoot();
    const found = dir === null ? NO_GIT : await gitStateAsync(dir);
    return (state ??= found);
  })();
  return asking;
}
