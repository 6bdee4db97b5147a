import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { compile } from '../../model/compile.js';
import { UsageError } from '../../errors.js';
import { fileSystemCode } from '../../output/fs-error.js';
import { chartsNotDrawn } from '../../output/messages.js';
import { installationGitStateSoon } from '../../output/installation.js';
import { writeResultFolder, type WrittenResult } from '../../ensemble/run-to-folder.js';
import { assertExpectationsLocated } from '../../ensemble/expectations.js';
import { loadChecked } from '../load.js';
import { withSource } from '../source-of-error.js';
import { expectationLines } from '../expectations-table.js';
import { applyFlags, noteOversubscription, parseSeed, parseSet, parseShardFlag, parseWorkers, positiveInteger, type ScenarioFlags, shardLine, shardOut } from '../overrides.js';
import type { Shard } from '../../output/shard.js';
import { writeRunShard } from '../../ensemble/shards.js';
import { createProgress } from '../progress.js';
import { compileBaselines, distinctBaselines } from '../baselines.js';
import { baselineRuns } from './check.js';
import { defaultWorkers, earlyWorkers, replicationExecutor } from '../../ensemble/worker-pool.js';
import type { ReplicationExecutor } from '../../ensemble/executor.js';
import { assertResources } from '../../ensemble/limits.js';
import { stopOnSignals } from '../signals.js';
import { InterruptedError } from '../../errors.js';
import { commandLine } from '../../output/messages.js';
import { chartsInterrupted } from '../../../viz/messages.js';

interface RunOptions extends ScenarioFlags {
  out?: string;
  shard?: Shard;
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
        'summary.json, summary.md, the per-run values and the charts (charts/). A relative expectation (`baseline:`) runs its baseline ' +
        'too, with the same runs, seed, months and --set changes, keeping only the values it compares. Exits 0 once the results are written, whatever the expectations say ' +
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
    .option('--shard <k/n>', 'compute only shard k of n of the runs (a contiguous block) into a shard folder (default: <out>-shard-<k>-of-<n>); `shakeout merge` joins the n shards into the result folder', parseShardFlag)
    .option('--no-charts', 'do not draw the charts (charts/: vega-lite specs, SVG, PNG, PDF); `shakeout chart` draws them later')
    .option('--quiet', 'no progress bar, summary line or expectations on stderr')
    .option('--json', 'print summary.json on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ shakeout run scenarios/china-2024-openai-exit.yaml\n  $ shakeout run scenarios/minimal.yaml --runs 200 --seed 7 --out results/minimal-200 --force\n  $ shakeout run scenarios/minimal.yaml --runs 200 --seed 7 --out results/minimal-200 --resume   # after Ctrl-C\n' +
        '  $ shakeout run scenarios/minimal.yaml --runs 200 --shard 2/4 --out shards/2   # then: shakeout merge shards/* --out results/minimal\n',
    )
    .action(async (file: string, options: RunOptions) => {
      // Ctrl-C, SIGTERM: stop between runs or in the aggregation and keep the runs for --resume; once the
      // folder is sealed, skip the charts. A second signal exits at once (signals.ts): every phase yields
      // to the event loop, so the handlers run.
      const stop = stopOnSignals();
      try {
        if (options.shard) return await writeShard(file, options, options.shard, stop.signal);
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
  // The manifest's commit: git runs beside the replications instead of after them.
  void installationGitStateSoon();
  // Workers start now, so that their start-up overlaps the reading of the file (worker-pool.ts);
  // no more than the cores (the rest would only wait) nor than --runs, when given.
  const wanted = options.workers ?? defaultWorkers();
  const early = earlyWorkers(wanted, options.runs);
  let executor: ReplicationExecutor | undefined = early > 0 ? replicationExecutor({ workers: wanted, start: early }) : undefined;
  try {
    const loaded = loadChecked(file);
    const applied = applyFlags(loaded.scenario, options);
    // A run too large for this machine is refused here, with the estimate, before anything is built.
    assertResources(applied, { workers: Math.min(wanted, applied.runs), file });
    const compiled = compile(applied);
    // An expectation's metric or month (--months may shorten the run) located in the file, before anything runs.
    assertExpectationsLocated(compiled, loaded.locate);
    // Relative expectations: their baselines run after the scenario, with its runs, seed and months (baselines.ts).
    const baselines = compileBaselines(loaded, file, compiled, options);
    const extra = distinctBaselines(baselines);
    const out = options.out ?? defaultOut(file);
    const runs = compiled.scenario.runs;
    const total = runs * (1 + extra.length);
    // A single replication runs on this thread: a worker would add its own heap and start-up and speed up
    // nothing (bench-1m --runs 1: 248 → 213 MB peak RSS).
    executor ??= replicationExecutor({ workers: total === 1 ? 1 : wanted });
    noteOversubscription(Math.min(wanted, runs), options.quiet);
    const progress = createProgress(`running ${basename(file)}`, { quiet: !!options.quiet, total });
    const began = performance.now();
    const written = await writeResultFolder(compiled, {
      out,
      runs,
      force: !!options.force,
      resume: !!options.resume,
      signal,
      scenarioFile: file,
      charts: options.charts,
      onProgress: (done) => progress.update(done, total),
      executor,
      relative: baselines.size > 0 ? { baselines, onProgress: (key, done) => progress.update(runs * (1 + extra.indexOf(key)) + done, total) } : undefined,
    }).catch((e: unknown) => progress.fail(withSource(e, loaded.locate)));
    const seconds = ((performance.now() - began) / 1000).toFixed(1);
    const resumed = written.reused > 0 ? ` (${written.reused} kept from the interrupted run)` : '';
    progress.finish(
      written.alreadyComplete
        ? `${out} is already complete: nothing to resume`
        : `wrote ${out}: ${runs} runs${resumed} of ${compiled.months} months${baselineRuns(extra.length, runs)} in ${seconds} s`,
    );
    return { written, out };
  } finally {
    await executor?.close();
  }
}

/** `run --shard k/n`: the shard's block of runs into a shard folder (no charts, no summary: the merge makes them). */
async function writeShard(file: string, options: RunOptions, shard: Shard, signal: AbortSignal): Promise<void> {
  const wanted = options.workers ?? defaultWorkers();
  const executor = replicationExecutor({ workers: wanted, start: earlyWorkers(wanted, options.runs) });
  try {
    const loaded = loadChecked(file);
    const applied = applyFlags(loaded.scenario, options);
    assertResources(applied, { workers: Math.min(wanted, applied.runs), file });
    const compiled = compile(applied);
    assertExpectationsLocated(compiled, loaded.locate);
    const out = options.out ?? shardOut(defaultOut(file), shard);
    const runs = compiled.scenario.runs;
    noteOversubscription(Math.min(wanted, runs), options.quiet);
    const progress = createProgress(`running shard ${shard.index}/${shard.count} of ${basename(file)}`, { quiet: !!options.quiet, total: runs });
    const began = performance.now();
    const written = await writeRunShard(compiled, runs, {
      out,
      shard,
      force: !!options.force,
      resume: !!options.resume,
      signal,
      scenarioFile: file,
      executor,
      onProgress: (done, total) => progress.update(done, total),
    }).catch((e: unknown) => progress.fail(withSource(e, loaded.locate)));
    progress.finish(shardLine(out, written, 'runs', ((performance.now() - began) / 1000).toFixed(1)));
    if (options.json) process.stdout.write(JSON.stringify(written.manifest.shard, null, 2) + '\n');
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
