/**
 * Step 1 (MODEL.md section 3; section 9, "Step 1 order"): last month's
 * bankruptcies first, then this month's events in file order (a base
 * file's before its child's).
 */
import { rederiveGrowth } from './growth.js';
import type { Action } from './compile.js';
import { seedStaticValues } from './providers.js';
import { rescheduleClasses } from './schedule.js';
import { fieldIndex, type World } from './world.js';

export function applyEvents(world: World): void {
  const p = world.providers;
  for (let j = 0; j < world.providerCount; j++) {
    if (p.bankrupt[j]) {
      p.bankrupt[j] = 0;
      p.active[j] = 0;
      world.totals.exitedBankrupt++;
    }
  }
  for (const action of world.compiled.actions[world.t]) apply(world, action);
}

function apply(world: World, a: Action): void {
  const p = world.providers;
  switch (a.kind) {
    case 'exit':
      if (p.active[a.provider]) {
        p.active[a.provider] = 0;
        world.totals.exitedEvent++;
      }
      return;
    case 'enter': {
      const j = a.provider;
      p.active[j] = 1;
      // Its first month is like t = 0 for a founding provider: rules start now, no history, shares 0.
      p.ruleFirst[j].fill(world.t);
      p.hasHistory[j] = 0;
      p.customerShare[j] = 0;
      p.tokenShare[j] = 0;
      seedStaticValues(world, j);
      return;
    }
    case 'campaign':
      world.campaignStarted[a.campaign] = 1;
      return;
    case 'setField':
      p.rules[a.provider][fieldIndex(a.field)] = a.rule;
      p.ruleFirst[a.provider][fieldIndex(a.field)] = world.t;
      return;
    case 'setServes':
      p.serves[a.provider] = a.serves;
      return;
    case 'setFunding':
      p.funding[a.provider] = a.funding;
      return;
    case 'setSwitchCostFactor':
      p.switchCostFactor[a.provider] = a.value;
      return;
    case 'setGlobal':
      if (a.name === 'horizon') world.horizon = a.value;
      else if (a.name === 'qualityReference') world.qualityReference = a.value;
      else if (a.name === 'frontierWeight') world.frontierWeight = a.value;
      else if (a.name === 'entryRate') world.entryRate = a.value;
      else world.entryElasticity = a.value;
      return;
    case 'setQualityReference':
      world.qualityReference = a.value;
      world.frontierWeight = a.frontierWeight;
      return;
    case 'setClasses': {
      const before = world.classes;
      world.classes = a.classes;
      // Switching costs are derived from each startup's own draw at every use, so only growth needs redoing.
      if (a.rederiveGrowth) rederiveGrowth(world);
      const reconsider = Uint8Array.from(before.reconsider, (x, s) => (x !== a.classes.reconsider[s] ? 1 : 0));
      const hazard = Uint8Array.from(before.hazard, (x, s) => (x !== a.classes.hazard[s] ? 1 : 0));
      if (reconsider.includes(1) || hazard.includes(1)) rescheduleClasses(world, reconsider, hazard);
      return;
    }
  }
}
