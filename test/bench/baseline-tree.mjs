// The baseline of `npm run bench -- --baseline <git-ref>` (test/bench/README.md,
// "Whole process"): that commit checked out into a temporary git worktree,
// installed (`npm ci`) and built (`npm run build`) there, so that its CLI can
// be timed beside the current one in the same invocation. The worktree is
// removed at the end, on an error, and on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './lib.mjs';

/** A failure to prepare the baseline: its message is one line, for the user. */
export class BaselineError extends Error {}

/** The last telling line of a child's output (not npm's pointer to its log), for a one-line message. */
const lastLine = (text) =>
  String(text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^npm error\s*$|complete log of this run/.test(l))
    .at(-1) ?? '';

function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new BaselineError(`baseline: could not run ${command}: ${r.error.message}`);
  if (r.status !== 0) {
    const why = r.signal ? `stopped by ${r.signal}` : `exit ${r.status}`;
    const detail = lastLine(r.stderr) || lastLine(r.stdout);
    throw new BaselineError(`baseline: \`${command} ${args.join(' ')}\` failed (${why})${detail ? `: ${detail}` : ''}`);
  }
  return r.stdout.trim();
}

/** The commit `ref` names, or a BaselineError: to fail before a long benchmark, not in its middle. */
export function resolveBaseline(ref) {
  if (!/^[\w./@^~{}-]+$/.test(ref) || ref.startsWith('-')) throw new BaselineError(`baseline: "${ref}" is not a git ref`);
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' });
  if (r.error) throw new BaselineError(`baseline: could not run git: ${r.error.message}`);
  if (r.status !== 0) throw new BaselineError(`baseline: no commit named "${ref}" in this repository`);
  return r.stdout.trim();
}

/**
 * Checks out `ref` into a new temporary worktree and installs and builds it.
 * Returns { ref, commit, root, cli, remove }; call remove() when done (it is
 * also called at process exit and on SIGINT/SIGTERM, and is idempotent).
 */
export function checkoutBaseline(ref, { log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const commit = resolveBaseline(ref);

  const dir = mkdtempSync(join(tmpdir(), 'shakeout-bench-baseline-'));
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: root, stdio: 'ignore' });
  };
  const onSignal = (signal) => {
    remove();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', remove);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    log(`baseline ${ref} (${commit.slice(0, 10)}): git worktree add --detach ${dir}`);
    run('git', ['worktree', 'add', '--detach', dir, commit], root);
    log('baseline: npm ci …');
    run('npm', ['ci', '--no-audit', '--no-fund'], dir);
    log('baseline: npm run build …');
    run('npm', ['run', 'build'], dir);
    const cli = join(dir, 'dist', 'sim', 'cli', 'main.js');
    if (!existsSync(cli)) throw new BaselineError(`baseline: the build of ${ref} has no dist/sim/cli/main.js`);
    return { ref, commit, root: dir, cli, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
