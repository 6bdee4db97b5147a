// One benchmark case in its own process: replications 0 … reps − 1 of a
// scenario, one after the other on this thread, through the library in dist/.
//
//   node test/bench/replication.mjs <scenario> <reps> [months]
//
// Prints JSON on stdout: per replication its wall time and startup-months
// (see startupMonths in lib.mjs), and the bytes of per-startup state.
import { compile, loadScenario, runReplication } from '../../dist/sim/index.js';
import { bytesPerStartup, startupMonths } from './lib.mjs';

const [file, repsText, monthsText] = process.argv.slice(2);
const reps = Number(repsText ?? 1);
let { scenario } = loadScenario(file);
if (monthsText) scenario = { ...scenario, months: Number(monthsText) };
const compiled = compile(scenario);
const replications = [];
for (let r = 0; r < reps; r++) {
  const began = performance.now();
  const values = runReplication(compiled, r);
  const seconds = (performance.now() - began) / 1000;
  replications.push({ replication: r, seconds, startupMonths: startupMonths(values, compiled.metricNames, compiled.months) });
}
process.stdout.write(
  JSON.stringify({ scenario: file, months: compiled.months, initial: scenario.startups.initial, replications, perStartup: await bytesPerStartup() }),
);
