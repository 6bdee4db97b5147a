/**
 * `<results>/report.html`: one self-contained page with the run's charts,
 * its summary, the expectation verdicts and the manifest; for a comparison
 * or sweep folder, its charts, its headline or points table and manifest. vega, vega-lite
 * and vega-embed are inlined and a Content-Security-Policy forbids every
 * request, so the page works offline and from an e-mail attachment. The
 * folder may come from anyone: every value from it is escaped (html.ts),
 * and only the page's own scripts can run (contentSecurityPolicy).
 * Pipeline: result folder → chart specs (charts/) + summary.json → HTML.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ExpectationResult, Verdict } from '../sim/output/result-types.js';
import { assertNoLinkInside, writeFileInto } from '../sim/output/folder-writer.js';
import type { Manifest } from '../sim/output/manifest.js';
import { readSummary } from '../sim/output/read-folder.js';
import type { Band, Summary } from '../sim/output/summary.js';
import { readableNumber } from '../sim/output/summary-md.js';
import type { ComparedScenario } from '../sim/output/comparison-files.js';
import { folderKind, readComparisonFolder, readSweepFolder } from '../sim/output/read-collection.js';
import type { CellStatistics } from '../sim/output/sweep-files.js';
import { calibrationChartsOf, COMPARISON_DIFF_METRICS, comparisonChartsOf, sweepChartsOf } from './charts/collections.js';
import { readCalibrationFolder } from '../sim/output/read-calibration.js';
import { fractionText, settleText, thresholdText, verdictsSentence } from '../sim/output/verdict-text.js';
import { type Chart, type ChartSelection, standardCharts } from './charts/index.js';
import { type Html, html, joinHtml, raw, scriptJson } from './html.js';
import { readChartTable } from './read-table.js';

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

/** Script text that cannot end its <script> element early. */
function scriptText(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** summary.json writes NaN as null. */
function num(x: number | null | undefined): string {
  return readableNumber(x ?? NaN);
}

function range(b: Band): string {
  return `${num(b.p05)} – ${num(b.p95)}`;
}

/** Cells are Html (escaped where they were built). */
function table(header: readonly string[], rows: readonly (readonly Html[])[], numeric: readonly boolean[] = []): Html {
  const cell = (tag: 'th' | 'td', content: Html | string, i: number) =>
    numeric[i] ? html`<${raw(tag)} class="num">${content}</${raw(tag)}>` : html`<${raw(tag)}>${content}</${raw(tag)}>`;
  return html`<table>
<thead><tr>${header.map((h, i) => cell('th', h, i))}</tr></thead>
<tbody>
${rows.map((r) => html`<tr>${r.map((c, i) => cell('td', c, i))}</tr>\n`)}</tbody>
</table>`;
}

const OP_TEXT: Record<string, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '==': '=' };

function summaryHtml(s: Summary): Html {
  const out: Html[] = [html`<p class="note">Ranges are the 90 % range across runs (5th to 95th percentile).</p>`];
  if (s.hhiTokens.length) {
    out.push(html`<h3>Market concentration</h3>`, html`<p>HHI of tokens served (0–10,000).</p>`);
    const rows = s.hhiTokens.map((b) => [html`t = ${b.month}`, html`${b.date}`, html`${num(b.mean)}`, html`${range(b)}`]);
    out.push(table(['month', 'date', 'mean', '90 % range'], rows, [false, false, true, true]));
  }
  if (s.cohortDead || s.cohortDeadByClass.length) {
    const at = s.cohortDead ?? s.cohortDeadByClass[0];
    out.push(html`<h3>Deaths in the starting cohort</h3>`, html`<p>Fraction of the t = 0 startups dead by t = ${at.month} (${at.date}).</p>`);
    const rows = s.cohortDeadByClass.map((b) => [html`${b.class}`, html`${num(b.mean)}`, html`${range(b)}`]);
    if (s.cohortDead) rows.unshift([html`all`, html`${num(s.cohortDead.mean)}`, html`${range(s.cohortDead)}`]);
    out.push(table(['class', 'mean', '90 % range'], rows, [false, true, true]));
  }
  if (s.providersActive) {
    const b = s.providersActive;
    out.push(
      html`<h3>Providers at the end</h3>`,
      html`<p>Active providers at t = ${b.month} (${b.date}): mean ${num(b.mean)}, median ${num(b.p50)}, 90 % range ${range(b)}.</p>`,
    );
  }
  return joinHtml(out);
}

