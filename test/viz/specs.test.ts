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
import { niceCeil, panelColumns } from '../../viz/charts/panels.js';
import { eventLine, eventMarks, tickStep } from '../../viz/charts/parts.js';
import { parseFormats } from '../../viz/draw.js';
import { parseScale, parseWidth } from '../../viz/options.js';
import { renderSvg, toVega } from '../../viz/render/svg.js';
import { classesOf, providersOf, resultTable, type ResultTable } from '../../viz/table.js';
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

/** The names over the panels of a chart of panels, in order. */
function panelNames(chart: Chart): string[] {
  return (chart.spec as { concat: { layer: { data?: { values: { label?: string }[] } }[] }[] }).concat.map((p) => p.layer.at(-1)!.data!.values[0].label!);
}

describe('golden specs of the minimal scenario', () => {
  test('one chart of each kind but metric, which only --metric asks for', () => {
    expect(charts.map((c) => c.kind)).toEqual(CHART_KINDS.filter((k) => k !== 'metric'));
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
      // Panels (shares) are sized by their cells; the rendered width is checked above.
      if (c.kind !== 'flows' && c.kind !== 'shares') expect(s.width, c.name).toBe(252);
      expect(s.title.text, c.name).toBeTruthy();
      expect(s.title.subtitle[0], c.name).toBe('Minimal exit · 50 runs');
    }
  });

  test('has axis titles, with units where the axis is a quantity', () => {
    const titles = charts.map((c) => [...objects(c.spec)].filter((o) => o.axis && typeof o.axis === 'object').map((o) => (o.axis as { title?: string }).title));
    expect(titles[0]).toContain('HHI (0–10,000)');
    // Panels carry the unit in the subtitle (an axis title beside one panel stretches its row), and % on the labels.
    expect((charts[1].spec as { title: { subtitle: string[] } }).title.subtitle).toContain('Share of tokens served: mean and 90 % band of runs');
    expect(titles[2]).toContain('Alive, of those alive at start (%)');
    expect(titles[3]).toContain('Deaths per month (startups)');
    expect(titles[5]).toContain('Active providers (count)');
    for (const t of titles.filter((_, i) => i !== 4 && i !== 1)) expect(t).toContain('End of month');
  });

  test('puts calendar dates on the time axis', () => {
    for (const c of charts.filter((c) => c.kind !== 'flows')) {
      const x = [...objects(c.spec)].find((o) => o.field === 'date' && o.type === 'temporal') as Record<string, any>;
      expect(x, c.name).toBeDefined();
      expect(x.scale.type).toBe('utc');
      // Small panels are labelled by year.
      expect(x.axis.format, c.name).toBe(c.kind === 'shares' ? '%Y' : '%b %Y');
    }
  });
});

describe('the HHI chart', () => {
  test('draws the 2023 guidelines\' 1,000 and 1,800 thresholds only, explained, and the events', () => {
    const s = JSON.stringify(charts[0].spec);
    expect(s).toContain('"values":[{"value":1000,"label":"moderate"},{"value":1800,"label":"high"}]');
    expect(s).not.toContain('2,500');
    expect(s).not.toContain('2010');
    expect((charts[0].spec as { title: { subtitle: string[] } }).title.subtitle.join(' ')).toContain('2023 US Merger Guidelines, moderately (1,000) and highly (1,800) concentrated');
    expect(s).toContain('"label":"Leader exits"');
    expect(s).toContain('"label":"Rival campaign"');
  });

  test('threshold labels stand right of the plot, off the data', () => {
    const text = [...objects(charts[0].spec)].find((o) => (o.mark as { type?: string })?.type === 'text' && JSON.stringify(o.encoding).includes('"label"') && !JSON.stringify(o).includes('date')) as Record<string, any>;
    expect(text.encoding.x).toEqual({ value: 'width' });
    expect(text.mark.align).toBe('left');
  });

  test('charts any HHI metric by option, and refuses others with a hint', () => {
    const byCustomers = standardCharts(table, { metrics: ['hhi.customers'], only: ['hhi'] });
    expect(byCustomers.map((c) => c.name)).toEqual(['hhi-customers']);
    expect(JSON.stringify(byCustomers[0].spec)).toContain('HHI of customers');
    expect(() => standardCharts(table, { metrics: ['hhi.token'] })).toThrow(/--metric hhi.token: .*did you mean hhi.tokens/);
    expect(() => standardCharts(table, { metrics: ['share'] })).toThrow(UsageError);
    expect(() => standardCharts(table, { only: ['pie'] })).toThrow(/--only pie: unknown chart/);
  });
});

