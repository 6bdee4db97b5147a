import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { assertExpectationsLocated } from '../../ensemble/expectations.js';
import { type Diagnostic, ScenarioError } from '../../errors.js';
import { compile } from '../../model/compile.js';
import { loadChecked } from '../load.js';
import { printable, printableLines } from '../../printable.js';
import { folderScenarioFiles } from './check.js';
import { compileBaselines } from '../baselines.js';

/** Loads, checks and compiles one scenario without running it; returns a one-line description. */
export function validateScenario(file: string): string {
  const loaded = loadChecked(file);
  const { scenario, locate } = loaded;
  const compiled = compile(scenario);
  assertExpectationsLocated(compiled, locate);
  // Relative expectations: each baseline loads, compiles and records the metric compared.
  compileBaselines(loaded, file, compiled, {});
  const counts = [
    counted(compiled.providers.length, 'provider'),
    counted(compiled.classes.ids.length, 'class', 'classes'),
    counted(scenario.events.length, 'event'),
    counted(scenario.expect.length, 'expectation'),
    counted(compiled.metricNames.length, 'metric'),
  ];
  return `${printable(file)}: ok (${counts.join(', ')})`;
}

/** `1 event`, `0 events`, `2 classes`. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .summary('check scenario files without running them')
    .description(
      'Check scenario files against the schema and the model\'s rules (ids, shares, dates, expressions, set paths, ' +
        'expectation metrics) and report every problem as file:line: path: message. Exit 2 when any is found.',
    )
    .argument('<scenarios...>', 'scenario files or folders of them')
    .option('--json', 'print each file and its problems (code, file, line, path, message) as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ shakeout validate scenarios/\n')
    .action((targets: string[], options: { json?: boolean }) => {
      const files = targets.flatMap((t) => (statSync(t, { throwIfNoEntry: false })?.isDirectory() ? folderScenarioFiles(t) : [t]));
      const problems: ScenarioError[] = [];
      const report: { file: string; ok: boolean; problems: readonly Diagnostic[] }[] = [];
      for (const file of files) {
        try {
          process.stderr.write(validateScenario(file) + '\n');
          report.push({ file, ok: true, problems: [] });
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          problems.push(e);
          report.push({ file, ok: false, problems: e.diagnostics });
        }
      }
      if (!options.json) {
        if (problems.length > 0) throw new ScenarioError(problems.flatMap((p) => p.diagnostics));
        return;
      }
      process.stdout.write(JSON.stringify({ files: report }, null, 2) + '\n');
      if (problems.length > 0) {
        process.stderr.write(problems.map((p) => printableLines(p.message)).join('\n') + '\n');
        process.exitCode = 2; // bad input, as main.ts exits for a thrown ScenarioError
      }
    });
}
