import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../errors.js';
import { compile } from '../../model/compile.js';
import { assertExpectationsLocated } from '../../ensemble/expectations.js';
import { assertResources } from '../../ensemble/limits.js';
import { sweepCells, writeSweep } from '../../ensemble/sweep.js';
import { parseRange, parseSweepSet, type SweepParameter, sweepDesign } from '../../ensemble/sweep-design.js';
import { defaultWorkers, earlyWorkers, replicationExecutor } from '../../ensemble/worker-pool.js';
import { loadScenario } from '../../scenario/load.js';
import { readableNumber } from '../../output/summary-md.js';
import type { SweepSummary } from '../../output/sweep-files.js';
import { printable } from '../../printable.js';
import { applyFlags, noteOversubscription, parseSeed, parseShardFlag, parseWorkers, positiveInteger, shardLine, shardOut } from '../overrides.js';
import type { Shard } from '../../output/shard.js';
import { writeSweepShard } from '../../ensemble/shards.js';
import { createProgress } from '../progress.js';
import { stopOnSignals } from '../signals.js';
import { drawAfterRun } from './run.js';

interface SweepOptions {
  set?: SweepParameter[];
  range?: SweepParameter[];
  lhs?: number;
  runs?: number;
  seed?: string | number;
  months?: number;
  metric?: string[];
  out?: string;
  force?: boolean;
  resume?: boolean;
  workers?: number;
  shard?: Shard;
  charts: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** Commander's adapter: a UsageError from a parser becomes commander's own argument error (exit 2, one line). */
const asArgument =
  <T>(parse: (text: string, previous: T) => T) =>
  (text: string, previous: T): T => {
    try {
      return parse(text, previous);
    } catch (e) {
      throw e instanceof UsageError ? new InvalidArgumentError(e.message) : e;
    }
  };

const collect = (text: string, previous: string[] = []) => [...previous, text];

/** `results/sweep-<file name without extension>` */
export function defaultOut(file: string): string {
  return join('results', `sweep-${basename(file, extname(file))}`);
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .summary('run a scenario at every point of a parameter grid or Latin hypercube')
    .description(
      'Run a scenario at every point of a design over any numeric values of the scenario (the paths of `--set`): a ' +
        'full-factorial grid of the values given, or with --lhs a Latin hypercube of N points over the ranges. Every point ' +
        'runs with the same replication seeds (common random numbers across points, so a curve is smooth), on one pool of ' +
        'workers. Writes a sweep folder: sweep.csv (one row per point and replication), points.csv (per point: mean, sd and 95 % ' +
        'interval of each metric), summary.md/summary.json and manifest.json. A point whose values the scenario refuses, or at ' +
        'which the model fails, is recorded as failed with its message; the others go on. Exits 0 once written.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--set <path=v1,v2,...>', 'values of one path (repeatable), e.g. --set providers.zhipu.price=0.5,1,2', asArgument(parseSweepSet))
    .option('--range <path=lo:hi[:n]>', 'a range of one path (repeatable): n evenly spaced values for a grid, or the range of --lhs', asArgument(parseRange))
    .option('--lhs <points>', 'a Latin hypercube of this many points over the ranges, instead of the grid', positiveInteger('--lhs', 100_000))
    .option('--runs <n>', "replications per point (default: the scenario's `runs`)", positiveInteger('--runs'))
    .option('--seed <seed>', "random seed (default: the scenario's `seed`)", parseSeed)
    .option('--months <n>', "months to simulate (default: the scenario's `months`)", positiveInteger('--months', 1200))
    .option('--metric <name@month>', 'a metric to report at a month (t, YYYY-MM or end; repeatable); default: the headline measures', collect)
    .option('--out <dir>', 'sweep folder (default: results/sweep-<scenario file name>)')
    .option('--force', 'replace an existing sweep folder (only once the new one is complete; never a folder that is not a sweep)')
    .option('--resume', 'finish an interrupted sweep (<out>.partial) of the same scenario, design and flags, without running its finished points again')
    .option('--workers <n>', 'worker threads, at most 4 × the cores (default: the number of cores; 1 runs on the main thread)', parseWorkers)
    .option('--shard <k/n>', 'run only shard k of n of the design points (a contiguous block) into a shard folder (default: <out>-shard-<k>-of-<n>); `shakeout merge` joins the n shards into the sweep folder', parseShardFlag)
    .option('--no-charts', 'do not draw the charts (<out>/charts: each metric against the parameter with its 95 % band; a heatmap for two; a scatter against each parameter for a Latin hypercube)')
    .option('--quiet', 'no progress bar or summary on stderr')
    .option('--json', 'print summary.json on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ shakeout sweep scenarios/minimal.yaml --set classes.small.hazard=0.01,0.02,0.03 --runs 50\n' +
        '  $ shakeout sweep scenarios/china-2024-openai-exit.yaml --range events.zhipu-migration.campaign.grant=50:300:6 \\\n' +
        '      --range classes.small.switchCost.median=5000:40000:4 --metric hhi.tokens@end --metric cohort.dead.small.fraction@12\n' +
        '  $ shakeout sweep scenarios/minimal.yaml --range classes.small.hazard=0.005:0.03 --range providers.budget.price=0.3:1 --lhs 40\n' +
        '  $ shakeout sweep scenarios/minimal.yaml --set classes.small.hazard=0.01,0.02,0.03,0.04 --shard 1/2 --out shards/1   # docs/cluster.md\n',
    )
    .action(async (file: string, options: SweepOptions) => {
      const parameters = [...(options.set ?? []), ...(options.range ?? [])];
      if (parameters.length === 0) throw new UsageError('sweep needs at least one --set <path>=<v1>,<v2>,… or --range <path>=<lo>:<hi>[:<n>]');
      const stop = stopOnSignals();
      const wanted = options.workers ?? defaultWorkers();
      const executor = replicationExecutor({ workers: wanted, start: earlyWorkers(wanted, options.runs) });
      try {
        const loaded = loadScenario(file);
        const scenario = applyFlags(loaded.scenario, { runs: options.runs, seed: options.seed, months: options.months });
        assertResources(scenario, { workers: Math.min(wanted, scenario.runs), file });
        const compiled = compile(scenario);
        assertExpectationsLocated(compiled, loaded.locate);
        const design = sweepDesign(parameters, { lhs: options.lhs, seed: scenario.seed });
        const cells = sweepCells(compiled, options.metric ?? []);
        noteOversubscription(Math.min(wanted, scenario.runs), options.quiet);
        if (options.shard) {
          const shard = options.shard;
          const out = options.out ?? shardOut(defaultOut(file), shard);
          const progress = createProgress(`sweeping shard ${shard.index}/${shard.count} of ${printable(basename(file), 60)}`, { quiet: !!options.quiet, total: 1 });
          const began = performance.now();
          const written = await writeSweepShard(scenario, design, cells, compiled, {
            out,
            shard,
            force: !!options.force,
            resume: !!options.resume,
            signal: stop.signal,
            executor,
            scenarioFile: file,
            onProgress: (done, total) => progress.update(done, total),
          }).catch((e: unknown) => progress.fail(e));
          progress.finish(shardLine(out, written, 'points', ((performance.now() - began) / 1000).toFixed(1)));
          if (options.json) process.stdout.write(JSON.stringify(written.manifest.shard, null, 2) + '\n');
          return;
        }
        const out = options.out ?? defaultOut(file);
        const total = design.points.length;
        const progress = createProgress(`sweeping ${printable(basename(file), 60)}`, { quiet: !!options.quiet, total });
        const began = performance.now();
        const written = await writeSweep(scenario, design, cells, {
          out,
          force: !!options.force,
          resume: !!options.resume,
          signal: stop.signal,
          executor,
          scenarioFile: file,
          onProgress: (done) => progress.update(done, total),
        }).catch((e: unknown) => progress.fail(e));
        const seconds = ((performance.now() - began) / 1000).toFixed(1);
        const failed = written.summary.failed > 0 ? `, ${written.summary.failed} failed (see summary.md)` : '';
        progress.finish(
          written.alreadyComplete
            ? `${out} is already complete: nothing to resume`
            : `wrote ${out}: ${total} points × ${scenario.runs} runs of ${compiled.months} months in ${seconds} s${failed}`,
        );
        if (!options.quiet && !written.alreadyComplete) process.stderr.write(pointLines(written.summary).join('\n') + '\n');
        if (options.charts && !written.alreadyComplete) await drawAfterRun(out, out, stop.signal, !!options.quiet);
        if (options.json) process.stdout.write(JSON.stringify(written.summary, null, 2) + '\n');
      } finally {
        stop.dispose();
        await executor.close();
      }
    });
}

/** The first metric of every point, one line each (at most 20; the rest is in points.csv). */
function pointLines(summary: SweepSummary): string[] {
  const first = summary.cells[0];
  if (!first) return [];
  const shown = summary.points.slice(0, 20).map((p) => {
    const params = summary.paths.map((path, j) => `${printable(path, 60)}=${readableNumber(p.parameters[j])}`).join(' ');
    const value = p.cells ? `${readableNumber(p.cells[0].mean)} [${readableNumber(p.cells[0].ciLow)}, ${readableNumber(p.cells[0].ciHigh)}]` : `failed: ${printable(p.error ?? '', 200)}`;
    return `  ${String(p.point).padStart(3)}  ${params}  ${printable(first.metric, 60)}@t${first.month} = ${value}`;
  });
  return summary.points.length > 20 ? [...shown, `  … ${summary.points.length - 20} more in points.csv`] : shown;
}
