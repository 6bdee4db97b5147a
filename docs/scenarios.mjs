// Writes the generated tables of docs/scenarios.md, docs/calibration.md and
// docs/findings.md (`npm run docs:scenarios`).
//
// Runs the shipped 2024 scenarios through `shakeout compare` at their own
// run count and seed (the exit against its counterfactual, then every
// policy what-if against the exit), and replaces the text between each
// `<!-- results: <file> -->` and `<!-- end results -->` marker of
// scenarios.md with that scenario's table. The numbers on the page are then
// exactly what a reader gets by typing the commands printed at its top.
//
// Then it varies the parameters nobody has measured (and switches single
// mechanisms off) in the exit scenario and its counterfactual alike, and
// writes the exit's effect under each variant between the
// `<!-- variants: <table> -->` markers of calibration.md and findings.md.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const cli = join('dist', 'sim', 'cli', 'main.js');
const page = join('docs', 'scenarios.md');
const out = join('results', 'docs-scenarios');

/** Each comparison: its baseline, its what-ifs (files under scenarios/). */
const comparisons = [
  { name: 'exit', baseline: 'counterfactual-no-exit.yaml', whatIfs: ['china-2024-openai-exit.yaml'] },
  {
    name: 'policies',
    baseline: 'china-2024-openai-exit.yaml',
    whatIfs: [
      'policy-interoperability.yaml',
      'policy-compute-vouchers.yaml',
      'policy-open-weights.yaml',
      'policy-export-controls.yaml',
      'subsidy-war.yaml',
    ],
  },
];

/** The commands that produce the page's numbers, as a reader types them. */
function commands() {
  return comparisons.map(
    (c) =>
      `shakeout compare ${[c.baseline, ...c.whatIfs].map((f) => `scenarios/${f}`).join(' ')} --out ${out}/${c.name}`,
  );
}

