/**
 * The chart specs of the shipped minimal scenario, checked against golden
 * files (rewritten only with GOLDEN_UPDATE=1: `npm run golden:update`),
 * and the rules every chart keeps: a theme, stable provider colours, axis
 * titles with units, dates on the time axis, no vega-lite warning.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UsageError } from '../../sim/errors.js';
import { readResultFolder } from '../../sim/output/result-folder.js';
import { CHART_KINDS, type Chart, standardCharts } from '../../viz/charts/index.js';
import { eventMarks, tickStep } from '../../viz/charts/parts.js';
import { parseFormats } from '../../viz/draw.js';
import { parseScale, parseWidth } from '../../viz/options.js';
import { renderSvg, toVega } from '../../viz/render/svg.js';
import { providersOf, resultTable, type ResultTable } from '../../viz/table.js';
import { PALETTE } from '../../viz/theme.js';
import { minimalResult, type Scratch } from './fixtures.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'minimal');
const update = process.env.GOLDEN_UPDATE === '1';

let scratch: Scratch;
let table: ResultTable;
let charts: Chart[];

beforeAll(async () => {
  scratch = await minimalResult();
  table = resultTable(readResultFolder(scratch.dir));
  charts = standardCharts(table);
});
afterAll(() => scratch?.remove());

/** Every object in a spec, depth first. */
function* objects(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (value && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

describe('golden specs of the minimal scenario', () => {
  test('one chart of each kind', () => {
    expect(charts.map((c) => c.kind)).toEqual([...CHART_KINDS]);
    expect(charts.map((c) => c.name)).toEqual(['hhi-tokens', 'shares-tokens', 'survival', 'deaths', 'flows', 'providers']);
  });

  test.each(['hhi-tokens', 'shares-tokens', 'survival', 'deaths', 'flows', 'providers'])('%s.vl.json', (name) => {
    const chart = charts.find((c) => c.name === name);
    expect(chart).toBeDefined();
    const actual = JSON.stringify(chart!.spec, null, 2) + '\n';
    const golden = join(GOLDEN, `${name}.vl.json`);
    if (update) {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(golden, actual);
    }
    expect(existsSync(golden), `${name} has no golden file; run npm run golden:update`).toBe(true);
    expect(actual, 'the spec changed: if that is intended, run npm run golden:update and review the diff').toBe(readFileSync(golden, 'utf8'));
  });
});

describe('every chart', () => {
  test('compiles and renders without a vega-lite or vega warning', async () => {
    for (const c of charts) {
      expect(toVega(c.spec).warnings, c.name).toEqual([]);
      const svg = await renderSvg(c.spec);
      expect(svg.warnings, c.name).toEqual([]);
      if (c.kind !== 'flows') expect(svg.width, c.name).toBeGreaterThan(240);
      expect(svg.width, c.name).toBeLessThanOrEqual(252);
      expect(/^<svg[^>]* width="[\d.]+pt" height="[\d.]+pt" viewBox="0 0 [\d.]+ [\d.]+"/.test(svg.svg), c.name).toBe(true);
    }
  });

  test('shares one theme: font, title, sized for one column of 3.5 in', () => {
    for (const c of charts) {
      const s = c.spec as Record<string, any>;
      expect(s.config.font, c.name).toMatch(/^DejaVu Sans/);
      expect(s.config.range.category).toEqual(PALETTE);
      if (c.kind !== 'flows') expect(s.width, c.name).toBe(252);
      expect(s.title.text, c.name).toBeTruthy();
      expect(s.title.subtitle[0], c.name).toBe('Minimal exit · 50 runs');
    }
  });

  test('has axis titles, with units where the axis is a quantity', () => {
    const titles = charts.map((c) => [...objects(c.spec)].filter((o) => o.axis && typeof o.axis === 'object').map((o) => (o.axis as { title?: string }).title));
    expect(titles[0]).toContain('HHI (0–10,000)');
    expect(titles[1]).toContain('Share of tokens served (%)');
    expect(titles[2]).toContain('Alive, of those alive at start (%)');
    expect(titles[3]).toContain('Deaths per month (startups)');
    expect(titles[5]).toContain('Active providers (count)');
    for (const t of titles.filter((_, i) => i !== 4)) expect(t).toContain('End of month');
  });

  test('puts calendar dates on the time axis', () => {
    for (const c of charts.filter((c) => c.kind !== 'flows')) {
      const x = [...objects(c.spec)].find((o) => o.field === 'date' && o.type === 'temporal') as Record<string, any>;
      expect(x, c.name).toBeDefined();
      expect(x.scale.type).toBe('utc');
      expect(x.axis.format).toBe('%b %Y');
    }
  });
});

describe('the HHI chart', () => {
  test('draws the 1,800 and 2,500 thresholds, labelled, and the events', () => {
    const s = JSON.stringify(charts[0].spec);
    expect(s).toContain('"value":1800,"label":"1,800: highly concentrated (US guidelines 2023)"');
    expect(s).toContain('"value":2500,"label":"2,500: highly concentrated (US guidelines 2010)"');
    expect(s).toContain('"label":"Leader exits"');
    expect(s).toContain('"label":"Rival campaign"');
  });

  test('charts any HHI metric by option, and refuses others with a hint', () => {
    const byCustomers = standardCharts(table, { metrics: ['hhi.customers'], only: ['hhi'] });
    expect(byCustomers.map((c) => c.name)).toEqual(['hhi-customers']);
    expect(JSON.stringify(byCustomers[0].spec)).toContain('HHI of customers');
    expect(() => standardCharts(table, { metrics: ['hhi.token'] })).toThrow(/--metric hhi.token: .*did you mean hhi.tokens/);
    expect(() => standardCharts(table, { metrics: ['deaths'] })).toThrow(UsageError);
    expect(() => standardCharts(table, { only: ['pie'] })).toThrow(/--only pie: unknown chart/);
  });
});

describe('events', () => {
  test('one marker per month, named after what happens', () => {
    expect(eventMarks(table)).toEqual([
      { date: '2024-08', label: 'Rival campaign' },
      { date: '2024-09', label: 'Leader exits' },
    ]);
  });

  test('several events in one month are summed up', () => {
    const { manifest } = table;
    const events = [
      { at: '2024-06', campaign: { provider: 'rival' } },
      { at: '2024-06', campaign: { provider: 'budget' } },
      { at: '2024-07', exit: 'leader' },
      { at: '2024-07', id: 'tax', set: { 'providers.rival.price': 1 } },
      { at: '2030-01', exit: 'budget' },
    ];
    const t = { ...table, manifest: { ...manifest, scenario: { ...manifest.scenario, events } } } as unknown as ResultTable;
    expect(eventMarks(t)).toEqual([
      { date: '2024-06', label: '2 campaigns' },
      { date: '2024-07', label: 'Leader exits, 1 other event' },
    ]);
  });

  test('a label too long for any row still gets one (a long provider name used to hang every chart)', () => {
    const { manifest } = table;
    const name = 'a b c d e f g h i j k l m n o p q r s t u v w x y z';
    const providers = manifest.scenario.providers.map((p) => (p.id === 'leader' ? { ...p, name } : p));
    const t = { ...table, manifest: { ...manifest, scenario: { ...manifest.scenario, providers } } } as ResultTable;
    const hhi = standardCharts(t, { only: ['hhi'] })[0];
    const labels = [...objects(hhi.spec)].flatMap((o) => (Array.isArray(o.values) ? o.values : [])).map((v) => (v as { label?: string }).label);
    expect(labels).toContain(`${name} exits`);
    expect(labels).toContain('Rival campaign');
  });
});

describe('provider colours', () => {
  test('follow the scenario order, so they are the same in every chart of a run', () => {
    const providers = providersOf(table);
    expect(providers.map((p) => [p.id, p.name, p.colour])).toEqual([
      ['leader', 'Leader', PALETTE[0]],
      ['rival', 'Rival', PALETTE[1]],
      ['budget', 'Budget', PALETTE[2]],
    ]);
    const colour = [...objects(charts[1].spec)].find((o) => o.field === 'provider') as Record<string, any>;
    expect(colour.scale).toEqual({ domain: ['Leader', 'Rival', 'Budget'], range: PALETTE.slice(0, 3) });
  });

  test('short names are first words when unique', () => {
    const { manifest } = table;
    const providers = [
      { id: 'a', name: 'Azure OpenAI (21Vianet)' },
      { id: 'b', name: 'OpenAI' },
      { id: 'c', name: 'Zhipu AI' },
      { id: 'd', name: 'Zhipu Cloud' },
      { id: 'e', name: 'The Rival' },
    ];
    const t = { ...table, series: new Map(), manifest: { ...manifest, scenario: { ...manifest.scenario, providers, events: [] } } } as unknown as ResultTable;
    expect(providersOf(t).map((p) => p.short)).toEqual(['Azure', 'OpenAI', 'Zhipu AI', 'Zhipu Cloud', 'The Rival']);
  });
});

describe('options', () => {
  test('--width takes inches or a unit and gives points', () => {
    expect(parseWidth('3.5')).toBe(252);
    expect(parseWidth('7in')).toBe(504);
    expect(parseWidth('89mm')).toBe(252.28);
    expect(parseWidth('252pt')).toBe(252);
    for (const bad of ['0', '-3', 'wide', '3.5px', '30in']) expect(() => parseWidth(bad)).toThrow(/^--width /);
  });

  test('--scale and --format', () => {
    expect(parseScale('4')).toBe(4);
    expect(() => parseScale('0')).toThrow(/^--scale 0: /);
    expect(parseFormats('svg, PNG,svg')).toEqual(['svg', 'png']);
    expect(() => parseFormats('svg,gif')).toThrow(/^--format gif: unknown format; choose from svg, png, pdf/);
  });

  test('time-axis ticks do not crowd', () => {
    expect(tickStep(24, 200)).toBe(6);
    expect(tickStep(36, 200)).toBe(12);
    expect(tickStep(120, 200)).toBe(24);
    expect(tickStep(24, 450)).toBe(3);
  });

  test('a narrower or wider chart keeps its width', async () => {
    const wide = standardCharts(table, { width: 504, only: ['hhi'] })[0];
    expect((wide.spec as { width: number }).width).toBe(504);
    expect((await renderSvg(wide.spec)).width).toBe(504);
  });
});

describe('the architecture', () => {
  test('viz reads result folders only: it never imports the model', () => {
    const dir = join(import.meta.dirname, '..', '..', 'viz');
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const imports = [...readFileSync(join(dir, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const i of imports) expect(i, `viz/${f}`).not.toMatch(/sim\/model\//);
    }
  });
});
