import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../../errors.js';
import { compile } from '../../model/compile.js';
import { assertExpectationsLocated } from '../../ensemble/expectations.js';
import { assertResources } from '../../ensemble/limits.js';
import { indicesRefused } from '../../ensemble/messages.js';
import { designSize, parseParam, sensitivityPlan, type SensitivityMethod, type SensitivityParameter, type SensitivityPlan, writeSensitivity } from '../../ensemble/sensitivity-analysis.js';
import type { Scenario } from '../../scenario/schema.js';
import type { CompiledScenario } from '../../model/compile.js';
import { type SweepCell, sweepCells } from '../../ensemble/sweep.js';
import { defaultWorkers, earlyWorkers, replicationExecutor } from '../../ensemble/worker-pool.js';
import { resolveValuePath } from '../../scenario/value-paths.js';
import { loadScenario } from '../../scenario/load.js';
import { readableNumber } from '../../output/summary-md.js';
import { NOISY, percentText as percent, type SensitivitySummary } from '../../output/sensitivity-files.js';
import { printable } from '../../printable.js';
import { applyFlags, noteOversubscription, parseSeed, parseShardFlag, parseWorkers, positiveInteger, shardLine, shardOut } from '../overrides.js';
import type { Shard } from '../../output/shard.js';
import { writeSweepShard } from '../../ensemble/shards.js';
import { createProgress } from '../progress.js';
import { stopOnSignals } from '../signals.js';
import { drawAfterRun } from './run.js';

