/** The shipped minimal scenario run into a temporary result folder, as `shakeout run` would write it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../../sim/model/compile.js';
import { writeResultFolder } from '../../sim/ensemble/run-to-folder.js';
import { loadScenario } from '../../sim/scenario/load.js';

export const root = join(import.meta.dirname, '..', '..');

export interface Scratch {
  /** The result folder. */
  dir: string;
  /** A folder for anything else the test writes. */
  parent: string;
  remove(): void;
}

export async function minimalResult(runs?: number): Promise<Scratch> {
  const parent = mkdtempSync(join(tmpdir(), 'shakeout-viz-'));
  const dir = join(parent, 'minimal');
  const { scenario } = loadScenario(join(root, 'scenarios', 'minimal.yaml'));
  await writeResultFolder(compile(scenario), { out: dir, runs, command: ['shakeout', 'run', 'scenarios/minimal.yaml'] });
  return { dir, parent, remove: () => rmSync(parent, { recursive: true, force: true }) };
}
