/**
 * User-facing messages of the ensemble: one line each, saying what is wrong
 * and how to fix it. Text from the scenario (expectation names, metrics,
 * the seed, expressions in a model's message) goes through printable() or
 * quote(): it can neither break a message over lines nor send the terminal
 * escape sequences.
 */
import { hasUnprintable, printable, quote } from '../printable.js';
import { grouped } from '../grouped.js';

/** An expectation's name in `expect.<name>`, safe and short. */
const expectationName = (name: string) => printable(name, 60);

/** An expectation's metric that the scenario does not record; the text after its location. */
/** The loader's message (scenario/messages.ts): an expectation checked before or after loading reads the same. */
export { unknownMetric as noSuchMetric } from '../scenario/messages.js';

/** An expectation's month outside the run; the text after its location. */
export function monthOutsideRun(at: string, first: string, last: string): string {
  return `${printable(at, 20)} is outside the run (${first} to ${last}); use a month in that range or "end"`;
}

/** Either of the above, named by the expectation (where no file and line are known). */
export const expectationProblem = (expectation: string, field: 'metric' | 'at', message: string) =>
  `expect.${expectationName(expectation)}: ${field === 'at' ? 'at ' : ''}${message}`;

/** A seed in a message, as written, escaped. */
const seedText = (seed: number | string) => printable(String(seed), 200);

export function badRunCount(runs: number): string {
  return `runs: expected a whole number ≥ 1, got ${runs}`;
}

/** `1.5 GB`, `320 MB`, `12 KB`: decimal units, as free(1) and disk tools print them with -H. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'an unbounded amount';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const count = (n: number) => (Number.isFinite(n) ? grouped(n) : 'unboundedly many');

export function tooBigForMemory(
  file: string | undefined,
  estimate: { startups: number; bytesPerStartup: number; metrics: number; workers: number; bytes: number },
  months: number,
  available: number,
  free: number,
): string {
  const where = file ? `${file}: ` : '';
  const parallel = estimate.workers === 1 ? 'one replication at a time' : `${estimate.workers} replications at a time`;
  return (
    `${where}startups: this run needs about ${formatBytes(estimate.bytes)} of memory, more than the ${formatBytes(available)} ` +
    `this machine has (${formatBytes(free)} free): ${count(estimate.startups)} startups (startups.initial and the entrants ` +
    `startups.entry.rate brings in ${months} months) at ${Math.round(estimate.bytesPerStartup)} bytes each, and ` +
    `${count(estimate.metrics)} metrics × ${months} months per replication, ${parallel}; ` +
    `lower startups.initial, startups.entry.rate or months${estimate.workers > 1 ? ', or use fewer --workers' : ''}`
  );
}

export function tooManyStartups(file: string | undefined, startups: number, months: number, max: number): string {
  const where = file ? `${file}: ` : '';
  return (
    `${where}startups: a replication would hold about ${count(startups)} startups (startups.initial and the entrants ` +
    `startups.entry.rate brings in ${months} months), more than the ${count(max)} that fit in its 4 GiB of startup records; ` +
    'lower startups.initial, startups.entry.rate or months'
  );
}

export function notFinite(
  metric: string,
  value: number,
  date: string,
  t: number,
  replication: number,
  seed: number | string,
  reproduce: string,
): string {
  const shown = Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return (
    `replication ${replication} (seed ${seedText(seed)}): ${printable(metric)} is ${shown} in ${date} (t = ${t}); the model produced a value that is ` +
    `not a finite number, so the run stops here. To reproduce: ${reproduce}`
  );
}

/** A model error from replication `replication`, with what is needed to reproduce it; the model's message may quote an expression. */
export function inReplication(message: string, replication: number, seed: number | string, reproduce: string): string {
  return `${printable(message)} (replication ${replication}, seed ${seedText(seed)}; to reproduce: ${reproduce})`;
}

