/**
 * Usage and accounts (MODEL.md section 3, step 5): each alive startup uses
 * its tokens, free ones from its current provider's unexpired grant first,
 * and books revenue (reduced while migrating) less its bill and opex.
 * Providers book billed revenue, the cost of every token served (free ones
 * too) and their fixed cost once.
 */
import type { World } from './world.js';

export function bookAccounts(world: World): void {
  const st = world.startups;
  const p = world.providers;
  const m = world.month;
  const cl = world.classes;
  const P = world.providerCount;
  const t = world.t;
  const qf = world.qualityFactor;
  let freeUsed = 0;
  for (let i = 0; i < st.count; i++) {
    if (!st.alive[i]) continue;
    const j = st.provider[i];
    const s = st.cls[i];
    const d = st.tokens[i];
    let billed = d;
    if (st.freeProvider[i] === j && t <= st.freeUntil[i] && st.free[i] > 0) {
      const used = st.free[i] < d ? st.free[i] : d;
      st.free[i] -= used;
      billed = d - used;
      freeUsed += used;
    }
    const bill = billed * p.price[j];
    const disrupted = t <= st.disruptedUntil[i] ? 1 - cl.disruptionLoss[s] : 1;
    st.cash[i] += st.revenue[i] * qf[s * P + j] * disrupted - bill - st.opex[i];
    m.revenue[j] += bill;
    m.cost[j] += d * p.unitCost[j];
    m.tokens[j] += d;
  }
  m.freeTokens = freeUsed;
  for (let j = 0; j < P; j++) if (p.active[j]) m.cost[j] += p.fixedCost[j];
}
