// Speed as the user sees it (test/bench/README.md, "Whole process"): each
// case is one `shakeout run …` process, timed from outside from spawn to
// exit (Node's start, the modules, the workers, the files), with the peak
// RSS of that process. With --baseline <git-ref>, that commit is checked out
// and built in a temporary worktree and its CLI runs the same cases,
// interleaved with the current one (A_base A_new B_base B_new …, the order
// of the two trees swapped every round), and every figure is also given as
// a ratio new / base. Best of the rounds for each case, so that a burst of
// load from other processes spoils a round, not a ratio.
//
//   npm run build && node test/bench/whole-process.mjs [--quick] [--rounds N] [--baseline <git-ref>] [--out file.json]
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { BaselineError, checkoutBaseline, resolveBaseline } from './baseline-tree.mjs';
import { BUILD_MANIFEST_FIELDS, folderDifferences } from './folders.mjs';
import { cli, folderStartupMonths, measure, root, round } from './lib.mjs';
import { unshippedWorld } from './unshipped-world.mjs';

const BENCH_10K = join(root, 'scenarios', 'bench', 'bench-10k.yaml');
const BENCH_1M = join(root, 'scenarios', 'bench', 'bench-1m.yaml');
const MINIMAL = join(root, 'scenarios', 'minimal.yaml');
/** The seed of the unshipped world (unshipped-world.mjs). */
const UNSHIPPED_SEED = 7;
const USAGE = 'usage: node test/bench/whole-process.mjs [--quick] [--rounds N] [--baseline <git-ref>] [--out file.json]';

/** Sizes: the full set takes about 3.5 minutes on 2 idle cores (twice that with a baseline, and a minute to build it); --quick about 40 s. */
export function wholeProcessPlan(quick) {
  const runs = quick ? 20 : 100;
  const base = (file, ...extra) => ({ file, args: ['--runs', String(runs), ...extra] });
  return {
    runs,
    rounds: quick ? 1 : 2,
    cases: [
      // As a user types it: charts included, all cores.
      { id: 'minimal', ...base(MINIMAL, '--quiet') },
      { id: 'bench-10k-1w', world: 'bench-10k', workers: 1, ...base(BENCH_10K, '--workers', '1', '--no-charts', '--quiet') },
      { id: 'bench-10k-2w', world: 'bench-10k', workers: 2, ...base(BENCH_10K, '--workers', '2', '--no-charts', '--quiet') },
      // The same at a tenth of the runs: with the full count, each process's fixed cost (start, warm-up,
      // tail) and its cost per replication (wholeProcessCosts).
      { id: 'bench-10k-1w-few', costsOf: 'bench-10k-1w', file: BENCH_10K, args: ['--runs', String(runs / 10), '--workers', '1', '--no-charts', '--quiet'] },
      { id: 'bench-10k-2w-few', costsOf: 'bench-10k-2w', file: BENCH_10K, args: ['--runs', String(runs / 10), '--workers', '2', '--no-charts', '--quiet'] },
      { id: 'unshipped-1w', world: 'unshipped', workers: 1, ...base('unshipped', '--workers', '1', '--no-charts', '--quiet') },
      { id: 'unshipped-2w', world: 'unshipped', workers: 2, ...base('unshipped', '--workers', '2', '--no-charts', '--quiet') },
      { id: 'bench-1m', file: BENCH_1M, args: ['--runs', '1', ...(quick ? ['--months', '12'] : []), '--no-charts', '--quiet'] },
    ],
    flatness: quick ? { months: 24, small: 20, large: 200 } : { months: 60, small: 100, large: 1000 },
  };
}

/** `shakeout run` of one tree in a fresh process, timed from outside; the folder is kept. */
function timedRun(tree, file, args, out) {
  const m = measure([tree.cli, 'run', file, ...args, '--out', out]);
  return {
    wallSeconds: m.wallSeconds,
    peakRssMiB: m.peakRssMiB,
    cpuSeconds: m.cpuSeconds,
    otherLoadCores: m.otherLoadCores,
  };
}

