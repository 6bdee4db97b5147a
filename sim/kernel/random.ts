/**
 * The keyed draws of sim/rng/keyed.ts and sim/rng/distributions.ts that the
 * kernel makes for each startup, written for WebAssembly with the same
 * operations, so a draw is the same double on either side
 * (test/model/kernel-math.test.ts): the murmur3 finaliser, keys, 53- and
 * 32-bit uniforms, Acklam's normal quantile and the geometric month count.
 */
import { log, log1p } from './fdlibm';

// @ts-ignore: decorator
@inline
export function fmix32(h: u32): u32 {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

/** keyed.ts `absorb`. */
// @ts-ignore: decorator
@inline
export function absorb(h: u32, x: u32): u32 {
  return fmix32((h ^ fmix32(x * 0x9e3779b1 + 0x7f4a7c15)) + 0x165667b1);
}

/** keyed.ts `keyOf`. */
// @ts-ignore: decorator
@inline
export function keyOf(stream: u32, index: u32): u32 {
  return fmix32((stream ^ 0x5bd1e995) + index * 0x9e3779b1);
}

/** keyed.ts `groupStream`. */
// @ts-ignore: decorator
@inline
export function groupStream(stream: u32, group: u32): u32 {
  return group == 0 ? stream : absorb(stream, group);
}

/** keyed.ts `uniform`: the k-th uniform in [0, 1) of a key, 53 bits. */
// @ts-ignore: decorator
@inline
export function uniform(key: u32, k: u32): f64 {
  const x = fmix32(key + (2 * k + 1) * 0x9e3779b9) >> 5;
  const y = fmix32(key + (2 * k + 2) * 0x9e3779b9) >> 6;
  return (<f64>x * 67108864.0 + <f64>y) / 9007199254740992.0;
}

/** keyed.ts `uniform32`: 32 bits. */
// @ts-ignore: decorator
@inline
export function uniform32(key: u32, k: u32): f64 {
  return <f64>fmix32(key + (2 * k + 1) * 0x9e3779b9) * 2.3283064365386963e-10;
}

/** distributions.ts `normalQuantile`: Acklam's approximation, same coefficients and order of operations. */
export function normalQuantile(u: f64): f64 {
  if (!(u >= 0.02425 && u <= 1 - 0.02425)) return normalTail(u);
  const q = u - 0.5;
  const r = q * q;
  return (
    ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r + -2.759285104469687e2) * r + 1.38357751867269e2) * r + -3.066479806614716e1) * r + 2.506628277459239) * q) /
    (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r + -1.556989798598866e2) * r + 6.680131188771972e1) * r + -1.328068155288572e1) * r + 1)
  );
}

/**
 * normalQuantile of both lanes of u, each the double the scalar gives: the
 * central rational function as one SIMD pass when both lanes are central,
 * else lane by lane.
 */
// @ts-ignore: decorator
@inline
export function normalQuantile2x(u: v128): v128 {
  const central = v128.and(f64x2.ge(u, f64x2.splat(0.02425)), f64x2.le(u, f64x2.splat(1 - 0.02425)));
  if (!i64x2.all_true(central)) {
    return f64x2.replace_lane(f64x2.splat(normalQuantile(f64x2.extract_lane(u, 0))), 1, normalQuantile(f64x2.extract_lane(u, 1)));
  }
  const q = f64x2.sub(u, f64x2.splat(0.5));
  const r = f64x2.mul(q, q);
  let a = f64x2.add(f64x2.mul(f64x2.splat(-3.969683028665376e1), r), f64x2.splat(2.209460984245205e2));
  a = f64x2.add(f64x2.mul(a, r), f64x2.splat(-2.759285104469687e2));
  a = f64x2.add(f64x2.mul(a, r), f64x2.splat(1.38357751867269e2));
  a = f64x2.add(f64x2.mul(a, r), f64x2.splat(-3.066479806614716e1));
  a = f64x2.add(f64x2.mul(a, r), f64x2.splat(2.506628277459239));
  let b = f64x2.add(f64x2.mul(f64x2.splat(-5.447609879822406e1), r), f64x2.splat(1.615858368580409e2));
  b = f64x2.add(f64x2.mul(b, r), f64x2.splat(-1.556989798598866e2));
  b = f64x2.add(f64x2.mul(b, r), f64x2.splat(6.680131188771972e1));
  b = f64x2.add(f64x2.mul(b, r), f64x2.splat(-1.328068155288572e1));
  b = f64x2.add(f64x2.mul(b, r), f64x2.splat(1));
  return f64x2.div(f64x2.mul(a, q), b);
}

function normalTail(u: f64): f64 {
  if (u <= 0) u = 5e-324;
  if (u < 0.02425) {
    const q = sqrt<f64>(-2 * log(u));
    return tailNumerator(q) / tailDenominator(q);
  }
  const q = sqrt<f64>(-2 * log(1 - u));
  return -tailNumerator(q) / tailDenominator(q);
}

// @ts-ignore: decorator
@inline
function tailNumerator(q: f64): f64 {
  return ((((-7.784894002430293e-3 * q + -3.223964580411365e-1) * q + -2.400758277161838) * q + -2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783;
}

// @ts-ignore: decorator
@inline
function tailDenominator(q: f64): f64 {
  return (((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1;
}

/** distributions.ts `standardNormal`. */
// @ts-ignore: decorator
@inline
export function standardNormal(key: u32, k: u32): f64 {
  return normalQuantile(uniform(key, k));
}

/** A month that never comes (startups.ts NEVER). */
export const NEVER: i32 = 32767;

/**
 * schedule.ts: the first month ≥ `from` in which a p-coin comes up, from a
 * uniform u, with logStay = log(1 − p); clamped into the 16-bit month slots.
 */
export function nextMonth(from: i32, p: f64, logStay: f64, u: f64): i32 {
  if (p >= 1) return from < NEVER ? from : NEVER;
  if (!(p > 0)) return NEVER;
  const month = <f64>from + Math.floor(log1p(-u) / logStay);
  return month < <f64>NEVER ? <i32>month : NEVER;
}

/** normalQuantile2x of the two doubles at `at`, written back there (for the tests). */
export function normalQuantile2xAt(at: usize): void {
  v128.store(at, normalQuantile2x(v128.load(at)));
}
