/**
 * `<results>/report.html`: one self-contained page with the run's charts,
 * its summary, the expectation verdicts and the manifest. vega, vega-lite
 * and vega-embed are inlined and a Content-Security-Policy forbids every
 * request, so the page works offline and from an e-mail attachment.
 * Pipeline: result folder → chart specs (charts/) + summary.json → HTML.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ExpectationResult } from '../sim/ensemble/expectations.js';
import { UsageError } from '../sim/errors.js';
import { assertNoLinkInside, writeFileInto } from '../sim/output/folder-writer.js';
import type { Manifest } from '../sim/output/manifest.js';
import { readResultFolder } from '../sim/output/result-folder.js';
import { type Band, SUMMARY_JSON_FILE, type Summary } from '../sim/output/summary.js';
import { readableNumber } from '../sim/output/summary-md.js';
import { type Chart, type ChartSelection, standardCharts } from './charts/index.js';
import { noSummary } from './messages.js';
import { resultTable } from './table.js';

export const REPORT_FILE = 'report.html';

/** The browser builds inlined in the page, in load order (vega-embed expects the globals `vega` and `vegaLite`). */
const BROWSER_BUILDS = [
  { pkg: 'vega', file: 'build/vega.min.js' },
  { pkg: 'vega-lite', file: 'build/vega-lite.min.js' },
  { pkg: 'vega-embed', file: 'build/vega-embed.min.js' },
] as const;

const requireHere = createRequire(import.meta.url);

