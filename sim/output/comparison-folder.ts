/**
 * A comparison folder is a collection folder (collection-folder.ts): what
 * makes two comparisons the same one, and how its manifest and summary are
 * read back for `--resume`.
 */
import { join } from 'node:path';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { collectionRecord, type CollectionKind, manifestIdentity } from './collection-folder.js';
import { type ComparedScenario, type ComparisonManifest, type ComparisonSummary, COMPARISON_FORMAT } from './comparison-files.js';
import type { PartialRecord } from './folder-swap.js';
import { readSmallFile } from './ownership.js';
import { SUMMARY_JSON_FILE } from './summary.js';

/** What makes two comparisons the same one. */
export interface ComparisonIdentity {
  /** Every scenario, baseline first. */
  scenarios: readonly ComparedScenario[];
  seed: number | string;
  runs: number;
  months: number;
}

/** One hash for the scenarios of a comparison, in order. */
export const comparisonScenariosSha256 = (scenarios: readonly Pick<ComparedScenario, 'folder' | 'scenarioSha256'>[]) => sha256Hex(canonicalJson(scenarios.map((s) => [s.folder, s.scenarioSha256])));

export const comparisonKind: CollectionKind<ComparisonManifest> = {
  occupant: 'a comparison',
  parseManifest(data) {
    const m = data as ComparisonManifest | null;
    return m?.format === COMPARISON_FORMAT && Array.isArray(m.scenarios) && Array.isArray(m.files) && Array.isArray(m.command) ? m : null;
  },
  identity: (m) => manifestIdentity(m, comparisonScenariosSha256(m.scenarios)),
};

/** resume.json of `<out>.partial` for a comparison. */
export function comparisonRecord(identity: ComparisonIdentity, force: boolean, command: readonly string[]): PartialRecord {
  const name = `comparison of ${identity.scenarios.map((s) => s.folder).join(', ')}`;
  return collectionRecord(comparisonScenariosSha256(identity.scenarios), name, identity.seed, identity.runs, identity.months, force, command);
}

/** summary.json of the comparison in `dir`, or null when it cannot be read. */
export function readComparisonSummary(dir: string): ComparisonSummary | null {
  const text = readSmallFile(join(dir, SUMMARY_JSON_FILE), 16 << 20);
  try {
    return text === null ? null : (JSON.parse(text) as ComparisonSummary);
  } catch {
    return null;
  }
}
