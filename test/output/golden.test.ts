/**
 * Golden files of a hand-made result folder. Run with GOLDEN_UPDATE=1 to
 * rewrite them after an intended change, and review the diff.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeResultFolder } from '../../sim/ensemble/run-to-folder.js';
import { handExecutor, handWorld } from './hand-made.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden', 'hand-made');
const update = process.env.GOLDEN_UPDATE === '1';

describe('golden result folder', () => {
  const parent = mkdtempSync(join(tmpdir(), 'shakeout-golden-'));
  const out = join(parent, 'result');
  beforeAll(() => writeResultFolder(handWorld(), { out, runs: 4, executor: handExecutor(), command: ['shakeout', 'run', 'tiny.yaml'] }));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  test.each(['timeseries.csv', 'runs.csv', 'summary.md', 'summary.json'])('%s', (file) => {
    const actual = readFileSync(join(out, file), 'utf8');
    const golden = join(GOLDEN, file);
    if (update) {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(golden, actual);
    }
    expect(existsSync(golden), `${file} has no golden file; run the tests with GOLDEN_UPDATE=1`).toBe(true);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });
});
