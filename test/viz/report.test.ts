/**
 * `shakeout report`: one self-contained HTML file. Opened in headless
 * Chromium with the network out of reach, every chart renders and the
 * console stays free of errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { root } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-report-'));
const results = join(scratch, 'minimal');
const report = join(results, 'report.html');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let written: ReturnType<typeof shakeout>;
beforeAll(() => {
  const run = shakeout('run', 'scenarios/minimal.yaml', '--runs', '6', '--out', results, '--no-charts', '--quiet');
  if (run.code !== 0) throw new Error(run.stderr);
  written = shakeout('report', results);
});

describe('shakeout report', () => {
  test('writes <results>/report.html', () => {
    expect(written.code, written.stderr).toBe(0);
    expect(written.stderr).toBe(`wrote ${report}\n`);
  });

  test('is one file: every script and style inline, nothing to fetch', () => {
    const html = readFileSync(report, 'utf8');
    // Booleans, not matchers on the page: a failure would print a megabyte of inlined script.
    expect(/<script[^>]+src=/i.test(html), 'a script with src').toBe(false);
    expect(/<link[^>]+rel="stylesheet"/i.test(html), 'a linked style sheet').toBe(false);
    expect(html.includes("default-src 'none'"), 'the CSP').toBe(true);
    expect(html.match(/<script>/g)?.length, 'inline scripts: vega, vega-lite, vega-embed, the charts').toBe(4);
    for (const part of ['id="summary"', 'id="expectations"', 'id="manifest"', 'many leader customers die', 'class="verdict ', '&quot;scenarioSha256&quot;'])
      expect(html.includes(part), part).toBe(true);
  });

  test('gives the same bytes for the same folder', () => {
    const again = join(scratch, 'again.html');
    expect(shakeout('report', results, '--out', again, '--quiet').code).toBe(0);
    expect(readFileSync(again).equals(readFileSync(report))).toBe(true);
  });
});

const browser = existsSync(CHROMIUM) || process.env.CI === 'true';

describe.skipIf(!browser)('report.html in headless Chromium', () => {
  test('renders every chart, with no error on the console and no request', async () => {
    const context = await chromium.launchPersistentContext(mkdtempSync(join(scratch, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      // Leave the test process's signal handling alone (other suites signal their children).
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 30_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(pathToFileURL(report).href);
      await page.waitForSelector('body[data-charts]', { timeout: 20_000 });
      expect(await page.getAttribute('body', 'data-charts')).toBe('rendered');
      const charts = await page.$$eval('.chart', (els) =>
        els.map((el) => ({
          rendered: el.getAttribute('data-rendered'),
          label: el.getAttribute('aria-label'),
          marks: el.querySelectorAll('svg.marks path, svg.marks text').length,
          width: el.querySelector('svg.marks')?.getBoundingClientRect().width ?? 0,
        })),
      );
      expect(charts.map((c) => c.label)).toEqual([
        'HHI of tokens served',
        'Provider shares of tokens served',
        'Survival of the starting startups',
        'Startup deaths per month',
        'Switching between providers',
        'Providers in the market',
      ]);
      for (const c of charts) {
        expect(c.rendered, c.label!).toBe('true');
        expect(c.marks, c.label!).toBeGreaterThan(10);
        expect(c.width, c.label!).toBeGreaterThan(200);
      }
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