const shown = (file) => (file.startsWith(root) ? file.slice(root.length + 1) : file);

/** One turn of the event loop between child processes, so that a SIGINT or SIGTERM sent to this process alone is handled (baseline-tree.mjs). */
const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The whole-process cases on the current tree and, with `baseline` (a git
 * ref), on that ref's build too. `scratch` holds the folders and the
 * unshipped world; `log` gets progress lines.
 */
export async function wholeProcessCase({ quick = false, rounds, baseline = null, scratch, log = (l) => process.stderr.write(`${l}\n`), label = '' } = {}) {
  const plan = wholeProcessPlan(quick);
  const nRounds = rounds ?? plan.rounds;
  const own = scratch ?? mkdtempSync(join(tmpdir(), 'shakeout-bench-whole-'));
  const dir = mkdtempSync(join(own, 'whole-process-'));
  // Removed in the finally below, or at exit when a signal ends the process between cases.
  const removeScratch = () => {
    rmSync(dir, { recursive: true, force: true });
    if (!scratch) rmSync(own, { recursive: true, force: true });
  };
  process.on('exit', removeScratch);
  const current = { name: 'new', cli, root };
  let base = null;
  try {
    // The unshipped world, checked by the current CLI before it is timed.
    const unshipped = join(dir, `unshipped-seed-${UNSHIPPED_SEED}.yaml`);
    writeFileSync(unshipped, unshippedWorld(UNSHIPPED_SEED));
    measure([cli, 'check', unshipped]);
    const fileOf = (c) => (c.file === 'unshipped' ? unshipped : c.file);

    if (baseline) {
      const b = checkoutBaseline(baseline, { log });
      base = { name: 'base', cli: b.cli, root: b.root, ref: b.ref, commit: b.commit, remove: b.remove };
      await tick();
    }
    const trees = base ? [base, current] : [current];

    const results = {
      note: 'whole processes timed from outside (spawn to exit); best of the rounds by wall time',
      rounds: nRounds,
      runs: plan.runs,
      availableParallelism: availableParallelism(),
      unshippedWorld: { generator: 'test/bench/unshipped-world.mjs', seed: UNSHIPPED_SEED },
      ...(base && { baseline: { ref: base.ref, commit: base.commit.slice(0, 10) } }),
      cases: {},
    };
    const every = {};
    const folders = {};
    const steps = plan.cases.length * nRounds * trees.length;
    let step = 0;
    for (let k = 0; k < nRounds; k++) {
      // Swap the trees' order every round, so neither always runs second.
      const order = k % 2 === 0 ? trees : [...trees].reverse();
      for (const c of plan.cases)
        for (const tree of order) {
          step++;
          const file = fileOf(c);
          log(`${label}whole process ${step}/${steps}: ${tree.name}: shakeout run ${c.file === 'unshipped' ? 'unshipped world' : shown(file)} ${c.args.join(' ')}${nRounds > 1 ? ` (round ${k + 1})` : ''} …`);
          const out = join(dir, `${c.id}-${tree.name}-${k}`);
          await tick();
          const m = timedRun(tree, file, c.args, out);
          m.startupMonths = folderStartupMonths(out);
          ((every[c.id] ??= {})[tree.name] ??= []).push(m);
          if (k === 0) (folders[c.id] ??= {})[tree.name] = out;
          else rmSync(out, { recursive: true, force: true });
        }
    }

    // Same bytes: 1 worker against 2 in each tree, and each case's folder against the
    // baseline's (its manifest but for the build that wrote it).
    for (const c of plan.cases) {
      const entry = { command: `shakeout run ${c.file === 'unshipped' ? '<unshipped world>' : shown(c.file)} ${c.args.join(' ')}` };
      for (const tree of trees) {
        const all = every[c.id][tree.name];
        const best = all.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
        entry[tree.name] = {
          wallSeconds: round(best.wallSeconds),
          peakRssMiB: round(best.peakRssMiB),
          cpuSeconds: round(best.cpuSeconds),
          startupMonthsPerSecond: round(best.startupMonths / best.wallSeconds),
          otherLoadCores: round(best.otherLoadCores, 2),
          everyRoundSeconds: all.map((m) => round(m.wallSeconds)),
        };
      }
      if (base) {
        entry.speedUp = round(entry.base.wallSeconds / entry.new.wallSeconds);
        entry.peakRssNewOverBase = round(entry.new.peakRssMiB / entry.base.peakRssMiB);
        const d = folderDifferences(folders[c.id].base, folders[c.id].new, { ignoreManifestFields: BUILD_MANIFEST_FIELDS });
        entry.sameBytesAsBaseline = d.length === 0;
        if (d.length > 0) entry.filesDifferentFromBaseline = d;
      }
      results.cases[c.id] = entry;
    }
    results.costs = wholeProcessCosts(plan, results.cases, trees);
    results.workers = {};
    for (const world of new Set(plan.cases.filter((c) => c.world).map((c) => c.world))) {
      const [one, two] = [1, 2].map((w) => plan.cases.find((c) => c.world === world && c.workers === w).id);
      const w = {};
      for (const tree of trees) {
        const d = folderDifferences(folders[one][tree.name], folders[two][tree.name]);
        w[tree.name] = {
          oneOverTwoWorkers: round(results.cases[one][tree.name].wallSeconds / results.cases[two][tree.name].wallSeconds),
          sameBytes: d.length === 0,
          ...(d.length > 0 && { filesDiffering: d }),
        };
      }
      results.workers[world] = w;
    }
    for (const c of plan.cases) for (const out of Object.values(folders[c.id])) rmSync(out, { recursive: true, force: true });

    // Memory flatness: peak RSS at few and many runs, one round (peak RSS hardly depends on load).
    const { months, small, large } = plan.flatness;
    const flat = { note: `bench-10k with --months ${months}, all cores, one round`, months };
    for (const tree of trees) {
      const f = {};
      for (const [key, runs] of [
        ['small', small],
        ['large', large],
      ]) {
        log(`${label}whole process, memory flatness: ${tree.name}: ${runs} runs of bench-10k, --months ${months} …`);
        await tick();
        const out = join(dir, `flat-${tree.name}-${runs}`);
        const m = timedRun(tree, BENCH_10K, ['--runs', String(runs), '--months', String(months), '--no-charts', '--quiet'], out);
        f[key] = { runs, peakRssMiB: round(m.peakRssMiB), wallSeconds: round(m.wallSeconds), runStoreMiB: round(statSync(join(out, 'runs', 'values.f64')).size / 2 ** 20) };
        rmSync(out, { recursive: true, force: true });
      }
      f.peakRssRatioLargeOverSmall = round(f.large.peakRssMiB / f.small.peakRssMiB);
      flat[tree.name] = f;
    }
    if (base) flat.largePeakRssNewOverBase = round(flat.new.large.peakRssMiB / flat.base.large.peakRssMiB);
    results.memoryFlatness = flat;
    return results;
  } finally {
    base?.remove();
    removeScratch();
    process.off('exit', removeScratch);
  }
}

