import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { compile } from '../../model/compile.js';
import { UsageError } from '../../errors.js';
import { fileSystemCode } from '../../output/fs-error.js';
import { chartsNotDrawn } from '../../output/messages.js';
import { writeResultFolder, type WrittenResult } from '../../ensemble/run-to-folder.js';
import { assertExpectationsLocated } from '../../ensemble/expectations.js';
import { loadChecked } from '../load.js';
import { withSource } from '../source-of-error.js';
import { expectationLines } from '../expectations-table.js';
import { applyFlags, noteOversubscription, parseSeed, parseSet, parseWorkers, positiveInteger, type ScenarioFlags } from '../overrides.js';
import { createProgress } from '../progress.js';
import { defaultWorkers, earlyWorkers, replicationExecutor } from '../../ensemble/worker-pool.js';
import { assertResources } from '../../ensemble/limits.js';
import { stopOnSignals } from '../signals.js';
import { InterruptedError } from '../../errors.js';
import { commandLine } from '../../output/messages.js';
import { chartsInterrupted } from '../../../viz/messages.js';

interface RunOptions extends ScenarioFlags {
  out?: string;
  force?: boolean;
  resume?: boolean;
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
      'Run the replications of one scenario and write a result folder: manifest.json, timeseries.csv, runs.csv, runs.parquet, ' +
        'summary.json, summary.md, the per-run values and the charts (charts/). Exits 0 once the results are written, whatever the expectations say ' +
        '(use `shakeout check` to gate on them).',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--runs <n>', 'replications (default: the scenario\'s `runs`, else 100)', positiveInteger('--runs'))
    .option('--seed <seed>', "random seed, any text (default: the scenario's `seed`, else 1)", parseSeed)
    .option('--months <n>', "months to simulate (default: the scenario's `months`)", positiveInteger('--months', 1200))
    .option('--set <path=value>', 'change one numeric value of the scenario (repeatable), e.g. --set providers.zhipu.price=0.5 or --set "classes.small.hazard=0.02"', parseSet)
    .option('--out <dir>', 'result folder (default: results/<scenario file name>)')
    .option('--force', 'replace an existing result folder (only once the new one is complete; never a folder that is not a result)')
    .option('--resume', 'finish an interrupted run (<out>.partial) of the same scenario and flags, computing only the runs it lacks')
    .option('--workers <n>', 'worker threads, at most 4 × the cores (default: the number of cores; 1 runs on the main thread)', parseWorkers)
    .option('--no-charts', 'do not draw the charts (charts/: vega-lite specs, SVG, PNG, PDF); `shakeout chart` draws them later')
    .option('--quiet', 'no progress bar, summary line or expectations on stderr')
    .option('--json', 'print summary.json on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ shakeout run scenarios/china-2024-openai-exit.yaml\n  $ shakeout run scenarios/minimal.yaml --runs 200 --seed 7 --out results/minimal-200 --force\n  $ shakeout run scenarios/minimal.yaml --runs 200 --seed 7 --out results/minimal-200 --resume   # after Ctrl-C\n',
    )
    .action(async (file: string, options: RunOptions) => {
      // Ctrl-C, SIGTERM: stop between runs or in the aggregation and keep the runs for --resume; once the
      // folder is sealed, skip the charts. A second signal exits at once (signals.ts): every phase yields
      // to the event loop, so the handlers run.
      const stop = stopOnSignals();
      try {
        const { written, out } = await writeFolder(file, options, stop.signal);
        if (options.charts) await drawAfterRun(written.dir, out, stop.signal, !!options.quiet);
        if (!options.quiet && written.summary.expectations.length > 0)
          process.stderr.write(['expectations:', ...expectationLines(written.summary.expectations)].join('\n') + '\n');
        if (options.json) process.stdout.write(JSON.stringify(written.summary, null, 2) + '\n');
      } finally {
        stop.dispose();
      }
    });
}

/** Loads, checks and runs the scenario into its result folder, on workers that stop before the charts are drawn. */
async function writeFolder(file: string, options: RunOptions, signal: AbortSignal): Promise<{ written: WrittenResult; out: string }> {
  // Workers start now, so that their start-up overlaps the reading of the file (worker-pool.ts);
  // no more than the cores (the rest would only wait) nor than --runs, when given.
  const wanted = options.workers ?? defaultWorkers();
  const executor = replicationExecutor({ workers: wanted, start: earlyWorkers(wanted, options.runs) });
  try {
    const loaded = loadChecked(file);
    const applied = applyFlags(loaded.scenario, options);
    // A run too large for this machine is refused here, with the estimate, before anything is built.
    assertResources(applied, { workers: Math.min(wanted, applied.runs), file });
    const compiled = compile(applied);
    // An expectation's metric or month (--months may shorten the run) located in the file, before anything runs.
    assertExpectationsLocated(compiled, loaded.locate);
    const out = options.out ?? defaultOut(file);
    const runs = compiled.scenario.runs;
    noteOversubscription(Math.min(wanted, runs), options.quiet);
    const progress = createProgress(`running ${basename(file)}`, { quiet: !!options.quiet, total: runs });
    const began = performance.now();
    const written = await writeResultFolder(compiled, {
      out,
      runs,
      force: !!options.force,
      resume: !!options.resume,
      signal,
      scenarioFile: file,
      charts: options.charts,
      onProgress: (done, total) => progress.update(done, total),
      executor,
    }).catch((e: unknown) => progress.fail(withSource(e, loaded.locate)));
    const seconds = ((performance.now() - began) / 1000).toFixed(1);
    const resumed = written.reused > 0 ? ` (${written.reused} kept from the interrupted run)` : '';
    progress.finish(
      written.alreadyComplete
        ? `${out} is already complete: nothing to resume`
        : `wrote ${out}: ${runs} runs${resumed} of ${compiled.months} months in ${seconds} s`,
    );
    return { written, out };
  } finally {
    await executor.close();
  }
}

/** Draws the charts of the finished result folder `dir` (`out` as the user named it, for messages). */
export async function drawAfterRun(dir: string, out: string, signal: AbortSignal, quiet: boolean): Promise<void> {
  // Loaded only here, so that --no-charts never loads vega.
  const { drawCharts, CHARTS_DIR } = await import('../../../viz/draw.js');
  try {
    if (signal.aborted) throw new InterruptedError('interrupted', String(signal.reason), 0, 0);
    const drawn = await drawCharts(dir, { signal });
    if (!quiet) process.stderr.write(`drew ${drawn.length} charts in ${join(out, CHARTS_DIR)}: ${drawn.map((d) => d.name).join(', ')}\n`);
  } catch (e) {
    if (e instanceof InterruptedError) {
      const again = commandLine(['shakeout', 'chart', out]);
      throw new InterruptedError(chartsInterrupted(e.signal, e.done, e.runs, out, again, true), e.signal, e.done, e.runs);
    }
    // A full disk or a read-only folder: the results are complete, only the charts are missing.
    const code = fileSystemCode(e);
    throw code ? new UsageError(chartsNotDrawn(out, code)) : e;
  }
}
