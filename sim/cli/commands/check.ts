import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { runEnsemble } from '../../ensemble/ensemble.js';
import { assertExpectationsLocated, evaluateExpectations, inScenarioOrder, resolveExpectations, type ResolvedExpectation } from '../../ensemble/expectations.js';
import { evaluateRelative, type CompiledBaseline } from '../../ensemble/relative.js';
import { compileBaselines, distinctBaselines } from '../baselines.js';
import { findScenarios, MAX_FIND_FILES } from '../../scenario/find.js';
import type { CompiledScenario } from '../../model/compile.js';
import { ModelError, ScenarioError } from '../../errors.js';
import type { ExpectationResult, Verdict } from '../../output/result-types.js';
import { UsageError } from '../../errors.js';
import { compile } from '../../model/compile.js';
import { MANIFEST_FILE } from '../../output/manifest.js';
import { readSummary } from '../../output/read-folder.js';
import { printable } from '../../printable.js';
import { grouped } from '../../grouped.js';
import { loadChecked } from '../load.js';
import { withSource } from '../source-of-error.js';
import { expectationLines, verdictTable } from '../expectations-table.js';
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
const tooManyFiles = (dir: string, max: number) =>
  `${printable(dir)} holds more than ${grouped(max)} files: name the folder of the scenarios (e.g. scenarios/)`;
const NO_EXPECTATIONS = 'no expectations';
/** ", and 200 runs of 1 baseline" after the runs of a scenario. */
export const baselineRuns = (baselines: number, runs: number) =>
  baselines === 0 ? '' : `, and ${runs} runs of ${baselines === 1 ? 'its baseline' : `each of ${baselines} baselines`}`;

/** A scenario ready to run: loaded, compiled with the flags, its expectations and baselines located. */
interface Prepared {
  file: string;
  loaded: ReturnType<typeof loadChecked>;
  compiled: CompiledScenario;
  resolved: ResolvedExpectation[];
  baselines: Map<number, CompiledBaseline>;
}

/** Loads and checks a scenario without running it. @throws ScenarioError, UsageError, ModelError */
function prepare(file: string, options: CheckOptions): Prepared {
  const loaded = loadChecked(file);
  const compiled = compile(applyFlags(loaded.scenario, options));
  assertExpectationsLocated(compiled, loaded.locate);
  const baselines = compileBaselines(loaded, file, compiled, options);
  return { file, loaded, compiled, resolved: resolveExpectations(compiled), baselines };
}

async function checkScenario(p: Prepared, options: CheckOptions, executor: ReplicationExecutor): Promise<ExpectationResult[]> {
  const { file, loaded, compiled, resolved, baselines } = p;
  if (compiled.scenario.expect.length === 0) return [];
  const scratch = mkdtempSync(join(tmpdir(), 'shakeout-check-'));
  const runs = compiled.scenario.runs;
  const extra = distinctBaselines(baselines);
  const total = runs * (1 + extra.length);
  const progress = createProgress(`checking ${printable(basename(file), 60)}`, { quiet: !!options.quiet, total });
  try {
    noteOversubscription(Math.min(options.workers ?? defaultWorkers(), runs), options.quiet);
    const store = await runEnsemble(compiled, {
      runs,
      dir: scratch,
      onProgress: (done) => progress.update(done, total),
      executor,
    }).catch((e: unknown) => progress.fail(withSource(e, loaded.locate)));
    const columns = await store.cells(resolved.map((r) => r.cell));
    const relative = await evaluateRelative(compiled, baselines, store, {
      executor,
      onProgress: (key, done) => progress.update(runs * (1 + extra.indexOf(key)) + done, total),
    }).catch((e: unknown) => progress.fail(e));
    progress.finish(`${printable(file)}: ${runs} runs${baselineRuns(extra.length, runs)}`);
    return inScenarioOrder(evaluateExpectations(resolved, () => columns), resolved, relative);
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
      "Run a scenario (or every scenario under a folder, subfolders too) and test its `expect:` claims over the replications, or read the " +
        'verdicts of an existing result folder. Prints each with the fraction of runs in which it holds, its 95 % Wilson ' +
        'interval and a verdict: PASS when the whole interval is at or above the required `probability`, FAIL when it is ' +
        'wholly below, INCONCLUSIVE when it straddles it. An INCONCLUSIVE verdict says about how many runs in all would ' +
        'likely settle it: the count at which the interval would exclude the required probability in 4 ensembles out of 5 ' +
        'if the true fraction were the one observed (none when the two are equal). A relative claim (`baseline:` with `ratio:` ' +
        'or `difference:`) runs its baseline too, with the same runs, seed, months and --set changes, and is counted over the ' +
        'paired runs. Given a folder, every scenario is checked before any runs, one table shows all the verdicts, and JSON ' +
        'Schemas, other data and scenarios without expectations are listed as skipped. Exit codes: 0 when none fails (an ' +
        'INCONCLUSIVE verdict does not fail, unless --strict); 1 on a FAIL, or with --strict on an INCONCLUSIVE; 2 bad input.',
    )
    .argument('<target>', 'a scenario file, a folder of scenario files (subfolders too), or a result folder')
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
      if (isDir && existsSync(join(target, MANIFEST_FILE))) return reportVerdicts([{ target, expectations: readVerdicts(target) }], [], options, false);
      // A folder: every scenario under it is loaded and checked before any runs, and all the invalid ones are reported.
      const prepared = isDir ? prepareFolder(target, options) : { ready: [prepare(target, options)], skipped: [] };
      const report: CheckReport[] = [];
      // One executor for every scenario of a folder: its workers start once.
      const executor = replicationExecutor({ workers: options.workers });
      try {
        for (const p of prepared.ready) report.push({ target: p.file, expectations: await checkScenario(p, options, executor) });
      } finally {
        await executor.close();
      }
      reportVerdicts(report, prepared.skipped, options, isDir);
    });
}

