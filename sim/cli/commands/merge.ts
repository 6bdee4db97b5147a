import type { Command } from 'commander';
import { mergeShards } from '../../ensemble/merge.js';
import { indicesRefused } from '../../ensemble/messages.js';
import { UsageError } from '../../errors.js';
import { stopOnSignals } from '../signals.js';
import { drawAfterRun } from './run.js';

interface MergeFlags {
  out: string;
  force?: boolean;
  charts: boolean;
  quiet?: boolean;
  json?: boolean;
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .summary('join the shards of a run, sweep, sensitivity analysis or comparison (--shard k/n) into its folder')
    .description(
      'Join the n shard folders that `run`, `sweep`, `sensitivity` or `compare` wrote with --shard k/n (on n machines, or as the ' +
        'tasks of a cluster job: docs/cluster.md) into the folder one process would have written: the same bytes in every file but ' +
        "the manifest's command, time and duration. The shards must belong together (the same command, scenario, design, seed, " +
        'runs, months, shard count and shakeout version; each shard once, none missing): each problem is one line, exit 2. ' +
        'The shard folders are only read. Then the aggregation, tables, summaries and charts are made as the one-process command makes them.',
    )
    .argument('<shards...>', 'the shard folders, in any order')
    .requiredOption('--out <dir>', 'the folder to write (a result, sweep, sensitivity analysis or comparison folder)')
    .option('--force', 'replace an existing folder of the same kind (only once the new one is complete; never anything else)')
    .option('--no-charts', 'do not draw the charts; `shakeout chart` draws them later')
    .option('--quiet', 'no summary line on stderr')
    .option('--json', 'print summary.json on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ shakeout sweep scenarios/minimal.yaml --set classes.small.hazard=0.01,0.02,0.03 --shard 1/2 --out shards/1\n' +
        '  $ shakeout sweep scenarios/minimal.yaml --set classes.small.hazard=0.01,0.02,0.03 --shard 2/2 --out shards/2\n' +
        '  $ shakeout merge shards/1 shards/2 --out results/sweep-minimal\n',
    )
    .action(async (dirs: string[], flags: MergeFlags) => {
      const stop = stopOnSignals();
      try {
        const began = performance.now();
        const merged = await mergeShards(dirs, { out: flags.out, force: !!flags.force, signal: stop.signal });
        const seconds = ((performance.now() - began) / 1000).toFixed(1);
        const what = { run: 'result folder', sweep: 'sweep', sensitivity: 'sensitivity analysis', compare: 'comparison' }[merged.kind];
        if (!flags.quiet) process.stderr.write(`merged ${merged.shards} shard${merged.shards === 1 ? '' : 's'} into the ${what} ${flags.out} in ${seconds} s\n`);
        // As `sensitivity` does: without indices (a design point failed), the folder is written and the merge exits 2.
        const analysis = merged.kind === 'sensitivity' ? merged.written.analysis : undefined;
        if (merged.kind === 'sensitivity' && analysis && !analysis.computed) {
          const first = merged.written.summary.points.find((p) => p.status === 'failed')?.error ?? '';
          throw new UsageError(indicesRefused(flags.out, analysis.failedPoints, analysis.designPoints, first));
        }
        // The charts the one-process command draws.
        if (flags.charts) await drawAfterRun(merged.written.dir, flags.out, stop.signal, !!flags.quiet);
        if (flags.json) process.stdout.write(JSON.stringify(analysis ? { ...merged.written.summary, sensitivity: analysis } : merged.written.summary, null, 2) + '\n');
      } finally {
        stop.dispose();
      }
    });
}
