/**
 * The scenario files under a folder, for commands that take a folder
 * (`check scenarios/`): every .yaml, .yml or .json file in it and its
 * subfolders, in path order, except
 *
 *   - JSON Schemas (`*.schema.json`), and files that are data but not a
 *     scenario (a list, or a map with none of a scenario's keys): skipped,
 *     with the reason;
 *   - hidden files and folders, `node_modules`, and result folders (a
 *     folder holding manifest.json): not looked into.
 *
 * A file that does not parse is kept: it is a scenario with a problem, and
 * loading it reports where. Symbolic links to folders are not followed, so
 * a link cannot make the walk loop.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { readRegularFile } from '../files.js';
import { MAX_SCENARIO_BYTES, SCENARIO_EXTENSIONS } from './limits.js';
import { readYaml } from './read-yaml.js';

/** Folders deeper than this under the one named are not looked into. */
export const MAX_FIND_DEPTH = 16;
/** Files looked at in all, at most: a folder named by mistake (a home folder) is refused, not walked. */
export const MAX_FIND_FILES = 10_000;

/** Keys of which a scenario has at least one at its top level (schema.ts). */
const SCENARIO_KEYS = ['extends', 'start', 'months', 'providers', 'classes', 'startups', 'events', 'expect'];

export interface FoundScenarios {
  /** Scenario files, as paths under the folder named. */
  scenarios: string[];
  /** Files with a scenario's extension that are not scenarios, and why. */
  skipped: { file: string; reason: string }[];
  /** The walk stopped at MAX_FIND_FILES. */
  truncated: boolean;
}

export const NOT_A_SCENARIO = 'not a scenario (no start, providers, classes or extends at its top level)';
export const A_JSON_SCHEMA = 'a JSON Schema';

/** The scenario files under `dir`. */
export function findScenarios(dir: string): FoundScenarios {
  const found: FoundScenarios = { scenarios: [], skipped: [], truncated: false };
  let seen = 0;
  const walk = (folder: string, depth: number) => {
    const names = readdirSync(folder).sort();
    if (depth > 0 && names.includes('manifest.json')) return;
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      if (++seen > MAX_FIND_FILES) {
        found.truncated = true;
        return;
      }
      const path = join(folder, name);
      const stat = lstatSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) {
        if (depth < MAX_FIND_DEPTH) walk(path, depth + 1);
        if (found.truncated) return;
        continue;
      }
      if (!SCENARIO_EXTENSIONS.includes(extname(name).toLowerCase())) continue;
      if (name.toLowerCase().endsWith('.schema.json')) found.skipped.push({ file: path, reason: A_JSON_SCHEMA });
      else if (isScenario(path)) found.scenarios.push(path);
      else found.skipped.push({ file: path, reason: NOT_A_SCENARIO });
    }
  };
  walk(dir, 0);
  return found;
}

/** Whether a file is a scenario, or may be one with a problem that loading will report. */
function isScenario(path: string): boolean {
  let text: string;
  try {
    text = readRegularFile(path, MAX_SCENARIO_BYTES).toString('utf8');
  } catch {
    return true; // unreadable or too large: loading says so, at the file
  }
  const { tree } = readYaml(text, path);
  if (!tree) return true;
  return tree.kind === 'map' && SCENARIO_KEYS.some((k) => tree.entries.has(k));
}
