/**
 * Step 4 takes its voluntary choosers from the list operate made the month
 * before, and scans the table only when that list may be incomplete
 * (sim/model/choice.ts). A world that is made to scan every month must
 * reach the same state, month by month, as one that uses the list.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../sim/scenario/load.js';
import { compile, type CompiledScenario } from '../../sim/model/compile.js';
import { initWorld } from '../../sim/model/replication.js';
import { RECORD_BYTES } from '../../sim/model/startups.js';
import { step } from '../../sim/model/step.js';

/** Steps two worlds of `c` side by side, one always scanning; returns the months that had a list. */
function listedAgainstScanned(c: CompiledScenario, replication: number): number {
  const listed = initWorld(c, replication);
  const scanned = initWorld(c, replication);
  const K = c.metricNames.length;
  let monthsListed = 0;
  for (let t = 0; t < c.months; t++) {
    if (listed.reconsidering.month === t) monthsListed++;
    scanned.reconsidering.month = -1;
    const a = new Float64Array(K);
    const b = new Float64Array(K);
    step(listed, t, a);
    step(scanned, t, b);
    expect(Array.from(a), `metrics of month ${t}`).toEqual(Array.from(b));
  }
  const records = (w: typeof listed) => Buffer.from(w.startups.u8.buffer, w.startups.u8.byteOffset, w.startups.count * RECORD_BYTES);
  expect(records(listed).equals(records(scanned)), 'startup records').toBe(true);
  return monthsListed;
}

describe("step 4's list of reconsiderations", () => {
  it('gives the same months as a scan on the 2024 baseline (exit, campaigns with budgets)', () => {
    const c = compile(loadScenario('scenarios/china-2024-openai-exit.yaml').scenario);
    const used = listedAgainstScanned(c, 3);
    expect(used).toBeGreaterThan(c.months / 2);
  });

  it('falls back to a scan after sets on reconsider and serves, and after an exit', () => {
    const c = compile(
      parseScenario(
        `
start: 2024-01
months: 12
runs: 1
providers:
  - { id: a, price: 1, quality: 1, unitCost: 0.1, cash: 1e9 }
  - { id: b, price: 0.8, quality: 0.9, unitCost: 0.1, cash: 1e9 }
  - { id: c, price: 1.2, quality: 0.95, unitCost: 0.1, cash: 1e9 }
classes:
  small:
    share: 0.7
    cash: { median: 1e5, sigma: 0.5 }
    revenue: { median: 1e4, sigma: 0.5 }
    opex: { median: 8e3, sigma: 0.5 }
    tokens: { median: 100, sigma: 0.5 }
    growth: { mean: 0.01, sd: 0.02 }
    switchCost: { median: 1e4, sigma: 0.5 }
    hazard: 0.01
    disruption: { months: 1, loss: 0.2 }
    reconsider: 0.2
    precision: 5
    network: 0.2
    qualityElasticity: 1
    funding: { probability: 0.5, months: 6 }
  large:
    share: 0.3
    cash: { median: 1e6, sigma: 0.5 }
    revenue: { median: 1e5, sigma: 0.5 }
    opex: { median: 8e4, sigma: 0.5 }
    tokens: { median: 1000, sigma: 0.5 }
    growth: { mean: 0.01, sd: 0.02 }
    switchCost: { median: 1e5, sigma: 0.5 }
    hazard: 0.005
    disruption: { months: 1, loss: 0.1 }
    reconsider: 0.1
    precision: 5
    network: 0.2
    qualityElasticity: 1
    funding: { probability: 0.5, months: 6 }
startups: { initial: 400, entry: { rate: 10 } }
events:
  - { at: 2024-03, set: { classes.small.reconsider: 0.4 } }
  - { at: 2024-05, set: { providers.b.serves: [large] } }
  - { at: 2024-08, exit: c }
`,
        'list.yaml',
      ).scenario,
    );
    // Months 2 (set on reconsider), 4 (b drops small) and 7 (exit) must scan
    // although a list was made for them: the list holds neither the redrawn
    // schedules nor the forced choosers, so using it would change the state.
    expect(listedAgainstScanned(c, 0)).toBe(c.months - 1);
  });
});
