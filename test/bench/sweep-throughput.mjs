// A sweep on one warm pool against the same work as separate processes
// (issue figures in test/bench/README.md): `shakeout sweep` of `points`
// values of one parameter × `runs` runs of the shipped exit scenario, and
// then `points` `shakeout run` processes with `--set` for the same values,
// whole processes as a user types them, on all cores. The exit scenario's
// expectations are left out (their baseline would double every `run` but
// not the sweep, which does not evaluate expectations).
//
//   npm run build && node test/bench/sweep-throughput.mjs [--points 100] [--runs 20]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { cli, measure, root, round } from './lib.mjs';

const EXIT = join(root, 'scenarios', 'china-2024-openai-exit.yaml');
const PATH = 'classes.small.network';
const [LOW, HIGH] = [0, 1.5];

export function sweepThroughputCase({ points = 100, runs = 20, workers = availableParallelism() } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'shakeout-bench-sweep-'));
  try {
    const scenario = join(scratch, 'exit.yaml');
    writeFileSync(scenario, `extends: ${JSON.stringify(EXIT)}\nexpect: []\n`);
    const common = ['--runs', String(runs), '--workers', String(workers), '--no-charts', '--quiet'];
    const sweep = measure([cli, 'sweep', scenario, '--range', `${PATH}=${LOW}:${HIGH}:${points}`, ...common, '--out', join(scratch, 'sweep')]);
    let processesSeconds = 0;
    for (let i = 0; i < points; i++) {
      const value = points === 1 ? LOW : LOW + ((HIGH - LOW) * i) / (points - 1);
      const out = join(scratch, `run-${i}`);
      processesSeconds += measure([cli, 'run', scenario, '--set', `${PATH}=${value}`, ...common, '--out', out]).wallSeconds;
      rmSync(out, { recursive: true, force: true });
    }
    return {
      scenario: 'scenarios/china-2024-openai-exit.yaml without its expectations',
      command: `shakeout sweep exit.yaml --range ${PATH}=${LOW}:${HIGH}:${points} --runs ${runs} --workers ${workers} --no-charts --quiet`,
      points,
      runs,
      workers,
      sweepSeconds: round(sweep.wallSeconds),
      processesSeconds: round(processesSeconds),
      ratioProcessesOverSweep: round(processesSeconds / sweep.wallSeconds),
      otherLoadCores: round(sweep.otherLoadCores, 2),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { points: { type: 'string', default: '100' }, runs: { type: 'string', default: '20' } } });
  process.stdout.write(JSON.stringify(sweepThroughputCase({ points: Number(values.points), runs: Number(values.runs) }), null, 2) + '\n');
}