/**
 * `word` for a POSIX shell: as it is when plainly safe, else in single
 * quotes; a word holding characters that printable() would escape is
 * written `$'…'` with those characters as `\xHH` bytes (POSIX.1-2024, bash,
 * zsh), so the command can be printed on a terminal and still pasted.
 */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  if (!hasUnprintable(word)) return `'${word.replace(/'/g, `'\\''`)}'`;
  return `$'${word.replace(/[\\']/g, (c) => `\\${c}`).replace(UNPRINTABLE, bytesEscaped)}'`;
}

/** Characters printable() escapes, one at a time (a surrogate pair as one). */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\uD800-\uDFFF]/gu;

function bytesEscaped(c: string): string {
  return [...Buffer.from(c, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

/** `shakeout run <file> --seed S --runs R --months M`: the shortest command that runs replication R − 1 again. */
export function reproduceCommand(file: string | undefined, seed: number | string, runs: number, months: number): string {
  return ['shakeout', 'run', file === undefined ? '<scenario>' : shellWord(file), '--seed', shellWord(String(seed)), '--runs', String(runs), '--months', String(months)].join(' ');
}

export function tooManyWorkers(asked: string, max: number, cores: number): string {
  return (
    `--workers must be a whole number from 1 to ${max} on this machine (4 × its ${cores} core${cores === 1 ? '' : 's'}), got "${asked}": ` +
    'each worker holds its own copy of the engine and a replication, so threads beyond the cores add memory, not speed'
  );
}

export function moreWorkersThanCores(workers: number, cores: number): string {
  return `note: ${workers} workers on ${cores} core${cores === 1 ? '' : 's'}: the threads share the cores, so this is no faster than --workers ${cores}`;
}

/** Two run stores that cannot be paired run by run. */
export function differentShapes(a: { runs: number; months: number; start: string }, b: { runs: number; months: number; start: string }): string {
  return `cannot pair runs of different shapes: ${a.runs} runs of ${a.months} months from ${a.start} against ${b.runs} runs of ${b.months} months from ${b.start}`;
}

/** compare: a what-if that starts in another month than its baseline. */
export function differentStart(file: string, start: string, baselineFile: string, baselineStart: string): string {
  return `${printable(file)}: starts in ${printable(start, 20)} and the baseline ${printable(baselineFile)} in ${printable(baselineStart, 20)}; compared scenarios must share their calendar (set \`start\` in the what-if)`;
}

/** compare: two scenarios whose result folders would have the same name. */
export function sameFolderName(name: string, first: string, second: string): string {
  return `${printable(first)} and ${printable(second)} would both be written to ${quote(name)}: compare scenarios whose file names differ (rename one)`;
}

/** sweep: a `--set` that is not `<path>=<number>,<number>,…`. */
export function badSweepValues(text: string): string {
  return `--set takes <path>=<value>,<value>,… with numbers, e.g. --set providers.zhipu.price=0.5,1,2, got ${quote(text, 80)}`;
}

/** sweep: a `--range` that is not `<path>=<lo>:<hi>[:<n>]` with lo < hi and n ≥ 2. */
export function badRange(text: string, needsCount = false): string {
  return needsCount
    ? `--range ${printable(text, 80)} needs a number of values for a grid: <path>=<lo>:<hi>:<n> (or use --lhs <points>)`
    : `--range takes <path>=<lo>:<hi>[:<n>] with lo < hi and n ≥ 2, e.g. --range classes.small.hazard=0.01:0.03:5, got ${quote(text, 80)}`;
}

/** sweep: one path swept twice. */
export function duplicateSweepPath(path: string): string {
  return `${printable(path, 200)} is swept twice: give each path once, with all its values`;
}

/** sweep: a design larger than a sweep takes. */
export function tooManyPoints(points: number, max: number): string {
  return `the sweep has ${points} points, more than the ${max} a sweep takes: use fewer values, or --lhs with fewer points`;
}

/** compare --resume: the finished comparison's summary.json cannot be read. */
export function comparisonUnreadable(out: string): string {
  return `${printable(out, 200)} is a complete comparison, but its summary.json cannot be read: run again with --force to replace it`;
}

/** sweep: a `--metric` that names no metric or no month of the run. */
export function badSweepMetric(spec: string, why: string, suggestions: readonly string[]): string {
  const hint = suggestions.length ? ` (did you mean ${suggestions.map((s) => printable(s)).join(', ')}?)` : '';
  return `--metric ${printable(spec, 120)}: ${printable(why, 300)}${hint}; \`shakeout metrics <scenario>\` lists the metrics`;
}

/** sensitivity: a `--param` that is not <path>=<lo>:<hi>. */
export function badParam(text: string): string {
  return `--param takes <path>=<lo>:<hi> with numbers lo < hi, e.g. --param classes.small.hazard=0.01:0.03, got ${quote(text, 80)}`;
}

/** sensitivity: a path varied twice. */
export function duplicateParam(path: string): string {
  return `${printable(path, 200)} is given twice: give each --param once`;
}

/** sensitivity: a design too large to run. */
export function tooLargeAnalysis(points: number, runs: number, maxPoints: number, maxRuns: number): string {
  return `the design has ${points} points × ${runs} runs = ${points * runs} runs, more than the ${maxPoints} points or ${maxRuns} runs an analysis takes: lower --samples or --runs`;
}

/** sensitivity: the noise share needs two replications at every point. */
export function tooFewRuns(runs: number): string {
  return `--runs ${runs}: the share of Monte Carlo noise needs at least 2 replications at every design point`;
}

/** sensitivity: design points failed, so no index was computed. */
export function indicesRefused(out: string, failed: readonly number[], total: number, first: string): string {
  const shown = failed.slice(0, 10).join(', ') + (failed.length > 10 ? ', …' : '');
  return `indices not computed: ${failed.length} of ${total} design points failed (${shown}; the first: ${printable(first, 200)}), and every estimator needs every point; ${printable(out, 200)} holds the design, its outputs and each failure (summary.md): narrow the --param ranges so that the scenario accepts every point`;
}

/** calibrate: a bound or start the scenario refuses (with the values of the other parameters at their starts). */
export const boundRefused = (which: 'lower' | 'upper' | 'start', value: number, why: string) =>
  `the scenario refuses ${which} = ${value}: ${printable(why, 300)}`;

/** calibrate: not one evaluation could run. */
export const noEvaluationRan = (evaluations: number, first: string) =>
  `calibration failed: none of its ${evaluations} evaluation${evaluations === 1 ? '' : 's'} could run; the first failed with: ${printable(first, 500)}`;

/** calibrate: stopped by a signal; the evaluations made are in the journal. */
export const calibrationInterrupted = (signal: string, done: number, partial: string, resume: string) =>
  `interrupted by ${signal}: ${done} evaluation${done === 1 ? ' is' : 's are'} saved in ${partial}; to continue without computing them again, run: ${resume}`;
/** A relative expectation's metric that its baseline does not record; the text after its location. */
export function baselineLacksMetric(baseline: string, metric: string, suggestions: readonly string[]): string {
  const hint = suggestions.length ? ` (it records ${suggestions.map((s) => printable(s)).join(', ')})` : '; `shakeout metrics <baseline>` lists them';
  return `the baseline ${printable(baseline)} records no metric named ${quote(metric)}${hint}: a relative expectation compares a metric both scenarios record`;
}

/** A relative expectation's baseline that runs over other months than the scenario. */
export function baselineOtherCalendar(baseline: string, start: string, months: number, ownStart: string, ownMonths: number): string {
  return `the baseline ${printable(baseline)} runs ${months} months from ${printable(start, 20)} and this scenario ${ownMonths} from ${printable(ownStart, 20)}; paired runs must share their calendar (set \`start\` in one of them)`;
}

/** A library caller that runs a scenario with relative expectations without their baselines. */
export function baselinesNotGiven(names: readonly string[]): string {
  return `the relative expectations ${names.map((n) => expectationName(n)).join(', ')} have no compiled baseline: pass their baselines (the CLI loads them with the scenario)`;
}
