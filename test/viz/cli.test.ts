/**
 * End to end: `shakeout run` draws the charts unless --no-charts, `shakeout
 * chart` redraws them (the same bytes in any time zone), and bad input is
 * one line on stderr with exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { root } from './fixtures.js';

const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-viz-cli-'));
const results = join(scratch, 'minimal');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function shakeout(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let run: ReturnType<typeof shakeout>;
beforeAll(() => {
  run = shakeout(['run', 'scenarios/minimal.yaml', '--runs', '6', '--out', results]);
});

describe('shakeout run', () => {
  test('draws the charts into <out>/charts by default', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`drew 6 charts in ${join(results, 'charts')}: hhi-tokens, shares-tokens, survival, deaths, flows, providers`);
    const files = readdirSync(join(results, 'charts')).sort();
    expect(files).toHaveLength(24);
    expect(files).toContain('hhi-tokens.vl.json');
    expect(files).toContain('survival.pdf');
  });

  test('--no-charts draws none', () => {
    const out = join(scratch, 'no-charts');
    const r = shakeout(['run', 'scenarios/minimal.yaml', '--runs', '2', '--out', out, '--no-charts', '--quiet']);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'charts'))).toBe(false);
  });
});

describe('shakeout chart', () => {
  test('redraws the same bytes, whatever the time zone', () => {
    const out = join(scratch, 'redrawn');
    const r = shakeout(['chart', results, '--out', out, '--json'], { TZ: 'Pacific/Kiritimati' });
    expect(r.code, r.stderr).toBe(0);
    const listed = JSON.parse(r.stdout) as { name: string; files: string[] }[];
    expect(listed.map((c) => c.name)).toEqual(['hhi-tokens', 'shares-tokens', 'survival', 'deaths', 'flows', 'providers']);
    for (const name of readdirSync(join(results, 'charts')))
      expect(readFileSync(join(out, name)).equals(readFileSync(join(results, 'charts', name))), name).toBe(true);
  });

  test('--format, --metric, --only and --width select what is drawn', () => {
    const out = join(scratch, 'selected');
    const r = shakeout(['chart', results, '--out', out, '--format', 'svg', '--metric', 'hhi.customers,hhi.revenue', '--only', 'hhi', '--width', '7in']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`wrote 2 charts (vl.json, svg) to ${out}: hhi-customers, hhi-revenue\n`);
    expect(readdirSync(out).sort()).toEqual(['hhi-customers.svg', 'hhi-customers.vl.json', 'hhi-revenue.svg', 'hhi-revenue.vl.json']);
    expect(readFileSync(join(out, 'hhi-revenue.svg'), 'utf8')).toMatch(/^<svg [^>]*width="504pt"/);
  });

  test('--metric takes any metric or per-provider family of the folder', () => {
    const out = join(scratch, 'metrics');
    const r = shakeout(['chart', results, '--out', out, '--format', 'svg', '--metric', 'cr1.tokens,provider.cash', '--only', 'metric']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`wrote 2 charts (vl.json, svg) to ${out}: cr1-tokens, provider-cash\n`);
    expect(readFileSync(join(out, 'cr1-tokens.svg'), 'utf8')).toContain('cr1.tokens');
  });

  // --width, --scale and --only are checked by the unit tests of specs.test.ts: each process here costs half a second.
  test.each([
    [['chart', join(scratch, 'nowhere')], /is not a result folder/],
    [['chart', results, '--format', 'gif'], /^--format gif: unknown format; choose from svg, png, pdf/],
    [['chart', results, '--metric', 'hhi.token'], /^--metric hhi.token: .*did you mean hhi.tokens\?/],
    [['report', join(scratch, 'nowhere')], /is not a result folder/],
  ])('bad input %j: one line, exit 2', (args, message) => {
    const r = shakeout(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('chart and report have help with an example, and are listed', () => {
    expect(shakeout(['--help']).stdout).toMatch(/chart[\s\S]*report/);
    for (const c of ['chart', 'report']) expect(shakeout([c, '--help']).stdout).toMatch(new RegExp(`Usage: shakeout ${c} [\\s\\S]*Examples:\\n  \\$ shakeout ${c} `));
  });
});
