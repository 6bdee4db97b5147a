// Per-worker warm-up (test/bench/README.md, "Worker warm-up"): the time from
// spawning a worker to its first and second result, against the first and
// second replication on the main thread. Each way runs in a fresh process
// (the JIT starts cold in each), `repeats` times, median of each figure:
//
//   main          compile the scenario, then replications 0 and 1 on this thread;
//                 times from just before the compile
//   workers N     the scenario compiled on the main thread first (as `shakeout
//                 run` does), then a pool of N workers spawned and 2N
//                 replications asked of it at once; times from just before the
//                 spawn. The first N results to arrive are the workers' first
//                 results, the next N their second (each worker takes a new run
//                 when it is done with one).
//
//   npm run build && node test/bench/worker-warm-up.mjs [scenario] [repeats]
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { root, round } from './lib.mjs';

const USAGE = 'usage: node test/bench/worker-warm-up.mjs [scenario] [repeats]';
const self = fileURLToPath(import.meta.url);

/** One way, in this process: milliseconds of its stages, as JSON on stdout. */
async function once(mode, file, workers) {
  const { compile, loadScenario, runReplication } = await import('../../dist/sim/index.js');
  const { workerPool } = await import('../../dist/sim/ensemble/worker-pool.js');
  const { scenario } = loadScenario(file);
  const ms = (t0) => performance.now() - t0;
  if (mode === 'main') {
    const t0 = performance.now();
    const compiled = compile(scenario);
    const compileMs = ms(t0);
    runReplication(compiled, 0);
    const first = ms(t0);
    runReplication(compiled, 1);
    return { compileMs, firstResultsMs: [first], secondResultsMs: [ms(t0)], processReadyMs: t0 };
  }
  const compiled = compile(scenario);
  const t0 = performance.now();
  const pool = workerPool({ workers, start: workers });
  try {
    const loaded = pool.load(compiled);
    const stamps = [];
    await Promise.all(Array.from({ length: 2 * workers }, (_, r) => loaded.run(r).then(() => stamps.push(ms(t0)))));
    await loaded.release();
    stamps.sort((a, b) => a - b);
    return { firstResultsMs: stamps.slice(0, workers), secondResultsMs: stamps.slice(workers), processReadyMs: t0 };
  } finally {
    await pool.close();
  }
}

/** Every way, `repeats` times each in a fresh process, interleaved; medians. */
export function workerWarmUpCase({ file = join(root, 'scenarios', 'bench', 'bench-10k.yaml'), repeats = 3 } = {}) {
  const ways = [['main', 1], ['workers', 1], ...(availableParallelism() >= 2 ? [['workers', 2]] : [])];
  const runs = Object.fromEntries(ways.map(([m, n]) => [`${m}-${n}`, []]));
  for (let k = 0; k < repeats; k++)
    for (const [mode, n] of ways) {
      const r = spawnSync(process.execPath, [self, '--once', mode, file, String(n)], { cwd: root, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`worker-warm-up.mjs --once ${mode} ${n} failed:\n${r.stderr}`);
      runs[`${mode}-${n}`].push(JSON.parse(r.stdout));
    }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const med = (list, key) => list[0][key].map((_, i) => round(median(list.map((x) => x[key][i]))));
  const out = {
    scenario: file.startsWith(root) ? file.slice(root.length + 1) : file,
    repeats,
    note: 'ms from just before the compile (main thread) or the spawn (workers); medians over fresh processes',
  };
  for (const [key, list] of Object.entries(runs))
    out[{ 'main-1': 'mainThread', 'workers-1': 'oneWorker', 'workers-2': 'twoWorkers' }[key]] = {
      ...(list[0].compileMs !== undefined && { compileMs: round(median(list.map((x) => x.compileMs))) }),
      firstResultsMs: med(list, 'firstResultsMs'),
      secondResultsMs: med(list, 'secondResultsMs'),
      processReadyMs: round(median(list.map((x) => x.processReadyMs))),
    };
  return out;
}

const args = process.argv.slice(2);
if (args[0] === '--once') {
  const [, mode, file, n] = args;
  process.stdout.write(JSON.stringify(await once(mode, file, Number(n))));
} else if (process.argv[1] === self) {
  if (args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const [file, repeatsText] = args;
  const repeats = Number(repeatsText ?? 3);
  if (!(Number.isInteger(repeats) && repeats >= 1)) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(workerWarmUpCase({ ...(file && { file: resolve(file) }), repeats }), null, 2) + '\n');
}
