/**
 * Monthly Bernoulli events as schedules. MODEL.md has every alive startup
 * reconsider with probability ρ_s and die of the hazard with probability h_s
 * each month. Drawing both coins for every startup every month dominated the
 * step; instead each startup carries the month of its next such event, drawn
 * from the geometric law of the number of months until the first success.
 * The months between successive events of independent monthly coins are
 * exactly geometric, so the law of every trajectory is the model's (the
 * analytic tests check the survival curve 1 − (1 − h)^(t+1) and the
 * reconsideration path (1 − ρ)^(t+1)); a `set` that changes ρ_s or h_s
 * redraws the schedules of the class from that month, which memorylessness
 * makes exact too. Draws stay keyed by (purpose, month, startup key).
 */
import { Purpose, streamOf, uniform } from '../rng/keyed.js';
import { startupKey } from './births.js';
import { I16, monthField, NEVER, Stride, U8 } from './startups.js';
import { ROUND_RESCHEDULE, type World } from './world.js';

/**
 * Months of failure before the first success of a p-coin, from a uniform u
 * in [0, 1): 0 with probability p, k with probability (1 − p)^k · p.
 */
export function geometric(p: number, u: number, logStay = Math.log1p(-p)): number {
  if (p >= 1) return 0;
  if (!(p > 0)) return NEVER;
  return Math.floor(Math.log1p(-u) / logStay);
}

/**
 * log(1 − p) for class s's coin, remembered in `memo` ([p, log(1 − p)] per
 * class) while p stays the same: half the logarithms of a geometric draw.
 */
function logStay(memo: Float64Array, s: number, p: number): number {
  if (memo[2 * s] !== p) {
    memo[2 * s] = p;
    memo[2 * s + 1] = Math.log1p(-p);
  }
  return memo[2 * s + 1];
}

/** The first month ≥ `from` in which class s's monthly p-coin comes up, drawn from startup i's key in `stream`. */
function nextMonth(world: World, stream: number, i: number, p: number, memo: Float64Array, s: number, from: number): number {
  return monthField(from + geometric(p, uniform(startupKey(world.births, stream, i), 0), logStay(memo, s, p)));
}

/**
 * Schedules a newborn: the t = 0 cohort may reconsider from month 0, an
 * entrant born in month t from t + 1 (section 3, step 3); both face the
 * hazard from the month they exist in.
 */
export function scheduleBirth(world: World, i: number, born: number, firstMonth: number): void {
  const st = world.startups;
  const s = st.u8[i * Stride.u8 + U8.cls];
  const cl = world.classes;
  const streams = world.birthStreams;
  if (streams.month !== born) {
    streams.month = born;
    streams.reconsider = streamOf(world.key, Purpose.reconsiderSchedule, born);
    streams.hazard = streamOf(world.key, Purpose.hazardSchedule, born);
  }
  st.i16[i * Stride.i16 + I16.nextReconsider] = nextMonth(world, streams.reconsider, i, cl.reconsider[s], world.logStayReconsider, s, born < 0 ? 0 : born + 1);
  st.i16[i * Stride.i16 + I16.hazardMonth] = nextMonth(world, streams.hazard, i, cl.hazard[s], world.logStayHazard, s, firstMonth);
}

/**
 * After a reconsideration in month t: the next one from t + 1, drawn from
 * key (world.roundStreams[ROUND_RESCHEDULE], i), the stream of
 * (reconsiderSchedule, t) that step 4 sets.
 */
export function rescheduleReconsider(world: World, i: number): void {
  const st = world.startups;
  const s = st.u8[i * Stride.u8 + U8.cls];
  const p = world.classes.reconsider[s];
  const gap = geometric(p, uniform(startupKey(world.births, world.roundStreams[ROUND_RESCHEDULE], i), 0), logStay(world.logStayReconsider, s, p));
  st.i16[i * Stride.i16 + I16.nextReconsider] = monthField(world.t + 1 + gap);
}

/** After a `set` in month t changed ρ or h of some classes: redraw the living startups' schedules of those classes from month t. */
export function rescheduleClasses(world: World, reconsiderChanged: Uint8Array, hazardChanged: Uint8Array): void {
  const st = world.startups;
  const cl = world.classes;
  const t = world.t;
  // Key months offset by 2,000 so a redraw never reuses a birth draw's key.
  const keyMonth = t + 2000;
  world.reconsidering.month = -1; // operate's list of this month's choosers is stale now
  const reconsiderStream = streamOf(world.key, Purpose.reconsiderSchedule, keyMonth);
  const hazardStream = streamOf(world.key, Purpose.hazardSchedule, keyMonth);
  for (let i = 0; i < st.count; i++) {
    if (st.u8[i * Stride.u8 + U8.alive] === 0) continue;
    const s = st.u8[i * Stride.u8 + U8.cls];
    if (reconsiderChanged[s]) st.i16[i * Stride.i16 + I16.nextReconsider] = nextMonth(world, reconsiderStream, i, cl.reconsider[s], world.logStayReconsider, s, t);
    if (hazardChanged[s]) st.i16[i * Stride.i16 + I16.hazardMonth] = nextMonth(world, hazardStream, i, cl.hazard[s], world.logStayHazard, s, t);
  }
}
