import { join } from 'node:path';
import type { Command } from 'commander';
import { assertNoLinkInside } from '../../output/folder-writer.js';
import { fileSystemError } from '../../output/fs-error.js';
import { chartsOf } from '../../../viz/charts/index.js';
import { chartsInterrupted } from '../../../viz/messages.js';
import { InterruptedError } from '../../errors.js';
import { commandLine } from '../../output/messages.js';
import { stopOnSignals } from '../signals.js';
import { CHART_FORMATS, parseFormats, parseList, parseScale, parseWidth } from '../../../viz/options.js';

interface ChartFlags {
  format?: string[];
  metric?: string[];
  only?: string[];
  width?: string;
  scale?: string;
  out?: string;
  quiet?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerChart(program: Command): void {
  program
    .command('chart')
    .summary("draw a result folder's charts (SVG, PNG, PDF)")
    .description(
      'Draw the standard charts of a result folder into <results>/charts/: HHI over time with the merger-guideline ' +
        'thresholds, provider shares, survival of the starting cohort by class, deaths by cause, switching flows and ' +
        'active providers, and any metric --metric names. Each chart is written as its vega-lite spec (<name>.vl.json, to restyle) and in the formats asked for. ' +
        'A comparison folder gets the scenarios overlaid with their bands, the paired differences over time and a forest plot ' +
        'of the headline measures; a sweep folder each metric against its parameter (a heatmap for two, a panel per parameter ' +
        'for a Latin hypercube); a sensitivity analysis a bar chart of each metric\'s indices (S1 and ST with their 95 % intervals, or Morris μ* and σ). Charts are sized for print: --width 3.5 (inches) is one column of a two-column paper.',
    )
    .argument('<results>', 'a result folder (`shakeout run`), a comparison folder (`shakeout compare`), a sweep folder (`shakeout sweep`) or a sensitivity analysis (`shakeout sensitivity`)')
    .option('--format <list>', 'svg, png, pdf, comma-separated or repeated (default: all three)', collect)
    .option(
      '--metric <list>',
      'metrics to chart, as named in timeseries.csv (hhi.customers, cr1.tokens, startups.alive, …), or a per-provider family (share.customers, provider.cash): an HHI gets the HHI chart, a family one panel per provider, any other metric its mean and 90 % band (default: hhi.tokens and share.tokens)',
      collect,
    )
    .option('--only <list>', 'charts to draw: hhi, shares, survival, deaths, flows, providers, metric (the --metric charts) (default: all)', collect)
    .option('--width <width>', 'chart width: inches (3.5), or with a unit: 3.5in, 89mm, 8.9cm, 252pt (default: 3.5)')
    .option('--scale <n>', 'PNG pixels per point: 4 gives 288 dpi at the chart width, 4.17 gives 300 dpi (default: 4)')
    .option('--out <dir>', 'folder for the charts (default: <results>/charts)')
    .option('--quiet', 'print nothing on stderr')
    .option('--json', 'print the files written, as JSON, on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ shakeout chart results/china-2024-openai-exit\n' +
        '  $ shakeout chart results/china-2024-openai-exit --format pdf --width 7in --metric hhi.customers,hhi.tokens\n' +
        '  $ shakeout chart results/china-2024-openai-exit --only metric --metric cr1.tokens,provider.cash\n',
    )
    .action(async (results: string, flags: ChartFlags) => {
      // Every check before the renderers (and vega) load, so bad input fails fast.
      const formats = flags.format ? parseFormats(flags.format) : [...CHART_FORMATS];
      const scale = flags.scale === undefined ? undefined : parseScale(flags.scale);
      const width = flags.width === undefined ? undefined : parseWidth(flags.width);
      const charts = chartsOf(results, { metrics: parseList(flags.metric), only: parseList(flags.only), width });
      const { renderCharts, CHARTS_DIR } = await import('../../../viz/draw.js');
      const out = flags.out ?? join(results, CHARTS_DIR);
      // A received result folder may hold links (charts/ → elsewhere): never written through.
      assertNoLinkInside(results, out);
      // Ctrl-C, SIGTERM: stop between charts, every file written whole; a second signal exits at once.
      const stop = stopOnSignals();
      const drawn = await renderCharts(charts, out, { formats, scale, signal: stop.signal })
        .catch((e: unknown) => {
          if (!(e instanceof InterruptedError)) throw fileSystemError(e, out);
          const again = commandLine(['shakeout', ...process.argv.slice(2)]);
          throw new InterruptedError(chartsInterrupted(e.signal, e.done, e.runs, out, again, false), e.signal, e.done, e.runs);
        })
        .finally(stop.dispose);
      if (!flags.quiet) {
        const what = ['vl.json', ...formats].join(', ');
        process.stderr.write(`wrote ${drawn.length} chart${drawn.length === 1 ? '' : 's'} (${what}) to ${out}: ${drawn.map((d) => d.name).join(', ')}\n`);
      }
      if (flags.json) process.stdout.write(JSON.stringify(drawn.map((d) => ({ name: d.name, files: d.files })), null, 2) + '\n');
    });
}
