import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { runEnsemble } from '../../ensemble/ensemble.js';
import { assertExpectationsLocated, evaluateExpectations, resolveExpectations } from '../../ensemble/expectations.js';
import type { ExpectationResult, Verdict } from '../../output/result-types.js';
import { UsageError } from '../../errors.js';
import { compile } from '../../model/compile.js';
import { MANIFEST_FILE } from '../../output/manifest.js';
import { readSummary } from '../../output/read-folder.js';
import { printable } from '../../printable.js';
import { loadChecked } from '../load.js';
import { withSource } from '../source-of-error.js';
import { expectationLines } from '../expectations-table.js';
import { applyFlags, noteOversubscription, parseSeed, parseSet, parseWorkers, positiveInteger, type ScenarioFlags } from '../overrides.js';
import { createProgress } from '../progress.js';
import { defaultWorkers, replicationExecutor } from '../../ensemble/worker-pool.js';
import type { ReplicationExecutor } from '../../ensemble/executor.js';

interface CheckOptions extends ScenarioFlags {
  workers?: number;
  quiet?: boolean;
  json?: boolean;
  strict?: boolean;
}

/** Scenario files directly in a folder (not its subfolders), in name order. */
export function scenarioFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('.schema.json'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * The scenario files of a folder named on the command line; none is bad
 * input, not a pass: a CI gate pointed at the wrong folder must fail.
 */
export function folderScenarioFiles(dir: string): string[] {
  const files = scenarioFiles(dir);
  if (files.length === 0) throw new UsageError(noScenarioFiles(dir));
  return files;
}

export const noScenarioFiles = (dir: string) => `no scenario files in ${printable(dir)} (.yaml, .yml or .json)`;

async function checkScenario(file: string, options: CheckOptions, executor: ReplicationExecutor): Promise<ExpectationResult[]> {
  const loaded = loadChecked(file);
  const compiled = compile(applyFlags(loaded.scenario, options));
  assertExpectationsLocated(compiled, loaded.locate);
  const resolved = resolveExpectations(compiled);
  if (resolved.length === 0) return [];
  const scratch = mkdtempSync(join(tmpdir(), 'shakeout-check-'));
  const progress = createProgress(`checking ${printable(basename(file), 60)}`, { quiet: !!options.quiet, total: compiled.scenario.runs });
  try {
    const runs = compiled.scenario.runs;
    noteOversubscription(Math.min(options.workers ?? defaultWorkers(), runs), options.quiet);
    const store = await runEnsemble(compiled, {
      runs,
      dir: scratch,
      onProgress: (done, total) => progress.update(done, total),
      executor,
    }).catch((e: unknown) => progress.fail(withSource(e, loaded.locate)));
    progress.finish(`${printable(file)}: ${compiled.scenario.runs} runs`);
    const columns = await store.cells(resolved.map((r) => r.cell));
    return evaluateExpectations(resolved, () => columns);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Whether a verdict makes `check` exit 1: a FAIL, or with `strict` an INCONCLUSIVE too. */
function failsCheck(verdict: Verdict, strict: boolean): boolean {
  return verdict === 'FAIL' || (strict && verdict === 'INCONCLUSIVE');
}

function readVerdicts(dir: string): ExpectationResult[] {
  return readSummary(dir).expectations;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .summary("test a scenario's expectations; exit 1 when one fails")
    .description(
      "Run a scenario (or every scenario in a folder) and test its `expect:` claims over the replications, or read the " +
        'verdicts of an existing result folder. Prints each with the fraction of runs in which it holds, its 95 % Wilson ' +
        'interval and a verdict: PASS when the whole interval is at or above the required `probability`, FAIL when it is ' +
        'wholly below, INCONCLUSIVE when it straddles it. An INCONCLUSIVE verdict says about how many runs in all would ' +
        'likely settle it: the count at which the interval would exclude the required probability in 4 ensembles out of 5 ' +
        'if the true fraction were the one observed (none when the two are equal). Exit codes: 0 when none fails (an ' +
        'INCONCLUSIVE verdict does not fail, unless --strict); 1 on a FAIL, or with --strict on an INCONCLUSIVE; 2 bad input.',
    )
    .argument('<target>', 'a scenario file, a folder of scenario files, or a result folder')
    .option('--runs <n>', "replications (default: the scenario's `runs`)", positiveInteger('--runs'))
    .option('--seed <seed>', "random seed (default: the scenario's `seed`)", parseSeed)
    .option('--months <n>', "months to simulate (default: the scenario's `months`)", positiveInteger('--months', 1200))
    .option('--set <path=value>', 'change one numeric value of the scenario (repeatable), e.g. --set providers.zhipu.price=0.5 or --set "classes.small.hazard=0.02"', parseSet)
    .option('--workers <n>', 'worker threads, at most 4 × the cores (default: the number of cores; 1 runs on the main thread)', parseWorkers)
    .option('--strict', 'exit 1 on an INCONCLUSIVE verdict too, not only on a FAIL')
    .option('--quiet', 'print only the verdicts that are not PASS, no progress')
    .option('--json', 'print the verdicts as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  $ shakeout check scenarios/china-2024-openai-exit.yaml --runs 200\n  $ shakeout check results/china-2024-openai-exit\n  $ shakeout check scenarios --strict --quiet\n')
    .action(async (target: string, options: CheckOptions) => {
      if (!existsSync(target)) throw new UsageError(`${printable(target)}: no such file or folder`);
      const isDir = statSync(target).isDirectory();
      const files = isDir && !existsSync(join(target, MANIFEST_FILE)) ? folderScenarioFiles(target) : [target];
      const report: { target: string; expectations: ExpectationResult[] }[] = [];
      // One executor for every scenario of a folder: its workers start once.
      const executor = replicationExecutor({ workers: options.workers });
      try {
        for (const file of files) {
          const verdicts = isDir && files[0] === target ? readVerdicts(target) : await checkScenario(file, options, executor);
          report.push({ target: file, expectations: verdicts });
          const shown = options.quiet ? verdicts.filter((v) => v.verdict !== 'PASS') : verdicts;
          if (shown.length > 0 || !options.quiet) process.stderr.write([`${printable(file)}:`, ...expectationLines(shown)].join('\n') + '\n');
        }
      } finally {
        await executor.close();
      }
      if (options.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      if (report.some((r) => r.expectations.some((e) => failsCheck(e.verdict, !!options.strict)))) process.exitCode = 1;
    });
}
