// The cost of dead startups (test/bench/README.md, "Dead records"): dead
// startups stay in the engine's startup table, masked (sim/model/startups.ts),
// so a month's loops may still pass over them. This times replications of
// bench-10k as shipped (most startups stay alive) and of the same world with
// a higher monthly hazard for every class (most die early), one thread,
// through the library, the worlds interleaved (A B C A B C …), and relates
// each world's time to its alive startup-months and to its table
// entry-months (startups born so far, dead or alive, summed over months).
//
// The headline is a matched pair: bench-10k with an 8 % monthly hazard, and
// a small bench-10k (1,500 startups, 15 entrants a month) as shipped, have
// about the same alive startup-months but 6.7 times the table entry-months;
// the difference of their times over the difference of their dead
// entry-months is what a dead record costs a month, an upper bound (the
// dying world also does the work of its deaths, once each). A least-squares
// fit of time ≈ a · alive startup-months + b · dead entry-months + c over
// all the worlds (two of them with the high hazard for two years only,
// early or late, so that the same deaths leave dead records for more or
// fewer months) is given with its residuals, as a cross-check.
//
//   npm run build && node test/bench/dead-records.mjs [reps]
import { compile, loadScenario, runReplication } from '../../dist/sim/index.js';
import { withValues } from '../../dist/sim/scenario/value-paths.js';
import { root, round, startupMonths } from './lib.mjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const reps = Number(process.argv[2] ?? 8);
if (!(Number.isInteger(reps) && reps >= 1)) {
  process.stderr.write('usage: node test/bench/dead-records.mjs [reps]\n');
  process.exit(2);
}
const FILE = join(root, 'scenarios', 'bench', 'bench-10k.yaml');
/** Monthly hazard for every class (null: as shipped, 0.1–0.2 %), and the size (null: as shipped). */
const WORLDS = [
  { name: 'as shipped', hazard: null, size: null },
  { name: 'hazard 2 %', hazard: 0.02, size: null },
  { name: 'hazard 8 %', hazard: 0.08, size: null },
  { name: 'small, as shipped', hazard: null, size: { initial: 1500, entry: 15 } },
  { name: 'hazard 8 % in months 0–23', hazard: null, size: null, window: { from: '2024-01', to: '2026-01' } },
  { name: 'hazard 8 % in months 84–119', hazard: null, size: null, window: { from: '2031-01', to: null } },
];

const base = loadScenario(FILE).scenario;
const classes = Object.keys(base.classes);
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-bench-dead-'));
/** bench-10k with every class's hazard at 8 % from `from` to `to` (null: the end), by `set` events. */
function windowed({ from, to }, i) {
  const set = (value) => classes.map((c) => `${c === classes[0] ? '' : ', '}classes.${c}.hazard: ${value(c)}`).join('');
  const file = join(scratch, `window-${i}.yaml`);
  writeFileSync(
    file,
    `extends: ${JSON.stringify(FILE)}\nname: window ${i}\nevents:\n  - { id: high-hazard, at: ${from}, set: { ${set(() => 0.08)} } }\n` +
      (to ? `  - { id: shipped-hazard, at: ${to}, set: { ${set((c) => base.classes[c].hazard)} } }\n` : ''),
  );
  return loadScenario(file).scenario;
}
const worlds = WORLDS.map(({ name, hazard, size, window }, i) => {
  if (window) {
    const scenario = windowed(window, i);
    return { name, hazard: 0.08, compiled: compile(scenario), initial: scenario.startups.initial, times: [], counts: null };
  }
  const changes = [
    ...(hazard === null ? [] : classes.map((c) => ({ path: `classes.${c}.hazard`, value: hazard, label: `hazard ${c}` }))),
    ...(size === null
      ? []
      : [
          { path: 'startups.initial', value: size.initial, label: 'initial' },
          { path: 'startups.entry.rate', value: size.entry, label: 'entry' },
        ]),
  ];
  const scenario = changes.length === 0 ? base : withValues(base, changes);
  return { name, hazard, compiled: compile(scenario), initial: scenario.startups.initial, times: [], counts: null };
});

