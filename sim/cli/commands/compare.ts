import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { compile } from '../../model/compile.js';
import { UsageError } from '../../errors.js';
import { writeComparison, type ComparedInput } from '../../ensemble/compare.js';
import { assertExpectationsLocated } from '../../ensemble/expectations.js';
import { differentStart, sameFolderName } from '../../ensemble/messages.js';
import { defaultWorkers, earlyWorkers, replicationExecutor } from '../../ensemble/worker-pool.js';
import { assertResources } from '../../ensemble/limits.js';
import { loadScenario } from '../../scenario/load.js';
import { comparisonLines } from '../comparison-table.js';
import { applyFlags, noteOversubscription, parseSeed, parseSet, parseShardFlag, parseWorkers, positiveInteger, type ScenarioFlags, shardLine, shardOut } from '../overrides.js';
import type { Shard } from '../../output/shard.js';
import { writeCompareShard } from '../../ensemble/shards.js';
import { createProgress } from '../progress.js';
import { compileBaselines } from '../baselines.js';
import { stopOnSignals } from '../signals.js';
import { drawAfterRun } from './run.js';

interface CompareOptions extends ScenarioFlags {
  out?: string;
  force?: boolean;
  resume?: boolean;
  workers?: number;
  shard?: Shard;
  charts: boolean;
  sharedHistory: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** A scenario's folder in the comparison: its file name without the extension. */
const folderName = (file: string) => basename(file, extname(file));

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .summary('run a baseline and its what-ifs with paired random numbers, and report the differences')
    .description(
      'Run a baseline scenario and one or more what-ifs with the same replication seeds (common random numbers: run r of ' +
        'every scenario sees the same startups and draws wherever the worlds coincide), on one pool of workers, and write a ' +
        'comparison folder: one result folder per scenario (as `run` writes), diff.csv (the paired difference what-if − baseline ' +
        'per metric and month, with its 95 % interval and the shares of runs in which the what-if is lower and higher), and ' +
        'summary.md/summary.json (a headline table per what-if, with the variance reduction pairing gave). --runs, --seed and ' +
        "--months default to the baseline's and apply to every scenario; --set applies to every scenario. A what-if's relative " +
        'expectations whose `baseline:` is the baseline file are judged on these paired runs and listed under its headline ' +
        'table; other baselines are run as `run` does. Exits 0 once written.',
    )
    .argument('<baseline>', 'the baseline scenario file')
    .argument('<what-if...>', 'one or more what-if scenario files')
    .option('--runs <n>', "replications of each scenario (default: the baseline's `runs`)", positiveInteger('--runs'))
    .option('--seed <seed>', "random seed of every scenario (default: the baseline's `seed`)", parseSeed)
    .option('--months <n>', "months to simulate (default: the baseline's `months`)", positiveInteger('--months', 1200))
    .option('--set <path=value>', 'change one numeric value of every scenario (repeatable)', parseSet)
    .option('--out <dir>', 'comparison folder (default: results/compare-<baseline file name>)')
    .option('--force', 'replace an existing comparison folder (only once the new one is complete; never a folder that is not a comparison)')
    .option('--resume', 'finish an interrupted comparison (<out>.partial) of the same scenarios and flags')
    .option('--workers <n>', 'worker threads, at most 4 × the cores (default: the number of cores; 1 runs on the main thread)', parseWorkers)
    .option('--shard <k/n>', 'run only shard k of n of the runs (a contiguous block) of every scenario into a shard folder (default: <out>-shard-<k>-of-<n>); `shakeout merge` joins the n shards into the comparison folder', parseShardFlag)
    .option('--no-charts', 'do not draw the charts (<out>/charts: the scenarios overlaid, the paired differences over time, the forest plot of the headline measures)')
    .option(
      '--no-shared-history',
      "simulate every what-if from t = 0, even the months it provably shares with the baseline (by default such a what-if forks from the baseline's world at its first differing month; the results are the same bytes either way)",
    )
    .option('--quiet', 'no progress bar or headline table on stderr')
    .option('--json', 'print summary.json on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ shakeout compare scenarios/counterfactual-no-exit.yaml scenarios/china-2024-openai-exit.yaml\n' +
        '  $ shakeout compare scenarios/minimal.yaml my-policy.yaml other-policy.yaml --runs 200 --out results/policies\n',
    )
    .action(async (baselineFile: string, whatIfFiles: string[], options: CompareOptions) => {
      const stop = stopOnSignals();
      try {
        const written = await compareScenarios([baselineFile, ...whatIfFiles], options, stop.signal);
        if (!written) return;
        // The comparison's own charts overlay the scenarios; each scenario's charts are one `shakeout chart <out>/<scenario>` away.
        const out = options.out ?? defaultOut(baselineFile);
        if (options.charts && !written.alreadyComplete) await drawAfterRun(out, out, stop.signal, !!options.quiet);
        if (!options.quiet) process.stderr.write(comparisonLines(written.summary).join('\n') + '\n');
        if (options.json) process.stdout.write(JSON.stringify(written.summary, null, 2) + '\n');
      } finally {
        stop.dispose();
      }
    });
}

