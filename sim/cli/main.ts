#!/usr/bin/env node
/**
 * The `shakeout` command line: parse, call the library, write. Errors from
 * bad input become one line each on stderr with exit code 2 (a stack trace
 * only with --debug); `check` exits 1 when an expectation fails.
 */
import { Command, CommanderError } from 'commander';
import { diagnosticsOf, InterruptedError, ModelError, ScenarioError, UsageError } from '../errors.js';
import { shakeoutVersion } from '../output/manifest.js';
import { registerCalibrate } from './commands/calibrate.js';
import { registerChart } from './commands/chart.js';
import { registerCheck } from './commands/check.js';
import { registerCompare } from './commands/compare.js';
import { registerSensitivity } from './commands/sensitivity.js';
import { registerSweep } from './commands/sweep.js';
import { registerInit } from './commands/init.js';
import { registerMerge } from './commands/merge.js';
import { registerMetrics } from './commands/metrics.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerValidate } from './commands/validate.js';
import { stackFrames } from './debug.js';
import { printableLines } from '../printable.js';
import { exitCodeFor } from './signals.js';

export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 3;

function program(): Command {
  const p = new Command('shakeout')
    .description('Agent-based simulation of AI-platform market consolidation: who survives when a provider leaves.')
    .version(shakeoutVersion())
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();
  registerRun(p);
  registerCheck(p);
  registerCompare(p);
  registerSweep(p);
  registerInit(p);
  registerSensitivity(p);
  registerCalibrate(p);
  registerMerge(p);
  registerValidate(p);
  registerChart(p);
  registerReport(p);
  registerMetrics(p);
  p.commands.forEach((c) => c.exitOverride().showHelpAfterError('(run with --help for usage)'));
  return p;
}

/** With --debug, after the message (printed once): where the error was thrown. */
function writeFrames(e: Error): void {
  const frames = stackFrames(e);
  if (frames) process.stderr.write(`${frames}\n`);
}

async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  try {
    await program().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed its message; --help and --version end with code 0.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    if (e instanceof InterruptedError) {
      // What was finished is kept; the message says how to resume.
      process.stderr.write(`${e.message}\n`);
      process.exitCode = exitCodeFor(e.signal);
      return;
    }
    if (e instanceof ScenarioError || e instanceof UsageError || e instanceof ModelError) {
      // The last guard: whatever file text a message quotes, no escape sequence reaches the terminal.
      process.stderr.write(`${printableLines(e.message)}\n`);
      // With --json, the problems as data too (docs/errors.md): code, file, line, path, message.
      if (argv.includes('--json')) process.stdout.write(JSON.stringify({ problems: diagnosticsOf(e) }, null, 2) + '\n');
      if (debug) writeFrames(e);
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    const error = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`internal error: ${printableLines(error.message)}\n`);
    if (debug) writeFrames(error);
    else process.stderr.write('This is a bug in shakeout; run again with --debug for the details and report them.\n');
    process.exitCode = EXIT_INTERNAL;
  }
}

await main(process.argv);