function expectationsHtml(expectations: readonly ExpectationResult[]): Html {
  if (expectations.length === 0) return html`<p>The scenario states no expectations.</p>`;
  const rows = expectations.map((e) => [
    html`${e.name}`,
    html`<code>${e.metric}</code> ${OP_TEXT[e.op] ?? e.op} ${thresholdText(e)} at ${e.at === 'end' ? `end (t = ${e.month})` : e.at}`,
    html`${num(e.fraction)} (${e.holds}/${e.runs})`,
    html`${fractionText(e.low)} – ${fractionText(e.high)}`,
    html`≥ ${e.probability}`,
    e.verdict === 'INCONCLUSIVE' ? html`${VERDICT_HTML[e.verdict]} ${settleText(e)}` : VERDICT_HTML[e.verdict],
  ]);
  return html`${table(['expectation', 'condition', 'runs where it holds', '95 % interval', 'required', 'verdict'], rows, [false, false, true, true, true, false])}
<p>${verdictsSentence(expectations)}</p>`;
}

const VERDICT_HTML: Record<Verdict, Html> = {
  PASS: html`<span class="verdict pass">PASS</span>`,
  FAIL: html`<span class="verdict fail">FAIL</span>`,
  INCONCLUSIVE: html`<span class="verdict inconclusive">INCONCLUSIVE</span>`,
};

/** ` (commit 0123456789ab, modified)` when a git checkout of shakeout wrote the folder; the schema allows only hex digits. */
function shakeoutCommitText(m: Manifest): string {
  if (m.shakeoutCommit === null) return '';
  return ` (commit ${m.shakeoutCommit.slice(0, 12)}${m.shakeoutTreeModified ? ', modified' : ''})`;
}

function headerHtml(m: Manifest, summary: Summary): Html {
  const name = m.scenarioName ?? 'Unnamed scenario';
  const description = m.scenario.description ? html`<p class="description">${m.scenario.description}</p>` : '';
  const facts = [
    `${m.runs} run${m.runs === 1 ? '' : 's'} of ${m.months} months, ${summary.start} to ${summary.end}`,
    `seed ${m.seed}`,
    `shakeout ${m.shakeoutVersion}${shakeoutCommitText(m)}`,
    `written ${m.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} in ${m.wallTimeSeconds} s`,
  ];
  return html`<header>
<h1>${name}</h1>
${description}
<p class="meta">${facts.join(' · ')}</p>
</header>`;
}

function chartsHtml(charts: readonly Chart[]): Html {
  return joinHtml(
    charts.map(
      (c, i) => html`<figure id="figure-${c.name}">
<div class="chart" id="chart-${i}" role="img" aria-label="${c.title}"></div>
<figcaption>${c.caption} <span class="file">charts/${c.name}</span></figcaption>
</figure>`,
    ),
  );
}

const STYLE = `
:root { color-scheme: light; --ink: #222; --muted: #555; --rule: #ddd; --pass: #117733; --fail: #b2182b; --inconclusive: #5a5a5a; }
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
.verdict.inconclusive { background: var(--inconclusive); }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
.wide { overflow-x: auto; }
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
  // ast + vega-embed's bundled interpreter: vega's expressions run without Function, so the CSP needs no 'unsafe-eval'.
  var options = { renderer: 'svg', ast: true, actions: { export: true, source: false, compiled: false, editor: false } };
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

/** The CSP source that lets exactly this inline script run. */
function scriptHash(code: string): string {
  return `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;
}

/**
 * The page's Content-Security-Policy: nothing is fetched (every script and
 * style is inline, images are data: or blob: URLs the charts make), and only
 * the inline scripts written here run, each named by its SHA-256, so no
 * markup that came in from the folder can run script, an event handler
 * attribute (`onerror=`) included. vega runs its expressions through its
 * interpreter (`ast: true` in INIT), so no 'unsafe-eval'.
 */