/** `results/compare-<baseline file name without extension>` */
export function defaultOut(baseline: string): string {
  return join('results', `compare-${folderName(baseline)}`);
}

async function compareScenarios(files: readonly string[], options: CompareOptions, signal: AbortSignal) {
  const wanted = options.workers ?? defaultWorkers();
  const executor = replicationExecutor({ workers: wanted, start: earlyWorkers(wanted, options.runs) });
  try {
    const folders = new Map<string, string>();
    const inputs: (ComparedInput & { locate: ReturnType<typeof loadScenario>['locate'] })[] = [];
    for (const file of files) {
      const folder = folderName(file);
      const other = folders.get(folder);
      if (other !== undefined) throw new UsageError(sameFolderName(folder, other, file));
      folders.set(folder, file);
      const loaded = loadScenario(file);
      // Every scenario runs the baseline's runs, seed and months unless the flags say otherwise: pairing needs them equal.
      const base = inputs[0]?.compiled.scenario;
      const flags = base ? { ...options, runs: options.runs ?? base.runs, seed: options.seed ?? base.seed, months: options.months ?? base.months } : options;
      const applied = applyFlags(loaded.scenario, flags);
      assertResources(applied, { workers: Math.min(wanted, applied.runs), file });
      const compiled = compile(applied);
      assertExpectationsLocated(compiled, loaded.locate);
      // Relative expectations: a baseline that is a compared scenario is read from its folder, any other is run (ensemble/compare.ts).
      const baselines = compileBaselines(loaded, file, compiled, flags);
      if (base && compiled.start !== inputs[0].compiled.start) throw new UsageError(differentStart(file, compiled.start, files[0], inputs[0].compiled.start));
      inputs.push({ folder, compiled, file, locate: loaded.locate, baselines });
    }
    const [baseline, ...whatIfs] = inputs;
    const runs = baseline.compiled.scenario.runs;
    noteOversubscription(Math.min(wanted, runs), options.quiet);
    const total = runs * inputs.length;
    const progress = createProgress(`comparing ${inputs.length} scenarios`, { quiet: !!options.quiet, total });
    const began = performance.now();
    if (options.shard) {
      const shard = options.shard;
      const out = options.out ?? shardOut(defaultOut(files[0]), shard);
      const written = await writeCompareShard(inputs, {
        out,
        shard,
        force: !!options.force,
        resume: !!options.resume,
        signal,
        executor,
        onProgress: (done, all) => progress.update(done, all),
      }).catch((e: unknown) => progress.fail(e));
      progress.finish(shardLine(out, written, 'runs', ((performance.now() - began) / 1000).toFixed(1)));
      if (options.json) process.stdout.write(JSON.stringify(written.manifest.shard, null, 2) + '\n');
      return null;
    }
    const out = options.out ?? defaultOut(files[0]);
    const written = await writeComparison(baseline, whatIfs, {
      out,
      force: !!options.force,
      resume: !!options.resume,
      signal,
      executor,
      sharedHistory: options.sharedHistory,
      onProgress: (_folder, done) => progress.update(done, total),
    }).catch((e: unknown) => progress.fail(e));
    const seconds = ((performance.now() - began) / 1000).toFixed(1);
    progress.finish(
      written.alreadyComplete
        ? `${out} is already complete: nothing to resume`
        : `wrote ${out}: ${inputs.length} scenarios × ${runs} paired runs of ${baseline.compiled.months} months in ${seconds} s`,
    );
    return written;
  } finally {
    await executor.close();
  }
}