function runComparison(c) {
  const files = [c.baseline, ...c.whatIfs].map((f) => join('scenarios', f));
  process.stderr.write(`docs:scenarios: comparing ${files.join(', ')}\n`);
  execFileSync(process.execPath, [cli, 'compare', ...files, '--out', join(out, c.name), '--force', '--quiet'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const stem = (file) => file.replace(/\.ya?ml$/, '');

/** Means of one month of a result folder's timeseries.csv, by metric. */
function meansAt(folder, month) {
  const means = new Map();
  const lines = readFileSync(join(folder, 'timeseries.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const [iMetric, iMonth, iMean] = ['metric', 'month', 'mean'].map((c) => header.indexOf(c));
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    if (Number(cells[iMonth]) === month) means.set(cells[iMetric], Number(cells[iMean]));
  }
  return means;
}

const pct = (x) => `${(100 * x).toFixed(1)} %`;
const num = (x, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }).replace('-', '−');
/** A difference with its sign; one that rounds to zero is written without one. */
function signed(x, format) {
  const magnitude = format(Math.abs(x));
  if (!/[1-9]/.test(magnitude)) return format(0);
  return x > 0 ? `+${magnitude}` : `−${magnitude}`;
}

/** Formats a headline row's value the way its unit reads. */
function formatter(metric) {
  if (metric.endsWith('.fraction')) return { value: pct, diff: (x) => `${(100 * x).toFixed(2)} pp` };
  if (metric === 'providers.active') return { value: (x) => num(x, 1), diff: (x) => num(x, 2) };
  return { value: (x) => num(x), diff: (x) => num(x) };
}

/** Token shares at 2025-06 (t = 12), the month of IDC's 2025 H1 figures. */
function sharesLine(folder) {
  const means = meansAt(folder, 12);
  const shares = [...means].filter(([m]) => m.startsWith('share.tokens.')).sort((a, b) => b[1] - a[1]);
  const top = shares.slice(0, 3).map(([m, v]) => `${m.slice('share.tokens.'.length)} ${pct(v)}`);
  const rest = shares.slice(3).reduce((sum, [, v]) => sum + v, 0);
  return `Token shares at 2025-06 (t = 12): ${top.join(', ')}, all others ${pct(rest)}.`;
}

function expectationsTable(folder) {
  const summary = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
  const rows = (summary.expectations ?? []).map((e) => {
    const against = e.baseline ? ` (against ${e.baseline.name ?? e.baseline})` : '';
    return `| ${e.name}${against} | ${pct(e.fraction)} [${pct(e.low)}, ${pct(e.high)}] | ≥ ${pct(e.probability)} | ${e.verdict} |`;
  });
  if (rows.length === 0) return '';
  return ['| expectation | runs where it holds [95 %] | required | verdict |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function headlineTable(comparison, whatIf) {
  const summary = JSON.parse(readFileSync(join(out, comparison.name, 'summary.json'), 'utf8'));
  const entry = summary.whatIfs.find((w) => w.folder === stem(whatIf));
  const rows = entry.headline.map((h) => {
    const f = formatter(h.metric);
    const ci = `[${signed(h.ciLow, f.diff)}, ${signed(h.ciHigh, f.diff)}]`;
    return `| ${h.label} | ${h.date} | ${f.value(h.baseline)} | ${f.value(h.whatif)} | ${signed(h.difference, f.diff)} | ${ci} |`;
  });
  return [
    `Against \`${comparison.baseline}\`, ${summary.runs} paired runs, seed ${summary.seed}:`,
    '',
    '| measure | month | baseline | this scenario | difference | 95 % interval |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** What the public paid for compute vouchers, where a scenario has any. */
function vouchersLine(folder) {
  const summary = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
  const cost = meansAt(folder, summary.months - 1).get('vouchers.cost.cumulative');
  return cost === undefined ? '' : `Public cost of the vouchers over the run: ${num(cost / 1e6, 2)} M USD (mean over the runs).`;
}

function resultsFor(file) {
  const parts = [];
  for (const c of comparisons) {
    if (c.baseline === file && c.name === 'exit') {
      const folder = join(out, c.name, stem(file));
      parts.push('Its headline numbers are the baseline column of the next table.', sharesLine(folder));
    }
    if (c.whatIfs.includes(file)) {
      const folder = join(out, c.name, stem(file));
      parts.push(headlineTable(c, file), sharesLine(folder), vouchersLine(folder), expectationsTable(folder));
    }
  }
  return parts.filter(Boolean).join('\n\n');
}

function fill(text) {
  const marker = /(<!-- results: ([\w.-]+) -->\n)[\s\S]*?(<!-- end results -->)/g;
  const filled = text.replace(marker, (_all, open, file, close) => `${open}${resultsFor(file)}\n${close}`);
  return filled.replace(
    /(<!-- commands -->\n)[\s\S]*?(<!-- end commands -->)/,
    (_all, open, close) => `${open}\`\`\`sh\n${commands().join('\n')}\n\`\`\`\n${close}`,
  );
}

// --- variants of the exit and its counterfactual ---------------------------

const classes = ['small', 'medium', 'large', 'heavy'];
const everyClass = (field, value) => Object.fromEntries(classes.map((c) => [`classes.${c}.${field}`, value]));
const campaigns = ['zhipu-migration', 'baidu-migration', 'alibaba-migration', 'sensetime-migration', 'tencent-new-users', 'baichuan-migration'];

/** Tables of variants: each row sets values in both worlds (or drops events of the exit world). */
const variantTables = {
  robustness: [
    ...[0, 1, 2, 3].map((v) => ({ label: `η = ${v}${v === 2 ? ' (shipped)' : ''}`, set: everyClass('qualityElasticity', v) })),
    ...[0, 0.5, 1, 2].map((v) => ({ label: `γ = ${v}${v === 0.5 ? ' (shipped)' : ''}`, set: everyClass('network', v) })),
    ...[0, 0.5, 1].map((v) => ({ label: `w = ${v}${v === 0 ? ' (shipped)' : ''}`, set: { 'qualityReference.frontierWeight': v } })),
  ],
  mechanisms: [
    { label: 'as shipped', set: {} },
    { label: 'η = 0: revenue does not depend on model quality', set: everyClass('qualityElasticity', 0) },
    { label: 'w = 1: quality counts against the best model in the market', set: { 'qualityReference.frontierWeight': 1 } },
    { label: 'γ = 0: no network effect', set: everyClass('network', 0) },
    { label: 'no migration campaigns', set: {}, dropFromExit: campaigns },
  ],
};

/** YAML for a file that extends `base` and applies a variant (JSON is YAML). */
function variantFile(base, variant, drops, dir) {
  const events = [
    ...Object.keys(variant.set).length ? [{ id: 'variant', at: '2024-06', set: variant.set }] : [],
    ...drops.map((id) => ({ id, drop: true })),
  ];
  return JSON.stringify({ name: `${variant.label}`, extends: relative(dir, base), events, expect: [] }, null, 2);
}

function runVariant(table, index, variant) {
  const dir = join(out, 'variants', `${table}-${index + 1}`);
  mkdirSync(dir, { recursive: true });
  const exit = join(dir, 'exit.yaml');
  const counterfactual = join(dir, 'counterfactual.yaml');
  writeFileSync(exit, variantFile(join('scenarios', 'china-2024-openai-exit.yaml'), variant, variant.dropFromExit ?? [], dir));
  writeFileSync(counterfactual, variantFile(join('scenarios', 'counterfactual-no-exit.yaml'), variant, [], dir));
  process.stderr.write(`docs:scenarios: ${table}: ${variant.label}\n`);
  const folder = join(dir, 'comparison');
  execFileSync(process.execPath, [cli, 'compare', counterfactual, exit, '--out', folder, '--force', '--quiet', '--no-charts'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const summary = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
  const rows = summary.whatIfs[0].headline;
  const find = (metric, month) => rows.find((h) => h.metric === metric && (month === undefined || h.month === month));
  const shares = meansAt(join(folder, 'exit'), 12);
  const leader = [...shares].filter(([m]) => m.startsWith('share.tokens.')).sort((a, b) => b[1] - a[1])[0];
  const hhi = find('hhi.tokens', 12);
  const dead = find('cohort.dead.small.on.openai.fraction');
  const active = find('providers.active');
  const ci = (h, f) => `${signed(h.difference, f)} [${signed(h.ciLow, f)}, ${signed(h.ciHigh, f)}]`;
  const pp = (x) => `${(100 * x).toFixed(2)} pp`;
  return `| ${variant.label} | ${num(hhi.whatif)} | ${ci(hhi, (x) => num(x))} | ${pct(dead.whatif)} | ${ci(dead, pp)} | ${(dead.whatif / dead.baseline).toFixed(2)} | ${num(active.whatif, 1)} | ${leader[0].slice('share.tokens.'.length)} ${pct(leader[1])} |`;
}

function variantTable(table) {
  const rows = variantTables[table].map((variant, index) => runVariant(table, index, variant));
  return [
    `${summaryRuns()} paired runs per row, seed as shipped; the exit world against its counterfactual under the same values. HHI and the leader's token share at 2025-06 (t = 12); deaths of small OpenAI customers by 2025-06; providers active at the end (2027-05).`,
    '',
    '| variant | HHI of tokens, exit | exit effect on HHI [95 %] | OpenAI\'s small customers dead, exit | exit effect [95 %] | ratio to counterfactual | providers active at end, exit | largest token share, exit |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function summaryRuns() {
  return JSON.parse(readFileSync(join(out, 'exit', 'summary.json'), 'utf8')).runs;
}

function fillVariants(file) {
  const text = readFileSync(file, 'utf8');
  const marker = /(<!-- variants: (\w+) -->\n)[\s\S]*?(<!-- end variants -->)/g;
  const labsMarker = /(<!-- labs -->\n)[\s\S]*?(<!-- end labs -->)/;
  const filled = text.replace(marker, (_all, open, table, close) => `${open}${variantTable(table)}\n${close}`);
  writeFileSync(file, filled.replace(labsMarker, (_all, open, close) => `${open}${labsTable()}\n${close}`));
  process.stderr.write(`docs:scenarios: wrote ${file}\n`);
}

// --- the labs' fates ---------------------------------------------------------

const labs = ['zhipu', 'moonshot', 'minimax', 'baichuan', 'stepfun', 'yi', 'deepseek'];

/** Column of runs.csv (one row per run, values at the last month), as numbers. */
function runsColumn(folder, metric) {
  const [header, ...lines] = readFileSync(join(folder, 'runs.csv'), 'utf8').trim().split('\n');
  // Scenario names are quoted and may hold commas: count columns from the right.
  const columns = header.split(',');
  const fromRight = columns.length - columns.indexOf(metric);
  return lines.map((line) => {
    const cells = line.split(',');
    return Number(cells[cells.length - fromRight]);
  });
}

function labsTable() {
  const exit = join(out, 'exit', 'china-2024-openai-exit');
  const stays = join(out, 'exit', 'counterfactual-no-exit');
  const bankrupt = (folder, lab) => runsColumn(folder, `provider.cash.${lab}`).filter((cash) => cash < 0).length;
  const runs = runsColumn(exit, 'providers.active').length;
  const rows = labs.map((lab) => {
    const start = meansAt(exit, 0).get(`provider.cash.${lab}`);
    const mid = meansAt(exit, 30).get(`provider.cash.${lab}`);
    return `| ${lab} | ${num(start / 1e6)} M | ${num(mid / 1e6)} M | ${bankrupt(exit, lab)} of ${runs} | ${bankrupt(stays, lab)} of ${runs} |`;
  });
  return [
    '| lab | cash at the end of 2024-06 | mean cash at the end of 2026-12 | bankrupt by 2027-05, exit | bankrupt by 2027-05, no exit |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Charts of findings.md, copied from the comparison folders. */
const figures = [
  ['exit', 'compare-hhi-tokens.svg', 'exit-hhi-tokens.svg'],
  ['exit', 'difference-survival.svg', 'exit-difference-survival.svg'],
  ['policies', 'forest.svg', 'policies-forest.svg'],
  ['policies', 'compare-hhi-tokens.svg', 'policies-hhi-tokens.svg'],
];

function copyFigures() {
  const dir = join('docs', 'img', 'findings');
  mkdirSync(dir, { recursive: true });
  for (const [comparison, chart, name] of figures) copyFileSync(join(out, comparison, 'charts', chart), join(dir, name));
}

for (const c of comparisons) runComparison(c);
writeFileSync(page, fill(readFileSync(page, 'utf8')));
process.stderr.write(`docs:scenarios: wrote ${page}\n`);
copyFigures();
for (const file of [join('docs', 'calibration.md'), join('docs', 'findings.md')]) fillVariants(file);