interface SensitivityOptions {
  param?: SensitivityParameter[];
  metric?: string[];
  method: SensitivityMethod;
  samples?: number;
  runs: number;
  seed?: string | number;
  months?: number;
  out?: string;
  force?: boolean;
  resume?: boolean;
  workers?: number;
  shard?: Shard;
  charts: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** Replications at every design point, unless --runs says otherwise (not the scenario's `runs`: an analysis has hundreds of points). */
export const DEFAULT_RUNS = 10;
/** N when --samples is not given: Sobol' base samples, or Morris trajectories. */
export const DEFAULT_SAMPLES: Record<SensitivityMethod, number> = { sobol: 64, morris: 10 };

const collect = (text: string, previous: string[] = []) => [...previous, text];

const asParam = (text: string, previous: SensitivityParameter[]) => {
  try {
    return parseParam(text, previous);
  } catch (e) {
    throw e instanceof UsageError ? new InvalidArgumentError(e.message) : e;
  }
};

/** `results/sensitivity-<file name without extension>` */
export function defaultOut(file: string): string {
  return join('results', `sensitivity-${basename(file, extname(file))}`);
}

export function registerSensitivity(program: Command): void {
  program
    .command('sensitivity')
    .summary("which of a scenario's values move a metric: Sobol' indices or Morris screening")
    .description(
      "Global sensitivity analysis of metrics (--metric) to numeric values of a scenario (--param, each uniform on a range). " +
        "With --method sobol (the default), first-order and total Sobol' indices (Saltelli design on a Sobol' sequence, N(d + 2) " +
        'points for d parameters; Jansen total index) with bootstrap 95 % intervals; with --method morris, Morris elementary effects ' +
        '(μ*, μ, σ; r(d + 1) points for r = --samples trajectories), the cheap screen. Every design point runs --runs replications ' +
        'with the same seeds, and the indices are computed on their means; the share of each metric\'s variance that is Monte ' +
        'Carlo noise between replications is reported beside them. Writes an analysis folder: indices.csv (tidy), sweep.csv (the ' +
        'design with every replication\'s outputs), points.csv, summary.md/summary.json, manifest.json and the charts of the indices (charts/). When a design point ' +
        'fails, the folder is written without indices and the command exits 2 naming the failed points.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--param <path=lo:hi>', 'a value to vary, uniform on [lo, hi] (repeatable), e.g. --param classes.small.hazard=0.01:0.03', asParam)
    .option('--metric <name@month>', 'a metric at a month (t, YYYY-MM or end) to analyse (repeatable)', collect)
    .addOption(new Option('--method <method>', "sobol (Sobol' indices) or morris (elementary effects)").choices(['sobol', 'morris']).default('sobol'))
    .option('--samples <n>', `N: Sobol' base samples (a power of two is best; default ${DEFAULT_SAMPLES.sobol}) or Morris trajectories (default ${DEFAULT_SAMPLES.morris})`, positiveInteger('--samples', 100_000))
    .option('--runs <n>', `replications at every design point, averaged (at least 2; default ${DEFAULT_RUNS})`, positiveInteger('--runs', 100_000), DEFAULT_RUNS)
    .option('--seed <seed>', "random seed of the runs, the bootstrap and the Morris trajectories (default: the scenario's `seed`)", parseSeed)
    .option('--months <n>', "months to simulate (default: the scenario's `months`)", positiveInteger('--months', 1200))
    .option('--out <dir>', 'analysis folder (default: results/sensitivity-<scenario file name>)')
    .option('--force', 'replace an existing analysis folder (only once the new one is complete; never a folder that is not an analysis)')
    .option('--resume', 'finish an interrupted analysis (<out>.partial) of the same scenario, design and flags, without running its finished points again')
    .option('--workers <n>', 'worker threads, at most 4 × the cores (default: the number of cores; 1 runs on the main thread)', parseWorkers)
    .option('--shard <k/n>', 'run only shard k of n of the design points (a contiguous block) into a shard folder (default: <out>-shard-<k>-of-<n>); `shakeout merge` joins the n shards into the analysis folder', parseShardFlag)
    .option('--no-charts', 'do not draw the charts (<out>/charts: a bar chart of the indices of each metric, S1 and ST with their 95 % intervals, or Morris μ* and σ)')
    .option('--quiet', 'no progress bar or summary on stderr')
    .option('--json', 'print summary.json on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ shakeout sensitivity scenarios/minimal.yaml --param classes.small.hazard=0.005:0.03 \\\n' +
        '      --param providers.budget.price=0.3:1 --metric startups.alive@end --samples 32 --runs 4\n' +
        '  $ shakeout sensitivity scenarios/china-2024-openai-exit.yaml --method morris --samples 20 \\\n' +
        '      --param events.zhipu-migration.campaign.grant=50:300 --param classes.small.switchCost.median=5000:40000 \\\n' +
        '      --metric hhi.tokens@end\n',
    )
    .action(async (file: string, options: SensitivityOptions) => {
      const parameters = options.param ?? [];
      if (parameters.length === 0) throw new UsageError('sensitivity needs at least one --param <path>=<lo>:<hi>');
      if (!options.metric?.length) throw new UsageError('sensitivity needs at least one --metric <name>@<month|end>, e.g. --metric hhi.tokens@end');
      const method = options.method;
      const samples = options.samples ?? DEFAULT_SAMPLES[method];
      const loaded = loadScenario(file);
      const scenario = applyFlags(loaded.scenario, { runs: options.runs, seed: options.seed, months: options.months });
      for (const p of parameters) resolveValuePath(scenario, p.path, `--param ${p.path}`);
      const plan = sensitivityPlan(parameters, { method, samples, runs: scenario.runs, seed: scenario.seed });
      const wanted = options.workers ?? defaultWorkers();
      assertResources(scenario, { workers: Math.min(wanted, scenario.runs), file });
      const compiled = compile(scenario);
      assertExpectationsLocated(compiled, loaded.locate);
      const cells = sweepCells(compiled, options.metric);
      const points = designSize(method, parameters.length, samples);
      if (options.shard) return await sensitivityShard(file, scenario, plan, cells, compiled, options, options.shard, wanted);
      const out = options.out ?? defaultOut(file);
      if (!options.quiet)
        process.stderr.write(
          `${method === 'sobol' ? `Saltelli design, N = ${samples}` : `Morris design, ${samples} trajectories`} over ${parameters.length} parameter${parameters.length === 1 ? '' : 's'}: ` +
            `${points} points × ${scenario.runs} runs = ${points * scenario.runs} runs of ${compiled.months} months\n`,
        );
      const stop = stopOnSignals();
      const executor = replicationExecutor({ workers: wanted, start: earlyWorkers(wanted, scenario.runs) });
      try {
        noteOversubscription(Math.min(wanted, scenario.runs), options.quiet);
        const progress = createProgress(`analysing ${printable(basename(file), 60)}`, { quiet: !!options.quiet, total: points });
        const began = performance.now();
        const written = await writeSensitivity(scenario, plan, cells, {
          out,
          force: !!options.force,
          resume: !!options.resume,
          signal: stop.signal,
          executor,
          scenarioFile: file,
          onProgress: (done) => progress.update(done, points),
        }).catch((e: unknown) => progress.fail(e));
        const seconds = ((performance.now() - began) / 1000).toFixed(1);
        const result = written.analysis;
        if (result && !result.computed) {
          const first = written.summary.points.find((p) => p.status === 'failed')?.error ?? '';
          progress.fail(new UsageError(indicesRefused(out, result.failedPoints, points, first)));
        }
        progress.finish(
          written.alreadyComplete ? `${out} is already complete: nothing to resume` : `wrote ${out}: ${points} points × ${scenario.runs} runs of ${compiled.months} months in ${seconds} s`,
        );
        if (!options.quiet && result) process.stderr.write(indexLines(result).join('\n') + '\n');
        if (options.charts && !written.alreadyComplete) await drawAfterRun(out, out, stop.signal, !!options.quiet);
        if (options.json && result) process.stdout.write(JSON.stringify({ ...written.summary, sensitivity: result }, null, 2) + '\n');
      } finally {
        stop.dispose();
        await executor.close();
      }
    });
}

/** `sensitivity --shard k/n`: the shard's block of design points into a shard folder (the indices are the merge's). */
async function sensitivityShard(
  file: string,
  scenario: Scenario,
  plan: SensitivityPlan,
  cells: SweepCell[],
  compiled: CompiledScenario,
  options: SensitivityOptions,
  shard: Shard,
  wanted: number,
): Promise<void> {
  const out = options.out ?? shardOut(defaultOut(file), shard);
  const stop = stopOnSignals();
  const executor = replicationExecutor({ workers: wanted, start: earlyWorkers(wanted, scenario.runs) });
  try {
    noteOversubscription(Math.min(wanted, scenario.runs), options.quiet);
    const progress = createProgress(`analysing shard ${shard.index}/${shard.count} of ${printable(basename(file), 60)}`, { quiet: !!options.quiet, total: 1 });
    const began = performance.now();
    const written = await writeSweepShard(scenario, plan.design, cells, compiled, {
      out,
      shard,
      force: !!options.force,
      resume: !!options.resume,
      signal: stop.signal,
      executor,
      scenarioFile: file,
      analysis: plan.record,
      onProgress: (done, total) => progress.update(done, total),
    }).catch((e: unknown) => progress.fail(e));
    progress.finish(shardLine(out, written, 'points', ((performance.now() - began) / 1000).toFixed(1)));
    if (options.json) process.stdout.write(JSON.stringify(written.manifest.shard, null, 2) + '\n');
  } finally {
    stop.dispose();
    await executor.close();
  }
}

/** Each metric's indices, one line per parameter, and its noise share. */
function indexLines(s: SensitivitySummary): string[] {
  const lines: string[] = [];
  const width = Math.min(60, Math.max(...s.parameters.map((p) => printable(p.path, 60).length)));
  for (const m of s.metrics) {
    lines.push(`  ${printable(m.metric, 80)} at ${m.date}: noise is ${percent(m.noise.share)} of one run's variance, ${percent(m.noise.shareOfMeans)} of the point means'${m.noise.shareOfMeans > NOISY ? ' (too noisy to trust the indices: raise --runs)' : ''}`);
    for (const p of s.parameters) {
      const at = (i: string) => m.indices.find((r) => r.parameter === p.path && r.index === i)!;
      const shown =
        s.method === 'sobol'
          ? (['S1', 'ST'] as const).map((i) => `${i} ${readableNumber(at(i).value)} [${readableNumber(at(i).ciLow)}, ${readableNumber(at(i).ciHigh)}]`).join('  ')
          : `μ* ${readableNumber(at('mu_star').value)}  μ ${readableNumber(at('mu').value)}  σ ${readableNumber(at('sigma').value)}`;
      lines.push(`    ${printable(p.path, 60).padEnd(width)}  ${shown}`);
    }
  }
  return lines;
}
