// How well common random numbers pair a what-if with its baseline
// (MODEL.md section 10): for each pair, R replications of both with the
// same seed, and at the last month the variance reduction
//   (var_baseline + var_whatif) / var_difference
// of a few headline metrics. 1 means no pairing at all (independent runs);
// the larger, the narrower a paired comparison's interval.
//
//   npm run build && node test/bench/pairing.mjs [--runs 200] [--out pairing.json]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compile, loadScenario, runReplication } from '../../dist/sim/index.js';
import { root } from './lib.mjs';

const { values: flags } = parseArgs({ options: { runs: { type: 'string', default: '200' }, out: { type: 'string' } } });
const runs = Number(flags.runs);
const METRICS = ['hhi.tokens', 'cohort.dead.fraction', 'startups.alive'];
const exitFile = join(root, 'scenarios', 'china-2024-openai-exit.yaml');
const baseline = loadScenario(exitFile).scenario;

/** The exit scenario with `edit` applied to a deep copy. */
function edited(edit) {
  const copy = structuredClone(baseline);
  edit(copy);
  return copy;
}

const PAIRS = {
  'grant +10 % (zhipu-migration)': edited((s) => {
    s.events.find((e) => e.id === 'zhipu-migration').campaign.grant *= 1.1;
  }),
  'entry rate +5 %': edited((s) => {
    s.startups.entry.rate *= 1.05;
  }),
  'no-exit counterfactual': { ...loadScenario(join(root, 'scenarios', 'counterfactual-no-exit.yaml')).scenario, seed: baseline.seed },
};

/** Last-month value of each metric in each replication. */
function lastMonth(scenario) {
  const compiled = compile(scenario);
  const k = compiled.metricNames.length;
  const at = METRICS.map((m) => compiled.metricNames.indexOf(m));
  const out = METRICS.map(() => new Float64Array(runs));
  for (let r = 0; r < runs; r++) {
    const values = runReplication(compiled, r);
    const row = (compiled.months - 1) * k;
    at.forEach((col, m) => (out[m][r] = values[row + col]));
  }
  return out;
}

function variance(xs) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
}

const base = lastMonth(baseline);
const results = {};
for (const [name, whatIf] of Object.entries(PAIRS)) {
  const other = lastMonth(whatIf);
  results[name] = Object.fromEntries(
    METRICS.map((metric, m) => {
      const diff = base[m].map((b, r) => other[m][r] - b);
      const vd = variance(diff);
      const ratio = vd === 0 ? Infinity : (variance(base[m]) + variance(other[m])) / vd;
      return [metric, Number(ratio.toPrecision(3))];
    }),
  );
}
console.log(`variance reduction at the last month, ${runs} paired runs of the exit scenario:`);
console.table(results);
if (flags.out) writeFileSync(flags.out, JSON.stringify({ runs, results }, null, 2) + '\n');
