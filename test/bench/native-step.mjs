// The kernel's two hottest loops against the same loops compiled natively
// (test/bench/README.md, "The kernel against native code"). Captures the
// engine's memory just before the month's biggest round of choices and just
// before its steps 5–7, in one month of bench-10k (replication 0); then, on
// copies of that memory, times the WebAssembly kernel's round
// (sim/kernel/choice.ts) and month loop (operate.ts) against their C
// transcriptions (native/choose-round.c, native/step-loop.c, built with
// `cc -O3 -march=native -ffp-contract=off`), and checks that each leaves the
// same bytes as the kernel. The round is also timed with the C library's
// exp, log and log1p (other bits: what fdlibm's costs). Best of `iterations`
// each, in `rounds` alternating rounds; prints JSON. Without a C compiler it
// says so and reports the kernel alone.
//
//   npm run build && node test/bench/native-step.mjs [month] [iterations] [rounds]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile, loadScenario } from '../../dist/sim/index.js';
import { initWorld } from '../../dist/sim/model/replication.js';
import { RECORD_BYTES, startupFields } from '../../dist/sim/model/startups.js';
import { step } from '../../dist/sim/model/step.js';
import { root, round } from './lib.mjs';

const [month = 60, iterations = 100, rounds = 5] = process.argv.slice(2).map(Number);
if (![month, iterations, rounds].every((x) => Number.isInteger(x) && x >= 1) || iterations < 3) {
  process.stderr.write('usage: node test/bench/native-step.mjs [month ≥ 1] [iterations ≥ 3] [rounds]\n');
  process.exit(2);
}
const FILE = join(root, 'scenarios', 'bench', 'bench-10k.yaml');
const compiled = compile(loadScenario(FILE).scenario);
if (month >= compiled.months) {
  process.stderr.write(`bench-10k has ${compiled.months} months\n`);
  process.exit(2);
}

/**
 * Steps replication 0 up to `month`, then steps that month with the
 * kernel's chooseRound and operate watched: for the month's biggest round
 * and operate's first call, the memory just before it, the call's
 * arguments and the number of birth groups then.
 */
function capture() {
  const world = initWorld(compiled, 0);
  const out = new Float64Array(compiled.metricNames.length);
  for (let t = 0; t < month; t++) step(world, t, out);
  const kernel = world.kernel;
  const memory = world.startups.memory;
  const calls = {};
  let groups = 0;
  const size = { chooseRound: (args) => args[0], operate: () => 0 };
  const watch = (name) => (...args) => {
    if (!calls[name] || size[name](args) > size[name](calls[name].args)) calls[name] = { args, groups, before: new Uint8Array(memory.buffer.slice(0)) };
    return kernel[name](...args);
  };
  world.kernel = {
    ...kernel,
    setGroups: (count) => {
      groups = count;
      kernel.setGroups(count);
    },
    chooseRound: watch('chooseRound'),
    operate: watch('operate'),
  };
  step(world, month, out);
  world.kernel = kernel;
  if (!calls.chooseRound || !calls.operate) throw new Error(`month ${month} of bench-10k has no round of choices`);
  return { world, kernel, memory, calls };
}

const { world, kernel, memory, calls } = capture();
const layout = world.layout;
const initArgs = [
  layout.records, world.providerCount, world.classes.ids.length, compiled.campaigns.length, layout.classes, layout.choice, layout.campaigns,
  layout.campaignFrom, layout.running, layout.groups, layout.groupCapacity, layout.round, layout.choosers, layout.stranded,
  layout.priorities, layout.initialShares, layout.switchCosts, layout.chooserGroups,
];

/** The kernel's work on a fresh copy of the captured memory, as the model calls it; microseconds. */
const kernelCases = {
  chooseRound({ args, groups, before }) {
    new Uint8Array(memory.buffer).set(before);
    kernel.setGroups(groups);
    const began = process.hrtime.bigint();
    kernel.chooseRound(...args);
    return Number(process.hrtime.bigint() - began) / 1e3;
  },
  operate({ args, groups, before }) {
    new Uint8Array(memory.buffer).set(before);
    kernel.setGroups(groups);
    const call = args.slice();
    const n = call[2];
    const began = process.hrtime.bigint();
    for (let i = call[1]; i < n; ) {
      call[1] = i;
      i = kernel.operate(...call);
    }
    return Number(process.hrtime.bigint() - began) / 1e3;
  },
};