interface CheckReport {
  target: string;
  expectations: ExpectationResult[];
  /** A folder's file that was not checked, and why. */
  skipped?: string;
}

/** The scenarios under `dir` that state expectations, checked; the others as skipped. @throws UsageError naming every invalid scenario */
function prepareFolder(dir: string, options: CheckOptions): { ready: Prepared[]; skipped: { file: string; reason: string }[] } {
  const found = findScenarios(dir);
  if (found.truncated) throw new UsageError(tooManyFiles(dir, MAX_FIND_FILES));
  if (found.scenarios.length === 0) throw new UsageError(noScenarioFiles(dir));
  const ready: Prepared[] = [];
  const skipped = [...found.skipped];
  const invalid: string[] = [];
  for (const file of found.scenarios) {
    try {
      const p = prepare(file, options);
      if (p.compiled.scenario.expect.length === 0) skipped.push({ file, reason: NO_EXPECTATIONS });
      else ready.push(p);
    } catch (e) {
      if (!(e instanceof ScenarioError || e instanceof UsageError || e instanceof ModelError)) throw e;
      invalid.push(e instanceof ScenarioError ? e.message : `${printable(file)}: ${e.message}`);
    }
  }
  if (invalid.length > 0) throw new UsageError(invalid.join('\n'));
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { ready, skipped };
}

/** Prints the verdicts (one table for a folder), the skipped files and --json; sets exit code 1 on a failing verdict. */
function reportVerdicts(report: CheckReport[], skipped: { file: string; reason: string }[], options: CheckOptions, folder: boolean): void {
  const shownOf = (v: ExpectationResult[]) => (options.quiet ? v.filter((e) => e.verdict !== 'PASS') : v);
  if (folder) {
    const lines = verdictTable(report.map((r) => ({ scenario: r.target, results: shownOf(r.expectations) })));
    if (lines.length > 0) process.stderr.write(lines.join('\n') + '\n');
    if (!options.quiet && skipped.length > 0)
      process.stderr.write(['skipped:', ...skipped.map((s) => `  ${printable(s.file)}: ${s.reason}`)].join('\n') + '\n');
  } else
    for (const r of report) {
      const shown = shownOf(r.expectations);
      if (shown.length > 0 || !options.quiet) process.stderr.write([`${printable(r.target)}:`, ...expectationLines(shown)].join('\n') + '\n');
    }
  const all: CheckReport[] = [...report, ...skipped.map((s) => ({ target: s.file, expectations: [], skipped: s.reason }))];
  if (options.json) process.stdout.write(JSON.stringify(all, null, 2) + '\n');
  if (report.some((r) => r.expectations.some((e) => failsCheck(e.verdict, !!options.strict)))) process.exitCode = 1;
}