describe('--metric', () => {
  test('charts any metric of the folder: its mean and 90 % band, apart from the standard charts', () => {
    const drawn = standardCharts(table, { metrics: ['cr1.tokens', 'deaths'] });
    expect(drawn.map((c) => c.name)).toEqual(['hhi-tokens', 'shares-tokens', 'survival', 'deaths', 'flows', 'providers', 'cr1-tokens', 'deaths-metric']);
    const cr1 = drawn.find((c) => c.name === 'cr1-tokens')!;
    expect(cr1.kind).toBe('metric');
    const rows = table.series.get('cr1.tokens')!;
    const values = [...objects(cr1.spec)].flatMap((o) => (Array.isArray(o.values) ? o.values : [])) as { date: string; mean: number; low: number; high: number }[];
    const last = values.find((v) => v.date === rows.at(-1)!.date)!;
    expect(last.mean).toBeCloseTo(rows.at(-1)!.mean, 3);
    expect(last.low).toBeCloseTo(rows.at(-1)!.p05, 3);
    expect(last.high).toBeCloseTo(rows.at(-1)!.p95, 3);
  });

  test('a per-provider family gets one panel per provider, each on its own scale; counts of providers are steps', () => {
    const [cash, exits] = standardCharts(table, { metrics: ['provider.cash', 'providers.exited.event'], only: ['metric'] });
    expect(cash.name).toBe('provider-cash');
    expect(panelNames(cash)).toEqual(['Leader', 'Rival', 'Budget']);
    expect(JSON.stringify(exits.spec)).toContain('"interpolate":"step-after"');
  });

  test('offers the folder\'s names, families included, when the name is unknown', () => {
    expect(() => standardCharts(table, { metrics: ['provider.cas'] })).toThrow(/did you mean provider.cash\b.*choose from .*share.tokens, .*provider.cash.*startups.alive/);
  });
});

