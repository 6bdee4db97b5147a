#!/usr/bin/env node
/**
 * The `shakeout` command line: parse, call the library, write. Errors from
 * bad input become one line each on stderr with exit code 2 (a stack trace
 * only with --debug); `check` exits 1 when an expectation fails.
 */
import { Command, CommanderError } from 'commander';
import { diagnosticsOf, InterruptedError, ModelError, ScenarioError, UsageError } from '../errors.js';
import { shakeoutVersion } from '../output/manifest.js';
import { stackFrames } from './debug.js';
import { printableLines } from '../printable.js';
import { exitCodeFor } from './signals.js';
import { asksOneReplication, keepYoungGenerationSmall } from './young-generation.js';

// One replication: V8's young generation keeps its first size (young-generation.ts), set before the commands load.
if (asksOneReplication(process.argv.slice(2))) keepYoungGenerationSmall();

export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 3;

type Register = (program: Command) => void;

/**
 * The subcommands in the order of `--help`, each loaded only when needed:
 * importing all twelve (the calibration, sensitivity, sweep and chart
 * modules among them) took about twice as long as importing `run`'s alone,
 * and every `shakeout run` paid it before its first replication.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  run: async () => (await import('./commands/run.js')).registerRun,
  check: async () => (await import('./commands/check.js')).registerCheck,
  compare: async () => (await import('./commands/compare.js')).registerCompare,
  sweep: async () => (await import('./commands/sweep.js')).registerSweep,
  init: async () => (await import('./commands/init.js')).registerInit,
  sensitivity: async () => (await import('./commands/sensitivity.js')).registerSensitivity,
  calibrate: async () => (await import('./commands/calibrate.js')).registerCalibrate,
  merge: async () => (await import('./commands/merge.js')).registerMerge,
  validate: async () => (await import('./commands/validate.js')).registerValidate,
  chart: async () => (await import('./commands/chart.js')).registerChart,
  report: async () => (await import('./commands/report.js')).registerReport,
  metrics: async () => (await import('./commands/metrics.js')).registerMetrics,
};

/**
 * The subcommand `argv` names: its first argument that is not an option (the
 * program's own options, `--debug`, `--help` and `--version`, take no value).
 * Any other word (`help`, a misspelt name, none) needs every command: for
 * the list in the help, or commander's "did you mean".
 */
function commandsFor(argv: readonly string[]): string[] {
  const word = argv.slice(2).find((a) => !a.startsWith('-'));
  return word !== undefined && Object.hasOwn(COMMANDS, word) ? [word] : Object.keys(COMMANDS);
}

async function program(argv: readonly string[]): Promise<Command> {
  const names = commandsFor(argv);
  const registers = await Promise.all(names.map((name) => COMMANDS[name]()));
  const p = new Command('shakeout')
    .description('Agent-based simulation of AI-platform market consolidation: who survives when a provider leaves.')
    .version(shakeoutVersion())
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();
  for (const register of registers) register(p);
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
    await (await program(argv)).parseAsync(argv);
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
