/**
 * Shared history (sim/model/shared-history.ts, fork.ts,
 * shared-replication.ts): when two scenarios coincide up to a month, and a
 * what-if forked from its baseline's world at that month gives the bytes
 * of running it from the start.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, type CompiledScenario } from '../../sim/model/compile.js';
import { forkWorld } from '../../sim/model/fork.js';
import { initWorld, runReplication } from '../../sim/model/replication.js';
import { sharedMonths } from '../../sim/model/shared-history.js';
import { runSharedReplication } from '../../sim/model/shared-replication.js';
import { step } from '../../sim/model/step.js';
import { parseScenario } from '../../sim/scenario/load.js';

const minimalText = readFileSync('scenarios/minimal.yaml', 'utf8');
const minimal = compile(parseScenario(minimalText, 'scenarios/minimal.yaml').scenario);

/** A what-if of minimal.yaml (months 0 … 23 from 2024-06), as a file beside it that extends it. */
function whatIf(lines: string): CompiledScenario {
  return compile(parseScenario(`extends: minimal.yaml\nname: what-if\n${lines}`, 'scenarios/what-if.yaml').scenario);
}

const setAtMonth3 = whatIf(`events:\n  - { id: cut, at: 2024-09, set: { providers.rival.price: 3 } }\n`);
const replacedCampaign = whatIf(`events:
  - id: rival-migration
    at: 2024-11
    campaign: { provider: rival, grant: 200, validity: 2, eligible: migrants, from: [leader], support: 0.8, budget: 5000, until: 2025-02 }
  - { id: cut, at: 2025-01, set: { providers.budget.quality: { initial: 0.8, then: "quality" } } }
`);
const fromStart = whatIf(`events:\n  - { id: cut, at: 2024-06, set: { providers.rival.price: 3 } }\n`);
const pricier = compile(parseScenario(minimalText.replace('price: 5 ', 'price: 6 '), 'scenarios/minimal.yaml').scenario);
const orderAB = whatIf(`events:
  - { id: a, at: 2024-10, set: { providers.rival.price: 3 } }
  - { id: b, at: 2024-10, set: { providers.rival.price: 2 } }
`);
const orderBA = whatIf(`events:
  - { id: b, at: 2024-10, set: { providers.rival.price: 2 } }
  - { id: a, at: 2024-10, set: { providers.rival.price: 3 } }
`);

describe('sharedMonths', () => {
  it('shares every month of a scenario with itself, and of a what-if that changes nothing simulated', () => {
    expect(sharedMonths(minimal, minimal)).toBe(24);
    expect(sharedMonths(minimal, whatIf('description: only the words differ\n'))).toBe(24);
  });

  it('shares the months before the first differing event', () => {
    expect(sharedMonths(minimal, setAtMonth3)).toBe(3); // 2024-09
    // The campaign of 2024-08 (month 2) is dropped for one in 2024-11.
    expect(sharedMonths(minimal, replacedCampaign)).toBe(2);
    expect(sharedMonths(setAtMonth3, minimal)).toBe(3);
  });

  it('shares nothing when a provider differs, or the events differ from t = 0', () => {
    expect(sharedMonths(minimal, pricier)).toBe(0);
    expect(sharedMonths(minimal, fromStart)).toBe(0);
  });

  it('stops at a month whose events are the same but in another order', () => {
    expect(sharedMonths(orderAB, orderBA)).toBe(4); // 2024-10
    expect(sharedMonths(orderAB, orderAB)).toBe(24);
  });

  it('shares nothing when the metric columns differ (a voucher adds two)', () => {
    const voucher = whatIf(`events:\n  - { id: v, at: 2025-01, voucher: { classes: [small], share: 0.3, until: 2025-03 } }\n`);
    expect(voucher.metricNames.length).toBe(minimal.metricNames.length + 2);
    expect(sharedMonths(minimal, voucher)).toBe(0);
  });
});

describe('forkWorld', () => {
  it('continues a copied world exactly as the original goes on', () => {
    const k = minimal.metricNames.length;
    for (const m of [1, 5, 12]) {
      const whole = runReplication(minimal, 2);
      const world = initWorld(minimal, 2);
      const rows = new Float64Array(minimal.months * k);
      for (let t = 0; t < m; t++) step(world, t, rows.subarray(t * k, (t + 1) * k));
      const fork = forkWorld(world, minimal, m);
      // Stepping the original on must not touch the fork (nothing shared but the scenario).
      const scratch = new Float64Array(k);
      for (let t = m; t < minimal.months; t++) step(world, t, scratch);
      for (let t = m; t < minimal.months; t++) step(fork, t, rows.subarray(t * k, (t + 1) * k));
      expect(Buffer.from(rows.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
    }
  });

  it('gives each what-if of a group the bytes of its own run from the start', () => {
    const group = [setAtMonth3, replacedCampaign, fromStart, whatIf('description: same\n')];
    const shared = group.map((w) => sharedMonths(minimal, w));
    expect(shared).toEqual([3, 2, 0, 24]);
    for (const r of [0, 3]) {
      const out = runSharedReplication(minimal, group.map((compiled, i) => ({ compiled, shared: shared[i] })), r);
      const alone = [minimal, ...group].map((c) => runReplication(c, r));
      out.forEach((values, i) => expect(Buffer.from(values!.buffer).equals(Buffer.from(alone[i].buffer)), `scenario ${i}, run ${r}`).toBe(true));
    }
  });

  it('forks onto the what-if’s own rules, so a later message names its file', () => {
    const world = initWorld(minimal, 0);
    const k = minimal.metricNames.length;
    for (let t = 0; t < 3; t++) step(world, t, new Float64Array(k));
    const fork = forkWorld(world, setAtMonth3, 3);
    expect(fork.compiled).toBe(setAtMonth3);
    expect(fork.providers.rules[1][0]).toBe(setAtMonth3.providers[1].rules.price);
    expect(fork.classes).toBe(setAtMonth3.classes);
    expect(fork.startups.memory).not.toBe(world.startups.memory);
  });
});