describe('the other charts', () => {
  test('the provider count is drawn as steps, with its band', () => {
    const marks = [...objects(charts[5].spec)].filter((o) => o.mark && typeof o.mark === 'object').map((o) => o.mark as Record<string, unknown>);
    expect(marks.filter((m) => m.type === 'line' || m.type === 'area').map((m) => [m.type, m.interpolate])).toEqual([
      ['area', 'step-after'],
      ['line', 'step-after'],
    ]);
  });

  test('an event at t = 0 stands off the y axis: the time scale is padded', () => {
    for (const c of charts.filter((c) => c.kind !== 'flows' && c.kind !== 'shares')) {
      const x = [...objects(c.spec)].find((o) => o.field === 'date' && o.type === 'temporal') as Record<string, any>;
      expect(x.scale.padding, c.name).toBeGreaterThanOrEqual(4);
    }
  });

  test('deaths: mean and 90 % band per cause, and only the causes that occur in the legend', () => {
    const spec = JSON.stringify(charts[3].spec);
    // In the minimal scenario a provider always remains, so no startup is ever stranded.
    expect(table.series.get('deaths.stranded')!.every((r) => r.p95 === 0 && r.mean === 0)).toBe(true);
    expect(spec).not.toContain('No provider left');
    expect(spec).toContain('Ran out of cash');
    // Once stranding happens in some run, its cause is listed.
    const stranded = table.series.get('deaths.stranded')!.map((r, i) => (i === 3 ? { ...r, mean: 0.05, p95: 1 } : r));
    const t = { ...table, series: new Map([...table.series, ['deaths.stranded', stranded]]) } as ResultTable;
    expect(JSON.stringify(standardCharts(t, { only: ['deaths'] })[0].spec)).toContain('No provider left');
    expect(spec).toContain('"y2":{"field":"high"}');
  });

  test('shares: one panel per provider with its band, on one scale', () => {
    const panels = (charts[1].spec as { concat: Record<string, any>[] }).concat;
    expect(panelNames(charts[1])).toEqual(['Leader', 'Rival', 'Budget']);
    const domains = panels.map((p) => JSON.stringify([...objects(p)].find((o) => (o.scale as { domain?: unknown })?.domain)?.scale));
    expect(new Set(domains).size).toBe(1);
    for (const p of panels) expect(JSON.stringify(p)).toContain('"y2":{"field":"high"}');
  });

  test('survival: class colours are greys with dashes, none of them a provider colour', () => {
    const colour = [...objects(charts[2].spec)].find((o) => o.field === 'class' && (o.scale as { range?: string[] })?.range?.[0]?.startsWith('#')) as Record<string, any>;
    expect(colour.scale.range).toHaveLength(classesOf(table).length);
    for (const c of colour.scale.range) expect(PALETTE).not.toContain(c);
    const dash = [...objects(charts[2].spec)].find((o) => o.field === 'class' && Array.isArray((o.scale as { range?: unknown[] })?.range?.[0])) as Record<string, any>;
    expect(new Set(dash.scale.range.map((d: number[]) => d.join(','))).size).toBe(classesOf(table).length);
  });

  test('flows: says from when moves count and how far runs spread', () => {
    const subtitle = (charts[4].spec as { title: { subtitle: string[] } }).title.subtitle.join(' ');
    expect(subtitle).toContain('(month 0)');
    expect(charts[4].caption).toContain('In month 0 the starting startups first re-choose');
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
    const lines = [...objects(charts[1].spec)].filter((o) => (o.mark as { type?: string })?.type === 'line').map((o) => (o.mark as { color: string }).color);
    expect(lines).toEqual(PALETTE.slice(0, 3));
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

  test('time-axis ticks do not crowd: labels stand 56 pt apart or more', () => {
    // Labels 6 months apart collided in a 3.5 in chart of 24 months (a 200 pt plot).
    expect(tickStep(24, 200)).toBe(12);
    expect(tickStep(36, 200)).toBe(12);
    expect(tickStep(120, 200)).toBe(60);
    expect(tickStep(24, 450)).toBe(3);
    for (const [months, width] of [[24, 200], [36, 200], [120, 200], [24, 450], [12, 120]]) {
      const step = tickStep(months, width);
      expect(Math.ceil(months / step) * 56, `${months} months in ${width} pt`).toBeLessThanOrEqual(width + 56);
    }
  });

  test('panels: as many columns as fit, balanced over the rows; scale tops are round', () => {
    // 3.5 in holds three panels of 55 pt or more a row, 7 in six: ten providers are 3 + 3 + 3 + 1 and 5 + 5.
    expect(panelColumns(10, 252)).toBe(3);
    expect(panelColumns(10, 504)).toBe(5);
    expect(panelColumns(3, 504)).toBe(3);
    expect(panelColumns(1, 252)).toBe(1);
    expect([0.47, 0.52, 0.98, 1, 1500, 0].map(niceCeil)).toEqual([0.5, 0.6, 1, 1, 1500, 1]);
  });

  test('panels name their events in the subtitle, the first few months only', () => {
    const { manifest } = table;
    const events = Array.from({ length: 5 }, (_, i) => ({ at: `2024-${String(i + 6).padStart(2, '0')}`, campaign: { provider: 'rival' } }));
    const t = { ...table, manifest: { ...manifest, scenario: { ...manifest.scenario, events } } } as unknown as ResultTable;
    expect(eventLine(t)).toEqual(['Dotted: Rival campaign (Jun 2024), Rival campaign (Jul 2024), Rival campaign (Aug 2024), Rival campaign (Sep 2024), and 1 more month with events']);
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
