// Shared history in `compare` (sim/ensemble/shared-runs.ts): the wall time of
// `shakeout compare` as a user types it, with what-ifs that change something
// in 2024-09 (month 3 of 36) of china-2024-openai-exit.yaml, with the
// default sharing and with --no-shared-history, alternately in the same run
// (the machine is shared: the ratio is the figure, not the seconds), median
// of the repetitions. Also the months each shipped what-if shares.
//
//   npm run build && node test/bench/shared-history.mjs [--runs 20] [--reps 3] [--workers 2]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { compile, loadScenario } from '../../dist/sim/index.js';
import { planSharing } from '../../dist/sim/ensemble/shared-runs.js';
import { cli, measure, root, round } from './lib.mjs';

const EXIT = join(root, 'scenarios', 'china-2024-openai-exit.yaml');
const COUNTERFACTUAL = join(root, 'scenarios', 'counterfactual-no-exit.yaml');
const POLICIES = ['policy-interoperability', 'policy-compute-vouchers', 'policy-open-weights', 'policy-export-controls', 'subsidy-war'].map((n) =>
  join(root, 'scenarios', `${n}.yaml`),
);

/** What-ifs of the exit scenario, each a `set` in 2024-09. */
const WHAT_IFS = {
  'zhipu-cut': 'providers.zhipu.price: 0.05',
  'deepseek-cut': 'providers.deepseek.price: 0.07',
  'entry-up': 'startups.entry.rate: 150',
  'horizon-short': 'horizon: 6',
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The months each what-if shares with its baseline, and the share of scenario-months not simulated again. */
function plan(baseFile, whatIfFiles) {
  const [base, ...whatIfs] = [baseFile, ...whatIfFiles].map((f) => compile(loadScenario(f).scenario));
  const shared = planSharing(base, whatIfs, 1);
  const total = base.months * (1 + whatIfs.length);
  return { sharedMonths: shared, scenarioMonthsSaved: round(shared.reduce((a, b) => a + b, 0) / total) };
}

/**
 * `shakeout compare base <what-ifs…>` with and without sharing, alternately,
 * `reps` times each: the median wall time of each and their ratio.
 */
export function sharedHistoryCase({ runs = 20, reps = 3, workers = 2 } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'shakeout-bench-shared-'));
  try {
    // The exit scenario without its expectations (their baseline would run in both modes alike).
    writeFileSync(join(scratch, 'base.yaml'), `extends: ${JSON.stringify(EXIT)}\nexpect: []\n`);
    for (const [name, set] of Object.entries(WHAT_IFS))
      writeFileSync(join(scratch, `${name}.yaml`), `extends: base.yaml\nname: ${name}\nevents:\n  - { id: ${name}, at: 2024-09, set: { ${set} } }\n`);
    const files = (names) => names.map((n) => join(scratch, `${n}.yaml`));
    const cases = { oneWhatIf: ['zhipu-cut'], fourWhatIfs: Object.keys(WHAT_IFS) };
    const out = {
      scenario: 'scenarios/china-2024-openai-exit.yaml (36 months), what-ifs with a `set` at 2024-09',
      runs,
      workers,
      repetitions: reps,
      shipped: {
        'counterfactual-no-exit vs china-2024-openai-exit': plan(COUNTERFACTUAL, [EXIT]),
        'china-2024-openai-exit vs the five policy what-ifs': plan(EXIT, POLICIES),
      },
    };
    for (const [label, names] of Object.entries(cases)) {
      const times = { shared: [], alone: [] };
      for (let k = 0; k < reps; k++)
        for (const mode of ['shared', 'alone']) {
          const dir = join(scratch, `out-${label}-${mode}-${k}`);
          const args = [cli, 'compare', join(scratch, 'base.yaml'), ...files(names), '--runs', String(runs), '--workers', String(workers), '--no-charts', '--quiet', '--out', dir];
          if (mode === 'alone') args.push('--no-shared-history');
          times[mode].push(measure(args).wallSeconds);
          rmSync(dir, { recursive: true, force: true });
        }
      const shared = median(times.shared);
      const alone = median(times.alone);
      out[label] = {
        command: `shakeout compare base.yaml ${names.map((n) => `${n}.yaml`).join(' ')} --runs ${runs} --workers ${workers} --no-charts --quiet [--no-shared-history]`,
        ...plan(join(scratch, 'base.yaml'), files(names)),
        medianSecondsShared: round(shared),
        medianSecondsAlone: round(alone),
        ratioSharedOverAlone: round(shared / alone),
        everySeconds: { shared: times.shared.map((s) => round(s)), alone: times.alone.map((s) => round(s)) },
      };
    }
    return out;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, reps: { type: 'string', default: '3' }, workers: { type: 'string', default: '2' } } });
  process.stdout.write(JSON.stringify(sharedHistoryCase({ runs: Number(values.runs), reps: Number(values.reps), workers: Number(values.workers) }), null, 2) + '\n');
}