const scratch = mkdtempSync(join(tmpdir(), 'shakeout-bench-native-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const numbers = (xs) => xs.map((x) => String(typeof x === 'boolean' ? Number(x) : x));
/** The native programs: source, extra flags, and the numbers after the files. */
const programs = {
  chooseRound: { source: 'choose-round.c', numbers: ({ args, groups }) => numbers([...initArgs, groups, ...args]) },
  chooseRoundLibm: { source: 'choose-round.c', flags: ['-DLIBM'], of: 'chooseRound', numbers: ({ args, groups }) => numbers([...initArgs, groups, ...args]) },
  operate: { source: 'step-loop.c', numbers: ({ args, groups }) => numbers([...args, layout.groups, layout.groupCapacity, groups]) },
};
const cc = (name, { source, flags = [] }) => {
  const binary = join(scratch, name);
  const r = spawnSync('cc', ['-O3', '-march=native', '-ffp-contract=off', ...flags, '-o', binary, join(import.meta.dirname, 'native', source), '-lm'], { encoding: 'utf8' });
  return r.status === 0 ? binary : null;
};
const binaries = Object.fromEntries(Object.entries(programs).map(([name, p]) => [name, cc(name, p)]));
const haveCompiler = Object.values(binaries).every(Boolean);

const kernelTimes = { chooseRound: [], operate: [] };
const nativeTimes = { chooseRound: [], chooseRoundLibm: [], operate: [] };
const bytesDiffering = {};
for (const [name, call] of Object.entries(calls)) {
  kernelCases[name](call);
  const after = new Uint8Array(memory.buffer.slice(0, call.before.length));
  writeFileSync(join(scratch, `${name}-before.bin`), call.before);
  writeFileSync(join(scratch, `${name}-after.bin`), after);
}
for (let r = 0; r < rounds; r++) {
  for (const [name, call] of Object.entries(calls)) {
    const times = [];
    for (let it = 0; it < iterations; it++) times.push(kernelCases[name](call));
    kernelTimes[name].push(Math.min(...times.slice(2)));
  }
  if (!haveCompiler) continue;
  for (const [name, p] of Object.entries(programs)) {
    const of = p.of ?? name;
    const files = [`${of}-before.bin`, `${of}-after.bin`].map((f) => join(scratch, f));
    const run = spawnSync(binaries[name], [...files, String(iterations), ...p.numbers(calls[of])], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${p.source} failed: ${run.stderr}`);
    const result = JSON.parse(run.stdout);
    nativeTimes[name].push(result.bestMicroseconds);
    bytesDiffering[name] = result.bytesDiffering;
  }
}

const best = (xs) => Math.min(...xs);
const per = (us, count) => round((1000 * us) / count);
const choosers = calls.chooseRound.args[0];
const entries = calls.operate.args[2];
let alive = 0;
// The `alive` byte's offset in a record, from the record's slots in order.
const aliveAt = startupFields.slice(0, startupFields.findIndex((f) => f.name === 'alive')).reduce((at, f) => at + f.bytes, 0);
for (let i = 0; i < entries; i++) alive += calls.operate.before[calls.operate.args[0] + RECORD_BYTES * i + aliveAt];
const result = {
  scenario: 'scenarios/bench/bench-10k.yaml',
  month,
  iterations,
  rounds,
  compiler: haveCompiler ? 'cc -O3 -march=native -ffp-contract=off' : 'none: no C compiler (cc) on this machine, the kernel alone',
  chooseRound: {
    choosers,
    kernel: { bestMicroseconds: round(best(kernelTimes.chooseRound)), nsPerChooser: per(best(kernelTimes.chooseRound), choosers) },
    ...(haveCompiler && {
      native: { bestMicroseconds: round(best(nativeTimes.chooseRound)), nsPerChooser: per(best(nativeTimes.chooseRound), choosers), sameBytes: bytesDiffering.chooseRound === 0 },
      nativeWithLibm: { bestMicroseconds: round(best(nativeTimes.chooseRoundLibm)), nsPerChooser: per(best(nativeTimes.chooseRoundLibm), choosers) },
      kernelOverNative: round(best(kernelTimes.chooseRound) / best(nativeTimes.chooseRound)),
    }),
  },
  operate: {
    tableEntries: entries,
    alive,
    kernel: { bestMicroseconds: round(best(kernelTimes.operate)), nsPerTableEntry: per(best(kernelTimes.operate), entries) },
    ...(haveCompiler && {
      native: { bestMicroseconds: round(best(nativeTimes.operate)), nsPerTableEntry: per(best(nativeTimes.operate), entries), sameBytes: bytesDiffering.operate === 0 },
      kernelOverNative: round(best(kernelTimes.operate) / best(nativeTimes.operate)),
    }),
  },
};
process.stdout.write(JSON.stringify(result) + '\n');
