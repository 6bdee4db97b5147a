/**
 * Births: the t = 0 population (MODEL.md section 6) and monthly Poisson
 * entry (section 3, step 3). A newborn draws its class and attributes from
 * its own key (attributes.ts), so births never shift anyone else's random
 * numbers.
 */
import { monthLabel } from '../calendar.js';
import { ModelError } from '../errors.js';
import { tooManyEntrants } from './messages.js';
import { drawKey, keyOf, Purpose, streamOf, uniform } from '../rng/keyed.js';
import { poisson } from '../rng/distributions.js';
import { attributeNormal, attributesKey, classUniform, Draw, growthFactor } from './attributes.js';
import { openBirthGroup } from './births.js';
import { sortByPriority } from './priority.js';
import { drawClass } from './classes.js';
import { applyChoice, choose, prepareChoices } from './choice.js';
import { setProviderFields, seedStaticValues } from './providers.js';
import { scheduleBirth } from './schedule.js';
import { F64, I16, INITIAL_COHORT, NO_PROVIDER, reserve, Stride, U8 } from './startups.js';
import { choosersBuffer, ROUND_CHOICE, type World } from './world.js';

/** Entrants a month beyond which a run is surely runaway entry, not a market (10^7). */
const MAX_ENTRY_MEAN = 1e7;

/** Appends one startup born in `month` (INITIAL_COHORT for t = 0's population) and returns its index. */
function bear(world: World, month: number, born: number): number {
  const st = world.startups;
  const cl = world.classes;
  reserve(st, 1);
  const i = st.count++;
  const key = attributesKey(world, i);
  const s = drawClass(cl, classUniform(key));
  const { f64, i16, u8 } = st;
  const a = i * Stride.f64;
  const h = i * Stride.i16;
  u8[i * Stride.u8 + U8.cls] = s;
  u8[i * Stride.u8 + U8.alive] = 1;
  f64[a + F64.cash] = cl.cashMedian[s] * Math.exp(cl.cashSigma[s] * attributeNormal(key, Draw.cash));
  f64[a + F64.revenue] = cl.revenueMedian[s] * Math.exp(cl.revenueSigma[s] * attributeNormal(key, Draw.revenue));
  f64[a + F64.opex] = cl.opexMedian[s] * Math.exp(cl.opexSigma[s] * attributeNormal(key, Draw.opex));
  f64[a + F64.tokens] = cl.tokensMedian[s] * Math.exp(cl.tokensSigma[s] * attributeNormal(key, Draw.tokens));
  f64[a + F64.growthFactor] = growthFactor(world, i);
  f64[a + F64.free] = 0;
  i16[h + I16.provider] = NO_PROVIDER;
  i16[h + I16.initialProvider] = NO_PROVIDER;
  i16[h + I16.freeProvider] = NO_PROVIDER;
  i16[h + I16.freeUntil] = -1;
  i16[h + I16.disruptedUntil] = -1;
  scheduleBirth(world, i, born, month);
  world.alive++;
  world.climate.aliveByClass[s]++;
  return i;
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
  openBirthGroup(world.births, 0, 0);
  for (let i = 0; i < n; i++) bear(world, 0, INITIAL_COHORT);
  const byLogit = world.compiled.initialShares.some((shares) => shares === null);
  if (byLogit) {
    setProviderFields(world);
    world.providers.exitRisk.fill(0);
    prepareChoices(world);
  }
  const cohort = world.cohort;
  const P = world.providerCount;
  const initialProvider = streamOf(world.key, Purpose.initialProvider, 0);
  world.roundStreams[ROUND_CHOICE] = initialProvider;
  for (let i = 0; i < n; i++) {
    const s = st.u8[i * Stride.u8 + U8.cls];
    const u = uniform(keyOf(initialProvider, i), 0);
    const shares = world.compiled.initialShares[s];
    // The logit draws the same uniform u; no switching cost, x = 0 (section 9).
    const j = shares ? pickCumulative(shares, u) : choose(world, i, NO_PROVIDER, false);
    st.i16[i * Stride.i16 + I16.provider] = j;
    st.i16[i * Stride.i16 + I16.initialProvider] = j;
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

function pickCumulative(cumulative: Float64Array, u: number): number {
  let last = NO_PROVIDER;
  for (let j = 0; j < cumulative.length; j++) {
    const previous = j === 0 ? 0 : cumulative[j - 1];
    if (cumulative[j] > previous) {
      last = j;
      if (u < cumulative[j]) return j;
    }
  }
  return last;
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
  openBirthGroup(world.births, world.t + 1, first);
  for (let k = 0; k < n; k++) bear(world, world.t, world.t);
  const order = choosersBuffer(world, n);
  for (let k = 0; k < n; k++) order[k] = first + k;
  sortByPriority(world, order, n);
  world.roundStreams[ROUND_CHOICE] = streamOf(world.key, Purpose.choice, world.t);
  prepareChoices(world);
  // No switch for an entrant, but the exit-risk term x_j · S_i applies: costly.
  for (let k = 0; k < n; k++) applyChoice(world, order[k], choose(world, order[k], NO_PROVIDER, true), false);
  world.month.entered = n;
}
