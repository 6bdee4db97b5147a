import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { assertExpectationsLocated } from '../../ensemble/expectations.js';
import { ScenarioError } from '../../errors.js';
import { compile } from '../../model/compile.js';
import { loadScenario } from '../../scenario/load.js';
import { printable } from '../../printable.js';
import { folderScenarioFiles } from './check.js';
import { compileBaselines } from '../baselines.js';

/** Loads, checks and compiles one scenario without running it; returns a one-line description. */
export function validateScenario(file: string): string {
  const loaded = loadScenario(file);
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
    .addHelpText('after', '\nExample:\n  $ shakeout validate scenarios/\n')
    .action((targets: string[]) => {
      const files = targets.flatMap((t) => (statSync(t, { throwIfNoEntry: false })?.isDirectory() ? folderScenarioFiles(t) : [t]));
      const problems: ScenarioError[] = [];
      for (const file of files) {
        try {
          process.stderr.write(validateScenario(file) + '\n');
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          problems.push(e);
        }
      }
      if (problems.length > 0) throw new ScenarioError(problems.flatMap((p) => p.diagnostics));
    });
}
