/**
 * `shakeout report`: one self-contained HTML file. Opened in headless
 * Chromium with the network out of reach, every chart renders and the
 * console stays free of errors. The folder may come from anyone: a tampered
 * manifest is refused, markup in its text is shown as text, and the page's
 * Content-Security-Policy lets only its own scripts run.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { scriptJson } from '../../viz/html.js';
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

  test('its CSP lets only its own inline scripts run, each by its SHA-256: no unsafe-inline, no unsafe-eval', () => {
    const html = readFileSync(report, 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src ')) ?? '';
    expect(scriptSrc.includes('unsafe'), scriptSrc).toBe(false);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    const hashes = scripts.map((code) => `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`);
    expect(scriptSrc).toBe(`script-src ${hashes.join(' ')}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("base-uri 'none'");
  });

  test('a tampered manifest is refused with one line, and no page is written', () => {
    const dir = join(scratch, 'tampered');
    cpSync(results, dir, { recursive: true });
    rmSync(join(dir, 'report.html'), { force: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    manifest.runs = '<img src=x onerror=alert(1)>';
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const r = shakeout('report', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${dir}/manifest.json: runs: expected a number, got "<img src=x onerror=alert(1)>"; was the result folder damaged or edited?\n`);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  test('names the commit of the shakeout that wrote the folder, when it was a git checkout', () => {
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
    for (const [commit, modified, shown] of [
      ['0123456789abcdef0123456789abcdef01234567', true, `shakeout ${version} (commit 0123456789ab, modified) ·`],
      [null, null, `shakeout ${version} ·`],
    ] as const) {
      const dir = join(scratch, `commit-${String(modified)}`);
      cpSync(results, dir, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      Object.assign(manifest, { shakeoutCommit: commit, shakeoutTreeModified: modified });
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      expect(shakeout('report', dir, '--quiet').code).toBe(0);
      expect(readFileSync(join(dir, 'report.html'), 'utf8').includes(shown), shown).toBe(true);
    }
  });

  test('text from the folder is escaped: markup in names shows as text, also inside the chart specs', () => {
    const html = readFileSync(hostileReport, 'utf8');
    expect(html.includes('<img src=x'), 'unescaped markup').toBe(false);
    expect(html.includes('</script><script>window'), 'a closed script block').toBe(false);
    expect(html).toContain('<h1>&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&lt;/script&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;</h1>');
  });

  test('gives the same bytes for the same folder', () => {
    const again = join(scratch, 'again.html');
    expect(shakeout('report', results, '--out', again, '--quiet').code).toBe(0);
    expect(readFileSync(again).equals(readFileSync(report))).toBe(true);
  });
});

const browser = existsSync(CHROMIUM) || process.env.CI === 'true';

/** Markup and script in every text field a page shows, and in the chart specs (the scenario's and a provider's name). */
const HOSTILE = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>';
const hostile = join(scratch, 'hostile');
const hostileReport = join(hostile, 'report.html');

beforeAll(() => {
  // Edited after the run: values a reader accepts (text where text belongs), as someone sharing a folder could.
  cpSync(results, hostile, { recursive: true });
  const edit = (file: string, change: (value: Record<string, any>) => void) => {
    const value = JSON.parse(readFileSync(join(hostile, file), 'utf8')) as Record<string, any>;
    change(value);
    writeFileSync(join(hostile, file), JSON.stringify(value, null, 2));
  };
  edit('manifest.json', (m) => {
    m.scenarioName = m.scenario.name = HOSTILE;
    m.scenario.description = HOSTILE + '\u2028<!--';
    m.scenario.providers[0].name = HOSTILE;
    m.shakeoutVersion = '<b onmouseover=alert(1)>';
    m.command = ['shakeout', HOSTILE];
  });
  edit('summary.json', (s) => {
    s.scenario = HOSTILE;
    s.expectations[0].name = HOSTILE;
    s.expectations[0].metric = '<svg onload=alert(1)>';
  });
  const r = shakeout('report', hostile, '--quiet');
  if (r.code !== 0) throw new Error(r.stderr);
});

test('scriptJson: nothing in it can end a script element or break a line', () => {
  const text = scriptJson({ a: '</script><!-- & \u2028\u2029 >' });
  expect(text).toBe('{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029 \\u003e"}');
  expect(JSON.parse(text)).toEqual({ a: '</script><!-- & \u2028\u2029 >' });
});

describe.skipIf(!browser)('report.html in headless Chromium', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await chromium.launchPersistentContext(mkdtempSync(join(scratch, 'profile-')), {
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
  });
  afterAll(() => context?.close());

  /** Opens `file`, waits for the charts, and says what happened: script run, dialogs, page errors. */
  async function open(file: string): Promise<{ page: Page; charts: string | null; pwned: unknown; dialogs: string[]; errors: string[]; console: string[] }> {
    const page = await context.newPage();
    const dialogs: string[] = [];
    const errors: string[] = [];
    const console: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-charts]', { timeout: 20_000 });
    // Give an injected handler (an image that fails to load, a mouse-over) its chance to run.
    await page.hover('h1');
    await page.hover('.meta');
    const pwned = await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
    return { page, charts: await page.getAttribute('body', 'data-charts'), pwned, dialogs, errors, console };
  }

  test('values with markup from the folder run no script, show as text, and the charts still render', async () => {
    const r = await open(hostileReport);
    try {
      expect(r.pwned).toBeUndefined();
      expect(r.dialogs).toEqual([]);
      expect(r.errors).toEqual([]);
      expect(r.charts).toBe('rendered');
      expect(await r.page.textContent('h1')).toBe(HOSTILE);
      expect(await r.page.$$eval('img', (els) => els.length)).toBe(0);
      const rendered = await r.page.$$eval('.chart', (els) => els.map((el) => el.getAttribute('data-rendered')));
      expect(rendered).toEqual(Array(6).fill('true'));
      // The provider's name reached a chart legend, as text.
      expect(await r.page.$$eval('svg.marks text', (els) => els.some((el) => el.textContent?.includes('<img')))).toBe(true);
    } finally {
      await r.page.close();
    }
  });

  test('markup that escaped escaping still runs nothing: the CSP blocks inline handlers and scripts', async () => {
    // As if a value had been left unescaped: raw markup in the page's body.
    const page = readFileSync(report, 'utf8').replace(
      '<body>',
      '<body>\n<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><a id="x" href="javascript:window.__pwned=3">x</a>',
    );
    const file = join(scratch, 'injected.html');
    writeFileSync(file, page);
    const r = await open(file);
    try {
      await r.page.click('#x');
      expect(await r.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(r.pwned).toBeUndefined();
      expect(r.charts).toBe('rendered');
      expect(r.console.filter((c) => c.includes('Content Security Policy')).length).toBeGreaterThanOrEqual(2);
    } finally {
      await r.page.close();
    }
  });

  test('renders every chart, with no error on the console and no request', async () => {
    const page = await context.newPage();
    try {
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
      await page.close();
    }
  });
});
