/**
 * Text from scenario files as an attack (docs/security.md, "Bounded and
 * escaped text"): names that forge verdict lines, rename the terminal or
 * clear the screen; bidirectional and zero-width characters; Markdown and
 * HTML in summary.md; names long enough to make "did you mean" quadratic;
 * a CI gate pointed at a folder without scenario files.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeNames } from '../../sim/close-names.js';
import type { ExpectationResult } from '../../sim/output/result-types.js';
import { resolveExpectations } from '../../sim/ensemble/expectations.js';
import { inReplication, notFinite, reproduceCommand } from '../../sim/ensemble/messages.js';
import { ScenarioError } from '../../sim/errors.js';
import { compile } from '../../sim/model/compile.js';
import { summaryMarkdown } from '../../sim/output/summary-md.js';
import type { Summary } from '../../sim/output/summary.js';
import { expectationLines } from '../../sim/cli/expectations-table.js';
import { closest } from '../../sim/scenario/messages.js';
import { tempDir } from '../output/tmp.js';
import { files, load, problems, scenario } from '../scenario/helpers.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What a terminal acts on or hides: C0 and C1 controls but the newline, DEL, bidi overrides and isolates, zero-width characters. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

/** An expectation name that would forge a FAIL line, retitle the terminal, clear the screen and reverse the text. */
const FORGED = 'ok\n  FAIL  forged\u001b]0;pwned\u0007\u001b[2J\u202etxt.exe\u200b';
const FORGED_SHOWN = String.raw`ok\n  FAIL  forged\u001b]0;pwned\u0007\u001b[2J\u202etxt.exe\u200b`;

