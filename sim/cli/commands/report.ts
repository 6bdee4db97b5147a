import type { Command } from 'commander';
import { fileSystemError } from '../../output/fs-error.js';
import { parseList } from '../../../viz/options.js';

interface ReportFlags {
  out?: string;
  metric?: string[];
  quiet?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerReport(program: Command): void {
  program
    .command('report')
    .summary('write one self-contained HTML page of a result folder')
    .description(
      'Write <results>/report.html: the charts (drawn in the browser by vega, vega-lite and vega-embed, inlined), the ' +
        'summary, the expectation verdicts and the manifest, in one file that needs no network: open it in a browser, ' +
        'attach it to an e-mail, or print it. For a comparison or sweep folder: its charts, its headline tables or its ' +
        'points, and its manifest.',
    )
    .argument('<results>', 'a result folder (`shakeout run`), a comparison folder (`shakeout compare`) or a sweep folder (`shakeout sweep`)')
    .option('--out <file>', 'where to write the page (default: <results>/report.html)')
    .option('--metric <list>', 'metrics and per-provider families to chart, as for `shakeout chart` (default: hhi.tokens and share.tokens)', collect)
    .option('--quiet', 'print nothing on stderr')
    .addHelpText('after', '\nExamples:\n  $ shakeout report results/china-2024-openai-exit\n  $ shakeout report results/minimal --out minimal-report.html\n')
    .action(async (results: string, flags: ReportFlags) => {
      const { writeReport, REPORT_FILE } = await import('../../../viz/report.js');
      const out = flags.out ?? `${results.replace(/\/+$/, '')}/${REPORT_FILE}`;
      try {
        writeReport(results, out, { metrics: parseList(flags.metric) });
      } catch (e) {
        throw fileSystemError(e, out);
      }
      if (!flags.quiet) process.stderr.write(`wrote ${out}\n`);
    });
}