/**
 * Each process's fixed cost and its cost per replication, from two run
 * counts (R and R / 10) of the same case: per replication (T(R) − T(R/10)) /
 * (R − R/10), fixed T(R) − R · that. The fixed part (Node's start, the
 * modules, the scenario, the threads' warm-up, the tail) is paid once
 * whatever the workers; the per-replication part is what more workers
 * divide. `oneOverTwoWorkersAtManyRuns` is the ratio the 1 / 2 workers
 * figure tends to as the runs grow.
 */
export function wholeProcessCosts(plan, cases, trees) {
  const costs = {};
  for (const few of plan.cases.filter((c) => c.costsOf)) {
    const many = plan.cases.find((c) => c.id === few.costsOf);
    const [rFew, rMany] = [few, many].map((c) => Number(c.args[c.args.indexOf('--runs') + 1]));
    const entry = {};
    for (const tree of trees) {
      const tFew = cases[few.id][tree.name].wallSeconds;
      const tMany = cases[many.id][tree.name].wallSeconds;
      const perReplication = (tMany - tFew) / (rMany - rFew);
      entry[tree.name] = { fixedSeconds: round(tMany - rMany * perReplication), perReplicationMs: round(perReplication * 1000) };
    }
    costs[many.id] = entry;
  }
  const [one, two] = [costs['bench-10k-1w'], costs['bench-10k-2w']];
  if (one && two) costs.oneOverTwoWorkersAtManyRuns = Object.fromEntries(trees.map((t) => [t.name, round(one[t.name].perReplicationMs / two[t.name].perReplicationMs)]));
  return costs;
}

