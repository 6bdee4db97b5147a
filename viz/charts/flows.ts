/**
 * Switching flows: a from → to matrix of the mean cumulative number of
 * startups that moved from one provider to another by the last month,
 * month 0 included. In month 0 the starting startups first re-choose from
 * their initial assignment (MODEL.md, "Initial startups are not
 * entrants"), so a provider that exits later can have received moves: the
 * subtitle says so. The spread across runs is given as the widest 90 %
 * range of runs relative to its mean among the cells large enough to
 * read, and each cell's range is in its tooltip.
 * Past MAX_PROVIDERS_SHOWN providers, the largest are rows and columns of
 * their own and the others one "Other" row and column (table.ts,
 * providerGroups): the matrix, and the memory to draw it, stay bounded.
 */
import type { TopLevelSpec } from 'vega-lite';
import { monthIndex, monthLabel } from '../../sim/calendar.js';
import { chartNumber, groupedLine, providerGroups, providersOf, runLine, seriesOf, type ResultTable } from '../table.js';
import { FONT_SIZE, INK } from '../theme.js';
import { frame, labelWidth, shortMonth, spec, type ChartOptions, type Json } from './parts.js';

/**
 * Cells with a mean of at least this many moves, and at least a tenth of the
 * largest cell's, count for the spread line: in smaller ones a handful of
 * moves is a wide range.
 */
export const SPREAD_MIN_MOVES = 20;

export function flowsSpec(table: ResultTable, options: ChartOptions = {}): TopLevelSpec {
  const groups = providerGroups(table);
  // Each row and column: a label and the provider ids it stands for.
  const providers = [
    ...groups.shown.map((p) => ({ short: p.short, ids: [p.id] })),
    ...(groups.other.length ? [{ short: groups.otherLabel, ids: groups.other.map((p) => p.id) }] : []),
  ];
  const { manifest } = table;
  const last = manifest.months - 1;
  const lastOf = (metric: string) => {
    const rows = seriesOf(table, metric);
    return rows[rows.length - 1];
  };
  /** Mean switches by the last month from any of `from` to any other of `to` (means add up). */
  const flows = (from: readonly string[], to: readonly string[]) => {
    let sum = 0;
    for (const a of from) for (const b of to) if (a !== b) sum += lastOf(`flows.${a}.${b}`).mean;
    return sum;
  };
  const values: Json[] = [];
  let max = 0;
  for (const a of providers)
    for (const b of providers) if (a !== b || a.ids.length > 1) max = Math.max(max, flows(a.ids, b.ids));
  const readable = Math.max(SPREAD_MIN_MOVES, Math.round(max / 10));
  /** The widest 90 % range of runs relative to the mean, among single-provider cells of `readable` moves or more. */
  let spread = 0;
  for (const a of providers)
    for (const b of providers) {
      // A provider's flows to itself are none; Other to Other are the moves between grouped providers.
      if (a === b && a.ids.length === 1) continue;
      const mean = flows(a.ids, b.ids);
      const value: Json = { from: a.short, to: b.short, switches: chartNumber(mean) };
      // Percentiles do not add up: only a cell of one provider pair has its own range.
      if (a.ids.length === 1 && b.ids.length === 1) {
        const r = lastOf(`flows.${a.ids[0]}.${b.ids[0]}`);
        value.low = chartNumber(r.p05);
        value.high = chartNumber(r.p95);
        if (r.mean >= readable) spread = Math.max(spread, (r.mean - r.p05) / r.mean, (r.p95 - r.mean) / r.mean);
      }
      values.push(value);
    }
  const end = monthLabel(manifest.start, last);
  const lines = [runLine(table), `Moves ${shortMonth(manifest.start)} (month 0) – ${shortMonth(end)}, mean of runs`];
  if (manifest.runs > 1 && spread > 0) lines.push(`90 % of runs within ±${Math.ceil(spread * 100)} % of it in cells ≥ ${readable}`);
  lines.push(...monthZeroLine(table, groups.shown.map((p) => p.id)), ...groupedLine(groups));
  const f = frame(options, 'Switching between providers', lines);
  const names = providers.map((p) => p.short);
  const axis = { title: null, labelLimit: 90, ticks: false, domain: false, labelPadding: 3 };
  const labels = Math.max(...names.map((n) => labelWidth(n, FONT_SIZE.label))) + 20;
  const cell = (f.width - 12 - labels) / Math.max(1, providers.length);
  const step = Math.max(8, Math.min(28, Math.floor(cell * 10) / 10));
  const textSize = Math.max(5, Math.min(FONT_SIZE.note, step / 3.2));
  return spec({
    ...f,
    description: 'flows.<from>.<to> at the last month: mean cumulative switches across runs; rows are the provider left, columns the provider joined.',
    data: { values },
    encoding: {
      x: { field: 'to', type: 'nominal', sort: names, axis: { ...axis, orient: 'top', labelAngle: -90, title: 'To', titleFontWeight: 'normal' } },
      y: { field: 'from', type: 'nominal', sort: names, axis: { ...axis, title: 'From' } },
    },
    // Square cells sized to fill the column; fit-x cannot size a discrete axis.
    width: { step },
    height: { step },
    autosize: { type: 'pad' },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          tooltip: [
            { field: 'from', title: 'From' },
            { field: 'to', title: 'To' },
            { field: 'switches', title: 'Mean of runs', format: ',.1f' },
            { field: 'low', title: '5th percentile of runs', format: ',.0f' },
            { field: 'high', title: '95th percentile of runs', format: ',.0f' },
          ],
          color: {
            field: 'switches',
            type: 'quantitative',
            scale: { scheme: 'blues', domain: [0, Math.max(1, max)], nice: false },
            legend: { title: 'Startups (mean switches)', orient: 'bottom', direction: 'horizontal', gradientLength: Math.min(120, step * providers.length), format: ',d', tickCount: 4 },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: textSize },
        transform: [{ filter: 'datum.switches >= 0.5' }],
        encoding: {
          text: { field: 'switches', type: 'quantitative', format: ',.0f' },
          color: { condition: { test: `datum.switches > ${chartNumber(max * 0.55) ?? 0}`, value: 'white' }, value: INK.text },
        },
      },
    ],
  });
}

/**
 * The subtitle line that explains moves into a provider that exits later:
 * they are from before its exit, month 0's re-choice included. None when no
 * provider drawn exits by an event within the run, or none received moves.
 */
function monthZeroLine(table: ResultTable, shown: readonly string[]): string[] {
  const { manifest } = table;
  const names = new Map(providersOf(table).map((p) => [p.id, p.short]));
  const exits: string[] = [];
  for (const e of manifest.scenario.events) {
    if (!e.exit || !e.at || !shown.includes(e.exit)) continue;
    const t = monthIndex(manifest.start, e.at);
    if (t < 1 || t >= manifest.months) continue;
    const into = shown.filter((a) => a !== e.exit).reduce((sum, a) => sum + (table.series.get(`flows.${a}.${e.exit}`)?.at(-1)?.mean ?? 0), 0);
    if (into >= 0.5) exits.push(`${names.get(e.exit) ?? e.exit} (exits ${shortMonth(e.at)})`);
  }
  if (exits.length === 0) return [];
  return [`Moves into ${exits.join(', ')}: before the exit`];
}
