/**
 * Births: the t = 0 population (MODEL.md section 6) and monthly Poisson
 * entry (section 3, step 3). A newborn draws its class and attributes from
 * its own key (sim/kernel/births.ts), so births never shift anyone else's random
 * numbers.
 */
import { monthLabel } from '../calendar.js';
import { ModelError } from '../errors.js';
import { tooManyEntrants } from './messages.js';
import { drawKey, groupStream, Purpose, type PurposeCode, streamOf } from '../rng/keyed.js';
import { poisson } from '../rng/distributions.js';
import { openBirthGroup } from './births.js';
import { sortByPriority } from './priority.js';
import { chooseRound, prepareChoices } from './choice.js';
import { roundView, writeClassTable, writeGroups, writeInitialShares } from './kernel-tables.js';
import { setProviderFields, seedStaticValues } from './providers.js';
import { F64, I16, INITIAL_COHORT, NO_PROVIDER, reserve, Stride, U8 } from './startups.js';
import { choosersBuffer, type World } from './world.js';

/** Entrants a month beyond which a run is surely runaway entry, not a market (10^7). */
const MAX_ENTRY_MEAN = 1e7;

/**
 * Appends n startups born in `month` (INITIAL_COHORT for t = 0's
 * population) as a new birth group: the kernel draws their class,
 * attributes and schedules from their keys (sim/kernel/births.ts). The t = 0
 * population may reconsider from month 0, an entrant born in month t from
 * t + 1 (section 3, step 3); both face the hazard from the month they exist in.
 */
function bear(world: World, group: number, month: number, born: number, n: number): void {
  const st = world.startups;
  reserve(st, n);
  const first = st.count;
  openBirthGroup(world.births, group, first);
  st.count += n;
  writeClassTable(world);
  const narrow = (purpose: PurposeCode) => groupStream(streamOf(world.key, purpose, born), group);
  world.kernel.bear(first, n, groupStream(world.attributesStream, group), narrow(Purpose.reconsiderSchedule), narrow(Purpose.hazardSchedule), born < 0 ? 0 : born + 1, month);
  const bornByClass = roundView(world).subarray(2 + world.providerCount * world.providerCount);
  for (let s = 0; s < bornByClass.length; s++) world.climate.aliveByClass[s] += bornByClass[s];
  world.alive += n;
}

/**
 * Creates `startups.initial` startups and gives each its provider at t = 0:
 * drawn from `initialProviders` when given, else by the logit with fields
 * evaluated for t = 0, shares 0, no campaigns, x = 0 and no switching cost
 * (MODEL.md section 9). Leaves the initial population's shares in place as
 * month 0's `share_j(t−1)`.
 */
export function createInitialPopulation(world: World): void {
  const n = world.compiled.scenario.startups.initial;
  const st = world.startups;
  for (let j = 0; j < world.providerCount; j++) seedStaticValues(world, j);
  bear(world, 0, 0, INITIAL_COHORT, n);
  const byLogit = world.compiled.initialShares.some((shares) => shares === null);
  if (byLogit) {
    setProviderFields(world);
    world.providers.exitRisk.fill(0);
    prepareChoices(world);
  }
  writeClassTable(world);
  writeGroups(world);
  writeInitialShares(world);
  world.kernel.assignInitial(n, streamOf(world.key, Purpose.initialProvider, 0), world.horizon);
  const cohort = world.cohort;
  const P = world.providerCount;
  for (let i = 0; i < n; i++) {
    const s = st.u8[i * Stride.u8 + U8.cls];
    const j = st.i16[i * Stride.i16 + I16.provider];
    cohort.size++;
    cohort.sizeByClass[s]++;
    if (j !== NO_PROVIDER) {
      cohort.sizeByClassOn[s * P + j]++;
      world.month.customers[j]++;
      world.month.tokens[j] += st.f64[i * Stride.f64 + F64.tokens];
    }
  }
  for (let j = 0; j < world.providerCount; j++) seedStaticValues(world, j);
}

/**
 * Step 3: Poisson(E(t)) entrants, E(t) = rate · (Qmax / q_ref)^elasticity
 * with Qmax the class-share-weighted best quality on offer; each chooses a
 * provider, in the order of their priority draws (budgets; priority.ts).
 */
export function enterStartups(world: World): void {
  const p = world.providers;
  const cl = world.classes;
  const P = world.providerCount;
  let anyActive = false;
  let qmax = 0;
  for (let s = 0; s < cl.ids.length; s++) {
    let best = 0;
    for (let j = 0; j < P; j++) if (p.active[j] && p.serves[j] & (1 << s) && p.quality[j] > best) best = p.quality[j];
    qmax += cl.share[s] * best;
  }
  for (let j = 0; j < P; j++) if (p.active[j]) anyActive = true;
  if (!anyActive || world.entryRate <= 0) return;
  const mean = world.entryRate * Math.pow(qmax / world.qualityReference, world.entryElasticity);
  // An expression quality can grow without bound; stop before the arrays do.
  if (!(mean <= MAX_ENTRY_MEAN))
    throw new ModelError(tooManyEntrants(mean, monthLabel(world.compiled.start, world.t), world.t, MAX_ENTRY_MEAN));
  // By inversion, so the count is monotone in the mean (poissonInverse).
  const n = poisson(drawKey(world.key, Purpose.entryCount, world.t, 0), mean);
  if (n === 0) return;
  const first = world.startups.count;
  // Entrants are keyed by (month, rank), ranked in arrival order (births.ts).
  bear(world, world.t + 1, world.t, world.t, n);
  const order = choosersBuffer(world, n);
  for (let k = 0; k < n; k++) order[k] = first + k;
  sortByPriority(world, order, n);
  prepareChoices(world);
  // No switch for an entrant, but the exit-risk term x_j · S_i applies; entrants are scheduled from t + 1.
  chooseRound(world, order, n, false);
  world.month.entered = n;
}