/** Rows (label, text) of the table printed by run.mjs and by this script. */
export function wholeProcessRows(r) {
  const withBase = Boolean(r.baseline);
  const rows = [];
  for (const [id, c] of Object.entries(r.cases)) {
    const now = `${c.new.wallSeconds} s, peak ${c.new.peakRssMiB} MiB`;
    rows.push([
      `whole process: ${id}`,
      withBase ? `${now}; base ${c.base.wallSeconds} s, ${c.base.peakRssMiB} MiB: speed-up ${c.speedUp}, RSS ×${c.peakRssNewOverBase}${c.sameBytesAsBaseline ? ', same bytes' : ', other bytes'}` : now,
    ]);
  }
  for (const [world, w] of Object.entries(r.workers)) {
    const text = (x) => `${x.oneOverTwoWorkers}${x.sameBytes ? ' (same bytes)' : ` (files differ: ${x.filesDiffering.join(', ')})`}`;
    rows.push([`whole process: ${world}, 1 / 2 workers`, withBase ? `${text(w.new)}; base ${text(w.base)}` : text(w.new)]);
  }
  for (const id of ['bench-10k-1w', 'bench-10k-2w']) {
    const c = r.costs?.[id];
    if (!c) continue;
    const text = (x) => `fixed ${x.fixedSeconds} s + ${x.perReplicationMs} ms per replication`;
    rows.push([`whole process: ${id}, costs`, withBase ? `${text(c.new)}; base ${text(c.base)}` : text(c.new)]);
  }
  const asRunsGrow = r.costs?.oneOverTwoWorkersAtManyRuns;
  if (asRunsGrow) rows.push(['whole process: bench-10k, 1 / 2 workers as runs grow', `${asRunsGrow.new}${withBase ? `; base ${asRunsGrow.base}` : ''}`]);
  const f = r.memoryFlatness;
  const flat = (x) => `${x.small.peakRssMiB} vs ${x.large.peakRssMiB} MiB (ratio ${x.peakRssRatioLargeOverSmall})`;
  rows.push([
    `whole process: peak RSS, ${f.new.small.runs} vs ${f.new.large.runs} runs`,
    `${flat(f.new)}${withBase ? `; base ${flat(f.base)}` : ''} (${f.note})`,
  ]);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let options;
  try {
    ({ values: options } = parseArgs({ options: { quick: { type: 'boolean' }, rounds: { type: 'string' }, baseline: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (error) {
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const rounds = options.rounds === undefined ? undefined : Number(options.rounds);
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 1)) {
    process.stderr.write(`--rounds: expected a whole number ≥ 1, got ${options.rounds}\n${USAGE}\n`);
    process.exit(2);
  }
  let results;
  try {
    if (options.baseline) resolveBaseline(options.baseline);
    results = await wholeProcessCase({ quick: options.quick, rounds, baseline: options.baseline ?? null });
  } catch (error) {
    if (error instanceof BaselineError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (options.out) writeFileSync(options.out, JSON.stringify(results, null, 2) + '\n');
  const rows = wholeProcessRows(results);
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
}
