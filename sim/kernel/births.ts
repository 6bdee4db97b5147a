/**
 * Births and the draws a `set` re-derives (MODEL.md sections 6 and 3,
 * step 3; the model's side is sim/model/entry.ts, growth.ts and
 * schedule.ts, which say what they are): a newborn's class, cash, revenue,
 * opex, token demand and growth factor from its attributes key, and its
 * first reconsideration and hazard months from the schedule streams.
 */
import { exp, exp2x } from './fdlibm';
import {
  C, classField, ClassSlot, NO_PROVIDER, P, prepareClasses, record, RecordByte, round, ROUND_HEADER, startupKey,
} from './layout';
import { keyOf, nextMonth, normalQuantile2x, standardNormal, uniform } from './random';

/** k of each attributes draw (MODEL.md section 10). Never renumber: results depend on it. */
const DRAW_CLASS = 0;
const DRAW_CASH = 1;
const DRAW_REVENUE = 2;
const DRAW_OPEX = 3;
const DRAW_TOKENS = 4;
const DRAW_GROWTH = 5;
export const DRAW_SWITCH_COST = 6;

/** classes.ts drawClass: the first class whose cumulative share exceeds u, else the last. */
function drawClass(u: f64): i32 {
  let acc = 0.0;
  const last = C - 1;
  for (let s = 0; s < last; s++) {
    acc += classField(s, ClassSlot.share);
    if (u < acc) return s;
  }
  return last;
}

/** Two log-normal attributes of class s, median · exp(σ · Z), from draws ka and kb of the key; each slot `median` is followed by its σ. */
// @ts-ignore: decorator
@inline
function lognormal2x(s: i32, medianA: i32, medianB: i32, key: u32, ka: u32, kb: u32): v128 {
  const z = normalQuantile2x(f64x2.replace_lane(f64x2.splat(uniform(key, ka)), 1, uniform(key, kb)));
  const sigma = f64x2.replace_lane(f64x2.splat(classField(s, medianA + 1)), 1, classField(s, medianB + 1));
  const median = f64x2.replace_lane(f64x2.splat(classField(s, medianA)), 1, classField(s, medianB));
  return f64x2.mul(median, exp2x(f64x2.mul(sigma, z)));
}

/** exp(g_i), g_i = mean_s + sd_s · Z_i. */
// @ts-ignore: decorator
@inline
function growthFactor(s: i32, key: u32): f64 {
  return exp(classField(s, ClassSlot.growthMean) + classField(s, ClassSlot.growthSd) * standardNormal(key, DRAW_GROWTH));
}

/**
 * Writes the records of startups first … first + n − 1, the whole of a
 * birth group just opened (their ranks are i − first), with the streams
 * already narrowed to the group: attributes, and the reconsideration and
 * hazard schedules of their birth month. They may reconsider from month
 * `reconsiderFrom` and face the hazard from `hazardFrom`. Adds the births
 * of each class to the round's counters.
 */
export function bear(first: i32, n: i32, attributes: u32, reconsider: u32, hazard: u32, reconsiderFrom: i32, hazardFrom: i32): void {
  prepareClasses();
  const bornByClass = round + (<usize>(ROUND_HEADER + P * P) << 3);
  for (let s = 0; s < C; s++) store<f64>(bornByClass + (<usize>s << 3), 0);
  for (let rank = 0; rank < n; rank++) {
    const i = first + rank;
    const r = record(i);
    const key = keyOf(attributes, <u32>rank);
    const s = drawClass(uniform(key, DRAW_CLASS));
    store<u8>(r, <u8>s, RecordByte.cls);
    store<u8>(r, 1, RecordByte.alive);
    // Cash and revenue, then opex and tokens, two log-normals at a time (each lane the scalar draw's double).
    const cashRevenue = lognormal2x(s, ClassSlot.cashMedian, ClassSlot.revenueMedian, key, DRAW_CASH, DRAW_REVENUE);
    const opexTokens = lognormal2x(s, ClassSlot.opexMedian, ClassSlot.tokensMedian, key, DRAW_OPEX, DRAW_TOKENS);
    store<f64>(r, f64x2.extract_lane(cashRevenue, 0), RecordByte.cash);
    store<f64>(r, f64x2.extract_lane(cashRevenue, 1), RecordByte.revenue);
    store<f64>(r, f64x2.extract_lane(opexTokens, 0), RecordByte.opex);
    store<f64>(r, f64x2.extract_lane(opexTokens, 1), RecordByte.tokens);
    store<f64>(r, growthFactor(s, key), RecordByte.growthFactor);
    store<i32>(r, 0, RecordByte.grant);
    store<i16>(r, <i16>NO_PROVIDER, RecordByte.provider);
    store<i16>(r, <i16>NO_PROVIDER, RecordByte.initialProvider);
    store<i16>(r, -1, RecordByte.disruptedUntil);
    store<i16>(r, <i16>nextMonth(reconsiderFrom, classField(s, ClassSlot.reconsider), classField(s, ClassSlot.logStayReconsider), uniform(keyOf(reconsider, <u32>rank), 0)), RecordByte.nextReconsider);
    store<i16>(r, <i16>nextMonth(hazardFrom, classField(s, ClassSlot.hazard), classField(s, ClassSlot.logStayHazard), uniform(keyOf(hazard, <u32>rank), 0)), RecordByte.hazardMonth);
    const at = bornByClass + (<usize>s << 3);
    store<f64>(at, load<f64>(at) + 1);
  }
}

/** After a `set` on a class's growth: g_i = mean' + sd' · Z_i for the living startups 0 … n − 1, from their own draw. */
export function regrow(n: i32, attributes: u32): void {
  for (let i = 0; i < n; i++) {
    const r = record(i);
    if (load<u8>(r, RecordByte.alive) == 0) continue;
    store<f64>(r, growthFactor(<i32>load<u8>(r, RecordByte.cls), startupKey(attributes, i)), RecordByte.growthFactor);
  }
}

/**
 * After a `set` in month t changed ρ or h of the classes flagged in the
 * class table: redraws the living startups' schedules of those classes
 * from month t, from the streams of (purpose, t + 2000) (schedule.ts of the model).
 */
export function reschedule(n: i32, t: i32, reconsider: u32, hazard: u32): void {
  prepareClasses();
  for (let i = 0; i < n; i++) {
    const r = record(i);
    if (load<u8>(r, RecordByte.alive) == 0) continue;
    const s = <i32>load<u8>(r, RecordByte.cls);
    if (classField(s, ClassSlot.redrawReconsider) != 0)
      store<i16>(r, <i16>nextMonth(t, classField(s, ClassSlot.reconsider), classField(s, ClassSlot.logStayReconsider), uniform(startupKey(reconsider, i), 0)), RecordByte.nextReconsider);
    if (classField(s, ClassSlot.redrawHazard) != 0)
      store<i16>(r, <i16>nextMonth(t, classField(s, ClassSlot.hazard), classField(s, ClassSlot.logStayHazard), uniform(startupKey(hazard, i), 0)), RecordByte.hazardMonth);
  }
}
