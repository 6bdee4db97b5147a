/**
 * Steps 5–7 of MODEL.md section 3 for every alive startup, in one pass:
 *
 *   5 usage and accounts: free tokens from the current provider's unexpired
 *     grant first, the rest billed; cash += revenue·(q/q_ref)^η·(1 − loss if
 *     migrating) − bill·(1 − voucher share) − opex; providers book the whole
 *     billed revenue, the cost of every token served, and their fixed cost once;
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
 * startup-months/s. The loop itself runs in WebAssembly (kernel.ts,
 * sim/kernel/operate.ts); this module prepares its month and books what it
 * reports: deaths, the listed survivors and the providers' sums.
 */
import { Purpose, streamOf } from '../rng/keyed.js';
import { writeGroups } from './kernel-tables.js';
import { Cause } from './startups.js';
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
  const layout = world.layout;
  const buffer = st.memory.buffer;
  // The month's parameters, laid out as the kernel's header says.
  const k = new Float64Array(buffer, layout.params, 2 * P + C * P + 4 * C);
  const Q = 2 * P;
  const L = Q + C * P;
  for (let j = 0; j < P; j++) {
    k[j] = p.price[j];
    k[P + j] = p.unitCost[j];
  }
  k.set(world.qualityFactor, Q);
  for (let c = 0; c < C; c++) {
    k[L + 4 * c] = cl.disruptionLoss[c];
    k[L + 4 * c + 1] = world.climate.fundingProbability[c];
    k[L + 4 * c + 2] = cl.fundingMonths[c];
    k[L + 4 * c + 3] = 1 - world.voucherShare[c];
  }
  const sums = new Float64Array(buffer, layout.sums, 4 * P + 2);
  sums.fill(0);
  const dying = new Int32Array(buffer, layout.dying, layout.dyingCapacity);
  const listed = new Int32Array(buffer, layout.list, layout.listCapacity);
  const rescueStream = streamOf(world.key, Purpose.rescue, t);
  const reconsidering = world.reconsidering;
  reconsidering.count = 0;
  const kernel = world.kernel;
  // Rescue draws are keyed by (birth group, rank), births.ts: the kernel walks the groups' table.
  writeGroups(world);
  for (let i = 0; i < st.count; ) {
    i = kernel.operate(st.base, i, st.count, t, P, C, layout.params, layout.sums, layout.dying, layout.dyingCapacity, layout.list, layout.listCapacity, rescueStream);
    drain(world, dying, listed);
  }
  reconsidering.month = t + 1;
  world.keptAtListing.set(world.keeps);
  m.freeTokens = sums[4 * P];
  m.voucherCost = sums[4 * P + 1];
  for (let j = 0; j < P; j++) {
    m.revenue[j] = sums[4 * j];
    m.cost[j] = sums[4 * j + 1] + (p.active[j] ? p.fixedCost[j] : 0);
    m.tokens[j] = sums[4 * j + 2];
    m.customers[j] = sums[4 * j + 3];
  }
}

/** Books what one kernel call reported: its deaths, in the order the loop met them (runway as ~i, hazard as i), and its listed survivors. */
function drain(world: World, dying: Int32Array, listed: Int32Array): void {
  const kernel = world.kernel;
  const reconsidering = world.reconsidering;
  const dead = kernel.dead();
  for (let d = 0; d < dead; d++) die(world, dying[d] < 0 ? ~dying[d] : dying[d], dying[d] < 0 ? Cause.runway : Cause.hazard);
  const count = kernel.listed();
  while (reconsidering.count + count > reconsidering.list.length) growReconsidering(world);
  reconsidering.list.set(listed.subarray(0, count), reconsidering.count);
  reconsidering.count += count;
}
