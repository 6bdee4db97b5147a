/** `shakeout init`: a commented what-if that loads, extends its base, and never replaces a file. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../sim/scenario/load.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-init-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: scratch, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('shakeout init', () => {
  it('writes a what-if of the shipped 2024 exit scenario that loads, with one set event and one expectation', () => {
    const r = shakeout('init', 'policy.yaml');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote policy.yaml: a what-if extending');
    const text = readFileSync(join(scratch, 'policy.yaml'), 'utf8');
    // The shipped scenario lies outside the working folder: extended by its absolute path.
    expect(text).toContain(`extends: ${JSON.stringify(join(root, 'scenarios', 'china-2024-openai-exit.yaml'))}`);
    const { scenario } = loadScenario(join(scratch, 'policy.yaml'));
    const base = loadScenario(join(root, 'scenarios', 'china-2024-openai-exit.yaml')).scenario;
    const mine = scenario.events.filter((e) => !base.events.some((b) => b.id === e.id));
    expect(mine.map((e) => [e.id, e.at, e.set])).toEqual([['my-mandate', '2024-09', { 'classes.small.switchCost.median': base.classes.small.switchCost.median / 2 }]]);
    expect(scenario.expect.map((e) => [e.metric, e.at, e.op, e.value])).toEqual([['hhi.tokens', 'end', '<', 1800]]);
  });

  it('extends a scenario below the working folder by a path relative to the new file', () => {
    mkdirSync(join(scratch, 'what-ifs'));
    copyFileSync(join(root, 'scenarios', 'minimal.yaml'), join(scratch, 'base.yaml'));
    expect(shakeout('init', 'what-ifs/cheaper.yaml', '--from', 'base.yaml').code).toBe(0);
    expect(readFileSync(join(scratch, 'what-ifs', 'cheaper.yaml'), 'utf8')).toContain('extends: "../base.yaml"');
    expect(shakeout('validate', 'what-ifs/cheaper.yaml').code).toBe(0);
  });

  it('never replaces a file, and writes nothing for a base that does not load', () => {
    writeFileSync(join(scratch, 'mine.yaml'), 'my notes');
    const taken = shakeout('init', 'mine.yaml');
    expect(taken.code).toBe(2);
    expect(taken.stderr.trim()).toBe('mine.yaml already exists: shakeout init never replaces a file; choose another name');
    expect(readFileSync(join(scratch, 'mine.yaml'), 'utf8')).toBe('my notes');
    const missing = shakeout('init', 'new.yaml', '--from', 'nowhere.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(scratch, 'new.yaml'))).toBe(false);
  });
});
