/**
 * The tables a kernel call reads (sim/kernel/layout.ts), written from the
 * world just before the call, and what the call changed in them read back.
 * Nothing in the kernel's scratch space is kept from one call to the next:
 * the world's own arrays stay the state, so a fork copies only records.
 */
import { CampaignSlot, ClassSlot, Term } from '../kernel/tables.js';
import type { World } from './world.js';

function memoryOf(world: World): ArrayBuffer {
  return world.startups.memory.buffer as ArrayBuffer;
}

/** The class table, with the classes whose reconsideration or hazard schedules a `reschedule` call is to redraw. */
export function writeClassTable(world: World, redrawReconsider?: Uint8Array, redrawHazard?: Uint8Array): void {
  const cl = world.classes;
  const C = cl.ids.length;
  const table = new Float64Array(memoryOf(world), world.layout.classes, C * ClassSlot.size);
  for (let s = 0; s < C; s++) {
    const at = s * ClassSlot.size;
    table[at + ClassSlot.share] = cl.share[s];
    table[at + ClassSlot.cashMedian] = cl.cashMedian[s];
    table[at + ClassSlot.cashSigma] = cl.cashSigma[s];
    table[at + ClassSlot.revenueMedian] = cl.revenueMedian[s];
    table[at + ClassSlot.revenueSigma] = cl.revenueSigma[s];
    table[at + ClassSlot.opexMedian] = cl.opexMedian[s];
    table[at + ClassSlot.opexSigma] = cl.opexSigma[s];
    table[at + ClassSlot.tokensMedian] = cl.tokensMedian[s];
    table[at + ClassSlot.tokensSigma] = cl.tokensSigma[s];
    table[at + ClassSlot.growthMean] = cl.growthMean[s];
    table[at + ClassSlot.growthSd] = cl.growthSd[s];
    table[at + ClassSlot.switchMedian] = cl.switchMedian[s];
    table[at + ClassSlot.switchSigma] = cl.switchSigma[s];
    table[at + ClassSlot.reconsider] = cl.reconsider[s];
    table[at + ClassSlot.hazard] = cl.hazard[s];
    table[at + ClassSlot.precision] = cl.precision[s];
    table[at + ClassSlot.disruptionMonths] = cl.disruptionMonths[s];
    table[at + ClassSlot.redrawReconsider] = redrawReconsider?.[s] ?? 0;
    table[at + ClassSlot.redrawHazard] = redrawHazard?.[s] ?? 0;
  }
}

/** The birth groups' table (births.ts), so the kernel can key any startup. */
export function writeGroups(world: World): void {
  const b = world.births;
  const l = world.layout;
  const table = new Int32Array(memoryOf(world), l.groups, 2 * l.groupCapacity);
  table.set(b.first.subarray(0, b.count));
  table.set(b.group.subarray(0, b.count), l.groupCapacity);
  world.kernel.setGroups(b.count);
}

/** The campaigns, their budgets left and each provider's running ones in event order (campaigns.ts). */
export function writeCampaigns(world: World): void {
  const campaigns = world.compiled.campaigns;
  const K = campaigns.length;
  if (K === 0) return;
  const P = world.providerCount;
  const l = world.layout;
  const memory = memoryOf(world);
  const table = new Float64Array(memory, l.campaigns, K * CampaignSlot.size);
  const from = new Uint8Array(memory, l.campaignFrom, K * P);
  for (let c = 0; c < K; c++) {
    const k = campaigns[c];
    const at = c * CampaignSlot.size;
    table[at + CampaignSlot.eligible] = k.eligible;
    table[at + CampaignSlot.support] = k.support;
    table[at + CampaignSlot.grant] = k.grant;
    table[at + CampaignSlot.validity] = k.validity;
    table[at + CampaignSlot.budgetLeft] = world.budgetLeft[c];
    table[at + CampaignSlot.provider] = k.provider;
    from.set(k.fromProviders, c * P);
  }
  const running = new Int32Array(memory, l.running, P + P * K);
  for (let j = 0; j < P; j++) {
    const list = world.runningCampaigns[j];
    running[j] = list.length;
    for (let r = 0; r < list.length; r++) running[P + j * K + r] = list[r];
  }
}

/** The budgets a round of choices handed out from. */
export function readBudgets(world: World): void {
  const K = world.compiled.campaigns.length;
  if (K === 0) return;
  const table = new Float64Array(memoryOf(world), world.layout.campaigns, K * CampaignSlot.size);
  for (let c = 0; c < K; c++) world.budgetLeft[c] = table[c * CampaignSlot.size + CampaignSlot.budgetLeft];
}

/** The choice table (choice.ts, prepareChoices writes it). */
export function choiceTableView(world: World): Float64Array {
  return new Float64Array(memoryOf(world), world.layout.choice, world.classes.ids.length * world.providerCount * Term.size);
}

/** A round's counters: switches voluntary and forced, then the flows [from · P + to], then births by class. */
export function roundView(world: World): Float64Array {
  const P = world.providerCount;
  return new Float64Array(memoryOf(world), world.layout.round, 2 + P * P + world.classes.ids.length);
}

/** The classes' initial shares (compiled-scenario.ts): a flag, then the cumulative shares, per class. */
export function writeInitialShares(world: World): void {
  const P = world.providerCount;
  const shares = world.compiled.initialShares;
  const table = new Float64Array(memoryOf(world), world.layout.initialShares, shares.length * (P + 1));
  shares.forEach((cumulative, s) => {
    table[s * (P + 1)] = cumulative ? 1 : 0;
    if (cumulative) table.set(cumulative, s * (P + 1) + 1);
  });
}
