/**
 * The baselines of a scenario's relative expectations, loaded and compiled
 * for its run: each with the scenario's runs, seed and months (after the
 * flags: common random numbers need them equal) and the same `--set`
 * changes, as `compare` applies its flags to every scenario.
 */
import { resolve } from 'node:path';
import { ModelError, UsageError } from '../errors.js';
import { compile, type CompiledScenario } from '../model/compile.js';
import { assertRelativeLocated, type CompiledBaseline } from '../ensemble/relative.js';
import { loadBaselines } from '../scenario/baselines.js';
import type { LoadedScenario } from '../scenario/load.js';
import { printable } from '../printable.js';
import { applyFlags, type ScenarioFlags } from './overrides.js';
import { withSource } from './source-of-error.js';

/**
 * Loads, compiles and checks the baselines of `compiled` (loaded from
 * `file`), by index in `expect`; an empty map when it has no relative
 * expectations. Throws ScenarioError located at this file's lines.
 */
export function compileBaselines(loaded: LoadedScenario, file: string, compiled: CompiledScenario, flags: ScenarioFlags): Map<number, CompiledBaseline> {
  const found = loadBaselines(loaded, file);
  const byKey = new Map<string, CompiledBaseline>();
  const out = new Map<number, CompiledBaseline>();
  const same = { ...flags, runs: compiled.scenario.runs, seed: compiled.scenario.seed, months: compiled.months };
  for (const [index, b] of found) {
    let entry = byKey.get(b.absolute);
    if (!entry) {
      let c: CompiledScenario;
      try {
        c = compile(applyFlags(b.loaded.scenario, same));
      } catch (e) {
        const located = withSource(e, b.loaded.locate);
        // A flag that fits the scenario but not its baseline: say which file it does not fit.
        if (located instanceof UsageError) throw new UsageError(`baseline ${printable(b.file)}: ${located.message}`);
        if (located instanceof ModelError && located === e) throw new ModelError(`baseline ${printable(b.file)}: ${located.message}`, located.location);
        throw located;
      }
      entry = { key: b.absolute, file: b.file, compiled: c };
      byKey.set(b.absolute, entry);
    }
    out.set(index, entry);
  }
  assertRelativeLocated(compiled, out, loaded.locate);
  return out;
}

/** Distinct baselines (files) in a map of them. */
export function distinctBaselines(baselines: ReadonlyMap<number, CompiledBaseline>): string[] {
  return [...new Set([...baselines.values()].map((b) => b.key))];
}

/** A file's identity for telling whether a baseline is one of the scenarios at hand. */
export const fileKey = (file: string) => resolve(file);