function contentSecurityPolicy(scripts: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(scriptHash).join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** A section of the page after the charts. */
interface Section {
  id: string;
  title: string;
  body: Html;
}

/**
 * A whole page: `header`, the charts (with `chartsNote` above them), then
 * `sections`; the browser builds and the charts' specs inlined.
 */
function pageHtml(title: string, header: Html, charts: readonly Chart[], chartsNote: Html, sections: readonly Section[]): string {
  const versions = BROWSER_BUILDS.map((b) => `${b.pkg} ${packageVersion(b.pkg)}`).join(', ');
  const code = [...BROWSER_BUILDS.map((b) => scriptText(readFileSync(join(packageDir(b.pkg), b.file), 'utf8'))), INIT];
  const specs = charts.map((c) => ({ name: c.name, spec: c.spec }));
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${raw(contentSecurityPolicy(code))}">
<link rel="icon" href="data:,">
<title>${title}: shakeout report</title>
<style>${raw(STYLE)}</style>
</head>
<body>
${header}
<nav><a href="#charts">Charts</a>${sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`)}</nav>
<section id="charts">
<h2>Charts</h2>
${chartsNote}
<div class="grid">
${chartsHtml(charts)}
</div>
</section>
${sections.map(
  (s) => html`<section id="${s.id}">
<h2>${s.title}</h2>
${s.body}
</section>
`,
)}<footer>Written by <code>shakeout report</code>. Charts by ${versions}, inlined.</footer>
<script type="application/json" id="chart-specs">${raw(scriptJson(specs))}</script>
${code.map((c) => html`<script>${raw(c)}</script>\n`)}</body>
</html>
`;
  return page.text;
}

/** The manifest, folded away. */
function manifestSection(what: string, manifest: unknown): Section {
  return {
    id: 'manifest',
    title: 'Manifest',
    body: html`<p class="note">${what}</p>
<details>
<summary>manifest.json</summary>
<pre>${JSON.stringify(manifest, null, 2)}</pre>
</details>`,
  };
}

/**
 * The report's HTML for the result, comparison, sweep or calibration folder `dir`.
 * Every value read from the folder is checked when read
 * (sim/output/read-folder.ts, read-collection.ts) and escaped here.
 */
export function reportHtml(dir: string, selection: ChartSelection = {}): string {
  const kind = folderKind(dir);
  if (kind === 'comparison') return comparisonReportHtml(dir, selection);
  if (kind === 'sweep') return sweepReportHtml(dir, selection);
  if (kind === 'calibration') return calibrationReportHtml(dir, selection);
  // Only the rows the charts draw are kept: a run with hundreds of providers has hundreds of thousands of flows metrics.
  const table = readChartTable(dir, selection.metrics);
  const m = table.manifest;
  const summary = readSummary(dir, m);
  const charts = standardCharts(table, selection);
  return pageHtml(
    m.scenarioName ?? 'Unnamed scenario',
    headerHtml(m, summary),
    charts,
    html`<p class="note">Drawn from timeseries.csv; <code>shakeout chart ${dir}</code> writes them as SVG, PNG and PDF for print.</p>`,
    [
      { id: 'summary', title: 'Summary', body: summaryHtml(summary) },
      { id: 'expectations', title: 'Expectations', body: expectationsHtml(summary.expectations) },
      manifestSection('What was run, with what: the resolved scenario, its SHA-256, the seed, the command line and the versions.', m),
    ],
  );
}

/** The header of a comparison or sweep page: its title, a line of facts and how it was made. */
function collectionHeader(title: string, facts: readonly string[], m: { shakeoutVersion: string; shakeoutCommit: string | null; shakeoutTreeModified: boolean | null; createdAt: string; wallTimeSeconds: number }): Html {
  const made = [
    `shakeout ${m.shakeoutVersion}${shakeoutCommitText(m as Manifest)}`,
    `written ${m.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} in ${m.wallTimeSeconds} s`,
  ];
  return html`<header>
<h1>${title}</h1>
<p class="meta">${[...facts, ...made].join(' · ')}</p>
</header>`;
}

const scenarioTitle = (s: ComparedScenario) => (s.name === null ? html`<code>${s.folder}</code>` : html`<code>${s.folder}</code> (${s.name})`);

function comparisonReportHtml(dir: string, selection: ChartSelection): string {
  const folder = readComparisonFolder(dir, (metric) => COMPARISON_DIFF_METRICS.includes(metric));
  const { manifest: m, summary: s } = folder;
  const charts = comparisonChartsOf(folder, selection);
  const headlines = s.whatIfs.map((w) => {
    const rows = w.headline.map((r) => [
      html`${r.label}`,
      html`t = ${r.month} (${r.date})`,
      html`${num(r.baseline)}`,
      html`${num(r.whatif)}`,
      html`${num(r.difference)}`,
      html`[${num(r.ciLow)}, ${num(r.ciHigh)}]`,
      html`${r.varianceReduction === 'infinite' ? '∞' : num(r.varianceReduction)}`,
    ]);
    const body = rows.length
      ? table(['measure', 'month', 'baseline', 'what-if', 'difference', '95 % interval', 'variance reduction'], rows, [false, false, true, true, true, true, true])
      : html`<p>No headline measure is recorded by both scenarios; see diff.csv.</p>`;
    return html`<h3>${scenarioTitle(w)}</h3>
${body}`;
  });
  const scenarios = table(
    ['', 'folder', 'name', 'scenario SHA-256'],
    m.scenarios.map((x, i) => [html`${i === 0 ? 'baseline' : 'what-if'}`, html`<code>${x.folder}</code>`, html`${x.name ?? ''}`, html`<code>${x.scenarioSha256.slice(0, 16)}…</code>`]),
  );
  return pageHtml(
    `Comparison against ${s.baseline.folder}`,
    collectionHeader(
      `Comparison against ${s.baseline.folder}`,
      [`${s.whatIfs.length} what-if${s.whatIfs.length === 1 ? '' : 's'}`, `${s.runs} paired run${s.runs === 1 ? '' : 's'} of ${s.months} months from ${s.start}`, `seed ${s.seed}`],
      m,
    ),
    charts,
    html`<p class="note">Run r of every scenario uses the same random numbers, so the difference what-if − baseline is averaged over paired runs. Drawn from the scenarios' folders, diff.csv and summary.json; <code>shakeout chart ${dir}</code> writes them as SVG, PNG and PDF for print.</p>`,
    [
      {
        id: 'headline',
        title: 'Headline',
        body: html`<p class="note">Difference: what-if − baseline, the mean over the paired runs, with its 95 % interval. Variance reduction: how many times smaller its variance is than that of the difference of independent runs.</p>
${joinHtml(headlines)}`,
      },
      { id: 'scenarios', title: 'Scenarios', body: html`<p class="note">Each has its own result folder in the comparison folder; <code>shakeout chart</code> and <code>shakeout report</code> on it draw its own charts and page.</p>
${scenarios}` },
      manifestSection('What was compared, with what: the scenarios and their SHA-256, the seed, the command line and the versions.', m),
    ],
  );
}

/** Points listed on the page; points.csv has them all. */
const SHOWN_POINTS = 200;

function sweepReportHtml(dir: string, selection: ChartSelection): string {
  const folder = readSweepFolder(dir);
  const { manifest: m, summary: s } = folder;
  const charts = sweepChartsOf(folder, selection);
  const cell = (c: CellStatistics) => html`${num(c.mean)} [${num(c.ciLow)}, ${num(c.ciHigh)}]`;
  const rows = s.points
    .slice(0, SHOWN_POINTS)
    .map((p) => [html`${p.point}`, ...p.parameters.map((x) => html`${num(x)}`), ...(p.cells ? p.cells.map(cell) : s.cells.map(() => html`failed`))]);
  const header = ['point', ...s.paths, ...s.cells.map((c) => `${c.metric} at t = ${c.month}`)];
  const failed = s.points.filter((p) => p.status === 'failed');
  const title = `Sweep of ${s.scenario ?? 'an unnamed scenario'}`;
  const design = s.design === 'grid' ? 'grid' : 'Latin hypercube';
  return pageHtml(
    title,
    collectionHeader(title, [`${s.points.length} points (${design} over ${s.paths.join(', ')})`, `${s.runs} run${s.runs === 1 ? '' : 's'} each of ${s.months} months from ${s.start}`, `seed ${s.seed}`], m),
    charts,
    html`<p class="note">Every point uses the same replication seeds, so neighbouring points differ by the parameters, not by the noise. Drawn from summary.json; <code>shakeout chart ${dir}</code> writes them as SVG, PNG and PDF for print.</p>`,
    [
      {
        id: 'points',
        title: 'Points',
        body: html`<p class="note">Each metric: mean over the runs [95 % interval of the mean].${s.points.length > SHOWN_POINTS ? ` The first ${SHOWN_POINTS} of ${s.points.length} points; points.csv has them all.` : ''}</p>
<div class="wide">${table(header, rows, header.map((_, i) => i > 0))}</div>
${failed.length ? html`<h3>Failed points (${failed.length})</h3>\n<ul>${failed.slice(0, SHOWN_POINTS).map((p) => html`<li>point ${p.point}: ${p.error ?? ''}</li>`)}</ul>` : ''}`,
      },
      manifestSection('What was swept, with what: the scenario, the design, the seed, the command line and the versions.', m),
    ],
  );
}

function calibrationReportHtml(dir: string, selection: ChartSelection): string {
  const folder = readCalibrationFolder(dir);
  const { manifest: m, fit } = folder;
  const charts = calibrationChartsOf(folder, selection);
  const title = `Calibration of ${fit.scenario ?? 'an unnamed scenario'}`;
  const method = fit.method === 'nelder-mead' ? 'Nelder–Mead' : 'CMA-ES';
  const parameters = table(
    ['path', 'fitted', 'lower', 'upper', 'start'],
    m.calibration.parameters.map((p) => [html`<code>${p.path}</code>`, html`${String(fit.parameters[p.path])}`, html`${num(p.lower)}`, html`${num(p.upper)}`, html`${num(p.start)}`]),
    [false, true, true, true, true],
  );
  const targets = table(
    ['metric', 'month', 'target', 'sd', 'mean', '95 % interval', 'z', 'source'],
    fit.targets.map((t) => [
      html`${t.metrics.join(' + ')}`,
      html`t = ${t.month} (${t.date})`,
      html`${num(t.value)}`,
      html`${num(t.sd)}`,
      html`${num(t.mean)}`,
      html`[${num(t.ciLow)}, ${num(t.ciHigh)}]`,
      html`${num(t.z)}`,
      html`${t.source ?? ''}`,
    ]),
    [false, false, true, true, true, true, true, false],
  );
  return pageHtml(
    title,
    collectionHeader(
      title,
      [`${method}, ${fit.evaluations} evaluations (${fit.stop === 'tolerance' ? 'converged' : 'stopped at maxEvaluations'})`, `${fit.runs} run${fit.runs === 1 ? '' : 's'} each of ${m.months} months from ${m.start}`, `seed ${fit.seed}`],
      m,
    ),
    charts,
    html`<p class="note">Every evaluation uses the same replication seeds. Drawn from evaluations.csv; <code>shakeout chart ${dir}</code> writes it as SVG, PNG and PDF for print.</p>`,
    [
      {
        id: 'fit',
        title: 'Fitted values',
        body: html`<p class="note">Objective Σ ((mean − value) / sd)² = ${num(fit.objective)} at evaluation ${fit.bestEvaluation}${fit.failed ? `; ${fit.failed} evaluations failed (see evaluations.csv)` : ''}. <code>fitted.yaml</code> is the scenario with these values.</p>
${parameters}`,
      },
      { id: 'targets', title: 'Targets', body: html`<p class="note">The mean over the runs at the fitted values, with its 95 % interval; z = (mean − value) / sd.</p>
${targets}` },
      manifestSection('What was calibrated, with what: the scenario, the targets, the search, the seed, the command line and the versions.', m),
    ],
  );
}

/** Writes the report of result folder `dir` to `out` (default `<dir>/report.html`), atomically; returns its path. */
export function writeReport(dir: string, out: string = join(dir, REPORT_FILE), selection: ChartSelection = {}): string {
  // A received result folder may hold links (report.html → elsewhere): never written through.
  assertNoLinkInside(dir, out);
  writeFileInto(out, reportHtml(dir, selection));
  return out;
}
