/** The report's expectations table: all three verdicts, and what would settle an INCONCLUSIVE one. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { tempDir } from '../output/tmp.js';
import { coinFlipYaml } from '../worlds.js';
import { root } from './fixtures.js';

const cli = join(root, 'dist', 'sim', 'cli', 'main.js');

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('an INCONCLUSIVE verdict shows as such, with the runs that would likely settle it', () => {
  const dir = tempDir();
  const file = join(dir, 'coin.yaml');
  // Seed 1: 8 of 20 runs against 0.5, [0.219, 0.613].
  writeFileSync(file, coinFlipYaml({ seed: 1 }));
  const out = join(dir, 'result');
  expect(shakeout('run', file, '--workers', '1', '--out', out, '--quiet', '--no-charts').code).toBe(0);
  const r = shakeout('report', out);
  expect(r.code, r.stderr).toBe(0);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  const row = html.slice(html.indexOf('near its threshold'), html.indexOf('</tr>', html.indexOf('near its threshold')));
  expect(row).toContain('0.219 – 0.613');
  expect(row).toContain('<span class="verdict inconclusive">INCONCLUSIVE</span> about 194 runs in all would likely settle it');
  expect(html.includes('<p>The expectation is inconclusive.</p>'), 'the closing sentence').toBe(true);
  expect(html.includes('.verdict.inconclusive {'), 'its style').toBe(true);
});