/** Alive startup-months (lib.mjs) and table entry-months of one replication's values. */
function counts(values, compiled, initial) {
  const names = compiled.metricNames;
  const k = names.length;
  const entered = names.indexOf('startups.entered');
  if (entered < 0) throw new Error('startups.entered is not a metric any more: update test/bench/dead-records.mjs');
  const died = names.indexOf('deaths');
  let born = initial;
  let entryMonths = 0;
  let deaths = 0;
  for (let t = 0; t < compiled.months; t++) {
    born += values[t * k + entered];
    entryMonths += born;
    deaths += values[t * k + died];
  }
  return { aliveStartupMonths: startupMonths(values, names, compiled.months), entryMonths, deaths };
}

// Replication 0 of each world warms the JIT and is not timed; then replications 1 … reps, interleaved.
for (const w of worlds) w.counts = counts(runReplication(w.compiled, 0), w.compiled, w.initial);
for (let r = 1; r <= reps; r++)
  for (const w of worlds) {
    const began = performance.now();
    const values = runReplication(w.compiled, r);
    w.times.push({ seconds: (performance.now() - began) / 1000, ...counts(values, w.compiled, w.initial) });
  }

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = worlds.map((w) => {
  const seconds = median(w.times.map((x) => x.seconds));
  const alive = median(w.times.map((x) => x.aliveStartupMonths));
  const entries = median(w.times.map((x) => x.entryMonths));
  const deaths = median(w.times.map((x) => x.deaths));
  return { name: w.name, hazard: w.hazard, seconds, alive, entries, dead: entries - alive, deaths };
});

/** Least squares: the x minimising Σ (row · x − y)², by the normal equations (Gaussian elimination). */
function leastSquares(X, y) {
  const n = X[0].length;
  const A = Array.from({ length: n }, (_, i) => [...Array.from({ length: n }, (_, j) => X.reduce((s, row) => s + row[i] * row[j], 0)), X.reduce((s, row, k) => s + row[i] * y[k], 0)]);
  for (let i = 0; i < n; i++) {
    const p = A.slice(i).reduce((best, row, k) => (Math.abs(row[i]) > Math.abs(A[best][i]) ? i + k : best), i);
    [A[i], A[p]] = [A[p], A[i]];
    for (let k = 0; k < n; k++) if (k !== i) {
      const f = A[k][i] / A[i][i];
      for (let j = i; j <= n; j++) A[k][j] -= f * A[i][j];
    }
  }
  return A.map((row, i) => row[n] / row[i]);
}
// seconds ≈ a · alive + b · dead + c.
const [a, b, c] = leastSquares(rows.map((r) => [r.alive, r.dead, 1]), rows.map((r) => r.seconds));
const [dying, small] = ['hazard 8 %', 'small, as shipped'].map((n) => rows.find((r) => r.name === n));
rmSync(scratch, { recursive: true, force: true });

process.stdout.write(
  JSON.stringify({
    scenario: 'scenarios/bench/bench-10k.yaml',
    replications: reps,
    note: 'median over replications 1 … reps (replication 0 warms up); entry-months = Σ over months of the startups born so far, dead or alive',
    worlds: rows.map((r) => ({
      world: r.name,
      seconds: round(r.seconds),
      aliveStartupMonths: r.alive,
      tableEntryMonths: r.entries,
      deaths: r.deaths,
      deadShareOfEntryMonths: round(r.dead / r.entries),
      nsPerAliveStartupMonth: round((r.seconds / r.alive) * 1e9),
      nsPerTableEntryMonth: round((r.seconds / r.entries) * 1e9),
      fitShareOfTimeOnDeadRecords: round((b * r.dead) / r.seconds, 2),
    })),
    matchedPair: {
      worlds: [dying.name, small.name],
      aliveStartupMonthsRatio: round(dying.alive / small.alive),
      tableEntryMonthsRatio: round(dying.entries / small.entries),
      secondsRatio: round(dying.seconds / small.seconds),
      nsPerDeadEntryMonthAtMost: round(((dying.seconds - small.seconds) / (dying.dead - small.dead)) * 1e9),
      shareOfDyingWorldTimeOnDeadRecordsAtMost: round((dying.seconds - small.seconds) / dying.seconds, 2),
    },
    fit: {
      model: 'seconds ≈ a · alive startup-months + b · dead entry-months + c (least squares over the worlds)',
      nsPerAliveStartupMonth: round(a * 1e9),
      nsPerDeadEntryMonth: round(b * 1e9),
      fixedMsPerReplication: round(c * 1e3),
      residuals: rows.map((r) => round((a * r.alive + b * r.dead + c - r.seconds) / r.seconds, 2)),
    },
  }) + '\n',
);
