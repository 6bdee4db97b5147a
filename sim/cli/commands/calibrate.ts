import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { compile } from '../../model/compile.js';
import { writeCalibration } from '../../ensemble/calibration/calibrate.js';
import { calibrationPlan } from '../../ensemble/calibration/plan.js';
import { assertExpectationsLocated } from '../../ensemble/expectations.js';
import { assertResources } from '../../ensemble/limits.js';
import { defaultWorkers, earlyWorkers, replicationExecutor } from '../../ensemble/worker-pool.js';
import { type FitSummary, targetName } from '../../output/calibration-files.js';
import { readableNumber } from '../../output/summary-md.js';
import { printable } from '../../printable.js';
import { loadScenario } from '../../scenario/load.js';
import { loadTargets } from '../../scenario/targets.js';
import { applyFlags, noteOversubscription, parseSeed, parseWorkers, positiveInteger } from '../overrides.js';
import { createProgress } from '../progress.js';
import { stopOnSignals } from '../signals.js';
import { drawAfterRun } from './run.js';

interface CalibrateOptions {
  runs?: number;
  seed?: string | number;
  out?: string;
  force?: boolean;
  resume?: boolean;
  workers?: number;
  charts: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** `results/<targets file name without extension>` */
export function defaultOut(file: string): string {
  return join('results', basename(file, extname(file)));
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .summary("fit a scenario's values so that ensemble means match targets")
    .description(
      'Fit numeric values of a scenario (any path, within bounds) so that ensemble means match observed targets, as a targets ' +
        'file describes them (docs/calibration.md). Minimises Σ ((mean − value) / sd)² over the targets by Nelder–Mead or ' +
        'CMA-ES; every evaluation runs the same replication seeds (common random numbers), on one pool of workers. Writes a ' +
        'calibration folder: fitted.yaml (a scenario that extends the original and sets the fitted values), fit.json and fit.md ' +
        '(the values, the objective, each target against the mean at the fitted values with its 95 % interval), evaluations.csv ' +
        '(one row per evaluation), manifest.json and charts/ (the objective over the evaluations).',
    )
    .argument('<targets>', 'targets file (YAML): the scenario, the targets, the values to fit with their bounds, the method')
    .option('--out <dir>', 'calibration folder (default: results/<targets file name>)')
    .option('--runs <n>', "replications per evaluation (default: the targets file's `runs`, else the scenario's)", positiveInteger('--runs'))
    .option('--seed <seed>', "random seed of the runs and of CMA-ES (default: the scenario's `seed`)", parseSeed)
    .option('--workers <n>', 'worker threads, at most 4 × the cores (default: the number of cores; 1 runs on the main thread)', parseWorkers)
    .option('--force', 'replace an existing calibration folder (only once the new one is complete; never a folder that is not a calibration)')
    .option('--resume', 'continue an interrupted calibration (<out>.partial) of the same targets and flags, without computing its evaluations again')
    .option('--no-charts', 'do not draw the chart of the objective over the evaluations (<out>/charts)')
    .option('--quiet', 'no progress bar or summary on stderr')
    .option('--json', 'print fit.json on stdout')
    .addHelpText(
      'after',
      '\nExample targets file (paths relative to it):\n' +
        '  scenario: ../scenarios/china-2024-openai-exit.yaml\n' +
        '  runs: 40\n' +
        '  targets:\n' +
        '    - { metric: share.tokens.volcano, at: 2025-06, value: 0.492, sd: 0.02, source: "IDC, 2025 H1" }\n' +
        '  parameters:\n' +
        '    - { path: classes.small.network, lower: 0, upper: 1.5, start: 0.5 }\n' +
        '  method: nelder-mead        # or cma-es\n' +
        '  maxEvaluations: 300\n' +
        '\nExamples:\n  $ shakeout calibrate calibration/china-2024.yaml\n' +
        '  $ shakeout calibrate calibration/china-2024.yaml --runs 20 --workers 4 --out results/fit-20\n' +
        '  $ shakeout calibrate calibration/china-2024.yaml --resume\n',
    )
    .action(async (file: string, options: CalibrateOptions) => {
      const stop = stopOnSignals();
      const wanted = options.workers ?? defaultWorkers();
      const executor = replicationExecutor({ workers: wanted, start: earlyWorkers(wanted, options.runs) });
      try {
        const spec = loadTargets(file);
        const loaded = loadScenario(spec.scenario);
        const scenario = applyFlags(loaded.scenario, { runs: options.runs ?? spec.runs, seed: options.seed });
        assertResources(scenario, { workers: Math.min(wanted, scenario.runs), file: spec.scenario });
        const compiled = compile(scenario);
        assertExpectationsLocated(compiled, loaded.locate);
        const plan = calibrationPlan(spec, scenario, compiled);
        noteOversubscription(Math.min(wanted, scenario.runs), options.quiet);
        const out = options.out ?? defaultOut(file);
        const max = spec.maxEvaluations;
        const progress = createProgress(`calibrating ${printable(basename(file), 60)}`, { quiet: !!options.quiet, total: max, unit: 'evaluations' });
        const began = performance.now();
        const written = await writeCalibration(scenario, plan, spec, {
          out,
          force: !!options.force,
          resume: !!options.resume,
          signal: stop.signal,
          executor,
          scenarioFile: spec.scenario,
          onEvaluation: (done, total, best) => progress.update(done, total, `best ${readableNumber(best)}`),
        }).catch((e: unknown) => progress.fail(e));
        const seconds = ((performance.now() - began) / 1000).toFixed(1);
        const fit = written.fit;
        progress.finish(
          !fit
            ? `${out} is already complete: nothing to resume`
            : `wrote ${out}: ${fit.evaluations} evaluations × ${fit.runs} runs of ${fit.months} months in ${seconds} s; ` +
                `objective ${readableNumber(fit.objective)} (${fit.stop === 'tolerance' ? 'converged' : `stopped at maxEvaluations ${max}`})`,
        );
        if (!options.quiet && fit) process.stderr.write(fitLines(fit).join('\n') + '\n');
        if (options.charts && fit) await drawAfterRun(out, out, stop.signal, !!options.quiet);
        if (options.json && fit) process.stdout.write(JSON.stringify(fit, null, 2) + '\n');
      } finally {
        stop.dispose();
        await executor.close();
      }
    });
}

/** The fitted values, then each target against its mean at them (at most 20 of each; fit.md has them all). */
function fitLines(fit: FitSummary): string[] {
  const params = Object.entries(fit.parameters);
  const lines = params.slice(0, 20).map(([path, value]) => `  ${printable(path, 80)} = ${value}`);
  if (params.length > 20) lines.push(`  … ${params.length - 20} more in fit.md`);
  for (const t of fit.targets.slice(0, 20))
    lines.push(
      `  ${printable(targetName(t), 80)} at ${t.date}: target ${readableNumber(t.value)} ± ${readableNumber(t.sd)}, ` +
        `mean ${readableNumber(t.mean)} [${readableNumber(t.ciLow)}, ${readableNumber(t.ciHigh)}], z ${readableNumber(t.z)}`,
    );
  if (fit.targets.length > 20) lines.push(`  … ${fit.targets.length - 20} more targets in fit.md`);
  return lines;
}