/** The folder of an installed package (found from its entry point, as its `exports` hide package.json). */
function packageDir(pkg: string): string {
  let dir = dirname(requireHere.resolve(pkg));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === pkg) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of the ${pkg} package`);
    dir = up;
  }
}

function packageVersion(pkg: string): string {
  return (JSON.parse(readFileSync(join(packageDir(pkg), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Script text that cannot end its <script> element early. */
function scriptText(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON inside a <script type="application/json">: `<` escaped, so no `</script>` can appear. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** summary.json writes NaN as null. */
function num(x: number | null): string {
  return readableNumber(x ?? NaN);
}

function range(b: Band): string {
  return `${num(b.p05)} – ${num(b.p95)}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string {
  const cell = (tag: string, text: string, i: number) => `<${tag}${numeric[i] ? ' class="num"' : ''}>${text}</${tag}>`;
  return [
    '<table>',
    `<thead><tr>${header.map((h, i) => cell('th', escapeHtml(h), i)).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

const OP_TEXT: Record<string, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '==': '=' };

function summaryHtml(s: Summary): string {
  const out: string[] = ['<p class="note">Ranges are the 90 % range across runs (5th to 95th percentile).</p>'];
  if (s.hhiTokens.length) {
    out.push('<h3>Market concentration</h3>', '<p>HHI of tokens served (0–10,000).</p>');
    out.push(table(['month', 'date', 'mean', '90 % range'], s.hhiTokens.map((b) => [`t = ${b.month}`, b.date, num(b.mean), range(b)]), [false, false, true, true]));
  }
  if (s.cohortDead || s.cohortDeadByClass.length) {
    const at = s.cohortDead ?? s.cohortDeadByClass[0];
    out.push('<h3>Deaths in the starting cohort</h3>', `<p>Fraction of the t = 0 startups dead by t = ${at.month} (${at.date}).</p>`);
    const rows = s.cohortDeadByClass.map((b) => [escapeHtml(b.class), num(b.mean), range(b)]);
    if (s.cohortDead) rows.unshift(['all', num(s.cohortDead.mean), range(s.cohortDead)]);
    out.push(table(['class', 'mean', '90 % range'], rows, [false, true, true]));
  }
  if (s.providersActive) {
    const b = s.providersActive;
    out.push(
      '<h3>Providers at the end</h3>',
      `<p>Active providers at t = ${b.month} (${b.date}): mean ${num(b.mean)}, median ${num(b.p50)}, 90 % range ${range(b)}.</p>`,
    );
  }
  return out.join('\n');
}

function expectationsHtml(expectations: readonly ExpectationResult[]): string {
  if (expectations.length === 0) return '<p>The scenario states no expectations.</p>';
  const rows = expectations.map((e) => [
    escapeHtml(e.name),
    `<code>${escapeHtml(e.metric)}</code> ${OP_TEXT[e.op] ?? escapeHtml(e.op)} ${e.value} at ${e.at === 'end' ? `end (t = ${e.month})` : escapeHtml(e.at)}`,
    `${num(e.fraction)} (${e.holds}/${e.runs})`,
    `${num(e.low)} – ${num(e.high)}`,
    `≥ ${e.probability}`,
    e.pass ? '<span class="verdict pass">PASS</span>' : '<span class="verdict fail">FAIL</span>',
  ]);
  const failed = expectations.filter((e) => !e.pass).length;
  const n = expectations.length;
  const noun = n === 1 ? 'expectation' : 'expectations';
  const closing = failed ? `${failed} of ${n} ${noun} failed.` : `${n === 1 ? 'The' : `All ${n}`} ${noun} passed.`;
  return [
    table(['expectation', 'condition', 'runs where it holds', '95 % interval', 'required', 'verdict'], rows, [false, false, true, true, true, false]),
    `<p>${closing}</p>`,
  ].join('\n');
}

function headerHtml(m: Manifest, summary: Summary): string {
  const name = m.scenarioName ?? 'Unnamed scenario';
  const description = m.scenario.description ? `<p class="description">${escapeHtml(m.scenario.description)}</p>` : '';
  const facts = [
    `${m.runs} run${m.runs === 1 ? '' : 's'} of ${m.months} months, ${summary.start} to ${summary.end}`,
    `seed ${escapeHtml(String(m.seed))}`,
    `shakeout ${escapeHtml(m.shakeoutVersion)}`,
    `written ${escapeHtml(m.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))} in ${m.wallTimeSeconds} s`,
  ];
  return `<header>\n<h1>${escapeHtml(name)}</h1>\n${description}\n<p class="meta">${facts.join(' · ')}</p>\n</header>`;
}

function chartsHtml(charts: readonly Chart[]): string {
  return charts
    .map((c, i) => {
      const title = c.title;
      return `<figure id="figure-${escapeHtml(c.name)}">\n<div class="chart" id="chart-${i}" role="img" aria-label="${escapeHtml(title)}"></div>\n<figcaption>${escapeHtml(c.caption)} <span class="file">charts/${escapeHtml(c.name)}</span></figcaption>\n</figure>`;
    })
    .join('\n');
}

const STYLE = `
:root { color-scheme: light; --ink: #222; --muted: #555; --rule: #ddd; --pass: #117733; --fail: #b2182b; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; font: 15px/1.5 "DejaVu Sans", Verdana, Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 16px; margin: 22px 0 6px; }
.description { margin: 4px 0; max-width: 820px; }
.meta, .note, figcaption { color: var(--muted); }
.meta { font-size: 13px; }
nav { margin: 14px 0 0; font-size: 14px; }
nav a { margin-right: 14px; color: #0072B2; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(500px, 1fr)); gap: 28px 36px; }
figure { margin: 0; }
.chart { min-height: 200px; }
.chart.vega-embed { display: block; width: 100%; max-width: 580px; }
.chart svg.marks { width: 100%; height: auto; display: block; }
figcaption { font-size: 14px; margin-top: 4px; max-width: 540px; }
.file { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; white-space: nowrap; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 14px; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { font-weight: 700; padding: 1px 6px; border-radius: 3px; color: #fff; }
.verdict.pass { background: var(--pass); }
.verdict.fail { background: var(--fail); }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
pre { background: #f6f6f6; padding: 12px; overflow: auto; max-height: 640px; }
details summary { cursor: pointer; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); }
@media print { nav, .vega-actions { display: none; } .grid { display: block; } figure { break-inside: avoid; margin-bottom: 24px; } }
`;

/**
 * Renders every chart with vega-embed as SVG and records the outcome on
 * <body data-charts="rendered|failed"> (what the end-to-end test waits for).
 */
const INIT = `
(function () {
  var specs = JSON.parse(document.getElementById('chart-specs').textContent);
  var options = { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } };
  Promise.all(specs.map(function (s, i) {
    return vegaEmbed('#chart-' + i, s.spec, Object.assign({ downloadFileName: s.name }, options)).then(function () {
      document.getElementById('chart-' + i).setAttribute('data-rendered', 'true');
    });
  })).then(function () {
    document.body.setAttribute('data-charts', 'rendered');
  }, function (error) {
    document.body.setAttribute('data-charts', 'failed');
    console.error('chart failed: ' + (error && error.message ? error.message : error));
  });
})();
`;

/** The report's HTML for the result folder `dir`. */
export function reportHtml(dir: string, selection: ChartSelection = {}): string {
  const folder = readResultFolder(dir);
  const summaryPath = join(dir, SUMMARY_JSON_FILE);
  if (!existsSync(summaryPath)) throw new UsageError(noSummary(dir));
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary;
  const charts = standardCharts(resultTable(folder), selection);
  const m = folder.manifest;
  const name = m.scenarioName ?? 'Unnamed scenario';
  const versions = BROWSER_BUILDS.map((b) => `${b.pkg} ${packageVersion(b.pkg)}`).join(', ');
  const scripts = BROWSER_BUILDS.map((b) => `<script>${scriptText(readFileSync(join(packageDir(b.pkg), b.file), 'utf8'))}</script>`);
  const specs = charts.map((c) => ({ name: c.name, spec: c.spec }));
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing is fetched: every script and style is inline. vega compiles its expressions with Function, hence unsafe-eval.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:">`,
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(name)}: shakeout report</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    headerHtml(m, summary),
    '<nav><a href="#charts">Charts</a><a href="#summary">Summary</a><a href="#expectations">Expectations</a><a href="#manifest">Manifest</a></nav>',
    '<section id="charts">',
    '<h2>Charts</h2>',
    `<p class="note">Drawn from timeseries.csv; <code>shakeout chart ${escapeHtml(dir)}</code> writes them as SVG, PNG and PDF for print.</p>`,
    `<div class="grid">\n${chartsHtml(charts)}\n</div>`,
    '</section>',
    '<section id="summary">',
    '<h2>Summary</h2>',
    summaryHtml(summary),
    '</section>',
    '<section id="expectations">',
    '<h2>Expectations</h2>',
    expectationsHtml(summary.expectations),
    '</section>',
    '<section id="manifest">',
    '<h2>Manifest</h2>',
    '<p class="note">What was run, with what: the resolved scenario, its SHA-256, the seed, the command line and the versions.</p>',
    `<details>\n<summary>manifest.json</summary>\n<pre>${escapeHtml(JSON.stringify(m, null, 2))}</pre>\n</details>`,
    '</section>',
    `<footer>Written by <code>shakeout report</code>. Charts by ${escapeHtml(versions)}, inlined.</footer>`,
    `<script type="application/json" id="chart-specs">${scriptJson(specs)}</script>`,
    ...scripts,
    `<script>${INIT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Writes the report of result folder `dir` to `out` (default `<dir>/report.html`), atomically; returns its path. */
export function writeReport(dir: string, out: string = join(dir, REPORT_FILE), selection: ChartSelection = {}): string {
  // A received result folder may hold links (report.html → elsewhere): never written through.
  assertNoLinkInside(dir, out);
  writeFileInto(out, reportHtml(dir, selection));
  return out;
}
