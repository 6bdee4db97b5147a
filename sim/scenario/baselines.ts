/**
 * The baselines of a scenario's relative expectations (`expect` items with
 * `baseline:`, docs/model.md "Relative expectations"): each file named
 * relative to the file that writes it, loaded once however many
 * expectations name it. A problem with a baseline (missing, unreadable,
 * invalid, the scenario itself) is reported at this file's `baseline:` line.
 *
 * Baselines are followed one step only: a baseline's own relative
 * expectations are not evaluated when it runs as a baseline, so two
 * scenarios may name each other and nothing loops. A scenario naming
 * itself (the one cycle that step can meet) is refused.
 */
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { ScenarioError, formatDiagnostic, type Diagnostic } from '../errors.js';
import { SCENARIO_EXTENSIONS } from './limits.js';
import { loadScenario, type LoadedScenario } from './load.js';
import * as msg from './messages.js';

/** One baseline file, as loaded. */
export interface Baseline {
  /** The path it was read from (the writing file's folder joined with the name as written). */
  file: string;
  /** Its absolute path: the identity by which expectations share it. */
  absolute: string;
  loaded: LoadedScenario;
}

/** The baseline of each relative expectation, by its index in `expect` (absolute ones are absent). */
export type Baselines = ReadonlyMap<number, Baseline>;

/** Where a baseline named in `writtenIn` is read from. */
export function baselinePath(name: string, writtenIn: string): string {
  return isAbsolute(name) ? name : join(dirname(writtenIn), name);
}

/**
 * Loads the baseline of every relative expectation of `loaded` (the
 * scenario file `file`). @throws ScenarioError with every problem, each at
 * its `baseline:` line
 */
export function loadBaselines(loaded: LoadedScenario, file: string): Baselines {
  const byPath = new Map<string, Baseline | Diagnostic[]>();
  const found = new Map<number, Baseline>();
  const problems: Diagnostic[] = [];
  loaded.scenario.expect.forEach((e, index) => {
    if (e.baseline === undefined) return;
    const where = loaded.locate(['expect', index], 'baseline');
    const at = (message: string): Diagnostic => ({ file: where.file, line: where.line, path: `expect[${index}].baseline`, code: 'E_BASELINE', message });
    const path = baselinePath(e.baseline, where.file || file);
    const absolute = resolve(path);
    if (!SCENARIO_EXTENSIONS.includes(extname(path).toLowerCase())) return void problems.push(at(msg.baselineNotScenario(e.baseline)));
    if (absolute === resolve(file)) return void problems.push(at(msg.baselineIsItself));
    let entry = byPath.get(absolute);
    if (!entry) {
      try {
        entry = { file: path, absolute, loaded: loadScenario(path) };
      } catch (err) {
        if (!(err instanceof ScenarioError)) throw err;
        entry = err.diagnostics.slice();
      }
      byPath.set(absolute, entry);
    }
    if (Array.isArray(entry)) problems.push(at(msg.baselineDoesNotLoad(e.baseline, entry.map(formatDiagnostic))));
    else found.set(index, entry);
  });
  if (problems.length) throw new ScenarioError(problems);
  return found;
}
