// The cost of an ensemble on a warm pool (issue figures in test/bench/README.md):
// `node test/bench/warm-pool.mjs [ensembles] [runs] [workers] [rounds]` runs, in this one
// process, `ensembles` ensembles of `runs` runs of scenarios/minimal.yaml, each
// with the leader's price changed a little, on one pool of `workers` threads,
// then the same number of runs as one ensemble on that pool (the compute
// alone), `rounds` times, best of each. Prints JSON: seconds for each, and the overhead per ensemble.
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { root } from './lib.mjs';
import { loadScenario } from '../../dist/sim/scenario/load.js';
import { withValues } from '../../dist/sim/scenario/value-paths.js';
import { compile } from '../../dist/sim/model/compile.js';
import { runReplications } from '../../dist/sim/ensemble/ensemble.js';
import { memorySink } from '../../dist/sim/ensemble/memory-sink.js';
import { replicationExecutor } from '../../dist/sim/ensemble/worker-pool.js';
import { writeResultFolder } from '../../dist/sim/ensemble/run-to-folder.js';

const [ensembles = 50, runs = 20, workers = 2, rounds = 3] = process.argv.slice(2).map(Number);
const base = loadScenario(join(root, 'scenarios', 'minimal.yaml')).scenario;
/** Ensemble i's scenario: the leader's price + i cents, and the run count. */
const variant = (i, n = runs) =>
  withValues({ ...base, runs: n }, [{ path: 'providers.leader.price', value: 5 + i / 100, label: `price ${i}` }]);
const seconds = (t0) => (performance.now() - t0) / 1000;

const began = performance.now();
const pool = replicationExecutor({ workers, start: workers });
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-warm-pool-'));
try {
  // The first ensemble starts the workers; it is timed apart.
  let t0 = performance.now();
  await runReplications(compile(variant(-1)), { runs, executor: pool, sink: memorySink(runs) });
  const firstEnsemble = seconds(t0);

  // The scenarios: change a value, validate the document, compile (on this thread).
  t0 = performance.now();
  const compiled = Array.from({ length: ensembles }, (_, i) => compile(variant(i)));
  const prepareSeconds = seconds(t0);

  // Rounds, alternating the two ways of running the same runs; best of each: a burst of
  // load from other processes then spoils one round, not the difference.
  const total = ensembles * runs;
  const whole = compile(variant(0, total));
  const best = { ensembles: Infinity, folders: Infinity, one: Infinity };
  for (let round = 0; round < rounds; round++) {
    // Each ensemble: load into the pool (each worker compiles it), run, release.
    t0 = performance.now();
    for (const c of compiled) await runReplications(c, { runs, executor: pool, sink: memorySink(runs) });
    best.ensembles = Math.min(best.ensembles, seconds(t0));

    // The same, each into its own result folder (what `compare` and `sweep` write).
    t0 = performance.now();
    for (const [i, c] of compiled.entries())
      await writeResultFolder(c, { out: join(scratch, `r${round}-e${i}`), runs, executor: pool, command: ['bench'] });
    best.folders = Math.min(best.folders, seconds(t0));

    // The compute alone: all those runs as one ensemble.
    t0 = performance.now();
    await runReplications(whole, { runs: total, executor: pool, sink: memorySink(total) });
    best.one = Math.min(best.one, seconds(t0));
  }
  const ensemblesSeconds = best.ensembles;
  const foldersSeconds = best.folders;
  const oneEnsembleSeconds = best.one;

  process.stdout.write(
    JSON.stringify({
      ensembles,
      runs,
      workers,
      rounds,
      firstEnsembleSeconds: firstEnsemble,
      prepareMsPerScenario: (prepareSeconds / ensembles) * 1000,
      ensemblesSeconds,
      foldersSeconds,
      oneEnsembleSeconds,
      overheadPerEnsembleMs: ((ensemblesSeconds - oneEnsembleSeconds) / ensembles) * 1000,
      overheadPerFolderMs: ((foldersSeconds - oneEnsembleSeconds) / ensembles) * 1000,
      processSeconds: seconds(began),
    }) + '\n',
  );
} finally {
  await pool.close();
  rmSync(scratch, { recursive: true, force: true });
}
