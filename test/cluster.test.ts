/**
 * The cluster scripts of docs/cluster/ do what docs/cluster.md says: the
 * Slurm array script, run as each task of `sbatch --array=1-4` runs it
 * (bash, with the array's variables), and then the merge script, give the
 * sweep folder one machine writes; the Kubernetes Indexed Job runs the
 * same shards, one per completion index, and its merge Job the merge.
 * (test/e2e/slurm.sh submits the same scripts to a real one-node Slurm.)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { expectSameFolder } from './folder-files.js';

const root = join(import.meta.dirname, '..');
const cluster = join(root, 'docs', 'cluster');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-cluster-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// `shakeout` on the PATH, as an installed shakeout is.
const bin = join(scratch, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'shakeout'), `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'dist', 'sim', 'cli', 'main.js')}" "$@"\n`);
chmodSync(join(bin, 'shakeout'), 0o755);
const PATH = `${bin}:${process.env.PATH}`;

/** A tiny sweep: the scripts' sizes, overridden as their comments say. */
const SIZE = { RUNS: '3', MONTHS: '13' };

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, PATH, ...SIZE, ...env } });
  expect(r.stderr, `${command} ${args.join(' ')}`).toBe('');
  expect(r.status).toBe(0);
  return r;
}

/** A working folder with the scenario the scripts name, and the one-machine sweep they must reproduce. */
function workFolder(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  copyFileSync(join(root, 'scenarios', 'minimal.yaml'), join(dir, 'scenarios', 'minimal.yaml'));
  return dir;
}

const SWEEP = ['--set', 'classes.small.hazard=0.005,0.01,0.02,0.03', '--set', 'providers.budget.price=0.4,0.8', '--metric', 'hhi.tokens@end', '--metric', 'startups.alive@end'];

describe('docs/cluster', () => {
  const one = workFolder('one');
  it('is a sweep the scripts reproduce: the one-machine sweep', () => {
    run('shakeout', ['sweep', 'scenarios/minimal.yaml', ...SWEEP, '--runs', SIZE.RUNS, '--months', SIZE.MONTHS, '--out', 'results/sweep-minimal', '--quiet', '--workers', '1'], one);
  });

  it('sweep.sbatch as the tasks of --array=1-4, then merge.sbatch: the one-machine sweep, byte for byte', () => {
    const script = readFileSync(join(cluster, 'sweep.sbatch'), 'utf8');
    for (const flag of SWEEP.filter((a) => !a.startsWith('--'))) expect(script).toContain(flag);
    expect(script).toMatch(/--shard "\$k\/\$N" --out "\$SHARDS_DIR\/\$k"/);
    const dir = workFolder('slurm');
    for (const k of [1, 2, 3, 4])
      run('bash', [join(cluster, 'sweep.sbatch')], dir, { SLURM_ARRAY_TASK_ID: String(k), SLURM_ARRAY_TASK_COUNT: '4', SLURM_CPUS_PER_TASK: '1' });
    run('bash', [join(cluster, 'merge.sbatch')], dir);
    expectSameFolder(join(dir, 'results', 'sweep-minimal'), join(one, 'results', 'sweep-minimal'));
  });

  it('job.yaml is an Indexed Job whose pods, one per index, and merge-job.yaml give the same sweep', () => {
    const [job, ...more] = parseAllDocuments(readFileSync(join(cluster, 'job.yaml'), 'utf8')).map((d) => d.toJS());
    expect(more).toEqual([]);
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed', completions: 4 } });
    const [container] = job.spec.template.spec.containers;
    expect(container.command).toEqual(['/bin/sh', '-c']);
    const [merge] = parseAllDocuments(readFileSync(join(cluster, 'merge-job.yaml'), 'utf8')).map((d) => d.toJS());
    expect(merge).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job' });
    const dir = workFolder('k8s');
    for (let index = 0; index < job.spec.completions; index++) run('/bin/sh', ['-c', container.args[0]], dir, { JOB_COMPLETION_INDEX: String(index) });
    run('/bin/sh', ['-c', merge.spec.template.spec.containers[0].args[0]], dir);
    expectSameFolder(join(dir, 'results', 'sweep-minimal'), join(one, 'results', 'sweep-minimal'));
  });
});
