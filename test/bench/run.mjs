// `npm run bench [-- --quick] [--baseline <git-ref>]`: the benchmark figures of
// test/bench/README.md, printed and written to bench-results.json. Every case
// runs in a fresh process (peak RSS is per process, so cases cannot
// contaminate each other) against the compiled CLI and library in dist/.
// With --baseline, the whole-process step (whole-process.mjs) also builds
// that git ref in a temporary worktree and times its CLI beside this one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BaselineError, resolveBaseline } from './baseline-tree.mjs';
import { cli, folderStartupMonths, measure, root, round } from './lib.mjs';
import { sharedHistoryCase } from './shared-history.mjs';
import { sweepThroughputCase } from './sweep-throughput.mjs';
import { wholeProcessCase, wholeProcessRows } from './whole-process.mjs';
import { workerWarmUpCase } from './worker-warm-up.mjs';
import { DEFAULT_SLAB_BYTES } from '../../dist/sim/output/run-store.js';

const USAGE = 'usage: npm run bench [-- --quick] [--baseline <git-ref>]   (or: node test/bench/run.mjs …, after npm run build)';
let options;
try {
  ({ values: options } = parseArgs({ options: { quick: { type: 'boolean' }, baseline: { type: 'string' }, help: { type: 'boolean' } } }));
  if (options.baseline) resolveBaseline(options.baseline);
} catch (error) {
  process.stderr.write(`${error.message}\n${error instanceof BaselineError ? '' : `${USAGE}\n`}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const quick = options.quick ?? false;
const allWorkers = availableParallelism();
const BENCH_10K = 'scenarios/bench/bench-10k.yaml';
const BENCH_1M = 'scenarios/bench/bench-1m.yaml';
const MINIMAL = 'scenarios/minimal.yaml';
/** The warm-pool case runs on 2 workers whatever the machine, as its figures in README.md do. */
const POOL_WORKERS = 2;

// Sizes: the full set takes about 12 minutes on 2 idle cores (step 4 twice as long with --baseline); --quick about 3.
// The whole-process step has its own (whole-process.mjs, wholeProcessPlan).
const plan = quick
  ? { singleReps: 6, months1m: 12, ensembleRuns: 16, ensembleRounds: 1, deadReps: 3, warmUpRepeats: 1, warmPool: { ensembles: 10, runs: 20 }, shared: { runs: 4, reps: 1 }, sweep: { points: 10, runs: 4 }, native: { iterations: 30, rounds: 2 } }
  : { singleReps: 16, months1m: undefined, ensembleRuns: 64, ensembleRounds: 2, deadReps: 10, warmUpRepeats: 3, warmPool: { ensembles: 50, runs: 20 }, shared: { runs: 20, reps: 3 }, sweep: { points: 100, runs: 20 }, native: { iterations: 100, rounds: 5 } };

const scratch = mkdtempSync(join(tmpdir(), 'shakeout-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const log = (line) => process.stderr.write(`${line}\n`);
const rate = (startupMonths, seconds) => round(startupMonths / seconds);

/** One replication after another on one thread (library, no files). */
function single(file, reps, months) {
  const args = ['test/bench/replication.mjs', file, String(reps), ...(months ? [String(months)] : [])];
  const m = measure(args);
  const out = JSON.parse(m.stdout);
  const [first, ...rest] = out.replications;
  const warm = rest.map((r) => r.startupMonths / r.seconds).sort((a, b) => a - b);
  return {
    result: {
      scenario: file,
      months: out.months,
      initialStartups: out.initial,
      firstReplication: { seconds: round(first.seconds), startupMonths: first.startupMonths, startupMonthsPerSecond: rate(first.startupMonths, first.seconds) },
      ...(warm.length > 0 && { warmMedianStartupMonthsPerSecond: round(warm[Math.floor(warm.length / 2)]), warmReplications: warm.length }),
      peakRssMiB: round(m.peakRssMiB),
      otherLoadCores: round(m.otherLoadCores, 2),
    },
    perStartup: out.perStartup,
  };
}

/** `shakeout run` in a fresh process; throughput from the run store it wrote. */
function cliRun(file, runs, workers, extra = []) {
  const out = join(scratch, `run-${runs}-${workers}-${Math.random().toString(36).slice(2, 8)}`);
  const args = [cli, 'run', file, '--runs', String(runs), '--workers', String(workers), ...extra, '--no-charts', '--quiet', '--out', out];
  const m = measure(args);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  const sm = folderStartupMonths(out);
  const runStoreMiB = statSync(join(out, 'runs', 'values.f64')).size / 2 ** 20;
  rmSync(out, { recursive: true, force: true });
  return {
    command: `shakeout ${args.slice(1, -2).join(' ')}`,
    runs,
    workers,
    months: manifest.months,
    wallSeconds: round(m.wallSeconds),
    ensembleSeconds: round(manifest.wallTimeSeconds),
    cpuSeconds: round(m.cpuSeconds),
    startupMonths: sm,
    startupMonthsPerSecond: rate(sm, manifest.wallTimeSeconds),
    runsPerSecond: round(runs / manifest.wallTimeSeconds),
    peakRssMiB: round(m.peakRssMiB),
    runStoreMiB: round(runStoreMiB),
    otherLoadCores: round(m.otherLoadCores, 2),
  };
}

function git(...args) {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const began = performance.now();
const results = {
  date: new Date().toISOString(),
  quick,
  node: process.version,
  cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  availableParallelism: allWorkers,
  commit: git('rev-parse', '--short', 'HEAD'),
  uncommittedChanges: (git('status', '--porcelain') ?? '') !== '',
  ...(options.baseline && { baseline: options.baseline }),
  startupMonths: 'per month t: startups alive at the end of t + startups that died during t (= alive at the start of t + entrants of t)',
};
try {
  log(`shakeout benchmarks${quick ? ' (--quick)' : ''}: ${allWorkers} workers available`);

  log(`1/10 one replication on one thread: ${BENCH_10K} …`);
  const s10k = single(BENCH_10K, plan.singleReps);
  results.perStartupState = { bytes: s10k.perStartup.bytes, fields: s10k.perStartup.fields };
  log(`1/10 one replication on one thread: ${BENCH_1M}${plan.months1m ? ` (--months ${plan.months1m})` : ''} …`);
  const s1m = single(BENCH_1M, 1, plan.months1m);
  results.singleThread = { 'bench-10k': s10k.result, 'bench-1m': s1m.result };

  // 1 worker and N workers alternately, best of the rounds each: a burst of load from
  // other processes then spoils one round, not the ratio.
  const rounds = { one: [], all: [] };
  for (let k = 1; k <= plan.ensembleRounds; k++) {
    const label = plan.ensembleRounds > 1 ? ` (round ${k} of ${plan.ensembleRounds})` : '';
    log(`2/10 ensemble of ${plan.ensembleRuns} runs of bench-10k on 1 worker (the main thread)${label} …`);
    rounds.one.push(cliRun(BENCH_10K, plan.ensembleRuns, 1));
    log(`3/10 ensemble of ${plan.ensembleRuns} runs of bench-10k on ${allWorkers} workers${label} …`);
    rounds.all.push(cliRun(BENCH_10K, plan.ensembleRuns, allWorkers));
  }
  const best = (cases) => cases.reduce((a, b) => (b.ensembleSeconds < a.ensembleSeconds ? b : a));
  const one = best(rounds.one);
  const all = best(rounds.all);
  results.ensemble = {
    scenario: BENCH_10K,
    oneWorker: one,
    allWorkers: all,
    speedupAllOverOne: round(one.ensembleSeconds / all.ensembleSeconds),
    parallelEfficiency: round(one.ensembleSeconds / all.ensembleSeconds / allWorkers),
    rounds: plan.ensembleRounds,
    everyRoundSeconds: { oneWorker: rounds.one.map((c) => c.ensembleSeconds), allWorkers: rounds.all.map((c) => c.ensembleSeconds) },
  };

  log(`4/10 whole process: each case one \`shakeout run\` process timed from outside${options.baseline ? `, beside a build of ${options.baseline}` : ''} …`);
  results.wholeProcess = await wholeProcessCase({ quick, baseline: options.baseline ?? null, scratch, log, label: '4/10 ' });
  results.wholeProcess.memoryFlatness.aggregatorBudgetMiB = DEFAULT_SLAB_BYTES / 2 ** 20;

  log(`5/10 dead records: replications of bench-10k with most startups alive and with most dead, one thread, ${plan.deadReps} each …`);
  const dead = measure(['test/bench/dead-records.mjs', String(plan.deadReps)]);
  results.deadRecords = { ...JSON.parse(dead.stdout), otherLoadCores: round(dead.otherLoadCores, 2) };

  log(`6/10 worker warm-up: first and second result of a worker against the main thread, bench-10k, ${plan.warmUpRepeats} × each …`);
  results.workerWarmUp = workerWarmUpCase({ repeats: plan.warmUpRepeats });

  const { ensembles, runs: poolRuns } = plan.warmPool;
  log(`7/10 ${ensembles} ensembles × ${poolRuns} runs of ${MINIMAL} on ${POOL_WORKERS} workers: one process with a warm pool …`);
  const inProcess = measure(['test/bench/warm-pool.mjs', String(ensembles), String(poolRuns), String(POOL_WORKERS)]);
  const pool = JSON.parse(inProcess.stdout);
  log(`7/10 … against ${ensembles} \`shakeout run\` processes …`);
  const began = performance.now();
  for (let i = 0; i < ensembles; i++) {
    const out = join(scratch, `process-${i}`);
    const price = `providers.leader.price=${5 + i / 100}`;
    measure([cli, 'run', MINIMAL, '--runs', String(poolRuns), '--workers', String(POOL_WORKERS), '--set', price, '--no-charts', '--quiet', '--out', out]);
    rmSync(out, { recursive: true, force: true });
  }
  const processesSeconds = (performance.now() - began) / 1000;
  results.warmPool = {
    scenario: MINIMAL,
    ensembles,
    runsEach: poolRuns,
    workers: POOL_WORKERS,
    ...Object.fromEntries(Object.entries(pool).filter(([k]) => !['ensembles', 'runs', 'workers'].includes(k)).map(([k, v]) => [k, round(v)])),
    processesSeconds: round(processesSeconds),
    overheadPerProcessMs: round(((processesSeconds - pool.oneEnsembleSeconds) / ensembles) * 1000),
    otherLoadCores: round(inProcess.otherLoadCores, 2),
  };

  log(`8/10 shared history: compare china-2024-openai-exit.yaml with what-ifs set at 2024-09, --runs ${plan.shared.runs}, with and without sharing, ${plan.shared.reps} × each …`);
  results.sharedHistory = sharedHistoryCase({ runs: plan.shared.runs, reps: plan.shared.reps, workers: POOL_WORKERS });

  log(`9/10 sweep throughput: ${plan.sweep.points} points × ${plan.sweep.runs} runs of the exit scenario on ${allWorkers} workers, against ${plan.sweep.points} \`shakeout run\` processes …`);
  results.sweepThroughput = sweepThroughputCase({ points: plan.sweep.points, runs: plan.sweep.runs, workers: allWorkers });

  log(`10/10 the kernel against native code: a round of choices and steps 5–7 of month 60 of bench-10k, the kernel's loops and their C transcriptions …`);
  const native = measure(['test/bench/native-step.mjs', '60', String(plan.native.iterations), String(plan.native.rounds)]);
  results.kernelAgainstNative = { ...JSON.parse(native.stdout), otherLoadCores: round(native.otherLoadCores, 2) };
} catch (error) {
  rmSync(scratch, { recursive: true, force: true });
  if (!(error instanceof BaselineError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
results.benchSeconds = round((performance.now() - began) / 1000);
writeFileSync(join(root, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');

// The table on stdout.
const fmt = (x) => (typeof x === 'number' && Math.abs(x) >= 1e5 ? x.toExponential(2) : String(x));
const { singleThread: st, ensemble: en, deadRecords: dr, workerWarmUp: wu, warmPool: wp, sharedHistory: sh, sweepThroughput: sw, kernelAgainstNative: kn } = results;
const rows = [
  ['per-startup state', `${results.perStartupState.bytes} bytes`],
  [
    'bench-10k, 1 replication, 1 thread',
    `${fmt(st['bench-10k'].firstReplication.startupMonthsPerSecond)} startup-months/s (first run), ` +
      `${fmt(st['bench-10k'].warmMedianStartupMonthsPerSecond)} (warm median); ${st['bench-10k'].firstReplication.seconds} s; peak ${st['bench-10k'].peakRssMiB} MiB`,
  ],
  [
    'bench-1m, 1 replication, 1 thread',
    `${fmt(st['bench-1m'].firstReplication.startupMonthsPerSecond)} startup-months/s; ${st['bench-1m'].firstReplication.seconds} s for ` +
      `${st['bench-1m'].months} months; peak ${st['bench-1m'].peakRssMiB} MiB`,
  ],
  ...[en.oneWorker, en.allWorkers].map((e) => [
    `ensemble ${e.runs} × bench-10k, ${e.workers} worker${e.workers > 1 ? 's' : ''}`,
    `${fmt(e.startupMonthsPerSecond)} startup-months/s, ${e.runsPerSecond} runs/s, ${e.ensembleSeconds} s (process ${e.wallSeconds} s), ` +
      `peak ${e.peakRssMiB} MiB; other processes kept ${e.otherLoadCores ?? '?'} cores busy`,
  ]),
  ['speed-up, all workers / 1', `${en.speedupAllOverOne} (efficiency ${en.parallelEfficiency} over ${allWorkers} workers)`],
  ...wholeProcessRows(results.wholeProcess),
  ...dr.worlds.map((w) => [
    `dead records: bench-10k, ${w.world}`,
    `${round(w.seconds * 1000)} ms a replication; ${w.nsPerAliveStartupMonth} ns per alive startup-month, ${w.nsPerTableEntryMonth} ns per table entry-month (${w.deadShareOfEntryMonths} of them dead)`,
  ]),
  [
    'dead records: cost',
    `at most ${dr.matchedPair.nsPerDeadEntryMonthAtMost} ns per dead record a month (${dr.matchedPair.worlds.join(' against ')}: ${dr.matchedPair.shareOfDyingWorldTimeOnDeadRecordsAtMost} of the dying world's time); ` +
      `fit: ${dr.fit.nsPerAliveStartupMonth} ns per alive startup-month, ${dr.fit.nsPerDeadEntryMonth} per dead entry-month`,
  ],
  [
    'worker warm-up, bench-10k',
    `main thread: results at ${wu.mainThread.firstResultsMs} and ${wu.mainThread.secondResultsMs} ms after the compile began; ` +
      `1 worker: ${wu.oneWorker.firstResultsMs} and ${wu.oneWorker.secondResultsMs} ms after the spawn` +
      (wu.twoWorkers ? `; 2 workers: ${wu.twoWorkers.firstResultsMs.join(', ')} and ${wu.twoWorkers.secondResultsMs.join(', ')} ms` : ''),
  ],
  [
    `${wp.ensembles} ensembles × ${wp.runsEach} runs, minimal`,
    `one process, warm pool: ${wp.ensemblesSeconds} s (${wp.overheadPerEnsembleMs} ms/ensemble over the compute, ` +
      `${wp.prepareMsPerScenario} ms/scenario to validate and compile; into folders ${wp.overheadPerFolderMs} ms/ensemble); ` +
      `${wp.ensembles} processes: ${wp.processesSeconds} s (${wp.overheadPerProcessMs} ms each)`,
  ],
  ...[
    ['1 what-if', sh.oneWhatIf],
    ['4 what-ifs', sh.fourWhatIfs],
  ].map(([label, c]) => [
    `compare, ${label} at 2024-09, shared history`,
    `${c.medianSecondsShared} s vs ${c.medianSecondsAlone} s without: ratio ${c.ratioSharedOverAlone} ` +
      `(months shared ${c.sharedMonths.join(', ')}; ${c.scenarioMonthsSaved} of the scenario-months not simulated again)`,
  ]),
  [
    `sweep, ${sw.points} points × ${sw.runs} runs, exit scenario`,
    `one process: ${sw.sweepSeconds} s; ${sw.points} \`shakeout run\` processes: ${sw.processesSeconds} s (ratio ${sw.ratioProcessesOverSweep})`,
  ],
  ...kernelAgainstNativeRows(kn),
];
/** The kernel's loops against their C transcriptions: ns per unit each, the ratio, and whether the bytes matched. */
function kernelAgainstNativeRows(k) {
  const row = (label, loop, unit) =>
    loop.native
      ? [label, `kernel ${loop.kernel[unit]} ns, C ${loop.native[unit]} ns (${k.compiler}): kernel / C = ${loop.kernelOverNative}${loop.native.sameBytes ? ', same bytes' : ', BYTES DIFFER: the transcription is out of date'}`]
      : [label, `kernel ${loop.kernel[unit]} ns (${k.compiler})`];
  return [
    row(`kernel vs C: a round of choices, per chooser (${k.chooseRound.choosers})`, k.chooseRound, 'nsPerChooser'),
    ...(k.chooseRound.nativeWithLibm ? [['kernel vs C: the round with the C library\'s exp and log', `${k.chooseRound.nativeWithLibm.nsPerChooser} ns per chooser (other bits)`]] : []),
    row(`kernel vs C: steps 5–7, per table entry (${k.operate.tableEntries})`, k.operate, 'nsPerTableEntry'),
  ];
}

const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
log(`wrote bench-results.json in ${results.benchSeconds} s${quick ? ' (--quick: smaller sizes, see the file)' : ''}`);
