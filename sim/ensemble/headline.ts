/**
 * The headline measures of a comparison (issue: what a policy analyst
 * reads first): the HHI of tokens at t = 12, t = 24 and the last month;
 * the dead fraction of the t = 0 cohort's small startups and of all of it
 * at t = 12, and of the small startups that depended on the departing
 * provider where there is one; the providers active at the end; the
 * deaths since t = 0. Each is kept only where both scenarios record it and
 * the month is in the run.
 */
import type { CompiledScenario } from '../model/compile.js';
import { metricName } from '../model/metrics.js';

export interface HeadlineCell {
  label: string;
  metric: string;
  month: number;
}

/** The class a headline calls "small": the scenario's class of that id. */
const SMALL = 'small';

/** The provider the first `exit` event withdraws, in the what-if or else in the baseline. */
function departing(whatif: CompiledScenario, baseline: CompiledScenario): string | null {
  for (const c of [whatif, baseline])
    for (const actions of c.actions) for (const a of actions) if (a.kind === 'exit') return c.providers[a.provider].id;
  return null;
}

export function headlineCells(baseline: CompiledScenario, whatif: CompiledScenario): HeadlineCell[] {
  const last = baseline.months - 1;
  const both = new Set(whatif.metricNames.filter((m) => baseline.metricNames.includes(m)));
  const gone = departing(whatif, baseline);
  const wanted: [string, string, number][] = [
    ['HHI of tokens', metricName('hhi.tokens'), 12],
    ['HHI of tokens', metricName('hhi.tokens'), 24],
    ['HHI of tokens', metricName('hhi.tokens'), last],
    ['small startups of the t = 0 cohort dead', metricName('cohort.dead.<class>.fraction', { class: SMALL }), 12],
    ['startups of the t = 0 cohort dead', metricName('cohort.dead.fraction'), 12],
    ...(gone
      ? [[`small startups on ${gone} at t = 0 dead`, metricName('cohort.dead.<class>.on.<id>.fraction', { class: SMALL, id: gone }), 12] as [string, string, number]]
      : []),
    ['providers active', metricName('providers.active'), last],
    ['deaths since t = 0', metricName('deaths.cumulative'), last],
  ];
  const seen = new Set<string>();
  return wanted.flatMap(([label, metric, month]) => {
    const key = `${metric}@${month}`;
    if (month > last || !both.has(metric) || seen.has(key)) return [];
    seen.add(key);
    return [{ label, metric, month }];
  });
}
