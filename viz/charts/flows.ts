/**
 * Switching flows: a from → to matrix of the mean cumulative number of
 * startups that moved from one provider to another by the last month.
 * Past MAX_PROVIDERS_SHOWN providers, the largest are rows and columns of
 * their own and the others one "Other" row and column (table.ts,
 * providerGroups): the matrix, and the memory to draw it, stay bounded.
 */
import type { TopLevelSpec } from 'vega-lite';
import { monthLabel } from '../../sim/calendar.js';
import { chartNumber, groupedLine, providerGroups, runLine, seriesOf, type ResultTable } from '../table.js';
import { FONT_SIZE, INK } from '../theme.js';
import { frame, labelWidth, spec, type ChartOptions, type Json } from './parts.js';

export function flowsSpec(table: ResultTable, options: ChartOptions = {}): TopLevelSpec {
  const groups = providerGroups(table);
  // Each row and column: a label and the provider ids it stands for.
  const providers = [
    ...groups.shown.map((p) => ({ short: p.short, ids: [p.id] })),
    ...(groups.other.length ? [{ short: groups.otherLabel, ids: groups.other.map((p) => p.id) }] : []),
  ];
  const { manifest } = table;
  const last = manifest.months - 1;
  /** Mean switches by the last month from any of `from` to any other of `to` (means add up). */
  const flows = (from: readonly string[], to: readonly string[]) => {
    let sum = 0;
    for (const a of from)
      for (const b of to) {
        if (a === b) continue;
        const rows = seriesOf(table, `flows.${a}.${b}`);
        sum += rows[rows.length - 1].mean;
      }
    return sum;
  };
  const values: Json[] = [];
  let max = 0;
  for (const a of providers)
    for (const b of providers) {
      // A provider's flows to itself are none; Other to Other are the moves between grouped providers.
      if (a === b && a.ids.length === 1) continue;
      const mean = flows(a.ids, b.ids);
      max = Math.max(max, mean);
      values.push({ from: a.short, to: b.short, switches: chartNumber(mean) });
    }
  const end = monthLabel(manifest.start, last);
  const f = frame(options, 'Switching between providers', [runLine(table), `Startups that moved by ${end}, mean of runs`, ...groupedLine(groups)]);
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
