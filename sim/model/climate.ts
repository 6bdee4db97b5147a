/**
 * The funding climate (MODEL.md section 12): a class's `funding.probability`
 * may be an expression, evaluated once per class per month in step 2 and
 * clamped to [0, 1], of `t`, `deathRate` (the class's deaths last month over
 * its startups alive at the start of last month), `cohortDead` (the class's
 * t = 0 cohort dead fraction at the end of last month) and `hhi` (last
 * month's hhi.tokens), all 0 at t = 0. A number is used as written.
 */
import { monthLabel } from '../calendar.js';
import { ModelError } from '../errors.js';
import { badClassFunding } from './messages.js';
import type { World } from './world.js';

/** Before anything happens in month t: last month's death rates, then this month's counters start. */
export function startClimateMonth(world: World): void {
  const c = world.climate;
  for (let s = 0; s < c.deathRate.length; s++) {
    c.deathRate[s] = world.t > 0 && c.aliveAtStart[s] > 0 ? c.deathsByClass[s] / c.aliveAtStart[s] : 0;
  }
  c.aliveAtStart.set(c.aliveByClass);
  c.deathsByClass.fill(0);
}

/** Step 2: this month's funding probability of every class. */
export function updateFundingProbabilities(world: World): void {
  const c = world.climate;
  const cl = world.classes;
  const cohort = world.cohort;
  const scope = c.scope;
  const first = world.t === 0;
  for (let s = 0; s < cl.ids.length; s++) {
    const rule = cl.fundingRule[s];
    if (rule === null) {
      c.fundingProbability[s] = cl.fundingProbability[s];
      continue;
    }
    scope.t = world.t;
    scope.deathRate = c.deathRate[s];
    scope.cohortDead = first || !(cohort.sizeByClass[s] > 0) ? 0 : cohort.deadByClass[s] / cohort.sizeByClass[s];
    scope.hhi = first ? 0 : c.hhiTokens;
    const p = rule.evaluate(scope);
    if (Number.isNaN(p)) {
      throw new ModelError(badClassFunding(cl.ids[s], rule.source, p, monthLabel(world.compiled.start, world.t), world.t), cl.fundingAt[s]);
    }
    c.fundingProbability[s] = Math.min(1, Math.max(0, p));
  }
}