/** scenarios/minimal.yaml with its expectation renamed (and made to pass: probability 0). */
function minimalWith(name: string, metric = 'cohort.dead.small.on.leader.fraction'): string {
  const text = readFileSync(join(root, 'scenarios', 'minimal.yaml'), 'utf8')
    .replace('name: many leader customers die', `name: ${JSON.stringify(name)}`)
    .replace('metric: cohort.dead.small.on.leader.fraction', `metric: ${JSON.stringify(metric)}`)
    .replace(/probability: 0\.5 +#/, 'probability: 0 #');
  expect(text).toContain(JSON.stringify(name));
  return text;
}

function result(over: Partial<ExpectationResult>): ExpectationResult {
  return {
    name: 'n',
    metric: 'hhi.tokens',
    at: 'end',
    month: 11,
    op: '>=',
    value: 1,
    probability: 0.5,
    holds: 2,
    runs: 2,
    fraction: 1,
    low: 0.34,
    high: 1,
    verdict: 'PASS',
    pass: true,
    runsToSettle: null,
    ...over,
  };
}

describe('the terminal: every string from a scenario is escaped', () => {
  it('check: an expectation name cannot forge a FAIL line or send escape sequences (exit 0, one verdict line)', () => {
    const dir = tempDir();
    const file = join(dir, 'forged.yaml');
    writeFileSync(file, minimalWith(FORGED));
    const r = shakeout('check', file, '--runs', '2', '--workers', '1');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(RAW);
    const verdicts = r.stderr.split('\n').filter((l) => /^\s*(PASS|FAIL|INCONCLUSIVE)\b/.test(l));
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatch(/^ {2}PASS {2}/);
    expect(verdicts[0]).toContain(FORGED_SHOWN);
  });

  it('validate: an expectation with an unknown metric and a forged name is one line, exit 2', () => {
    const dir = tempDir();
    const file = join(dir, 'forged.yaml');
    writeFileSync(file, minimalWith('x\nforged.yaml:1: ok\u001b[2J', 'hhi.token\u0007'));
    const r = shakeout('validate', file);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW);
    // Located at the metric's own line, so the (forged) name need not be shown at all.
    const line = minimalWith('x', 'm').split('\n').findIndex((l) => l.includes('metric: "m"')) + 1;
    expect(r.stderr).toBe(`${file}:${line}: expect[0].metric: no metric named "hhi.token\\u0007" (did you mean hhi.tokens?)\n`);
  });

  it('a verdict line shows names, metrics and months escaped and cut', () => {
    const lines = expectationLines([result({ name: FORGED, metric: 'm\u009b2J', at: '2025-01\r' }), result({ name: 'y'.repeat(500), verdict: 'FAIL', pass: false })]);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toMatch(RAW);
    expect(lines[0]).toBe(
      `  PASS  ${FORGED_SHOWN}${' '.repeat(80 - FORGED_SHOWN.length)}  m\\u009b2J >= 1 at 2025-01\\r: holds in 2/2 runs (100 %, 95 % CI 34 %–100 %), needs 50 %`,
    );
    expect(lines[1]).toMatch(new RegExp(`^ {2}FAIL {2}${'y'.repeat(79)}… {2}hhi\\.tokens >= 1 at end: `));
  });

  it('a base file whose name holds escape sequences is printed escaped in its problems', () => {
    const base = 'base\u001b]0;pwned\u0007.yaml';
    const read = files({ [base]: 'colour: red' });
    const message = problems(scenario(`extends: ${JSON.stringify(base)}`), 'x.yaml', read);
    expect(message).not.toMatch(RAW);
    expect(message).toBe(String.raw`base\u001b]0;pwned\u0007.yaml:1: unknown key "colour"`);
  });

  it('a ScenarioError is one line per problem, whatever its file name and message hold', () => {
    const e = new ScenarioError([{ file: 'a\u001b[2J.yaml', line: 3, path: 'name', message: 'bad\nforged: line\u202e' }]);
    expect(e.message).toBe(String.raw`a\u001b[2J.yaml:3: name: bad\nforged: line\u202e`);
  });

  it('a text seed is escaped in messages, and written $\'…\' in the command that reproduces a run', () => {
    const seed = "s\u001b]0;x\u0007'\n";
    const command = reproduceCommand('x.yaml', seed, 3, 12);
    expect(command).toBe(String.raw`shakeout run x.yaml --seed $'s\x1b]0;x\x07\'\x0a' --runs 3 --months 12`);
    expect(command).not.toMatch(RAW);
    expect(reproduceCommand('x.yaml', 'plain seed', 3, 12)).toBe("shakeout run x.yaml --seed 'plain seed' --runs 3 --months 12");
    const stopped = notFinite('hhi.tokens', NaN, '2025-01', 7, 2, seed, command);
    expect(stopped).not.toMatch(RAW);
    expect(stopped).toMatch(/^replication 2 \(seed s\\u001b\]0;x\\u0007'\\n\): hhi\.tokens is NaN/);
  });

  it("a model error quoting a multi-line expression stays on one line", () => {
    const message = inReplication('providers.a.price: "max(\n  cost, -1)\u001b[2J" gave -1 in 2024-07 (t = 1)', 0, 1, 'shakeout run x.yaml --seed 1 --runs 1 --months 2');
    expect(message.split('\n')).toHaveLength(1);
    expect(message).not.toMatch(RAW);
    expect(message).toContain(String.raw`"max(\n  cost, -1)\u001b[2J" gave -1`);
  });
});

describe('summary.md: scenario text is escaped for Markdown', () => {
  const summary: Summary = {
    scenario: '#1 <img src=x onerror=alert(1)> | `code` *bold* [link](http://x) ~~gone~~ $x$ &amp;\n# forged heading',
    seed: 'a|b\n<br>',
    runs: 2,
    months: 12,
    start: '2024-06',
    end: '2025-05',
    hhiTokens: [],
    cohortDead: null,
    cohortDeadByClass: [],
    providersActive: null,
    expectations: [result({ name: 'x | FAIL | forged\n| row |', metric: '<b>m</b>_x_', verdict: 'FAIL', pass: false })],
  };

  it('names, seeds and metrics cannot add headings, cells, links, code or HTML', () => {
    const lines = summaryMarkdown(summary).split('\n');
    expect(lines[0]).toBe(
      String.raw`# \#1 \<img src=x onerror=alert(1)\> \| \`code\` \*bold\* \[link\](http://x) \~\~gone\~\~ \$x\$ \&amp;\\n\# forged heading`,
    );
    expect(lines[2]).toBe(String.raw`2 runs of 12 months, 2024-06 to 2025-05, seed a\|b\\n\<br\>.`);
    const row = lines.find((l) => l.startsWith('| x'));
    expect(row).toBe(
      String.raw`| x \| FAIL \| forged\\n\| row \| | \<b\>m\</b\>\_x\_ ≥ 1 at end (t = 11) | 1 (2/2) | 0.34 – 1 | ≥ 0.5 | FAIL |`,
    );
    // A table row of six cells: unescaped pipes are the seven borders.
    expect(row?.replace(/\\\|/g, '').split('|')).toHaveLength(8);
    expect(lines.filter((l) => l.startsWith('#'))).toEqual([lines[0], '## Expectations']);
  });

  it('a name is cut to 200 characters', () => {
    const title = summaryMarkdown({ ...summary, scenario: 'n'.repeat(100_000) }).split('\n')[0];
    expect(title).toBe(`# ${'n'.repeat(199)}…`);
  });
});

describe('"did you mean" is bounded, whatever the lengths', () => {
  it('a name longer than 256 characters gets no suggestion (a full comparison was quadratic)', () => {
    const long = 'a'.repeat(300);
    expect(closest(`${long}b`, [long])).toBeUndefined();
    expect(closeNames(`${long}b`, [long])).toEqual([]);
    // Typos are still found.
    expect(closest('openia', ['zhipu', 'openai'])).toBe('openai');
    expect(closeNames('cohort.dead.smal.fraction', ['hhi.tokens', 'cohort.dead.small.fraction'])).toEqual(['cohort.dead.small.fraction']);
  });

  it('a candidate much longer or shorter than the name is not a suggestion', () => {
    expect(closeNames('hhi.tokens', ['hhi.tokens.and.many.more.words', 'hhi.token'])).toEqual(['hhi.token']);
    expect(closest('openai', ['openai'.repeat(5000)])).toBeUndefined();
  });

  it('an unknown metric of 200 characters among 300 providers\' metrics is quoted cut, with its length', () => {
    const providers = Array.from({ length: 300 }, (_, i) => `  - { id: p${i}, price: 1, quality: 1, unitCost: 0.5, cash: 1e9 }`).join('\n');
    const metric = `flows.p1.${'p'.repeat(191)}`;
    const text = scenario(`providers:\n${providers}\nexpect:\n  - { name: long, metric: ${metric}, at: end, op: ">=", value: 1 }`);
    const compiled = compile(load(text).scenario);
    expect(compiled.metricNames.length).toBeGreaterThan(90_000);
    expect(() => resolveExpectations(compiled)).toThrow(`expect.long: no metric named "${metric.slice(0, 79)}…" (200 characters)`);
  });
});

describe('a folder without scenario files is bad input, not a pass', () => {
  it.each([['validate'], ['check']])('%s on an empty folder: one line, exit 2', (command) => {
    const dir = tempDir();
    const r = shakeout(command, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`no scenario files in ${dir} (.yaml, .yml or .json)\n`);
  });

  it.each([['validate'], ['check']])('%s on a folder of other files and subfolders: exit 2, no verdict', (command) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'README.md'), '# notes\n');
    writeFileSync(join(dir, 'scenario.schema.json'), '{}\n');
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', 'x.yaml'), 'start: 2024-06\n');
    const r = shakeout(command, dir);
    expect(r.code).toBe(2);
    // validate looks at the folder's own files; check also into its subfolders, where it finds a scenario with problems.
    if (command === 'validate') expect(r.stderr).toBe(`no scenario files in ${dir} (.yaml, .yml or .json)\n`);
    else expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^${join(dir, 'nested', 'x.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
  });

  it('check on a folder whose subfolders hold only data that is not a scenario: one line, exit 2', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'scenario.schema.json'), '{}\n');
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', 'list.yaml'), '- 1\n- 2\n');
    writeFileSync(join(dir, 'nested', 'data.json'), '{"rows": []}\n');
    const r = shakeout('check', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`no scenario files in ${dir} (.yaml, .yml or .json)\n`);
  });
});
