/**
 * Steps 5–7 of MODEL.md section 3 for every alive startup, in one pass:
 *
 *   5 usage and accounts: free tokens from the current provider's unexpired
 *     grant first, the rest billed; cash += revenue·(q/q_ref)^η·(1 − loss if
 *     migrating) − bill − opex; providers book billed revenue, the cost of
 *     every token served, and their fixed cost once;
 *   6 survival: negative cash → rescued with the class's funding probability
 *     (cash += months · opex) or dead (`runway`); then the class hazard (its
 *     month is scheduled at birth, see schedule.ts);
 *   7 growth: revenue, tokens and opex × exp(g_i);
 *
 * and the end-of-month customer count. A startup's steps touch only its own
 * state and additive provider totals, so one pass gives exactly the numbers
 * of three. Measured on the 2024 scenario (one thread): three passes plus a
 * counting pass 4.4 M startup-months/s, fused with 32-bit draws 6.6 M.
 *
 * The pass also lists next month's voluntary choosers (see chooseProviders),
 * which spares step 4 a scan of the table: on bench-10k, 17.6 → 20.0 M
 * startup-months/s. Its loop calls nothing (deaths are booked after each
 * chunk) and reads few typed arrays (startups.ts says why that matters).
 */
import { keyOf, Purpose, streamOf, uniform32 } from '../rng/keyed.js';
import { Cause, F64, I16, Stride, U8 } from './startups.js';
import { die } from './survival.js';
import { growReconsidering, type World } from './world.js';

export function operate(world: World): void {
  const st = world.startups;
  const p = world.providers;
  const m = world.month;
  const cl = world.classes;
  const P = world.providerCount;
  const C = cl.ids.length;
  const t = world.t;
  const { f64, i16, u8 } = st;
  // The loop reads the month's parameters from one array and sums into
  // another (fewer typed arrays in the loop, see startups.ts):
  //   k: price_j at j, unitCost_j at P + j, the quality factor of (s, j) at
  //      Q + s·P + j, then per class the disruption loss, funding
  //      probability and funding months at L + 3s + 0, 1, 2;
  //   sums: billed revenue, cost, tokens and customers of j at 4j + 0 … 3,
  //      and the free tokens used at 4P (a double slot: a local sum would be boxed).
  const k = world.operateParameters;
  const Q = 2 * P;
  const L = Q + C * P;
  for (let j = 0; j < P; j++) {
    k[j] = p.price[j];
    k[P + j] = p.unitCost[j];
  }
  k.set(world.qualityFactor, Q);
  for (let c = 0; c < C; c++) {
    k[L + 3 * c] = cl.disruptionLoss[c];
    k[L + 3 * c + 1] = cl.fundingProbability[c];
    k[L + 3 * c + 2] = cl.fundingMonths[c];
  }
  const sums = world.operateSums;
  sums.fill(0);
  const FREE_USED = 4 * P;
  const rescueStream = streamOf(world.key, Purpose.rescue, t);
  const next = t + 1;
  const reconsidering = world.reconsidering;
  reconsidering.count = 0;
  // Deaths are booked after each chunk of the loop, so the loop calls nothing.
  const dying = world.dying;
  const n = st.count;
  let i = 0;
  while (i < n) {
    let dead = 0;
    const list = reconsidering.list;
    let listed = reconsidering.count;
    // Each startup adds at most one entry to `dying` or to `list`, so this many fit.
    const end = Math.min(n, i + Math.min(dying.length, list.length - listed));
    for (; i < end; i++) {
      const b = i * Stride.u8;
      if (u8[b + U8.alive] === 0) continue;
      const a = i * Stride.f64;
      const h = i * Stride.i16;
      const j = i16[h + I16.provider];
      const s = u8[b + U8.cls];
      const d = f64[a + F64.tokens];
      // 5: usage and accounts
      let billed = d;
      if (i16[h + I16.freeProvider] === j && t <= i16[h + I16.freeUntil]) {
        const free = f64[a + F64.free];
        if (free > 0) {
          const used = free < d ? free : d;
          f64[a + F64.free] = free - used;
          billed = d - used;
          sums[FREE_USED] += used;
        }
      }
      const bill = billed * k[j];
      const kept = t <= i16[h + I16.disruptedUntil] ? 1 - k[L + 3 * s] : 1;
      const opex = f64[a + F64.opex];
      const revenue = f64[a + F64.revenue];
      let w = f64[a + F64.cash] + revenue * k[Q + s * P + j] * kept - bill - opex;
      sums[4 * j] += bill;
      sums[4 * j + 1] += d * k[P + j];
      sums[4 * j + 2] += d;
      // 6: survival
      if (w < 0) {
        if (uniform32(keyOf(rescueStream, i), 0) < k[L + 3 * s + 1]) {
          // A rescue that does not cover the hole leaves the startup to be tested again next month.
          w += k[L + 3 * s + 2] * opex;
        } else {
          f64[a + F64.cash] = w;
          dying[dead++] = ~i; // runway deaths are stored as ~i, hazard deaths as i
          continue;
        }
      }
      f64[a + F64.cash] = w;
      if (i16[h + I16.hazardMonth] <= t) {
        dying[dead++] = i;
        continue;
      }
      // 7: growth
      const g = f64[a + F64.growthFactor];
      f64[a + F64.revenue] = revenue * g;
      f64[a + F64.tokens] = d * g;
      f64[a + F64.opex] = opex * g;
      sums[4 * j + 3]++;
      if (i16[h + I16.nextReconsider] <= next) list[listed++] = i;
    }
    for (let k = 0; k < dead; k++) die(world, dying[k] < 0 ? ~dying[k] : dying[k], dying[k] < 0 ? Cause.runway : Cause.hazard);
    reconsidering.count = listed;
    if (listed === list.length) growReconsidering(world);
  }
  reconsidering.month = next;
  world.keptAtListing.set(world.keeps);
  m.freeTokens = sums[FREE_USED];
  for (let j = 0; j < P; j++) {
    m.revenue[j] = sums[4 * j];
    m.cost[j] = sums[4 * j + 1] + (p.active[j] ? p.fixedCost[j] : 0);
    m.tokens[j] = sums[4 * j + 2];
    m.customers[j] = sums[4 * j + 3];
  }
}
