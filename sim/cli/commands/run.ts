import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { compile } from '../../model/compile.js';
import { writeResultFolder } from '../../output/result-folder.js';
import { loadScenario } from '../../scenario/load.js';
import { expectationLines } from '../expectations-table.js';
import { applyFlags, parseSeed, positiveInteger, type ScenarioFlags } from '../overrides.js';
import { createProgress } from '../progress.js';

interface RunOptions extends ScenarioFlags {
  out?: string;
  force?: boolean;
  workers?: number;
  charts: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** `results/<file name without extension>` */
export function defaultOut(file: string): string {
  return join('results', basename(file, extname(file)));
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .summary('run a scenario and write a result folder')
    .description(
      'Run the replications of one scenario and write a result folder: manifest.json, timeseries.csv, runs.csv, ' +
        'summary.json, summary.md and the per-run values. Exits 0 once the results are written, whatever the expectations say ' +
        '(use `shakeout check` to gate on them).',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--runs <n>', 'replications (default: the scenario\'s `runs`, else 100)', positiveInteger('--runs'))
    .option('--seed <seed>', "random seed, any text (default: the scenario's `seed`, else 1)", parseSeed)
    .option('--months <n>', "months to simulate (default: the scenario's `months`)", positiveInteger('--months', 1200))
    .option('--out <dir>', 'result folder (default: results/<scenario file name>)')
    .option('--force', 'replace an existing result folder (only once the new one is complete)')
    .option('--workers <n>', 'worker threads (accepted; replications run on one thread for now)', positiveInteger('--workers'))
    .option('--no-charts', 'do not draw charts (accepted; charts are not drawn yet)')
    .option('--quiet', 'no progress or summary on stderr')
    .option('--json', 'print summary.json on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ shakeout run scenarios/china-2024-openai-exit.yaml\n  $ shakeout run scenarios/minimal.yaml --runs 200 --seed 7 --out results/minimal-200 --force\n',
    )
    .action(async (file: string, options: RunOptions) => {
      const { scenario } = loadScenario(file);
      const compiled = compile(applyFlags(scenario, options));
      const out = options.out ?? defaultOut(file);
      const runs = compiled.scenario.runs;
      const progress = createProgress(`running ${basename(file)}`, { quiet: !!options.quiet });
      const began = performance.now();
      const written = await writeResultFolder(compiled, {
        out,
        runs,
        force: !!options.force,
        onProgress: (done, total) => progress.update(done, total),
      });
      const seconds = ((performance.now() - began) / 1000).toFixed(1);
      progress.finish(`wrote ${out}: ${runs} runs of ${compiled.months} months in ${seconds} s`);
      if (!options.quiet && written.summary.expectations.length > 0)
        process.stderr.write(['expectations:', ...expectationLines(written.summary.expectations)].join('\n') + '\n');
      if (options.json) process.stdout.write(JSON.stringify(written.summary, null, 2) + '\n');
    });
}
