/**
 * What `shakeout <command>` loads: only the command it names (the others'
 * modules, and the chart renderers without charts, cost start-up time
 * before the first replication), while `--help` still lists every command.
 * The modules are traced by loader hooks (fixtures/trace-loads.mjs).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { tempDir } from '../output/tmp.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const trace = pathToFileURL(join(import.meta.dirname, 'fixtures', 'trace-loads.mjs')).href;

/** Runs the CLI; its stdout, exit code and the URLs of the modules it loaded. */
function traced(...args: string[]): { code: number | null; stdout: string; loaded: string[] } {
  const log = join(tempDir(), 'loads.txt');
  const r = spawnSync(process.execPath, ['--import', trace, cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, SHAKEOUT_TRACE_LOADS: log } });
  return { code: r.status, stdout: r.stdout, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const OTHER_COMMANDS = ['compare', 'sweep', 'init', 'sensitivity', 'calibrate', 'merge', 'validate', 'chart', 'report', 'metrics'];

describe('modules loaded by the CLI', () => {
  test('run --no-charts loads its own command and no chart renderer', () => {
    const { code, loaded } = traced('run', 'scenarios/minimal.yaml', '--runs', '2', '--workers', '1', '--no-charts', '--quiet', '--out', join(tempDir(), 'r'));
    expect(code).toBe(0);
    const commands = loaded.filter((u) => u.includes('/dist/sim/cli/commands/')).map((u) => u.replace(/.*\/commands\/(.*)\.js$/, '$1'));
    expect(commands).toContain('run');
    expect(commands.filter((c) => OTHER_COMMANDS.includes(c))).toEqual([]);
    expect(loaded.filter((u) => /\/node_modules\/(vega|vega-lite|@resvg|pdfkit|svg-to-pdfkit|fontkit)\//.test(u) || u.includes('/dist/viz/charts/'))).toEqual([]);
    // The trace works: the run's own modules are in it.
    expect(loaded.some((u) => u.endsWith('/dist/sim/output/runs-parquet.js'))).toBe(true);
  });

  test('run with a pool loads the parquet writer on one worker only, and not the whole hyparquet-writer package', () => {
    const { code, loaded } = traced('run', 'scenarios/minimal.yaml', '--runs', '2', '--workers', '2', '--no-charts', '--quiet', '--out', join(tempDir(), 'r'));
    expect(code).toBe(0);
    const count = (suffix: string) => loaded.filter((u) => u.endsWith(suffix)).length;
    // Each thread loads its own modules: the main thread and the worker that wrote runs.parquet both load output-job.js …
    expect(count('/dist/sim/ensemble/replication-worker.js')).toBe(2);
    expect(count('/dist/sim/output/output-job.js')).toBe(2);
    // … and only that worker the writer.
    expect(count('/dist/sim/output/runs-parquet.js')).toBe(1);
    expect(loaded.filter((u) => u.includes('/node_modules/hyparquet-writer/src/index.js'))).toEqual([]);
  });

  test('--help lists every command', () => {
    const { code, stdout, loaded } = traced('--help');
    expect(code).toBe(0);
    for (const name of ['run', 'check', ...OTHER_COMMANDS]) expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(loaded.filter((u) => u.includes('/dist/sim/cli/commands/'))).toHaveLength(12);
  });

  test('a misspelt command is still told the one it resembles', () => {
    const r = spawnSync(process.execPath, [cli, 'rn', 'x.yaml'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("(Did you mean run?)");
  });
});
